r"""``\h``: fdwsh's SQL syntax help is psql 15's, for every statement fdwsh runs.

Oracle tests run ``\h ...`` through the real psql and through fdwsh.  psql knows every SQL
statement and fdwsh only its own, so where a request matches several topics the psql output is
cut into its ``Command:`` blocks and only the blocks of fdwsh's topics are kept; everything else
(exact topics, lower case, trailing semicolons, unknown topics) must match byte for byte.
"""

from __future__ import annotations

import os
import re
import subprocess
import sys
from pathlib import Path

from fdwsh.meta.sqlhelp import TOPICS
from tests.conftest import fdwsh_env
from tests.pgcluster import Cluster

NAMES = [topic.cmd for topic in TOPICS]
BLOCK = re.compile(r"^Command:     (.*)\n(?:.*\n)*?URL: .*\n\n", re.M)


def psql_help(pg: Cluster, script: str) -> str:
    env = {**os.environ, "PGHOST": pg.host, "PGPORT": str(pg.port), "PGUSER": pg.user,
           "PGDATABASE": "postgres", "PAGER": "", "PSQL_PAGER": "", "LC_ALL": "C.UTF-8"}
    proc = subprocess.run(["psql", "-X"], input=script, text=True, env=env,
                          stdout=subprocess.PIPE, stderr=subprocess.STDOUT, timeout=60)
    return proc.stdout


def fdwsh_help(tmp_path: Path, script: str) -> str:
    proc = subprocess.run([sys.executable, "-m", "fdwsh", "-X", "--catalog",
                           str(tmp_path / "c.db")], input=script, text=True,
                          env=fdwsh_env(tmp_path), stdout=subprocess.PIPE,
                          stderr=subprocess.STDOUT, timeout=60)
    return proc.stdout


def fdwsh_blocks_only(psql_output: str) -> str:
    """psql's output without the blocks of statements fdwsh does not run."""
    return BLOCK.sub(lambda m: m.group(0) if m.group(1) in NAMES else "", psql_output)


def test_every_topic_reads_as_in_psql(pg, tmp_path):
    script = "".join(f"\\h {name}\n" for name in NAMES)
    assert fdwsh_help(tmp_path, script) == psql_help(pg, script)


def test_topics_are_psqls_names_for_the_statements_fdwsh_runs():
    assert {"CREATE SERVER", "ALTER USER MAPPING", "IMPORT FOREIGN SCHEMA", "SELECT", "COPY",
            "ROLLBACK TO SAVEPOINT", "START TRANSACTION"} <= set(NAMES)
    assert NAMES == sorted(NAMES)


REQUESTS = {
    "lower_case_and_trailing_semicolons": "\\h create server;;  \n",
    "help_spelled_out": "\\help DROP USER MAPPING\n",
    "unknown_topic": "\\h xyz\n",
    "unknown_two_words": "\\h frobnicate the widgets\n",
    "all_statements_starting_with_a_word": "\\h CREATE\n",
    "exact_match_stops_before_longer_names": "\\h ROLLBACK\n",
    "prefix_of_a_name": "\\h sel\n",
    "first_two_words_when_the_whole_does_not_match": "\\h drop server foo\n",
    "first_word_when_two_do_not_match": "\\h alter nothing at all\n",
    "extra_spaces_between_words": "\\h create   server\n",
    "everything": "\\h *\n",
}


def test_topic_matching_as_in_psql(pg, tmp_path):
    """All requests in one run each (a marker line keeps every answer apart)."""
    script = "".join(f"\\echo == {name}\n{request}" for name, request in REQUESTS.items())
    expected = fdwsh_blocks_only(psql_help(pg, script))
    actual = fdwsh_help(tmp_path, script)
    assert actual.split("== ") == expected.split("== ")


def test_every_listed_topic_is_a_psql_topic(pg):
    rows = psql_help(pg, "\\h\n").splitlines()[1:]
    width = len(re.match(r"  (\S.*?\s{2,})\S", rows[0]).group(1))  # psql's column width
    listed = {row[i:i + width].strip() for row in rows for i in range(2, len(row), width)}
    assert set(NAMES) <= listed


def test_without_a_topic_the_names_are_listed_in_columns_for_80_characters(tmp_path):
    r"""psql fills columns top to bottom; each column is as wide as the longest name plus one,
    and as many fit as the screen (80 columns when output is not a terminal) allows."""
    assert fdwsh_help(tmp_path, "\\h\n") == (
        "Available help:\n"
        "  ABORT                 CREATE SERVER         RELEASE SAVEPOINT\n"
        "  ALTER FOREIGN TABLE   CREATE USER MAPPING   ROLLBACK\n"
        "  ALTER SERVER          DELETE                ROLLBACK TO SAVEPOINT\n"
        "  ALTER USER MAPPING    DROP EXTENSION        SAVEPOINT\n"
        "  ANALYZE               DROP FOREIGN TABLE    SELECT\n"
        "  BEGIN                 DROP SCHEMA           START TRANSACTION\n"
        "  COMMENT               DROP SERVER           TABLE\n"
        "  COMMIT                DROP USER MAPPING     TRUNCATE\n"
        "  COPY                  END                   UPDATE\n"
        "  CREATE EXTENSION      EXPLAIN               VALUES\n"
        "  CREATE FOREIGN TABLE  IMPORT FOREIGN SCHEMA WITH\n"
        "  CREATE SCHEMA         INSERT                \n"
    )
