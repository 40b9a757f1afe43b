"""Route one parsed statement to what executes it: transaction control, catalog DDL, or the
planner and executor for queries.  Statements nobody handles yet get a clear ``ERROR:``.

Query machinery (pglast visitors, psycopg) is imported only when a query runs, so that
``fdwsh -c '\\des'`` starts fast."""

from __future__ import annotations

import re
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any

from pglast import ast

from fdwsh.catalog import ddl
from fdwsh.catalog.context import DdlContext
from fdwsh.catalog.store import CatalogStore
from fdwsh.errors import FeatureNotSupported, Notice
from fdwsh.output.result import Result
from fdwsh.txn import Transaction

if TYPE_CHECKING:
    from fdwsh.sql.bind import TableLookup

_STATEMENT_NAMES = {
    "SelectStmt": "SELECT", "InsertStmt": "INSERT", "UpdateStmt": "UPDATE",
    "DeleteStmt": "DELETE", "CreateStmt": "CREATE TABLE", "CopyStmt": "COPY",
    "ExplainStmt": "EXPLAIN", "TruncateStmt": "TRUNCATE", "VacuumStmt": "ANALYZE",
    "ImportForeignSchemaStmt": "IMPORT FOREIGN SCHEMA", "VariableSetStmt": "SET",
    "VariableShowStmt": "SHOW", "MergeStmt": "MERGE", "CheckPointStmt": "CHECKPOINT",
    "CreateFdwStmt": "CREATE FOREIGN DATA WRAPPER", "AlterFdwStmt": "ALTER FOREIGN DATA WRAPPER",
}
#: Statements named by the kind of object they alter (``ALTER SCHEMA`` for a RenameStmt).
_ALTERS = {"RenameStmt": "renameType", "AlterOwnerStmt": "objectType",
           "AlterObjectSchemaStmt": "objectType"}


@dataclass(slots=True)
class StatementContext:
    """Everything a statement may touch: the catalog, the user, the transaction block."""

    store: CatalogStore
    user: str
    txn: Transaction
    source: str = ""
    notices: list[Notice] = field(default_factory=list)
    #: Opens (on first use) the session's remote connection cache.
    remote: Callable[[], Any] | None = None
    #: The session settings (fdwsh.sql.guc.Gucs): search_path, TimeZone, DateStyle …
    gucs: Any = None
    #: The psql variables (fdwsh.settings.Variables): DYNAMIC_FILTER_LIMIT …
    variables: Any = None
    #: COPY's data streams (fdwsh.exec.copy_channel.CopyChannel): STDIN, STDOUT, \copy's file.
    copy: Any = None

    def search_path(self) -> list[str]:
        """The schemas that unqualified names are looked up in, ``$user`` expanded."""
        path = self.gucs.search_path if self.gucs is not None else ["$user", "public"]
        return [self.user if name == "$user" else name for name in path]

    def lookup(self) -> TableLookup:
        """Resolves the query's relation names to foreign tables along the search path."""
        from fdwsh.sql.bind import catalog_lookup

        return catalog_lookup(self.store.db, self.search_path())

    def extension_schema(self, name: str) -> str | None:
        """The schema of an installed extension (None: not installed): its functions exist."""
        from fdwsh.catalog import objects

        row = objects.get_extension(self.store.db, name)
        return None if row is None else str(row["schema"])


#: Statements run by an executor module, imported when such a statement first runs:
#: statement class name → (module, function taking (stmt, StatementContext) → Result).
EXECUTORS: dict[str, tuple[str, str]] = {
    "VacuumStmt": ("fdwsh.exec.analyze", "run_vacuum"),
    "CopyStmt": ("fdwsh.exec.copy", "run_copy"),
    "TruncateStmt": ("fdwsh.exec.truncate", "run_truncate"),
    "ImportForeignSchemaStmt": ("fdwsh.exec.import_schema", "run_import"),
    "InsertStmt": ("fdwsh.exec.dml_insert", "run_insert"),
    "UpdateStmt": ("fdwsh.exec.dml_modify", "run_update"),
    "DeleteStmt": ("fdwsh.exec.dml_modify", "run_delete"),
}


def statement_name(stmt: ast.Node) -> str:
    """A human name for a statement's kind (``SELECT``, ``CREATE TABLE`` …) for messages."""
    cls = type(stmt).__name__
    if cls in _STATEMENT_NAMES:
        return _STATEMENT_NAMES[cls]
    if cls in _ALTERS:
        kind = getattr(getattr(stmt, _ALTERS[cls]), "name", "")
        return "ALTER " + kind.removeprefix("OBJECT_").replace("_", " ")
    words = re.findall(r"[A-Z][a-z]*", cls.removesuffix("Stmt"))
    return " ".join(words).upper()


def execute(stmt: ast.Node, ctx: StatementContext) -> Result:
    """Execute one statement and return its result."""
    ctx.txn.check_allowed(stmt)
    if isinstance(stmt, ast.TransactionStmt):
        return ctx.txn.execute(stmt, ctx.notices)
    if isinstance(stmt, (ast.VariableSetStmt, ast.VariableShowStmt)):
        from fdwsh.sql import guc

        if isinstance(stmt, ast.VariableShowStmt):
            return guc.execute_show(stmt, ctx.gucs)
        return guc.execute_set(stmt, ctx.gucs, ctx.txn.in_block, ctx.notices)
    if isinstance(stmt, ast.SelectStmt) and stmt.withClause is not None:
        from fdwsh.exec.dml_ctes import has_modifying, run_modifying

        if has_modifying(stmt):  # WITH d AS (DELETE … RETURNING …) SELECT …
            stmt = run_modifying(stmt, ctx)
    if isinstance(stmt, ast.SelectStmt) and not _names_relations(stmt):
        from fdwsh.exec.local_query import run_local_select

        return run_local_select(stmt, ctx)
    if isinstance(stmt, (ast.SelectStmt, ast.ExplainStmt)) and ctx.remote is not None:
        from fdwsh.exec import remote_query

        if isinstance(stmt, ast.ExplainStmt):
            return remote_query.run_explain(stmt, ctx.lookup(), ctx.remote(), ctx)
        return remote_query.run_select(stmt, ctx.lookup(), ctx.remote(), ctx.gucs, ctx)
    executor = EXECUTORS.get(type(stmt).__name__)
    if executor is not None:
        import importlib

        module, function = executor
        return getattr(importlib.import_module(module), function)(stmt, ctx)  # type: ignore[no-any-return]
    if ddl.is_ddl(stmt):
        dctx = DdlContext(ctx.store, ctx.user, ctx.source, notices=ctx.notices,
                          search_path=ctx.gucs.search_path if ctx.gucs is not None else None)
        return ddl.execute(stmt, dctx)
    raise FeatureNotSupported(
        f"{statement_name(stmt)} is not supported yet",
        hint="\\h lists the statements fdwsh runs.",
    )


def _names_relations(stmt: ast.Node) -> bool:
    """Whether a query names any relation (else fdwsh evaluates it itself)."""
    from pglast.visitors import Visitor

    found: list[bool] = []

    class Find(Visitor):  # type: ignore[misc]
        def visit_RangeVar(self, ancestors: Any, node: ast.RangeVar) -> None:
            found.append(True)

    Find()(stmt)
    return bool(found)
