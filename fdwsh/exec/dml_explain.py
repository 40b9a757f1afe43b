"""EXPLAIN [VERBOSE | ANALYZE] of INSERT, UPDATE and DELETE on a foreign table, in the shape
postgres_fdw's plans have:

    Update on public.ft                          Update on public.ft
      ->  Foreign Update on public.ft              Remote SQL: UPDATE … WHERE ctid = …
            Remote SQL: UPDATE public.t …          ->  Foreign Scan on public.ft

(a direct modification, left; rows located first, right).  Names are schema-qualified and the
Remote SQL shown only with VERBOSE, as PostgreSQL does.  ANALYZE runs the statement (as
PostgreSQL does: the change is made) and adds its timings.  Costs are not estimated.
"""

from __future__ import annotations

import time
from typing import Any

from pglast import ast
from pglast.stream import RawStream

from fdwsh.output.result import Column, Result
from fdwsh.plan.explain import explain_options


def run_explain_dml(stmt: ast.ExplainStmt, ctx: Any) -> Result:
    """The plan lines of an EXPLAIN whose statement is an INSERT, UPDATE or DELETE."""
    opts = explain_options(stmt)
    started = time.perf_counter()
    query = stmt.query
    if isinstance(query, ast.InsertStmt):
        from fdwsh.exec.dml_insert import plan_insert

        plan: Any = plan_insert(query, ctx)
        lines = _insert_lines(plan, opts.verbose) + _source_lines(query, ctx, opts.verbose)
    else:
        from fdwsh.exec.dml_modify import plan_modify

        operation = "update" if isinstance(query, ast.UpdateStmt) else "delete"
        plan = plan_modify(query, ctx, operation)
        lines = _modify_lines(plan, opts.verbose)
    if opts.analyze:
        planning = (time.perf_counter() - started) * 1000
        started = time.perf_counter()
        result = _execute(query, plan, ctx)
        total = (time.perf_counter() - started) * 1000
        changed = int((result.status or "0").split()[-1])
        _add_actuals(lines, opts.timing, total, changed,
                     changed if result.columns is not None else 0)
        if opts.summary is not False:
            lines += [f"Planning Time: {planning:.3f} ms", f"Execution Time: {total:.3f} ms"]
    return Result(columns=[Column("QUERY PLAN", "text")], rows=[(line,) for line in lines])


def _execute(query: ast.Node, plan: Any, ctx: Any) -> Result:
    if isinstance(query, ast.InsertStmt):
        from fdwsh.exec.dml_insert import execute_plan

        return execute_plan(plan, ctx, query)
    from fdwsh.exec import dml_modify

    return dml_modify.execute_plan(plan, ctx)


def _add_actuals(lines: list[str], timing: bool, total_ms: float, changed: int,
                 returned: int) -> None:
    """ANALYZE's ``(actual …)`` on the modify node (the rows it returned: RETURNING's) and on
    the node below it (the rows it changed or fed in)."""
    from fdwsh.plan.explain import Actual, _actual_text

    lines[0] += " " + _actual_text(Actual(total_ms, total_ms, returned), timing)
    for i, line in enumerate(lines[1:], start=1):
        if line.startswith("  ->  "):
            lines[i] += " " + _actual_text(Actual(0.0, total_ms, changed), timing)
            break


def _name(target: Any, verbose: bool) -> str:
    table = target.table
    name = f"{table.schema}.{table.name}" if verbose else table.name
    return name if target.alias == table.name else f"{name} {target.alias}"


def _insert_lines(plan: Any, verbose: bool) -> list[str]:
    name = _name(plan.target, verbose)
    lines = [f"Insert on {name}"]
    if plan.shipped is not None:
        if verbose:
            lines.append("  Remote SQL: " + plan.remote_insert(plan.shipped, plan.remote_columns))
        return lines
    if verbose:
        lines += ["  Remote SQL: " + plan.values_sql(1), f"  Batch Size: {plan.batch_size()}"]
    return lines


def _source_lines(stmt: ast.InsertStmt, ctx: Any, verbose: bool) -> list[str]:
    """The plan node PostgreSQL shows below ``Insert on`` for a simple source (a VALUES row or
    list, a SELECT of one function or one foreign table); nothing for any other source."""
    select = stmt.selectStmt
    if select is None or (select.valuesLists and len(select.valuesLists) == 1):
        return ["  ->  Result"]
    if select.valuesLists:
        return ['  ->  Values Scan on "*VALUES*"']
    items = select.fromClause or ()
    if select.op != 0 or select.whereClause is not None or len(items) > 1 or any(
            (select.groupClause, select.sortClause, select.distinctClause, select.limitCount,
             select.havingClause, select.windowClause)):
        return []
    if not items:
        return ["  ->  Result"]
    item = items[0]
    if isinstance(item, ast.RangeVar):
        table = ctx.lookup()(item)
        name = f"{table.schema}.{table.name}" if verbose else table.name
        alias = item.alias.aliasname if item.alias else table.name
        return [f"  ->  Foreign Scan on {name}" + ("" if alias == table.name else f" {alias}")]
    if isinstance(item, ast.RangeFunction) and len(item.functions) == 1:
        call = item.functions[0][0]
        if isinstance(call, ast.FuncCall):
            fname = call.funcname[-1].sval
            name = f"pg_catalog.{fname}" if verbose else fname
            alias = item.alias.aliasname if item.alias else fname
            return [f"  ->  Function Scan on {name}" + ("" if alias == fname else f" {alias}")]
    return []


def _modify_lines(plan: Any, verbose: bool) -> list[str]:
    name = _name(plan.target, verbose)
    verb = plan.operation.capitalize()
    lines = [f"{verb} on {name}"]
    if plan.direct is not None:
        lines.append(f"  ->  Foreign {verb} on {name}")
        if verbose:
            lines.append("        Remote SQL: " + RawStream()(plan.direct))
        return lines
    from fdwsh.exec.dml_modify import by_ctid

    if verbose:
        lines.append("  Remote SQL: " + RawStream()(by_ctid(plan)))
    lines.append(f"  ->  Foreign Scan on {name}")
    return lines
