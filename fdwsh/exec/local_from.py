"""FROM items of a local query: sub-SELECTs and VALUES lists (``FROM (VALUES ...) AS t(a, b)``)
and functions (``FROM generate_series(1, 3) AS g(x)``, see :mod:`fdwsh.exec.from_function`),
several items forming their cross product (a function reading earlier items' columns runs once
per row of them, as LATERAL).  Column references resolve against the items' aliases as
PostgreSQL resolves them (``column "x" does not exist``, ``column reference "x" is
ambiguous``, ``missing FROM-clause entry for table "t"``).
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

from pglast import ast

from fdwsh.sql import ir
from fdwsh.sql.pstate import error

if TYPE_CHECKING:
    from fdwsh.exec.local_select import Analyzer, FromSource, OutputColumn

Row = tuple[Any, ...]


@dataclass(slots=True)
class _Item:
    alias: str
    columns: list[OutputColumn]
    offset: int  # position of the item's first column in the combined row
    #: The item's rows for a row of the items before it.
    rows: Callable[[Row], list[Row]]
    lateral: bool = False


def build_from(an: Analyzer, items: Any) -> FromSource:
    from fdwsh.exec.local_select import FromSource

    parts: list[_Item] = []
    offset = 0
    for item in items:
        if isinstance(item, ast.RangeFunction):
            from fdwsh.exec.from_function import function_item
            found = function_item(an, item, _resolver(list(parts)) if parts else None)
            part = _Item(found.alias, found.columns, offset, found.rows, found.lateral)
        elif isinstance(item, ast.RangeSubselect) and not item.lateral:
            part = _subselect(an, item, offset)
        elif isinstance(item, ast.RangeVar):
            from fdwsh.exec.from_relation import relation_item
            found = relation_item(an, item)
            part = _Item(found.alias, found.columns, offset, found.rows)
        else:
            raise error("only sub-queries, VALUES lists and functions are supported in the "
                        "FROM clause of a query that reads no foreign table", "0A000",
                        getattr(item, "location", -1))
        if part.alias and any(p.alias == part.alias for p in parts):
            raise error(f'table name "{part.alias}" specified more than once', "42712")
        parts.append(part)
        offset += len(part.columns)
    if not parts:
        return FromSource([()], None, _no_star)
    return FromSource(_join(parts), _resolver(parts), _star_expander(parts))


def _subselect(an: Analyzer, item: ast.RangeSubselect, offset: int) -> _Item:
    from fdwsh.exec.from_function import apply_column_aliases
    from fdwsh.exec.local_select import OutputColumn

    saved = an.ps.columns
    try:
        rel = an.run(item.subquery)
    finally:
        an.ps.columns = saved
    alias = item.alias
    columns = apply_column_aliases(alias, [OutputColumn(c.name, c.type, c.typmod)
                                           for c in rel.columns])
    rows = rel.rows
    return _Item(alias.aliasname if alias is not None else "", columns, offset,
                 lambda row: rows)


def _join(parts: list[_Item]) -> list[Row]:
    """The cross product, nested loops in FROM order (a lateral item sees its left row)."""
    rows: list[Row] = [()]
    for part in parts:
        if not rows:  # a nested loop never runs the inner side of an empty outer one
            return rows
        if part.lateral:
            rows = [left + right for left in rows for right in part.rows(left)]
        else:
            right_rows = part.rows(())
            rows = [left + right for left in rows for right in right_rows]
    return rows


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
