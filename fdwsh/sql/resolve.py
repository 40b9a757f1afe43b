"""Operator and function resolution: parse_oper.c and parse_func.c of PostgreSQL 15.

The rules, in PostgreSQL's order: an exact match on the argument types (for a binary operator
with one ``unknown`` side, the other side's type stands in); else the candidates whose
parameters every argument converts to implicitly; if several remain,
:func:`func_select_candidate`'s heuristics (most exact matches, then most preferred types of
the argument's category, then categories of unknown arguments with a bias for strings, then
"assume unknowns are the known type").  Failures raise PostgreSQL's messages and hints.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any

from fdwsh.pgtypes import format_type, lookup_type
from fdwsh.sql import oids as T
from fdwsh.sql.coerce import (EXPLICIT, IMPLICIT, PATH_IO, PATH_RELABEL, can_coerce_types,
                              category, find_coercion_pathway, is_preferred)
from fdwsh.sql.pgproc import Function, Operator, functions, operators
from fdwsh.sql.pstate import error


@dataclass(frozen=True, slots=True)
class Candidate:
    """A function (or operator) with the argument types a call of this arity would bind to."""

    target: Function | Operator
    args: tuple[int, ...]
    #: How many trailing arguments a variadic call gathers (0: none / not variadic).
    nvargs: int = 0
    #: How many defaulted trailing parameters the call leaves out.
    ndefaults: int = 0


def match_argtypes(inputs: Sequence[int], candidates: list[Candidate]) -> list[Candidate]:
    """func_match_argtypes(): the candidates every input converts to implicitly."""
    return [c for c in candidates if can_coerce_types(list(inputs), list(c.args), IMPLICIT)]


def _keep_best(cands: list[Candidate], score: list[int]) -> list[Candidate]:
    best = max(score)
    return [c for c, s in zip(cands, score) if s == best]


def func_select_candidate(inputs: Sequence[int], cands: list[Candidate]) -> Candidate | None:
    """func_select_candidate(): the one candidate the heuristics pick, or None (ambiguous)."""
    n = len(inputs)
    unknown = [t == T.UNKNOWN for t in inputs]
    cands = _keep_best(cands, [sum(1 for i in range(n) if not unknown[i]
                                   and c.args[i] == inputs[i]) for c in cands])
    if len(cands) == 1:
        return cands[0]
    cats = [category(t) for t in inputs]
    cands = _keep_best(cands, [sum(1 for i in range(n) if not unknown[i] and (
        c.args[i] == inputs[i] or (is_preferred(c.args[i]) and category(c.args[i]) == cats[i])))
        for c in cands])
    if len(cands) == 1:
        return cands[0]
    if any(unknown):
        kept = _by_unknown_categories(inputs, cands)
        if kept is not None:
            cands = kept
            if len(cands) == 1:
                return cands[0]
    known = {t for t in inputs if t != T.UNKNOWN}
    if any(unknown) and len(known) == 1:
        only = known.pop()
        assumed = [only] * n
        fits = [c for c in cands if can_coerce_types(assumed, list(c.args), IMPLICIT)]
        if len(fits) == 1:
            return fits[0]
    return None


def _by_unknown_categories(inputs: Sequence[int], cands: list[Candidate]
                           ) -> list[Candidate] | None:
    """Step 3: settle a category (STRING if any candidate offers it) for each unknown input,
    keep candidates of that category (and of its preferred type, if any offers it)."""
    slot_cat: dict[int, str] = {}
    slot_pref: dict[int, bool] = {}
    for i, t in enumerate(inputs):
        if t != T.UNKNOWN:
            continue
        cat, pref, conflict = "", False, False
        for c in cands:
            ccat, cpref = category(c.args[i]), is_preferred(c.args[i])
            if not cat:
                cat, pref = ccat, cpref
            elif ccat == cat:
                pref = pref or cpref
            elif ccat == "S":
                cat, pref = ccat, cpref
            else:
                conflict = True
        if conflict and cat != "S":
            return None
        slot_cat[i], slot_pref[i] = cat, pref
    kept = [c for c in cands if all(
        category(c.args[i]) == slot_cat[i] and (not slot_pref[i] or is_preferred(c.args[i]))
        for i in slot_cat)]
    return kept or cands


# ---------------------------------------------------------------------------------------------
# operators


def op_signature(name: str, left: int | None, right: int) -> str:
    if left is None:
        return f"{name} {format_type(right)}"
    return f"{format_type(left)} {name} {format_type(right)}"


def _op_error(name: str, left: int | None, right: int, ambiguous: bool, location: int
              ) -> Exception:
    sig = op_signature(name, left, right)
    if ambiguous:
        return error(f"operator is not unique: {sig}", "42725", location,
                     hint="Could not choose a best candidate operator. You might need to add "
                          "explicit type casts.")
    hint = ("No operator matches the given name and argument type. You might need to add an "
            "explicit type cast." if left is None else
            "No operator matches the given name and argument types. You might need to add "
            "explicit type casts.")
    return error(f"operator does not exist: {sig}", "42883", location, hint=hint)


def _exact_operator(name: str, left: int, right: int) -> Operator | None:
    for op in operators().get(name, ()):
        if op.kind == "b" and op.left == left and op.right == right:
            return op
    return None


def oper(name: str, left: int, right: int, location: int) -> Operator:
    """oper(): the binary operator ``left name right`` resolves to."""
    l2, r2 = left, right
    if left == T.UNKNOWN:
        l2 = right
    elif right == T.UNKNOWN:
        r2 = left
    found = _exact_operator(name, l2, r2)
    if found is not None:
        return found
    cands = [Candidate(op, (op.left, op.right)) for op in operators().get(name, ())
             if op.kind == "b"]
    return _select_operator(name, [left, right], cands, left, right, location)


def left_oper(name: str, right: int, location: int) -> Operator:
    """left_oper(): the prefix operator ``name right`` resolves to."""
    for op in operators().get(name, ()):
        if op.kind == "l" and op.right == right:
            return op
    cands = [Candidate(op, (op.right,)) for op in operators().get(name, ()) if op.kind == "l"]
    return _select_operator(name, [right], cands, None, right, location)


def _select_operator(name: str, inputs: list[int], cands: list[Candidate], left: int | None,
                     right: int, location: int) -> Operator:
    """oper_select_candidate() plus op_error()."""
    matching = match_argtypes(inputs, cands) if cands else []
    if len(matching) == 1:
        return matching[0].target  # type: ignore[return-value]
    if not matching:
        raise _op_error(name, left, right, False, location)
    chosen = func_select_candidate(inputs, matching)
    if chosen is None:
        raise _op_error(name, left, right, True, location)
    return chosen.target  # type: ignore[return-value]


# ---------------------------------------------------------------------------------------------
# functions

NOT_FOUND, NORMAL, COERCION, MULTIPLE = "notfound", "normal", "coercion", "multiple"


def function_candidates(name: str, nargs: int, expand_variadic: bool = True,
                        pool: Sequence[Function] | None = None) -> list[Candidate]:
    """FuncnameGetCandidates(): overloads callable with ``nargs`` positional arguments, among
    ``pool`` (the functions of that name visible on the search path; default: pg_catalog's)."""
    out: list[Candidate] = []
    for fn in functions().get(name, ()) if pool is None else pool:
        npar = len(fn.args)
        if fn.variadic and expand_variadic and nargs >= npar:
            extra = nargs - npar + 1
            out.append(Candidate(fn, fn.args[:-1] + (fn.variadic,) * extra, extra))
        elif nargs == npar:
            out.append(Candidate(fn, fn.args))
        elif npar - fn.ndefaults <= nargs < npar:
            out.append(Candidate(fn, fn.args[:nargs], 0, npar - nargs))
    return out


def func_name_as_type(name: str) -> int:
    """FuncNameAsType(): the type a function name also names (0: none)."""
    t = lookup_type(name)
    return t.oid if t is not None and not t.is_pseudo else 0


def func_get_detail(name: str, argtypes: list[int], arg_is_const: bool,
                    expand_variadic: bool = True, pool: Sequence[Function] | None = None
                    ) -> tuple[str, Candidate | None]:
    """func_get_detail(): (NORMAL, candidate) | (COERCION, None) | (MULTIPLE|NOT_FOUND, None)."""
    raw = function_candidates(name, len(argtypes), expand_variadic, pool)
    for cand in raw:
        if list(cand.args) == argtypes:
            return NORMAL, cand
    if len(argtypes) == 1:
        target = func_name_as_type(name)
        if target and _is_coercion(argtypes[0], target, arg_is_const):
            return COERCION, None
    matching = match_argtypes(argtypes, raw) if raw else []
    if len(matching) == 1:
        return NORMAL, matching[0]
    if len(matching) > 1:
        chosen = func_select_candidate(argtypes, matching)
        return (NORMAL, chosen) if chosen is not None else (MULTIPLE, None)
    return NOT_FOUND, None


def _is_coercion(source: int, target: int, arg_is_const: bool) -> bool:
    if source == T.UNKNOWN and arg_is_const:
        return True
    path, _ = find_coercion_pathway(target, source, EXPLICIT)
    return path in (PATH_RELABEL, PATH_IO)


def func_signature(name: str, argtypes: Sequence[int], argnames: Sequence[str | None] = ()
                   ) -> str:
    """func_signature_string(): ``name(integer, text)``."""
    parts = []
    for i, t in enumerate(argtypes):
        label = argnames[i] if i < len(argnames) else None
        parts.append((f"{label} => " if label else "") + format_type(t))
    return f"{name}({', '.join(parts)})"


def resolved_or_error(kind: str, cand: Any, written: str, types: Sequence[int], loc: int
                      ) -> Any:
    """The candidate :func:`func_get_detail` found, else PostgreSQL's "is not unique" or
    "does not exist" error for the call (ParseFuncOrColumn's)."""
    if kind == MULTIPLE:
        raise error(f"function {func_signature(written, types)} is not unique", "42725", loc,
                    hint="Could not choose a best candidate function. You might need to add "
                         "explicit type casts.")
    if kind != NORMAL or cand is None:
        raise error(f"function {func_signature(written, types)} does not exist", "42883", loc,
                    hint="No function matches the given name and argument types. You might "
                         "need to add explicit type casts.")
    return cand
