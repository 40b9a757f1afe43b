r"""``\e`` edits the query buffer (or a file) in ``$EDITOR`` and feeds the result back as
input, as psql 15 does.  Oracle: the same script and the same "editor" (a sed command or a
failing program) through psql and through fdwsh."""

from __future__ import annotations

import pytest

from tests.meta_oracle import same_as_psql

SCRIPTS: dict[str, tuple[str, str]] = {
    "the_edited_buffer_runs_when_complete": ("sed -i s/1/42/", r"""
SELECT 1 AS a
\e
;
SELECT 5 AS b;
\e
\p
"""),
    "an_incomplete_edit_stays_in_the_buffer": ("sed -i s/x/y/", r"""
SELECT 'x' AS c
\e
;
"""),
    "a_named_file_is_edited_and_run": ("""sh -c 'sleep 1; sed -i s/inner2/edited/ "$0"'""", r"""
\e inner2.sql
\e inner2.sql 1
"""),
    "a_failing_editor_keeps_the_buffer": ("false", r"""
SELECT 3 AS d
\e
;
\e missing_file.sql
"""),
}


@pytest.mark.parametrize("name", SCRIPTS)
def test_same_output_as_psql(pg, tmp_path, monkeypatch, name):
    editor, script = SCRIPTS[name]
    monkeypatch.setenv("EDITOR", editor)
    monkeypatch.delenv("PSQL_EDITOR", raising=False)
    monkeypatch.delenv("VISUAL", raising=False)
    same_as_psql(pg, tmp_path, script)
