"""Type coercion of IR expressions: PostgreSQL 15's parse_coerce.c.

- :func:`find_coercion_pathway`: how a value of one type becomes another in a context
  (implicit ``i``, assignment ``a``, explicit ``e``): a cast function, a relabel (binary
  compatible), I/O conversion, an element-wise array cast, or nothing.
- :func:`coerce_type` builds the node for that (unknown literals are read with the target
  type's input function right away, errors pointing at the literal); :func:`coerce_to_target_type`
  adds the typmod step; :func:`can_coerce_types` is the test resolution runs over candidates.
- :func:`select_common_type` / :func:`coerce_to_common_type` unify CASE, VALUES, IN, UNION ...
"""

from __future__ import annotations

from functools import cache

from fdwsh.exec import values
from fdwsh.pgtypes import PgType, format_type, lookup_type, type_by_oid
from fdwsh.pgtypes_data import BUILTIN_CASTS
from fdwsh.sql import ir
from fdwsh.sql import oids as T
from fdwsh.sql.pgproc import Function, cast_functions
from fdwsh.sql.polymorphic import check_generic_type_consistency
from fdwsh.sql.pstate import ParseState, error

IMPLICIT, ASSIGNMENT, EXPLICIT = "i", "a", "e"
_RANK = {IMPLICIT: 0, ASSIGNMENT: 1, EXPLICIT: 2}
PATH_NONE, PATH_FUNC, PATH_RELABEL, PATH_ARRAY, PATH_IO = "none", "func", "relabel", "array", "io"


@cache
def _casts() -> dict[tuple[int, int], tuple[str, str]]:
    """pg_cast: (source, target) → (context, method)."""
    out: dict[tuple[int, int], tuple[str, str]] = {}
    for line in BUILTIN_CASTS.strip().splitlines():
        source, _, targets = line.partition(" = ")
        src = lookup_type(source)
        for item in targets.split():
            target, _, how = item.partition(":")
            dst = lookup_type(target)
            assert src is not None and dst is not None
            out[(src.oid, dst.oid)] = (how[0], how[1])
    return out


def category(oid: int) -> str:
    t = type_by_oid(oid)
    return t.category if t is not None else "X"


def is_preferred(oid: int) -> bool:
    t = type_by_oid(oid)
    return bool(t and t.preferred)


def _type(oid: int) -> PgType:
    t = type_by_oid(oid)
    assert t is not None, oid
    return t


def array_type(oid: int) -> int:
    """get_array_type(): the array type of ``oid`` (0: none)."""
    t = type_by_oid(oid)
    return t.array_oid if t is not None else 0


def element_type(oid: int) -> int:
    """get_element_type(): the element type of an array type (0: not an array)."""
    t = type_by_oid(oid)
    return t.elem_oid if t is not None and t.is_array else 0


def find_coercion_pathway(target: int, source: int, context: str) -> tuple[str, Function | None]:
    """find_coercion_pathway(): (path kind, cast function for PATH_FUNC)."""
    if source == target:
        return PATH_RELABEL, None
    entry = _casts().get((source, target))
    if entry is not None:
        cast_context, method = entry
        if _RANK[context] < _RANK[cast_context]:
            return PATH_NONE, None
        if method == "f":
            return PATH_FUNC, cast_functions()[(source, target)]
        return (PATH_RELABEL if method == "b" else PATH_IO), None
    src, dst = type_by_oid(source), type_by_oid(target)
    if src is None or dst is None:
        return PATH_NONE, None
    if dst.is_array and src.is_array and dst.name not in ("oidvector", "int2vector"):
        elem_path, _ = find_coercion_pathway(dst.elem_oid, src.elem_oid, context)
        if elem_path != PATH_NONE:
            return PATH_ARRAY, None
    if _RANK[context] >= 1 and dst.category == "S":
        return PATH_IO, None
    if _RANK[context] >= 2 and src.category == "S":
        return PATH_IO, None
    return PATH_NONE, None


def can_coerce_types(inputs: list[int], targets: list[int], context: str) -> bool:
    """can_coerce_type(): every input converts to its target; polymorphic targets agree."""
    have_generics = False
    for source, target in zip(inputs, targets):
        if source == target or target == T.ANY:
            continue
        if target in T.POLYMORPHIC:
            have_generics = True
            continue
        if source == T.UNKNOWN:
            continue
        if find_coercion_pathway(target, source, context)[0] != PATH_NONE:
            continue
        return False
    return not have_generics or check_generic_type_consistency(inputs, targets)


def coerce_type(ps: ParseState, node: ir.Expr, target: int, typmod: int, context: str,
                cformat: str, location: int) -> ir.Expr:
    """coerce_type(): ``node`` converted to ``target`` (the caller checked it is possible)."""
    source = node.type
    if source == target or target == T.ANY or target in (
            T.ANYELEMENT, T.ANYNONARRAY, T.ANYCOMPATIBLE, T.ANYCOMPATIBLENONARRAY):
        return node
    if target in T.POLYMORPHIC and source != T.UNKNOWN:
        return node
    if source == T.UNKNOWN and isinstance(node, ir.Const):
        return _coerce_unknown_const(ps, node, target, typmod)
    if isinstance(node, ir.CollateExpr):
        # push the coercion under the COLLATE (dropping it for a non-collatable target), so
        # that an unknown literal below is still read as a constant
        inner = coerce_type(ps, node.arg, target, typmod, context, cformat, location)
        if not _type(target).collatable:
            return inner
        return ir.CollateExpr(inner, node.collation, target, inner.typmod, node.location)
    path, func = find_coercion_pathway(target, source, context)
    if path == PATH_NONE:
        raise error(f"failed to find conversion function from {format_type(source)} to "
                    f"{format_type(target)}", "XX000")
    return _build_coercion(ps, node, path, func, target, -1, context, cformat, location)


def _coerce_unknown_const(ps: ParseState, node: ir.Const, target: int, typmod: int) -> ir.Const:
    """An unknown literal becomes a constant of ``target`` now (as stringTypeDatum())."""
    input_typmod = typmod if target == T.INTERVAL else -1
    if node.value is None:
        return ir.Const(target, None, input_typmod, node.location)
    try:
        value = values.parse_input(target, node.value, input_typmod, ps.settings)
    except Exception as exc:
        if hasattr(exc, "position") and getattr(exc, "position", None) is None:
            exc.position = node.location + 1 if node.location >= 0 else None
        raise
    if ps.typed_literals is not None and node.location >= 0:
        ps.typed_literals[node.location] = (target, value)
    return ir.Const(target, value, input_typmod, node.location)


def _build_coercion(ps: ParseState, node: ir.Expr, path: str, func: Function | None,
                    target: int, typmod: int, context: str, cformat: str,
                    location: int) -> ir.Expr:
    """build_coercion_expression()."""
    if path == PATH_FUNC:
        assert func is not None
        args: list[ir.Expr] = [node]
        if len(func.args) >= 2:
            args.append(ir.Const(T.INT4, typmod))
        if len(func.args) >= 3:
            args.append(ir.Const(T.BOOL, context == EXPLICIT))
        return ir.FuncExpr(func, tuple(args), target, typmod if len(func.args) >= 2 else -1,
                           cformat, False, location)
    if path == PATH_RELABEL:
        if isinstance(node, ir.Const):
            return ir.Const(target, node.value, typmod, node.location)
        return ir.RelabelType(node, target, typmod, cformat, location)
    if path == PATH_IO:
        return ir.CoerceViaIO(node, target, typmod, cformat, location)
    if path == PATH_ARRAY:
        src_elem, dst_elem = element_type(node.type), element_type(target)
        placeholder = ir.CaseTestExpr(src_elem, -1)
        elem = coerce_to_target_type(ps, placeholder, dst_elem, typmod, context, cformat, -1)
        assert elem is not None
        return ir.ArrayCoerceExpr(node, elem, target, typmod, cformat, location)
    raise AssertionError(path)


def _typmod_function(target: int) -> tuple[str, Function | None]:
    """find_typmod_coercion_function(): the type's length-coercion cast, if it has one."""
    t = _type(target)
    if t.is_array:
        path, func = _typmod_function(t.elem_oid)
        return (PATH_ARRAY if path != PATH_NONE else PATH_NONE), None
    entry = _casts().get((target, target))
    if entry is None or entry[1] != "f":
        return PATH_NONE, None
    return PATH_FUNC, cast_functions()[(target, target)]


def coerce_type_typmod(ps: ParseState, node: ir.Expr, target: int, typmod: int, context: str,
                       cformat: str, location: int) -> ir.Expr:
    """coerce_type_typmod(): apply the typmod (length coercion) when it differs."""
    if typmod == node.typmod:
        return node
    path, func = (PATH_NONE, None) if typmod < 0 else _typmod_function(target)
    if path == PATH_NONE:
        if isinstance(node, ir.Const):
            return ir.Const(target, node.value, typmod, node.location)
        return ir.RelabelType(node, target, typmod, cformat, location)
    if path == PATH_ARRAY:
        src_elem = element_type(target)
        placeholder = ir.CaseTestExpr(src_elem, -1)
        elem = coerce_type_typmod(ps, placeholder, src_elem, typmod, context, cformat, -1)
        return ir.ArrayCoerceExpr(node, elem, target, typmod, cformat, location)
    return _build_coercion(ps, node, path, func, target, typmod, context, cformat, location)


def coerce_to_target_type(ps: ParseState, node: ir.Expr, target: int, typmod: int,
                          context: str, cformat: str, location: int) -> ir.Expr | None:
    """coerce_to_target_type(): None when there is no conversion in ``context``."""
    if not can_coerce_types([node.type], [target], context):
        return None
    result = coerce_type(ps, node, target, typmod, context, cformat, location)
    return coerce_type_typmod(ps, result, target, typmod, context, cformat, location)


def coerce_to_specific_type(ps: ParseState, node: ir.Expr, target: int,
                            construct: str) -> ir.Expr:
    """coerce_to_specific_type(): e.g. ``argument of WHERE must be type boolean, not ...``."""
    if node.type == target:
        return node
    result = coerce_to_target_type(ps, node, target, -1, ASSIGNMENT, ir.IMPLICIT_CAST, -1)
    if result is None:
        raise error(f"argument of {construct} must be type {format_type(target)}, not type "
                    f"{format_type(node.type)}", "42804", ir.expr_location(node))
    return result


def coerce_to_boolean(ps: ParseState, node: ir.Expr, construct: str) -> ir.Expr:
    return coerce_to_specific_type(ps, node, T.BOOL, construct)


def select_common_type(exprs: list[ir.Expr], context: str | None) -> int:
    """select_common_type(): the type CASE/VALUES/UNION ... resolve their inputs to
    (0 when ``context`` is None and there is none)."""
    first = exprs[0]
    ptype = first.type
    rest = exprs[1:]
    if ptype != T.UNKNOWN and all(e.type == ptype for e in rest):
        return ptype
    index = next((i for i, e in enumerate(rest) if e.type != ptype), len(rest))
    pcat, ppref = category(ptype), is_preferred(ptype)
    for expr in rest[index:]:
        ntype = expr.type
        if ntype == T.UNKNOWN or ntype == ptype:
            continue
        ncat, npref = category(ntype), is_preferred(ntype)
        if ptype == T.UNKNOWN:
            ptype, pcat, ppref = ntype, ncat, npref
        elif ncat != pcat:
            if context is None:
                return 0
            raise error(f"{context} types {format_type(ptype)} and {format_type(ntype)} "
                        "cannot be matched", "42804", ir.expr_location(expr))
        elif not ppref and can_coerce_types([ptype], [ntype], IMPLICIT) and \
                not can_coerce_types([ntype], [ptype], IMPLICIT):
            ptype, pcat, ppref = ntype, ncat, npref
    return T.TEXT if ptype == T.UNKNOWN else ptype


def select_common_typmod(exprs: list[ir.Expr], common: int) -> int:
    """select_common_typmod(): the shared typmod when every input has ``common`` type."""
    result = -1
    for i, expr in enumerate(exprs):
        if expr.type != common:
            return -1
        if i == 0:
            result = expr.typmod
        elif expr.typmod != result:
            return -1
    return result


def coerce_to_common_type(ps: ParseState, node: ir.Expr, target: int, context: str
                          ) -> ir.Expr:
    """coerce_to_common_type(): ``node`` as ``target`` or ``X could not convert ...``."""
    if node.type == target:
        return node
    if can_coerce_types([node.type], [target], IMPLICIT):
        return coerce_type(ps, node, target, -1, IMPLICIT, ir.IMPLICIT_CAST, -1)
    raise error(f"{context} could not convert type {format_type(node.type)} to "
                f"{format_type(target)}", "42846", ir.expr_location(node))


def verify_common_type(common: int, exprs: list[ir.Expr]) -> bool:
    return all(can_coerce_types([e.type], [common], IMPLICIT) for e in exprs)


def typmod_cast_function(target: int) -> Function | None:
    """The length-coercion function of ``target`` (numeric(numeric, int4) ...), if any."""
    path, func = _typmod_function(target)
    return func if path == PATH_FUNC else None

