"""Bind the relations a query names to catalog foreign tables.

Every ``RangeVar`` in a query is either a CTE of an enclosing ``WITH`` or a foreign table found
through the search path; anything else is PostgreSQL's ``relation "x" does not exist`` with the
cursor on the name.  The result lists each reference with its table definition, which is what the
planner needs to decide where the query can run.
"""

from __future__ import annotations

import sqlite3
from collections.abc import Callable
from dataclasses import dataclass, field

from pglast import ast
from pglast.visitors import Ancestor, Visitor

from fdwsh.catalog import objects
from fdwsh.catalog.model import ForeignTable, load_table
from fdwsh.errors import FdwshError, FeatureNotSupported


class UndefinedTable(FdwshError):
    sqlstate = "42P01"


@dataclass(frozen=True, slots=True)
class RelationRef:
    """One mention of a foreign table in the query."""

    node: ast.RangeVar
    table: ForeignTable

    @property
    def alias(self) -> str:
        """The name the query uses for this table (its alias, else its name)."""
        return self.node.alias.aliasname if self.node.alias else self.node.relname


@dataclass(slots=True)
class BoundQuery:
    """A statement with its foreign-table references resolved."""

    stmt: ast.Node
    relations: list[RelationRef] = field(default_factory=list)

    @property
    def server_ids(self) -> set[int]:
        return {ref.table.server_id for ref in self.relations}


TableLookup = Callable[[ast.RangeVar], ForeignTable]


def catalog_lookup(db: sqlite3.Connection, search_path: list[str]) -> TableLookup:
    """Resolve a RangeVar against the catalog, along ``search_path`` when unqualified."""
    cache: dict[int, ForeignTable] = {}

    def lookup(rv: ast.RangeVar) -> ForeignTable:
        if rv.catalogname:
            raise FeatureNotSupported(
                f'cross-database references are not implemented: "{_dotted(rv)}"',
                position=_pos(rv))
        row = None
        if rv.schemaname:
            schema = objects.get_schema(db, rv.schemaname)
            row = objects.get_table(db, schema["id"], rv.relname) if schema else None
        else:
            for name in search_path:
                schema = objects.get_schema(db, name)
                row = objects.get_table(db, schema["id"], rv.relname) if schema else None
                if row is not None:
                    break
        if row is None:
            raise UndefinedTable(f'relation "{_dotted(rv)}" does not exist', position=_pos(rv))
        if row["id"] not in cache:
            cache[row["id"]] = load_table(db, row)
        return cache[row["id"]]

    return lookup


def bind_relations(stmt: ast.Node, lookup: TableLookup) -> BoundQuery:
    """Find every foreign-table reference in ``stmt`` (CTE names are not tables)."""
    bound = BoundQuery(stmt)

    class Collect(Visitor):  # type: ignore[misc]
        def visit_RangeVar(self, ancestors: Ancestor, node: ast.RangeVar) -> None:
            if not node.schemaname and _is_cte(ancestors, node.relname):
                return
            bound.relations.append(RelationRef(node, lookup(node)))

    Collect()(stmt)
    return bound


def _is_cte(ancestors: Ancestor, name: str) -> bool:
    """Whether an enclosing statement's WITH clause defines ``name``."""
    current: Ancestor | None = ancestors
    while current is not None:
        node = current.node
        with_clause = getattr(node, "withClause", None) if isinstance(node, ast.Node) else None
        if with_clause is not None:
            if any(cte.ctename == name for cte in with_clause.ctes or ()):
                return True
        current = current.parent
    return False


def _dotted(rv: ast.RangeVar) -> str:
    return ".".join(p for p in (rv.catalogname, rv.schemaname, rv.relname) if p)


def _pos(node: ast.Node) -> int | None:
    location = getattr(node, "location", None)
    return location + 1 if isinstance(location, int) and location >= 0 else None
