"""The `jecheck` command: a thin click layer over the library.

Each sub-command lives in its own module and only parses options, calls the library and prints.
Errors the user can act on (JecheckError) become one sentence and an exit code; `--debug` shows
the traceback instead.
"""

from __future__ import annotations

import atexit
import os
import sys

import click

from .. import __version__
from ..errors import JecheckError


class JecheckGroup(click.Group):
    """Turns library errors into one sentence on stderr and the documented exit code."""

    def main(self, args=None, *rest, **options):
        """Run the command line; when it is the process's own (`args` not given), end the process at once.

        Tearing down every module and object one by one (DuckDB, numpy, scikit-learn, polars) takes
        ~0.4 s after a scan and does nothing for the user: output is flushed and exit handlers (the spill
        folder's removal) run, then the process ends. Callers passing `args` (tests, other programs)
        get click's usual SystemExit.
        """
        if args is not None:
            return super().main(args, *rest, **options)
        try:
            return super().main(args, *rest, **options)
        except SystemExit as exc:
            if exc.code is not None and not isinstance(exc.code, int):
                raise
            try:
                sys.stdout.flush()
                sys.stderr.flush()
            except OSError:  # a closed pipe: let Python report it as it would
                raise exc from None
            atexit._run_exitfuncs()
            os._exit(exc.code or 0)

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
