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
        "  ABORT                 CREATE USER MAPPING   ROLLBACK PREPARED\n"
        "  ALTER FOREIGN TABLE   DELETE                ROLLBACK TO SAVEPOINT\n"
        "  ALTER SERVER          DROP EXTENSION        SAVEPOINT\n"
        "  ALTER USER MAPPING    DROP FOREIGN TABLE    SELECT\n"
        "  ANALYZE               DROP SCHEMA           SET\n"
        "  BEGIN                 DROP SERVER           SET TRANSACTION\n"
        "  COMMENT               DROP USER MAPPING     SHOW\n"
        "  COMMIT                END                   START TRANSACTION\n"
        "  COMMIT PREPARED       EXPLAIN               TABLE\n"
        "  COPY                  IMPORT FOREIGN SCHEMA TRUNCATE\n"
        "  CREATE EXTENSION      INSERT                UPDATE\n"
        "  CREATE FOREIGN TABLE  RELEASE SAVEPOINT     VACUUM\n"
        "  CREATE SCHEMA         RESET                 VALUES\n"
        "  CREATE SERVER         ROLLBACK              WITH\n"
    )


#: One statement of each topic, run on a catalog with a server, a mapping and a foreign table
#: (its server is down: a statement that reaches it fails to connect, which is not a refusal).
SAMPLES = {
    "ABORT": "ABORT", "ALTER FOREIGN TABLE": "ALTER FOREIGN TABLE ft ADD COLUMN b int",
    "ALTER SERVER": "ALTER SERVER s OPTIONS (ADD fetch_size '10')",
    "ALTER USER MAPPING": "ALTER USER MAPPING FOR PUBLIC SERVER s OPTIONS (ADD user 'u')",
    "ANALYZE": "ANALYZE ft", "BEGIN": "BEGIN", "COMMENT": "COMMENT ON SERVER s IS 'x'",
    "COMMIT": "COMMIT", "COMMIT PREPARED": "COMMIT PREPARED 'gid'",
    "COPY": "COPY ft TO STDOUT", "CREATE EXTENSION": "CREATE EXTENSION IF NOT EXISTS postgres_fdw",
    "CREATE FOREIGN TABLE": "CREATE FOREIGN TABLE ft2 (a int) SERVER s",
    "CREATE SCHEMA": "CREATE SCHEMA sc", "CREATE SERVER":
        "CREATE SERVER s2 FOREIGN DATA WRAPPER postgres_fdw",
    "CREATE USER MAPPING": "CREATE USER MAPPING FOR CURRENT_USER SERVER s2",
    "DELETE": "DELETE FROM ft WHERE a = 1", "DROP EXTENSION": "DROP EXTENSION IF EXISTS x",
    "DROP FOREIGN TABLE": "DROP FOREIGN TABLE IF EXISTS nope", "DROP SCHEMA": "DROP SCHEMA sc",
    "DROP SERVER": "DROP SERVER IF EXISTS nope", "DROP USER MAPPING":
        "DROP USER MAPPING IF EXISTS FOR PUBLIC SERVER s2",
    "END": "END", "EXPLAIN": "EXPLAIN SELECT 1",
    "IMPORT FOREIGN SCHEMA": "IMPORT FOREIGN SCHEMA r FROM SERVER s INTO public",
    "INSERT": "INSERT INTO ft VALUES (1)", "RELEASE SAVEPOINT": "RELEASE SAVEPOINT sp",
    "RESET": "RESET search_path", "ROLLBACK": "ROLLBACK",
    "ROLLBACK PREPARED": "ROLLBACK PREPARED 'gid'", "ROLLBACK TO SAVEPOINT": "ROLLBACK TO sp",
    "SAVEPOINT": "SAVEPOINT sp", "SELECT": "SELECT 1", "SET": "SET search_path = public",
    "SET TRANSACTION": "SET SESSION CHARACTERISTICS AS TRANSACTION READ WRITE",
    "SHOW": "SHOW search_path", "START TRANSACTION": "START TRANSACTION",
    "TABLE": "TABLE ft", "TRUNCATE": "TRUNCATE ft", "UPDATE": "UPDATE ft SET a = 2",
    "VACUUM": "VACUUM ft", "VALUES": "VALUES (1)", "WITH": "WITH w AS (SELECT 1) SELECT * FROM w",
}
#: Statements fdwsh refuses, by the topic psql would show for them.
REFUSED = {"PREPARE": "PREPARE q AS SELECT 1", "DISCARD": "DISCARD ALL",
           "CHECKPOINT": "CHECKPOINT", "LISTEN": "LISTEN chan",
           "CREATE TABLE": "CREATE TABLE t (a int)",
           "ALTER SCHEMA": "ALTER SCHEMA public RENAME TO p"}


def test_help_covers_exactly_the_statements_fdwsh_runs(tmp_path):
    r"""Every ``\h`` topic is a statement fdwsh runs (one sample each is not refused as
    unsupported), and statements it refuses point at ``\h`` and have no topic there."""
    assert sorted(SAMPLES) == NAMES
    setup = ("CREATE EXTENSION postgres_fdw;\n"
             "CREATE SERVER s FOREIGN DATA WRAPPER postgres_fdw OPTIONS (port '1');\n"
             "CREATE USER MAPPING FOR PUBLIC SERVER s;\n"
             "CREATE FOREIGN TABLE ft (a int) SERVER s;\n")
    out = fdwsh_help(tmp_path, setup + "".join(f"{sql};\n" for sql in SAMPLES.values()))
    assert "not supported" not in out, out
    refused = fdwsh_help(tmp_path, "".join(f"{sql};\n\\h {topic}\n\\echo ==\n"
                                           for topic, sql in REFUSED.items()))
    for topic, answer in zip(REFUSED, refused.split("==\n")):
        assert answer.startswith(f"ERROR:  {topic} is not supported yet\n"
                                 "HINT:  \\h lists the statements fdwsh runs.\n"), answer
        assert f"Command:     {topic}\n" not in answer
