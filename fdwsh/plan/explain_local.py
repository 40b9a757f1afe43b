"""EXPLAIN of a query run by fdwsh's own executor: the remote scans it sends, and why.

The query is analysed as it would be run, with every foreign-table scan left unfetched, so the
plan shows exactly the remote SQL execution would send (with ANALYZE it is run, rows read and
dropped, and each scan reports its rows and time)::

    Local Execution
      Not pushed down: the query uses tables of servers "a", "b"      (VERBOSE)
      ->  Foreign Scan on public.orders o  (cost=… rows=… width=…)     (remote estimate)
            Output: o.id, o.customer_id                                (VERBOSE)
            Remote SQL: SELECT id, customer_id FROM public.orders      (VERBOSE)
"""

from __future__ import annotations

import time
from dataclasses import replace
from collections.abc import Callable
from typing import Any

from pglast import ast

from fdwsh.exec.from_foreign import ForeignScan
from fdwsh.exec.join_fragment import JoinFragment
from fdwsh.exec.remote_fragment import RemoteFragment
from fdwsh.exec.ship_copy import Shipped
from fdwsh.exec.plan_tree import STATE_KEY, PlanRecorder
from fdwsh.plan.explain import Actual, ExplainOptions, explain_lines, explain_options
from fdwsh.plan.explain_tree import Drawer
from fdwsh.plan.query import LocalQuery


def explain_local(stmt: ast.ExplainStmt, plan: LocalQuery, ctx: Any,
                  remote_cost: Callable[[ForeignScan], str | None]) -> list[str]:
    """The QUERY PLAN rows of ``plan`` (``remote_cost`` asks a server for a scan's estimate)."""
    from fdwsh.exec.local_query import local_analyzer

    opts = explain_options(stmt)
    started = time.perf_counter()
    analyzer = local_analyzer(stmt.query, ctx)
    analyzer.explain_only = not opts.analyze
    rec = PlanRecorder(analyze=opts.analyze, started=started)
    analyzer.ctx.state[STATE_KEY] = rec
    relation = analyzer.run(stmt.query)
    count = len(relation.rows) if opts.analyze else 0  # run it all, inside the timing
    elapsed_ms = (time.perf_counter() - started) * 1000
    lines = ["Local Execution" + (f" (actual rows={count} loops=1)"
                                  if opts.analyze else "")]
    if opts.verbose:
        lines.extend(f"  Not pushed down: {reason}" for reason in plan.reasons)
    lines.extend(line for note in analyzer.notes for line in note.explain_lines())
    qualify = len(analyzer.scans) > 1
    top = rec.level_of(stmt.query) or next(  # the level a planner rule rewrote it into
        (rec.level_of(getattr(n, "rewritten", None)) for n in analyzer.notes
         if getattr(n, "original", None) is stmt.query), None)
    drawn: set[int] = set()
    if not any(isinstance(s, Shipped) for s in analyzer.scans):
        drawer = Drawer(rec, opts, remote_cost, qualify, drawn)
        tree = drawer.level_tree(top) if top is not None else \
            drawer.set_operation_tree(stmt.query, count) if stmt.query.op else None
        if tree is not None:
            lines.extend(drawer.lines(tree, 1, {}))
    for scan in analyzer.scans:
        if id(scan) in drawn:
            continue
        if isinstance(scan, Shipped):  # data shipping (fdwsh.exec.ship_copy)
            lines.extend(scan.explain(opts))
        elif isinstance(scan, RemoteFragment):
            lines.extend(_fragment_lines(scan, opts, remote_cost))
        elif isinstance(scan, JoinFragment):
            lines.extend(_join_lines(scan, opts, remote_cost))
        else:
            lines.extend(_scan_lines(scan, opts, remote_cost, qualify))
    if opts.summary if opts.summary is not None else opts.analyze:
        lines.append(f"Execution Time: {elapsed_ms:.3f} ms")
    return lines


def _fragment_lines(fragment: RemoteFragment, opts: ExplainOptions,
                   remote_cost: Callable[[Any], str | None]) -> list[str]:
    """A query level sent whole: postgres_fdw's lines for it, as a child node."""
    actual = Actual(0, 0, len(fragment.fetched or ())) if opts.analyze else None
    child = replace(opts, summary=False, timing=False)
    lines = explain_lines(fragment.plan, child, cost=remote_cost(fragment) if opts.costs else None,
                          actual=actual, planning_ms=0, execution_ms=None)
    return ["  ->  " + lines[0], *("      " + line for line in lines[1:])]


def _label(node: str, scan: Any, opts: ExplainOptions,
           remote_cost: Callable[[Any], str | None], actual: str | None = None) -> str:
    """A child node's first line: its name, the remote estimate, the rows it fetched
    (``actual``: what its plan node counted, where it is drawn in the tree)."""
    label = f"  ->  {node}"
    cost = remote_cost(scan) if opts.costs else None
    if cost:
        label += f"  {cost}"
    if opts.analyze:
        label += " " + (actual or f"(actual rows={len(scan.fetched or ())} loops=1)")
    return label


def _join_lines(fragment: JoinFragment, opts: ExplainOptions,
                remote_cost: Callable[[Any], str | None], actual: str | None = None
                ) -> list[str]:
    """A join sent whole, as postgres_fdw shows a pushed-down join."""
    lines = [_label("Foreign Scan", fragment, opts, remote_cost, actual)]
    if opts.verbose:
        columns = [f"{s.alias}.{s.table.columns[i].name}"
                   for s in fragment.scans for i in s.fetched_columns]
        lines.append("        Output: " + ", ".join(columns))
    lines.append(f"        Relations: {fragment.relations()}")
    if opts.verbose:
        lines.append(f"        Remote SQL: {fragment.sql}")
    return lines


def _scan_lines(scan: ForeignScan, opts: ExplainOptions,
                remote_cost: Callable[[ForeignScan], str | None], qualify: bool,
                actual: str | None = None) -> list[str]:
    table = scan.table
    name = f"{table.schema}.{table.name}" if opts.verbose else table.name
    name = name if scan.alias == table.name else f"{name} {scan.alias}"
    lines = [_label(f"Foreign Scan on {name}", scan, opts, remote_cost, actual)]
    if opts.verbose:
        prefix = f"{scan.alias}." if qualify else ""
        columns = [prefix + table.columns[i].name for i in scan.fetched_columns]
        lines.append("        Output: " + ", ".join(columns))
        lines.append(f"        Remote SQL: {scan.sql}")
        lines.extend(_key_lines(scan, opts.analyze))
    return lines


def _key_lines(scan: ForeignScan, analyze: bool) -> list[str]:
    """``Dynamic Filter:`` lines: the join keys the scan may ask for (with ANALYZE, those it
    did ask for and how many)."""
    if scan.keys is None:
        return []
    applied = {id(a.link): a.keys for a in scan.keys.applied}
    lines = []
    for link in scan.keys.links:
        text = (f"        Dynamic Filter: {scan.alias}.{link.probe_column} = ANY (keys of "
                f"{link.build.alias}.{link.build_column})")
        if analyze:
            count = applied.get(id(link))
            text += f" ({count} keys)" if count is not None else " (not used)"
        lines.append(text)
    return lines
