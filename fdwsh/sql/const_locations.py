"""Locations of literal constants, which pglast's Python tree does not keep.

pglast's ``A_Const`` has no ``location`` slot, but PostgreSQL points errors about a literal
(``invalid input syntax for type integer: "a"``) at it.  libpg_query's JSON output has the
locations; the A_Const objects of the JSON and of the Python tree come in the same
depth-first order, so they are paired up: the result maps ``id(A_Const node)`` to its 0-based
offset in the source text.
"""

from __future__ import annotations

import json
from collections.abc import Iterator
from typing import Any

import pglast
from pglast import ast
from pglast.parser import ParseError, parse_sql_json


def _json_consts(node: Any) -> Iterator[dict[str, Any]]:
    if isinstance(node, dict):
        for key, value in node.items():
            if key == "A_Const":
                yield value
            yield from _json_consts(value)
    elif isinstance(node, list):
        for item in node:
            yield from _json_consts(item)


def _ast_consts(node: Any) -> Iterator[ast.A_Const]:
    if isinstance(node, ast.A_Const):
        yield node
        return
    if isinstance(node, ast.Node):
        for slot in node.__slots__:
            yield from _ast_consts(getattr(node, slot, None))
    elif isinstance(node, (tuple, list)):
        for item in node:
            yield from _ast_consts(item)


def const_locations(source: str, stmt: ast.Node) -> dict[int, int]:
    """``id(A_Const) → location`` for the constants of ``stmt`` (a statement of ``source``,
    or the query of an EXPLAIN there), parsed from ``source``."""
    if not source:
        return {}
    try:
        data = json.loads(parse_sql_json(source))
        fresh = pglast.parse_sql(source)
    except ParseError:
        return {}
    for raw_json, raw in zip(data.get("stmts", ()), fresh):
        if raw.stmt != stmt and not (isinstance(raw.stmt, ast.ExplainStmt)
                                     and raw.stmt.query == stmt):
            continue
        found = list(_json_consts(raw_json))
        mine = list(_ast_consts(stmt))
        if len(found) != len(mine):
            return {}
        return {id(node): item.get("location", -1) for node, item in zip(mine, found)}
    return {}
