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

``password_required``: postgres_fdw makes a non-superuser's connection carry the mapping's own
password, and the server must really ask for it, unless a superuser set ``password_required
'false'``.  The local fdwsh user owns the catalog and counts as a superuser, so without the
option nothing is checked; a mapping that says ``password_required 'true'`` opts into the
non-superuser rules (a shared catalog can insist that no connection rides on the machine's
``trust``/``peer`` authentication, ``~/.pgpass`` or ``$PGPASSWORD``): :func:`connection_params`
refuses a mapping without a non-empty ``password`` (check_conn_params()) and
:func:`fdwsh.remote.libpq.connect_pgconn` a connection the server let in without asking for it.

The string is built by ``psycopg.conninfo.make_conninfo`` (quoting is libpq's, never ours);
psycopg is imported only when a string is actually built.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping

from fdwsh.catalog.options import SERVER, VALID_OPTIONS, parse_boolean_option
from fdwsh.errors import FdwshError

DEFAULT_APPLICATION_NAME = "fdwsh"
PROHIBITED = "2F003"  # ERRCODE_S_R_E_PROHIBITED_SQL_STATEMENT_ATTEMPTED
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
    if password_required(mapping_options) and not params.get("password"):
        raise FdwshError("password is required", sqlstate=PROHIBITED,
                         detail="Non-superusers must provide a password in the user mapping.")
    return params


def password_required(mapping_options: Options) -> bool:
    """Whether the mapping opted into postgres_fdw's non-superuser password rules (see the
    module docstring): ``password_required 'true'`` given explicitly."""
    value = option_value(list(mapping_options), "password_required")
    return value is not None and parse_boolean_option("password_required", value)


def password_not_requested() -> FdwshError:
    """connect_pg_server()'s error when the server let a password-required mapping in without
    asking for the password."""
    return FdwshError("password is required", sqlstate=PROHIBITED,
                      detail="Non-superuser cannot connect if the server does not request a "
                             "password.",
                      hint="Target server's authentication method must be changed or "
                           "password_required=false set in the user mapping attributes.")


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
