"""EXPLAIN in PostgreSQL's text format, for the plans fdwsh makes.

A query pushed whole to one server is one node, as postgres_fdw shows it::

    Foreign Scan on public.ft1            (one table)      Foreign Scan          (join/aggregate)
      Output: c1, c2                                         Output: t1.c1, t2.c2
      Remote SQL: SELECT …                                   Relations: (public.ft1 t1) INNER JOIN (public.ft2 t2)
                                                             Remote SQL: SELECT …

Costs come from the remote server's own estimate of the remote SQL; ANALYZE runs the query and
reports the actual rows and times.
"""

from __future__ import annotations

from dataclasses import dataclass

from pglast import ast
from pglast.enums import JoinType
from pglast.stream import RawStream
from pglast.visitors import Ancestor, Skip, Visitor

from fdwsh.errors import FdwshError, FeatureNotSupported
from fdwsh.plan.builtin_functions import AGGREGATES
from fdwsh.plan.query import RemoteQuery
from fdwsh.settings import parse_bool
from fdwsh.sql.bind import RelationRef

_JOIN_NAMES = {JoinType.JOIN_INNER: "INNER", JoinType.JOIN_LEFT: "LEFT",
               JoinType.JOIN_RIGHT: "RIGHT", JoinType.JOIN_FULL: "FULL"}


@dataclass(slots=True)
class ExplainOptions:
    analyze: bool = False
    verbose: bool = False
    costs: bool = True
    timing: bool = True
    summary: bool | None = None  # default: on with ANALYZE


@dataclass(frozen=True, slots=True)
class Actual:
    """What ANALYZE measured for the remote scan (times in milliseconds)."""

    first_ms: float
    total_ms: float
    rows: int


def explain_options(stmt: ast.ExplainStmt) -> ExplainOptions:
    """EXPLAIN's option list, with PostgreSQL's messages for bad ones."""
    opts = ExplainOptions()
    for item in stmt.options or ():
        name = item.defname
        value = _option_value(item)
        if name == "format":
            if str(value).lower() != "text":
                raise FeatureNotSupported(f'EXPLAIN format "{value}" is not supported')
            continue
        if name not in ("analyze", "verbose", "costs", "timing", "summary", "buffers", "wal",
                        "settings"):
            raise FdwshError(f'unrecognized EXPLAIN option "{name}"', sqlstate="42601",
                             position=item.location + 1 if item.location >= 0 else None)
        flag = True if value is None else parse_bool(str(value))
        if flag is None:
            raise FdwshError(f'{name} requires a Boolean value', sqlstate="42601")
        if hasattr(opts, name):
            setattr(opts, name, flag)
    if opts.timing and not opts.analyze and _given(stmt, "timing"):
        raise FdwshError("EXPLAIN option TIMING requires ANALYZE", sqlstate="22023")
    return opts


def _given(stmt: ast.ExplainStmt, name: str) -> bool:
    return any(item.defname == name for item in stmt.options or ())


def _option_value(item: ast.DefElem) -> object:
    arg = item.arg
    if arg is None:
        return None
    for attr in ("sval", "ival", "boolval"):
        if hasattr(arg, attr):
            return getattr(arg, attr)
    return str(arg)


def explain_lines(plan: RemoteQuery, opts: ExplainOptions, *, cost: str | None,
                  actual: Actual | None, planning_ms: float, execution_ms: float | None
                  ) -> list[str]:
    """The QUERY PLAN rows for a pushed-down query."""
    label = _label(plan, opts.verbose)
    if opts.costs and cost:
        label += f"  {cost}"
    if actual is not None:
        label += " " if opts.costs and cost else " "
        label += _actual_text(actual, opts.timing)
    lines = [label]
    if opts.verbose:
        lines.append("  Output: " + ", ".join(_outputs(plan)))
    relations = _relations(plan)
    if relations:
        lines.append(f"  Relations: {relations}")
    if opts.verbose:
        lines.append(f"  Remote SQL: {plan.sql}")
    if opts.summary if opts.summary is not None else opts.analyze:
        lines.append(f"Planning Time: {planning_ms:.3f} ms")
        if execution_ms is not None:
            lines.append(f"Execution Time: {execution_ms:.3f} ms")
    return lines


def _actual_text(actual: Actual, timing: bool) -> str:
    if timing:
        return (f"(actual time={actual.first_ms:.3f}..{actual.total_ms:.3f} "
                f"rows={actual.rows} loops=1)")
    return f"(actual rows={actual.rows} loops=1)"


def _is_simple_scan(plan: RemoteQuery) -> bool:
    """One table, no join, grouping or aggregation: postgres_fdw names the relation."""
    stmt = plan.bound.stmt
    if len(plan.relations) != 1 or not isinstance(stmt, ast.SelectStmt):
        return False
    if stmt.op != 0 or stmt.groupClause or stmt.havingClause or stmt.distinctClause:
        return False
    return not _has_aggregate(stmt.targetList or ())


def _has_aggregate(node: object) -> bool:
    """Whether an aggregate call (not a window function) occurs in ``node``."""
    found: list[bool] = []

    class Find(Visitor):  # type: ignore[misc]
        def visit_FuncCall(self, ancestors: Ancestor, call: ast.FuncCall) -> None:
            if call.over is None and call.funcname[-1].sval in AGGREGATES:
                found.append(True)

        def visit_SelectStmt(self, ancestors: Ancestor, sub: ast.SelectStmt) -> object:
            return Skip  # a sub-select's aggregates are its own

    for item in node if isinstance(node, tuple) else (node,):
        Find()(item)
    return bool(found)


def _label(plan: RemoteQuery, verbose: bool) -> str:
    if not _is_simple_scan(plan):
        return "Foreign Scan"
    return "Foreign Scan on " + _relation_name(plan.relations[0], verbose)


def _relation_name(ref: RelationRef, qualified: bool) -> str:
    table = ref.table
    name = f"{table.schema}.{table.name}" if qualified else table.name
    return name if ref.alias == table.name else f"{name} {ref.alias}"


def _relations(plan: RemoteQuery) -> str:
    """postgres_fdw's ``Relations:`` line for joins and aggregates (empty for a plain scan)."""
    if _is_simple_scan(plan):
        return ""
    stmt = plan.bound.stmt
    refs = {id(ref.node): ref for ref in plan.relations}
    if isinstance(stmt, ast.SelectStmt) and stmt.fromClause:
        parts = [_from_item(item, refs) for item in stmt.fromClause]
        text = " INNER JOIN ".join(p for p in parts if p)
        if len(plan.relations) == 1 or stmt.groupClause:
            return f"Aggregate on ({text})" if not text.startswith("(") else f"Aggregate on {text}"
        return text
    return ", ".join(f"({_relation_name(r, True)})" for r in plan.relations)


def _from_item(item: ast.Node, refs: dict[int, RelationRef]) -> str:
    if isinstance(item, ast.RangeVar) and id(item) in refs:
        return f"({_relation_name(refs[id(item)], True)})"
    if isinstance(item, ast.JoinExpr):
        kind = _JOIN_NAMES.get(item.jointype, "INNER")
        return f"{_from_item(item.larg, refs)} {kind} JOIN {_from_item(item.rarg, refs)}"
    return ""


def _outputs(plan: RemoteQuery) -> list[str]:
    """The Output: list — the query's targets, with ``*`` expanded to declared columns."""
    stmt = plan.bound.stmt
    if not isinstance(stmt, ast.SelectStmt) or not stmt.targetList:
        return []
    qualify = len(plan.relations) > 1
    out: list[str] = []
    for target in stmt.targetList:
        val = target.val
        if isinstance(val, ast.ColumnRef) and isinstance(val.fields[-1], ast.A_Star):
            for ref in plan.relations:
                prefix = f"{ref.alias}." if qualify else ""
                out.extend(prefix + col.name for col in ref.table.columns)
            continue
        if isinstance(val, ast.ColumnRef) and not qualify:
            val = ast.ColumnRef(fields=val.fields[-1:])  # one table: EXPLAIN shows bare names
        text = RawStream()(val)
        out.append(text if isinstance(val, ast.ColumnRef) else f"({text})")
    return out
