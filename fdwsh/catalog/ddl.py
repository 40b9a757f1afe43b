"""The catalog DDL dispatcher: which statements are catalog DDL, and running one.

Contract:

- ``is_ddl(stmt)`` is true for the pglast statement nodes (``RawStmt.stmt``) this package runs:
  CREATE/DROP EXTENSION, CREATE/ALTER/DROP SERVER, CREATE/ALTER/DROP USER MAPPING,
  CREATE/DROP SCHEMA, CREATE/ALTER/DROP FOREIGN TABLE and COMMENT ON a server, foreign table,
  column, schema, extension or foreign-data wrapper.
- ``execute(stmt, ctx)`` runs one of them inside a single catalog transaction (a failure changes
  nothing), emits notices through ``ctx.notice`` and returns ``Result.command(TAG)`` with the tag
  PostgreSQL reports; errors are :class:`~fdwsh.errors.FdwshError` with PostgreSQL's SQLSTATE,
  message, detail, hint and cursor position.

Handlers are named ``"module.function"`` (modules of this package) and imported when their
statement first runs: the router asks ``is_ddl`` of every statement, and a query or a CREATE
SERVER should not load the foreign-table machinery (pglast's printers, type parsing).
"""

from __future__ import annotations

import importlib
from collections.abc import Callable

from pglast import ast

from fdwsh.catalog.context import DdlContext
from fdwsh.output.result import Result

Handler = Callable[[ast.Node, DdlContext], None]
#: A handler's ``"module.function"`` within fdwsh.catalog.
HandlerName = str

_DROPS: dict[str, tuple[str, HandlerName]] = {
    "OBJECT_EXTENSION": ("DROP EXTENSION", "ddl_misc.drop_extensions"),
    "OBJECT_FOREIGN_SERVER": ("DROP SERVER", "ddl_server.drop_servers"),
    "OBJECT_SCHEMA": ("DROP SCHEMA", "ddl_misc.drop_schemas"),
    "OBJECT_FOREIGN_TABLE": ("DROP FOREIGN TABLE", "ddl_alter.drop_foreign_tables"),
}
_COMMENT_TARGETS = frozenset({"OBJECT_FOREIGN_SERVER", "OBJECT_FOREIGN_TABLE", "OBJECT_COLUMN",
                              "OBJECT_SCHEMA", "OBJECT_EXTENSION", "OBJECT_FDW"})
_SIMPLE: dict[type, tuple[str, HandlerName]] = {
    ast.CreateExtensionStmt: ("CREATE EXTENSION", "ddl_misc.create_extension"),
    ast.CreateForeignServerStmt: ("CREATE SERVER", "ddl_server.create_server"),
    ast.AlterForeignServerStmt: ("ALTER SERVER", "ddl_server.alter_server"),
    ast.CreateUserMappingStmt: ("CREATE USER MAPPING", "ddl_server.create_user_mapping"),
    ast.AlterUserMappingStmt: ("ALTER USER MAPPING", "ddl_server.alter_user_mapping"),
    ast.DropUserMappingStmt: ("DROP USER MAPPING", "ddl_server.drop_user_mapping"),
    ast.CreateSchemaStmt: ("CREATE SCHEMA", "ddl_misc.create_schema"),
    ast.CreateForeignTableStmt: ("CREATE FOREIGN TABLE", "ddl_table.create_foreign_table"),
}


def _kind(value: object) -> str:
    return getattr(value, "name", str(value))


def _route(stmt: ast.Node) -> tuple[str, HandlerName] | None:
    """The command tag and handler for ``stmt``, or None when it is not catalog DDL."""
    if type(stmt) in _SIMPLE:
        return _SIMPLE[type(stmt)]
    if isinstance(stmt, ast.DropStmt):
        return _DROPS.get(_kind(stmt.removeType))
    if isinstance(stmt, ast.RenameStmt):
        kind = _kind(stmt.renameType)
        if kind == "OBJECT_FOREIGN_SERVER":
            return "ALTER SERVER", "ddl_server.rename_server"
        if kind == "OBJECT_FOREIGN_TABLE" or (
                kind == "OBJECT_COLUMN" and _kind(stmt.relationType) == "OBJECT_FOREIGN_TABLE"):
            return "ALTER FOREIGN TABLE", "ddl_alter.rename"
        return None
    if isinstance(stmt, ast.AlterOwnerStmt) and _kind(stmt.objectType) == "OBJECT_FOREIGN_SERVER":
        return "ALTER SERVER", "ddl_server.server_owner"
    if isinstance(stmt, ast.AlterTableStmt) and _kind(stmt.objtype) == "OBJECT_FOREIGN_TABLE":
        return "ALTER FOREIGN TABLE", "ddl_alter.alter_foreign_table"
    if isinstance(stmt, ast.AlterObjectSchemaStmt) and _kind(
            stmt.objectType) == "OBJECT_FOREIGN_TABLE":
        return "ALTER FOREIGN TABLE", "ddl_alter.set_schema"
    if isinstance(stmt, ast.CommentStmt) and _kind(stmt.objtype) in _COMMENT_TARGETS:
        return "COMMENT", "ddl_misc.comment"
    return None


def is_ddl(stmt: ast.Node) -> bool:
    """Whether ``stmt`` (a RawStmt's ``stmt``) is a catalog statement :func:`execute` runs."""
    return _route(stmt) is not None


def execute(stmt: ast.Node, ctx: DdlContext) -> Result:
    """Run one catalog statement atomically and return its command tag."""
    route = _route(stmt)
    if route is None:
        raise ValueError(f"not a catalog statement: {type(stmt).__name__}")
    tag, name = route
    handler = _handler(name)
    with ctx.store.transaction():
        handler(stmt, ctx)
    return Result.command(tag)


def _handler(name: HandlerName) -> Handler:
    """Import the handler's module (once) and return the function."""
    module, _, function = name.partition(".")
    handler: Handler = getattr(importlib.import_module(f"fdwsh.catalog.{module}"), function)
    return handler
