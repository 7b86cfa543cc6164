"""`jecheck sample`: write a generated ledger with labelled anomalies, or the locker_co sample."""

from __future__ import annotations

import time
from collections import Counter
from pathlib import Path

import click

from ..errors import UsageError
from . import main


def _size(path: Path) -> str:
    size = path.stat().st_size
    for unit in ("B", "KB", "MB", "GB"):
        if size < 1024 or unit == "GB":
            return f"{size:,.0f} {unit}" if unit == "B" else f"{size:,.1f} {unit}"
        size /= 1024
    return ""


@main.command("sample")
@click.option("--lines", type=int, default=100_000, show_default=True, help="Ledger lines to write, exactly.")
@click.option("--seed", type=int, default=0, show_default=True, help="Same seed, same files.")
@click.option("--out", type=click.Path(dir_okay=False, path_type=Path),
              help="Ledger file to write (.parquet or .csv); context and label files go beside it.")
@click.option("--start", type=click.DateTime(formats=["%Y-%m-%d", "%Y-%m"]), default="2024-01-01", show_default=True,
              help="First month of the ledger (fiscal years are calendar years).")
@click.option("--months", type=int, default=12, show_default=True, help="Months of activity (3 to 120).")
@click.option("--chunk-lines", type=int, default=1_000_000, show_default=True,
              help="Lines generated and written at a time; bounds memory. Part of what the seed reproduces.")
@click.option("--locker-co", "locker_dir", type=click.Path(file_okay=False, path_type=Path),
              help="Instead, write the locker_co_fy2004 sample (ledger, context files, answer key) into this folder.")
def sample(lines: int, seed: int, out: Path | None, start, months: int, chunk_lines: int,
           locker_dir: Path | None) -> None:
    """Write a realistic sample ledger with planted, labelled anomalies of every rule category.

    Example: jecheck sample --lines 1000000 --seed 7 --out demo/ledger.parquet
    """
    began = time.perf_counter()
    if locker_dir is not None:
        from ..sample.locker_co import write_locker_co

        files = write_locker_co(locker_dir)
        click.echo(f"Wrote the locker_co_fy2004 sample to {locker_dir}:")
        for path in files.values():
            click.echo(f"  {path.name:42s} {_size(path):>10s}")
        click.echo(f"in {time.perf_counter() - began:.1f} s")
        return
    if out is None:
        raise UsageError("give --out FILE.parquet (or --locker-co DIR for the locker_co sample)")
    from ..sample.context import paths_for
    from ..sample.generator import generate_sample

    result = generate_sample(out, lines, seed, start.date(), months, chunk_lines)
    seconds = time.perf_counter() - began
    click.echo(f"Wrote {result.lines:,} lines in {result.journals:,} journals to {out} "
               f"({_size(out)}) in {seconds:.1f} s")
    for kind, path in paths_for(out).items():
        click.echo(f"  {kind:15s} {path}  {_size(path)}")
    planted = Counter(label.category for _, label in result.labels)
    click.echo("Planted (label rows by category): " + ", ".join(f"{k} {v}" for k, v in sorted(planted.items())))
