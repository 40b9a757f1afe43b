"""pglast expression trees → typed IR: PostgreSQL 15's transformExpr (parse_expr.c).

:func:`transform_expr` is the entry point: it types literals (a quoted literal stays
``unknown`` until context decides, as in PostgreSQL), resolves operators and functions
(``typecheck_ops``, ``typecheck_func``), inserts implicit casts as nodes and reports
PostgreSQL's errors with their cursor positions.  :func:`figure_colname` names an output
column as PostgreSQL's FigureColname() does.  Column references go through the
:class:`~fdwsh.sql.pstate.ParseState`'s resolver, then those of the enclosing query levels,
innermost first (a sub-SELECT's outer references, as PostgreSQL's colNameToVar() searches).
"""

from __future__ import annotations

from collections.abc import Callable
from decimal import Decimal
from typing import Any

from pglast import ast
from pglast.enums import BoolExprType, BoolTestType, NullTestType, SQLValueFunctionOp

from fdwsh.errors import FdwshError
from fdwsh.pgtypes import format_type, resolve_type_name
from fdwsh.sql import ir
from fdwsh.sql import oids as T
from fdwsh.sql.coerce import EXPLICIT, coerce_to_boolean, coerce_to_target_type
from fdwsh.sql.pstate import ParseState, error, pos

Transform = Callable[[ParseState, Any], ir.Expr]
_HANDLERS: dict[type, Transform] = {}


def handles(*classes: type) -> Callable[[Transform], Transform]:
    """Register a transform for pglast node classes (the typecheck_* modules use it too)."""
    def register(fn: Transform) -> Transform:
        for cls in classes:
            _HANDLERS[cls] = fn
        return fn
    return register


def transform_expr(ps: ParseState, node: ast.Node) -> ir.Expr:
    """transformExpr(): the typed IR of one pglast expression."""
    handler = _HANDLERS.get(type(node))
    if handler is None:
        _load_handlers()
        handler = _HANDLERS.get(type(node))
    if handler is None:
        raise error(f"{_describe(node)} are not supported locally", "0A000", _loc(node))
    return handler(ps, node)


def _load_handlers() -> None:
    from fdwsh.sql import (typecheck_func, typecheck_ops,  # noqa: F401  (registers handlers)
                           typecheck_sublink)


def _describe(node: ast.Node) -> str:
    names = {"RowExpr": "row constructors", "ParamRef": "parameters",
             "GroupingFunc": "GROUPING", "XmlExpr": "XML functions"}
    return names.get(type(node).__name__, type(node).__name__)


def _loc(node: Any) -> int:
    loc = getattr(node, "location", None)
    return loc if isinstance(loc, int) else -1


# ---------------------------------------------------------------------------------------------
# constants


@handles(ast.A_Const)
def transform_const(ps: ParseState, node: ast.A_Const) -> ir.Expr:
    """make_const(): integer → int4 (int8 when it does not fit, numeric beyond), other
    numbers → numeric, strings → unknown, B'..'/X'..' → bit."""
    loc = ps.loc(node)
    if node.isnull:
        return ir.Const(T.UNKNOWN, None, -1, loc)
    val = node.val
    if isinstance(val, ast.Integer):
        return ir.Const(T.INT4, val.ival, -1, loc)
    if isinstance(val, ast.Float):
        return _float_const(ps, val.fval, loc)
    if isinstance(val, ast.Boolean):
        return ir.Const(T.BOOL, bool(val.boolval), -1, loc)
    if isinstance(val, ast.String):
        return ir.Const(T.UNKNOWN, val.sval, -1, loc)
    if isinstance(val, ast.BitString):
        raise error("bit string constants are not supported locally", "0A000", loc)
    raise error("unrecognized constant", "XX000", loc)


def _float_const(ps: ParseState, text: str, loc: int) -> ir.Const:
    if text.isdigit() or (text[:1] == "-" and text[1:].isdigit()):
        value = int(text)
        if -2**31 <= value < 2**31:
            return ir.Const(T.INT4, value, -1, loc)
        if -2**63 <= value < 2**63:
            return ir.Const(T.INT8, value, -1, loc)
    from fdwsh.exec.values import parse_input

    try:
        number = parse_input(T.NUMERIC, text, -1, ps.settings)
    except FdwshError as exc:
        exc.position = pos(loc)
        raise
    assert isinstance(number, Decimal)
    return ir.Const(T.NUMERIC, number, -1, loc)


# ---------------------------------------------------------------------------------------------
# column references


@handles(ast.ColumnRef)
def transform_column_ref(ps: ParseState, node: ast.ColumnRef) -> ir.Expr:
    loc = _loc(node)
    names: list[str] = []
    for field in node.fields:
        if isinstance(field, ast.A_Star):
            raise error("row expansion via \"*\" is not supported here", "0A000", loc)
        names.append(field.sval)
    found = ps.columns(names, loc) if ps.columns is not None else None
    if found is not None:
        return found
    for outer in reversed(ps.outer_columns):  # the innermost enclosing level first
        found = outer(names, loc)
        if found is not None:  # an outer reference (the resolver made it an ir.OuterVar)
            return found
    if len(names) == 1:
        raise error(f'column "{names[0]}" does not exist', "42703", loc)
    raise error(f'missing FROM-clause entry for table "{names[-2]}"', "42P01", loc)


@handles(ast.ParamRef)
def transform_param(ps: ParseState, node: ast.ParamRef) -> ir.Expr:
    raise error(f"there is no parameter ${node.number}", "42P02", _loc(node))


# ---------------------------------------------------------------------------------------------
# casts and collations


@handles(ast.TypeCast)
def transform_type_cast(ps: ParseState, node: ast.TypeCast) -> ir.Expr:
    """transformTypeCast(): explicit ``CAST(x AS t)`` / ``x::t`` / ``t 'literal'``."""
    target = resolve_type_name(node.typeName, warn=_warner(ps))
    location = _loc(node)
    if location < 0:
        location = _loc(node.typeName)
    arg_node = node.arg
    if isinstance(arg_node, ast.A_ArrayExpr) and target.type.is_array:
        from fdwsh.sql.typecheck_func import transform_array_expr

        arg = transform_array_expr(ps, arg_node, target.type.oid, target.type.elem_oid,
                                   target.typmod)
    else:
        arg = transform_expr(ps, arg_node)
    result = coerce_to_target_type(ps, arg, target.type.oid, target.typmod, EXPLICIT,
                                   ir.EXPLICIT_CAST, location)
    if result is None:
        raise error(f"cannot cast type {format_type(arg.type)} to "
                    f"{format_type(target.type.oid)}", "42846",
                    location if location >= 0 else ir.expr_location(arg))
    return result


def _warner(ps: ParseState) -> Callable[..., None]:
    def warn(message: str, position: int | None = None, *args: Any, **kw: Any) -> None:
        ps.warn(message, position)
    return warn


@handles(ast.CollateClause)
def transform_collate(ps: ParseState, node: ast.CollateClause) -> ir.Expr:
    arg = transform_expr(ps, node.arg)
    name = ".".join(n.sval for n in node.collname)
    loc = _loc(node)
    if name not in ("C", "POSIX", "default", "pg_catalog.C", "pg_catalog.POSIX",
                    "pg_catalog.default", "ucs_basic"):
        raise error(f'collation "{name}" for encoding "UTF8" does not exist', "42704", loc)
    if arg.type != T.UNKNOWN and not _collatable(arg.type):
        raise error(f"collations are not supported by type {format_type(arg.type)}", "42804",
                    loc)
    return ir.CollateExpr(arg, name, arg.type, arg.typmod, loc)


def _collatable(oid: int) -> bool:
    from fdwsh.pgtypes import type_by_oid

    t = type_by_oid(oid)
    return bool(t and t.collatable)


# ---------------------------------------------------------------------------------------------
# boolean constructs


@handles(ast.BoolExpr)
def transform_bool_expr(ps: ParseState, node: ast.BoolExpr) -> ir.Expr:
    op = {BoolExprType.AND_EXPR: "and", BoolExprType.OR_EXPR: "or",
          BoolExprType.NOT_EXPR: "not"}[node.boolop]
    args = tuple(coerce_to_boolean(ps, transform_expr(ps, a), op.upper()) for a in node.args)
    return ir.BoolExpr(op, args, location=_loc(node))


@handles(ast.NullTest)
def transform_null_test(ps: ParseState, node: ast.NullTest) -> ir.Expr:
    arg = transform_expr(ps, node.arg)
    return ir.NullTest(arg, node.nulltesttype == NullTestType.IS_NULL, location=_loc(node))


_BOOLEAN_TESTS = {
    BoolTestType.IS_TRUE: ("is_true", "IS TRUE"),
    BoolTestType.IS_NOT_TRUE: ("is_not_true", "IS NOT TRUE"),
    BoolTestType.IS_FALSE: ("is_false", "IS FALSE"),
    BoolTestType.IS_NOT_FALSE: ("is_not_false", "IS NOT FALSE"),
    BoolTestType.IS_UNKNOWN: ("is_unknown", "IS UNKNOWN"),
    BoolTestType.IS_NOT_UNKNOWN: ("is_not_unknown", "IS NOT UNKNOWN"),
}


@handles(ast.BooleanTest)
def transform_boolean_test(ps: ParseState, node: ast.BooleanTest) -> ir.Expr:
    test, clause = _BOOLEAN_TESTS[node.booltesttype]
    arg = coerce_to_boolean(ps, transform_expr(ps, node.arg), clause)
    return ir.BooleanTest(arg, test, location=_loc(node))


# ---------------------------------------------------------------------------------------------
# SQL value functions

_SVF = {
    SQLValueFunctionOp.SVFOP_CURRENT_DATE: ("current_date", T.DATE),
    SQLValueFunctionOp.SVFOP_CURRENT_TIME: ("current_time", T.TIMETZ),
    SQLValueFunctionOp.SVFOP_CURRENT_TIME_N: ("current_time", T.TIMETZ),
    SQLValueFunctionOp.SVFOP_CURRENT_TIMESTAMP: ("current_timestamp", T.TIMESTAMPTZ),
    SQLValueFunctionOp.SVFOP_CURRENT_TIMESTAMP_N: ("current_timestamp", T.TIMESTAMPTZ),
    SQLValueFunctionOp.SVFOP_LOCALTIME: ("localtime", T.TIME),
    SQLValueFunctionOp.SVFOP_LOCALTIME_N: ("localtime", T.TIME),
    SQLValueFunctionOp.SVFOP_LOCALTIMESTAMP: ("localtimestamp", T.TIMESTAMP),
    SQLValueFunctionOp.SVFOP_LOCALTIMESTAMP_N: ("localtimestamp", T.TIMESTAMP),
    SQLValueFunctionOp.SVFOP_CURRENT_ROLE: ("current_role", T.NAME),
    SQLValueFunctionOp.SVFOP_CURRENT_USER: ("current_user", T.NAME),
    SQLValueFunctionOp.SVFOP_USER: ("user", T.NAME),
    SQLValueFunctionOp.SVFOP_SESSION_USER: ("session_user", T.NAME),
    SQLValueFunctionOp.SVFOP_CURRENT_CATALOG: ("current_catalog", T.NAME),
    SQLValueFunctionOp.SVFOP_CURRENT_SCHEMA: ("current_schema", T.NAME),
}
_MAX_PRECISION = {T.TIMETZ: "TIME(%d) WITH TIME ZONE", T.TIMESTAMPTZ:
                  "TIMESTAMP(%d) WITH TIME ZONE", T.TIME: "TIME(%d)", T.TIMESTAMP: "TIMESTAMP(%d)"}


@handles(ast.SQLValueFunction)
def transform_sql_value_function(ps: ParseState, node: ast.SQLValueFunction) -> ir.Expr:
    name, oid = _SVF[node.op]
    typmod = node.typmod if node.typmod is not None else -1
    if typmod > 6 and oid in _MAX_PRECISION:
        label = _MAX_PRECISION[oid] % typmod
        ps.warn(f"{label} precision reduced to maximum allowed, 6", pos(_loc(node)))
        typmod = 6
    if typmod < 0 and oid in (T.TIMETZ, T.TIMESTAMPTZ, T.TIME, T.TIMESTAMP):
        typmod = -1
    return ir.SQLValueFunction(name, oid, typmod, _loc(node))


# ---------------------------------------------------------------------------------------------
# output column names


def figure_colname(node: ast.Node | None) -> str:
    """FigureColname(): the header PostgreSQL gives an unnamed output column."""
    name, _ = _figure(node)
    return name or "?column?"


def _figure(node: Any) -> tuple[str | None, int]:
    """FigureColnameInternal(): (name, strength); strength 2 beats 1 beats 0."""
    if isinstance(node, ast.ColumnRef):
        names = [f.sval for f in node.fields if isinstance(f, ast.String)]
        return (names[-1], 2) if names else (None, 0)
    if isinstance(node, ast.A_Indirection):
        names = [i.sval for i in node.indirection if isinstance(i, ast.String)]
        return (names[-1], 2) if names else _figure(node.arg)
    if isinstance(node, ast.FuncCall):
        return node.funcname[-1].sval, 2
    if isinstance(node, ast.A_Expr):
        from pglast.enums import A_Expr_Kind
        return ("nullif", 2) if node.kind == A_Expr_Kind.AEXPR_NULLIF else (None, 0)
    if isinstance(node, ast.TypeCast):
        name, strength = _figure(node.arg)
        if strength <= 1 and node.typeName is not None:
            return node.typeName.names[-1].sval, 1
        return name, strength
    if isinstance(node, ast.CollateClause):
        return _figure(node.arg)
    if isinstance(node, ast.CaseExpr):
        name, strength = _figure(node.defresult)
        return (name, strength) if strength > 1 else ("case", 1)
    return _figure_simple(node)


def _figure_simple(node: Any) -> tuple[str | None, int]:
    from pglast.enums import MinMaxOp, SubLinkType
    if isinstance(node, ast.A_ArrayExpr):
        return "array", 2
    if isinstance(node, ast.RowExpr):
        return "row", 2
    if isinstance(node, ast.CoalesceExpr):
        return "coalesce", 2
    if isinstance(node, ast.MinMaxExpr):
        return ("greatest" if node.op == MinMaxOp.IS_GREATEST else "least"), 2
    if isinstance(node, ast.SQLValueFunction):
        return _SVF[node.op][0], 2
    if isinstance(node, ast.GroupingFunc):
        return "grouping", 2
    if isinstance(node, ast.SubLink):
        if node.subLinkType == SubLinkType.EXISTS_SUBLINK:
            return "exists", 2
        if node.subLinkType == SubLinkType.ARRAY_SUBLINK:
            return "array", 2
        if node.subLinkType == SubLinkType.EXPR_SUBLINK and node.subselect.targetList:
            first = node.subselect.targetList[0]
            return (first.name, 2) if first.name else _figure(first.val)
    return None, 0


