"""``COPY (query) TO STDOUT (FORMAT binary)``: the remote server writes the binary data.

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
from fdwsh.plan.query import LocalQuery, plan_query


def copy_query_binary(stmt: ast.CopyStmt, opts: CopyOptions, ctx: Any) -> int:
    """Stream the remote server's binary COPY of the query; the number of rows."""
    from fdwsh.remote.copy import copy_out

    plan = plan_query(stmt.query, ctx.lookup())
    if isinstance(plan, LocalQuery):
        raise FeatureNotSupported(
            "COPY (query) TO in binary format needs a query that runs whole on one server",
            detail="; ".join(plan.reasons) or None)
    binary = ast.DefElem(defname="format", arg=ast.String(sval="binary"))
    sql = RawStream()(ast.CopyStmt(query=plan.tree, is_from=False, is_program=False,
                                   options=(binary,)))
    out = ctx.copy.out
    out.flush()
    sink = getattr(out, "buffer", out)
    conn = ctx.remote().get(plan.server)
    tag = copy_out(conn, sql, sink.write)
    sink.flush()
    return int(tag.split()[-1]) if tag.startswith("COPY ") else 0
