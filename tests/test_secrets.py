"""Passwords stay secret: the files that hold them are private, and they are shown nowhere.

- the catalog (and SQLite's -wal/-shm side files) and the history file are created 0600; a
  catalog that group or others can read gets libpq's passfile-style WARNING at every open;
- ``\\deu+`` masks the password unless SHOW_PASSWORDS is on, EXPLAIN VERBOSE and connection
  errors never carry it;
- a statement typed with a password is stored in the history file with the password masked.

Against a cluster of this module that asks for passwords (SCRAM for role ``alice``) and logs
every connection and statement: no listing, plan, \\dconn/\\ping row, error (wrong password,
server down, bad option), remote activity or server log line carries a password; ``sslmode``
is libpq's; ``password_required 'true'`` opts a mapping into postgres_fdw's non-superuser rules;
a server's ``passfile`` and ``~/.pgpass`` supply a password the mapping leaves out.  ``-e``
echoes statements as typed, passwords included, as ``psql -e`` does (the echo is the user's
own input on the user's own output; the history file, which outlives the session, is masked).
"""

from __future__ import annotations

import stat
from collections.abc import Iterator
from pathlib import Path

import pytest

from fdwsh.input.redact import redact_passwords
from tests.conftest import fdwsh_env, run_fdwsh
from tests.pgcluster import Cluster, free_port
from tests.test_repl import Spawn, enter, exit_status, fdwsh, ready  # noqa: F401 (fixture)

SECRET = "hunter2-Xq9"


def _mapping_ddl(host: str, port: int, dbname: str) -> str:
    return (f"CREATE EXTENSION postgres_fdw;\n"
            f"CREATE SERVER s FOREIGN DATA WRAPPER postgres_fdw OPTIONS "
            f"(host '{host}', port '{port}', dbname '{dbname}');\n"
            f"CREATE USER MAPPING FOR CURRENT_USER SERVER s OPTIONS "
            f"(user 'postgres', password '{SECRET}');\n"
            "CREATE FOREIGN TABLE ft (amname name) SERVER s OPTIONS (schema_name 'pg_catalog', table_name 'pg_am');\n")


def _mode(path: Path) -> int:
    return stat.S_IMODE(path.stat().st_mode)


def test_catalog_and_its_side_files_are_created_0600(tmp_path: Path) -> None:
    catalog = tmp_path / "new" / "catalog.db"
    assert run_fdwsh("-X", "-c", "CREATE SCHEMA s", catalog=catalog).returncode == 0
    sides = [p for p in catalog.parent.iterdir()]
    assert catalog in sides
    assert {p.name: _mode(p) for p in sides} == {p.name: 0o600 for p in sides}


def test_a_catalog_others_can_read_gets_a_warning_at_every_open(tmp_path: Path) -> None:
    catalog = tmp_path / "catalog.db"
    run_fdwsh("-X", "-c", "CREATE SCHEMA s", catalog=catalog)
    catalog.chmod(0o644)
    for _ in range(2):
        result = run_fdwsh("-X", "-c", "SELECT 1 AS one", catalog=catalog, merge=False)
        assert result.returncode == 0
        assert result.stderr == (f'WARNING:  catalog file "{catalog}" has group or world access;'
                                 " permissions should be u=rw (0600) or less\n")
        assert "(1 row)" in result.stdout
    catalog.chmod(0o600)
    quiet = run_fdwsh("-X", "-c", "SELECT 1 AS one", catalog=catalog, merge=False)
    assert quiet.stderr == "" and quiet.returncode == 0


def test_a_session_that_opens_no_catalog_gives_no_warning(tmp_path: Path) -> None:
    catalog = tmp_path / "catalog.db"
    run_fdwsh("-X", "-c", "CREATE SCHEMA s", catalog=catalog)
    catalog.chmod(0o640)
    assert run_fdwsh("-X", "-c", "\\echo hi", catalog=catalog).stdout == "hi\n"


def test_password_is_masked_in_deu_and_absent_from_explain(pg: Cluster, tmp_path: Path) -> None:
    catalog = tmp_path / "catalog.db"
    made = run_fdwsh("-X", "-q", "-v", "ON_ERROR_STOP=1", catalog=catalog,
                     input=_mapping_ddl(pg.host, pg.port, "postgres"))
    assert made.returncode == 0, made.stdout
    shown = run_fdwsh("-X", "-c", "\\deu+", "-c", "EXPLAIN VERBOSE SELECT amname FROM ft",
                      "-c", "\\d+ ft", "-c", "\\des+", catalog=catalog).stdout
    assert "password '********'" in shown and "Remote SQL: " in shown, shown
    assert SECRET not in shown
    revealed = run_fdwsh("-X", "-v", "SHOW_PASSWORDS=on", "-c", "\\deu+", catalog=catalog).stdout
    assert f"password '{SECRET}'" in revealed


@pytest.mark.parametrize("case", ["closed port", "no such database"])
def test_a_failed_connection_does_not_show_the_password(pg: Cluster, tmp_path: Path,
                                                        case: str) -> None:
    catalog = tmp_path / "catalog.db"
    port, dbname = (free_port(), "postgres") if case == "closed port" else (pg.port, "nosuch")
    run_fdwsh("-X", "-q", catalog=catalog, input=_mapping_ddl(pg.host, port, dbname))
    out = run_fdwsh("-X", "-v", "VERBOSITY=verbose", "-c", "SELECT amname FROM ft",
                    "-c", "EXPLAIN SELECT amname FROM ft", catalog=catalog)
    assert out.returncode == 1
    assert 'could not connect to server "s"' in out.stdout, out.stdout
    assert SECRET not in out.stdout


def test_history_stores_a_typed_password_masked(fdwsh: Spawn,  # noqa: F811
                                                tmp_path: Path) -> None:
    child = fdwsh()
    ready(child)
    enter(child, "CREATE EXTENSION postgres_fdw;")
    enter(child, "CREATE SERVER s FOREIGN DATA WRAPPER postgres_fdw OPTIONS (host 'h');")
    enter(child, "CREATE USER MAPPING FOR CURRENT_USER SERVER s OPTIONS (user 'u',", "fdwsh(> ")
    assert enter(child, f"password '{SECRET}');") == "CREATE USER MAPPING\n"
    out = enter(child, f"ALTER USER MAPPING FOR CURRENT_USER SERVER s OPTIONS (SET password "
                       f"E'{SECRET}\\'x');")
    assert out == "ALTER USER MAPPING\n"
    child.sendcontrol("d")
    assert exit_status(child) == 0
    history = tmp_path / "xdg" / "fdwsh" / "history"
    text = history.read_text()
    assert SECRET not in text
    assert ("+CREATE USER MAPPING FOR CURRENT_USER SERVER s OPTIONS (user 'u',\n"
            "+password '********');\n") in text
    assert "+ALTER USER MAPPING FOR CURRENT_USER SERVER s OPTIONS (SET password '********');" \
        in text
    assert _mode(history) == 0o600
    # the catalog itself holds the password that was set (the history only is masked)
    shown = run_fdwsh("-X", "-v", "SHOW_PASSWORDS=on", "-c", "\\deu+", catalog=tmp_path / "c.db",
                      env=fdwsh_env(tmp_path)).stdout
    assert f"password '{SECRET}''x'" in shown


@pytest.mark.parametrize("typed, stored", [
    ("OPTIONS (password 'a''b')", "OPTIONS (password '********')"),
    ('OPTIONS (ADD "password" $q$x$q$, user \'password\')',
     "OPTIONS (ADD \"password\" '********', user 'password')"),
    ("OPTIONS (SET PASSWORD e'a\\'b')", "OPTIONS (SET PASSWORD '********')"),
    ("OPTIONS (password 'never closed", "OPTIONS (password '********'"),
    ("SELECT 'password' AS x", "SELECT 'password' AS x"),
    ("OPTIONS (passwords 'x', password_required 'false')",
     "OPTIONS (passwords 'x', password_required 'false')"),
    ("OPTIONS (user 'u', sslpassword 'k3y', \"SSLPASSWORD\" 'k')",
     "OPTIONS (user 'u', sslpassword '********', \"SSLPASSWORD\" '********')"),
    ("ALTER ROLE bob WITH ENCRYPTED PASSWORD 'x'", "ALTER ROLE bob WITH ENCRYPTED PASSWORD '********'"),
])
def test_redaction_masks_only_password_values(typed: str, stored: str) -> None:
    assert redact_passwords(typed) == stored


# -- a server that asks for passwords ------------------------------------------------------------

WRONG = "wrong-Zr8"
SSL_SECRET = "keypass-Jw4"


@pytest.fixture(scope="module")
def scram() -> Iterator[Cluster]:
    """A cluster where role ``alice`` logs in with SCRAM (password SECRET) over TCP; postgres
    stays trusted.  Connections and statements are logged."""
    cluster = Cluster("fdwsh-secrets", {"log_connections": "on", "log_statement": "'all'"})
    try:
        cluster.psql(f"CREATE ROLE alice LOGIN PASSWORD '{SECRET}'", check=True)
        hba = cluster.datadir / "pg_hba.conf"
        hba.write_text("host all alice 127.0.0.1/32 scram-sha-256\n" + hba.read_text())
        cluster.psql("SELECT pg_reload_conf()", check=True)
        yield cluster
    finally:
        cluster.destroy()


def _server(name: str, cluster: Cluster, mapping: str, port: int | None = None,
            extra: str = "") -> str:
    return (f"CREATE SERVER {name} FOREIGN DATA WRAPPER postgres_fdw OPTIONS (host "
            f"'{cluster.host}', port '{port or cluster.port}', dbname 'postgres'{extra});\n"
            f"CREATE USER MAPPING FOR CURRENT_USER SERVER {name} OPTIONS ({mapping});\n")


@pytest.fixture(scope="module")
def scram_catalog(scram: Cluster, tmp_path_factory: pytest.TempPathFactory) -> Path:
    """Servers ``s`` (alice, right password and an sslpassword), ``wrong`` (a wrong password)
    and ``down`` (nothing listens), each with a foreign table of pg_stat_activity."""
    catalog = tmp_path_factory.mktemp("scram") / "catalog.db"
    script = "CREATE EXTENSION postgres_fdw;\n"
    script += _server("s", scram, f"user 'alice', password '{SECRET}', sslpassword "
                                  f"'{SSL_SECRET}'")
    script += _server("wrong", scram, f"user 'alice', password '{WRONG}'")
    script += _server("down", scram, f"user 'alice', password '{SECRET}'", port=free_port())
    for name in ("s", "wrong", "down"):
        script += (f"CREATE FOREIGN TABLE act_{name} (application_name text, usename name, "
                   f"query text) SERVER {name} OPTIONS (schema_name 'pg_catalog', "
                   "table_name 'pg_stat_activity');\n")
    made = run_fdwsh("-X", "-q", "-v", "ON_ERROR_STOP=1", catalog=catalog, input=script)
    assert made.returncode == 0, made.stdout
    return catalog


def _no_secret(text: str) -> None:
    for secret in (SECRET, WRONG, SSL_SECRET):
        assert secret not in text, text


#: Everything that shows servers, mappings, plans, connections and remote failures.
SHOW_ALL = ["\\deu", "\\deu+", "\\des+", "\\det+", "\\d+ act_s",
            "EXPLAIN SELECT * FROM act_s", "EXPLAIN VERBOSE SELECT * FROM act_s",
            "EXPLAIN ANALYZE SELECT * FROM act_s",
            "EXPLAIN (ANALYZE, VERBOSE) SELECT count(*) FROM act_s",
            "SELECT application_name, usename, query FROM act_s WHERE usename = 'alice'",
            "\\dconn", "\\ping", "SELECT * FROM act_wrong", "SELECT * FROM act_down",
            "EXPLAIN (ANALYZE, VERBOSE) SELECT * FROM act_wrong",
            "ALTER USER MAPPING FOR CURRENT_USER SERVER s OPTIONS (ADD bogus 'x')",
            "ALTER USER MAPPING FOR CURRENT_USER SERVER s OPTIONS (ADD password 'again')"]


def test_no_listing_plan_error_activity_or_server_log_shows_a_password(
        scram: Cluster, scram_catalog: Path) -> None:
    args = [arg for command in SHOW_ALL for arg in ("-c", command)]
    log_start = (scram.root / "log").stat().st_size  # the fixture's CREATE ROLE is before
    out = run_fdwsh("-X", "-v", "VERBOSITY=verbose", *args, catalog=scram_catalog).stdout
    _no_secret(out)
    assert "password '********', sslpassword '********'" in out
    assert "Remote SQL: " in out and "(actual time=" in out
    assert " fdwsh            | alice   | SELECT application_name" in out  # the remote session
    assert 'FATAL:  password authentication failed for user "alice"' in out
    assert 'could not connect to server "down"' in out
    assert 'ERROR:  HV00D: invalid option "bogus"' in out
    assert 'ERROR:  42710: option "password" provided more than once' in out
    log = (scram.root / "log").read_text()[log_start:]
    assert "connection authorized: user=alice database=postgres application_name=fdwsh" in log
    _no_secret(log)


def test_sslmode_is_libpqs(scram: Cluster, tmp_path: Path) -> None:
    catalog = tmp_path / "catalog.db"
    script = "CREATE EXTENSION postgres_fdw;\n"
    for mode in ("require", "disable"):
        script += _server(mode, scram, f"user 'alice', password '{SECRET}'",
                          extra=f", sslmode '{mode}'")
    run_fdwsh("-X", "-q", catalog=catalog, input=script)
    out = run_fdwsh("-X", "-At", "-c", "\\ping", catalog=catalog).stdout
    assert out.startswith("disable|root|ok|")
    assert ("require|root|failed||||ERROR:  could not connect to server \"require\"\n"
            f"DETAIL:  connection to server at \"{scram.host}\", port {scram.port} failed: "
            "server does not support SSL, but SSL was required") in out


@pytest.mark.parametrize("mapping, error", [
    ("user 'postgres', password_required 'true'",
     "ERROR:  password is required\nDETAIL:  Non-superusers must provide a password in the user"
     " mapping."),
    ("user 'postgres', password 'unused', password_required 'true'",  # postgres is trusted
     "ERROR:  password is required\nDETAIL:  Non-superuser cannot connect if the server does "
     "not request a password.\nHINT:  Target server's authentication method must be changed or "
     "password_required=false set in the user mapping attributes."),
    (f"user 'alice', password '{SECRET}', password_required 'true'", None),
    ("user 'postgres', password_required 'false'", None),
    ("user 'postgres'", None),  # the local user counts as a superuser
])
def test_password_required_true_applies_postgres_fdws_non_superuser_rules(
        scram: Cluster, tmp_path: Path, mapping: str, error: str | None) -> None:
    catalog = tmp_path / "catalog.db"
    run_fdwsh("-X", "-q", catalog=catalog,
              input="CREATE EXTENSION postgres_fdw;\n" + _server("s", scram, mapping))
    pinged = run_fdwsh("-X", "-At", "-c", "\\ping", catalog=catalog)
    connected = run_fdwsh("-X", "-At", "-c", "\\c s", "-c", "SELECT current_user",
                          catalog=catalog, merge=False)
    if error is None:
        assert "|ok|" in pinged.stdout and pinged.returncode == 0
        assert connected.stdout.splitlines()[-1] in ("alice", "postgres")
    else:
        assert pinged.stdout.endswith(f"|failed||||{error}\n"), pinged.stdout
        assert connected.stderr == error + "\n"


def test_passfile_and_pgpass_supply_a_password_the_mapping_leaves_out(
        scram: Cluster, tmp_path: Path) -> None:
    passfile = tmp_path / "passfile"
    passfile.write_text(f"{scram.host}:{scram.port}:*:alice:{SECRET}\n")
    passfile.chmod(0o600)
    catalog = tmp_path / "catalog.db"
    script = "CREATE EXTENSION postgres_fdw;\n"
    script += _server("viafile", scram, "user 'alice'", extra=f", passfile '{passfile}'")
    script += _server("viahome", scram, "user 'alice'")
    run_fdwsh("-X", "-q", catalog=catalog, input=script)
    home = tmp_path / "home"
    home.mkdir()
    env = fdwsh_env(home)
    out = run_fdwsh("-X", "-At", "-c", "\\ping", catalog=catalog, env=env).stdout
    assert "viafile|root|ok|" in out and "fe_sendauth: no password supplied" in out
    (home / ".pgpass").write_text(passfile.read_text())
    (home / ".pgpass").chmod(0o600)
    out = run_fdwsh("-X", "-At", "-c", "\\ping", catalog=catalog, env=env).stdout
    assert "viafile|root|ok|" in out and "viahome|root|ok|" in out, out


def test_echo_shows_statements_as_typed_like_psql(tmp_path: Path) -> None:
    statement = ("CREATE USER MAPPING FOR CURRENT_USER SERVER s OPTIONS (user 'u', password "
                 f"'{SECRET}')")
    out = run_fdwsh("-X", "-e", "-c", "CREATE EXTENSION postgres_fdw", "-c",
                    "CREATE SERVER s FOREIGN DATA WRAPPER postgres_fdw", "-c", statement,
                    catalog=tmp_path / "catalog.db").stdout
    assert f"{statement}\nCREATE USER MAPPING\n" in out
