"""Entry point for queries that read no foreign table: ``run_local_select(stmt, ctx)``.

``SELECT 1, 'a' || 'b', now()``, ``VALUES (1, 'x'), (2, 'y') ORDER BY 1``, their WHERE /
ORDER BY / LIMIT / OFFSET, sub-queries and functions in FROM (``generate_series``, ``unnest``,
``postgres_fdw_get_connections()``) and UNION / INTERSECT / EXCEPT [ALL] of them are
typed and evaluated by fdwsh itself (sql.typecheck → exec.fold → exec.eval) and returned as a
:class:`~fdwsh.output.result.Result` whose values are printed by each type's output function
under the session's settings.  Notices raised while analysing (typmod warnings) go to
``ctx.notices``.
"""

from __future__ import annotations

from typing import Any

from pglast import ast

from fdwsh.exec import values
from fdwsh.exec.eval import EvalContext
from fdwsh.exec.local_select import Analyzer, LocalRelation
from fdwsh.output.result import Column, Result
from fdwsh.pgtypes import format_type
from fdwsh.sql import oids as T
from fdwsh.sql.const_locations import const_locations as find_const_locations
from fdwsh.sql.pstate import ParseState


def session_settings(ctx: Any) -> Any:
    """The value styles of the session behind ``ctx`` (PostgreSQL's defaults without one)."""
    for name in ("gucs", "settings"):
        found = getattr(ctx, name, None)
        if found is not None and hasattr(found, "date_style"):
            return found
    return values.default_settings()


def analyze_local(stmt: ast.SelectStmt, ctx: Any, const_locations: dict[int, int] | None = None
                  ) -> tuple[LocalRelation, EvalContext]:
    """Type and evaluate the query: its columns and rows of Python values.

    ``const_locations`` gives the literals' positions when ``stmt`` is not the tree parsed
    from ``ctx.source`` (a rewritten copy)."""
    analyzer = local_analyzer(stmt, ctx, const_locations)
    return analyzer.run(stmt), analyzer.ctx


def local_analyzer(stmt: ast.SelectStmt, ctx: Any, const_locations: dict[int, int] | None = None
                   ) -> Analyzer:
    """The Analyzer that types and runs ``stmt`` in the session behind ``ctx``."""
    from fdwsh.exec.memory import use_work_mem

    use_work_mem(ctx)  # \set WORK_MEM, checked before anything runs
    settings = session_settings(ctx)
    user = getattr(ctx, "user", "postgres")
    notices = getattr(ctx, "notices", None)
    ps = ParseState(settings=settings, user=user)
    ps.const_locations = (const_locations if const_locations is not None
                          else find_const_locations(getattr(ctx, "source", "") or "", stmt))
    if notices is not None:
        ps.notices = notices
    ps.services = ctx
    ectx = EvalContext(settings=settings, user=user, services=ctx)
    shared = getattr(ctx, "eval_state", None)
    if isinstance(shared, dict):
        ectx.state = shared
    analyzer = Analyzer(ps, ectx)
    _plan_scans(analyzer, stmt, ctx)
    return analyzer


def _plan_scans(analyzer: Analyzer, stmt: ast.SelectStmt, ctx: Any) -> None:
    """What each foreign-table scan of ``stmt`` fetches and filters remotely (nothing to plan
    without a catalog)."""
    lookup = getattr(ctx, "lookup", None)
    if lookup is None:
        return
    from fdwsh.plan.scan_filters import plan_scans
    from fdwsh.remote.deparse import column_names_used
    from fdwsh.sql.bind import bind_relations

    relations = bind_relations(stmt, lookup()).relations
    eager = _eager_aggregation(analyzer, stmt, relations, ctx)
    if eager is not None:
        stmt, relations = eager, bind_relations(eager, lookup()).relations
    analyzer.scan_plan = plan_scans(stmt, relations)
    analyzer.scan_plan.key_limit = _key_limit(ctx)
    analyzer.column_use = column_names_used(stmt, analyzer.scan_plan.where_pushed)
    analyzer.table_aliases = {ref.alias for ref in relations}
    analyzer.relations = {id(ref.node): ref for ref in relations}


def _eager_aggregation(analyzer: Analyzer, stmt: ast.SelectStmt, relations: list[Any],
                       ctx: Any) -> ast.SelectStmt | None:
    """The top level with a table aggregated per join key before a join across servers
    (:mod:`fdwsh.plan.eager_agg`), None where that does not apply or ``\\set
    EAGER_AGGREGATION off``."""
    variables = getattr(ctx, "variables", None)
    setting = variables.get("EAGER_AGGREGATION") if variables is not None else None
    if setting is not None and setting.strip().lower() in ("off", "false", "no", "0"):
        return None
    from fdwsh.exec.partial_agg import remote_column_types
    from fdwsh.plan.eager_agg import plan_eager

    note = plan_eager(stmt, relations, _key_limit(ctx) == 0, remote_column_types(ctx))
    if note is None:
        return None
    analyzer.notes.append(note)
    return note.rewritten


def _key_limit(ctx: Any) -> int:
    """``\\set DYNAMIC_FILTER_LIMIT n``: the most join keys a scan is filtered by (0: never)."""
    from fdwsh.plan.scan_filters import DEFAULT_KEY_LIMIT

    variables = getattr(ctx, "variables", None)
    text = variables.get("DYNAMIC_FILTER_LIMIT") if variables is not None else None
    try:
        return max(0, int(text)) if text is not None else DEFAULT_KEY_LIMIT
    except ValueError:
        return DEFAULT_KEY_LIMIT


def run_local_select(stmt: ast.SelectStmt, ctx: Any) -> Result:
    """Run a query in fdwsh's executor; the Result's values are psql's text, streamed as
    they are computed where the query allows (one table read in one pass: no sort, grouping,
    DISTINCT or window), so that ``--csv`` output of any size runs in bounded memory."""
    rel, ectx = analyze_local(stmt, ctx)
    settings = ectx.settings
    formats = [_formatter(c.type, settings) for c in rel.columns]
    rows = (tuple(None if v is None else fmt(v) for fmt, v in zip(formats, row))
            for row in rel.stream())
    columns = [Column(c.name, format_type(c.type, c.typmod)) for c in rel.columns]
    return Result(columns=columns, rows=rows)


def _formatter(oid: int, settings: Any) -> Any:
    if oid == T.UNKNOWN:
        return str
    if oid == T.REGTYPE:
        return lambda v: format_type(v)
    if oid == T.RECORD:
        from fdwsh.exec.srf import format_record
        return lambda v: format_record(v, settings)
    return lambda v: values.format_output(oid, v, settings)
