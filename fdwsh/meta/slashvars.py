r"""``\? variables``: psql 15's helpVariables text, kept to what fdwsh has (data).

The wording is psql's; entries for things fdwsh does not have (a server connection's HOST and
PORT, html output, the line editor's files) are left out, and fdwsh's own environment variables
are added.
"""

from __future__ import annotations

VARIABLES_HELP = """\
List of specially treated variables

fdwsh variables:
Usage:
  fdwsh --set=NAME=VALUE
  or \\set NAME VALUE inside fdwsh

  AUTOCOMMIT
    if set, successful SQL commands are automatically committed
  COMP_KEYWORD_CASE
    determines the case used to complete SQL key words
    [lower, upper, preserve-lower, preserve-upper]
  DBNAME
    the name fdwsh uses for its local catalog ("fdwsh")
  ECHO
    controls what input is written to standard output
    [all, errors, none, queries]
  ECHO_HIDDEN
    if set, display internal queries executed by backslash commands;
    if set to "noexec", just show them without execution
  ENCODING
    current client character set encoding
  FETCH_COUNT
    the number of result rows to fetch and display at a time (0 = unlimited)
  HISTCONTROL
    controls command history [ignorespace, ignoredups, ignoreboth]
  HISTSIZE
    maximum number of commands to store in the command history
  LAST_ERROR_MESSAGE
  LAST_ERROR_SQLSTATE
    message and SQLSTATE of last error, or empty string and "00000" if none
  ON_ERROR_ROLLBACK
    if set, an error doesn't stop a transaction (uses implicit savepoints)
  ON_ERROR_STOP
    stop batch execution after error
  PROMPT1
    specifies the standard fdwsh prompt
  PROMPT2
    specifies the prompt used when a statement continues from a previous line
  PROMPT3
    specifies the prompt used during COPY ... FROM STDIN
  QUIET
    run quietly (same as -q option)
  SHOW_CONTEXT
    controls display of message context fields [never, errors, always]
  SINGLELINE
    if set, end of line terminates SQL commands (same as -S option)
  SINGLESTEP
    single-step mode (same as -s option)
  USER
    the local user name that user mappings are matched against
  VERBOSITY
    controls verbosity of error reports [default, verbose, terse, sqlstate]
  VERSION
  VERSION_NAME
  VERSION_NUM
    fdwsh's version (in verbose string, short string, or numeric format)

Display settings:
Usage:
  \\pset NAME [VALUE] inside fdwsh

  border
    border style (number)
  columns
    target width for the wrapped format
  csv_fieldsep
    field separator for CSV output format (default ",")
  expanded (or x)
    expanded output [on, off, auto]
  fieldsep
    field separator for unaligned output (default "|")
  fieldsep_zero
    set field separator for unaligned output to a zero byte
  footer
    enable or disable display of the table footer [on, off]
  format
    set output format [unaligned, aligned, wrapped, csv]
  linestyle
    set the border line drawing style [ascii, old-ascii, unicode]
  null
    set the string to be printed in place of a null value
  numericlocale
    enable display of a locale-specific character to separate groups of digits
  pager
    control when an external pager is used [yes, no, always]
  recordsep
    record (line) separator for unaligned output
  recordsep_zero
    set record separator for unaligned output to a zero byte
  title
    set the table title for subsequently printed tables
  tuples_only
    if set, only actual table data is shown
  unicode_border_linestyle
  unicode_column_linestyle
  unicode_header_linestyle
    set the style of Unicode line drawing [single, double]

Environment variables:
Usage:
  NAME=VALUE [NAME=VALUE] fdwsh ...
  or \\setenv NAME [VALUE] inside fdwsh

  COLUMNS
    number of columns for wrapped format
  FDWSH_CATALOG
    catalog file to use (default $XDG_DATA_HOME/fdwsh/catalog.db)
  PAGER
    name of external pager program
  SHELL
    shell used by the \\! command
  XDG_DATA_HOME
    folder holding fdwsh's data (catalog, history)
"""
