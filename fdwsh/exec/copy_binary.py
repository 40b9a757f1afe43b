"""COPY in binary format: the remote server reads and writes the binary data.

``COPY ft FROM STDIN (FORMAT binary)`` passes the bytes of a ``\\copy`` file or program (or,
with ``-c``, of standard input) to ``COPY remote FROM STDIN (FORMAT binary)`` unparsed: every
declared column must be in the data (a binary row cannot be completed with defaults here), and
the values are checked by the remote server's receive functions, not locally.  Binary data in
a script's own lines is refused (it has no lines).

``COPY (query) TO STDOUT (FORMAT binary)``: the remote server writes the binary data.

fdwsh has no binary send functions of its own, so a query in binary format must be pushed
whole to its server: that server runs ``COPY (remote query) TO STDOUT (FORMAT binary)`` and
its bytes are passed through unchanged (values in the remote columns' types, which are the
declared ones when the foreign table is declared like the remote table).  A query fdwsh's
executor would run (several servers, local functions) is refused with a clear error.
"""

from __future__ import annotations

from typing import Any

from pglast import ast
from pglast.stream import RawStream

from fdwsh.errors import FeatureNotSupported
from fdwsh.exec.copy_options import CopyOptions
from fdwsh.catalog.model import ForeignColumn, ForeignTable
from fdwsh.plan.query import LocalQuery, plan_query

_BINARY = ast.DefElem(defname="format", arg=ast.String(sval="binary"))


def copy_from_binary(table: ForeignTable, columns: list[ForeignColumn], ctx: Any) -> int:
    """Pass binary COPY data through to the remote table; the number of rows."""
    from fdwsh.exec.copy_from import remote_copy_sql, sent_columns
    from fdwsh.remote.copy import copy_in

    chunks = ctx.copy.binary_chunks()
    if chunks is None:
        raise FeatureNotSupported("COPY FROM STDIN in binary format reads a \\copy file or "
                                  "program, or standard input with -c, not a script's lines")
    if columns != sent_columns(table):
        raise FeatureNotSupported("COPY FROM in binary format must read every column of the "
                                  "foreign table, in order")
    conn = ctx.remote().get(table.server)
    tag = copy_in(conn, remote_copy_sql(table, (_BINARY,)), chunks)
    conn.modified = True
    return int(tag.split()[-1]) if tag.startswith("COPY ") else 0


def copy_query_binary(stmt: ast.CopyStmt, opts: CopyOptions, ctx: Any) -> int:
    """Stream the remote server's binary COPY of the query; the number of rows."""
    from fdwsh.remote.copy import copy_out

    plan = plan_query(stmt.query, ctx.lookup())
    if isinstance(plan, LocalQuery):
        raise FeatureNotSupported(
            "COPY (query) TO in binary format needs a query that runs whole on one server",
            detail="; ".join(plan.reasons) or None)
    sql = RawStream()(ast.CopyStmt(query=plan.tree, is_from=False, is_program=False,
                                   options=(_BINARY,)))
    out = ctx.copy.out
    out.flush()
    sink = getattr(out, "buffer", out)
    conn = ctx.remote().get(plan.server)
    tag = copy_out(conn, sql, sink.write)
    sink.flush()
    return int(tag.split()[-1]) if tag.startswith("COPY ") else 0
