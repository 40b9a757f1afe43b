r"""Running one script through the real psql and through fdwsh, for the meta-command tests.

A script is written to a fresh folder together with the files it may include (``sub/inner.sql``
with its ``\ir``, a ``bad.sql``, a ``quits.sql``) and a ``home`` next to it for ``\cd``.  psql runs
first, then fdwsh, in the same folder (so paths that ``\! pwd`` prints agree); what each leaves
behind (``\o``, ``\w`` files) is collected and removed in between.  Output is standard output and
standard error merged, so their order counts, with psql's ``psql:`` message prefix read as
``fdwsh:``.
"""

from __future__ import annotations

import os
import re
import subprocess
import sys
from pathlib import Path

from tests.conftest import fdwsh_env
from tests.pgcluster import Cluster

INCLUDED = {
    "sub/inner.sql": "\\echo in sub/inner :x\n\\ir inner2.sql\n\\i inner2.sql\n\\bogus\n",
    "sub/inner2.sql": "\\echo sub/inner2 here\n",
    "inner2.sql": "\\echo top-level inner2\n",
    "bad.sql": "\\bogus\n",
    "quits.sql": "\\echo quitting\n\\q\n\\echo not reached\n",
}


def script_folder(tmp_path: Path, script: str) -> Path:
    """A folder holding ``script.sql`` and the files scripts include."""
    folder = tmp_path / "work"
    for name, text in INCLUDED.items():
        (folder / name).parent.mkdir(parents=True, exist_ok=True)
        (folder / name).write_text(text)
    (folder / "script.sql").write_text(script.lstrip("\n"))
    (tmp_path / "home").mkdir(exist_ok=True)
    return folder


def run_psql(pg: Cluster, folder: Path, *args: str, dbname: str = "postgres"
             ) -> tuple[str, int]:
    """``psql -X ARGS`` in ``folder``: (output with fdwsh's prefix, exit code)."""
    env = {**os.environ, "PGHOST": pg.host, "PGPORT": str(pg.port), "PGUSER": pg.user,
           "PGDATABASE": dbname, "PAGER": "", "PSQL_PAGER": "", "LC_ALL": "C.UTF-8",
           "HOME": str(folder.parent / "home")}
    proc = subprocess.run(["psql", "-X", *args], env=env, cwd=folder, stdin=subprocess.DEVNULL,
                          stdout=subprocess.PIPE, stderr=subprocess.STDOUT, timeout=60)
    return re.sub(r"^psql:", "fdwsh:", proc.stdout.decode(), flags=re.M), proc.returncode


def run_fdwsh(folder: Path, *args: str) -> tuple[str, int]:
    """``python -m fdwsh -X ARGS`` in ``folder``: (output, exit code)."""
    env = fdwsh_env(folder.parent)
    env["HOME"] = str(folder.parent / "home")
    cmd = [sys.executable, "-m", "fdwsh", "-X", *args, "--catalog", str(folder.parent / "c.db")]
    proc = subprocess.run(cmd, env=env, cwd=folder, stdin=subprocess.DEVNULL,
                          stdout=subprocess.PIPE, stderr=subprocess.STDOUT, timeout=60)
    return proc.stdout.decode(), proc.returncode


def take_written_files(folder: Path) -> dict[str, str]:
    """Remove and return what the script left behind besides the files it was given."""
    given = set(INCLUDED) | {"script.sql"}
    written = {}
    for path in sorted(folder.rglob("*")):
        name = str(path.relative_to(folder))
        if path.is_file() and name not in given:
            written[name] = path.read_text()
            path.unlink()
    return written


def same_as_psql(pg: Cluster, tmp_path: Path, script: str, *args: str,
                 dbname: str = "postgres") -> str:
    """Run the script through psql, then fdwsh; output, exit code and written files must be
    identical.  Returns fdwsh's output."""
    folder = script_folder(tmp_path, script)
    expected = run_psql(pg, folder, *args, "-f", "script.sql", dbname=dbname)
    expected_files = take_written_files(folder)
    actual = run_fdwsh(folder, *args, "-f", "script.sql")
    assert actual == expected
    assert take_written_files(folder) == expected_files
    return actual[0]
