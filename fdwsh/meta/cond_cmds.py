r"""``\if``, ``\elif``, ``\else``, ``\endif`` (psql 15's exec_command_if and friends).

The expression of ``\if``/``\elif`` is its arguments joined by spaces, read as a psql boolean
(on/off, true/false, yes/no, 1/0 and unique prefixes); anything else is reported and counts as
false.  See :mod:`fdwsh.meta.conditional` for what an inactive branch does.
"""

from __future__ import annotations

from fdwsh.meta.conditional import IfState
from fdwsh.meta.registry import MetaCall, MetaStatus, meta_command
from fdwsh.meta.slashargs import read_all
from fdwsh.settings import parse_bool

GROUP = "Conditional"


def _is_true(call: MetaCall, name: str) -> bool:
    """Evaluate the expression (variables substituted: the branch is active while it is read)."""
    value = " ".join(read_all(call.args))
    result = parse_bool(value)
    if result is None:
        call.session.warn(f'unrecognized value "{value}" for "{name}": Boolean expected')
        return False
    return result


def _ignore_expression(call: MetaCall) -> None:
    call.args.rest_of_line()


def _discard_branch_text(call: MetaCall) -> None:
    """Drop the query text a skipped branch added."""
    call.session.scanner.restore(call.session.conditions.mark())


@meta_command("if", syntax="\\if EXPR", help="begin conditional block", group=GROUP)
def cmd_if(call: MetaCall) -> MetaStatus:
    cond = call.session.conditions
    mark = call.session.scanner.mark()
    if cond.active:
        cond.push(IfState.TRUE, mark)
        if not _is_true(call, "\\if expression"):
            cond.poke(IfState.FALSE)
    else:  # inside a skipped branch the whole block is skipped
        cond.push(IfState.IGNORED, mark)
        _ignore_expression(call)
    return MetaStatus.SKIP_LINE


@meta_command("elif", syntax="\\elif EXPR", help="alternative within current conditional block",
              group=GROUP)
def cmd_elif(call: MetaCall) -> MetaStatus:
    cond = call.session.conditions
    state = cond.peek()
    if state is IfState.TRUE:  # the running branch ends: keep its text, skip the rest
        cond.remark(call.session.scanner.mark())
        cond.poke(IfState.IGNORED)
        _ignore_expression(call)
    elif state is IfState.FALSE:
        _discard_branch_text(call)
        cond.poke(IfState.TRUE)
        if not _is_true(call, "\\elif expression"):
            cond.poke(IfState.FALSE)
    elif state is IfState.IGNORED:
        _discard_branch_text(call)
        _ignore_expression(call)
    else:
        call.session.warn("\\elif: cannot occur after \\else" if state is not None
                          else "\\elif: no matching \\if")
        return MetaStatus.ERROR
    return MetaStatus.SKIP_LINE


@meta_command("else", syntax="\\else", help="final alternative within current conditional block",
              group=GROUP)
def cmd_else(call: MetaCall) -> MetaStatus:
    cond = call.session.conditions
    state = cond.peek()
    if state is IfState.TRUE:
        cond.remark(call.session.scanner.mark())
        cond.poke(IfState.ELSE_FALSE)
    elif state in (IfState.FALSE, IfState.IGNORED):
        _discard_branch_text(call)
        cond.poke(IfState.ELSE_TRUE if state is IfState.FALSE else IfState.ELSE_FALSE)
    else:
        call.session.warn("\\else: cannot occur after \\else" if state is not None
                          else "\\else: no matching \\if")
        return MetaStatus.ERROR
    return MetaStatus.SKIP_LINE


@meta_command("endif", syntax="\\endif", help="end conditional block", group=GROUP)
def cmd_endif(call: MetaCall) -> MetaStatus:
    cond = call.session.conditions
    state = cond.peek()
    if state is None:
        call.session.warn("\\endif: no matching \\if")
        return MetaStatus.ERROR
    if state not in (IfState.TRUE, IfState.ELSE_TRUE):
        _discard_branch_text(call)
    cond.pop()
    return MetaStatus.SKIP_LINE
