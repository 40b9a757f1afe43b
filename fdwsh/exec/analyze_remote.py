"""What ANALYZE asks a foreign table's server: its size, and its column statistics — read
from the remote catalog where the remote has them, else computed from a sample.

1. ``SELECT pg_catalog.pg_relation_size(<remote table>::regclass) / 8192`` → relpages
   (postgres_fdw's first query: a missing remote table fails here, with the remote's error);
2. ``SELECT reltuples FROM pg_catalog.pg_class WHERE oid = <remote table>::regclass``;
3. when the remote table was analyzed (reltuples ≥ 0) and ``pg_catalog.pg_stats`` shows a row
   for every wanted column (it shows only columns the remote user may read), those rows are
   taken as they are: the remote computed them from its own sample of the same data (VERBOSE
   then reports reltuples rows and min(reltuples, 30000) in sample: the size of the sample
   the remote's ANALYZE read, as postgres_fdw 15 reports reading the table whole);
4. otherwise a sample, by the ``analyze_sampling`` option of the table, else of the server
   (postgres_fdw 16's semantics, offered for PostgreSQL 15 too): ``off`` fetches every row
   (postgres_fdw 15's way), ``random`` adds ``WHERE pg_catalog.random() < fraction``,
   ``system``/``bernoulli`` ``TABLESAMPLE SYSTEM|BERNOULLI (percent)``, ``auto`` (default) is
   bernoulli; the fraction is 30000 / reltuples, and an unanalyzed or small table (fraction
   above 0.95) is read whole.  Read whole, the table's row count is the rows read; sampled,
   it is the remote's reltuples.  Rows are reduced to 30000 by reservoir sampling and
   analysed by :mod:`fdwsh.exec.analyze_stats`.

Every query is an AST printed by pglast (table names as string literals, never glued text).
"""

from __future__ import annotations

import json
from dataclasses import dataclass, field
from typing import Any

from pglast import ast, parse_sql
from pglast.stream import RawStream
from pglast.visitors import Ancestor, Visitor

from fdwsh.catalog.model import ForeignTable
from fdwsh.catalog.stats import ColumnStats
from fdwsh.exec.analyze_stats import TARGET_ROWS, column_stats, reservoir
from fdwsh.quoting import quote_ident
from fdwsh.remote.deparse import table_subquery


_SIZE = "SELECT pg_catalog.pg_relation_size(':rel'::pg_catalog.regclass) / 8192"
_TUPLES = "SELECT reltuples FROM pg_catalog.pg_class WHERE oid = ':rel'::pg_catalog.regclass"
_STATS = ("SELECT attname, null_frac, avg_width, n_distinct, "
          "pg_catalog.array_to_json(most_common_vals::text::text[]), "
          "pg_catalog.array_to_json(most_common_freqs), "
          "pg_catalog.array_to_json(histogram_bounds::text::text[]), correlation "
          "FROM pg_catalog.pg_stats "
          "WHERE schemaname = ':schema' AND tablename = ':table' AND NOT inherited")


@dataclass(slots=True)
class Collected:
    """One table's ANALYZE results, before they are stored."""

    relpages: int
    total_rows: float
    sampled: int
    columns: dict[str, ColumnStats] = field(default_factory=dict)


def relation_pages(conn: Any, table: ForeignTable) -> int:
    """The remote table's size in pages (fails as postgres_fdw does when it is missing)."""
    return int(float(_value(conn, _query(_SIZE, rel=_regclass(table))) or 0))


def collect(conn: Any, table: ForeignTable, columns: list[str], relpages: int) -> Collected:
    """Ask ``conn`` for the statistics of ``table``'s ``columns`` (local names)."""
    reltuples = float(_value(conn, _query(_TUPLES, rel=_regclass(table))) or -1)
    if reltuples >= 0:
        found = _remote_stats(conn, table, columns)
        if found is not None:
            return Collected(relpages, reltuples, min(round(reltuples), TARGET_ROWS), found)
    return _sample(conn, table, columns, relpages, reltuples)


def _remote_stats(conn: Any, table: ForeignTable, columns: list[str]
                  ) -> dict[str, ColumnStats] | None:
    """pg_stats of the wanted columns, None unless the remote shows all of them."""
    sql = _query(_STATS, schema=table.remote_schema, table=table.remote_name)
    rows = {row[0]: row for row in conn.stream(sql, fetch_size=1000)}
    found = {}
    for name in columns:
        row = rows.get(table.column(name).remote_name)  # type: ignore[union-attr]
        if row is None:
            return None
        found[name] = ColumnStats(
            float(row[1] or 0), int(row[2] or 0), float(row[3] or 0),
            tuple(json.loads(row[4] or "[]")), tuple(json.loads(row[5] or "[]")),
            tuple(json.loads(row[6] or "[]")), None if row[7] is None else float(row[7]))
    return found


def _sample(conn: Any, table: ForeignTable, columns: list[str], relpages: int,
            reltuples: float) -> Collected:
    from fdwsh.plan.cost import column_readers, fixed_width

    method = sampling_method(table)
    fraction = TARGET_ROWS / reltuples if reltuples > 0 else 1.0
    if method == "off" or fraction > 0.95:
        method = "off"
    tree = _sample_tree(table, columns, method, fraction)
    rows, seen = reservoir(conn.stream(RawStream()(tree), fetch_size=10_000))
    total = float(seen) if method == "off" else reltuples
    readers = column_readers(table)
    stats = {}
    for index, name in enumerate(columns if rows else ()):  # no rows: no statistics
        values = [row[index] for row in rows]
        ctype = table.column(name).type  # type: ignore[union-attr]
        stats[name] = column_stats(values, total, readers.get(name), fixed_width(ctype))
    return Collected(relpages, total, len(rows), stats)


def sampling_method(table: ForeignTable) -> str:
    """The table's ``analyze_sampling`` option, else the server's, else ``auto``."""
    value = (table.option("analyze_sampling") or "auto").lower()
    return "bernoulli" if value == "auto" else value


def _sample_tree(table: ForeignTable, columns: list[str], method: str, fraction: float
                 ) -> ast.SelectStmt:
    """``SELECT <columns> FROM remote`` with the sampling clause of ``method`` (``columns``
    in declared order, as the remote sends them)."""
    tree = table_subquery(table, set(columns))
    if method == "random":
        random = ast.FuncCall(funcname=(ast.String(sval="pg_catalog"), ast.String(sval="random")),
                              funcformat=0)
        tree.whereClause = ast.A_Expr(kind=0, name=(ast.String(sval="<"),), lexpr=random,
                                      rexpr=ast.A_Const(val=ast.Float(fval=repr(fraction))))
    elif method in ("system", "bernoulli"):
        percent = ast.A_Const(val=ast.Float(fval=repr(100.0 * fraction)))
        tree.fromClause = (ast.RangeTableSample(relation=tree.fromClause[0],
                                                method=(ast.String(sval=method),),
                                                args=(percent,)),)
    return tree


def _query(template: str, **literals: str) -> str:
    """The template with each ``':name'`` string literal replaced by the value of ``name``."""
    tree = parse_sql(template)[0].stmt

    class Fill(Visitor):  # type: ignore[misc]
        def visit_A_Const(self, ancestors: Ancestor, node: ast.A_Const) -> None:
            text = getattr(node.val, "sval", None)
            if isinstance(text, str) and text.startswith(":"):
                node.val = ast.String(sval=literals[text[1:]])

    Fill()(tree)
    return str(RawStream()(tree))


def _regclass(table: ForeignTable) -> str:
    return f"{quote_ident(table.remote_schema)}.{quote_ident(table.remote_name)}"


def _value(conn: Any, sql: str) -> str | None:
    rows = list(conn.stream(sql, fetch_size=10))
    return rows[0][0] if rows else None
