"""`jecheck map LEDGER`: show how a ledger's columns are read, and write a mapping file to edit."""

from __future__ import annotations

import json
from dataclasses import asdict
from pathlib import Path

import click

from ..errors import DataError, UsageError
from ..ingest import MappingPlan, detect_mapping
from . import main
from .options import load_options_from, reading_options


@main.command("map")
@click.argument("ledger", nargs=-1, required=True, type=click.Path(exists=True, dir_okay=False))
@reading_options
@click.option("--write", "write_path", type=click.Path(dir_okay=False), metavar="FILE",
              help="Save the ready-to-edit mapping file here (TOML); pass it back with --map.")
@click.option("--json", "as_json", is_flag=True, help="Print the detected mapping as JSON.")
def map_command(ledger: tuple[str, ...], write_path: str | None, as_json: bool, **kwargs) -> None:
    """Print the detected layout, the column mapping, the unmapped columns and a mapping file.

    LEDGER is one file, or a SAP BKPF and BSEG pair. Exits 3 when a required column is not found.
    """
    plan = detect_mapping(load_options_from(ledger, kwargs))
    if as_json:
        click.echo(json.dumps(asdict(plan), indent=2, ensure_ascii=False))
    else:
        click.echo(describe_plan(plan))
    if write_path:
        try:
            Path(write_path).write_text(plan.mapping_file_text, encoding="utf-8")
        except OSError as exc:
            raise UsageError(f"--write {write_path}: cannot write it ({exc.strerror}); choose another path") from exc
        click.echo(f"Wrote {write_path}; edit it and pass it with --map {write_path}.", err=True)
    if plan.missing:
        raise DataError(f"no column found for {', '.join(plan.missing)}; name "
                        f"{'it' if len(plan.missing) == 1 else 'them'} in a mapping file "
                        f"({'the one written to ' + write_path if write_path else 'see --write'}) and pass --map")


def describe_plan(plan: MappingPlan) -> str:
    """The human-readable report `jecheck map` prints."""
    out = []
    for info in plan.files:
        how = {"csv": f"text, delimiter {info.delimiter!r}, encoding {info.encoding}, header on line {info.header_row}",
               "xlsx": f"spreadsheet, sheet {info.sheet!r}, header on row {info.header_row}",
               "parquet": "Parquet"}[info.format]
        role = f" ({info.role.upper()})" if info.role in ("bkpf", "bseg") else ""
        out.append(f"{info.name}{role}: {how}")
    out += ["", f"Layout: {plan.layout} - {plan.layout_title}", "", "Mapping (canonical column <- source):"]
    width = max((len(name) for name in plan.mapping), default=10)
    out += [f"  {name:<{width}}  <- {words}" for name, words in plan.mapping.items()]
    if plan.missing:
        out += ["", "Required but not found:"]
        out += [f"  {name}: candidates {', '.join(plan.candidates[name]) or 'none'}" for name in plan.missing]
    out += ["", "Unmapped columns: " + (", ".join(plan.unmapped_columns) or "none")]
    if plan.warnings:
        out += ["", "Warnings:"] + [f"  - {w}" for w in plan.warnings]
    out += ["", "Mapping file (save with --write FILE, pass with --map FILE):", "", plan.mapping_file_text.rstrip()]
    return "\n".join(out)
