"""From an article (plain text or HTML) to a source and its candidate events.

Reading and cleaning live here; finding events is timeline/extract.py's job; recording them is
the API's (one transaction: the ``source.added`` record and every ``event.recorded``).
"""

from __future__ import annotations

import hashlib
import re
from dataclasses import dataclass, field
from datetime import date
from html.parser import HTMLParser
from typing import Any

from timeline.errors import UsageError

_BLOCKS = frozenset({
    "p", "div", "br", "li", "ul", "ol", "h1", "h2", "h3", "h4", "h5", "h6", "tr", "table",
    "section", "article", "header", "footer", "blockquote", "figcaption", "title", "hr",
})
_SKIPPED = frozenset({"script", "style", "noscript", "template", "svg", "nav", "aside", "form"})
_DATE_META = ("article:published_time", "datepublished", "date", "pubdate", "dc.date",
              "og:published_time", "publish-date", "publication_date")


class _Text(HTMLParser):
    """Visible text of a page, paragraph breaks kept; title and publication metadata noted."""

    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.parts: list[str] = []
        self.skipping = 0
        self.in_title = False
        self.title = ""
        self.published: str | None = None

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        if tag in _SKIPPED:
            self.skipping += 1
        elif tag == "title":
            self.in_title = True
        elif tag == "meta":
            values = {k.lower(): (v or "") for k, v in attrs}
            name = (values.get("property") or values.get("name") or values.get("itemprop") or "")
            if name.lower() in _DATE_META and self.published is None:
                self.published = values.get("content") or None
        elif tag == "time" and self.published is None:
            self.published = dict(attrs).get("datetime") or None
        if tag in _BLOCKS:
            self.parts.append("\n")

    def handle_endtag(self, tag: str) -> None:
        if tag in _SKIPPED and self.skipping:
            self.skipping -= 1
        elif tag == "title":
            self.in_title = False
        if tag in _BLOCKS:
            self.parts.append("\n")

    def handle_data(self, data: str) -> None:
        if self.in_title:
            self.title += data
        elif not self.skipping:
            # A line break in the page source is only wrapping: blocks make the breaks.
            self.parts.append(re.sub(r"\s+", " ", data))


def looks_like_html(raw: str, name: str | None = None) -> bool:
    if name and name.lower().endswith((".html", ".htm", ".xhtml")):
        return True
    head = raw.lstrip()[:500].lower()
    return head.startswith(("<!doctype html", "<html")) or bool(
        re.search(r"<(p|div|body|article)[\s>]", head)
    )


def html_to_text(raw: str) -> tuple[str, str | None, str | None]:
    """(text, title, published metadata) of an HTML page."""
    parser = _Text()
    parser.feed(raw)
    parser.close()
    lines = [" ".join(line.split()) for line in "".join(parser.parts).split("\n")]
    text = "\n".join(line for line in lines if line)
    title = " ".join(parser.title.split()) or None
    return text, title, parser.published


@dataclass
class Article:
    text: str
    published: date
    sha256: str
    name: str | None = None
    url: str | None = None
    title: str | None = None
    extra: dict[str, Any] = field(default_factory=dict)

    @property
    def source_id(self) -> str:
        return "src-" + self.sha256[:16]

    def source(self) -> dict[str, Any]:
        return {
            "name": self.name,
            "url": self.url,
            "title": self.title,
            "published": self.published.isoformat(),
            "sha256": self.sha256,
        }


def read_article(
    raw: str,
    *,
    published: date | None = None,
    name: str | None = None,
    url: str | None = None,
    title: str | None = None,
    filename: str | None = None,
) -> Article:
    """Clean ``raw`` (text or HTML) and settle its publication date.

    The date is ``published`` if given, else what the text itself states (a ``Published:``
    first line, or the page's publication metadata); with neither it is an error, since every
    relative date in the article would be read against a guess.
    """
    from timeline.extract import parse_article

    stated: str | None = None
    page_title: str | None = None
    if looks_like_html(raw, filename):
        raw, page_title, stated = html_to_text(raw)
    text, header_date = parse_article(raw)
    text = text.strip()
    if not text:
        raise UsageError("the article is empty")
    when = published or header_date or _stated_date(stated)
    if when is None:
        raise UsageError(
            "the article's publication date is unknown: give --published YYYY-MM-DD "
            "(relative dates such as 'last month' are read against it)"
        )
    digest = hashlib.sha256(text.encode("utf-8")).hexdigest()
    return Article(text=text, published=when, sha256=digest, name=name, url=url,
                   title=title or page_title)


def _stated_date(value: str | None) -> date | None:
    if not value:
        return None
    match = re.match(r"\s*(\d{4}-\d{2}-\d{2})", value)
    if not match:
        return None
    try:
        return date.fromisoformat(match.group(1))
    except ValueError:
        return None
