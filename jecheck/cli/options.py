"""The options every ledger-reading command shares (scan, profile, map): how to read the ledger and its context.

    @main.command("scan")
    @click.argument("ledger", nargs=-1, required=True, type=click.Path(exists=True, dir_okay=False))
    @ledger_options
    def scan(ledger, **kwargs):
        options = load_options_from(ledger, kwargs)
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import click

from ..errors import UsageError
from ..ingest import LoadOptions

_FILE = click.Path(exists=True, dir_okay=False)

# (parameter name, click option) in the order --help lists them.
_OPTIONS: tuple[tuple[str, Callable], ...] = (
    ("map_file", click.option("--map", "map_file", type=_FILE, metavar="FILE",
                              help="Mapping file (TOML or YAML) overriding or completing the detected columns; "
                                   "`jecheck map LEDGER` writes one to edit.")),
    ("delimiter", click.option("--delimiter", metavar="CHAR",
                               help="Field delimiter of a text ledger (, ; | or tab); detected when omitted.")),
    ("encoding", click.option("--encoding", metavar="NAME",
                              help="Text encoding (utf-8, latin-1, cp1252, utf-16...); detected when omitted.")),
    ("decimal_comma", click.option("--decimal-comma/--no-decimal-comma", "decimal_comma", default=None,
                                   help="Amounts use a decimal comma (1.234,50); detected from the data when "
                                        "omitted.")),
    ("date_format", click.option("--date-format", metavar="FORMAT",
                                 help="DMY, MDY or YMD for ambiguous dates like 03/04/2024, or a strftime "
                                      "pattern such as %d.%m.%Y; decided from the data when omitted.")),
    ("sheet", click.option("--sheet", metavar="NAME|N", help="Excel sheet name or 1-based number (default: first).")),
    ("coa", click.option("--coa", type=_FILE, metavar="FILE",
                         help="Chart of accounts (account, name, type, subtype...; ADS Chart_Of_Accounts as is).")),
    ("users", click.option("--users", type=_FILE, metavar="FILE",
                           help="User listing (user id, name, title, active flag, approval rights and limit).")),
    ("calendar", click.option("--calendar", type=_FILE, metavar="FILE",
                              help="Close calendar (period, period_start, period_end, closed_at).")),
    ("source_listing", click.option("--source-listing", "source_listing", type=_FILE, metavar="FILE",
                                    help="Source listing: which journal sources are manual (ADS Source_Listing).")),
    ("tb", click.option("--tb", type=_FILE, metavar="FILE",
                        help="Trial balance (ADS Trial_Balance) for the roll-forward completeness check.")),
    ("control_totals", click.option("--control-totals", "control_totals", type=_FILE, metavar="FILE",
                                    help="System control totals per journal and debit/credit side (a log file).")),
    ("rejects_file", click.option("--rejects", "rejects_file", type=click.Path(dir_okay=False), metavar="FILE",
                                  help="Write rejected input rows (source row, reason, raw values) to this CSV.")),
)

LEDGER_OPTION_NAMES: tuple[str, ...] = tuple(name for name, _ in _OPTIONS)
READING_OPTION_NAMES = ("map_file", "delimiter", "encoding", "decimal_comma", "date_format", "sheet")


def ledger_options(command: Callable) -> Callable:
    """Add the ledger-reading, context-file and --rejects options to a click command."""
    return _add(command, LEDGER_OPTION_NAMES)


def reading_options(command: Callable) -> Callable:
    """Add only the options that say how to read the ledger itself (for `jecheck map`)."""
    return _add(command, READING_OPTION_NAMES)


def _add(command: Callable, names: tuple[str, ...]) -> Callable:
    for name, option in reversed(_OPTIONS):
        if name in names:
            command = option(command)
    return command


def load_options_from(paths: tuple[str, ...] | list[str] | str, kwargs: dict[str, Any]) -> LoadOptions:
    """Build LoadOptions from the ledger path(s) and a command's keyword arguments (other keys are ignored)."""
    if isinstance(paths, str):
        paths = (paths,)
    return LoadOptions(paths=tuple(str(p) for p in paths),
                       **{name: kwargs.get(name) for name in LEDGER_OPTION_NAMES})


class OutputFolder(click.ParamType):
    """--out: a folder that can be created and written, checked before any work starts (creates nothing)."""

    name = "folder"

    def convert(self, value: Any, param: click.Parameter | None, ctx: click.Context | None) -> str:
        from ..report.files import check_out_dir  # the report package is heavy; --help should not load it

        try:
            check_out_dir(value)
        except UsageError as exc:
            self.fail(str(exc).removeprefix("--out "), param, ctx)
        return str(value)


OUT_FOLDER = OutputFolder()
