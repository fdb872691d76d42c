"""The report document as JSON text: indented, with one line per node so that a 100,000-node
report is written by the C encoder (json's indenting encoder is pure Python) and stays greppable."""

from __future__ import annotations

import json
from collections.abc import Mapping
from typing import Any

# Top-level lists written one item per line.
ONE_LINE_LISTS = ("nodes",)


def render_json(document: Mapping[str, Any]) -> str:
    """json.dumps(document, indent=2), except that each item of ONE_LINE_LISTS takes one line."""
    outer = dict(document)
    bodies: dict[str, str] = {}
    for key in ONE_LINE_LISTS:
        items = outer.get(key)
        if isinstance(items, list) and items:
            outer[key] = f"\0{key}"
            bodies[key] = "[\n    " + ",\n    ".join(json.dumps(item) for item in items) + "\n  ]"
    text = json.dumps(outer, indent=2)
    for key, body in bodies.items():
        text = text.replace(f'\n  "{key}": "\\u0000{key}"', f'\n  "{key}": {body}', 1)
    return text
