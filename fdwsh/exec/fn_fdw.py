"""postgres_fdw's SQL functions over the session's remote connections (connection.c):
``postgres_fdw_get_connections()``, ``postgres_fdw_disconnect(text)`` and
``postgres_fdw_disconnect_all()``.

They exist once ``CREATE EXTENSION postgres_fdw`` is in the catalog (the type checker sees to
that) and act on the session's ConnectionCache, reached through the evaluation context's
services (:mod:`fdwsh.exec.services`); the work itself is :mod:`fdwsh.remote.functions`.
A connection still inside a remote transaction is kept, with postgres_fdw's WARNING.
"""

from __future__ import annotations

from collections.abc import Callable, Iterator
from typing import Any

from fdwsh.exec.functions import factory
from fdwsh.exec.services import connection_cache, warner


@factory("postgres_fdw_get_connections()")
def _get_connections(node: Any, ctx: Any) -> Callable[[], Iterator[tuple[str | None, bool]]]:
    def get_connections() -> Iterator[tuple[str | None, bool]]:
        from fdwsh.remote.functions import get_connections as listing

        return iter(listing(connection_cache(ctx.services)))
    return get_connections


@factory("postgres_fdw_disconnect(text)")
def _disconnect(node: Any, ctx: Any) -> Callable[[str], bool]:
    def disconnect(server_name: str) -> bool:
        from fdwsh.remote.functions import disconnect as close

        return close(connection_cache(ctx.services), server_name, warner(ctx.services))
    return disconnect


@factory("postgres_fdw_disconnect_all()")
def _disconnect_all(node: Any, ctx: Any) -> Callable[[], bool]:
    def disconnect_all() -> bool:
        from fdwsh.remote.functions import disconnect_all as close_all

        return close_all(connection_cache(ctx.services), warner(ctx.services))
    return disconnect_all
