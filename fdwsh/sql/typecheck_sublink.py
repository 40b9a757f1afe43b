"""Sub-SELECTs in expressions (transformSubLink) for queries fdwsh evaluates itself.

The sub-query is analysed now, in its own scope that sees the enclosing levels' columns
(``ParseState.subquery``, the Analyzer's): it comes back as a compiled
:class:`~fdwsh.sql.ir.SubPlan` whose ``args`` are the outer values it reads.  Without any it
runs at most once, when evaluation first needs it (an initplan); with some, whenever they
change (:mod:`fdwsh.exec.sublink`).
"""

from __future__ import annotations

from pglast import ast
from pglast.enums import SubLinkType

from fdwsh.sql import ir
from fdwsh.sql import oids as T
from fdwsh.sql.coerce import IMPLICIT, array_type, coerce_type
from fdwsh.sql.pstate import ParseState, error
from fdwsh.sql.resolve import oper
from fdwsh.sql.typecheck import handles, transform_expr

_KINDS = {SubLinkType.EXPR_SUBLINK: "expr", SubLinkType.EXISTS_SUBLINK: "exists",
          SubLinkType.ANY_SUBLINK: "any", SubLinkType.ALL_SUBLINK: "all",
          SubLinkType.ARRAY_SUBLINK: "array"}


@handles(ast.SubLink)
def transform_sublink(ps: ParseState, node: ast.SubLink) -> ir.Expr:
    kind = _KINDS.get(node.subLinkType)
    if kind is None or ps.subquery is None:
        raise error("this kind of subquery is not supported locally", "0A000", node.location)
    columns, rows = ps.subquery(node.subselect)
    args = tuple(getattr(rows, "args", ()))
    if kind == "exists":
        return ir.SubLink(kind, rows, T.BOOL, location=node.location, args=args)
    if len(columns) != 1:
        raise error("subquery must return only one column" if kind != "any" and kind != "all"
                    else "subquery has too many columns", "42601", node.location)
    _, ctype, ctypmod = columns[0]
    if kind == "expr":
        return ir.SubLink(kind, rows, ctype, typmod=ctypmod, location=node.location,
                          args=args)
    if kind == "array":
        atype = array_type(ctype)
        if not atype:
            raise error(f"could not find array type for data type {ctype}", "42704",
                        node.location)
        return ir.SubLink(kind, rows, atype, location=node.location, args=args)
    left = transform_expr(ps, node.testexpr)
    name = node.operName[-1].sval if node.operName else "="
    op = oper(name, left.type, ctype, node.location)
    if op.result != T.BOOL:
        raise error(f"operator {name} must return type boolean, not type {op.result}",
                    "42804", node.location)
    if left.type != op.left:
        left = coerce_type(ps, left, op.left, -1, IMPLICIT, ir.IMPLICIT_CAST, -1)
    convert: ir.Expr = ir.CaseTestExpr(ctype, ctypmod)
    if ctype != op.right:
        convert = coerce_type(ps, convert, op.right, -1, IMPLICIT, ir.IMPLICIT_CAST, -1)
    return ir.SubLink(kind, rows, T.BOOL, left, op, convert, location=node.location,
                      args=args)
