r"""psql's ConditionalStack (fe_utils/conditional.c): the state of nested ``\if`` blocks.

Each ``\if`` pushes a branch; ``\elif``/``\else`` change its state; ``\endif`` pops it.  Lines in
an inactive branch are read but not run: SQL is dropped, backslash commands other than the four
branching ones are skipped with their arguments, and ``:variables`` are not substituted.  Each
branch remembers how long the query buffer was when it began, so that text typed in a skipped
branch is discarded (psql's save_query_text_state / discard_query_text).
"""

from __future__ import annotations

from dataclasses import dataclass, field
from enum import Enum


class IfState(Enum):
    TRUE = "true"  # this branch runs
    FALSE = "false"  # this branch is skipped; a later \elif/\else may run
    IGNORED = "ignored"  # skipped: an earlier branch ran, or the whole block is inactive
    ELSE_TRUE = "else-true"  # in \else, which runs
    ELSE_FALSE = "else-false"  # in \else, which is skipped


ACTIVE = (IfState.TRUE, IfState.ELSE_TRUE)


@dataclass(slots=True)
class Branch:
    state: IfState
    #: The query buffer's scanner mark when the branch's text began.
    mark: tuple[int, int] = (0, 0)


@dataclass(slots=True)
class ConditionalStack:
    """The open ``\\if`` blocks of one input file (psql keeps one per file)."""

    branches: list[Branch] = field(default_factory=list)

    @property
    def active(self) -> bool:
        """Whether lines run: outside any block, or in a running branch."""
        return not self.branches or self.branches[-1].state in ACTIVE

    @property
    def empty(self) -> bool:
        return not self.branches

    def peek(self) -> IfState | None:
        return self.branches[-1].state if self.branches else None

    def push(self, state: IfState, mark: tuple[int, int]) -> None:
        self.branches.append(Branch(state, mark))

    def poke(self, state: IfState) -> None:
        self.branches[-1].state = state

    def pop(self) -> Branch:
        return self.branches.pop()

    def mark(self) -> tuple[int, int]:
        return self.branches[-1].mark

    def remark(self, mark: tuple[int, int]) -> None:
        self.branches[-1].mark = mark

#: The commands that run even inside a skipped branch.
BRANCHING = frozenset({"if", "elif", "else", "endif"})
