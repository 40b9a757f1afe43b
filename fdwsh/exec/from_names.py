"""Name resolution against the FROM clause of a local query (parse_relation.c of PostgreSQL 15).

An :class:`Entry` is a ParseNamespaceItem: a name columns can be qualified with
(``rel_visible``) and columns that unqualified names can reach (``cols_visible``).  A join
without an alias leaves its inputs visible as relation names only; with an alias it hides them
(they stay in the range table, so naming them is ``invalid reference to FROM-clause entry``,
not ``missing FROM-clause entry``).  Resolvers take (entry, allowed) pairs: a LATERAL
reference across a RIGHT/FULL join finds the entry but must fail with PostgreSQL's message.

A join's USING/NATURAL columns merge as buildMergedJoinVar() merges them
(:func:`using_columns`).

Where PostgreSQL looks further out before giving up (enclosing query levels), the resolvers
return None and leave the verdict to the column-reference transform (correlation, or
``missing FROM-clause entry``); they raise themselves only when the name exists in this
level's range table and no enclosing level can see it.
"""

from __future__ import annotations

import dataclasses
from collections.abc import Callable
from dataclasses import dataclass

from pglast import ast

from fdwsh.exec.joins import FULL, INNER, RIGHT
from fdwsh.sql import ir
from fdwsh.sql.coerce import (
    IMPLICIT,
    coerce_to_boolean,
    coerce_type,
    select_common_type,
    select_common_typmod,
)
from fdwsh.sql.pstate import ColumnResolver, ParseState, error
from fdwsh.sql.typecheck_ops import make_op

Pairs = list[tuple["Entry", bool]]


@dataclass(slots=True, eq=False)
class Entry:
    """A FROM item or join as a namespace item: its name, its columns as expressions over the
    combined row, and its visibility."""

    refname: str
    columns: list[tuple[str, ir.Expr]]
    rel_visible: bool = True
    cols_visible: bool = True
    #: The relation a RangeVar named (matched by searchRangeTableForRel() as its relid is).
    relname: str | None = None
    #: The range-table name (eref->aliasname) when it differs from refname ("unnamed_join").
    eref: str | None = None
    #: A join's entry (column hints look at the joined items instead).
    join: bool = False
    #: For a foreign table named without an alias: its schema and catalog id (a reference
    #: ``schema.table.column`` matches it; two such tables of one name do not conflict).
    schema: str | None = None
    relid: int | None = None

    @property
    def table_name(self) -> str:
        return self.eref if self.eref is not None else self.refname


def check_conflicts(first: list[Entry], second: list[Entry]) -> None:
    """checkNameSpaceConflicts(): two visible relation names may not be the same."""
    for entry in second:
        for other in first:
            if entry.rel_visible and other.rel_visible and entry.refname and \
                    entry.refname == other.refname and not _distinct_tables(entry, other):
                raise error(f'table name "{entry.refname}" specified more than once', "42712")


def _distinct_tables(a: Entry, b: Entry) -> bool:
    """Unaliased references to two different tables of one name (``s1.t, s2.t``)."""
    return a.relid is not None and b.relid is not None and a.relid != b.relid


def namespace_resolver(ps: ParseState, namespace: list[Entry], rtable: list[Entry]
                       ) -> ColumnResolver:
    """Resolves names against entries that are all plainly visible (WHERE, ON, select list)."""
    return _resolver(ps, [(e, True) for e in namespace], list(rtable), None)


def lateral_resolver(ps: ParseState, pairs: Pairs, rtable: list[Entry], seen: list[int]
                     ) -> ColumnResolver:
    """Resolves a function's LATERAL references; ``seen`` collects the slots they read."""
    return _resolver(ps, list(pairs), list(rtable), seen)


def hidden_resolver(ps: ParseState, rtable: list[Entry]) -> ColumnResolver:
    """For a non-LATERAL sub-SELECT in FROM: the items to its left resolve nothing, but
    naming them is PostgreSQL's ``invalid reference`` error."""
    entries = list(rtable)
    further = list(ps.outer_columns)  # the levels outside this one (not itself)

    def resolve(names: list[str], location: int) -> ir.Expr | None:
        if len(names) == 2:
            _missing_relation(further, [], entries, names, names[0], location)
        elif len(names) == 1:
            _missing_column(further, entries, names[0], location)
        return None
    return resolve


def _resolver(ps: ParseState, pairs: Pairs, rtable: list[Entry], seen: list[int] | None
              ) -> ColumnResolver:
    def resolve(names: list[str], location: int) -> ir.Expr | None:
        found: ir.Expr | None = None
        if len(names) == 1:
            found = _unqualified(pairs, names[0], location)
            if found is None:
                _missing_column(ps.outer_columns, rtable, names[0], location)
        elif len(names) == 2:
            entry = find_relation(pairs, names[0], location)
            if entry is None:
                _missing_relation(ps.outer_columns, pairs, rtable, names, names[0], location)
                return None
            found = _column(entry, names[1], location)
            if found is None:
                raise error(f"column {names[0]}.{names[1]} does not exist", "42703", location,
                            hint=column_hint(rtable, names[0], names[1]))
        elif len(names) == 3:
            found = _schema_qualified(pairs, rtable, ps, names, location)
        elif len(names) > 3:
            raise error("cross-database references are not implemented: "
                        + ".".join(names), "0A000", location)
        if found is not None and seen is not None:
            seen.extend(_slots(found))
        return found
    return resolve


def _unqualified(pairs: Pairs, name: str, location: int) -> ir.Expr | None:
    """colNameToVar(): the one column-visible entry with that column."""
    found = None
    for entry, allowed in pairs:
        if not entry.cols_visible:
            continue
        expr = _column(entry, name, location)
        if expr is not None:
            if found is not None:
                raise error(f'column reference "{name}" is ambiguous', "42702", location)
            _check_lateral(entry, allowed, location)
            found = expr
    return found


def using_columns(ps: ParseState, kind: str, ltop: Entry, rtop: Entry, names: list[str]
                  ) -> tuple[list[tuple[str, ir.Expr]], tuple[set[int], set[int]], ir.Expr]:
    """JOIN ... USING (or NATURAL): the merged columns, the input columns they use, and the
    condition ``l1 = r1 AND ...`` over the uncoerced columns (transformJoinUsingClause())."""
    merged: list[tuple[str, ir.Expr]] = []
    used: tuple[set[int], set[int]] = (set(), set())
    pairs = []
    for name in names:
        if any(n == name for n, _ in merged):
            raise error(f'column name "{name}" appears more than once in USING clause', "42701")
        li, ri = _common_column(ltop, name, "left"), _common_column(rtop, name, "right")
        used[0].add(li)
        used[1].add(ri)
        left, right = ltop.columns[li][1], rtop.columns[ri][1]
        merged.append((name, _merged_column(ps, kind, left, right)))
        pairs.append((left, right))
    tests = [make_op(ps, "=", left, right, -1) for left, right in pairs]
    cond = tests[0] if len(tests) == 1 else ir.BoolExpr("and", tuple(tests))
    return merged, used, coerce_to_boolean(ps, cond, "JOIN/USING")


def _common_column(top: Entry, name: str, side: str) -> int:
    found = [i for i, (n, _) in enumerate(top.columns) if n == name]
    if len(found) > 1:
        raise error(f'common column name "{name}" appears more than once in {side} table',
                    "42702")
    if not found:
        raise error(f'column "{name}" specified in USING clause does not exist in {side} table',
                    "42703")
    return found[0]


def _merged_column(ps: ParseState, kind: str, left: ir.Expr, right: ir.Expr) -> ir.Expr:
    """buildMergedJoinVar(): both columns as their common type; the left one, the right one
    (RIGHT JOIN) or COALESCE of both (FULL JOIN), as PostgreSQL chooses."""
    ctype = select_common_type([left, right], "JOIN/USING")
    typmod = select_common_typmod([left, right], ctype)
    lnode, rnode = _as_type(ps, left, ctype, typmod), _as_type(ps, right, ctype, typmod)
    if kind == FULL:
        return ir.CoalesceExpr(ctype, (lnode, rnode), typmod)
    if kind == RIGHT:
        return rnode
    if kind == INNER and lnode is not left and rnode is right:
        return rnode  # prefer an uncoerced column
    return lnode


def _as_type(ps: ParseState, node: ir.Expr, ctype: int, typmod: int) -> ir.Expr:
    if node.type != ctype:
        return coerce_type(ps, node, ctype, typmod, IMPLICIT, ir.IMPLICIT_CAST, -1)
    if node.typmod != typmod:
        return ir.RelabelType(node, ctype, typmod, ir.IMPLICIT_CAST)
    return node


def _schema_qualified(pairs: Pairs, rtable: list[Entry], ps: ParseState, names: list[str],
                      location: int) -> ir.Expr | None:
    """``schema.table.column``: a column of the unaliased table of that schema and name."""
    schema, table, column = names
    matches = [(e, allowed) for e, allowed in pairs
               if e.rel_visible and e.refname == table and e.schema == schema]
    if not matches:
        _missing_relation(ps.outer_columns, pairs, rtable, names, table, location)
        return None  # an enclosing level's, or the caller's "missing FROM-clause entry"
    entry, allowed = matches[0]
    _check_lateral(entry, allowed, location)
    found = _column(entry, column, location)
    if found is None:
        raise error(f"column {table}.{column} does not exist", "42703", location)
    return found


def find_relation(pairs: Pairs, refname: str, location: int) -> Entry | None:
    """scanNameSpaceForRefname(): the relation-visible entry called ``refname``."""
    result = None
    for entry, allowed in pairs:
        if entry.rel_visible and entry.refname == refname:
            if result is not None:
                raise error(f'table reference "{refname}" is ambiguous', "42P09", location)
            _check_lateral(entry, allowed, location)
            result = entry
    return result


def _check_lateral(entry: Entry, allowed: bool, location: int) -> None:
    if not allowed:
        raise error(f'invalid reference to FROM-clause entry for table "{entry.table_name}"',
                    "42P10", location,
                    detail="The combining JOIN type must be INNER or LEFT for a LATERAL "
                           "reference.")


def _column(entry: Entry, name: str, location: int) -> ir.Expr | None:
    """scanRTEForColumn(): the entry's column ``name`` (twice: ambiguous)."""
    found = [expr for n, expr in entry.columns if n == name]
    if len(found) > 1:
        raise error(f'column reference "{name}" is ambiguous', "42702", location)
    if not found:
        return None
    return dataclasses.replace(found[0], location=location)


def _visible_outside(outer: list[ColumnResolver], names: list[str] | None, location: int
                     ) -> bool:
    """Whether an enclosing query level (innermost first) sees the name: then it is an outer
    reference, and that level's complaint about it (no such column) is the verdict."""
    key = (tuple(names or ()), location)
    if names is None or key in _ASKING:
        return False  # an enclosing level asking again about the same name: it has none
    _ASKING.add(key)
    try:
        return any(level(names, location) is not None for level in reversed(outer))
    finally:
        _ASKING.discard(key)


#: The names _visible_outside is asking enclosing levels about (each level's resolver may ask
#: the levels around it again).
_ASKING: set[tuple[tuple[str, ...], int]] = set()


def _missing_relation(outer: list[ColumnResolver], pairs: Pairs, rtable: list[Entry],
                      names: list[str] | None, refname: str, location: int) -> None:
    """errorMissingRTE() for an entry of this level's range table that cannot be named here;
    returns when there is none (``missing FROM-clause entry`` is the caller's)."""
    entry = next((e for e in rtable if e.relname == refname or e.table_name == refname), None)
    if entry is None or _visible_outside(outer, names, location):
        return
    message = f'invalid reference to FROM-clause entry for table "{refname}"'
    if entry.table_name != refname and any(e is entry and e.rel_visible for e, _ in pairs):
        raise error(message, "42P01", location,
                    hint=f'Perhaps you meant to reference the table alias "{entry.table_name}".')
    raise error(message, "42P01", location,
                hint=f'There is an entry for table "{entry.table_name}", but it cannot be '
                     "referenced from this part of the query.")


def _missing_column(outer: list[ColumnResolver], rtable: list[Entry], name: str,
                    location: int) -> None:
    """errorMissingColumn()'s exact-match case: a column of that name in an entry that this
    part of the query cannot see."""
    entry = next((e for e in rtable if not e.join and any(n == name for n, _ in e.columns)),
                 None)
    if entry is None or _visible_outside(outer, [name], location):
        return
    raise error(f'column "{name}" does not exist', "42703", location,
                hint=f'There is a column named "{name}" in table "{entry.table_name}", but it '
                     "cannot be referenced from this part of the query.")


#: MAX_FUZZY_DISTANCE of parse_relation.c.
_MAX_FUZZY = 3


def column_hint(rtable: list[Entry], refname: str, name: str) -> str | None:
    """errorMissingColumn()'s hint for ``refname.name``: the closest columns of the range
    table by Levenshtein distance, a wrong table name counting as a penalty
    (searchRangeTableForCol() and updateFuzzyAttrMatchState())."""
    best = _MAX_FUZZY + 1
    first: tuple[Entry, str] | None = None
    second: tuple[Entry, str] | None = None
    for entry in rtable:
        if entry.join:
            continue
        penalty = _levenshtein(refname, entry.table_name)
        exact = False
        for column, _ in entry.columns:
            exact = exact or column == name
            if penalty > best:
                continue
            distance = _levenshtein(column, name)
            if distance > len(name) // 2:
                continue
            distance += penalty
            if distance < best:
                best, first, second = distance, (entry, column), None
            elif distance == best:
                if second is not None:  # too many equally good matches: give up on them
                    first, second, best = None, None, distance - 1
                elif first is not None:
                    second = (entry, column)
                elif best <= _MAX_FUZZY:
                    first = (entry, column)
        if exact and penalty == 0:
            return (f'There is a column named "{name}" in table "{entry.table_name}", but it '
                    "cannot be referenced from this part of the query.")
    if first is None:
        return None
    if second is None:
        return f'Perhaps you meant to reference the column "{first[0].table_name}.{first[1]}".'
    return (f'Perhaps you meant to reference the column "{first[0].table_name}.{first[1]}" or '
            f'the column "{second[0].table_name}.{second[1]}".')


def _levenshtein(a: str, b: str) -> int:
    previous = list(range(len(b) + 1))
    for i, ca in enumerate(a, start=1):
        current = [i]
        for j, cb in enumerate(b, start=1):
            current.append(min(previous[j] + 1, current[j - 1] + 1,
                               previous[j - 1] + (ca != cb)))
        previous = current
    return previous[-1]


def _slots(expr: ir.Expr) -> list[int]:
    found = [expr.index] if isinstance(expr, ir.Var) else []
    for child in expr.children():
        found.extend(_slots(child))
    return found


def star_expander(ps: ParseState, namespace: list[Entry], rtable: list[Entry]
                  ) -> Callable[[ast.ColumnRef], list[tuple[str, ir.Expr]]]:
    """ExpandColumnRefStar(): ``*`` is every column-visible entry's columns, ``t.*`` the
    columns of the entry called ``t``."""
    pairs = [(e, True) for e in namespace]
    entries = list(rtable)

    def expand(node: ast.ColumnRef) -> list[tuple[str, ir.Expr]]:
        qualifier = [f.sval for f in node.fields[:-1]]
        if not qualifier:
            return [c for e in namespace if e.cols_visible for c in e.columns]
        entry = find_relation(pairs, qualifier[-1], node.location)
        if entry is None:
            _missing_relation(ps.outer_columns, pairs, entries, None, qualifier[-1],
                              node.location)
            raise error(f'missing FROM-clause entry for table "{qualifier[-1]}"', "42P01",
                        node.location)
        return list(entry.columns)
    return expand
