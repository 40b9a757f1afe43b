"""The remote side: connections to the PostgreSQL servers named in the catalog (postgres_fdw's
connection.c), streaming of remote rows, and (``deparse``) the remote SQL.

Only this package imports psycopg, and only when a connection is opened: ``connection``,
``params``, ``errors`` and ``functions`` import without it, so the session can hold a
:class:`~fdwsh.remote.connection.ConnectionCache` from the start at no cost.

Modules: ``connection`` (ConnectionCache), ``link`` (RemoteConnection: one connection, its remote
transaction, cancel), ``libpq`` (connecting, waiting), ``fetch`` (streaming rows as text),
``params`` (options → conninfo), ``errors`` (postgres_fdw's error texts), ``functions``
(postgres_fdw_get_connections / _disconnect / _disconnect_all).
"""
