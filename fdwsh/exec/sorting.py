"""ORDER BY: resolving sort items (parse_clause.c) and sorting rows by PostgreSQL's orderings.

An ORDER BY item is an output column (by bare name or by position, the SQL92 rules), else an
expression (SQL99), computed as an extra "resjunk" column.  Rows are sorted with the type's
btree ordering (``fn_compare.sort_key``), ASC NULLS LAST / DESC NULLS FIRST by default.
Past WORK_MEM the sort is an external merge sort (:func:`sort_stream`).
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Iterator
from dataclasses import dataclass
from functools import cmp_to_key
from typing import Any

from pglast import ast
from pglast.enums import SortByDir, SortByNulls

from fdwsh.exec.fn_compare import sort_key
from fdwsh.exec.memory import RowMeter
from fdwsh.exec.spill import SpillDir, SpillStats, merge_sorted, write_run
from fdwsh.pgtypes import format_type
from fdwsh.sql import ir
from fdwsh.sql import oids as T
from fdwsh.sql.coerce import IMPLICIT, coerce_type
from fdwsh.sql.pstate import ParseState, error
from fdwsh.sql.typecheck import transform_expr


@dataclass(frozen=True, slots=True)
class SortSpec:
    index: int  # position in the (extended) row
    expr: ir.Expr
    descending: bool
    nulls_first: bool
    resjunk: bool
    key: Callable[[Any], Any] | None


def transform_sort_clause(ps: ParseState, items: Any, targets: list[tuple[str, ir.Expr]],
                          set_operation: bool) -> list[SortSpec]:
    specs: list[SortSpec] = []
    extra = 0
    for item in items:
        if item.sortby_dir == SortByDir.SORTBY_USING:
            raise error("ORDER BY ... USING is not supported locally", "0A000", item.location)
        index, expr = _find_target(ps, item.node, targets)
        resjunk = index < 0
        if resjunk:
            if set_operation:
                raise error("invalid UNION/INTERSECT/EXCEPT ORDER BY clause", "0A000",
                            ir.expr_location(expr),
                            detail="Only result column names can be used, not expressions "
                                   "or functions.",
                            hint="Add the expression/function to every SELECT, or move the "
                                 "UNION into a FROM clause.")
            if expr.type == T.UNKNOWN:
                expr = coerce_type(ps, expr, T.TEXT, -1, IMPLICIT, ir.IMPLICIT_CAST, -1)
            index = len(targets) + extra
            extra += 1
        desc = item.sortby_dir == SortByDir.SORTBY_DESC
        nulls = item.sortby_nulls
        nulls_first = desc if nulls == SortByNulls.SORTBY_NULLS_DEFAULT else \
            nulls == SortByNulls.SORTBY_NULLS_FIRST
        try:
            key = record_key if expr.type == T.RECORD else sort_key(expr.type)
        except KeyError:
            raise error(f"could not identify an ordering operator for type "
                        f"{format_type(expr.type)}", "42883", ir.expr_location(expr),
                        hint="Use an explicit ordering operator or modify the query.") from None
        specs.append(SortSpec(index, expr, desc, nulls_first, resjunk, key))
    return specs


def _find_target(ps: ParseState, node: ast.Node, targets: list[tuple[str, ir.Expr]]
                 ) -> tuple[int, ir.Expr]:
    """findTargetlistEntrySQL92/99: (output position or -1, expression)."""
    if isinstance(node, ast.ColumnRef) and len(node.fields) == 1 and \
            isinstance(node.fields[0], ast.String):
        name = node.fields[0].sval
        found = -1
        for i, (tname, texpr) in enumerate(targets):
            if tname == name:
                if found >= 0 and targets[found][1] != texpr:
                    raise error(f'ORDER BY "{name}" is ambiguous', "42702", node.location)
                if found < 0:
                    found = i
        if found >= 0:
            return found, targets[found][1]
    if isinstance(node, ast.A_Const):
        if node.isnull or not isinstance(node.val, ast.Integer):
            raise error("non-integer constant in ORDER BY", "42601", ps.loc(node))
        pos = node.val.ival
        if not 1 <= pos <= len(targets):
            raise error(f"ORDER BY position {pos} is not in select list", "42P10",
                        ps.loc(node))
        return pos - 1, targets[pos - 1][1]
    expr = transform_expr(ps, node)
    for i, (_, texpr) in enumerate(targets):
        if texpr == expr:
            return i, texpr
    return -1, expr


def record_key(value: Any) -> tuple[Any, ...]:
    """btrecordcmp(): field by field, a NULL field after every value."""
    out = []
    for v, oid in zip(value.values, value.types):
        key = sort_key(oid)
        out.append((1, 0) if v is None else (0, key(v) if key is not None else v))
    return tuple(out)


def sort_rows(rows: Iterable[tuple[Any, ...]], specs: list[SortSpec], width: int,
              stats: SpillStats | None = None) -> list[tuple[Any, ...]]:
    """Sort rows by the specs (a stable multi-key sort with NULL placement)."""
    if not specs:
        return rows if isinstance(rows, list) else list(rows)
    return list(sort_stream(rows, specs, stats))


def sort_stream(rows: Iterable[tuple[Any, ...]], specs: list[SortSpec],
                stats: SpillStats | None = None) -> Iterator[tuple[Any, ...]]:
    """The rows sorted, in memory while they fit in WORK_MEM, else by an external merge sort:
    sorted runs of WORK_MEM each written to temporary files, then merged (removed at the end,
    also when the reader stops early or fails)."""
    meter = RowMeter()
    held: list[tuple[Any, ...]] = []
    source = iter(rows)
    for row in source:
        held.append(row)
        if meter.add(row):
            return _external(held, source, specs, meter, stats)
    if stats is not None:
        stats.memory_kb = max(stats.memory_kb, meter.peak_kb)
    return iter(_sort_in_memory(held, specs))


def _external(held: list[tuple[Any, ...]], source: Iterator[tuple[Any, ...]],
              specs: list[SortSpec], meter: RowMeter, stats: SpillStats | None
              ) -> Iterator[tuple[Any, ...]]:
    with SpillDir() as spill:
        runs = [write_run(spill, _sort_in_memory(held, specs))]
        held.clear()
        meter.reset()
        for row in source:
            held.append(row)
            if meter.add(row):
                runs.append(write_run(spill, _sort_in_memory(held, specs)))
                held.clear()
                meter.reset()
        if held:
            runs.append(write_run(spill, _sort_in_memory(held, specs)))
            held.clear()
        if stats is not None:
            stats.spilled, stats.disk_kb = True, spill.disk_kb
        yield from merge_sorted(spill, runs, cmp_to_key(_row_comparator(specs)))


def _sort_in_memory(rows: list[tuple[Any, ...]], specs: list[SortSpec]
                    ) -> list[tuple[Any, ...]]:
    out = list(rows)
    for spec in reversed(specs):
        out.sort(key=cmp_to_key(_comparator(spec)))
    return out


def _row_comparator(specs: list[SortSpec]) -> Callable[[Any, Any], int]:
    """All the specs in one comparison (the merge of sorted runs needs a single key)."""
    compares = [_comparator(spec) for spec in specs]

    def compare(a: tuple[Any, ...], b: tuple[Any, ...]) -> int:
        for fn in compares:
            result = fn(a, b)
            if result:
                return result
        return 0
    return compare


def _comparator(spec: SortSpec) -> Callable[[Any, Any], int]:
    i, key, desc, nulls_first = spec.index, spec.key, spec.descending, spec.nulls_first

    def compare(a: tuple[Any, ...], b: tuple[Any, ...]) -> int:
        x, y = a[i], b[i]
        if x is None or y is None:
            if x is None and y is None:
                return 0
            return (-1 if nulls_first else 1) if x is None else (1 if nulls_first else -1)
        if key is not None:
            x, y = key(x), key(y)
        result = (x > y) - (x < y)
        return -result if desc else result
    return compare
