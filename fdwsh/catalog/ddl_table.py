"""CREATE FOREIGN TABLE, and the column definitions ALTER FOREIGN TABLE ADD COLUMN shares.

Contract: :func:`create_foreign_table` runs PostgreSQL 15's sequence for a foreign table —
transformCreateStmt() (creation schema, IF NOT EXISTS, each column's type, collation and
constraints), DefineRelation() (duplicate and system column names, pseudo-types, an existing
relation, the defaults and generation expressions) and CreateForeignTable() (server, table
options, column options) — so the first error is PostgreSQL's.  :func:`transform_column` and
:func:`cook_column` are those steps for one column.  Stored generated columns (``GENERATED
ALWAYS AS (expr) STORED``) are kept as PostgreSQL keeps them: ``generated = 's'`` with the
expression as the column's default text (see :mod:`fdwsh.catalog.ddl_generated`); ALTER
FOREIGN TABLE ADD COLUMN does not take them.  Features PostgreSQL has but fdwsh does not keep
(serial and identity columns, CHECK constraints, INHERITS, LIKE, PARTITION OF) raise
FeatureNotSupported.
"""

from __future__ import annotations

import sqlite3
from dataclasses import dataclass, field

from pglast import ast
from pglast.visitors import Visitor

from fdwsh.catalog import objects
from fdwsh.catalog.context import DdlContext
from fdwsh.catalog.ddl_common import (SYSTEM_COLUMNS, apply_options, creation_schema,
                                      literal_positions, lookup_table, missing_schema, pos,
                                      server_validator, warn)
from fdwsh.catalog.ddl_default import default_text
from fdwsh.catalog.ddl_generated import cook_generated
from fdwsh.catalog.options import COLUMN, FOREIGN_TABLE, split_identifiers
from fdwsh.catalog.store import dump_options
from fdwsh.errors import FdwshError, FeatureNotSupported, SyntaxErr, UndefinedObject
from fdwsh.pgtypes import SYSTEM_SCHEMAS, TypeRef, format_type, resolve_type_name

SERIAL_TYPES = frozenset({"smallserial", "serial2", "serial", "serial4", "bigserial", "serial8"})
#: Collations of a PostgreSQL 15 UTF8 database with libc locale C (plus ICU ones, *-x-icu).
KNOWN_COLLATIONS = frozenset({"default", "C", "POSIX", "ucs_basic", "C.utf8"})
_NOT_ON_FOREIGN = {"CONSTR_PRIMARY": "primary key", "CONSTR_UNIQUE": "unique",
                   "CONSTR_EXCLUSION": "exclusion", "CONSTR_FOREIGN": "foreign key"}
_UNSUPPORTED = {"CONSTR_IDENTITY": "identity columns", "CONSTR_GENERATED": "generated columns",
                "CONSTR_CHECK": "check constraints"}
GENERATED_STORED = "s"  # pg_attribute.attgenerated of a stored generated column
_ATTR_CLAUSES = {"CONSTR_ATTR_DEFERRABLE": "DEFERRABLE", "CONSTR_ATTR_NOT_DEFERRABLE":
                 "NOT DEFERRABLE", "CONSTR_ATTR_DEFERRED": "INITIALLY DEFERRED",
                 "CONSTR_ATTR_IMMEDIATE": "INITIALLY IMMEDIATE"}


@dataclass(slots=True)
class NewColumn:
    """A column definition after parse analysis (transformColumnDefinition())."""

    node: ast.ColumnDef
    type: TypeRef
    not_null: bool = False
    default: ast.Node | None = None
    collation: str | None = None
    default_text: str | None = field(default=None)
    #: The GENERATED ALWAYS AS expression (then ``default_text`` holds its cooked text).
    generated: ast.Node | None = None

    @property
    def name(self) -> str:
        return self.node.colname


def not_supported(what: str, node: object) -> FeatureNotSupported:
    return FeatureNotSupported(f"{what} are not supported by fdwsh", position=pos(node))


def resolve_column_type(ctx: DdlContext, tn: ast.TypeName, *, with_position: bool = True
                        ) -> TypeRef:
    """typenameTypeIdAndMod() for a column; warnings carry a position only in parse analysis."""
    return resolve_type_name(
        tn, schema_exists=lambda s: objects.get_schema(ctx.store.db, s) is not None,
        warn=lambda message, p: warn(ctx, message, p if with_position else None))


def collation_name(ctx: DdlContext, clause: ast.CollateClause, t: TypeRef) -> str | None:
    """LookupCollation() + the collatable check; None when it is the type's own collation."""
    names = [n.sval for n in clause.collname]
    if len(names) == 2 and names[0] not in SYSTEM_SCHEMAS and objects.get_schema(
            ctx.store.db, names[0]) is None:
        raise missing_schema(names[0], pos(clause))
    name = names[-1]
    known = name in KNOWN_COLLATIONS or name.endswith("-x-icu")
    if len(names) > 2 or not known or (len(names) == 2 and names[0] != "pg_catalog"):
        raise UndefinedObject(f'collation "{".".join(names)}" for encoding "UTF8" does not '
                              "exist", position=pos(clause))
    if not t.type.collatable:
        raise FdwshError(f"collations are not supported by type {format_type(t.type.oid)}",
                         sqlstate="42804", position=pos(clause))
    return None if name == t.type.collation else name


def transform_column(ctx: DdlContext, col: ast.ColumnDef, relname: str, *,
                     generated: bool = False) -> NewColumn:
    """transformColumnDefinition(): serial, type, collation, then the constraints in order
    (``generated``: a generation expression is taken, as CREATE FOREIGN TABLE takes one)."""
    tn = col.typeName
    if len(tn.names) == 1 and tn.names[0].sval in SERIAL_TYPES and not tn.pct_type:
        raise not_supported("serial columns", tn)
    new = NewColumn(col, resolve_column_type(ctx, tn))
    if col.collClause is not None:
        new.collation = collation_name(ctx, col.collClause, new.type)
    _apply_constraints(new, list(col.constraints or ()), relname, generated)
    return new


def _apply_constraints(new: NewColumn, constraints: list[ast.Constraint], relname: str,
                       generated: bool) -> None:
    saw_nullable = saw_default = False
    where = f'column "{new.name}" of table "{relname}"'
    for i, con in enumerate(constraints):
        kind = con.contype.name
        if kind in _ATTR_CLAUSES and (i == 0 or constraints[i - 1].contype.name
                                      not in _NOT_ON_FOREIGN):
            raise SyntaxErr(f"misplaced {_ATTR_CLAUSES[kind]} clause", position=pos(con))
    for con in constraints:
        kind = con.contype.name
        if kind in ("CONSTR_NULL", "CONSTR_NOTNULL"):
            wants = kind == "CONSTR_NOTNULL"
            if saw_nullable and new.not_null != wants:
                raise SyntaxErr(f"conflicting NULL/NOT NULL declarations for {where}",
                                position=pos(con))
            new.not_null, saw_nullable = wants, True
        elif kind == "CONSTR_DEFAULT":
            if saw_default:
                raise SyntaxErr(f"multiple default values specified for {where}",
                                position=pos(con))
            new.default, saw_default = con.raw_expr, True
        elif kind == "CONSTR_GENERATED" and generated:
            if new.generated is not None:
                raise SyntaxErr(f"multiple generation clauses specified for {where}",
                                position=pos(con))
            new.generated = con.raw_expr
        elif kind in _NOT_ON_FOREIGN:
            raise FeatureNotSupported(f"{_NOT_ON_FOREIGN[kind]} constraints are not supported "
                                      "on foreign tables", position=pos(con))
        elif kind in _UNSUPPORTED:
            raise not_supported(_UNSUPPORTED[kind], con)
        if saw_default and new.generated is not None:
            raise SyntaxErr(f"both default and generation expression specified for {where}",
                            position=pos(con))


class _ColumnRefs(Visitor):  # type: ignore[misc]
    """Finds the first column reference or subquery in a DEFAULT expression."""

    def __init__(self) -> None:
        super().__init__()
        self.found: tuple[str, object] | None = None

    def visit_ColumnRef(self, ancestors: object, node: ast.ColumnRef) -> None:
        self.found = self.found or ("cannot use column reference in DEFAULT expression", node)

    def visit_SubLink(self, ancestors: object, node: ast.SubLink) -> None:
        self.found = self.found or ("cannot use subquery in DEFAULT expression", node)


def cook_default(ctx: DdlContext, new: NewColumn, root: ast.Node | None = None) -> str | None:
    """cookDefault(): the expression as ``\\d`` shows it (None: no default is stored).

    ``root`` is the statement, to find the positions of constants in ``ctx.source``.
    """
    if new.default is None:
        return None
    finder = _ColumnRefs()
    finder(new.default)
    if finder.found is not None:
        raise FeatureNotSupported(finder.found[0], position=pos(finder.found[1]))
    positions = literal_positions(root, ctx.source) if root is not None and ctx.source else {}
    regclasses = _RegclassLiterals()
    regclasses(new.default)
    for const in regclasses.found:
        regclass_in(ctx, const.val.sval, positions.get(id(const)))
    return default_text(new.default, new.type, column_name=new.name, positions=positions,
                        warn=lambda message, p: warn(ctx, message, p))


class _RegclassLiterals(Visitor):  # type: ignore[misc]
    """The string constants cast to regclass (``nextval('seq'::regclass)``)."""

    def __init__(self) -> None:
        super().__init__()
        self.found: list[ast.A_Const] = []

    def visit_TypeCast(self, ancestors: object, node: ast.TypeCast) -> None:
        names = [n.sval for n in node.typeName.names]
        if names[-1] == "regclass" and names[:-1] in ([], ["pg_catalog"]) and isinstance(
                node.arg, ast.A_Const) and isinstance(node.arg.val, ast.String):
            self.found.append(node.arg)


def regclass_in(ctx: DdlContext, text: str, position: int | None) -> None:
    """regclassin() as the parser calls it on a constant: the relation must exist (in fdwsh:
    a foreign table; a sequence never does), errors at the constant."""
    names = split_identifiers(text, ".")
    if not names:
        raise FdwshError("invalid name syntax", sqlstate="42602", position=position)
    if len(names) > 3:
        raise SyntaxErr("improper relation name (too many dotted names): " + text,
                        position=position)
    rv = ast.RangeVar(relname=names[-1], schemaname=names[-2] if len(names) > 1 else None,
                      catalogname=names[-3] if len(names) > 2 else None)
    try:
        lookup_table(ctx, rv)
    except FdwshError as err:
        err.position = err.position or position
        raise


def cook_column(ctx: DdlContext, new: NewColumn) -> None:
    """BuildDescForRelation() for one column: the type again (no positions now), SETOF."""
    new.type = resolve_column_type(ctx, new.node.typeName, with_position=False)
    if new.node.typeName.setof:
        raise FdwshError(f'column "{new.name}" cannot be declared SETOF', sqlstate="42P16")


def check_column_type(new: NewColumn) -> None:
    """CheckAttributeType(): no pseudo-type columns."""
    if new.type.type.is_pseudo:
        raise FdwshError(f'column "{new.name}" has pseudo-type {new.type.format()}',
                         sqlstate="42P16")


def insert_column(db: sqlite3.Connection, table_id: int, attnum: int, new: NewColumn,
                  options: list[tuple[str, str]]) -> None:
    db.execute("INSERT INTO foreign_column (table_id, attnum, name, type, not_null, default_expr,"
               " collation, options, generated) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?)",
               (table_id, attnum, new.name, new.type.format(), int(new.not_null),
                new.default_text, new.collation, dump_options(options),
                GENERATED_STORED if new.generated is not None else ""))


def _elements(ctx: DdlContext, stmt: ast.CreateStmt) -> list[NewColumn]:
    columns = []
    for elt in stmt.tableElts or ():
        if isinstance(elt, ast.ColumnDef):
            columns.append(transform_column(ctx, elt, stmt.relation.relname, generated=True))
        elif isinstance(elt, ast.Constraint):
            kind = elt.contype.name
            if kind in _NOT_ON_FOREIGN:
                raise FeatureNotSupported(f"{_NOT_ON_FOREIGN[kind]} constraints are not "
                                          "supported on foreign tables", position=pos(elt))
            raise not_supported(_UNSUPPORTED.get(kind, "table constraints"), elt)
        else:
            raise FeatureNotSupported("CREATE FOREIGN TABLE ... LIKE is not supported by fdwsh",
                                      position=pos(elt))
    return columns


def _define(ctx: DdlContext, stmt: ast.Node, columns: list[NewColumn], schema: objects.Row,
            name: str) -> None:
    """DefineRelation()'s checks: column names, types, then the relation name."""
    seen: set[str] = set()
    for new in columns:
        if new.name in seen:
            raise FdwshError(f'column "{new.name}" specified more than once', sqlstate="42701")
        seen.add(new.name)
    for new in columns:
        cook_column(ctx, new)
    for new in columns:
        if new.name in SYSTEM_COLUMNS:
            raise FdwshError(f'column name "{new.name}" conflicts with a system column name',
                             sqlstate="42701")
    for new in columns:
        check_column_type(new)
    if objects.get_table(ctx.store.db, schema["id"], name) is not None:
        raise FdwshError(f'relation "{name}" already exists', sqlstate="42P07")
    for new in columns:  # AddRelationNewConstraints(): defaults and expressions, in order
        if new.generated is not None:
            new.default_text = cook_generated(new, columns, name)
        else:
            new.default_text = cook_default(ctx, new, stmt)


def create_foreign_table(stmt: ast.CreateForeignTableStmt, ctx: DdlContext) -> None:
    db, base = ctx.store.db, stmt.base
    rv = base.relation
    schema = creation_schema(ctx, rv)
    if base.if_not_exists and objects.get_table(db, schema["id"], rv.relname) is not None:
        ctx.notice(f'relation "{rv.relname}" already exists, skipping')
        return
    if base.inhRelations or base.partbound is not None or base.ofTypename is not None:
        raise FeatureNotSupported("INHERITS, PARTITION OF and OF are not supported by fdwsh",
                                  position=pos(rv))
    columns = _elements(ctx, base)
    _define(ctx, stmt, columns, schema, rv.relname)
    server = objects.get_server(db, stmt.servername)
    if server is None:
        raise UndefinedObject(f'server "{stmt.servername}" does not exist')
    validator = server_validator(ctx, server)
    table_opts = apply_options(ctx, [], stmt.options, FOREIGN_TABLE, validator)
    table_id = objects.next_oid(db)
    db.execute("INSERT INTO foreign_table (id, schema_id, name, server_id, owner, options)"
               " VALUES (?, ?, ?, ?, ?, ?)", (table_id, schema["id"], rv.relname, server["id"],
                                              ctx.user, dump_options(table_opts)))
    for attnum, new in enumerate(columns, start=1):
        col_opts = apply_options(ctx, [], new.node.fdwoptions, COLUMN, validator)
        insert_column(db, table_id, attnum, new, col_opts)
