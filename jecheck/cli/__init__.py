"""The `jecheck` command: a thin click layer over the library.

Each sub-command lives in its own module and only parses options, calls the library and prints.
Errors the user can act on (JecheckError) become one sentence and an exit code; `--debug` shows
the traceback instead.
"""

from __future__ import annotations

import sys

import click

from .. import __version__
from ..errors import JecheckError


class JecheckGroup(click.Group):
    """Turns library errors into one sentence on stderr and the documented exit code."""

    def invoke(self, ctx: click.Context):
        try:
            return super().invoke(ctx)
        except JecheckError as exc:
            if ctx.obj and ctx.obj.get("debug"):
                raise
            click.echo(f"jecheck: error: {exc}", err=True)
            sys.exit(exc.exit_code)
        except KeyboardInterrupt:
            click.echo("jecheck: interrupted; no output was left half-written.", err=True)
            sys.exit(130)


@click.group(cls=JecheckGroup, context_settings={"help_option_names": ["-h", "--help"]})
@click.version_option(__version__, prog_name="jecheck")
@click.option("--debug", is_flag=True, help="Show full tracebacks instead of one-sentence errors.")
@click.pass_context
def main(ctx: click.Context, debug: bool) -> None:
    """Journal-entry testing: load a general ledger, prove it complete, flag and score its entries."""
    ctx.ensure_object(dict)
    ctx.obj["debug"] = debug


def _register() -> None:
    from . import diff_cmds, ledger_cmds, map_cmds, model_cmds, rules_cmds, sample_cmds  # noqa: F401


_register()
