"""PostgreSQL's built-in types: resolving type names and printing them as ``format_type()`` does.

Contract:

- :func:`resolve_type_name` takes a pglast ``TypeName`` (as the grammar produced it, so ``int``
  is already ``pg_catalog.int4`` and ``char`` is ``bpchar(1)``) and returns a :class:`TypeRef`
  (the type and its typmod, encoded as PostgreSQL encodes ``atttypmod``), or raises the
  :class:`~fdwsh.errors.FdwshError` PostgreSQL 15 raises, with the same SQLSTATE, message and
  cursor position.  Typmod warnings (``TIMESTAMP(7) precision reduced ...``) go to ``warn``.
- :func:`format_type` prints an (oid, typmod) pair exactly as ``format_type(oid, typmod)``.
- :func:`can_coerce` says whether a value of one type converts to another in an implicit,
  assignment or explicit context (parse_coerce.c find_coercion_pathway(), over pg_cast).

Only the built-in types of ``pg_catalog`` exist (there are no user-defined types in fdwsh); their
list is data taken from PostgreSQL 15 (``pgtypes_data``).  This module is a leaf: it imports
nothing of fdwsh but the error types, so the catalog and the executor can both use it.
"""

from __future__ import annotations

import functools
from collections.abc import Callable
from dataclasses import dataclass

from pglast import ast, parse_sql

from fdwsh.errors import FdwshError, FeatureNotSupported, SyntaxErr, UndefinedObject
from fdwsh.pgtypes_data import BUILTIN_CASTS, BUILTIN_TYPES, PSEUDO_ARRAYS
from fdwsh.pgtypes_typmod import (INTERVAL_FIELDS, INTERVAL_FULL_PRECISION, VARHDRSZ, WarnFn,
                                  pg_strtoint32, typmod_in)

SYSTEM_SCHEMAS = frozenset({"pg_catalog", "information_schema"})
#: format_type()'s special cases: SQL-standard spellings of built-in types (format_type.c).
SPECIAL_NAMES = {
    "bool": "boolean", "float4": "real", "float8": "double precision", "int2": "smallint",
    "int4": "integer", "int8": "bigint", "numeric": "numeric", "interval": "interval",
    "time": "time without time zone", "timetz": "time with time zone",
    "timestamp": "timestamp without time zone", "timestamptz": "timestamp with time zone",
    "varbit": "bit varying", "varchar": "character varying",
}
#: Type names that are SQL keywords (other than unreserved ones) in PostgreSQL 15, which
#: format_type() therefore double-quotes.
KEYWORD_TYPE_NAMES = frozenset({"char", "bit", "any"})


@dataclass(frozen=True, slots=True)
class PgType:
    """One row of pg_type (the columns fdwsh needs)."""

    name: str
    oid: int
    array_oid: int
    elem_oid: int
    typtype: str
    category: str
    preferred: bool
    collation: str | None
    typmod_kind: str | None

    @property
    def is_array(self) -> bool:
        return self.elem_oid != 0

    @property
    def is_pseudo(self) -> bool:
        return self.typtype == "p"

    @property
    def collatable(self) -> bool:
        return self.collation is not None


@dataclass(frozen=True, slots=True)
class TypeRef:
    """A type with its typmod (-1: none), e.g. ``varchar`` with typmod 14 = varchar(10)."""

    type: PgType
    typmod: int = -1

    def format(self) -> str:
        """The type as ``format_type(oid, typmod)`` prints it (as ``\\d`` shows it)."""
        return format_type(self.type.oid, self.typmod)


def _load() -> tuple[dict[str, PgType], dict[int, PgType]]:
    by_name: dict[str, PgType] = {}
    for line in BUILTIN_TYPES.strip().splitlines():
        name, oid, arr, typtype, cat, pref, coll, kind = line.split()
        base = PgType(name, int(oid), int(arr), 0, typtype, cat, pref == "t",
                      None if coll == "-" else coll, None if kind == "-" else kind)
        by_name[name] = base
        if base.array_oid:
            aname = "_" + name
            pseudo = aname in PSEUDO_ARRAYS
            by_name[aname] = PgType(aname, base.array_oid, 0, base.oid, "p" if pseudo else "b",
                                    "P" if pseudo else "A", False, base.collation,
                                    base.typmod_kind)
    return by_name, {t.oid: t for t in by_name.values()}


_BY_NAME, _BY_OID = _load()


@functools.cache
def _casts() -> dict[tuple[int, int], str]:
    """pg_cast, built at the first coercion check (queries on foreign tables need none)."""
    casts: dict[tuple[int, int], str] = {}
    for line in BUILTIN_CASTS.strip().splitlines():
        source, _, targets = line.partition(" = ")
        for item in targets.split():
            target, _, how = item.partition(":")
            casts[(_BY_NAME[source].oid, _BY_NAME[target].oid)] = how
    return casts


COERCION_IMPLICIT, COERCION_ASSIGNMENT, COERCION_EXPLICIT = "i", "a", "e"
_CONTEXT_RANK = {COERCION_IMPLICIT: 0, COERCION_ASSIGNMENT: 1, COERCION_EXPLICIT: 2}


def lookup_type(name: str) -> PgType | None:
    """The built-in type called ``name`` in pg_catalog (its typname, e.g. ``int4``), if any."""
    return _BY_NAME.get(name)


def type_by_oid(oid: int) -> PgType | None:
    return _BY_OID.get(oid)


def builtin_types() -> list[PgType]:
    """Every type fdwsh knows (the non-composite types of PostgreSQL 15's pg_catalog)."""
    return list(_BY_OID.values())


def can_coerce(source: int, target: int, context: str) -> bool:
    """find_coercion_pathway(): is there a way from type ``source`` to ``target`` in
    ``context`` (``i`` implicit, ``a`` assignment, ``e`` explicit)?  Arrays convert when their
    elements do; without a pg_cast entry any type converts to a string type by assignment and
    a string type to any type explicitly (I/O conversion)."""
    if source == target:
        return True
    rank = _CONTEXT_RANK[context]
    cast = _casts().get((source, target))
    if cast is not None:
        return rank >= _CONTEXT_RANK[cast[0]]
    src, dst = _BY_OID.get(source), _BY_OID.get(target)
    if src is None or dst is None:
        return False
    if src.is_array and dst.is_array and dst.name not in ("oidvector", "int2vector") \
            and can_coerce(src.elem_oid, dst.elem_oid, context):
        return True
    if rank >= 1 and dst.category == "S":
        return True
    return rank >= 2 and src.category == "S"


# ---------------------------------------------------------------------------------------------
# format_type()


def _typmod_suffix(kind: str, typmod: int) -> str:
    """The type's typmodout() output (``(10)``, ``(10,2)``, `` day to second(3)``...)."""
    if kind in ("bpchar", "varchar"):
        return f"({typmod - VARHDRSZ})" if typmod > VARHDRSZ else ""
    if kind in ("bit", "varbit"):
        return f"({typmod})"
    if kind == "numeric":
        packed = typmod - VARHDRSZ
        scale = ((packed & 0x7FF) ^ 1024) - 1024
        return f"({(packed >> 16) & 0xFFFF},{scale})"
    if kind in ("time", "timestamp"):
        return f"({typmod}) without time zone"
    if kind in ("timetz", "timestamptz"):
        return f"({typmod}) with time zone"
    if kind == "interval":
        fields = INTERVAL_FIELDS.get((typmod >> 16) & 0x7FFF, "")
        precision = typmod & 0xFFFF
        return fields if precision == INTERVAL_FULL_PRECISION else f"{fields}({precision})"
    return f"({typmod})"


_TYPMOD_BASE = {"bpchar": "character", "varchar": "character varying", "bit": "bit",
                "varbit": "bit varying", "numeric": "numeric", "time": "time", "timetz": "time",
                "timestamp": "timestamp", "timestamptz": "timestamp", "interval": "interval"}


def _format_scalar(t: PgType, typmod: int | None) -> str:
    if typmod is not None and typmod >= 0 and t.typmod_kind:
        return _TYPMOD_BASE[t.name] + _typmod_suffix(t.typmod_kind, typmod)
    if t.name == "bpchar" and typmod is None:
        return "character"
    if t.name == "bit" and typmod is None:
        return "bit"
    if t.name in SPECIAL_NAMES:
        return SPECIAL_NAMES[t.name]
    return f'"{t.name}"' if t.name in KEYWORD_TYPE_NAMES else t.name


def format_type(oid: int, typmod: int | None = -1) -> str:
    """``format_type(oid, typmod)``; ``typmod=None`` is SQL ``format_type(oid, NULL)``.

    Unknown OIDs print as ``???``, as PostgreSQL prints a type it cannot find.
    """
    t = _BY_OID.get(oid)
    if t is None:
        return "???"
    if t.is_array:
        return _format_scalar(_BY_OID[t.elem_oid], typmod) + "[]"
    return _format_scalar(t, typmod)


# ---------------------------------------------------------------------------------------------
# Type name resolution (parse_type.c LookupTypeName + typenameTypeMod)


def type_name_to_string(tn: ast.TypeName) -> str:
    """TypeNameToString(): the dotted name as written, plus ``[]`` for an array."""
    text = ".".join(n.sval for n in tn.names or ())
    if tn.pct_type:
        text += "%TYPE"
    if tn.arrayBounds:
        text += "[]"
    return text


def _pos(tn: ast.TypeName) -> int | None:
    loc = getattr(tn, "location", None)
    return None if loc is None or loc < 0 else loc + 1


def _split_names(tn: ast.TypeName, dbname: str | None) -> tuple[str | None, str]:
    """DeconstructQualifiedName(): (schema or None, type name)."""
    names = [n.sval for n in tn.names]
    if len(names) > 3:
        raise SyntaxErr("improper qualified name (too many dotted names): " + ".".join(names))
    if len(names) == 3 and names[0] != dbname:
        raise FeatureNotSupported(
            "cross-database references are not implemented: " + ".".join(names))
    return (names[-2] if len(names) > 1 else None), names[-1]


def _lookup(tn: ast.TypeName, schema_exists: Callable[[str], bool] | None,
            dbname: str | None) -> PgType:
    """LookupTypeName(): the type, or PostgreSQL's error for a missing one."""
    if tn.pct_type:
        raise FeatureNotSupported("%TYPE references are not supported by fdwsh",
                                  position=_pos(tn))
    schema, name = _split_names(tn, dbname)
    if schema is not None and schema not in SYSTEM_SCHEMAS and not (
            schema_exists is not None and schema_exists(schema)):
        raise FdwshError(f'schema "{schema}" does not exist', sqlstate="3F000",
                         position=_pos(tn))
    found = _BY_NAME.get(name) if schema in (None, "pg_catalog") else None
    if found is not None and tn.arrayBounds:
        found = _BY_OID.get(found.array_oid) if found.array_oid else None
    if found is None:
        raise UndefinedObject(f'type "{type_name_to_string(tn)}" does not exist',
                              position=_pos(tn))
    return found


def _typmod_strings(tn: ast.TypeName) -> list[str]:
    """typenameTypeMod(): each modifier as the cstring handed to the typmodin function."""
    out: list[str] = []
    for mod in tn.typmods:
        text = None
        if isinstance(mod, ast.A_Const) and not mod.isnull:
            val = mod.val
            if isinstance(val, ast.Integer):
                text = str(val.ival)
            elif isinstance(val, ast.Float):
                text = val.fval
            elif isinstance(val, ast.String):
                text = val.sval
        elif isinstance(mod, ast.ColumnRef) and len(mod.fields) == 1 and isinstance(
                mod.fields[0], ast.String):
            text = mod.fields[0].sval
        if text is None:
            raise SyntaxErr("type modifiers must be simple constants or identifiers",
                            position=_pos(tn))
        out.append(text)
    return out


def resolve_type_name(tn: ast.TypeName, *, schema_exists: Callable[[str], bool] | None = None,
                      dbname: str | None = None, warn: WarnFn | None = None) -> TypeRef:
    """typenameTypeIdAndMod(): the type a TypeName denotes, with its typmod.

    ``schema_exists`` tells whether a (non-system) schema exists, for the message about a type
    qualified with a missing schema; ``dbname`` is the database a three-part name may name.
    """
    found = _lookup(tn, schema_exists, dbname)
    if not tn.typmods:
        return TypeRef(found, -1)
    if found.typmod_kind is None:
        raise SyntaxErr(f'type modifier is not allowed for type "{type_name_to_string(tn)}"',
                        position=_pos(tn))
    pos = _pos(tn)
    mods = [pg_strtoint32(text, pos) for text in _typmod_strings(tn)]
    return TypeRef(found, typmod_in(found.typmod_kind, mods, pos, warn))


def parse_type(text: str, **kw: object) -> TypeRef:
    """Resolve a type written as SQL text (``'varchar(10)[]'``), e.g. from a catalog column."""
    stmt = parse_sql(f"SELECT CAST(NULL AS {text})")[0].stmt
    return resolve_type_name(stmt.targetList[0].val.typeName, **kw)  # type: ignore[arg-type]
