"""Compile typed IR expressions into Python closures (once per query, never re-interpreted).

``compile_expr(expr, ctx)`` returns ``f(row) -> value`` where ``row`` is the input tuple that
:class:`~fdwsh.sql.ir.Var` indexes and ``None`` is SQL NULL.  The closures follow PostgreSQL's
semantics: three-valued AND/OR/NOT with short-circuiting, strict functions return NULL on a
NULL argument without being called, CASE/COALESCE evaluate lazily, GREATEST/LEAST skip NULLs,
``x op ANY (array)`` has PostgreSQL's NULL rules.  Functions and operators come from
``exec.functions`` by their pg_proc implementation key.

A compiled expression keeps per-evaluation state for ``CASE x WHEN`` in a cell: compile
separately for each thread that evaluates concurrently.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from typing import Any

from fdwsh.exec import values
from fdwsh.exec.functions import implementation
from fdwsh.sql import ir

Row = Sequence[Any]
Compiled = Callable[[Row], Any]


@dataclass(slots=True)
class EvalContext:
    """What evaluation may read besides the row: session styles, the user, the clock, and
    the session's services (remote connections, notices: see :mod:`fdwsh.exec.services`)."""

    settings: Any = None
    user: str = "postgres"
    #: The session services (fdwsh.exec.services.Services), or None outside a session.
    services: Any = None
    #: Statement-level state shared by now()/random() ... (filled lazily by the functions).
    state: dict[str, Any] = field(default_factory=dict)
    #: CASE operand cells, innermost last (see module docstring).
    case_cells: list[list[Any]] = field(default_factory=list)
    #: The argument values of the sub-SELECTs running now, innermost last: what an
    #: ir.OuterVar reads (pushed by exec.sublink; compiled closures hold this very list).
    outer_rows: list[tuple[Any, ...]] = field(default_factory=list)

    def __post_init__(self) -> None:
        if self.settings is None:
            self.settings = values.default_settings()


_COMPILERS: dict[type, Callable[[Any, EvalContext], Compiled]] = {}


def compiles(cls: type) -> Callable[[Callable[[Any, EvalContext], Compiled]],
                                    Callable[[Any, EvalContext], Compiled]]:
    def register(fn: Callable[[Any, EvalContext], Compiled]
                 ) -> Callable[[Any, EvalContext], Compiled]:
        _COMPILERS[cls] = fn
        return fn
    return register


def compile_expr(expr: ir.Expr, ctx: EvalContext) -> Compiled:
    """The closure evaluating ``expr`` for one input row."""
    return _COMPILERS[type(expr)](expr, ctx)


def evaluate_constant(expr: ir.Expr, ctx: EvalContext) -> Any:
    """Evaluate an expression that reads no column (constant folding, LIMIT ...)."""
    return compile_expr(expr, ctx)(())


@compiles(ir.Const)
def _const(node: ir.Const, ctx: EvalContext) -> Compiled:
    value = node.value
    return lambda row: value


@compiles(ir.Var)
def _var(node: ir.Var, ctx: EvalContext) -> Compiled:
    index = node.index
    return lambda row: row[index]


@compiles(ir.OuterVar)
def _outer_var(node: ir.OuterVar, ctx: EvalContext) -> Compiled:
    from fdwsh.exec.sublink import outer_value
    return outer_value(node, ctx)


@compiles(ir.CaseTestExpr)
def _case_test(node: ir.CaseTestExpr, ctx: EvalContext) -> Compiled:
    cell = ctx.case_cells[-1]
    return lambda row: cell[0]


def _call(fn: Callable[..., Any], args: list[Compiled], strict: bool) -> Compiled:
    """A call of ``fn`` on evaluated ``args`` (NULL in, NULL out when ``strict``)."""
    if len(args) == 1:
        (a,) = args
        if strict:
            def call1(row: Row) -> Any:
                x = a(row)
                return None if x is None else fn(x)
            return call1
        return lambda row: fn(a(row))
    if len(args) == 2:
        a, b = args
        if strict:
            def call2(row: Row) -> Any:
                x = a(row)
                if x is None:
                    return None
                y = b(row)
                return None if y is None else fn(x, y)
            return call2
        return lambda row: fn(a(row), b(row))

    def calln(row: Row) -> Any:
        vals = [arg(row) for arg in args]
        if strict and any(v is None for v in vals):
            return None
        return fn(*vals)
    return calln


@compiles(ir.OpExpr)
def _op(node: ir.OpExpr, ctx: EvalContext) -> Compiled:
    fn = implementation(node.op, node, ctx)
    return _call(fn, [compile_expr(a, ctx) for a in node.args], node.op.strict)


@compiles(ir.FuncExpr)
def _func(node: ir.FuncExpr, ctx: EvalContext) -> Compiled:
    fn = implementation(node.func, node, ctx)
    return _call(fn, [compile_expr(a, ctx) for a in node.args], node.func.strict)


@compiles(ir.BoolExpr)
def _bool(node: ir.BoolExpr, ctx: EvalContext) -> Compiled:
    args = [compile_expr(a, ctx) for a in node.args]
    if node.boolop == "not":
        (a,) = args
        return lambda row: None if (v := a(row)) is None else not v
    stop = node.boolop == "or"  # the value that decides the result

    def junction(row: Row) -> Any:
        saw_null = False
        for arg in args:
            v = arg(row)
            if v is None:
                saw_null = True
            elif v is stop:
                return stop
        return None if saw_null else not stop
    return junction


@compiles(ir.CaseExpr)
def _case(node: ir.CaseExpr, ctx: EvalContext) -> Compiled:
    cell: list[Any] = [None]
    operand = compile_expr(node.arg, ctx) if node.arg is not None else None
    ctx.case_cells.append(cell)
    try:
        whens = [(compile_expr(w.cond, ctx), compile_expr(w.result, ctx)) for w in node.whens]
    finally:
        ctx.case_cells.pop()
    default = compile_expr(node.default, ctx)

    def case(row: Row) -> Any:
        if operand is not None:
            cell[0] = operand(row)
        for cond, result in whens:
            if cond(row):
                return result(row)
        return default(row)
    return case


@compiles(ir.CoalesceExpr)
def _coalesce(node: ir.CoalesceExpr, ctx: EvalContext) -> Compiled:
    args = [compile_expr(a, ctx) for a in node.args]

    def coalesce(row: Row) -> Any:
        for arg in args:
            v = arg(row)
            if v is not None:
                return v
        return None
    return coalesce


@compiles(ir.MinMaxExpr)
def _min_max(node: ir.MinMaxExpr, ctx: EvalContext) -> Compiled:
    args = [compile_expr(a, ctx) for a in node.args]
    less = implementation(node.cmp, node, ctx)
    greatest = node.op == "greatest"

    def min_max(row: Row) -> Any:
        best = None
        for arg in args:
            v = arg(row)
            if v is None:
                continue
            if best is None or (less(best, v) if greatest else less(v, best)):
                best = v
        return best
    return min_max


@compiles(ir.NullIfExpr)
def _nullif(node: ir.NullIfExpr, ctx: EvalContext) -> Compiled:
    eq = implementation(node.op, node, ctx)
    a, b = (compile_expr(x, ctx) for x in node.args)

    def nullif(row: Row) -> Any:
        x, y = a(row), b(row)
        if x is not None and y is not None and eq(x, y):
            return None
        return x
    return nullif


@compiles(ir.DistinctExpr)
def _distinct(node: ir.DistinctExpr, ctx: EvalContext) -> Compiled:
    eq = implementation(node.op, node, ctx)
    a, b = (compile_expr(x, ctx) for x in node.args)

    def distinct(row: Row) -> bool:
        x, y = a(row), b(row)
        if x is None or y is None:
            return (x is None) != (y is None)
        return not eq(x, y)
    return distinct


@compiles(ir.ScalarArrayOpExpr)
def _scalar_array_op(node: ir.ScalarArrayOpExpr, ctx: EvalContext) -> Compiled:
    fn = implementation(node.op, node, ctx)
    scalar, array = (compile_expr(x, ctx) for x in node.args)
    use_or, strict = node.use_or, node.op.strict

    def any_all(row: Row) -> Any:
        x = scalar(row)
        items = array(row)
        if items is None:
            return None
        items = list(_flatten(items))
        if not items:
            return not use_or
        if x is None and strict:
            return None
        saw_null = False
        for item in items:
            r = None if (item is None and strict) else fn(x, item)
            if r is None:
                saw_null = True
            elif r is use_or:
                return use_or
        return None if saw_null else not use_or
    return any_all


def _flatten(items: Any) -> Any:
    for item in items:
        if isinstance(item, list):
            yield from _flatten(item)
        else:
            yield item


@compiles(ir.NullTest)
def _null_test(node: ir.NullTest, ctx: EvalContext) -> Compiled:
    arg = compile_expr(node.arg, ctx)
    if node.is_null:
        return lambda row: arg(row) is None
    return lambda row: arg(row) is not None


_BOOL_TESTS: dict[str, Callable[[Any], bool]] = {
    "is_true": lambda v: v is True, "is_not_true": lambda v: v is not True,
    "is_false": lambda v: v is False, "is_not_false": lambda v: v is not False,
    "is_unknown": lambda v: v is None, "is_not_unknown": lambda v: v is not None,
}


@compiles(ir.BooleanTest)
def _boolean_test(node: ir.BooleanTest, ctx: EvalContext) -> Compiled:
    arg, test = compile_expr(node.arg, ctx), _BOOL_TESTS[node.test]
    return lambda row: test(arg(row))


@compiles(ir.RelabelType)
def _relabel(node: ir.RelabelType, ctx: EvalContext) -> Compiled:
    return compile_expr(node.arg, ctx)


@compiles(ir.CollateExpr)
def _collate(node: ir.CollateExpr, ctx: EvalContext) -> Compiled:
    return compile_expr(node.arg, ctx)


@compiles(ir.CoerceViaIO)
def _coerce_via_io(node: ir.CoerceViaIO, ctx: EvalContext) -> Compiled:
    arg = compile_expr(node.arg, ctx)
    source, target, settings = node.arg.type, node.type, ctx.settings
    if source == ir.UNKNOWN_OID:
        source = ir.TEXT_OID

    def via_io(row: Row) -> Any:
        v = arg(row)
        if v is None:
            return None
        return values.parse_input(target, values.format_output(source, v, settings), -1,
                                  settings)
    return via_io


@compiles(ir.ArrayCoerceExpr)
def _array_coerce(node: ir.ArrayCoerceExpr, ctx: EvalContext) -> Compiled:
    arg = compile_expr(node.arg, ctx)
    cell: list[Any] = [None]
    ctx.case_cells.append(cell)
    try:
        elem = compile_expr(node.elem, ctx)
    finally:
        ctx.case_cells.pop()

    def convert(items: list[Any]) -> list[Any]:
        out = []
        for item in items:
            if isinstance(item, list):
                out.append(convert(item))
            else:
                cell[0] = item
                out.append(None if item is None else elem(()))
        return out

    return lambda row: None if (v := arg(row)) is None else convert(v)


@compiles(ir.ArrayExpr)
def _array(node: ir.ArrayExpr, ctx: EvalContext) -> Compiled:
    elems = [compile_expr(e, ctx) for e in node.elements]
    if node.multidims:
        from fdwsh.exec.arrays import build_multidim
        return lambda row: build_multidim([e(row) for e in elems])
    return lambda row: [e(row) for e in elems]


@compiles(ir.SubscriptingRef)
def _subscript(node: ir.SubscriptingRef, ctx: EvalContext) -> Compiled:
    from fdwsh.exec.arrays import subscript
    container = compile_expr(node.container, ctx)
    upper = [compile_expr(u, ctx) if u is not None else None for u in node.upper]
    lower = None if node.lower is None else [
        compile_expr(x, ctx) if x is not None else None for x in node.lower]

    def sub(row: Row) -> Any:
        ups = [u(row) if u is not None else None for u in upper]
        lows = None if lower is None else [x(row) if x is not None else None for x in lower]
        return subscript(container(row), ups, lows)
    return sub


@compiles(ir.SQLValueFunction)
def _sql_value_function(node: ir.SQLValueFunction, ctx: EvalContext) -> Compiled:
    from fdwsh.exec.functions import sql_value_function
    fn = sql_value_function(node, ctx)
    return lambda row: fn()


@compiles(ir.SubLink)
def _sublink(node: ir.SubLink, ctx: EvalContext) -> Compiled:
    from fdwsh.exec.sublink import compile_sublink
    return compile_sublink(node, ctx)
