"""Canonical JSON: the one byte form of a JSON value that is signed, compressed and compared.

Keys sorted, no spaces, UTF-8 without ``\\u`` escapes for non-ASCII text. Any JSON library that sorts
keys by code point and writes the shortest separators produces the same bytes for the values used here
(strings, integers, booleans, null, lists and objects; floats only inside survey answers).
"""

from __future__ import annotations

import json
from typing import Any


def canonical_json(value: Any) -> bytes:
    return json.dumps(value, sort_keys=True, separators=(",", ":"), ensure_ascii=False,
                      allow_nan=False).encode("utf-8")
