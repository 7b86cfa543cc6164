"""Writing files so that a half-written one never looks complete, and text that never runs as a formula.

A scan's outputs are one set: they are written into a private folder inside the output folder and
moved into place together at the end, so the folder holds either the earlier run's whole set or this
run's, never a mix. Only jecheck's own file names (OUTPUT_NAMES) are ever written, replaced or removed
there; ledger and rule text never shapes a file name.
"""

from __future__ import annotations

import os
import shutil
import signal
import tempfile
import threading
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

from ..errors import UsageError

# Every file a scan may write into its output folder (the output contract), and nothing else.
OUTPUT_NAMES: tuple[str, ...] = ("findings.json", "entries.parquet", "rejects.csv", "report.xlsx", "report.html",
                                 "timings.json")  # timings.json: written after the swap, by --profile-timings
STAGING_PREFIX = ".jecheck-writing-"


@contextmanager
def atomic_path(path: Path):
    """Yield a temporary path beside `path`; rename it onto `path` only if the block succeeds."""
    path = Path(path)
    tmp = path.with_name(f".{path.name}.partial")
    try:
        yield tmp
        os.replace(tmp, path)
    finally:
        if tmp.exists():
            tmp.unlink()


def check_out_dir(out_dir: str | Path) -> Path:
    """The output folder, resolved as the OS would (`..`, symlinks), once it is sure it can hold the reports.

    Creates nothing. Raises UsageError naming the folder when it is a file, lies under a file, cannot be
    created or written, or holds a folder under one of jecheck's output names.
    """
    out = Path(out_dir).resolve()
    if os.path.exists(out) and not os.path.isdir(out):
        raise UsageError(f"--out {out_dir} is a file; give a folder for the reports")
    # os.path, unlike Path, answers False instead of raising for a folder this user may not look into.
    existing = next(folder for folder in (out, *out.parents) if os.path.exists(folder))
    if not os.path.isdir(existing):
        raise UsageError(f"--out {out_dir} cannot be created because {existing} is a file; give another folder")
    try:
        os.rmdir(tempfile.mkdtemp(prefix=".jecheck-probe-", dir=existing))
    except OSError as exc:
        raise UsageError(f"--out {out_dir} cannot be {'written' if existing == out else 'created'} "
                         f"(writing in {existing}: {exc.strerror}); choose a folder you can write to") from exc
    for name in OUTPUT_NAMES:
        if (out / name).is_dir() and not (out / name).is_symlink():
            raise UsageError(f"--out {out_dir} holds a folder named {name}, where jecheck writes its report; "
                             "move it or choose another folder")
    return out


@contextmanager
def output_set(out_dir: str | Path) -> Iterator[Path]:
    """Yield a private folder to write a run's outputs into; they replace the earlier run's set on success.

    On success every file written (each must be one of OUTPUT_NAMES) is moved into `out_dir`, and earlier
    outputs this run did not write (say, a rejects.csv when nothing was rejected) are removed. Other files
    in `out_dir` are never touched. On failure or Ctrl-C the earlier set stays as it was.
    """
    out = check_out_dir(out_dir)
    try:
        out.mkdir(parents=True, exist_ok=True)
        staging = Path(tempfile.mkdtemp(prefix=STAGING_PREFIX, dir=out))
    except OSError as exc:
        raise UsageError(f"--out {out_dir} cannot be created ({exc.strerror}); "
                         "choose a folder you can write to") from exc
    try:
        yield staging
        written = sorted(p.name for p in staging.iterdir())
        unknown = [name for name in written if name not in OUTPUT_NAMES]
        if unknown:
            raise ValueError(f"not a jecheck output name: {', '.join(unknown)}")
        with _ctrl_c_deferred():
            for name in OUTPUT_NAMES:
                if name not in written and (out / name).is_file():
                    (out / name).unlink()
            for name in written:
                os.replace(staging / name, out / name)
    finally:
        shutil.rmtree(staging, ignore_errors=True)


@contextmanager
def _ctrl_c_deferred() -> Iterator[None]:
    """Hold Ctrl-C for the few renames that swap one output set for the other, then deliver it."""
    previous = signal.getsignal(signal.SIGINT)
    if threading.current_thread() is not threading.main_thread() or previous is None:
        yield  # only the main thread may set handlers; None is a handler Python did not install
        return
    held: list[int] = []
    signal.signal(signal.SIGINT, lambda signum, frame: held.append(signum))
    try:
        yield
    finally:
        signal.signal(signal.SIGINT, previous)
        if held:
            signal.raise_signal(signal.SIGINT)


# Cells a spreadsheet would run as a formula (OWASP CSV injection): =, +, -, @, tab, carriage return.
FORMULA_PREFIXES = ("=", "+", "-", "@", "\t", "\r")


def looks_like_formula(text: str) -> bool:
    """True when a spreadsheet would read `text` as a formula if it were typed or imported."""
    return text[:1] in FORMULA_PREFIXES


def inert_text_sql(expr: str) -> str:
    """SQL that prefixes a text value with an apostrophe when a spreadsheet would read it as a formula."""
    return (
        f"CASE WHEN regexp_matches({expr}, '^[=+\\-@\\t\\r]') THEN '''' || {expr} ELSE {expr} END"
    )
