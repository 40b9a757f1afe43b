"""Helpers every DDL handler uses: positions, roles, generic options, relation lookup.

Contract: the functions here raise PostgreSQL's errors for the situations they look up (a role
spec naming PUBLIC where a role is needed, a missing schema or relation, bad options), so that
each handler reads as the sequence of checks PostgreSQL makes, in PostgreSQL's order.
"""

from __future__ import annotations

import json
from collections.abc import Iterable

from pglast import ast
from pglast.enums import RoleSpecType
from pglast.parser import ParseError, parse_sql_json

from fdwsh.catalog import objects, options
from fdwsh.catalog.context import DdlContext
from fdwsh.catalog.objects import Row
from fdwsh.catalog.store import Options
from fdwsh.errors import FdwshError, FeatureNotSupported, UndefinedObject

PUBLIC = "public"
POSTGRES_FDW_VALIDATOR = "postgres_fdw_validator"
#: Names a column may not take (PostgreSQL's system attributes).
SYSTEM_COLUMNS = frozenset({"tableoid", "cmax", "xmax", "cmin", "xmin", "ctid"})


def pos(node: object) -> int | None:
    """PostgreSQL's cursor position for a node: its pglast location + 1 (None if unknown)."""
    loc = getattr(node, "location", None)
    return None if loc is None or loc < 0 else loc + 1


def literal_positions(root: ast.Node, source: str) -> dict[int, int]:
    """Cursor positions of the constants (``A_Const``) under ``root``, keyed by ``id(node)``.

    pglast's Python nodes do not carry an A_Const's location, but its JSON parse tree does (in
    bytes): both list the same nodes in the same (struct field) order, so a parallel walk pairs
    them.
    """
    try:
        tree = json.loads(parse_sql_json(source))["stmts"]
    except (ParseError, KeyError, ValueError):
        return {}
    found: list[int | None] = []
    _json_consts(tree[0]["stmt"] if len(tree) == 1 else {}, found)
    nodes: list[ast.A_Const] = []
    _ast_consts(root, nodes)
    if len(found) != len(nodes):
        return {}
    encoded = source.encode()  # the JSON tree counts bytes; positions count characters
    return {id(n): len(encoded[:loc].decode(errors="ignore")) + 1
            for n, loc in zip(nodes, found) if loc is not None}


def _json_consts(value: object, out: list[int | None]) -> None:
    if isinstance(value, list):
        for item in value:
            _json_consts(item, out)
    elif isinstance(value, dict):
        if "A_Const" in value and len(value) == 1:
            out.append(value["A_Const"].get("location"))
            return
        for item in value.values():
            _json_consts(item, out)


def _ast_consts(value: object, out: list[ast.A_Const]) -> None:
    if isinstance(value, ast.A_Const):
        out.append(value)
    elif isinstance(value, tuple | list):
        for item in value:
            _ast_consts(item, out)
    elif isinstance(value, ast.Node):
        for name in value.__slots__:
            _ast_consts(getattr(value, name), out)


def warn(ctx: DdlContext, message: str, position: int | None = None) -> None:
    """Emit ``WARNING:  message``."""
    ctx.notice(message, severity="WARNING", position=position)  # type: ignore[arg-type]


def role_name(ctx: DdlContext, spec: ast.RoleSpec) -> str:
    """get_rolespec_oid(): the role a RoleSpec names (any name is a role in fdwsh)."""
    kind = spec.roletype
    if kind == RoleSpecType.ROLESPEC_CSTRING:
        return spec.rolename
    if kind == RoleSpecType.ROLESPEC_PUBLIC:
        raise UndefinedObject('role "public" does not exist')
    return ctx.user


def mapping_user(ctx: DdlContext, spec: ast.RoleSpec) -> str:
    """The user of a USER MAPPING: a role, or ``public`` for PUBLIC."""
    if spec.roletype == RoleSpecType.ROLESPEC_PUBLIC:
        return PUBLIC
    return role_name(ctx, spec)


def extension_installed(ctx: DdlContext, name: str) -> bool:
    return objects.get_extension(ctx.store.db, name) is not None


def apply_options(ctx: DdlContext, current: Options, defelems: Iterable[object] | None,
                  context: str, validator: str | None) -> Options:
    """transformGenericOptions(): apply OPTIONS (...) and run the wrapper's validator."""
    changes = options.changes_from_defelems(defelems)
    if validator != POSTGRES_FDW_VALIDATOR:
        return options.transform_options(current, changes, context, validate=False)
    return options.transform_options(
        current, changes, context, warn=lambda message: warn(ctx, message),
        extension_installed=lambda name: extension_installed(ctx, name))


def server_validator(ctx: DdlContext, server: Row) -> str | None:
    """The validator function of a server's foreign-data wrapper."""
    row = ctx.store.db.execute("SELECT validator FROM fdw WHERE id = ?",
                               (server["fdw_id"],)).fetchone()
    return row[0] if row else None


def check_database(rv: ast.RangeVar, position: int | None = None) -> None:
    """A three-part name must name the current database, which fdwsh does not have."""
    if rv.catalogname:
        raise FeatureNotSupported("cross-database references are not implemented: "
                                  f'"{rv.catalogname}.{rv.schemaname}.{rv.relname}"',
                                  position=position)


def without_position(error: FdwshError) -> FdwshError:
    """The same error reported where PostgreSQL has no statement text (no cursor position)."""
    error.position = None
    return error


def missing_schema(name: str, position: int | None = None) -> FdwshError:
    return FdwshError(f'schema "{name}" does not exist', sqlstate="3F000", position=position)


def lookup_table(ctx: DdlContext, rv: ast.RangeVar, *, missing_ok: bool = False) -> Row | None:
    """RangeVarGetRelidExtended(): the foreign table a RangeVar names, or None if missing_ok."""
    check_database(rv)
    db = ctx.store.db
    if rv.schemaname:
        schema = objects.get_schema(db, rv.schemaname)
        if schema is None:
            if missing_ok:
                return None
            raise missing_schema(rv.schemaname)
        table = objects.get_table(db, schema["id"], rv.relname)
    else:
        table = objects.find_table(db, ctx.user, rv.relname, ctx.search_path)
    if table is None and not missing_ok:
        name = f"{rv.schemaname}.{rv.relname}" if rv.schemaname else rv.relname
        raise FdwshError(f'relation "{name}" does not exist', sqlstate="42P01")
    return table


def creation_schema(ctx: DdlContext, rv: ast.RangeVar) -> Row:
    """RangeVarGetCreationNamespace(): where CREATE puts the relation (errors at the name)."""
    check_database(rv, pos(rv))
    if rv.schemaname:
        schema = objects.get_schema(ctx.store.db, rv.schemaname)
        if schema is None:
            raise missing_schema(rv.schemaname, pos(rv))
        return schema
    schema = objects.creation_schema(ctx.store.db, ctx.user, ctx.search_path)
    if schema is None:
        raise FdwshError("no schema has been selected to create in", sqlstate="3F000",
                         position=pos(rv))
    return schema
