"""The decisions' prose (Markdown) as sanitised HTML, rendered once by the build.

Markdown may carry raw HTML; nh3 (the Ammonia sanitiser) keeps only the tags a text needs, so no
script, event attribute or javascript: link survives, whatever a decision file holds.
"""

import markdown
import nh3

TAGS = {"p", "br", "h2", "h3", "h4", "h5", "ul", "ol", "li", "strong", "em", "b", "i", "blockquote", "code", "a"}
ATTRIBUTES = {"a": {"href", "title"}}
URL_SCHEMES = {"https", "http", "mailto"}


def sanitise(html: str) -> str:
    return nh3.clean(html, tags=TAGS, attributes=ATTRIBUTES, url_schemes=URL_SCHEMES, link_rel="noopener noreferrer")


def to_html(text: str | None) -> str | None:
    if text is None:
        return None
    return sanitise(markdown.markdown(text, output_format="html"))
