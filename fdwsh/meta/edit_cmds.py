r"""``\e [FILE] [LINE]``: edit the query buffer (or FILE) in an external editor (psql 15).

The editor is ``$PSQL_EDITOR``, ``$EDITOR`` or ``$VISUAL`` (default ``vi``), run by the shell as
``exec EDITOR [+LINE] 'FILE'`` (``$PSQL_EDITOR_LINENUMBER_ARG`` replaces ``+``).  Without FILE
the buffer — or, when it is empty, the previous query — goes to a private temp file.  When the
editor saved a change (or FILE was named), the text becomes the input again: complete statements
run at once and the rest stays in the query buffer, which the prompt then shows (psql's
PSQL_CMD_NEWEDIT).  An editor that fails leaves the buffer as it was and fails the command.
A named file counts as edited only when its mtime moved by a second, as in psql.
"""

from __future__ import annotations

import os
import subprocess
import tempfile
from pathlib import Path

from fdwsh.meta.io_cmds import expand_tilde
from fdwsh.meta.query_cmds import buffer_text
from fdwsh.meta.registry import MetaCall, MetaStatus, meta_command


def editor_command(path: str, line: int | None) -> str:
    """The shell command psql runs (a line number needs PSQL_EDITOR_LINENUMBER_ARG)."""
    editor = (os.environ.get("PSQL_EDITOR") or os.environ.get("EDITOR")
              or os.environ.get("VISUAL") or "vi")
    quoted = "'" + path.replace("'", "'\\''") + "'"
    if line is None:
        return f"exec {editor} {quoted}"
    return f"exec {editor} {os.environ['PSQL_EDITOR_LINENUMBER_ARG']}{line} {quoted}"


@meta_command("e", "edit", syntax="\\e [FILE] [LINE]", group="Query Buffer",
              help="edit the query buffer (or file) with external editor")
def cmd_edit(call: MetaCall) -> MetaStatus:
    session = call.session
    name, line_arg = call.args.next(), call.args.next()
    line = None
    if line_arg is not None:
        if not line_arg.isdigit():
            session.warn("invalid line number: " + line_arg)
            return MetaStatus.ERROR
        line = int(line_arg)
        if "PSQL_EDITOR_LINENUMBER_ARG" not in os.environ:
            session.warn("environment variable PSQL_EDITOR_LINENUMBER_ARG must be set to "
                         "specify a line number")
            return MetaStatus.ERROR
    if name is not None:
        return _edit_file(call, expand_tilde(name), line)
    text = buffer_text(call) or session.previous_query
    fd, temp = tempfile.mkstemp(prefix="fdwsh.edit.", suffix=".sql")
    try:
        with os.fdopen(fd, "w", encoding="utf-8") as out:
            out.write(text + "\n" if text else "")
        before = os.stat(temp).st_mtime_ns, text + "\n" if text else ""
        if not _run_editor(call, temp, line):
            return MetaStatus.ERROR
        edited = Path(temp).read_text(encoding="utf-8")
        if (os.stat(temp).st_mtime_ns, edited) == before:
            return MetaStatus.SKIP_LINE  # nothing saved: the buffer stays
    finally:
        os.unlink(temp)
    return _new_input(call, edited)


def _edit_file(call: MetaCall, path: str, line: int | None) -> MetaStatus:
    """A named file counts as edited when its mtime (whole seconds, as psql) changed."""
    try:
        before = int(os.stat(path).st_mtime)
        if not _run_editor(call, path, line):
            return MetaStatus.ERROR
        if int(os.stat(path).st_mtime) == before:
            return MetaStatus.SKIP_LINE
        edited = Path(path).read_text(encoding="utf-8")
    except OSError as exc:
        call.session.warn(f"{path}: {exc.strerror}")
        return MetaStatus.ERROR
    return _new_input(call, edited)


def _run_editor(call: MetaCall, path: str, line: int | None) -> bool:
    session = call.session
    session.stdout.flush()
    status = subprocess.call(editor_command(path, line), shell=True)
    if status == 127:
        session.warn("could not start /bin/sh")
    return status == 0  # psql reports no other failure: the command just fails


def _new_input(call: MetaCall, text: str) -> MetaStatus:
    """The edited text replaces the buffer, to be scanned again by the session."""
    scanner = call.session.scanner
    scanner.reset()
    scanner.buffer = text.rstrip("\n")
    return MetaStatus.NEWEDIT
