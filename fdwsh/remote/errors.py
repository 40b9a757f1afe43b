"""Remote failures as FdwshError, worded exactly as postgres_fdw 15 words them.

Contract (checked against psql + postgres_fdw 15, see tests/test_remote_failures.py):

- :func:`could_not_connect` is connect_pg_server()'s failure: ``ERROR:  could not connect to
  server "NAME"`` with libpq's own message (trailing newline removed) as DETAIL, SQLSTATE 08001.
- :func:`remote_error` is pgfdw_report_error(): the remote SQLSTATE, primary message, DETAIL and
  HINT are kept; CONTEXT is the remote context (if any) followed by ``remote SQL command: SQL``.
  Without a remote SQLSTATE (the connection broke) the SQLSTATE is 08006 and the message is libpq's
  error text (``FATAL:  terminating connection ...``), as postgres_fdw reports it.  The severity
  is always ERROR: postgres_fdw re-raises every remote failure at the local ERROR level.
- :func:`query_canceled` is the local ``canceling statement due to user request`` (57014) that
  psql prints when Ctrl-C interrupts a foreign scan (``... due to statement timeout`` when the
  local ``statement_timeout`` did).

This module imports nothing of psycopg: a result is read through its ``error_field(code)`` method
(libpq's PQresultErrorField), so the psycopg-free parts of fdwsh can use the constructors.
"""

from __future__ import annotations

from typing import Protocol

from fdwsh.errors import FdwshError, Notice, StatementTimeout, UndefinedObject

UNABLE_TO_CONNECT = "08001"   # ERRCODE_SQLCLIENT_UNABLE_TO_ESTABLISH_SQLCONNECTION
CONNECTION_FAILURE = "08006"  # ERRCODE_CONNECTION_FAILURE
QUERY_CANCELED = "57014"      # ERRCODE_QUERY_CANCELED
STATEMENT_TIMEOUT = "canceling statement due to statement timeout"

# libpq's PG_DIAG_* field codes (postgres_ext.h): the byte that tags each ErrorResponse field.
DIAG_SEVERITY = ord("S")
DIAG_SQLSTATE = ord("C")
DIAG_MESSAGE_PRIMARY = ord("M")
DIAG_MESSAGE_DETAIL = ord("D")
DIAG_MESSAGE_HINT = ord("H")
DIAG_CONTEXT = ord("W")


class ErrorResult(Protocol):
    """What :func:`remote_error` needs of a failed result (a ``psycopg.pq.PGresult``)."""

    def error_field(self, fieldcode: int) -> bytes | None: ...


class RemoteConnectionLost(FdwshError):
    """The connection broke under a command; the link it came from is closed and unusable."""

    sqlstate = CONNECTION_FAILURE


def text(data: bytes | str | None) -> str:
    """Decode what libpq hands back (the remote session is UTF8; never fail on a stray byte)."""
    if data is None:
        return ""
    return data if isinstance(data, str) else data.decode("utf-8", "replace")


def chomp(message: bytes | str | None) -> str:
    """pchomp(): libpq messages end with a newline that PostgreSQL strips before reporting."""
    msg = text(message)
    return msg[:-1] if msg.endswith("\n") else msg


def could_not_connect(server_name: str, libpq_message: bytes | str | None) -> FdwshError:
    """connect_pg_server()'s ``could not connect to server "NAME"`` with libpq's reason."""
    return FdwshError(f'could not connect to server "{server_name}"',
                      sqlstate=UNABLE_TO_CONNECT, detail=chomp(libpq_message) or None)


def remote_error(result: ErrorResult | None, conn_message: bytes | str | None,
                 sql: str | None, *, lost: bool = False) -> FdwshError:
    """pgfdw_report_error(): a failed remote command as the local error postgres_fdw raises.

    ``conn_message`` is PQerrorMessage(conn), used when the result carries no primary message
    (libpq's own failures: a broken connection, an out-of-sync protocol).  ``lost`` makes it a
    :class:`RemoteConnectionLost` so callers can tell that the link is gone.
    """
    def field(code: int) -> str | None:
        value = result.error_field(code) if result is not None else None
        return None if value is None else text(value)

    message = field(DIAG_MESSAGE_PRIMARY) or chomp(conn_message)
    if not message:
        message = "could not obtain message string for remote error"
    contexts = [c for c in (field(DIAG_CONTEXT),
                            None if sql is None else f"remote SQL command: {sql}") if c]
    cls = RemoteConnectionLost if lost else FdwshError
    return cls(message, sqlstate=field(DIAG_SQLSTATE) or CONNECTION_FAILURE,
               detail=field(DIAG_MESSAGE_DETAIL), hint=field(DIAG_MESSAGE_HINT),
               context="\n".join(contexts) or None)


def remote_notice(result: ErrorResult) -> Notice:
    """A NOTICE/WARNING the remote server sent, as a :class:`~fdwsh.errors.Notice`."""
    def field(code: int) -> str | None:
        value = result.error_field(code)
        return None if value is None else text(value)

    return Notice(field(DIAG_MESSAGE_PRIMARY) or "", severity=field(DIAG_SEVERITY) or "NOTICE",
                  detail=field(DIAG_MESSAGE_DETAIL), hint=field(DIAG_MESSAGE_HINT))


def query_canceled(interrupt: BaseException | None = None) -> FdwshError:
    """What psql shows when Ctrl-C interrupts a statement: the local cancel, no remote CONTEXT;
    for a :class:`~fdwsh.errors.StatementTimeout`, PostgreSQL's statement-timeout cancel."""
    if isinstance(interrupt, StatementTimeout):
        return FdwshError(STATEMENT_TIMEOUT, sqlstate=QUERY_CANCELED)
    return FdwshError("canceling statement due to user request", sqlstate=QUERY_CANCELED)


def server_not_found(name: str) -> FdwshError:
    """GetForeignServerByName(name, false)'s error."""
    return UndefinedObject(f'server "{name}" does not exist')


def user_mapping_not_found(user: str) -> FdwshError:
    """GetUserMapping()'s error in PostgreSQL 15 (16 added the server name to the text)."""
    return UndefinedObject(f'user mapping not found for "{user}"')
