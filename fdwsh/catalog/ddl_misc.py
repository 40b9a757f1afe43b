"""CREATE/DROP EXTENSION, CREATE/DROP SCHEMA and COMMENT ON, as PostgreSQL 15 runs them.

Contract: as for the other ``ddl_*`` modules, each handler checks what PostgreSQL checks, in its
order, with its messages, and then changes the catalog.  Only the postgres_fdw extension exists
(its versions 1.0 and 1.1); creating it also creates its foreign-data wrapper, as its install
script does, and the wrapper is dropped with it as an extension member.
"""

from __future__ import annotations

from pglast import ast

from fdwsh.catalog import ddl_depend, objects
from fdwsh.catalog.context import DdlContext
from fdwsh.catalog.ddl_common import SYSTEM_COLUMNS, lookup_table, missing_schema, pos, role_name
from fdwsh.errors import (DuplicateObject, FdwshError, FeatureNotSupported,
                          InvalidParameterValue, SyntaxErr, UndefinedObject)

#: Extensions fdwsh can "install": name → (default version, installable versions, comment),
#: as postgres_fdw.control of PostgreSQL 15 says.
AVAILABLE_EXTENSIONS = {"postgres_fdw": ("1.1", ("1.0", "1.1"),
                                         "foreign-data wrapper for remote PostgreSQL servers")}
FDW_HANDLER = "postgres_fdw_handler"
FDW_VALIDATOR = "postgres_fdw_validator"


def _check_extension_name(name: str) -> None:
    """extension.c check_valid_extension_name()."""
    problem = None
    if not name:
        problem = "Extension names must not be empty."
    elif "--" in name:
        problem = 'Extension names must not contain "--".'
    elif name[0] == "-" or name[-1] == "-":
        problem = 'Extension names must not begin or end with "-".'
    elif "/" in name:
        problem = "Extension names must not contain directory separator characters."
    if problem:
        raise InvalidParameterValue(f'invalid extension name: "{name}"', detail=problem)


def _extension_options(stmt: ast.CreateExtensionStmt) -> dict[str, ast.DefElem]:
    seen: dict[str, ast.DefElem] = {}
    for opt in stmt.options or ():
        if opt.defname in seen:
            raise SyntaxErr("conflicting or redundant options", position=pos(opt))
        seen[opt.defname] = opt
    return seen


def create_extension(stmt: ast.CreateExtensionStmt, ctx: DdlContext) -> None:
    db, name = ctx.store.db, stmt.extname
    _check_extension_name(name)
    if objects.get_extension(db, name) is not None:
        if stmt.if_not_exists:
            ctx.notice(f'extension "{name}" already exists, skipping')
            return
        raise DuplicateObject(f'extension "{name}" already exists')
    opts = _extension_options(stmt)
    if name not in AVAILABLE_EXTENSIONS:
        raise FeatureNotSupported(
            f'extension "{name}" is not available',
            detail="fdwsh provides only the postgres_fdw extension.",
            hint="The extension must first be installed on the system where PostgreSQL is "
                 "running.")
    default, versions, description = AVAILABLE_EXTENSIONS[name]
    version = opts["new_version"].arg.sval if "new_version" in opts else default
    if version not in versions:
        raise InvalidParameterValue(f'extension "{name}" has no installation script nor update '
                                    f'path for version "{version}"')
    schema = _extension_schema(ctx, opts.get("schema"))
    oid = objects.next_oid(db)
    db.execute("INSERT INTO extension (rowid, name, version, schema, owner, comment)"
               " VALUES (?, ?, ?, ?, ?, ?)", (oid, name, version, schema, ctx.user, description))
    db.execute("INSERT INTO fdw (id, name, owner, handler, validator, extension)"
               " VALUES (?, ?, ?, ?, ?, ?)",
               (oid + 1, name, ctx.user, FDW_HANDLER, FDW_VALIDATOR, name))


def _extension_schema(ctx: DdlContext, opt: ast.DefElem | None) -> str:
    if opt is not None:
        if objects.get_schema(ctx.store.db, opt.arg.sval) is None:
            raise missing_schema(opt.arg.sval)
        return opt.arg.sval
    schema = objects.creation_schema(ctx.store.db, ctx.user, ctx.search_path)
    if schema is None:
        raise FdwshError("no schema has been selected to create in", sqlstate="3F000")
    return schema["name"]


def drop_extensions(stmt: ast.DropStmt, ctx: DdlContext) -> None:
    ddl_depend.drop_by_name(stmt, ctx, ddl_depend.EXTENSION, objects.get_extension)


# --- schemas ---------------------------------------------------------------------------------

def create_schema(stmt: ast.CreateSchemaStmt, ctx: DdlContext) -> None:
    """CreateSchemaCommand(): owner, reserved names, IF NOT EXISTS, then the duplicate."""
    db = ctx.store.db
    owner = role_name(ctx, stmt.authrole) if stmt.authrole is not None else ctx.user
    name = stmt.schemaname or owner
    if name.startswith("pg_"):
        raise FdwshError(f'unacceptable schema name "{name}"', sqlstate="42939",
                         detail='The prefix "pg_" is reserved for system schemas.')
    if stmt.if_not_exists and objects.get_schema(db, name) is not None:
        ctx.notice(f'schema "{name}" already exists, skipping')
        return
    if stmt.schemaElts:
        raise FeatureNotSupported("CREATE SCHEMA ... CREATE is not supported by fdwsh",
                                  position=pos(stmt.schemaElts[0]))
    if objects.get_schema(db, name) is not None:
        raise FdwshError(f'schema "{name}" already exists', sqlstate="42P06")
    db.execute("INSERT INTO schema (id, name, owner) VALUES (?, ?, ?)",
               (objects.next_oid(db), name, owner))


def drop_schemas(stmt: ast.DropStmt, ctx: DdlContext) -> None:
    ddl_depend.drop_by_name(stmt, ctx, ddl_depend.SCHEMA, objects.get_schema, missing_schema)


# --- COMMENT ON ------------------------------------------------------------------------------

def _named(ctx: DdlContext, table: str, name: str, kind: str) -> int:
    row = ctx.store.db.execute(f"SELECT rowid FROM {table} WHERE name = ?", (name,)).fetchone()
    if row is None:
        if kind == "schema":
            raise missing_schema(name)
        raise UndefinedObject(f'{kind} "{name}" does not exist')
    return int(row[0])


def _rangevar(names: list[str]) -> ast.RangeVar:
    """makeRangeVarFromNameList()."""
    if len(names) > 3:
        raise SyntaxErr("improper relation name (too many dotted names): " + ".".join(names))
    parts = [None] * (3 - len(names)) + names
    return ast.RangeVar(catalogname=parts[0], schemaname=parts[1], relname=parts[2])


def comment(stmt: ast.CommentStmt, ctx: DdlContext) -> None:
    """CommentObject(); an empty comment removes it, as PostgreSQL does."""
    db, kind = ctx.store.db, stmt.objtype.name
    text = stmt.comment or None
    simple = {"OBJECT_FOREIGN_SERVER": ("server", "server"), "OBJECT_SCHEMA": ("schema", "schema"),
              "OBJECT_EXTENSION": ("extension", "extension"),
              "OBJECT_FDW": ("fdw", "foreign-data wrapper")}
    if kind in simple:
        table, label = simple[kind]
        rowid = _named(ctx, table, stmt.object.sval, label)
        db.execute(f"UPDATE {table} SET comment = ? WHERE rowid = ?", (text, rowid))
        return
    names = [n.sval for n in stmt.object]
    if kind == "OBJECT_FOREIGN_TABLE":
        found = lookup_table(ctx, _rangevar(names))
        db.execute("UPDATE foreign_table SET comment = ? WHERE id = ?", (text, found["id"]))
        return
    if len(names) < 2:
        raise SyntaxErr("column name must be qualified")
    found = lookup_table(ctx, _rangevar(names[:-1]))
    if names[-1] in SYSTEM_COLUMNS:
        return  # PostgreSQL keeps it, but no listing ever shows a system column's comment
    column = objects.get_column(db, found["id"], names[-1])
    if column is None:
        raise FdwshError(f'column "{names[-1]}" of relation "{".".join(names[:-1])}" does not '
                         "exist", sqlstate="42703")
    db.execute("UPDATE foreign_column SET comment = ? WHERE table_id = ? AND attnum = ?",
               (text, found["id"], column["attnum"]))
