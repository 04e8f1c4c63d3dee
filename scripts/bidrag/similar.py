"""Similar measures in other regions, computed once by the build (the database is immutable).

Two measures are alike when they share themes and the Swedish search terms of their title and reason.
Swedish inflects (fallolyckor, fallolycka) and glues words together (egenmonitorering,
distansmonitorering, fallprevention), so words are compared by their Snowball stem and the title's
words also by their beginnings and ends: the parts of a compound, which is how the site's substring
search links them too (a search for "monitorering" finds both). A beginning or end that no other
measure shares says nothing and is left out. Features are weighted by rarity (tf-idf) and compared by
cosine. Granted measures come first: they are the ones a region can learn from.

The cost stays bounded whatever the size: a feature shared by more than MAX_POSTINGS measures says
little about any pair and is not used to find candidates.
"""

import math
import re
from collections import Counter, defaultdict

import snowballstemmer

from .schema import MONEY_GRANTED, measure_id

LIMIT = 10
MAX_POSTINGS = 200
MIN_SCORE = 0.08
_WORD = re.compile(r"[^\W\d_]{4,}")
_HEAD, _TAIL = 4, 6  # shortest beginning and end of a title word that count as a part of it
_STEMMER = snowballstemmer.stemmer("swedish")
# Words every decision uses: they say nothing about what a measure is.
_COMMON = frozenset(
    "effektivitetsdelegationen effektivitetsdelegation bidrag bidraget bidragets åtgärd åtgärden åtgärder "
    "åtgärderna införande implementering hälso sjukvård sjukvården sjukvårdsverksamheten verksamhet verksamheten "
    "region regionen regionens bedömer bedöms beviljas avslås inte också eller samt detta denna dessa deras "
    "ansökan ansökt effektiv effektivare effektiviteten effektivisering".split()
)
_WEIGHTS = {"title": 2.0, "reason": 1.0, "theme": 1.5, "piece": 0.5}


def _words(text: str | None) -> list[str]:
    return [w for w in _WORD.findall((text or "").casefold()) if w not in _COMMON]


def features(title: str, reason: str | None, themes: list) -> Counter:
    found = Counter()
    for part, text in (("title", title), ("reason", reason)):
        for word, stem in zip(words := _words(text), _STEMMER.stemWords(words), strict=True):
            found[f"w:{stem}"] += _WEIGHTS[part]
            if part == "title":
                for end in range(_HEAD, len(word) + 1):
                    found[f"p:{word[:end]}"] += _WEIGHTS["piece"]
                for start in range(len(word) - _TAIL + 1):
                    found[f"s:{word[start:]}"] += _WEIGHTS["piece"]
    for theme in themes:
        found[f"t:{theme}"] += _WEIGHTS["theme"]
    return found


def _vectors(items: list) -> list[dict]:
    """tf-idf vectors of unit length."""
    bags = [features(m["title"], m["reason"], m["themes"]) for m in items]
    frequency = Counter(f for bag in bags for f in bag)
    bags = [{f: w for f, w in bag.items() if f[0] not in "ps" or frequency[f] > 1} for bag in bags]
    count = len(bags)
    vectors = []
    for bag in bags:
        vector = {f: w * math.log(1 + count / frequency[f]) for f, w in bag.items()}
        norm = math.sqrt(sum(v * v for v in vector.values())) or 1.0
        vectors.append({f: v / norm for f, v in vector.items()})
    return vectors


def similar_measures(dataset, limit: int = LIMIT):
    """Rows of the similar_measures table: per measure, up to limit measures of other regions."""
    items = [{**m, "id": measure_id(d, m), "region": d["region"]} for d in dataset.decisions for m in d["measures"]]
    vectors = _vectors(items)
    postings = defaultdict(list)
    for index, vector in enumerate(vectors):
        for feature, weight in vector.items():
            postings[feature].append((index, weight))
    usable = {f: p for f, p in postings.items() if len(p) <= MAX_POSTINGS}
    for index, item in enumerate(items):
        scores = defaultdict(float)
        for feature, weight in vectors[index].items():
            for other, other_weight in usable.get(feature, ()):
                scores[other] += weight * other_weight
        ranked = sorted(
            (o for o, s in scores.items() if s >= MIN_SCORE and items[o]["region"] != item["region"]),
            key=lambda o: (items[o]["status"] not in MONEY_GRANTED, -scores[o], items[o]["id"]),
        )
        for rank, other in enumerate(ranked[:limit], 1):
            shared = [t for t in item["themes"] if t in items[other]["themes"]]
            yield {
                "measure_id": item["id"],
                "rank": rank,
                "similar_id": items[other]["id"],
                "score": round(scores[other], 4),
                "shared_themes": [dataset.theme_names[t] for t in shared],
            }
