"""Operator expressions (``A_Expr``) → IR: parse_expr.c's transformAExpr* and parse_oper.c's
make_op / make_scalar_array_op.

Covers plain operators, ``op ANY/ALL (array)``, IS [NOT] DISTINCT FROM, NULLIF, IN lists (a
ScalarArrayOpExpr when the list unifies, else an OR/AND of comparisons, as PostgreSQL
decides), LIKE/ILIKE/SIMILAR TO (already operators in the raw tree) and the BETWEEN family
(rewritten into comparisons the way the PostgreSQL 15 parser does).
"""

from __future__ import annotations

from pglast import ast
from pglast.enums import A_Expr_Kind as K

from fdwsh.pgtypes import format_type
from fdwsh.sql import ir
from fdwsh.sql import oids as T
from fdwsh.sql.coerce import (IMPLICIT, array_type, coerce_to_boolean, coerce_to_common_type,
                              coerce_type, element_type, select_common_type,
                              verify_common_type)
from fdwsh.sql.pgproc import Operator
from fdwsh.sql.polymorphic import enforce_generic_type_consistency
from fdwsh.sql.pstate import ParseState, error
from fdwsh.sql.resolve import left_oper, oper
from fdwsh.sql.typecheck import handles, transform_expr


def _name(node: ast.A_Expr) -> str:
    names = [n.sval for n in node.name]
    if len(names) == 2 and names[0] == "pg_catalog":
        return names[1]
    if len(names) > 1:
        raise error(f"schema \"{names[0]}\" does not exist", "3F000", node.location)
    return names[0]


def make_fn_arguments(ps: ParseState, args: list[ir.Expr], declared: list[int]
                      ) -> tuple[ir.Expr, ...]:
    """make_fn_arguments(): coerce each argument to its declared type (implicitly)."""
    out = []
    for arg, decl in zip(args, declared):
        if arg.type != decl:
            arg = coerce_type(ps, arg, decl, -1, IMPLICIT, ir.IMPLICIT_CAST, -1)
        out.append(arg)
    return tuple(out)


def make_op(ps: ParseState, name: str, left: ir.Expr | None, right: ir.Expr,
            location: int) -> ir.OpExpr:
    """make_op(): resolve ``name`` for the operand types and coerce the operands."""
    if left is None:
        op = left_oper(name, right.type, location)
        actual, declared = [right.type], [op.right]
        args = [right]
    else:
        op = oper(name, left.type, right.type, location)
        actual, declared = [left.type, right.type], [op.left, op.right]
        args = [left, right]
    declared, rettype = enforce_generic_type_consistency(actual, declared, op.result)
    return ir.OpExpr(op, make_fn_arguments(ps, args, declared), rettype, -1, location)


def make_scalar_array_op(ps: ParseState, name: str, use_or: bool, left: ir.Expr,
                         right: ir.Expr, location: int) -> ir.ScalarArrayOpExpr:
    """make_scalar_array_op(): ``left name ANY|ALL (right)``."""
    atype = right.type
    if atype == T.UNKNOWN:
        rtype = T.UNKNOWN
    else:
        rtype = element_type(atype)
        if not rtype:
            raise error("op ANY/ALL (array) requires array on right side", "42809", location)
    op = oper(name, left.type, rtype, location)
    declared, rettype = enforce_generic_type_consistency(
        [left.type, rtype], [op.left, op.right], op.result)
    if rettype != T.BOOL:
        raise error("op ANY/ALL (array) requires operator to yield boolean", "42809", location)
    if declared[1] in T.POLYMORPHIC:
        res_atype = atype
    else:
        res_atype = array_type(declared[1])
        if not res_atype:
            raise error(f"could not find array type for data type {format_type(declared[1])}",
                        "42704", location)
    args = make_fn_arguments(ps, [left, right], [declared[0], res_atype])
    return ir.ScalarArrayOpExpr(op, use_or, (args[0], args[1]), location=location)


@handles(ast.A_Expr)
def transform_a_expr(ps: ParseState, node: ast.A_Expr) -> ir.Expr:
    kind = node.kind
    if kind in (K.AEXPR_OP, K.AEXPR_LIKE, K.AEXPR_ILIKE, K.AEXPR_SIMILAR):
        return _transform_op(ps, node)
    if kind in (K.AEXPR_OP_ANY, K.AEXPR_OP_ALL):
        left = transform_expr(ps, node.lexpr)
        right = transform_expr(ps, node.rexpr)
        return make_scalar_array_op(ps, _name(node), kind == K.AEXPR_OP_ANY, left, right,
                                    node.location)
    if kind in (K.AEXPR_DISTINCT, K.AEXPR_NOT_DISTINCT):
        return _transform_distinct(ps, node)
    if kind == K.AEXPR_NULLIF:
        return _transform_nullif(ps, node)
    if kind == K.AEXPR_IN:
        return _transform_in(ps, node)
    return _transform_between(ps, node)


def _transform_op(ps: ParseState, node: ast.A_Expr) -> ir.Expr:
    name = _name(node)
    if node.lexpr is None:
        right = transform_expr(ps, node.rexpr)
        return make_op(ps, name, None, right, node.location)
    left = transform_expr(ps, node.lexpr)
    right = transform_expr(ps, node.rexpr)
    return make_op(ps, name, left, right, node.location)


def _equality(ps: ParseState, node: ast.A_Expr, what: str) -> ir.OpExpr:
    left = transform_expr(ps, node.lexpr)
    right = transform_expr(ps, node.rexpr)
    result = make_op(ps, "=", left, right, node.location)
    if result.type != T.BOOL:
        raise error(f"{what} requires = operator to yield boolean", "42804", node.location)
    return result


def _transform_distinct(ps: ParseState, node: ast.A_Expr) -> ir.Expr:
    eq = _equality(ps, node, "IS DISTINCT FROM")
    distinct = ir.DistinctExpr(eq.op, eq.args, location=node.location)
    if node.kind == K.AEXPR_NOT_DISTINCT:
        return ir.BoolExpr("not", (distinct,), location=node.location)
    return distinct


def _transform_nullif(ps: ParseState, node: ast.A_Expr) -> ir.Expr:
    eq = _equality(ps, node, "NULLIF")
    first = eq.args[0]
    return ir.NullIfExpr(eq.op, eq.args, first.type, first.typmod, node.location)


def _transform_in(ps: ParseState, node: ast.A_Expr) -> ir.Expr:
    """transformAExprIn()."""
    use_or = _name(node) != "<>"
    left = transform_expr(ps, node.lexpr)
    rights = [transform_expr(ps, r) for r in node.rexpr]
    nonvars = [r for r in rights if not _contains_var(r)]
    rest = rights
    result: ir.Expr | None = None
    if len(nonvars) > 1:
        everything = [left, *nonvars]
        scalar = select_common_type(everything, None)
        if scalar and not verify_common_type(scalar, everything):
            scalar = 0
        atype = array_type(scalar) if scalar and scalar != T.RECORD else 0
        if atype:
            elements = tuple(coerce_to_common_type(ps, r, scalar, "IN") for r in nonvars)
            array = ir.ArrayExpr(scalar, elements, atype)
            result = make_scalar_array_op(ps, _name(node), use_or, left, array, node.location)
            rest = [r for r in rights if _contains_var(r)]
    for right in rest:
        cmp = coerce_to_boolean(ps, make_op(ps, _name(node), left, right, node.location), "IN")
        result = cmp if result is None else ir.BoolExpr(
            "or" if use_or else "and", (result, cmp), location=node.location)
    assert result is not None
    return result


def _contains_var(expr: ir.Expr) -> bool:
    if isinstance(expr, ir.Var):
        return True
    return any(_contains_var(c) for c in expr.children())


def _transform_between(ps: ParseState, node: ast.A_Expr) -> ir.Expr:
    """transformAExprBetween(): rewrite into comparisons, as the PostgreSQL 15 parser does."""
    kind, loc = node.kind, node.location
    low, high = node.rexpr
    a = node.lexpr

    def cmp(op: str, x: ast.Node, y: ast.Node) -> ast.A_Expr:
        # the raw operands are shared, not copied (PostgreSQL copies because its
        # transformation scribbles on them; ours does not, and copies would lose the
        # constants' locations)
        return ast.A_Expr(kind=K.AEXPR_OP, name=(ast.String(op),), lexpr=x, rexpr=y,
                          location=loc)

    def both(op: str, *args: ast.Node) -> ast.BoolExpr:
        from pglast.enums import BoolExprType
        boolop = BoolExprType.AND_EXPR if op == "and" else BoolExprType.OR_EXPR
        return ast.BoolExpr(boolop=boolop, args=args, location=loc)

    if kind == K.AEXPR_BETWEEN:
        tree = both("and", cmp(">=", a, low), cmp("<=", a, high))
    elif kind == K.AEXPR_NOT_BETWEEN:
        tree = both("or", cmp("<", a, low), cmp(">", a, high))
    elif kind == K.AEXPR_BETWEEN_SYM:
        tree = both("or", both("and", cmp(">=", a, low), cmp("<=", a, high)),
                    both("and", cmp(">=", a, high), cmp("<=", a, low)))
    else:
        tree = both("and", both("or", cmp("<", a, low), cmp(">", a, high)),
                    both("or", cmp("<", a, high), cmp(">", a, low)))
    return transform_expr(ps, tree)


def operator_for(name: str, left: int, right: int) -> Operator:
    """The operator ``name`` resolves to for two known types (sorting, GREATEST, DISTINCT)."""
    return oper(name, left, right, -1)
