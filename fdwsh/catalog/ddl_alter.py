"""ALTER FOREIGN TABLE (subcommands, RENAME, SET SCHEMA) and DROP FOREIGN TABLE (tablecmds.c).

Contract: an ALTER FOREIGN TABLE with several subcommands runs as PostgreSQL's ATController()
does: phase 1 examines the commands in order (ALTER COLUMN TYPE is checked there), phase 2
executes them by pass (drops, type changes, added columns, column attributes, defaults, then
options and owner), so that both the first error and the resulting column order are
PostgreSQL's.  Every change of one statement happens in the dispatcher's single transaction.
"""

from __future__ import annotations

from collections.abc import Callable

from pglast import ast

from fdwsh.catalog import objects
from fdwsh.catalog.context import DdlContext
from fdwsh.catalog.ddl_common import (apply_options, check_database, lookup_table,
                                      missing_schema, role_name, server_validator,
                                      without_position)
from fdwsh.catalog.ddl_table import (SYSTEM_COLUMNS, NewColumn, check_column_type,
                                     collation_name, cook_column, cook_default, insert_column,
                                     resolve_column_type, transform_column)
from fdwsh.catalog.objects import Row
from fdwsh.catalog.options import COLUMN, FOREIGN_TABLE
from fdwsh.catalog.store import dump_options
from fdwsh.errors import FdwshError, FeatureNotSupported, SyntaxErr, UndefinedObject
from fdwsh.catalog.ddl_default import default_type
from fdwsh.pgtypes import TypeRef, can_coerce, format_type, parse_type

#: ATPrepCmd() passes, in execution order.
PASS_DROP, PASS_ALTER_TYPE, PASS_ADD_COL, PASS_COL_ATTRS, PASS_ADD_OTHERCONSTR, PASS_MISC = (
    0, 1, 4, 6, 9, 10)
PASSES = (PASS_DROP, PASS_ALTER_TYPE, PASS_ADD_COL, PASS_COL_ATTRS, PASS_ADD_OTHERCONSTR,
          PASS_MISC)


def _undefined_column(name: str, table: Row) -> FdwshError:
    return FdwshError(f'column "{name}" of relation "{table["name"]}" does not exist',
                      sqlstate="42703")


def _column(ctx: DdlContext, table: Row, name: str, *, verb: str = "alter") -> Row:
    """An existing user column (system columns cannot be changed)."""
    if name in SYSTEM_COLUMNS:
        raise FeatureNotSupported(f'cannot {verb} system column "{name}"')
    column = objects.get_column(ctx.store.db, table["id"], name)
    if column is None:
        raise _undefined_column(name, table)
    return column


def _table_or_notice(ctx: DdlContext, rv: ast.RangeVar, missing_ok: bool) -> Row | None:
    table = lookup_table(ctx, rv, missing_ok=missing_ok)
    if table is None:
        ctx.notice(f'relation "{rv.relname}" does not exist, skipping')
    return table


# --- ALTER FOREIGN TABLE name subcommands ---------------------------------------------------

Step = Callable[[], None]


def alter_foreign_table(stmt: ast.AlterTableStmt, ctx: DdlContext) -> None:
    table = _table_or_notice(ctx, stmt.relation, stmt.missing_ok)
    if table is None:
        return
    passes: dict[int, list[Step]] = {}
    for cmd in stmt.cmds:
        step_pass, step = _prepare(ctx, table, cmd, passes)
        passes.setdefault(step_pass, []).append(step)
    for step_pass in PASSES:
        steps = passes.get(step_pass, [])
        i = 0
        while i < len(steps):  # a step may queue more work into its own or a later pass
            steps[i]()
            i += 1


def _prepare(ctx: DdlContext, table: Row, cmd: ast.AlterTableCmd,
             passes: dict[int, list[Step]]) -> tuple[int, Step]:
    """ATPrepCmd(): phase-1 checks, and the pass and action of phase 2."""
    kind = cmd.subtype.name
    tid = table["id"]
    if kind == "AT_AddColumn":
        return PASS_ADD_COL, lambda: _add_column(ctx, tid, cmd, passes)
    if kind == "AT_DropColumn":
        return PASS_DROP, lambda: _drop_column(ctx, tid, cmd)
    if kind == "AT_AlterColumnType":
        return PASS_ALTER_TYPE, _prepare_type(ctx, table, cmd)
    if kind == "AT_ColumnDefault":
        return ((PASS_ADD_OTHERCONSTR if cmd.def_ is not None else PASS_DROP),
                lambda: _set_default(ctx, tid, cmd))
    if kind in ("AT_SetNotNull", "AT_DropNotNull"):
        return ((PASS_COL_ATTRS if kind == "AT_SetNotNull" else PASS_DROP),
                lambda: _set_not_null(ctx, tid, cmd.name, kind == "AT_SetNotNull"))
    if kind == "AT_AlterColumnGenericOptions":
        return PASS_MISC, lambda: _column_options(ctx, tid, cmd.name, cmd.def_)
    if kind == "AT_GenericOptions":
        return PASS_MISC, lambda: _table_options(ctx, tid, cmd.def_)
    if kind == "AT_ChangeOwner":
        owner = role_name(ctx, cmd.newowner)
        return PASS_MISC, lambda: ctx.store.db.execute(
            "UPDATE foreign_table SET owner = ? WHERE id = ?", (owner, tid))
    raise FeatureNotSupported(f"ALTER FOREIGN TABLE {kind.removeprefix('AT_')} is not supported "
                              "by fdwsh")


def _fresh(ctx: DdlContext, table_id: int) -> Row:
    return objects.get_table_by_id(ctx.store.db, table_id)


def _add_column(ctx: DdlContext, table_id: int, cmd: ast.AlterTableCmd,
                passes: dict[int, list[Step]]) -> None:
    """ATExecAddColumn(): transform, name collision, type, default.

    The column's OPTIONS become an ALTER COLUMN OPTIONS queued after every other command.
    """
    db, table = ctx.store.db, _fresh(ctx, table_id)
    new = transform_column(ctx, cmd.def_, table["name"])
    if not _name_free(ctx, table, new.name, if_not_exists=cmd.missing_ok):
        return
    cook_column(ctx, new)
    check_column_type(new)
    new.default_text = _cook_without_position(ctx, new)
    attnum = db.execute("SELECT coalesce(max(attnum), 0) + 1 FROM foreign_column"
                        " WHERE table_id = ?", (table_id,)).fetchone()[0]
    insert_column(db, table_id, attnum, new, [])
    if new.node.fdwoptions:
        passes.setdefault(PASS_MISC, []).append(
            lambda: _column_options(ctx, table_id, new.name, new.node.fdwoptions))


def _cook_without_position(ctx: DdlContext, new: NewColumn) -> str | None:
    """ALTER cooks defaults without the statement text: their errors have no position."""
    try:
        return cook_default(ctx, new)
    except FdwshError as exc:
        raise without_position(exc) from None


def _name_free(ctx: DdlContext, table: Row, name: str, *, if_not_exists: bool = False) -> bool:
    """check_for_column_name_collision()."""
    if name in SYSTEM_COLUMNS:
        raise FdwshError(f'column name "{name}" conflicts with a system column name',
                         sqlstate="42701")
    if objects.get_column(ctx.store.db, table["id"], name) is None:
        return True
    message = f'column "{name}" of relation "{table["name"]}" already exists'
    if if_not_exists:
        ctx.notice(message + ", skipping")
        return False
    raise FdwshError(message, sqlstate="42701")


def _drop_column(ctx: DdlContext, table_id: int, cmd: ast.AlterTableCmd) -> None:
    table = _fresh(ctx, table_id)
    if cmd.name in SYSTEM_COLUMNS:
        raise FeatureNotSupported(f'cannot drop system column "{cmd.name}"')
    if objects.get_column(ctx.store.db, table_id, cmd.name) is None:
        if not cmd.missing_ok:
            raise _undefined_column(cmd.name, table)
        ctx.notice(f'column "{cmd.name}" of relation "{table["name"]}" does not exist, skipping')
        return
    ctx.store.db.execute("DELETE FROM foreign_column WHERE table_id = ? AND name = ?",
                         (table_id, cmd.name))


def _prepare_type(ctx: DdlContext, table: Row, cmd: ast.AlterTableCmd) -> Step:
    """ATPrepAlterColumnType(): column, type, collation and USING are checked in phase 1.

    PostgreSQL resolves the type here and again when it executes the change (so typmod
    warnings come twice), without statement text (so errors carry no position).
    """
    _column(ctx, table, cmd.name)
    definition: ast.ColumnDef = cmd.def_
    try:
        new = NewColumn(definition, resolve_column_type(ctx, definition.typeName,
                                                        with_position=False))
        new.node.colname = cmd.name
        check_column_type(new)
        if definition.collClause is not None:
            new.collation = collation_name(ctx, definition.collClause, new.type)
    except FdwshError as exc:
        raise without_position(exc) from None
    if definition.raw_default is not None:
        raise FdwshError(f'"{table["name"]}" is not a table', sqlstate="42809")

    def change() -> None:
        again = resolve_column_type(ctx, definition.typeName, with_position=False)
        _check_default_cast(ctx, table, cmd.name, again)
        ctx.store.db.execute(
            "UPDATE foreign_column SET type = ?, collation = ? WHERE table_id = ? AND name = ?",
            (again.format(), new.collation, table["id"], cmd.name))
    return change


def _check_default_cast(ctx: DdlContext, table: Row, name: str, target: TypeRef) -> None:
    """ATExecAlterColumnType(): the column's default must convert to the new type."""
    text = objects.get_column(ctx.store.db, table["id"], name)["default_expr"]
    source = default_type(text) if text else None
    if source is not None and not can_coerce(source.type.oid, target.type.oid, "a"):
        raise FdwshError(f'default for column "{name}" cannot be cast automatically to type '
                         f"{format_type(target.type.oid, None)}", sqlstate="42804")


def _set_default(ctx: DdlContext, table_id: int, cmd: ast.AlterTableCmd) -> None:
    """ATExecColumnDefault(): SET DEFAULT cooks the expression for the column's type."""
    table = _fresh(ctx, table_id)
    column = _column(ctx, table, cmd.name)
    if column["generated"]:
        hint = None if cmd.def_ is not None else \
            "Use ALTER TABLE ... ALTER COLUMN ... DROP EXPRESSION instead."
        raise SyntaxErr(f'column "{cmd.name}" of relation "{table["name"]}" is a generated '
                        "column", hint=hint)
    text = None
    if cmd.def_ is not None:
        new = NewColumn(ast.ColumnDef(colname=cmd.name), parse_type(column["type"]),
                        default=cmd.def_)
        text = _cook_without_position(ctx, new)
    ctx.store.db.execute("UPDATE foreign_column SET default_expr = ? WHERE table_id = ?"
                         " AND name = ?", (text, table_id, cmd.name))


def _set_not_null(ctx: DdlContext, table_id: int, name: str, not_null: bool) -> None:
    _column(ctx, _fresh(ctx, table_id), name)
    ctx.store.db.execute("UPDATE foreign_column SET not_null = ? WHERE table_id = ? AND name = ?",
                         (int(not_null), table_id, name))


def _column_options(ctx: DdlContext, table_id: int, name: str, defelems: object) -> None:
    table = _fresh(ctx, table_id)
    column = _column(ctx, table, name)
    server = objects.get_server_by_id(ctx.store.db, table["server_id"])
    opts = apply_options(ctx, objects.options_of(column), defelems,  # type: ignore[arg-type]
                         COLUMN, server_validator(ctx, server))
    ctx.store.db.execute("UPDATE foreign_column SET options = ? WHERE table_id = ? AND name = ?",
                         (dump_options(opts), table_id, name))


def _table_options(ctx: DdlContext, table_id: int, defelems: object) -> None:
    table = _fresh(ctx, table_id)
    server = objects.get_server_by_id(ctx.store.db, table["server_id"])
    opts = apply_options(ctx, objects.options_of(table), defelems,  # type: ignore[arg-type]
                         FOREIGN_TABLE, server_validator(ctx, server))
    objects.set_options(ctx.store.db, "foreign_table", "id", table_id, opts)


# --- RENAME, SET SCHEMA, DROP ---------------------------------------------------------------

def rename(stmt: ast.RenameStmt, ctx: DdlContext) -> None:
    """RenameRelation() / renameatt()."""
    table = _table_or_notice(ctx, stmt.relation, stmt.missing_ok)
    if table is None:
        return
    db = ctx.store.db
    if stmt.renameType.name == "OBJECT_FOREIGN_TABLE":
        if objects.get_table(db, table["schema_id"], stmt.newname) is not None:
            raise FdwshError(f'relation "{stmt.newname}" already exists', sqlstate="42P07")
        db.execute("UPDATE foreign_table SET name = ? WHERE id = ?", (stmt.newname, table["id"]))
        return
    if stmt.subname in SYSTEM_COLUMNS:
        raise FeatureNotSupported(f'cannot rename system column "{stmt.subname}"')
    if objects.get_column(db, table["id"], stmt.subname) is None:
        raise FdwshError(f'column "{stmt.subname}" does not exist', sqlstate="42703")
    _name_free(ctx, table, stmt.newname)
    db.execute("UPDATE foreign_column SET name = ? WHERE table_id = ? AND name = ?",
               (stmt.newname, table["id"], stmt.subname))


def set_schema(stmt: ast.AlterObjectSchemaStmt, ctx: DdlContext) -> None:
    """AlterTableNamespace(): the table, then the target schema, then a name clash there."""
    table = _table_or_notice(ctx, stmt.relation, stmt.missing_ok)
    if table is None:
        return
    db = ctx.store.db
    schema = objects.get_schema(db, stmt.newschema)
    if schema is None:
        raise missing_schema(stmt.newschema)
    if schema["id"] == table["schema_id"]:
        return
    if objects.get_table(db, schema["id"], table["name"]) is not None:
        raise FdwshError(f'relation "{table["name"]}" already exists in schema '
                         f'"{stmt.newschema}"', sqlstate="42P07")
    db.execute("UPDATE foreign_table SET schema_id = ? WHERE id = ?", (schema["id"], table["id"]))


def drop_foreign_tables(stmt: ast.DropStmt, ctx: DdlContext) -> None:
    """RemoveRelations(): every name is looked up first, then all are dropped."""
    db, found = ctx.store.db, []
    for item in stmt.objects:
        names = [n.sval for n in item]
        if len(names) > 3:
            raise SyntaxErr("improper relation name (too many dotted names): "
                            + ".".join(names))
        rv = ast.RangeVar(catalogname=names[-3] if len(names) > 2 else None,
                          schemaname=names[-2] if len(names) > 1 else None, relname=names[-1])
        check_database(rv)
        table = lookup_table(ctx, rv, missing_ok=True)
        if table is None:
            _drop_missing(ctx, rv, stmt.missing_ok)
            continue
        found.append(table["id"])
    for table_id in found:
        db.execute("DELETE FROM foreign_table WHERE id = ?", (table_id,))


def _drop_missing(ctx: DdlContext, rv: ast.RangeVar, missing_ok: bool) -> None:
    """DropErrorMsgNonExistent()."""
    if rv.schemaname and objects.get_schema(ctx.store.db, rv.schemaname) is None:
        if not missing_ok:
            raise missing_schema(rv.schemaname)
        ctx.notice(f'schema "{rv.schemaname}" does not exist, skipping')
        return
    if not missing_ok:
        raise UndefinedObject(f'foreign table "{rv.relname}" does not exist')
    ctx.notice(f'foreign table "{rv.relname}" does not exist, skipping')
