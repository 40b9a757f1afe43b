"""WITH queries (common table expressions) of locally evaluated queries (parse_cte.c of
PostgreSQL 15, run as its CTE scans run them).

Scoping follows the parser: each query level's WITH is a scope on ``Analyzer.ctes`` while that
level is analysed, and a FROM item naming a relation without a schema is the CTE of that name
in the innermost scope that has one (scanNameSpaceForCTE); otherwise it is a table.  In a plain
WITH a CTE is visible to the items after it and to the main query (a reference to a later one
fails with PostgreSQL's hint about forward references); in WITH RECURSIVE every item sees every
other, and the items are analysed in dependency order (makeDependencyGraph/TopologicalSort).

Each CTE is analysed when its WITH is, and its rows are computed once, on first use, and shared
by all its references (in a correlated sub-select: once per tuple of outer values): what
PostgreSQL's materialised CTE scan gives (it inlines only CTEs without volatile functions,
whose rows are the same either way).  A self-referencing item of
WITH RECURSIVE runs the working-table algorithm (:mod:`fdwsh.exec.ctes_recursive`).
"""

from __future__ import annotations

from collections.abc import Callable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any

from pglast import ast

from fdwsh.errors import FdwshError
from fdwsh.exec.from_relation import RelationItem
from fdwsh.sql.pstate import error

if TYPE_CHECKING:
    from fdwsh.exec.local_select import Analyzer, LocalRelation, OutputColumn

Row = tuple[Any, ...]


@dataclass(slots=True)
class CteEntry:
    """One WITH item: its columns (None until analysed) and its rows."""

    name: str
    columns: list[OutputColumn] | None = None
    #: The rows (computed on the first call, then the same list).  While the recursive term
    #: of a recursive item is analysed, the working table of the current iteration.
    fetch: Callable[[], list[Row]] = lambda: []
    #: Calls of ``fetch`` so far (the recursive union sees whether a plan re-read it).
    reads: int = 0

    def rows(self) -> list[Row]:
        self.reads += 1
        return self.fetch()


@dataclass(slots=True)
class CteScope:
    """The WITH clause of one query level: the items visible, and those not visible yet."""

    entries: dict[str, CteEntry] = field(default_factory=dict)
    #: Names of a plain WITH's items not analysed yet (PostgreSQL's p_future_ctes).
    future: list[str] = field(default_factory=list)


# -- lookup -----------------------------------------------------------------------------------


def find_cte(an: Analyzer, name: str) -> CteEntry | None:
    """The visible CTE called ``name``, innermost WITH first."""
    for scope in reversed(an.ctes):
        if name in scope.entries:
            return scope.entries[name]
    return None


def cte_item(an: Analyzer, item: ast.RangeVar) -> RelationItem | None:
    """The CTE an unqualified FROM-clause name denotes (None: it names a table)."""
    if item.schemaname or item.catalogname:
        return None
    entry = find_cte(an, item.relname)
    if entry is None:
        if any(item.relname in scope.future for scope in an.ctes):
            return _future_reference(an, item)
        return None
    if entry.columns is None:
        raise error(f'WITH query "{entry.name}" is not analysed yet', "XX000",
                    item.location)
    from fdwsh.exec.from_function import apply_column_aliases

    columns = apply_column_aliases(item.alias, list(entry.columns))
    alias = item.alias.aliasname if item.alias is not None else item.relname
    return RelationItem(alias, columns, lambda left: entry.rows())


def _future_reference(an: Analyzer, item: ast.RangeVar) -> RelationItem:
    """A name of a later item of a plain WITH: a table of that name, else parserOpenTable()'s
    error with the hint about forward references."""
    from fdwsh.exec.from_foreign import foreign_item

    try:
        return foreign_item(an, item)
    except FdwshError as err:
        if err.sqlstate != "42P01":
            raise
        raise error(
            f'relation "{item.relname}" does not exist', "42P01", item.location,
            detail=f'There is a WITH item named "{item.relname}", but it cannot be '
                   f"referenced from this part of the query.",
            hint="Use WITH RECURSIVE, or re-order the WITH items to remove forward "
                 "references.") from None


# -- WITH -------------------------------------------------------------------------------------


@contextmanager
def with_scope(an: Analyzer, clause: ast.WithClause) -> Iterator[None]:
    """transformWithClause(): analyse the items of ``clause``; they are visible inside."""
    ctes = list(clause.ctes or ())
    _check_names(ctes)
    depth = len(an.ctes)
    scope = CteScope()
    an.ctes.append(scope)
    try:
        if clause.recursive:
            _define_recursive(an, ctes, scope)
        else:
            scope.future = [cte.ctename for cte in ctes]
            for cte in ctes:
                entry = CteEntry(cte.ctename)
                _define(an, cte, entry, recursive=False)
                scope.entries[cte.ctename] = entry
                scope.future.pop(0)
        yield
    finally:
        del an.ctes[depth:]


def _check_names(ctes: list[ast.CommonTableExpr]) -> None:
    seen: set[str] = set()
    for cte in ctes:
        if cte.ctename in seen:
            raise error(f'WITH query name "{cte.ctename}" specified more than once', "42712",
                        cte.location)
        seen.add(cte.ctename)


def _define_recursive(an: Analyzer, ctes: list[ast.CommonTableExpr], scope: CteScope
                      ) -> None:
    """WITH RECURSIVE: every item visible to all; analysed in dependency order."""
    from fdwsh.exec.ctes_walk import check_well_formed, dependency_order

    order, recursive = dependency_order(an, ctes)
    for cte in order:
        if cte.ctename in recursive:
            check_well_formed(an, cte)
    for cte in ctes:
        scope.entries[cte.ctename] = CteEntry(cte.ctename)
    for cte in order:
        _define(an, cte, scope.entries[cte.ctename], recursive=cte.ctename in recursive)


def _define(an: Analyzer, cte: ast.CommonTableExpr, entry: CteEntry, recursive: bool) -> None:
    """analyzeCTE(): the item's columns now, its rows when first read."""
    query = cte.ctequery
    if not isinstance(query, ast.SelectStmt):
        raise error("data-modifying statements in WITH are not supported locally", "0A000",
                    cte.location)
    for clause, what in ((cte.search_clause, "SEARCH"), (cte.cycle_clause, "CYCLE")):
        if clause is not None:
            if not recursive:
                raise error("WITH query is not recursive", "42601", cte.location)
            raise error(f"{what} clauses of WITH queries are not supported locally", "0A000",
                        clause.location)
    if recursive:
        from fdwsh.exec.ctes_recursive import run_recursive
        with _uncorrelated(an):
            run_recursive(an, cte, entry)
        return
    with _uncorrelated(an):
        rel = _analyse(an, query)
    entry.columns = cte_columns(cte, rel.columns)
    entry.fetch = _shared_rows(an, rel)


@contextmanager
def _uncorrelated(an: Analyzer) -> Iterator[None]:
    """An item's query may not read an enclosing query level's columns: the FROM clause
    reading the item would keep the rows of the first outer values."""
    ps = an.ps
    saved = ps.outer_columns

    def refuse(resolver: Any) -> Any:
        def resolve(names: list[str], location: int) -> Any:
            found = resolver(names, location)
            if found is not None:
                raise error("WITH queries that read columns of an enclosing query are not "
                            "supported locally", "0A000", location)
            return found
        return resolve
    ps.outer_columns = [refuse(r) for r in saved]
    try:
        yield
    finally:
        ps.outer_columns = saved


def _analyse(an: Analyzer, query: ast.SelectStmt) -> LocalRelation:
    """parse_sub_analyze() of an item's query (its unknown literals resolved to text)."""
    saved = an.ps.columns
    an.ps.columns = None
    try:
        return an.run(query)
    finally:
        an.ps.columns = saved


def cte_columns(cte: ast.CommonTableExpr, columns: list[OutputColumn]) -> list[OutputColumn]:
    """analyzeCTETargetList(): the query's columns renamed by the item's column list."""
    from fdwsh.exec.local_select import OutputColumn

    aliases = [c.sval for c in cte.aliascolnames or ()]
    if len(aliases) > len(columns):
        raise error(f'WITH query "{cte.ctename}" has {len(columns)} columns available but '
                    f"{len(aliases)} columns specified", "42P10", cte.location)
    names = aliases + [c.name for c in columns[len(aliases):]]
    return [OutputColumn(n, c.type, c.typmod) for n, c in zip(names, columns)]


def _shared_rows(an: Analyzer, rel: LocalRelation) -> Callable[[], list[Row]]:
    """The item's rows, computed when first read and then shared by every reference; anew
    for other outer values when the WITH is in a correlated sub-select (PostgreSQL rescans
    a CTE whose parameters changed)."""
    cache: dict[Any, list[Row]] = {}
    produce = getattr(rel, "produce", None)

    def fetch() -> list[Row]:
        stack = getattr(an.ctx, "outer_rows", None) or ()
        key = tuple(tuple((type(v).__name__, repr(v)) for v in params) for params in stack)
        if key not in cache:
            cache[key] = produce() if produce is not None else rel.rows
        return cache[key]
    return fetch
