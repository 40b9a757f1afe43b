"""Polymorphic argument and result types (parse_coerce.c, PostgreSQL 15).

:func:`check_generic_type_consistency` tells whether actual argument types fit a candidate's
polymorphic declaration (every ``anyelement`` the same type, ``anyarray`` its array, the
``anycompatible`` family unifiable); :func:`enforce_generic_type_consistency` replaces the
polymorphic declared types (and the result type) by the actual ones.  Range and enum
polymorphism is not modelled (fdwsh has no range or enum values), so such candidates never
match.
"""

from __future__ import annotations

from dataclasses import dataclass

from fdwsh.pgtypes import format_type, type_by_oid
from fdwsh.sql import oids as T
from fdwsh.sql.pstate import error

_ELEMENT_FAMILY = (T.ANYELEMENT, T.ANYNONARRAY, T.ANYENUM)
_COMPATIBLE = (T.ANYCOMPATIBLE, T.ANYCOMPATIBLENONARRAY)
_RANGES = (T.ANYRANGE, T.ANYMULTIRANGE, T.ANYCOMPATIBLERANGE, T.ANYCOMPATIBLEMULTIRANGE)


def _elem(oid: int) -> int:
    t = type_by_oid(oid)
    return t.elem_oid if t is not None and t.is_array else 0


def _array(oid: int) -> int:
    t = type_by_oid(oid)
    return t.array_oid if t is not None else 0


@dataclass(slots=True)
class _Found:
    elem: int = 0
    array: int = 0
    compatible: list[int] | None = None
    ok: bool = True


def _collect(actual: list[int], declared: list[int]) -> _Found:
    found = _Found(compatible=[])
    assert found.compatible is not None
    for act, decl in zip(actual, declared):
        if decl not in T.POLYMORPHIC or act == T.UNKNOWN:
            continue
        if decl in _ELEMENT_FAMILY:
            if found.elem and act != found.elem:
                found.ok = False
            found.elem = act
        elif decl == T.ANYARRAY:
            if found.array and act != found.array:
                found.ok = False
            found.array = act
        elif decl in _COMPATIBLE:
            found.compatible.append(act)
        elif decl == T.ANYCOMPATIBLEARRAY:
            elem = _elem(act)
            if not elem:
                found.ok = False
            found.compatible.append(elem)
        else:  # ranges / multiranges
            found.ok = False
    return found


def common_type_of(types: list[int]) -> int:
    """select_common_type_from_oids(noerror): the unified type of ``types`` (0: none)."""
    from fdwsh.sql.coerce import IMPLICIT, can_coerce_types, category, is_preferred

    ptype = types[0]
    for ntype in types[1:]:
        if ntype == ptype or ntype == T.UNKNOWN:
            continue
        if ptype == T.UNKNOWN:
            ptype = ntype
        elif category(ntype) != category(ptype):
            return 0
        elif not is_preferred(ptype) and can_coerce_types([ptype], [ntype], IMPLICIT) and \
                not can_coerce_types([ntype], [ptype], IMPLICIT):
            ptype = ntype
    return T.TEXT if ptype == T.UNKNOWN else ptype


def check_generic_type_consistency(actual: list[int], declared: list[int]) -> bool:
    found = _collect(actual, declared)
    if not found.ok:
        return False
    if found.array:
        array_elem = _elem(found.array)
        if not array_elem or (found.elem and array_elem != found.elem):
            return False
        found.elem = array_elem
    if found.elem and _elem(found.elem) and T.ANYNONARRAY in declared:
        return False
    if found.elem and T.ANYENUM in declared:
        return False
    if found.compatible:
        common = common_type_of(found.compatible)
        if not common:
            return False
        if T.ANYCOMPATIBLENONARRAY in declared and _elem(common):
            return False
    return True


def enforce_generic_type_consistency(actual: list[int], declared: list[int], rettype: int
                                     ) -> tuple[list[int], int]:
    """The declared types with polymorphic ones replaced, and the resolved result type."""
    if not any(d in T.POLYMORPHIC for d in declared) and rettype not in T.POLYMORPHIC:
        return declared, rettype
    found = _collect(actual, declared)
    elem, array = found.elem, found.array
    if array and not elem:
        elem = _elem(array)
    has_element_family = any(d in _ELEMENT_FAMILY or d == T.ANYARRAY for d in declared)
    if has_element_family and not elem:
        raise error("could not determine polymorphic type because input has type unknown",
                    "42804")
    if elem and not array:
        array = _array(elem)
    compatible = common_type_of(found.compatible) if found.compatible else 0
    if not compatible and any(d in _COMPATIBLE or d == T.ANYCOMPATIBLEARRAY for d in declared):
        compatible = T.TEXT  # every anycompatible input was an unknown literal

    def resolve(decl: int) -> int:
        if decl in _ELEMENT_FAMILY:
            return elem
        if decl == T.ANYARRAY:
            if not array:
                raise error(f"could not find array type for data type {format_type(elem)}",
                            "42704")
            return array
        if decl in _COMPATIBLE:
            return compatible
        if decl == T.ANYCOMPATIBLEARRAY:
            return _array(compatible)
        return decl

    resolved = [resolve(d) for d in declared]
    if rettype in T.POLYMORPHIC and rettype not in _RANGES:
        rettype = resolve(rettype)
    return resolved, rettype
