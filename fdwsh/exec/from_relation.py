"""A relation named in the FROM clause of a locally evaluated query (``ast.RangeVar``).

A name is looked up as PostgreSQL does: a CTE of an enclosing WITH first (when unqualified),
else a foreign table along the search path (:mod:`fdwsh.exec.from_foreign`), else
``relation "x" does not exist``.  Either way the item is a :class:`RelationItem`: its alias,
typed columns and a function giving its rows for a row of the items to its left.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

from pglast import ast

if TYPE_CHECKING:
    from fdwsh.exec.local_select import Analyzer, OutputColumn

Row = tuple[Any, ...]


@dataclass(slots=True)
class RelationItem:
    """A FROM item: the name it is known by, its columns, and its rows."""

    alias: str
    columns: list[OutputColumn]
    rows: Callable[[Row], Iterable[Row]]
    #: The remote scan behind a foreign table (fdwsh.exec.from_foreign.ForeignScan).
    scan: Any = None


def relation_item(an: Analyzer, item: ast.RangeVar) -> RelationItem:
    """The CTE or foreign table ``item`` names, as a FROM item."""
    from fdwsh.exec.ctes import cte_item
    found = cte_item(an, item)
    if found is not None:
        return found
    from fdwsh.exec.from_foreign import foreign_item

    return foreign_item(an, item)
