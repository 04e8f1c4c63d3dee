"""Keep each text's rendered Markdown, because the database is immutable and rendering is slow.

datasette-render-markdown runs Markdown and then bleach's HTML sanitizer on every cell and every
template call: some 3 ms a text, most of a decision page's time. The same text always renders to
the same sanitised HTML, so this wraps the plugin's render_markdown in a bounded cache; its own
render_cell and template variable look the function up at call time and so use the cached one.
"""

from functools import lru_cache

import datasette_render_markdown

_render = datasette_render_markdown.render_markdown


@lru_cache(maxsize=4096)
def _cached(value, extensions, extra_tags, extra_attrs):
    return _render(value, list(extensions), list(extra_tags), {tag: list(attrs) for tag, attrs in extra_attrs})


def render_markdown(value, extensions=None, extra_tags=None, extra_attrs=None):
    if not isinstance(value, str):
        return _render(value, extensions, extra_tags, extra_attrs)
    attrs = tuple(sorted((tag, tuple(names)) for tag, names in (extra_attrs or {}).items()))
    return _cached(value, tuple(extensions or ()), tuple(extra_tags or ()), attrs)


datasette_render_markdown.render_markdown = render_markdown
