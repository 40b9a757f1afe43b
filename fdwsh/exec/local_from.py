"""FROM items of a local query: sub-SELECTs and VALUES lists (``FROM (VALUES ...) AS t(a, b)``),
several items forming their cross product.  Column references resolve against the items'
aliases as PostgreSQL resolves them (``column "x" does not exist``, ``column reference "x"
is ambiguous``, ``missing FROM-clause entry for table "t"``).
"""

from __future__ import annotations

import itertools
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

from pglast import ast

from fdwsh.sql import ir
from fdwsh.sql.pstate import error

if TYPE_CHECKING:
    from fdwsh.exec.local_select import Analyzer, FromSource, OutputColumn


@dataclass(slots=True)
class _Item:
    alias: str
    columns: list[OutputColumn]
    offset: int  # position of the item's first column in the combined row


def build_from(an: Analyzer, items: Any) -> FromSource:
    from fdwsh.exec.local_select import FromSource, OutputColumn

    parts: list[_Item] = []
    row_sets: list[list[tuple[Any, ...]]] = []
    offset = 0
    for item in items:
        if not isinstance(item, ast.RangeSubselect) or item.lateral:
            raise error("only sub-queries and VALUES lists are supported in the FROM clause of "
                        "a query that reads no foreign table", "0A000",
                        getattr(item, "location", -1))
        saved = an.ps.columns
        try:
            rel = an.run(item.subquery)
        finally:
            an.ps.columns = saved
        alias = item.alias
        names = [c.name for c in rel.columns]
        if alias is not None and alias.colnames:
            given = [c.sval for c in alias.colnames]
            if len(given) > len(names):
                raise error(f'table "{alias.aliasname}" has {len(names)} columns available but '
                            f"{len(given)} columns specified", "42P10")
            names = given + names[len(given):]
        columns = [OutputColumn(n, c.type, c.typmod) for n, c in zip(names, rel.columns)]
        parts.append(_Item(alias.aliasname if alias is not None else "", columns, offset))
        offset += len(columns)
        row_sets.append(rel.rows)
    if not parts:
        return FromSource([()], None, _no_star)
    rows = [tuple(itertools.chain.from_iterable(combo)) for combo in itertools.product(*row_sets)]
    return FromSource(rows, _resolver(parts), _star_expander(parts))


def _no_star(node: ast.ColumnRef) -> list[tuple[str, ir.Expr]]:
    raise error("SELECT * with no tables specified is not valid", "42601", node.location)


def _resolver(parts: list[_Item]) -> Any:
    def resolve(names: list[str], location: int) -> ir.Expr | None:
        if len(names) == 2:
            item = next((p for p in parts if p.alias == names[0]), None)
            if item is None:
                return None
            for i, c in enumerate(item.columns):
                if c.name == names[1]:
                    return ir.Var(item.offset + i, c.type, c.typmod, c.name, location)
            raise error(f'column {names[0]}.{names[1]} does not exist', "42703", location)
        if len(names) != 1:
            return None
        found: ir.Var | None = None
        for item in parts:
            for i, c in enumerate(item.columns):
                if c.name == names[0]:
                    if found is not None:
                        raise error(f'column reference "{names[0]}" is ambiguous', "42702",
                                    location)
                    found = ir.Var(item.offset + i, c.type, c.typmod, c.name, location)
        return found
    return resolve


def _star_expander(parts: list[_Item]) -> Any:
    def expand(node: ast.ColumnRef) -> list[tuple[str, ir.Expr]]:
        qualifier = [f.sval for f in node.fields[:-1]]
        chosen = parts
        if qualifier:
            chosen = [p for p in parts if p.alias == qualifier[-1]]
            if not chosen:
                raise error(f'missing FROM-clause entry for table "{qualifier[-1]}"', "42P01",
                            node.location)
        return [(c.name, ir.Var(p.offset + i, c.type, c.typmod, c.name))
                for p in chosen for i, c in enumerate(p.columns)]
    return expand
