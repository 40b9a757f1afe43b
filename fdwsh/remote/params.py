"""Server and user-mapping options → the libpq connection string of a remote connection.

This is postgres_fdw's connect_pg_server() + ExtractConnectionOptions(): server options first,
then user-mapping options (a later keyword wins in libpq, so a mapping's ``sslcert`` overrides the
server's), keeping only the options libpq knows; the options that steer the wrapper itself
(``fetch_size``, ``keep_connections``, ``fdw_startup_cost`` …, and the mapping's
``password_required``) never reach libpq.  Then, as postgres_fdw does:

- ``fallback_application_name`` is ``fdwsh`` (postgres_fdw says ``postgres_fdw``): a server's
  ``application_name`` option, else ``$PGAPPNAME``, else ``fdwsh`` names the remote session;
- ``client_encoding`` is ``UTF8``, the encoding fdwsh's own session uses.

Whatever is not given falls to libpq's defaults and environment (``PGHOST``, ``PGUSER`` …), as it
does for postgres_fdw inside the server.  In particular no password is made up: without a
``password`` option libpq reads ``~/.pgpass`` (or ``$PGPASSFILE``, or the server's ``passfile``).

postgres_fdw refuses a non-superuser whose mapping has no password (``password_required``); the
local fdwsh user owns the catalog and counts as a superuser, so that check is not made here.

The string is built by ``psycopg.conninfo.make_conninfo`` (quoting is libpq's, never ours);
psycopg is imported only when a string is actually built.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping

from fdwsh.catalog.options import SERVER, VALID_OPTIONS

DEFAULT_APPLICATION_NAME = "fdwsh"
CLIENT_ENCODING = "UTF8"

#: Options of postgres_fdw itself (option.c's non-libpq entries): never passed to libpq.
FDW_OPTIONS = frozenset({
    "use_remote_estimate", "fdw_startup_cost", "fdw_tuple_cost", "extensions", "updatable",
    "truncatable", "fetch_size", "batch_size", "async_capable", "parallel_commit",
    "keep_connections", "password_required",
})

#: The user-mapping options that are libpq connection options.
USER_MAPPING_LIBPQ_OPTIONS = ("user", "password", "sslpassword", "sslcert", "sslkey")

#: Every option name postgres_fdw hands to libpq (is_libpq_option()).
LIBPQ_OPTIONS = frozenset(name for name in VALID_OPTIONS[SERVER]
                          if name not in FDW_OPTIONS) | frozenset(USER_MAPPING_LIBPQ_OPTIONS)

Options = Iterable[tuple[str, str]]


def is_libpq_option(name: str) -> bool:
    """Whether postgres_fdw passes option ``name`` to libpq."""
    return name in LIBPQ_OPTIONS


def connection_params(server_options: Options, mapping_options: Options, *,
                      application_name: str = DEFAULT_APPLICATION_NAME) -> dict[str, str]:
    """The libpq keywords and values for one (server, user mapping) pair, in libpq's order."""
    params: dict[str, str] = {}
    for name, value in [*server_options, *mapping_options]:
        if is_libpq_option(name):
            params.pop(name, None)  # a repeated keyword moves to its last place, as in libpq
            params[name] = value
    params["fallback_application_name"] = application_name
    params["client_encoding"] = CLIENT_ENCODING
    return params


def build_conninfo(server_options: Options, mapping_options: Options, *,
                   application_name: str = DEFAULT_APPLICATION_NAME) -> str:
    """The libpq connection string for one (server, user mapping) pair."""
    from psycopg.conninfo import make_conninfo

    return make_conninfo("", **connection_params(server_options, mapping_options,
                                                  application_name=application_name))


def option_value(options: Mapping[str, str] | Options, name: str) -> str | None:
    """The value of option ``name`` in an option list (None when absent)."""
    items = options.items() if isinstance(options, Mapping) else options
    for key, value in items:
        if key == name:
            return value
    return None
