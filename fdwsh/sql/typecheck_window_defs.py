"""Window definitions of a query level (parse_clause.c transformWindowDefinitions and
transformFrameOffset of PostgreSQL 15): PARTITION BY / ORDER BY transformed as GROUP BY /
ORDER BY items (SQL99 rules: an integer is a constant; a repeated expression adds nothing),
the copy rules of a definition naming an earlier window, and the frame offsets: bigint for
ROWS and GROUPS, for RANGE the offset type of the btree in_range support function chosen for
the single ORDER BY column (pg_amproc), never reading the row.
"""

from __future__ import annotations

from typing import Any

from pglast import ast
from pglast import enums as E

from fdwsh.pgtypes import format_type
from fdwsh.sql import ir
from fdwsh.sql import oids as T
from fdwsh.sql.coerce import IMPLICIT, can_coerce_types, coerce_to_specific_type, coerce_type
from fdwsh.sql.pstate import ParseState, error
from fdwsh.sql.typecheck import transform_expr
from fdwsh.sql.typecheck_agg import AggOrder, _order_item, clause, find_nodes, strip_locations
from fdwsh.sql.typecheck_window import (END_OFFSET, FRAME_DEFAULTS, START_OFFSET,
                                        WINDOWING_ERROR, WindowClause, WindowScope)

#: The in_range support functions of the btree opclasses (pg_amproc, BTINRANGE_PROC): the
#: offset types RANGE offsets accept for each ORDER BY column type.
_IN_RANGE = {T.INT2: (T.INT8, T.INT4, T.INT2), T.INT4: (T.INT8, T.INT4, T.INT2),
             T.INT8: (T.INT8,), T.FLOAT4: (T.FLOAT8,), T.FLOAT8: (T.FLOAT8,),
             T.NUMERIC: (T.NUMERIC,), T.DATE: (T.INTERVAL,), T.TIMESTAMP: (T.INTERVAL,),
             T.TIMESTAMPTZ: (T.INTERVAL,), T.INTERVAL: (T.INTERVAL,), T.TIME: (T.INTERVAL,),
             T.TIMETZ: (T.INTERVAL,)}
#: The opclass input type of other ORDER BY types (varchar sorts with text_ops).
_OPCINTYPE = {T.VARCHAR: T.TEXT, T.NAME: T.NAME}


def transform_window_definitions(ps: ParseState, scope: WindowScope) -> list[WindowClause]:
    """transformWindowDefinitions(): every definition of the level, in winref order."""
    out: list[WindowClause] = []
    scope.defining = True
    try:
        for wdef in scope.defs:
            out.append(_definition(ps, wdef, out))
    finally:
        scope.defining = False
    return out


def _find(done: list[WindowClause], name: str) -> WindowClause | None:
    return next((c for c in done if c.name == name), None)


def _definition(ps: ParseState, wdef: ast.WindowDef, done: list[WindowClause]
                ) -> WindowClause:
    loc = wdef.location
    if wdef.name and _find(done, wdef.name) is not None:
        raise error(f'window "{wdef.name}" is already defined', WINDOWING_ERROR, loc)
    ref = None
    if wdef.refname:
        ref = _find(done, wdef.refname)
        if ref is None:
            raise error(f'window "{wdef.refname}" does not exist', "42704", loc)
    with clause(ps, "ORDER BY"):  # aggregates are allowed here, as in ORDER BY
        order = _unique([_order_item(ps, item) for item in wdef.orderClause or ()],
                        lambda o: o.expr)
        partition = _unique([_partition_item(ps, item) for item in wdef.partitionClause or ()],
                            lambda e: e)
    _refuse_srfs([*partition, *(o.expr for o in order)])
    options = wdef.frameOptions
    if ref is not None:
        partition, order = _copy_from(wdef, ref, partition, order)
    range_type = 0
    if options & E.FRAMEOPTION_RANGE and options & (START_OFFSET | END_OFFSET):
        if len(order) != 1:
            raise error("RANGE with offset PRECEDING/FOLLOWING requires exactly one ORDER BY "
                        "column", WINDOWING_ERROR, loc)
        range_type = order[0].expr.type
    elif options & E.FRAMEOPTION_GROUPS and not order:
        raise error("GROUPS mode requires an ORDER BY clause", WINDOWING_ERROR, loc)
    start = _frame_offset(ps, options, range_type, wdef.startOffset)
    end = _frame_offset(ps, options, range_type, wdef.endOffset)
    return WindowClause(wdef.name, partition, order, options, start, end, range_type)


def _unique(items: list[Any], expr_of: Any) -> tuple[Any, ...]:
    """A repeated expression sorts nothing more (addTargetToSortList() skips it)."""
    out: list[Any] = []
    seen: list[Any] = []
    for item in items:
        key = strip_locations(expr_of(item))
        if key not in seen:
            seen.append(key)
            out.append(item)
    return tuple(out)


def _copy_from(wdef: ast.WindowDef, ref: WindowClause, partition: tuple[ir.Expr, ...],
               order: tuple[AggOrder, ...]) -> tuple[tuple[ir.Expr, ...], tuple[AggOrder, ...]]:
    """SQL:2008's rules for a definition naming an earlier window."""
    loc = wdef.location
    if partition:
        raise error(f'cannot override PARTITION BY clause of window "{wdef.refname}"',
                    WINDOWING_ERROR, loc)
    if order and ref.order:
        raise error(f'cannot override ORDER BY clause of window "{wdef.refname}"',
                    WINDOWING_ERROR, loc)
    if ref.options != FRAME_DEFAULTS:
        message = f'cannot copy window "{wdef.refname}" because it has a frame clause'
        if wdef.name or order or wdef.frameOptions != FRAME_DEFAULTS:
            raise error(message, WINDOWING_ERROR, loc)
        raise error(message, WINDOWING_ERROR, loc,
                    hint="Omit the parentheses in this OVER clause.")
    return ref.partition, order or ref.order


def _partition_item(ps: ParseState, node: ast.Node) -> ir.Expr:
    expr = transform_expr(ps, node)
    if expr.type == T.UNKNOWN:
        expr = coerce_type(ps, expr, T.TEXT, -1, IMPLICIT, ir.IMPLICIT_CAST, -1)
    from fdwsh.exec.fn_compare import sort_key
    try:
        sort_key(expr.type)
    except KeyError:
        raise error(f"could not identify an equality operator for type "
                    f"{format_type(expr.type)}", "42883", ir.expr_location(expr)) from None
    return expr


def _refuse_srfs(exprs: list[ir.Expr]) -> None:
    from fdwsh.exec.srf import contains_srf
    for expr in exprs:
        if contains_srf(expr):
            raise error("set-returning functions in window definitions are not supported "
                        "locally", "0A000", ir.expr_location(expr))


def _frame_offset(ps: ParseState, options: int, range_type: int, node: ast.Node | None
                  ) -> ir.Expr | None:
    """transformFrameOffset(): ROWS/GROUPS offsets are bigint, a RANGE offset takes the type
    of the in_range function chosen for the ORDER BY column; no variables."""
    if node is None:
        return None
    mode = "ROWS" if options & E.FRAMEOPTION_ROWS else \
        "RANGE" if options & E.FRAMEOPTION_RANGE else "GROUPS"
    with clause(ps, f"window {mode}"):
        expr = transform_expr(ps, node)
    if mode == "RANGE":
        expr = coerce_to_specific_type(ps, expr, _offset_type(range_type, expr), "RANGE")
    else:
        expr = coerce_to_specific_type(ps, expr, T.INT8, mode)
    for var in find_nodes(expr, (ir.Var,)):
        raise error(f"argument of {mode} must not contain variables", "42P10", var.location)
    return expr


def _offset_type(column: int, expr: ir.Expr) -> int:
    """The in_range support function's offset type for this column and offset."""
    opcintype = _OPCINTYPE.get(column, column)
    candidates = _IN_RANGE.get(opcintype, ())
    where = ir.expr_location(expr)
    if not candidates:
        raise error(f"RANGE with offset PRECEDING/FOLLOWING is not supported for column type "
                    f"{format_type(opcintype)}", "0A000", where)
    preferred = expr.type if expr.type != T.UNKNOWN else opcintype
    matches = [t for t in candidates if can_coerce_types([expr.type], [t], IMPLICIT)]
    pair = f"column type {format_type(opcintype)} and offset type {format_type(expr.type)}"
    if not matches:
        raise error(f"RANGE with offset PRECEDING/FOLLOWING is not supported for {pair}",
                    "0A000", where, hint="Cast the offset value to an appropriate type.")
    if preferred in matches:
        return preferred
    if len(matches) != 1:
        raise error(f"RANGE with offset PRECEDING/FOLLOWING has multiple interpretations for "
                    f"{pair}", "0A000", where,
                    hint="Cast the offset value to the exact intended type.")
    return matches[0]
