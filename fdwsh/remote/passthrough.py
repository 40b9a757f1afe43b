"""A pass-through session on one server (``\\c SERVER``): statements go there as typed.

The connection is the server's own kind of session, opened with the effective user mapping
like a federated one but not pinned (the user's search_path, TimeZone and DateStyle are the
server's defaults) and in autocommit: BEGIN/COMMIT typed by the user are the server's.  Each
statement's results come back as :class:`~fdwsh.output.result.Result` s in psql's shape (rows
as the server's text, column types by format_type) and errors as psql shows a server's: message,
DETAIL, HINT, CONTEXT and the cursor position for LINE/caret.
"""

from __future__ import annotations

from collections.abc import Callable, Iterator

from psycopg import pq

from fdwsh.errors import FdwshError, Notice
from fdwsh.output.result import Column, Result
from fdwsh.remote import errors as rerr
from fdwsh.remote.libpq import connect_pgconn
from fdwsh.remote.link import RemoteConnection
from fdwsh.remote.wire import ST, command_tag

_POSITION = ord("P")  # PG_DIAG_STATEMENT_POSITION


class PassThrough:
    """The server a ``\\c`` session talks to."""

    def __init__(self, server_name: str, conn: RemoteConnection) -> None:
        self.server_name = server_name
        self.conn = conn

    @classmethod
    def open(cls, server_name: str, conninfo: str, *, require_password: bool = False
             ) -> PassThrough:
        pgconn = connect_pgconn(conninfo, server_name, require_password=require_password)
        return cls(server_name, RemoteConnection(server_name, conninfo, pgconn))

    def identity(self) -> tuple[str, str]:
        """The database and user the session runs as."""
        wire = self.conn.wire
        return rerr.text(wire.db), rerr.text(wire.user)

    def close(self) -> None:
        self.conn.close()

    def run(self, sql: str, notice: Callable[[Notice], None]) -> Iterator[Result]:
        """Send ``sql`` (one or more statements, simple protocol); each statement's result in
        turn, the first failing one raised where it comes (the server skips the rest)."""
        conn = self.conn
        conn.on_notice = notice
        try:
            with conn.guard(sql):
                conn.wire.send_query(sql.encode())
                conn.flush()
                results = []
                while (res := conn.next_result()) is not None:
                    results.append(res)
        finally:
            conn.on_notice = None
        if conn.wire.status == pq.ConnStatus.BAD:
            raise conn.lost(None, None)
        return (self._result(res) for res in results)

    def _result(self, res: pq.PGresult) -> Result:
        if res.status == ST.FATAL_ERROR:
            raise _error(res)
        tag = command_tag([res])
        if res.status != ST.TUPLES_OK:
            return Result.command(tag)
        names = self.conn.type_names([(res.ftype(i), res.fmod(i)) for i in range(res.nfields)])
        columns = [Column(rerr.text(res.fname(i)), names[i]) for i in range(res.nfields)]
        rows = [[None if (v := res.get_value(r, c)) is None else rerr.text(v)
                 for c in range(res.nfields)] for r in range(res.ntuples)]
        return Result(columns, rows, status=tag if tag.split(" ")[0] in (
            "INSERT", "UPDATE", "DELETE", "MERGE") else None)


def _error(res: pq.PGresult) -> FdwshError:
    """The server's error as psql prints it (no 'remote SQL command' context: it was typed)."""
    def field(code: int) -> str | None:
        value = res.error_field(code)
        return None if value is None else rerr.text(value)

    position = field(_POSITION)
    return FdwshError(field(rerr.DIAG_MESSAGE_PRIMARY) or rerr.chomp(res.error_message),
                      sqlstate=field(rerr.DIAG_SQLSTATE) or "XX000",
                      detail=field(rerr.DIAG_MESSAGE_DETAIL), hint=field(rerr.DIAG_MESSAGE_HINT),
                      context=field(rerr.DIAG_CONTEXT),
                      position=int(position) if position and position.isdigit() else None)
