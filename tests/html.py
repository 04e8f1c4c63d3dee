"""Read rendered pages the way a visitor does: visible text, links and tagged values."""

from html.parser import HTMLParser


class _Page(HTMLParser):
    def __init__(self):
        super().__init__()
        self.text, self.links, self.tagged = [], [], []
        self.link_texts = []  # (href, the link's visible words)
        self._skip, self._link = 0, None

    def handle_starttag(self, tag, attrs):
        attrs = dict(attrs)
        if tag in ("script", "style", "template"):
            self._skip += 1
        if tag == "a" and attrs.get("href"):
            self.links.append(attrs["href"])
            self._link = (attrs["href"], [])
        self.tagged.append((tag, attrs))

    def handle_endtag(self, tag):
        if tag in ("script", "style", "template"):
            self._skip -= 1
        if tag == "a" and self._link:
            self.link_texts.append((self._link[0], " ".join("".join(self._link[1]).split())))
            self._link = None

    def handle_data(self, data):
        if not self._skip:
            self.text.append(data)
            if self._link:
                self._link[1].append(data)


def parse(html: str) -> _Page:
    page = _Page()
    page.feed(html)
    return page


def visible_text(html: str) -> str:
    return " ".join(" ".join(parse(html).text).split())


def with_attribute(html: str, name: str) -> list[dict]:
    return [attrs for _, attrs in parse(html).tagged if name in attrs]


def links_with_text(html: str) -> list[tuple[str, str]]:
    """(href, visible words) of each link."""
    return parse(html).link_texts
