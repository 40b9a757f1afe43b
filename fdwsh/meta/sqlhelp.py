r"""SQL syntax help: psql 15's ``\h`` (help.c helpSQL) over the statements fdwsh runs.

Contract: :func:`help_sql` returns exactly the text psql 15 prints for ``\h TOPIC`` -- the topic
list in columns when there is no topic, one ``Command:/Description:/Syntax:/URL:`` block per
matching statement, or psql's "No help available" message.  The texts themselves are data
(``sqlhelp_ddl.py``, ``sqlhelp_dml.py``), copied from psql 15 and checked against it by the tests.
"""

from __future__ import annotations

from dataclasses import dataclass

from fdwsh.meta.sqlhelp_ddl import DDL_TOPICS
from fdwsh.meta.sqlhelp_dml import DML_TOPICS

DOCS_VERSION = "15"  # the psql whose texts we carry; URLs point at the same manual


@dataclass(frozen=True, slots=True)
class SqlHelp:
    """One help topic, as psql's QL_HELP entry."""

    cmd: str
    description: str
    docbook_id: str
    syntax: str

    @property
    def url(self) -> str:
        return f"https://www.postgresql.org/docs/{DOCS_VERSION}/{self.docbook_id}.html"

    def render(self) -> str:
        """The block psql prints for this topic (the format string of helpSQL)."""
        return (f"Command:     {self.cmd}\nDescription: {self.description}\n"
                f"Syntax:\n{self.syntax}\n\nURL: {self.url}\n\n")


#: Sorted by command name, as psql's create_help.pl sorts QL_HELP.
TOPICS: tuple[SqlHelp, ...] = tuple(
    SqlHelp(*entry) for entry in sorted(DDL_TOPICS + DML_TOPICS))
MAX_CMD_LEN = max(len(t.cmd) for t in TOPICS)  # psql's QL_MAX_CMD_LEN


def help_sql(topic: str | None, screen_width: int = 80) -> str:
    """psql's helpSQL(): the topic list, the matching topics, or "No help available"."""
    if not topic:
        return topic_list(screen_width)
    text = _matching_help(topic)
    if text is None:
        return (f'No help available for "{topic}".\n'
                "Try \\h with no arguments to see available help.\n")
    return text


def topic_list(screen_width: int = 80) -> str:
    """"Available help:" and the command names in columns, filled top to bottom."""
    ncolumns = max((screen_width - 3) // (MAX_CMD_LEN + 1), 1)
    nrows = (len(TOPICS) + ncolumns - 1) // ncolumns
    lines = ["Available help:"]
    for i in range(nrows):
        cells = []
        for j in range(ncolumns - 1):
            k = i + j * nrows
            cells.append(f"{TOPICS[k].cmd if k < len(TOPICS) else '':<{MAX_CMD_LEN + 1}}")
        k = i + (ncolumns - 1) * nrows
        if k < len(TOPICS):
            cells.append(TOPICS[k].cmd)
        lines.append("  " + "".join(cells))
    return "\n".join(lines) + "\n"


def _matching_help(topic: str) -> str | None:
    """Try the whole topic, then its first two words, then its first word (psql's 3 passes)."""
    length = len(topic)
    for attempt in range(1, 4):
        if attempt > 1:
            shorter = _leading_words_length(topic, 1 if attempt == 3 else 2)
            if shorter >= length:
                continue  # could not shorten the topic: try the next pass
            length = shorter
        blocks = _blocks(topic, length)
        if blocks:
            return "".join(blocks)
    return None


def _blocks(topic: str, length: int) -> list[str]:
    """Every topic whose name starts with ``topic[:length]`` (case-insensitive), stopping at an
    exact match -- so ``\\h SELECT`` does not also show SELECT INTO -- or all of them for ``*``."""
    prefix = topic[:length].lower()
    blocks = []
    for entry in TOPICS:
        if topic == "*" or _strncasecmp_equal(entry.cmd, prefix, length):
            blocks.append(entry.render())
            if topic.lower() == entry.cmd.lower():
                break
    return blocks


def _strncasecmp_equal(name: str, prefix: str, length: int) -> bool:
    """pg_strncasecmp(topic, name, length) == 0: the first ``length`` characters agree."""
    return len(name) >= length and name[:length].lower() == prefix


def _leading_words_length(topic: str, words: int) -> int:
    """psql's word counting: the length of the first one or two space-separated words."""
    wordlen = j = 1
    while j < len(topic) and topic[j] != " ":
        j += 1
        wordlen += 1
    j += 1  # psql's j++ also steps over the space that ended the word
    if words == 2 and j < len(topic):
        wordlen += 1
        while j < len(topic) and topic[j] != " ":
            j += 1
            wordlen += 1
        j += 1
    return wordlen
