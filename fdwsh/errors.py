"""The one error hierarchy of fdwsh.

Everything that goes wrong on the user's side of a statement is an :class:`FdwshError` carrying what
PostgreSQL's ErrorResponse carries (severity, SQLSTATE, message, detail, hint, context and a cursor
position), so that ``output/errors.py`` can render it once, exactly as psql renders a server error.
Remote errors are wrapped keeping the remote SQLSTATE.
"""

from __future__ import annotations

from dataclasses import dataclass


class FdwshError(Exception):
    """An error reported to the user as ``ERROR:  message`` (plus DETAIL/HINT/LINE lines)."""

    sqlstate = "XX000"

    def __init__(
        self,
        message: str,
        *,
        sqlstate: str | None = None,
        detail: str | None = None,
        hint: str | None = None,
        context: str | None = None,
        position: int | None = None,
        severity: str = "ERROR",
        internal_query: str | None = None,
    ) -> None:
        super().__init__(message)
        self.message = message
        if sqlstate is not None:
            self.sqlstate = sqlstate
        self.detail = detail
        self.hint = hint
        self.context = context
        #: 1-based character position in the statement text, as PostgreSQL's cursor position.
        self.position = position
        self.severity = severity
        #: A command fdwsh generated and ran for the statement (IMPORT FOREIGN SCHEMA's CREATE
        #: FOREIGN TABLE): when set, ``position`` points into it, as PostgreSQL's internal query.
        self.internal_query = internal_query


class StatementTimeout(KeyboardInterrupt):
    """``statement_timeout`` ran out: raised in the main thread by fdwsh.stmt_timeout's alarm.

    A KeyboardInterrupt, so that every path that stops a statement at Ctrl-C (cancel the remote
    command, drain or give the connection up, roll back) stops it at the timeout too; only the
    message differs (:func:`fdwsh.remote.errors.query_canceled`).
    """


class SyntaxErr(FdwshError):
    sqlstate = "42601"


def stack_depth_exceeded() -> FdwshError:
    """PostgreSQL's error for a statement nested too deeply (fdwsh: Python's recursion limit)."""
    return FdwshError("stack depth limit exceeded", sqlstate="54001",
                      hint='Increase the configuration parameter "max_stack_depth" (currently '
                           "2048kB), after ensuring the platform's stack depth limit is adequate.")


class UndefinedObject(FdwshError):
    sqlstate = "42704"


class DuplicateObject(FdwshError):
    sqlstate = "42710"


class InvalidParameterValue(FdwshError):
    sqlstate = "22023"


class DependentObjectsStillExist(FdwshError):
    sqlstate = "2BP01"


class FeatureNotSupported(FdwshError):
    sqlstate = "0A000"


class InvalidOptionName(FdwshError):
    """postgres_fdw's ERRCODE_FDW_INVALID_OPTION_NAME."""

    sqlstate = "HV00D"


class FatalError(Exception):
    """A client-side failure that ends a script with exit code 1 (psql's ``fdwsh: error: ...``)."""


@dataclass(frozen=True, slots=True)
class Notice:
    """A non-error message (``NOTICE:  ...``) emitted while a statement runs."""

    message: str
    severity: str = "NOTICE"
    detail: str | None = None
    hint: str | None = None
    #: 1-based cursor position in the statement, as for errors (e.g. a typmod WARNING).
    position: int | None = None
