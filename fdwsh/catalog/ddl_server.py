"""CREATE/ALTER/DROP SERVER and USER MAPPING, as PostgreSQL 15's foreigncmds.c runs them.

Contract: each handler takes its pglast statement and the :class:`DdlContext`, makes the checks
PostgreSQL makes in PostgreSQL's order (so the first error is the one PostgreSQL reports), and
changes the catalog; the dispatcher wraps it in one catalog transaction and returns the tag.
"""

from __future__ import annotations

from pglast import ast

from fdwsh.catalog import ddl_depend, objects
from fdwsh.catalog.context import DdlContext
from fdwsh.catalog.ddl_common import (apply_options, mapping_user, role_name,
                                      server_validator)
from fdwsh.catalog.objects import Row
from fdwsh.catalog.options import SERVER, USER_MAPPING
from fdwsh.catalog.store import dump_options
from fdwsh.errors import DuplicateObject, UndefinedObject


def _server(ctx: DdlContext, name: str) -> Row:
    """GetForeignServerByName(..., false)."""
    row = objects.get_server(ctx.store.db, name)
    if row is None:
        raise UndefinedObject(f'server "{name}" does not exist')
    return row


def create_server(stmt: ast.CreateForeignServerStmt, ctx: DdlContext) -> None:
    db = ctx.store.db
    if objects.get_server(db, stmt.servername) is not None:
        if stmt.if_not_exists:
            ctx.notice(f'server "{stmt.servername}" already exists, skipping')
            return
        raise DuplicateObject(f'server "{stmt.servername}" already exists')
    fdw = objects.get_fdw(db, stmt.fdwname)
    if fdw is None:
        raise UndefinedObject(f'foreign-data wrapper "{stmt.fdwname}" does not exist')
    opts = apply_options(ctx, [], stmt.options, SERVER, fdw["validator"])
    db.execute("INSERT INTO server (id, name, fdw_id, owner, type, version, options)"
               " VALUES (?, ?, ?, ?, ?, ?, ?)",
               (objects.next_oid(db), stmt.servername, fdw["id"], ctx.user, stmt.servertype,
                stmt.version, dump_options(opts)))


def alter_server(stmt: ast.AlterForeignServerStmt, ctx: DdlContext) -> None:
    db = ctx.store.db
    server = _server(ctx, stmt.servername)
    if stmt.has_version:
        db.execute("UPDATE server SET version = ? WHERE id = ?", (stmt.version, server["id"]))
    if stmt.options:
        opts = apply_options(ctx, objects.options_of(server), stmt.options, SERVER,
                             server_validator(ctx, server))
        objects.set_options(db, "server", "id", server["id"], opts)


def rename_server(stmt: ast.RenameStmt, ctx: DdlContext) -> None:
    """AlterObjectRename_internal(): the new name must be free."""
    server = _server(ctx, stmt.object.sval)
    if objects.get_server(ctx.store.db, stmt.newname) is not None:
        raise DuplicateObject(f'server "{stmt.newname}" already exists')
    ctx.store.db.execute("UPDATE server SET name = ? WHERE id = ?", (stmt.newname, server["id"]))


def server_owner(stmt: ast.AlterOwnerStmt, ctx: DdlContext) -> None:
    owner = role_name(ctx, stmt.newowner)
    server = _server(ctx, stmt.object.sval)
    ctx.store.db.execute("UPDATE server SET owner = ? WHERE id = ?", (owner, server["id"]))


def drop_servers(stmt: ast.DropStmt, ctx: DdlContext) -> None:
    ddl_depend.drop_by_name(stmt, ctx, ddl_depend.SERVER, objects.get_server)


# --- user mappings ---------------------------------------------------------------------------

def create_user_mapping(stmt: ast.CreateUserMappingStmt, ctx: DdlContext) -> None:
    db = ctx.store.db
    user = mapping_user(ctx, stmt.user)
    server = _server(ctx, stmt.servername)
    if objects.get_user_mapping(db, server["id"], user) is not None:
        message = f'user mapping for "{user}" already exists for server "{stmt.servername}"'
        if stmt.if_not_exists:
            ctx.notice(message + ", skipping")
            return
        raise DuplicateObject(message)
    opts = apply_options(ctx, [], stmt.options, USER_MAPPING, server_validator(ctx, server))
    db.execute("INSERT INTO user_mapping (id, server_id, user_name, options) VALUES (?, ?, ?, ?)",
               (objects.next_oid(db), server["id"], user, dump_options(opts)))


def _mapping_missing(user: str, server: str) -> str:
    return f'user mapping for "{user}" does not exist for server "{server}"'


def alter_user_mapping(stmt: ast.AlterUserMappingStmt, ctx: DdlContext) -> None:
    db = ctx.store.db
    user = mapping_user(ctx, stmt.user)
    server = _server(ctx, stmt.servername)
    mapping = objects.get_user_mapping(db, server["id"], user)
    if mapping is None:
        raise UndefinedObject(_mapping_missing(user, stmt.servername))
    if stmt.options:
        opts = apply_options(ctx, objects.options_of(mapping), stmt.options, USER_MAPPING,
                             server_validator(ctx, server))
        objects.set_options(db, "user_mapping", "id", mapping["id"], opts)


def drop_user_mapping(stmt: ast.DropUserMappingStmt, ctx: DdlContext) -> None:
    db = ctx.store.db
    user = mapping_user(ctx, stmt.user)
    server = objects.get_server(db, stmt.servername)
    if server is None:
        if not stmt.missing_ok:
            raise UndefinedObject(f'server "{stmt.servername}" does not exist')
        ctx.notice(f'server "{stmt.servername}" does not exist, skipping')
        return
    mapping = objects.get_user_mapping(db, server["id"], user)
    if mapping is None:
        if not stmt.missing_ok:
            raise UndefinedObject(_mapping_missing(user, stmt.servername))
        ctx.notice(_mapping_missing(user, stmt.servername) + ", skipping")
        return
    db.execute("DELETE FROM user_mapping WHERE id = ?", (mapping["id"],))
