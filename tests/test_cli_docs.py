"""Shipping like a real CLI: every command-line option is documented in the man page and offered
by the bash, zsh and fish completions; every meta-command is in the man page; the bash
completion loads in bash and completes."""

from __future__ import annotations

import os
import re
import subprocess

import pexpect
import pytest
import typer.main

from fdwsh.cli import app
from fdwsh.meta import registry
from tests.conftest import ROOT

MAN = (ROOT / "man" / "fdwsh.1").read_text()
COMPLETIONS = {name: (ROOT / "completions" / name).read_text()
               for name in ("fdwsh.bash", "_fdwsh", "fdwsh.fish")}


def _options() -> list[str]:
    command = typer.main.get_command(app)
    return sorted({opt for param in command.params if param.param_type_name == "option"
                   for opt in param.opts + param.secondary_opts})


def _man_text() -> str:
    """The man page source with roff's escapes for '-' and '\\' read as the characters."""
    return MAN.replace("\\-", "-").replace("\\\\", "\\")


OPTIONS = _options()


@pytest.mark.parametrize("option", OPTIONS)
def test_every_option_is_in_the_man_page(option: str) -> None:
    assert re.search(rf"(?<![\w-]){re.escape(option)}(?![\w-])", _man_text())


@pytest.mark.parametrize("script", COMPLETIONS)
def test_every_option_is_offered_by_each_completion(script: str) -> None:
    text = COMPLETIONS[script]
    missing = []
    for option in OPTIONS:
        if script == "fdwsh.fish":  # fish names them: -s c / -l command
            flag = f"-s {option[1:]}" if not option.startswith("--") else f"-l {option[2:]}"
        elif script == "_fdwsh" and not option.startswith("--"):
            flag = option  # zsh: {-c,--command}
        else:
            flag = option
        if flag not in text:
            missing.append(option)
    assert not missing


def test_every_meta_command_is_in_the_man_page() -> None:
    registry.lookup("?")
    text = _man_text()
    missing = [name for spec in registry.ORDERED for name in spec.names[:1]
               if not re.search(rf"\\{re.escape(name)}(?![A-Za-z])", text)]
    assert not missing


def test_bash_completion_loads_and_completes_options() -> None:
    script = (f"source {ROOT / 'completions' / 'fdwsh.bash'}; "
              "COMP_WORDS=(fdwsh --cs); COMP_CWORD=1; _fdwsh; echo \"${COMPREPLY[@]}\"; "
              "COMP_WORDS=(fdwsh --de); _fdwsh; echo \"${COMPREPLY[@]}\"")
    done = subprocess.run(["bash", "-c", script], capture_output=True, text=True, timeout=30)
    assert done.returncode == 0, done.stderr
    assert done.stdout.split("\n")[:2] == ["--csv", "--demo"]



def test_zsh_completion_loads_and_completes_options_at_a_prompt() -> None:
    """Typed into an interactive zsh (scripts/test installs zsh): Tab completes an option and
    lists the options with their descriptions."""
    child = pexpect.spawn("zsh", ["-f"], env={"PATH": os.environ["PATH"], "TERM": "dumb",
                                            "HOME": "/nonexistent"}, encoding="utf-8", timeout=10)
    try:
        child.sendline(f"PS1='> '; fpath=({ROOT / 'completions'} $fpath); autoload -U compinit; "
                       "compinit -u -D; echo READY")
        child.expect_exact("READY")
        child.send("fdwsh --cs\t")
        child.expect_exact("fdwsh --csv")
        child.sendcontrol("u")
        child.send("fdwsh -\t\t")
        child.expect_exact("--catalog")
        child.expect_exact("catalog file")
    finally:
        child.close(force=True)


def test_fish_completion_loads_and_completes_options() -> None:
    done = subprocess.run(["fish", "--no-config", "-c",
                           f"source {ROOT / 'completions' / 'fdwsh.fish'}; "
                           "complete -C 'fdwsh --cs'; complete -C 'fdwsh --de'"],
                          capture_output=True, text=True, timeout=30)
    assert done.returncode == 0, done.stderr
    assert done.stdout.splitlines() == [
        "--csv\tCSV output", "--demo\tStart two throwaway sample servers and a catalog for them"]


def test_the_install_step_puts_completions_and_the_man_page_in_place(tmp_path) -> None:
    """scripts/install-and-run's install lines, run against a scratch home."""
    lines = [line for line in (ROOT / "scripts" / "install-and-run").read_text().splitlines()
             if line.startswith(("data=", "install "))]
    env = {"HOME": str(tmp_path), "PATH": "/usr/bin:/bin"}
    done = subprocess.run(["bash", "-euc", "\n".join(lines)], cwd=ROOT, env=env,
                          capture_output=True, text=True, timeout=30)
    assert done.returncode == 0, done.stderr
    for path in (".local/share/bash-completion/completions/fdwsh",
                 ".local/share/zsh/site-functions/_fdwsh", ".config/fish/completions/fdwsh.fish",
                 ".local/share/man/man1/fdwsh.1"):
        assert (tmp_path / path).is_file()
