"""Oracle test: transaction blocks over foreign tables print what psql + postgres_fdw print.

``tests/oracle/transactions/*.sql`` run through ``psql -f`` on a fresh database (postgres_fdw
created by the script) and through ``fdwsh -f`` on a fresh catalog, each against a freshly made
remote database (the scripts write to it): tags, WARNINGs outside a block, the aborted block's
errors, savepoint errors, COMMIT of a failed block, the remote isolation level, psql's
AUTOCOMMIT and ON_ERROR_ROLLBACK, and the rows left behind must be identical.
"""

from __future__ import annotations

from pathlib import Path
from string import Template

import pytest

from tests.conftest import run_fdwsh
from tests.pgcluster import Cluster
from tests.txn_bed import make_remote, remote_env

SCRIPTS = sorted((Path(__file__).parent / "oracle" / "transactions").glob("*.sql"))
REMOTE = "txn_oracle_remote"


@pytest.mark.parametrize("script", SCRIPTS, ids=[s.stem for s in SCRIPTS])
def test_transaction_scripts_match_psql_with_postgres_fdw(pg: Cluster, oracle_db: str,
                                                          tmp_path: Path, script: Path) -> None:
    text = Template(script.read_text()).substitute(host=pg.host, port=pg.port, dbname=REMOTE)
    (tmp_path / script.name).write_text(text)
    make_remote(pg, REMOTE)
    expected = pg.psql(text, oracle_db, "-f", "-").stdout
    make_remote(pg, REMOTE)
    got = run_fdwsh("-X", "-U", "postgres", "-f", str(tmp_path / script.name),
                    catalog=tmp_path / "fresh.db", env=remote_env()).stdout
    expected = expected.replace("psql:<stdin>:", f"fdwsh:{tmp_path / script.name}:")
    assert got.splitlines() == expected.splitlines()
    assert got == expected
