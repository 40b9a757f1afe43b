"""Function calls and the conditional/array constructs → IR (parse_func.c ParseFuncOrColumn,
parse_expr.c transformCaseExpr/CoalesceExpr/MinMaxExpr/ArrayExpr/Indirection).

A function is resolved against PostgreSQL 15's overloads of that name (``pgproc``), with those
of the installed extensions (``CREATE EXTENSION postgres_fdw``: ``postgres_fdw_disconnect`` ...)
whose schema is on the search path (the session's, through ``ParseState.services``).  A name
PostgreSQL has but fdwsh does not evaluate is ``function f(integer) is not supported locally``
(SQLSTATE 0A000); a name PostgreSQL lacks is PostgreSQL's own ``does not exist`` error.
Set-returning calls are checked where they stand, as check_srf_call_placement() does: the
select list, ORDER BY and the top of a FROM item take them; WHERE, LIMIT, VALUES, CASE,
COALESCE ... fail with PostgreSQL's message.
"""

from __future__ import annotations

from typing import Any

from pglast import ast
from pglast.enums import CoercionForm, MinMaxOp

from fdwsh.exec.services import extension_schema, search_path

from fdwsh.pgtypes import format_type
from fdwsh.sql import ir
from fdwsh.sql import oids as T
from fdwsh.sql.coerce import (EXPLICIT, array_type, coerce_to_boolean, coerce_to_common_type,
                              coerce_to_target_type, coerce_type, element_type,
                              select_common_type, select_common_typmod)
from fdwsh.sql.pgproc import (Function, extension_functions, function_exists_in_postgres,
                              functions, known_extensions)
from fdwsh.sql.polymorphic import enforce_generic_type_consistency
from fdwsh.sql.pstate import ParseState, error
from fdwsh.sql.resolve import COERCION, MULTIPLE, NORMAL, func_get_detail, func_signature
from fdwsh.sql.typecheck import handles, transform_expr
from fdwsh.sql.typecheck_agg import is_aggregate, reject_aggregate_syntax, transform_aggregate
from fdwsh.sql.typecheck_ops import make_fn_arguments, make_op
from fdwsh.sql.typecheck_window import is_window_call, transform_window_call

_SQL_SYNTAX_USERS = {"current_user": "current_user", "session_user": "session_user",
                     "current_role": "current_role", "user": "user",
                     "current_catalog": "current_catalog", "current_schema": "current_schema"}


def _func_name(node: ast.FuncCall) -> tuple[str | None, str, str]:
    """(schema or None, name, name as written for messages)."""
    names = [n.sval for n in node.funcname]
    written = ".".join(names)
    if len(names) == 2:
        return names[0], names[1], written
    if len(names) > 2:
        raise error(f'schema "{names[-2]}" does not exist', "3F000", node.location)
    return None, names[0], written


def _visible_functions(ps: ParseState, schema: str | None, name: str, location: int
                       ) -> list[Function] | None:
    """The overloads of ``name`` a call sees (None: pg_catalog's): with them, those of the
    installed extensions whose schema is on the search path; for a name qualified with an
    extension's schema, that schema's only."""
    if schema == "pg_catalog":
        return None
    if schema is not None:
        if schema not in _extension_schemas(ps):
            raise error(f'schema "{schema}" does not exist', "3F000", location)
        return _extension_overloads(ps, name, [schema])
    extra = _extension_overloads(ps, name, search_path(ps.services))
    return [*functions().get(name, ()), *extra] if extra else None


def _extension_schemas(ps: ParseState) -> set[str]:
    found = (extension_schema(ps.services, ext) for ext in known_extensions())
    return {s for s in found if s is not None}


def _extension_overloads(ps: ParseState, name: str, schemas: list[str]) -> list[Function]:
    out: list[Function] = []
    for ext in known_extensions():
        overloads = extension_functions(ext).get(name)
        if overloads and extension_schema(ps.services, ext) in schemas:
            out.extend(overloads)
    return out


def _not_supported(written: str, types: list[int], location: int) -> Exception:
    return error(f"function {func_signature(written, types)} is not supported locally",
                 "0A000", location)


@handles(ast.FuncCall)
def transform_func_call(ps: ParseState, node: ast.FuncCall) -> ir.Expr:
    schema, name, written = _func_name(node)
    loc = node.location
    srf_before = ps.last_srf
    if node.funcformat == CoercionForm.COERCE_SQL_SYNTAX and name in _SQL_SYNTAX_USERS and \
            not node.args:
        return ir.SQLValueFunction(_SQL_SYNTAX_USERS[name], T.NAME, -1, loc)
    if is_window_call(schema, name, node):
        return transform_window_call(ps, node, schema, name, written)
    if is_aggregate(schema, name):
        return transform_aggregate(ps, node, name, written)
    pool = _visible_functions(ps, schema, name, loc)
    if any(isinstance(a, ast.NamedArgExpr) for a in node.args or ()):
        return _named_call(ps, node, name, written, srf_before)
    args = [transform_expr(ps, a) for a in node.args or ()]
    types = [a.type for a in args]
    arg_is_const = len(args) == 1 and isinstance(args[0], ir.Const)
    kind, cand = func_get_detail(name, types, arg_is_const, not node.func_variadic, pool)
    if kind == COERCION:
        from fdwsh.sql.resolve import func_name_as_type
        target = func_name_as_type(name)
        return coerce_type(ps, args[0], target, -1, EXPLICIT, ir.EXPLICIT_CALL, loc)
    if kind == MULTIPLE:
        raise error(f"function {func_signature(written, types)} is not unique", "42725", loc,
                    hint="Could not choose a best candidate function. You might need to add "
                         "explicit type casts.")
    if kind != NORMAL or cand is None:
        if function_exists_in_postgres(name) and not _is_known_overload_name(name):
            raise _not_supported(written, types, loc)
        raise error(f"function {func_signature(written, types)} does not exist", "42883", loc,
                    hint="No function matches the given name and argument types. You might "
                         "need to add explicit type casts.")
    reject_aggregate_syntax(node, written)
    return _build_call(ps, cand, args, types, written, node, srf_before)


#: Defaults of the named-parameter functions fdwsh evaluates (pg_proc.proargdefaults).
_DEFAULTS = {"make_interval": (0, 0, 0, 0, 0, 0, 0.0)}


def _named_call(ps: ParseState, node: ast.FuncCall, name: str, written: str, srf_before: Any
                ) -> ir.Expr:
    """f(a, b => x): arguments put in the declared order, omitted ones defaulted."""
    from fdwsh.sql.resolve import Candidate
    positional = [a for a in node.args if not isinstance(a, ast.NamedArgExpr)]
    named = [a for a in node.args if isinstance(a, ast.NamedArgExpr)]
    values = [transform_expr(ps, a) for a in positional]
    named_values = {a.name: transform_expr(ps, a.arg) for a in named}
    types = [v.type for v in values] + [v.type for v in named_values.values()]
    labels: list[str | None] = [None] * len(values) + list(named_values)
    for fn in functions().get(name, ()):
        if len(fn.argnames) < len(fn.args) or name not in _DEFAULTS:
            continue
        order = dict(zip(fn.argnames, range(len(fn.args))))
        if any(k not in order or order[k] < len(values) for k in named_values):
            continue
        args: list[ir.Expr] = []
        for i, declared in enumerate(fn.args):
            if i < len(values):
                args.append(values[i])
            elif fn.argnames[i] in named_values:
                args.append(named_values[fn.argnames[i]])
            else:
                args.append(ir.Const(declared, _DEFAULTS[name][i]))
        cand = Candidate(fn, fn.args)
        from fdwsh.sql.coerce import can_coerce_types, IMPLICIT
        if can_coerce_types([a.type for a in args], list(fn.args), IMPLICIT):
            return _build_call(ps, cand, args, [a.type for a in args], written, node,
                               srf_before)
    raise error(f"function {func_signature(written, types, labels)} does not exist", "42883",
                node.location, hint="No function matches the given name and argument types. "
                                    "You might need to add explicit type casts.")


def _is_known_overload_name(name: str) -> bool:
    return name in functions()


def _build_call(ps: ParseState, cand, args: list[ir.Expr], types: list[int], written: str,
                node: ast.FuncCall, srf_before: Any) -> ir.Expr:
    fn = cand.target
    if ps.resolved_calls is not None:
        ps.resolved_calls[node.location] = fn.volatility
    from fdwsh.exec.functions import is_implemented

    if fn.retset:
        _check_srf_placement(ps, node.location, srf_before)
    if not is_implemented(fn):
        raise _not_supported(written, types, node.location)
    declared, rettype = enforce_generic_type_consistency(types, list(cand.args), fn.result)
    coerced = list(make_fn_arguments(ps, args, declared))
    variadic = bool(node.func_variadic)
    if cand.nvargs and fn.variadic != T.ANY:
        head, tail = coerced[:-cand.nvargs], coerced[-cand.nvargs:]
        elem = declared[-1]
        packed = ir.ArrayExpr(elem, tuple(tail), array_type(elem))
        coerced = [*head, packed]
        variadic = True
    call = ir.FuncExpr(fn, tuple(coerced), rettype, -1, ir.EXPLICIT_CALL, variadic,
                       node.location)
    if fn.retset:
        ps.last_srf = call
    return call


#: Where a set-returning function may be called (check_srf_call_placement()): the select list
#: and ORDER BY (evaluated as a ProjectSet), and the top level of a FROM item.
_SRF_ALLOWED = frozenset({"SELECT", "ORDER BY"})


def _check_srf_placement(ps: ParseState, location: int, srf_before: Any) -> None:
    kind = ps.expr_kind
    if kind == "FROM function":
        if ps.last_srf is not srf_before:  # an SRF among the arguments
            raise error("set-returning functions must appear at top level of FROM", "0A000",
                        ir.expr_location(ps.last_srf))
    elif kind not in _SRF_ALLOWED:
        raise error(f"set-returning functions are not allowed in {kind}", "0A000", location)


def forbid_srf(ps: ParseState, srf_before: Any, construct: str) -> None:
    """A construct evaluated lazily (CASE, COALESCE) may not contain a set-returning call."""
    if ps.last_srf is not srf_before:
        raise error(f"set-returning functions are not allowed in {construct}", "0A000",
                    ir.expr_location(ps.last_srf),
                    hint="You might be able to move the set-returning function into a LATERAL "
                         "FROM item.")


# ---------------------------------------------------------------------------------------------
# CASE, COALESCE, GREATEST/LEAST, NULLIF-like constructs


@handles(ast.CaseExpr)
def transform_case(ps: ParseState, node: ast.CaseExpr) -> ir.Expr:
    srf_before = ps.last_srf
    arg = transform_expr(ps, node.arg) if node.arg is not None else None
    placeholder = None
    if arg is not None:
        if arg.type == T.UNKNOWN:
            arg = coerce_to_common_type(ps, arg, T.TEXT, "CASE")
        placeholder = ir.CaseTestExpr(arg.type, arg.typmod)
    whens: list[tuple[ir.Expr, ir.Expr, int]] = []
    for w in node.args:
        if placeholder is not None:
            cond = make_op(ps, "=", placeholder, transform_expr(ps, w.expr), w.location)
        else:
            cond = transform_expr(ps, w.expr)
        cond = coerce_to_boolean(ps, cond, "CASE/WHEN")
        whens.append((cond, transform_expr(ps, w.result), w.location))
    default_node = node.defresult if node.defresult is not None else ast.A_Const(isnull=True)
    default = transform_expr(ps, default_node)
    if node.defresult is None:
        default = ir.Const(default.type, None, -1, -1)
    results = [default, *(r for _, r, _ in whens)]
    ptype = select_common_type(results, "CASE")
    typmod = select_common_typmod(results, ptype)
    default = coerce_to_common_type(ps, default, ptype, "CASE")
    out = tuple(ir.CaseWhen(c, coerce_to_common_type(ps, r, ptype, "CASE"), loc)
                for c, r, loc in whens)
    forbid_srf(ps, srf_before, "CASE")
    return ir.CaseExpr(ptype, arg, out, default, typmod, node.location)


@handles(ast.CoalesceExpr)
def transform_coalesce(ps: ParseState, node: ast.CoalesceExpr) -> ir.Expr:
    srf_before = ps.last_srf
    args = [transform_expr(ps, a) for a in node.args]
    forbid_srf(ps, srf_before, "COALESCE")
    ptype = select_common_type(args, "COALESCE")
    typmod = select_common_typmod(args, ptype)
    coerced = tuple(coerce_to_common_type(ps, a, ptype, "COALESCE") for a in args)
    return ir.CoalesceExpr(ptype, coerced, typmod, node.location)


@handles(ast.MinMaxExpr)
def transform_min_max(ps: ParseState, node: ast.MinMaxExpr) -> ir.Expr:
    which = "greatest" if node.op == MinMaxOp.IS_GREATEST else "least"
    args = [transform_expr(ps, a) for a in node.args]
    ptype = select_common_type(args, which.upper())
    typmod = select_common_typmod(args, ptype)
    coerced = tuple(coerce_to_common_type(ps, a, ptype, which.upper()) for a in args)
    from fdwsh.sql.pgproc import operator
    cmp = operator("<", ptype, ptype)
    if cmp is None:
        raise error(f"could not identify a comparison function for type {format_type(ptype)}",
                    "42883")
    return ir.MinMaxExpr(which, ptype, coerced, cmp, typmod, node.location)


# ---------------------------------------------------------------------------------------------
# arrays


@handles(ast.A_ArrayExpr)
def _array_handler(ps: ParseState, node: ast.A_ArrayExpr) -> ir.Expr:
    return transform_array_expr(ps, node, 0, 0, -1)


def transform_array_expr(ps: ParseState, node: ast.A_ArrayExpr, atype: int, etype: int,
                         typmod: int) -> ir.Expr:
    """transformArrayExpr(): with a target array type (from a cast) elements are cast to it."""
    multidims = False
    elems: list[ir.Expr] = []
    for e in node.elements or ():
        if isinstance(e, ast.A_ArrayExpr):
            elems.append(transform_array_expr(ps, e, atype, etype, typmod))
            multidims = True
        else:
            new = transform_expr(ps, e)
            multidims = multidims or bool(element_type(new.type))
            elems.append(new)
    hard = bool(atype)
    if atype:
        target = atype if multidims else etype
    else:
        if not elems:
            raise error("cannot determine type of empty array", "42P18", node.location,
                        hint="Explicitly cast to the desired type, for example "
                             "ARRAY[]::integer[].")
        target = select_common_type(elems, "ARRAY")
        if multidims:
            atype, etype = target, element_type(target)
        else:
            etype, atype = target, array_type(target)
            if not atype:
                raise error(f"could not find array type for data type {format_type(etype)}",
                            "42704", node.location)
    out = []
    for e in elems:
        if hard:
            new = coerce_to_target_type(ps, e, target, typmod, EXPLICIT, ir.EXPLICIT_CAST, -1)
            if new is None:
                raise error(f"cannot cast type {format_type(e.type)} to {format_type(target)}",
                            "42846", ir.expr_location(e))
        else:
            new = coerce_to_common_type(ps, e, target, "ARRAY")
        out.append(new)
    return ir.ArrayExpr(etype, tuple(out), atype, multidims, -1, node.location)


@handles(ast.A_Indirection)
def transform_indirection(ps: ParseState, node: ast.A_Indirection) -> ir.Expr:
    base = transform_expr(ps, node.arg)
    subscripts = [i for i in node.indirection if isinstance(i, ast.A_Indices)]
    if len(subscripts) != len(node.indirection):
        raise error("field selection is not supported locally", "0A000", ir.expr_location(base))
    if base.type == T.UNKNOWN:
        base = coerce_to_common_type(ps, base, T.TEXT, "subscript")
    elem = element_type(base.type)
    if not elem:
        raise error(f"cannot subscript type {format_type(base.type)} because it does not "
                    "support subscripting", "42804", ir.expr_location(base))
    is_slice = any(s.is_slice for s in subscripts)
    upper = tuple(_subscript(ps, s.uidx) for s in subscripts)
    lower = tuple(_subscript(ps, s.lidx) for s in subscripts) if is_slice else None
    if not is_slice and not all(u is not None for u in upper):
        raise error("array subscript must have type integer", "42804")
    rtype = base.type if is_slice else elem
    return ir.SubscriptingRef(base, upper, lower, rtype, base.typmod)


def _subscript(ps: ParseState, node: ast.Node | None) -> ir.Expr | None:
    if node is None:
        return None
    expr = transform_expr(ps, node)
    new = coerce_to_target_type(ps, expr, T.INT4, -1, "a", ir.IMPLICIT_CAST, -1)
    if new is None:
        raise error("array subscript must have type integer", "42804", ir.expr_location(expr))
    return new


