"""``fdwsh --demo``: two throwaway PostgreSQL servers, a catalog declaring them, example queries.

The servers are clusters of this machine's PostgreSQL (fdwsh.localpg): ``sales`` holds
``orders`` and ``regions``, ``crm`` holds ``customers``.  The catalog (a temp file) gets the
extension, the two servers, PUBLIC user mappings and the foreign tables by IMPORT FOREIGN
SCHEMA, all through fdwsh's own statements, so the demo exercises what a user would type.
Everything is removed when the shell ends, however it ends.
"""

from __future__ import annotations

import shutil
import tempfile
from collections.abc import Iterator
from concurrent.futures import ThreadPoolExecutor
from contextlib import ExitStack, contextmanager
from dataclasses import dataclass
from pathlib import Path

from fdwsh.errors import FatalError
from fdwsh.localpg import Cluster, ServerBinariesMissing

SALES_SQL = """
CREATE TABLE regions (id int PRIMARY KEY, name text NOT NULL);
INSERT INTO regions VALUES (1, 'north'), (2, 'south'), (3, 'east'), (4, 'west'), (5, 'central');
CREATE TABLE orders (
    id int PRIMARY KEY,
    customer_id int NOT NULL,
    amount numeric(12,2) NOT NULL,
    status text NOT NULL,
    created date NOT NULL
);
INSERT INTO orders
SELECT i, 1 + (i * 7919) % 1000, round(((i * 104729) % 100000) / 100.0, 2),
       (ARRAY['new', 'paid', 'shipped', 'returned'])[1 + i % 4],
       DATE '2026-01-01' + (i % 330)
FROM generate_series(1, 10000) AS i;
ANALYZE;
"""

CRM_SQL = """
CREATE TABLE customers (
    id int PRIMARY KEY,
    name text NOT NULL,
    region_id int NOT NULL,
    tier int NOT NULL
);
INSERT INTO customers
SELECT i, 'customer ' || i, 1 + i % 5, 1 + (i * 31) % 3 FROM generate_series(1, 1000) AS i;
ANALYZE;
"""

EXAMPLES = (
    ("a join of tables on two servers",
     "SELECT c.tier, count(*) AS orders, sum(o.amount) AS total\n"
     "  FROM orders o JOIN customers c ON c.id = o.customer_id\n"
     "  WHERE o.status = 'paid' GROUP BY c.tier ORDER BY c.tier;"),
    ("what is pushed down to each server",
     "EXPLAIN (VERBOSE, COSTS OFF) SELECT c.name, o.amount\n"
     "  FROM orders o JOIN customers c ON c.id = o.customer_id\n"
     "  WHERE o.amount > 990 ORDER BY o.amount DESC LIMIT 5;"),
    ("a query one server runs whole (see it with EXPLAIN VERBOSE)",
     "SELECT r.name, count(*), round(avg(o.amount), 2) AS average\n"
     "  FROM orders o JOIN regions r ON r.id = o.customer_id % 5 + 1\n"
     "  GROUP BY r.name ORDER BY r.name;"),
)


@dataclass(frozen=True, slots=True)
class Demo:
    """A running demo: the catalog file to open and the text that introduces it."""

    catalog: Path
    intro: str


@contextmanager
def demo_environment() -> Iterator[Demo]:
    """Start both servers and write the catalog; tear everything down afterwards."""
    with ExitStack() as stack:
        workdir = Path(tempfile.mkdtemp(prefix="fdwsh-demo-"))
        stack.callback(shutil.rmtree, workdir, ignore_errors=True)
        sales, crm = _start_servers(stack)
        catalog = workdir / "catalog.db"
        _write_catalog(catalog, {"sales": sales, "crm": crm})
        yield Demo(catalog, _intro(sales, crm))


def _start_servers(stack: ExitStack) -> tuple[Cluster, Cluster]:
    """Both clusters, created in parallel (initdb dominates the demo's start-up)."""
    with ThreadPoolExecutor(2) as pool:
        futures = [pool.submit(_server, name, sql)
                   for name, sql in (("sales", SALES_SQL), ("crm", CRM_SQL))]
        clusters = []
        failure: BaseException | None = None
        for future in futures:
            try:
                clusters.append(future.result())
            except BaseException as exc:  # keep the other cluster for tear-down
                failure = failure or exc
    for cluster in clusters:
        stack.callback(cluster.destroy)
    if isinstance(failure, ServerBinariesMissing):
        raise FatalError(f"--demo needs PostgreSQL's server programs. {failure}")
    if failure is not None:
        raise FatalError(f"--demo could not start a PostgreSQL server: {failure}")
    return clusters[0], clusters[1]


def _server(name: str, sql: str) -> Cluster:
    import psycopg

    cluster = Cluster(f"fdwsh-demo-{name}")
    try:
        with psycopg.connect(cluster.dsn(), autocommit=True) as conn:
            conn.execute(f"CREATE DATABASE {name}")
        with psycopg.connect(cluster.dsn(name), autocommit=True) as conn:
            conn.execute(sql)
    except BaseException:
        cluster.destroy()
        raise
    return cluster


def _catalog_script(servers: dict[str, Cluster]) -> str:
    lines = ["CREATE EXTENSION postgres_fdw;"]
    for name, cluster in servers.items():
        lines += [
            f"CREATE SERVER {name} FOREIGN DATA WRAPPER postgres_fdw OPTIONS "
            f"(host '{cluster.host}', port '{cluster.port}', dbname '{name}');",
            f"CREATE USER MAPPING FOR PUBLIC SERVER {name} OPTIONS (user '{cluster.user}');",
            f"IMPORT FOREIGN SCHEMA public FROM SERVER {name} INTO public;",
        ]
    return "\n".join(lines) + "\n"


def _write_catalog(path: Path, servers: dict[str, Cluster]) -> None:
    """Declare the servers through fdwsh's own statements (a quiet session of its own)."""
    import io

    from fdwsh.session import InputSource, Session
    from fdwsh.settings import Settings

    settings = Settings(catalog_path=str(path), user="demo", no_rc=True)
    settings.variables.update({"QUIET": "on", "ON_ERROR_STOP": "on"})
    out = io.StringIO()
    session = Session(settings, stdout=out, stderr=out)
    try:
        status = session.run_top(io.StringIO(_catalog_script(servers)), InputSource(None, path))
    finally:
        session.close()
    if status != 0:
        raise FatalError(f"--demo could not write its catalog:\n{out.getvalue()}")


def _intro(sales: Cluster, crm: Cluster) -> str:
    examples = "\n\n".join(f"-- {title}\n{sql}" for title, sql in EXAMPLES)
    return (
        "fdwsh demo: two PostgreSQL servers on this machine, removed when you leave.\n"
        f"  sales  127.0.0.1:{sales.port}  orders (10000 rows), regions (5 rows)\n"
        f"  crm    127.0.0.1:{crm.port}  customers (1000 rows)\n"
        "The catalog declares both (\\des, \\det); try:\n\n"
        f"{examples}\n\n"
    )
