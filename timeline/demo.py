"""The bundled example timeline loaded by ``timeline demo`` (written for this project)."""

from __future__ import annotations

import json
from datetime import date
from importlib import resources
from typing import Any


def items() -> list[dict[str, Any]]:
    text = resources.files("timeline.data").joinpath("demo.json").read_text(encoding="utf-8")
    out = []
    for item in json.loads(text):
        item = dict(item)
        item["ref"] = date.fromisoformat(item["ref"])
        out.append(item)
    return out


def load(tl: Any) -> int:
    """Add the example events once; loading again adds nothing. Returns how many were added."""
    batch = items()
    keys = [item.pop("key") for item in batch]
    return len(tl.add_many(batch, keys=keys))
