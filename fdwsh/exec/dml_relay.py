"""``INSERT INTO ft SELECT …`` whose source one *other* server runs whole: its rows are relayed
as the remote text they arrive in.

The source query goes to its server as fdwsh sends any query it pushes down (fdwsh.exec.
remote_query's plan: literals read in the session's styles), its rows stream in ``fetch_size``
chunks, and each value — already text in the remote session's styles, which the target server
reads the same way — goes on to the target in batches, without being parsed and printed again.
That holds when each source column is declared as the target column is (type, and typmod or
none); a column the source server sends with another type or typmod than declared is read
through the declared type's input function first, as postgres_fdw reads it.  Any other source
(types to coerce, unknown literals) is computed by fdwsh's executor (fdwsh.exec.dml_rows).
"""

from __future__ import annotations

from collections.abc import Callable, Iterator
from typing import Any

from pglast import ast

from fdwsh.exec.dml_rows import default_values, typed_source
from fdwsh.exec.dml_target import Target, remote_text
from fdwsh.types.settings import REMOTE

TextRow = tuple[str | None, ...]


def relayed_rows(stmt: ast.InsertStmt, target: Target, listed: list[int], ctx: Any
                 ) -> Iterator[TextRow] | None:
    """The new rows as remote text, streamed from the source's server (None: the source does
    not qualify)."""
    select = stmt.selectStmt
    if select is None or select.valuesLists:
        return None
    from fdwsh.exec.remote_query import _plan
    from fdwsh.plan.query import RemoteQuery

    plan = _plan(select, ctx.lookup(), ctx)
    if not isinstance(plan, RemoteQuery) or plan.server_id == target.table.server_id:
        return None
    listed, columns = typed_source(stmt, target, list(listed), ctx)
    wanted = [target.columns[i] for i in listed]
    if any(c.type != t.type or t.typmod not in (-1, c.typmod) for c, t in zip(columns, wanted)):
        return None
    missing = [i for i in range(len(target.columns)) if i not in listed]
    defaults = default_values(target, missing, ctx)
    default_texts = [(lambda fn=fn, text=remote_text(target.columns[i]): text(fn()))
                     for fn, i in zip(defaults, missing)]
    stream = ctx.remote().get(plan.server).stream(plan.sql, fetch_size=plan.fetch_size)
    readers = [_reader(r.type_oid, r.type_modifier, c.type, c.typmod)
               for r, c in zip(stream.columns, columns)]
    return _rows(stream, readers, listed, missing, default_texts, len(target.columns))


def _reader(sent: int, sent_mod: int, declared: int, declared_mod: int
            ) -> Callable[[str], str] | None:
    """None when the sent text is the declared type's; else the declared type's input."""
    if (sent, sent_mod) == (declared, declared_mod):
        return None
    from fdwsh.exec.values import format_output, parse_input

    return lambda text: format_output(declared, parse_input(declared, text, declared_mod,
                                                              REMOTE), REMOTE)


def _rows(stream: Any, readers: list[Callable[[str], str] | None], listed: list[int],
          missing: list[int], defaults: list[Callable[[], str | None]], width: int
          ) -> Iterator[TextRow]:
    slots = list(zip(listed, readers))
    filled = list(zip(missing, defaults))
    for remote in stream:
        row: list[str | None] = [None] * width
        for (index, read), text in zip(slots, remote):
            row[index] = text if read is None or text is None else read(text)
        for index, default in filled:
            row[index] = default()
        yield tuple(row)
