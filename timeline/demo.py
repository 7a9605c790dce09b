"""The bundled example timeline loaded by ``timeline demo`` (written for this project).

Two parts: hand-written events (``timeline/data/demo.json``) and an example news article
(``timeline/data/example-article.txt``, a copy of ``examples/istanbul-raid.txt``) ingested like
any other, so that the demo also shows extracted events with their source and evidence.
"""

from __future__ import annotations

import json
from datetime import date
from importlib import resources
from typing import Any

ARTICLE = "example-article.txt"
ARTICLE_SOURCE = "timeline demo (example article)"


def items() -> list[dict[str, Any]]:
    text = resources.files("timeline.data").joinpath("demo.json").read_text(encoding="utf-8")
    out = []
    for item in json.loads(text):
        item = dict(item)
        item["ref"] = date.fromisoformat(item["ref"])
        out.append(item)
    return out


def article() -> str:
    """The example article as shipped: a ``Published:`` line, then the text."""
    return resources.files("timeline.data").joinpath(ARTICLE).read_text(encoding="utf-8")


def load(tl: Any) -> int:
    """Add the example events and ingest the example article, once; loading again adds nothing
    (events are keyed, the article by the SHA-256 of its text). Returns how many were added."""
    batch = items()
    keys = [item.pop("key") for item in batch]
    added = len(tl.add_many(batch, keys=keys))
    result = tl.ingest(article(), name=ARTICLE_SOURCE, filename=ARTICLE)
    return added + (len(result.events) if result.recorded else 0)
