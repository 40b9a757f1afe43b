"""What a locally evaluated query may reach of the session besides values and settings.

Most functions compute from their arguments; a few act on the session: postgres_fdw's
``postgres_fdw_disconnect('srv')`` closes one of the session's remote connections, and whether
such a function exists at all depends on ``CREATE EXTENSION`` in the catalog.  Rather than give
the evaluator the session itself, the parser (``ParseState.services``) and the evaluator
(``EvalContext.services``) hold one object with the :class:`Services` shape —
:class:`fdwsh.sql.route.StatementContext` is one — and reach it through the helpers below, so
in-process callers without a session (tests, constant folding) simply pass none.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any, Protocol

from fdwsh.errors import FeatureNotSupported, Notice


class Services(Protocol):
    """The session services a statement offers (all optional for a duck-typed caller)."""

    #: Messages (WARNING, NOTICE) printed before the statement's result.
    notices: list[Notice]
    #: Opens (on first use) the session's remote ConnectionCache.
    remote: Callable[[], Any] | None

    def extension_schema(self, name: str) -> str | None:
        """The schema an installed extension's objects live in (None: not installed)."""

    def search_path(self) -> list[str]:
        """The schemas unqualified names are looked up in."""


def connection_cache(services: Any) -> Any:
    """The session's remote connection cache (postgres_fdw's ConnectionHash)."""
    opener = getattr(services, "remote", None)
    if opener is None:
        raise FeatureNotSupported("remote connections are not available in this context")
    return opener()


def warner(services: Any) -> Callable[[str], None]:
    """A function that reports ``WARNING:  message`` with the statement's result."""
    notices = getattr(services, "notices", None)

    def warn(message: str) -> None:
        if notices is not None:
            notices.append(Notice(message, severity="WARNING"))
    return warn


def extension_schema(services: Any, name: str) -> str | None:
    """Where extension ``name`` is installed (None: not installed, or no session)."""
    lookup = getattr(services, "extension_schema", None)
    return None if lookup is None else lookup(name)


def search_path(services: Any) -> list[str]:
    """The session's search path (PostgreSQL's default without a session)."""
    found = getattr(services, "search_path", None)
    return list(found()) if found is not None else ["public"]
