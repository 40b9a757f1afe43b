r"""Input/output and operating-system meta-commands: ``\o``, ``\i``, ``\ir``, ``\!``, ``\cd``,
``\conninfo`` (psql 15's exec_command_X for each).

File names are tilde-expanded; ``\i``/``\ir`` also canonicalize them (``./a.sql`` is ``a.sql``),
and the name they end up with is the one messages from inside the file carry
(``fdwsh:sub/a.sql:3: ...``).  Failures are reported as psql reports them (``FILE: strerror``).
"""

from __future__ import annotations

import os
import subprocess
from pathlib import Path

from fdwsh.catalog.store import default_catalog_path
from fdwsh.input.args import ArgMode
from fdwsh.meta.registry import MetaCall, MetaStatus, meta_command
from fdwsh.meta.slashargs import next_arg


def expand_tilde(name: str) -> str:
    """psql's expand_tilde: ``~`` and ``~user`` at the start of a file name."""
    return os.path.expanduser(name) if name.startswith("~") else name


def canonicalize(name: str) -> str:
    """psql's canonicalize_path: drop ``.`` components, resolve ``dir/..``, squeeze ``//``."""
    return os.path.normpath(name) if name else name


@meta_command("o", "out", syntax="\\o [FILE]", help="send all query results to file or |pipe",
              group="Input/Output")
def cmd_output(call: MetaCall) -> MetaStatus:
    r"""``\o FILE`` / ``\o |command`` / ``\o``: where query results go from now on."""
    target = next_arg(call.args, ArgMode.FILEPIPE, semicolon=True)
    if target is not None and not target.startswith("|"):
        target = expand_tilde(target)
    try:
        call.session.set_output(target)
    except OSError as exc:
        call.session.warn(f"{target}: {exc.strerror}")
        return MetaStatus.ERROR
    return MetaStatus.SKIP_LINE


def _include_path(call: MetaCall, name: str, relative: bool) -> str:
    """The file ``\\i``/``\\ir`` opens; ``\\ir`` is relative to the running script's folder."""
    path = expand_tilde(name)
    script = call.session.source.name
    if relative and not os.path.isabs(path) and script and script != "<stdin>":
        path = os.path.join(os.path.dirname(script), path)
    return canonicalize(path)


@meta_command("i", "include", syntax="\\i FILE", help="execute commands from file",
              group="Input/Output")
@meta_command("ir", "include_relative", syntax="\\ir FILE",
              help="as \\i, but relative to location of current script", group="Input/Output")
def cmd_include(call: MetaCall) -> MetaStatus:
    r"""Run a file's lines here, as if typed (psql's process_file)."""
    name = next_arg(call.args, semicolon=True)
    if name is None:
        call.session.warn(f"\\{call.name}: missing required argument")
        return MetaStatus.ERROR
    relative = call.name in ("ir", "include_relative")
    path = name if name == "-" else _include_path(call, name, relative)
    from fdwsh.session import Terminate  # the session imports us: resolve at call time

    try:
        call.session.run_file(path)
    except Terminate:
        pass  # psql: \q in an included file ends that file only
    except IsADirectoryError:
        # psql opens the folder and fails on the first read, reporting it under its name.
        call.session.stdout.flush()
        call.session.stderr.write(
            f"fdwsh:{path}: error: could not read from input file: Is a directory\n")
        call.session.stderr.flush()
        return MetaStatus.ERROR
    except OSError as exc:  # only opening the file can fail here: the file's own commands
        call.session.warn(f"{path}: {exc.strerror}")  # report their errors themselves
        return MetaStatus.ERROR
    return MetaStatus.SKIP_LINE


@meta_command("!", syntax="\\! [COMMAND]",
              help="execute command in shell or start interactive shell", group="Operating System")
def cmd_shell(call: MetaCall) -> MetaStatus:
    r"""``\! command`` runs the rest of the line, verbatim, with /bin/sh; ``\!`` alone starts
    $SHELL.  Its output goes straight to our standard output."""
    command = call.args.rest_of_line()
    session = call.session
    session.stdout.flush()
    session.out.flush()
    if not command:
        command = f"exec {os.environ.get('SHELL') or '/bin/sh'}"
    try:
        subprocess.run(["sh", "-c", command], executable="/bin/sh", check=False)
    except OSError:
        session.warn("\\!: failed")
        return MetaStatus.ERROR
    return MetaStatus.SKIP_LINE


@meta_command("cd", syntax="\\cd [DIR]", help="change the current working directory",
              group="Operating System")
def cmd_cd(call: MetaCall) -> MetaStatus:
    r"""``\cd DIR``; ``\cd`` alone goes to the home directory."""
    target = next_arg(call.args, semicolon=True)
    directory = target if target is not None else str(Path.home())  # no ~ expansion in psql
    try:
        os.chdir(directory)
    except OSError as exc:
        call.session.warn(f'\\{call.name}: could not change directory to "{directory}": '
                          f"{exc.strerror}")
        return MetaStatus.ERROR
    return MetaStatus.SKIP_LINE


@meta_command("conninfo", syntax="\\conninfo",
              help="display information about the catalog and local user", group="Connection")
def cmd_conninfo(call: MetaCall) -> MetaStatus:
    r"""fdwsh has no single server connection: name the catalog file and the local user that
    user mappings are matched against."""
    session = call.session
    path = os.path.abspath(session.settings.catalog_path or default_catalog_path())
    session.stdout.write(f'You are using the fdwsh catalog "{path}" as local user '
                         f'"{session.user}".\n')
    session.stdout.flush()
    return MetaStatus.SKIP_LINE
