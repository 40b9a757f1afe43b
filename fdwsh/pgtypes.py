"""PostgreSQL's built-in types: resolving type names and printing them as ``format_type()`` does.

Contract:

- :func:`resolve_type_name` takes a pglast ``TypeName`` (as the grammar produced it, so ``int``
  is already ``pg_catalog.int4`` and ``char`` is ``bpchar(1)``) and returns a :class:`TypeRef`
  (the type and its typmod, encoded as PostgreSQL encodes ``atttypmod``), or raises the
  :class:`~fdwsh.errors.FdwshError` PostgreSQL 15 raises, with the same SQLSTATE, message and
  cursor position.  Typmod warnings (``TIMESTAMP(7) precision reduced ...``) go to ``warn``.
- :func:`format_type` prints an (oid, typmod) pair exactly as ``format_type(oid, typmod)``.

Only the built-in types of ``pg_catalog`` exist (there are no user-defined types in fdwsh); their
list is data taken from PostgreSQL 15 (``pgtypes_data``).  This module is a leaf: it imports
nothing of fdwsh but the error types, so the catalog and the executor can both use it.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass

from pglast import ast, parse_sql

from fdwsh.errors import FdwshError, FeatureNotSupported, SyntaxErr, UndefinedObject
from fdwsh.pgtypes_data import BUILTIN_TYPES, PSEUDO_ARRAYS

#: ``warn(message, position)``: emit ``WARNING:  message`` (position 1-based, or None).
WarnFn = Callable[[str, "int | None"], None]

SYSTEM_SCHEMAS = frozenset({"pg_catalog", "information_schema"})
VARHDRSZ = 4
MAX_ATTR_SIZE = 10 * 1024 * 1024
MAX_TIME_PRECISION = 6
MAX_INTERVAL_PRECISION = 6
INTERVAL_FULL_RANGE = 0x7FFF
INTERVAL_FULL_PRECISION = 0xFFFF
_YEAR, _MONTH, _DAY, _HOUR, _MINUTE, _SECOND = (1 << 2, 1 << 1, 1 << 3, 1 << 10, 1 << 11,
                                                1 << 12)
#: intervaltypmodout(): the field ranges the grammar can produce, as PostgreSQL prints them.
INTERVAL_FIELDS = {
    _YEAR: " year", _MONTH: " month", _DAY: " day", _HOUR: " hour", _MINUTE: " minute",
    _SECOND: " second", _YEAR | _MONTH: " year to month", _DAY | _HOUR: " day to hour",
    _DAY | _HOUR | _MINUTE: " day to minute", _DAY | _HOUR | _MINUTE | _SECOND: " day to second",
    _HOUR | _MINUTE: " hour to minute", _HOUR | _MINUTE | _SECOND: " hour to second",
    _MINUTE | _SECOND: " minute to second", INTERVAL_FULL_RANGE: "",
}
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


def lookup_type(name: str) -> PgType | None:
    """The built-in type called ``name`` in pg_catalog (its typname, e.g. ``int4``), if any."""
    return _BY_NAME.get(name)


def type_by_oid(oid: int) -> PgType | None:
    return _BY_OID.get(oid)


def builtin_types() -> list[PgType]:
    """Every type fdwsh knows (the non-composite types of PostgreSQL 15's pg_catalog)."""
    return list(_BY_OID.values())


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


def pg_strtoint32(text: str, position: int | None = None) -> int:
    """PostgreSQL 15's int4 input: blanks around an optionally signed run of decimal digits."""
    body = text.strip(" \t\n\r\v\f")
    digits = body[1:] if body[:1] in "+-" else body
    if not digits or not digits.isascii() or not digits.isdigit():
        raise FdwshError(f'invalid input syntax for type integer: "{text}"', sqlstate="22P02",
                         position=position)
    value = int(body)
    if not -2**31 <= value < 2**31:
        raise FdwshError(f'value "{text}" is out of range for type integer', sqlstate="22003",
                         position=position)
    return value


def _bad(message: str, pos: int | None) -> FdwshError:
    return FdwshError(message, sqlstate="22023", position=pos)


def _char_typmod(kind: str, mods: list[int], pos: int | None) -> int:
    label = "char" if kind == "bpchar" else kind
    if len(mods) != 1:
        raise _bad("invalid type modifier", pos)
    if mods[0] < 1:
        raise _bad(f"length for type {label} must be at least 1", pos)
    limit = MAX_ATTR_SIZE if kind in ("bpchar", "varchar") else MAX_ATTR_SIZE * 8
    if mods[0] > limit:
        raise _bad(f"length for type {label} cannot exceed {limit}", pos)
    return mods[0] + VARHDRSZ if kind in ("bpchar", "varchar") else mods[0]


def _numeric_typmod(mods: list[int], pos: int | None) -> int:
    if len(mods) not in (1, 2):
        raise _bad("invalid NUMERIC type modifier", pos)
    if not 1 <= mods[0] <= 1000:
        raise _bad(f"NUMERIC precision {mods[0]} must be between 1 and 1000", pos)
    scale = mods[1] if len(mods) == 2 else 0
    if not -1000 <= scale <= 1000:
        raise _bad(f"NUMERIC scale {scale} must be between -1000 and 1000", pos)
    return ((mods[0] << 16) | (scale & 0x7FF)) + VARHDRSZ


def _time_typmod(kind: str, mods: list[int], pos: int | None, warn: WarnFn | None) -> int:
    if len(mods) != 1:
        raise _bad("invalid type modifier", pos)
    label = "TIMESTAMP" if kind.startswith("timestamp") else "TIME"
    tz = " WITH TIME ZONE" if kind.endswith("tz") else ""
    if mods[0] < 0:
        raise _bad(f"{label}({mods[0]}){tz} precision must not be negative", pos)
    if mods[0] > MAX_TIME_PRECISION:
        if warn is not None:
            warn(f"{label}({mods[0]}){tz} precision reduced to maximum allowed, "
                 f"{MAX_TIME_PRECISION}", pos)
        return MAX_TIME_PRECISION
    return mods[0]


def _interval_typmod(mods: list[int], pos: int | None, warn: WarnFn | None) -> int:
    if not mods or len(mods) > 2 or mods[0] not in INTERVAL_FIELDS:
        raise _bad("invalid INTERVAL type modifier", pos)
    fields = mods[0]
    if len(mods) == 1:
        return -1 if fields == INTERVAL_FULL_RANGE else (fields << 16) | INTERVAL_FULL_PRECISION
    precision = mods[1]
    if precision < 0:
        raise _bad(f"INTERVAL({precision}) precision must not be negative", pos)
    if precision > MAX_INTERVAL_PRECISION:
        if warn is not None:
            warn(f"INTERVAL({precision}) precision reduced to maximum allowed, "
                 f"{MAX_INTERVAL_PRECISION}", pos)
        precision = MAX_INTERVAL_PRECISION
    return (fields << 16) | precision


def _typmod_in(kind: str, mods: list[int], pos: int | None, warn: WarnFn | None) -> int:
    """The typmodin functions of PostgreSQL 15 (varchar.c, numeric.c, date.c, timestamp.c...)."""
    if kind in ("bpchar", "varchar", "bit", "varbit"):
        return _char_typmod(kind, mods, pos)
    if kind == "numeric":
        return _numeric_typmod(mods, pos)
    if kind == "interval":
        return _interval_typmod(mods, pos, warn)
    return _time_typmod(kind, mods, pos, warn)


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
    return TypeRef(found, _typmod_in(found.typmod_kind, mods, pos, warn))


def parse_type(text: str, **kw: object) -> TypeRef:
    """Resolve a type written as SQL text (``'varchar(10)[]'``), e.g. from a catalog column."""
    stmt = parse_sql(f"SELECT CAST(NULL AS {text})")[0].stmt
    return resolve_type_name(stmt.targetList[0].val.typeName, **kw)  # type: ignore[arg-type]
