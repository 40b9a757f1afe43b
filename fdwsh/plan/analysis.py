"""PostgreSQL's parse-analysis errors for a query fdwsh shipped whole.

A pushed-down query that names an unknown column or mixes types fails on the remote server, whose
message lacks the cursor position (it points into the remote SQL) and carries a ``remote SQL
command`` CONTEXT — PostgreSQL with postgres_fdw reports such errors itself, while analysing
(and constant-folding) the query.  When the remote fails with such an error (class 42, or a
class-22 data error such as a bad literal), fdwsh analyses the query locally, each
foreign table an empty relation of its declared columns, and reports that error instead — only
when it is of the same SQLSTATE, so a gap in the local analyser can never replace a true answer.
"""

from __future__ import annotations

import copy
from collections.abc import Callable
from typing import Any

from pglast import ast, parse_sql
from pglast.visitors import Ancestor, Visitor

from fdwsh.catalog.model import ForeignTable
from fdwsh.errors import FdwshError
from fdwsh.sql import oids as T
from fdwsh.sql.bind import TableLookup, bind_relations
from fdwsh.sql.pstate import ParseState
from fdwsh.types.settings import REMOTE

#: Syntax error or access rule violation; data exceptions (literals, constant folding).
ANALYSIS_CLASSES = ("42", "22")


def parse_analysis_error(stmt: ast.Node, lookup: TableLookup, ctx: Any,
                         remote: FdwshError) -> FdwshError | None:
    """The error PostgreSQL would have raised analysing ``stmt`` instead of ``remote``'s."""
    if not remote.sqlstate.startswith(ANALYSIS_CLASSES) or not isinstance(stmt, ast.SelectStmt):
        return None
    try:
        _over_empty_relations(stmt, lookup, ctx)
    except FdwshError as err:
        return err if err.sqlstate == remote.sqlstate else None
    return None


def _over_empty_relations(stmt: ast.SelectStmt, lookup: TableLookup, ctx: Any,
                          note: Callable[[ParseState], None] | None = None) -> None:
    """Analyse ``stmt`` locally with each foreign table an empty relation of its
    declared columns; ``note`` prepares the ParseState to record what analysis finds."""
    from fdwsh.exec.local_query import local_analyzer
    from fdwsh.sql.const_locations import const_locations

    locations = const_locations(getattr(ctx, "source", "") or "", stmt)
    memo: dict[int, Any] = {}
    tree = copy.deepcopy(stmt, memo)
    _replace_tables(tree, lookup)
    analyzer = local_analyzer(tree, ctx, const_locations={
        id(memo[k]): v for k, v in locations.items() if k in memo})
    if note is not None:
        note(analyzer.ps)
    analyzer.explain_only = True
    analyzer.run(tree)


def immutable_calls(stmt: ast.Node, lookup: TableLookup, ctx: Any) -> set[int]:
    """The locations of the function calls of ``stmt`` that resolve to an immutable overload
    (``date_part('year', ts)`` on a timestamp, not a timestamptz): those may be shipped
    although the name has stable overloads too.  Empty when fdwsh cannot analyse the query."""
    if not isinstance(stmt, ast.SelectStmt):
        return set()
    calls: dict[int, str] = {}

    def note(ps: ParseState) -> None:
        ps.resolved_calls = calls

    try:
        _over_empty_relations(stmt, lookup, ctx, note)
    except FdwshError:
        return set()
    return {location for location, volatility in calls.items() if volatility == "i"}


#: Types whose literals read differently under another TimeZone, DateStyle or IntervalStyle.
_SESSION_READ = frozenset({T.DATE, T.TIMESTAMP, T.TIMESTAMPTZ, T.TIMETZ, T.INTERVAL})


def fold_session_literals(stmt: ast.Node, lookup: TableLookup, ctx: Any) -> None:
    """Rewrite, in place, the literals of ``stmt`` that the session reads as date/time values
    into the text the remote session (UTC, ISO, postgres) reads as the same value.

    postgres_fdw folds ``c4 < '2024-01-01'`` (c4 timestamptz) in the local TimeZone before it
    deparses a constant; fdwsh sends the query's own literals, which the remote would read in
    UTC.  So when the session's styles differ from the remote's, the query is analysed once
    over empty relations (its types are PostgreSQL's) and each such literal is replaced by the
    value it denotes here.  If fdwsh cannot analyse the query, it is sent as written.
    """
    settings = getattr(ctx, "gucs", None)
    if not isinstance(stmt, ast.SelectStmt) or settings is None or _reads_like_remote(settings):
        return
    from fdwsh.exec.values import format_output
    from fdwsh.sql.const_locations import const_locations

    typed: dict[int, tuple[int, Any]] = {}

    def note(ps: ParseState) -> None:
        ps.typed_literals = typed

    try:
        _over_empty_relations(stmt, lookup, ctx, note)
    except FdwshError:
        return
    locations = const_locations(getattr(ctx, "source", "") or "", stmt)
    strings = _string_constants(stmt)
    by_location = {loc: strings[node_id] for node_id, loc in locations.items()
                   if node_id in strings}
    for loc, (oid, value) in typed.items():
        node = by_location.get(loc)
        if oid in _SESSION_READ and node is not None and value is not None:
            node.val = ast.String(sval=format_output(oid, value, REMOTE))


def _reads_like_remote(settings: Any) -> bool:
    """Whether the session reads date/time literals as the remote session does (a zone
    always at UTC, month-day order, an interval style that reads signs alike)."""
    zone = settings.timezone
    utc = zone.name == REMOTE.timezone.name or getattr(zone, "fixed_offset", None) == 0
    return utc and settings.date_order == "MDY" and settings.interval_style != "sql_standard"


def _string_constants(stmt: ast.Node) -> dict[int, ast.A_Const]:
    """The string literals of ``stmt`` by id()."""
    found: dict[int, ast.A_Const] = {}

    class Find(Visitor):  # type: ignore[misc]
        def visit_A_Const(self, ancestors: Ancestor, node: ast.A_Const) -> None:
            if isinstance(node.val, ast.String):
                found[id(node)] = node

    Find()(stmt)
    return found


def _replace_tables(tree: ast.Node, lookup: TableLookup) -> None:
    """Each foreign-table reference becomes ``(SELECT NULL::type AS col … WHERE false)``."""
    refs = {id(ref.node): ref.table for ref in bind_relations(tree, lookup).relations}

    class Replace(Visitor):  # type: ignore[misc]
        def visit_RangeVar(self, ancestors: Ancestor, node: ast.RangeVar) -> ast.Node | None:
            table = refs.get(id(node))
            if table is None:
                return None
            alias = node.alias or ast.Alias(aliasname=node.relname)
            return ast.RangeSubselect(lateral=False, subquery=_empty_relation(table),
                                      alias=alias)

    Replace()(tree)


def _empty_relation(table: ForeignTable) -> ast.SelectStmt:
    columns = ", ".join(f"NULL::{col.type} AS {_ident(col.name)}" for col in table.columns)
    return parse_sql(f"SELECT {columns} WHERE false")[0].stmt


def _ident(name: str) -> str:
    return '"' + name.replace('"', '""') + '"'
