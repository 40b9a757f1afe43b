"""Streaming a remote query's rows as PostgreSQL's text output (postgres_fdw's fetch_more_data,
without its DECLARE/FETCH round trips).

Contract of :func:`start_stream` (``RemoteConnection.stream``):

1. One round trip — the implicit transaction's BEGIN at depth 0, Parse of the query as the unnamed
   statement, Describe — gives every column's name, type OID and typmod before any row (for an
   empty result too).  Errors in the SQL (a missing remote table or column) are raised here, with
   ``CONTEXT:  remote SQL command: SQL``.
2. Type names are ``format_type(oid, typmod)`` as the remote server spells them, asked once per
   connection for each pair not seen before (at most one more round trip; none once warm).
3. Bind + Execute run in libpq's chunked-rows mode (libpq 17+; single-row mode before): the server
   sends rows without waiting for a FETCH, libpq hands them over ``fetch_size`` at a time, and
   TCP flow control holds the server back while the consumer is busy, so memory stays bounded
   by one chunk however many rows the query returns.

Values are never converted: every column is read by psycopg's text loader (the only loader of an
otherwise empty adapters map, so each OID falls back to it), so a value is exactly the text the
server sent (decoded from UTF8) or None for NULL — what ``psql -A`` prints.

The default ``fetch_size``, measured on a 1M-row table (int, text, numeric, float8, timestamptz
columns; loopback, 2 cores; rows/s iterating row by row, median of 5 interleaved runs): 100 →
2.31 M, 1000 → 2.22 M, 5000 → 2.35 M, 10000 → 2.16 M — equal within the noise, because chunks are
not round trips; ``psql -c 'COPY (...) TO STDOUT'`` did 1.9 M in the same run (postgres_fdw's
DECLARE/FETCH with fetch_size 100: ≈ 0.5 M, NOTES.md).  So the size only trades memory per chunk
against per-chunk overhead: 1000.  A ``fetch_size`` table or server option (postgres_fdw's lookup
order: table, then server, see :func:`fetch_size_option`) overrides it.
"""

from __future__ import annotations

from collections import deque
from collections.abc import Iterable, Iterator, Sequence
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

import psycopg
from psycopg import pq
from psycopg.adapt import AdaptersMap, PyFormat, Transformer
from psycopg.types.string import TextLoader

from fdwsh.catalog.options import parse_int
from fdwsh.errors import FdwshError
from fdwsh.remote import errors as rerr
from fdwsh.remote import row_counts

if TYPE_CHECKING:
    from fdwsh.remote.link import RemoteConnection

DEFAULT_FETCH_SIZE = 1000
INVALID_OID = 0
ST = pq.ExecStatus

Row = tuple[str | None, ...]


@dataclass(frozen=True, slots=True)
class RemoteColumn:
    """One result column as the remote server describes it."""

    name: str
    type_oid: int
    type_modifier: int
    #: format_type(type_oid, type_modifier) on the remote (its search_path is pg_catalog, so
    #: types outside pg_catalog come schema-qualified, e.g. ``public.mood``).
    type_name: str


class _TextContext:
    """An adaptation context whose only loader is the text loader (see the module docstring)."""

    def __init__(self) -> None:
        self.adapters = AdaptersMap()
        self.adapters.register_loader(INVALID_OID, TextLoader)
        self.connection = None  # no connection: the text loader decodes UTF8, our client_encoding


_TEXT_CONTEXT = _TextContext()


def dump_params(params: Sequence[object]) -> tuple[list[Any] | None, Sequence[int] | None,
                                                     Sequence[Any] | None]:
    """Query parameters as libpq wants them: text values (None: NULL), type OIDs, formats.

    Python objects are adapted by psycopg's default dumpers (str goes as ``unknown`` so the
    server infers its type from the query, as postgres_fdw's text parameters are).
    """
    if not params:
        return None, None, None
    tx = Transformer()
    values = list(tx.dump_sequence(list(params), [PyFormat.TEXT] * len(params)))
    return values, tx.types, tx.formats


def fetch_size_option(*option_lists: Iterable[tuple[str, str]]) -> int:
    """``fetch_size`` from the first list that sets it (pass the table's, then the server's)."""
    for options in option_lists:
        for name, value in options:
            if name == "fetch_size":
                size = parse_int(value)
                if size is not None and size > 0:
                    return size
    return DEFAULT_FETCH_SIZE


def start_stream(conn: RemoteConnection, sql: str, params: Sequence[object],
                 fetch_size: int | None) -> RemoteResult:
    """Run ``sql`` on ``conn`` and return its :class:`RemoteResult` (module docstring: 1–3)."""
    size = DEFAULT_FETCH_SIZE if fetch_size is None else fetch_size
    if size < 1:
        raise ValueError("fetch_size must be positive")
    values, types, formats = dump_params(params)
    query = sql.encode()
    _, (described,) = conn.transaction_pipeline([
        (sql, lambda pg: pg.send_prepare(b"", query, types)),
        (sql, lambda pg: pg.send_describe_prepared(b"")),
    ])
    pairs = [(described.ftype(i), described.fmod(i)) for i in range(described.nfields)]
    reprepare = not conn.knows_types(pairs)  # looking names up drops the unnamed statement
    names = conn.type_names(pairs)
    columns = [RemoteColumn(rerr.text(described.fname(i)), oid, mod, name)
               for i, ((oid, mod), name) in enumerate(zip(pairs, names))]
    result = RemoteResult(conn, sql, columns)
    with conn.guard(sql):
        pg = conn.wire
        if reprepare:
            pg.send_query_params(query, values, types, formats)
        else:
            pg.send_query_prepared(b"", values, formats)
        _set_row_mode(pg, size)
        conn.flush()
    conn.activate(result)
    return result


def _set_row_mode(pg: pq.PGconn, size: int) -> None:
    if size > 1:
        try:
            pg.set_chunked_rows_mode(size)
            return
        except (psycopg.NotSupportedError, AttributeError):
            pass  # libpq < 17 or psycopg < 3.2
    pg.set_single_row_mode()


class RemoteResult:
    """The rows of one remote query, read as they arrive.

    Iterate it for rows (tuples of ``str | None``) or :meth:`chunks` for lists of up to
    ``fetch_size`` rows.  ``status`` is the command tag once the last row was read.  Leaving early
    needs :meth:`close` (or ``with``): it cancels the rest of the query on the server.  A remote
    error, a lost connection or Ctrl-C (KeyboardInterrupt) while reading raise FdwshError.
    """

    def __init__(self, conn: RemoteConnection, sql: str, columns: list[RemoteColumn]) -> None:
        self.columns = columns
        self.sql = sql
        self.status: str | None = None
        self._conn = conn
        self._tx = Transformer(_TEXT_CONTEXT)
        self._first = True
        self._buffer: deque[list[Row]] = deque()
        self._running = True  # results of ours are still on the wire
        self._error: FdwshError | None = None  # met while settling; raised when reached

    def __iter__(self) -> Iterator[Row]:
        for chunk in self.chunks():
            yield from chunk

    def chunks(self) -> Iterator[list[Row]]:
        """The rows in the chunks they arrive in."""
        while True:
            if self._buffer:
                yield self._buffer.popleft()
            elif self._error is not None:
                err, self._error = self._error, None
                raise err
            elif not self._running:
                return
            elif (chunk := self._read_chunk()) is not None:
                yield chunk

    def close(self) -> None:
        """Stop reading: cancel what the server is still sending and drop buffered rows."""
        self._buffer.clear()
        if not self._running:
            return
        self._stop()
        conn = self._conn
        if not conn.closed:
            conn.interrupted()
            conn.note_abandoned()

    def __enter__(self) -> RemoteResult:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()

    # -- reading -----------------------------------------------------------------------------

    def _read_chunk(self) -> list[Row] | None:
        """The next chunk of rows; None when the result ended (the wire is free again)."""
        try:
            with self._conn.guard(self.sql):
                res = self._conn.next_result()
                if res is not None and res.status in (ST.TUPLES_CHUNK, ST.SINGLE_TUPLE):
                    self._note_tag(res)
                    return self._load(res)
                rows = self._finish(res)
        except BaseException:
            self._stop()
            raise
        self._stop()
        return rows

    def _finish(self, res: pq.PGresult | None) -> list[Row] | None:
        """The last result: the command tag (or the error), then drain to the end."""
        conn = self._conn
        rows = None
        if res is not None and res.status in (ST.TUPLES_OK, ST.COMMAND_OK):
            self._note_tag(res)
            rows = self._load(res) if res.ntuples else None
        error = None
        if res is not None and res.status not in (ST.TUPLES_OK, ST.COMMAND_OK):
            error = res
        while (extra := conn.next_result()) is not None:
            error = error or (extra if extra.status == ST.FATAL_ERROR else None)
        if error is not None:
            raise conn.result_error(error, self.sql)
        if res is None and conn.closed:
            raise conn.lost(None, self.sql)
        return rows

    def _note_tag(self, res: pq.PGresult) -> None:
        """Keep the command tag (libpq may put it on the last chunk, see link.command_tag)."""
        if res.command_status:
            self.status = rerr.text(res.command_status)

    def _load(self, res: pq.PGresult) -> list[Row]:
        self._tx.set_pgresult(res, set_loaders=self._first)
        self._first = False
        row_counts.received(self._conn.server_name, res.ntuples)
        return self._tx.load_rows(0, res.ntuples, tuple)  # type: ignore[arg-type]

    def _stop(self) -> None:
        self._running = False
        self._conn.deactivate(self)

    # -- called by the connection ------------------------------------------------------------

    def _detach(self) -> None:
        """Read every remaining row into the buffer so that the wire is free for another command.

        An error met on the way is kept and raised where the reader reaches it.
        """
        try:
            while self._running:
                chunk = self._read_chunk()
                if chunk is not None:
                    self._buffer.append(chunk)
        except FdwshError as err:
            self._error = err

    def _orphan(self) -> None:
        """The connection closes under this result: what was not read is lost."""
        if self._running:
            self._running = False
            self._error = rerr.remote_error(None, b"no connection to the server\n", self.sql,
                                            lost=True)
