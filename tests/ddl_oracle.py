"""Oracle harness for catalog DDL: the same statements through PostgreSQL and through fdwsh.

A script runs in PostgreSQL inside one transaction that is rolled back at the end (each statement
in its own savepoint, so a failing statement behaves as in autocommit mode), and through
``fdwsh.catalog.ddl.execute`` on a fresh in-memory :class:`CatalogStore`.  For each statement the
:class:`Outcome` (command tag, notices, error with SQLSTATE, message, detail, hint and cursor
position) is captured on both sides; :func:`pg_state` and :func:`fdwsh_state` read the resulting
catalogs in one comparable shape.  fdwsh also checks that a failing statement left the catalog
untouched.
"""

from __future__ import annotations

from dataclasses import dataclass, field

import psycopg
from pglast import parse_sql
from pglast.parser import split

from fdwsh.catalog import ddl
from fdwsh.catalog.context import DdlContext
from fdwsh.catalog.store import CatalogStore, load_options
from fdwsh.errors import FdwshError

USER = "postgres"
TABLES = ("extension", "fdw", "server", "user_mapping", "schema", "foreign_table",
          "foreign_column")


@dataclass(frozen=True)
class Message:
    severity: str
    sqlstate: str | None
    message: str
    detail: str | None = None
    hint: str | None = None
    position: int | None = None


@dataclass(frozen=True)
class Outcome:
    statement: str
    tag: str | None
    notices: tuple[Message, ...] = ()
    error: Message | None = None


def statements(script: str) -> list[str]:
    """The statements of a script, each as its own text (positions are relative to it)."""
    return [s.strip() for s in split(script)]


def _pos(value: str | None) -> int | None:
    return int(value) if value else None


def _diag_message(diag: psycopg.errors.Diagnostic) -> Message:
    return Message(diag.severity_nonlocalized or diag.severity or "", diag.sqlstate,
                   diag.message_primary or "", diag.message_detail, diag.message_hint,
                   _pos(diag.statement_position))


@dataclass
class PgOracle:
    """A connection to a scratch database of the oracle cluster."""

    dsn: str
    conn: psycopg.Connection = field(init=False)
    _notices: list[Message] = field(default_factory=list)

    def __post_init__(self) -> None:
        self.conn = psycopg.connect(self.dsn, autocommit=True)
        self.conn.add_notice_handler(lambda d: self._notices.append(_diag_message(d)))

    def close(self) -> None:
        self.conn.close()

    def run(self, script: str, setup: str = "") -> tuple[list[Outcome], dict]:
        """Outcomes of each statement, and the catalog state at the end (all rolled back)."""
        cur = self.conn.cursor()
        cur.execute("BEGIN")
        try:
            for stmt in statements(setup):
                cur.execute(stmt)
            outcomes = [self._one(cur, stmt) for stmt in statements(script)]
            return outcomes, pg_state(cur)
        finally:
            cur.execute("ROLLBACK")

    def _one(self, cur: psycopg.Cursor, stmt: str) -> Outcome:
        cur.execute("SAVEPOINT oracle")
        self._notices.clear()
        try:
            cur.execute(stmt)
        except psycopg.Error as exc:
            notices = tuple(self._notices)
            cur.execute("ROLLBACK TO SAVEPOINT oracle")
            return Outcome(stmt, None, notices, _diag_message(exc.diag))
        notices = tuple(self._notices)
        tag = cur.statusmessage
        cur.execute("RELEASE SAVEPOINT oracle")
        return Outcome(stmt, tag, notices)


def dump(store: CatalogStore) -> dict[str, list[tuple]]:
    """Every row of every catalog table (to show that a failed statement changed nothing)."""
    return {t: [tuple(r) for r in store.db.execute(f"SELECT rowid, * FROM {t} ORDER BY rowid")]
            for t in TABLES}


def run_fdwsh(store: CatalogStore, script: str, user: str = USER) -> list[Outcome]:
    outcomes = []
    for stmt in statements(script):
        ctx = DdlContext(store, user, stmt)
        before = dump(store)
        try:
            result = ddl.execute(parse_sql(stmt)[0].stmt, ctx)
        except FdwshError as exc:
            assert dump(store) == before, f"failed statement changed the catalog: {stmt}"
            error = Message(exc.severity, exc.sqlstate, exc.message, exc.detail, exc.hint,
                            exc.position)
            outcomes.append(Outcome(stmt, None, _notices(ctx), error))
            continue
        outcomes.append(Outcome(stmt, result.status, _notices(ctx)))
    return outcomes


def _notices(ctx: DdlContext) -> tuple[Message, ...]:
    """fdwsh notices as the oracle sees them (notices without an explicit SQLSTATE vary)."""
    return tuple(Message(n.severity, None, n.message, n.detail, n.hint, n.position)
                 for n in ctx.notices)


def comparable(outcomes: list[Outcome]) -> list[Outcome]:
    """Drop what fdwsh does not model: the SQLSTATE of notices (PostgreSQL's vary by caller)."""
    return [Outcome(o.statement, o.tag,
                    tuple(Message(n.severity, None, n.message, n.detail, n.hint, n.position)
                          for n in o.notices), o.error) for o in outcomes]


# --- catalog state, read the same way from both sides ----------------------------------------

_PG_QUERIES = {
    "extensions": "SELECT extname, extversion, extnamespace::regnamespace::text,"
                  " obj_description(oid, 'pg_extension') FROM pg_extension"
                  " WHERE extname <> 'plpgsql' ORDER BY 1",
    "servers": "SELECT srvname, fdwname, srvtype, srvversion, coalesce(srvoptions, '{}'),"
               " pg_get_userbyid(srvowner), obj_description(s.oid, 'pg_foreign_server')"
               " FROM pg_foreign_server s JOIN pg_foreign_data_wrapper w ON w.oid = srvfdw"
               " ORDER BY 1",
    "user_mappings": "SELECT srvname, usename, coalesce(umoptions, '{}') FROM pg_user_mappings"
                     " ORDER BY 1, 2",
    "schemas": "SELECT nspname, pg_get_userbyid(nspowner), obj_description(oid, 'pg_namespace')"
               " FROM pg_namespace WHERE nspname !~ '^pg_' AND nspname <> 'information_schema'"
               " ORDER BY 1",
    "tables": "SELECT n.nspname, c.relname, s.srvname, coalesce(ft.ftoptions, '{}'),"
              " pg_get_userbyid(c.relowner), obj_description(c.oid, 'pg_class')"
              " FROM pg_foreign_table ft JOIN pg_class c ON c.oid = ft.ftrelid"
              " JOIN pg_namespace n ON n.oid = c.relnamespace"
              " JOIN pg_foreign_server s ON s.oid = ft.ftserver ORDER BY 1, 2",
    "columns": "SELECT n.nspname, c.relname, a.attname, format_type(a.atttypid, a.atttypmod),"
               " a.attnotnull, pg_get_expr(d.adbin, d.adrelid, true),"
               " CASE WHEN a.attcollation <> t.typcollation THEN co.collname END,"
               " coalesce(a.attfdwoptions, '{}'), col_description(c.oid, a.attnum)"
               " FROM pg_attribute a JOIN pg_class c ON c.oid = a.attrelid"
               " JOIN pg_foreign_table ft ON ft.ftrelid = c.oid"
               " JOIN pg_namespace n ON n.oid = c.relnamespace"
               " JOIN pg_type t ON t.oid = a.atttypid"
               " LEFT JOIN pg_attrdef d ON d.adrelid = a.attrelid AND d.adnum = a.attnum"
               " LEFT JOIN pg_collation co ON co.oid = a.attcollation"
               " WHERE a.attnum > 0 AND NOT a.attisdropped ORDER BY 1, 2, a.attnum",
}

_FDWSH_QUERIES = {
    "extensions": "SELECT name, version, schema, comment FROM extension ORDER BY 1",
    "servers": "SELECT s.name, w.name, s.type, s.version, s.options, s.owner, s.comment"
               " FROM server s JOIN fdw w ON w.id = s.fdw_id ORDER BY 1",
    "user_mappings": "SELECT s.name, um.user_name, um.options FROM user_mapping um"
                     " JOIN server s ON s.id = um.server_id ORDER BY 1, 2",
    "schemas": "SELECT name, owner, comment FROM schema ORDER BY 1",
    "tables": "SELECT n.name, t.name, s.name, t.options, t.owner, t.comment FROM foreign_table t"
              " JOIN schema n ON n.id = t.schema_id JOIN server s ON s.id = t.server_id"
              " ORDER BY 1, 2",
    "columns": "SELECT n.name, t.name, c.name, c.type, c.not_null, c.default_expr, c.collation,"
               " c.options, c.comment FROM foreign_column c"
               " JOIN foreign_table t ON t.id = c.table_id JOIN schema n ON n.id = t.schema_id"
               " ORDER BY 1, 2, c.attnum",
}

#: Which column of each listing holds an option list.
_OPTION_COLUMNS = {"servers": 4, "user_mappings": 2, "tables": 3, "columns": 7}


def pg_state(cur: psycopg.Cursor) -> dict[str, list[tuple]]:
    return {name: [tuple(r) for r in cur.execute(q).fetchall()]  # type: ignore[arg-type]
            for name, q in _PG_QUERIES.items()}


def fdwsh_state(store: CatalogStore) -> dict[str, list[tuple]]:
    state = {}
    for name, query in _FDWSH_QUERIES.items():
        rows = []
        for row in store.db.execute(query):
            values = list(row)
            if name in _OPTION_COLUMNS:
                i = _OPTION_COLUMNS[name]
                values[i] = [f"{k}={v}" for k, v in load_options(values[i])]
            if name == "columns":
                values[4] = bool(values[4])
            rows.append(tuple(values))
        state[name] = rows
    return state
