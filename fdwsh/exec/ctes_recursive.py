"""A self-referencing item of WITH RECURSIVE: ``non-recursive term UNION [ALL] recursive term``
typed as parse_cte.c types it and run as nodeRecursiveunion.c runs it.

Typing: the non-recursive term is analysed first and fixes the item's column types (an
``unknown`` literal column becomes text); the recursive term is analysed with the self-reference
reading those types; the UNION's common types must be the same, else ``recursive query "t"
column 1 has type integer in non-recursive term but type bigint overall`` with its hint.

Running (the working-table algorithm): the non-recursive term's rows are the result and the
first working table; the recursive term runs again and again, its self-reference reading the
previous iteration's rows, until an iteration yields none; UNION (without ALL) discards every
row equal (as PostgreSQL's ``=``, NULLs equal) to one already in the result.  Each iteration
re-runs the recursive term's plan when that plan re-reads its FROM items, else analyses the
term again (notices of the repeated analyses are dropped: PostgreSQL analyses it once).
"""

from __future__ import annotations

from collections.abc import Callable
from contextlib import nullcontext
from typing import TYPE_CHECKING, Any

from pglast import ast

from fdwsh.exec.ctes import CteEntry, cte_columns, with_scope
from fdwsh.exec.eval import compile_expr
from fdwsh.exec.setops import (_coerce_column, _expr_loc, _first_location, _side,
                               row_key_function, unique_rows)
from fdwsh.pgtypes import format_type
from fdwsh.sql import ir
from fdwsh.sql import oids as T
from fdwsh.sql.coerce import select_common_type, select_common_typmod
from fdwsh.sql.pstate import error

if TYPE_CHECKING:
    from fdwsh.exec.local_select import Analyzer, LocalRelation, OutputColumn

Row = tuple[Any, ...]
Convert = Callable[[list[Row]], list[Row]]


def run_recursive(an: Analyzer, cte: ast.CommonTableExpr, entry: CteEntry) -> None:
    """Analyse and run the item; its rows are then ``entry.rows()``."""
    stmt = cte.ctequery
    with with_scope(an, stmt.withClause) if stmt.withClause is not None else nullcontext():
        left = _side(an, stmt.larg)
        entry.columns = cte_columns(cte, [_working_column(c) for c in left.columns])
        start = _converter(an, [_coerce_column(an, left, i, _var(left, i), c.type, "UNION")
                                for i, c in enumerate(entry.columns)])(left.rows)
        key = row_key_function([c.type for c in entry.columns])
        admit = _admitter(key, bool(stmt.all))
        working = admit(start)
        entry.fetch = lambda: working
        right = _side(an, stmt.rarg)
        convert = _unify(an, cte, left, right, entry.columns)
        result = list(working)
        iterate = _Iterations(an, stmt.rarg, entry, right)
        while working:
            entry.fetch = lambda rows=working: rows  # type: ignore[misc]
            working = admit(convert(iterate.next_rows()))
            result.extend(working)
    entry.fetch = lambda: result


def _working_column(column: OutputColumn) -> OutputColumn:
    """determineRecursiveColTypes(): an unknown-type column of the non-recursive term is
    text."""
    from fdwsh.exec.local_select import OutputColumn

    if column.type == T.UNKNOWN:
        return OutputColumn(column.name, T.TEXT, -1)
    return OutputColumn(column.name, column.type, column.typmod)


def _var(rel: LocalRelation, i: int) -> ir.Var:
    c = rel.columns[i]
    return ir.Var(i, c.type, c.typmod, c.name, _expr_loc(rel, i))


def _unify(an: Analyzer, cte: ast.CommonTableExpr, left: LocalRelation, right: LocalRelation,
           columns: list[OutputColumn]) -> Convert:
    """The UNION's column types, which must be the working table's; converts the recursive
    term's rows to them."""
    if len(left.columns) != len(right.columns):
        raise error("each UNION query must have the same number of columns", "42601",
                    _first_location(an, cte.ctequery.rarg))
    rconv = []
    for i, column in enumerate(columns):
        lexpr, rexpr = _var(left, i), _var(right, i)
        ctype = select_common_type([lexpr, rexpr], "UNION")
        _coerce_column(an, left, i, lexpr, ctype, "UNION")
        rconv.append(_coerce_column(an, right, i, rexpr, ctype, "UNION"))
        typmod = select_common_typmod([lexpr, rexpr], ctype)
        if (ctype, typmod) != (column.type, column.typmod):
            raise error(f'recursive query "{cte.ctename}" column {i + 1} has type '
                        f"{format_type(column.type, column.typmod)} in non-recursive term "
                        f"but type {format_type(ctype, typmod)} overall", "42804",
                        _expr_loc(left, i),
                        hint="Cast the output of the non-recursive term to the correct type.")
    return _converter(an, rconv)


def _converter(an: Analyzer, exprs: list[ir.Expr]) -> Convert:
    if all(isinstance(e, ir.Var) and e.index == i for i, e in enumerate(exprs)):
        return lambda rows: rows
    fns = [compile_expr(e, an.ctx) for e in exprs]
    return lambda rows: [tuple(fn(row) for fn in fns) for row in rows]


def _admitter(key: Callable[[Row], Any], keep_all: bool) -> Convert:
    """UNION ALL keeps every row; UNION only rows unlike every row admitted before."""
    if keep_all:
        return lambda rows: rows
    seen: set[Any] = set()
    return lambda rows: unique_rows(rows, key, seen)


class _Iterations:
    """The recursive term's rows for each iteration, the working table set beforehand."""

    def __init__(self, an: Analyzer, term: ast.SelectStmt, entry: CteEntry,
                 first: LocalRelation) -> None:
        self.an, self.term, self.entry = an, term, entry
        self.plan: LocalRelation | None = first
        self.first = True
        self.rerun = getattr(first, "produce", None) is not None

    def next_rows(self) -> list[Row]:
        if self.first:  # the plan analysed against the first working table
            self.first = False
            assert self.plan is not None
            return list(self.plan.rows)
        if self.rerun and self.plan is not None:
            reads = self.entry.reads
            rows = self.plan.produce()  # type: ignore[attr-defined]
            if self.entry.reads != reads:
                return list(rows)
            self.rerun = False  # the plan kept the rows it read when analysed
        notices = self.an.ps.notices
        count = len(notices)
        try:
            self.plan = _side(self.an, self.term)
            return list(self.plan.rows)
        finally:
            del notices[count:]
