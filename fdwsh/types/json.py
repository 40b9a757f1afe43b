"""json and jsonb: input validation and output as PostgreSQL 15 prints them.

Python values: json is ``str`` (the text exactly as given, after validation); jsonb is a
:class:`Jsonb` holding the decoded value (dict with PostgreSQL's key order — shorter keys first,
then bytewise; the last duplicate wins — list, str, Decimal, True/False, None for JSON null).
jsonb prints as ``{"a": 1, "b": [1, 2]}``.
"""

from __future__ import annotations

from dataclasses import dataclass
from decimal import Decimal

from fdwsh.types.jsonparse import JsonObject, Number, parse_json
from fdwsh.types.numeric import format_numeric, parse_numeric
from fdwsh.types.settings import StyleSettings


@dataclass(frozen=True, slots=True, eq=True)
class Jsonb:
    """A jsonb value (``value`` as described in the module docstring)."""

    value: object

    def __hash__(self) -> int:
        return hash(format_jsonb(self))


def parse_json_text(text: str, typmod: int | None = None,
                    settings: StyleSettings | None = None) -> str:
    parse_json(text)
    return text


def format_json(value: str, settings: StyleSettings | None = None) -> str:
    return value


def _key_order(key: str) -> tuple[int, bytes]:
    raw = key.encode()
    return len(raw), raw


def _convert(node: object) -> object:
    if isinstance(node, Number):
        return parse_numeric(node)
    if isinstance(node, JsonObject):
        merged: dict[str, object] = {}
        for key, val in node.pairs:
            merged[key] = _convert(val)
        return {k: merged[k] for k in sorted(merged, key=_key_order)}
    if isinstance(node, list):
        return [_convert(v) for v in node]
    return node


def parse_jsonb(text: str, typmod: int | None = None, settings: StyleSettings | None = None
                ) -> Jsonb:
    return Jsonb(_convert(parse_json(text, decode=True)))


_ESC = {'"': '\\"', "\\": "\\\\", "\b": "\\b", "\f": "\\f", "\n": "\\n", "\r": "\\r",
        "\t": "\\t"}


def escape_json(s: str) -> str:
    """escape_json(): the quoted JSON string PostgreSQL prints."""
    out = ['"']
    for ch in s:
        if ch in _ESC:
            out.append(_ESC[ch])
        elif ch < " ":
            out.append(f"\\u{ord(ch):04x}")
        else:
            out.append(ch)
    out.append('"')
    return "".join(out)


def _text(node: object) -> str:
    if node is None:
        return "null"
    if node is True:
        return "true"
    if node is False:
        return "false"
    if isinstance(node, str):
        return escape_json(node)
    if isinstance(node, Decimal):
        return format_numeric(node)
    if isinstance(node, dict):
        return "{" + ", ".join(f"{escape_json(k)}: {_text(v)}" for k, v in node.items()) + "}"
    if isinstance(node, list):
        return "[" + ", ".join(_text(v) for v in node) + "]"
    raise TypeError(f"not a jsonb value: {node!r}")


def format_jsonb(value: Jsonb, settings: StyleSettings | None = None) -> str:
    return _text(value.value)
