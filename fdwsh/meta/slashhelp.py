r"""``\?``'s text, built from the meta-command registry (psql 15's help.c slashUsage layout).

Contract: :func:`slash_usage` lists every registered command under psql's group headings, in
psql's group order and command order, as ``  SYNTAX<pad> HELP`` lines (help continued on lines
indented to column 25, long syntax on a line of its own).  Commands others register appear with
the syntax and help they registered.  :func:`usage_lines` returns (kind, text) pairs so the
caller can colour them on a terminal; :func:`plain` joins them.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable

from fdwsh.meta import registry
from fdwsh.meta.registry import MetaSpec

#: psql's headings, in its order; groups nobody registered under psql's names come last.
GROUP_ORDER = ("General", "Help", "Query Buffer", "Input/Output", "Conditional",
               "Informational", "Large Objects", "Formatting", "Connection", "Operating System",
               "Variables")
#: Groups psql lists in the order of use, not by name (``\\if`` before ``\\elif``).
UNSORTED_GROUPS = frozenset({"Conditional"})
GROUP_NOTES = {"Informational": "(options: S = show system objects, + = additional detail)"}
SYNTAX_WIDTH = 22  # psql: "  %-22s %s"; longer syntax goes on a line of its own

Line = tuple[str, str]  # (kind, text): kind is "group", "note", "syntax+help" or "more"


def _sort_key(spec: MetaSpec) -> tuple[str, str]:
    r"""psql's order within a group: by name ignoring case, lower case first (``\da`` before
    ``\dA``), and ``\!`` after the letters (it closes "Operating System")."""
    name = spec.names[0]
    if not name[:1].isalnum() and name != "?":
        name = "~" + name
    return name.lower(), name.swapcase()


def grouped_specs() -> list[tuple[str, list[MetaSpec]]]:
    """The registered commands, one entry per registration, grouped and ordered as psql's."""
    registry.lookup("?")  # make sure every command module has registered itself
    groups: dict[str, list[MetaSpec]] = {}
    for spec in registry.ORDERED:
        groups.setdefault(spec.group, []).append(spec)
    order = [g for g in GROUP_ORDER if g in groups] + [g for g in groups if g not in GROUP_ORDER]
    return [(g, groups[g] if g in UNSORTED_GROUPS else sorted(groups[g], key=_sort_key))
            for g in order]


def spec_lines(syntax: str, help_text: str) -> list[Line]:
    """One command's lines: syntax padded to 22 columns, help continued at column 25."""
    helps = help_text.split("\n")
    lines: list[Line] = []
    if len(syntax) > SYNTAX_WIDTH:
        lines.append(("syntax", f"  {syntax}"))
        lines += [("more", " " * 25 + h) for h in helps]
        return lines
    lines.append(("syntax+help", f"  {syntax:<{SYNTAX_WIDTH}} {helps[0]}"))
    lines += [("more", " " * 25 + h) for h in helps[1:]]
    return lines


def usage_lines(dynamic: Callable[[MetaSpec], str] | None = None,
                extra: dict[str, list[tuple[str, str]]] | None = None) -> list[Line]:
    """All of ``\\?``: ``dynamic`` may append to a command's help (psql's "(currently off)");
    ``extra`` adds further (syntax, help) lines after a command's own (``\\? options``)."""
    lines: list[Line] = []
    for index, (group, specs) in enumerate(grouped_specs()):
        if index:
            lines.append(("blank", ""))
        lines.append(("group", group))
        if group in GROUP_NOTES:
            lines.append(("note", "  " + GROUP_NOTES[group]))
        for spec in specs:
            suffix = dynamic(spec) if dynamic else ""
            lines += spec_lines(spec.syntax, spec.help + suffix)
            for syntax, help_text in (extra or {}).get(spec.names[0], []):
                lines += spec_lines(syntax, help_text)
    return lines


def plain(lines: Iterable[Line]) -> str:
    return "".join(text + "\n" for _, text in lines)
