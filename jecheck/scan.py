"""The scan pipeline: ingest -> views -> completeness -> rules -> model -> review -> outputs.

Each stage is one module; this file only orders them, times them and keeps what the reports need.
Import and call `run_scan(ScanOptions(...))` to use jecheck as a library.
"""

from __future__ import annotations

import os
import re
import threading
import time
from contextlib import contextmanager, suppress
from dataclasses import dataclass, field
from datetime import datetime, timezone
from typing import Any, Callable

import duckdb

from . import __version__, completeness, db, views
from .errors import UsageError
from .ingest import IngestReport, LoadOptions, load
from .ingest.readers import parquet_shape

SEVERITIES = ("info", "low", "medium", "high")


@dataclass
class ScanOptions:
    load: LoadOptions
    out_dir: str | None = None
    rules_dirs: tuple[str, ...] = ()
    config: str | None = None
    select: tuple[str, ...] = ()
    ignore: tuple[str, ...] = ()
    suppress: str | None = None
    fail_on: str = "never"
    country: str | None = "US"
    subdivision: str | None = None
    fiscal_year_start_month: int = 1
    period: str | None = None
    baseline: tuple[str, str] | None = None
    seed: int = 42
    top: int = 100
    threads: int | None = None
    memory_limit: str | None = None
    model: bool = True

    def parameters(self) -> dict:
        """Every option that shapes the result, for the report's provenance section."""
        return {
            "rules_dirs": list(self.rules_dirs), "config": self.config, "select": list(self.select),
            "ignore": list(self.ignore), "suppress": self.suppress, "fail_on": self.fail_on,
            "country": self.country, "subdivision": self.subdivision,
            "fiscal_year_start_month": self.fiscal_year_start_month, "period": self.period,
            "baseline": list(self.baseline) if self.baseline else None, "seed": self.seed, "top": self.top,
            "threads": self.threads, "memory_limit": self.memory_limit, "model": self.model,
            "map_file": self.load.map_file, "date_format": self.load.date_format,
            "decimal_comma": self.load.decimal_comma, "delimiter": self.load.delimiter,
            "encoding": self.load.encoding, "sheet": self.load.sheet,
        }


@dataclass
class ScanResult:
    con: duckdb.DuckDBPyConnection
    options: ScanOptions
    ingest: IngestReport
    completeness: completeness.CompletenessReport
    ruleset: Any = None
    rules: list = field(default_factory=list)
    stale_suppressions: list = field(default_factory=list)
    model: Any = None
    timings: dict[str, float] = field(default_factory=dict)
    started_at: str = ""
    duration_s: float = 0.0
    version: str = __version__

    def exit_code(self) -> int:
        """1 when an unsuppressed finding is at or above --fail-on, else 0."""
        if self.options.fail_on in (None, "never"):
            return 0
        threshold = SEVERITIES.index(self.options.fail_on)
        levels = [s for s in SEVERITIES if SEVERITIES.index(s) >= threshold]
        hits = self.con.execute(
            "SELECT count(*) FROM findings WHERE NOT suppressed AND list_contains($levels, severity)",
            {"levels": levels},
        ).fetchone()[0]
        return 1 if hits else 0


class Timer:
    def __init__(self) -> None:
        self.timings: dict[str, float] = {}

    @contextmanager
    def stage(self, name: str):
        start = time.perf_counter()
        try:
            yield
        finally:
            self.timings[name] = round(time.perf_counter() - start, 3)


def open_ledger(
    load_options: LoadOptions,
    *,
    view_options: views.ViewOptions | None = None,
    threads: int | None = None,
    memory_limit: str | None = None,
    timer: Timer | None = None,
) -> tuple[duckdb.DuckDBPyConnection, IngestReport]:
    """Load the ledger and context files and build the canonical views. Shared by scan and profile."""
    timer = timer or Timer()
    compressed = keep_compressed(load_options, memory_limit)
    con = db.connect(threads=threads, memory_limit=memory_limit or (LARGE_LEDGER_MEMORY if compressed else None),
                     compressed=compressed)
    with timer.stage("load"):
        report = load(con, load_options)
    with timer.stage("views"):
        views.create_views(con, view_options)
    # Said once the completeness tables list the repeated keys (ingest would need a pass of its own).
    report.warnings += completeness.repeated_line_keys_warning(con)
    return con, report


# Above this estimated in-memory size, tables are kept compressed (see db.connect): a large ledger then
# needs a fraction of the memory, at the price of compressing it once (~25% more CPU at 1M lines).
COMPRESS_ABOVE_BYTES = 1 << 30
# DuckDB's memory limit for a ledger kept compressed when --memory-limit is not given. Without one, DuckDB
# caches the database file's blocks up to 80% of RAM (a 10M-line scan peaked at 4.3 GB); with it, the same
# scan peaks at 3.1 GB and runs no slower, reading evicted blocks back from the OS's file cache.
LARGE_LEDGER_MEMORY = "3GB"
CELL_BYTES = 12  # DuckDB's uncompressed cell, on average over a ledger's text, dates and amounts
TEXT_EXPANSION = {".xlsx": 6.0, ".xls": 3.0, ".ods": 6.0}  # in-memory bytes per file byte; text files 1.2


def keep_compressed(load_options: LoadOptions, memory_limit: str | None) -> bool:
    """Keep the run's tables compressed when the ledger and its context files would take over 1 GiB (or
    a quarter of --memory-limit) in memory: speed matters most for small ledgers, memory for large ones."""
    estimate = 0.0
    for path in (*load_options.paths, *load_options.context_files().values()):
        with suppress(Exception):  # an unreadable file is the loader's to report
            if path.lower().endswith(".parquet"):  # the footer says rows and columns
                rows, columns = parquet_shape(path)
                estimate += rows * columns * CELL_BYTES
            else:
                estimate += os.path.getsize(path) * TEXT_EXPANSION.get(os.path.splitext(path)[1].lower(), 1.2)
    budget = COMPRESS_ABOVE_BYTES
    if memory_limit:
        with suppress(ValueError):
            budget = min(budget, parse_size(memory_limit) / 4)
    return estimate > budget


def parse_size(text: str) -> int:
    """"8GB", "500 MiB", "2g" -> bytes (DuckDB's units: KB/MB/GB/TB are powers of 1000, KiB.. of 1024)."""
    match = re.fullmatch(r"\s*([0-9.]+)\s*([kmgt]?)(i?)b?\s*", text.lower())
    if not match:
        raise ValueError(text)
    number, unit, binary = match.groups()
    return int(float(number) * (1024 if binary else 1000) ** " kmgt".index(unit or " "))


def check_completeness(con: duckdb.DuckDBPyConnection, load_options: LoadOptions) -> completeness.CompletenessReport:
    return completeness.summarize(
        con, have_tb=bool(load_options.tb), have_control_totals=bool(load_options.control_totals)
    )


def run_scan(options: ScanOptions, progress=None, warm_up: tuple[Callable[[], object], ...] = ()) -> ScanResult:
    """Run the whole scan and return its result (outputs are written by `write_outputs`).

    `progress`, if given, is called with a stage name as each stage starts. `warm_up`: imports the caller
    will need afterwards (say, the report writers), run on a thread while DuckDB works (`import_in_background`).
    """
    from .rules_engine import load_config, load_rules, run_rules

    if options.fail_on not in (*SEVERITIES, "never"):
        raise UsageError(f"--fail-on must be one of {', '.join(SEVERITIES)} or never, not {options.fail_on!r}")
    started = datetime.now(timezone.utc)
    t0 = time.perf_counter()
    timer = Timer()
    notify = progress or (lambda stage: None)

    # Rule packs and configuration are validated before the (possibly long) load.
    with timer.stage("rule_packs"):
        ruleset = load_rules(extra_dirs=list(options.rules_dirs))
        config = load_config(options.config, select=list(options.select), ignore=list(options.ignore),
                             suppress_path=options.suppress, ruleset=ruleset)
    # After the rule packs: the imports would hold the GIL they need.
    import_in_background(*warm_up, *((_import_model,) if options.model else ()))
    notify("load")
    con, ingest_report = open_ledger(
        options.load,
        view_options=views.ViewOptions(
            fiscal_year_start_month=options.fiscal_year_start_month,
            country=options.country, subdivision=options.subdivision,
        ),
        threads=options.threads, memory_limit=options.memory_limit, timer=timer,
    )
    if options.period:
        _check_period(con, options.period, options.baseline)
    with timer.stage("completeness"):
        completeness_report = check_completeness(con, options.load)
    available_columns = {name for name, n in views.column_counts(con).items() if n}
    available_context = views.context_present(con)
    db.lock_down(con)  # from here on, SQL (rule packs included) can only read what is loaded

    notify("rules")
    with timer.stage("rules"):
        # Two rules at a time keep both cores busy through the many small queries (capped at --threads).
        outcomes = run_rules(con, ruleset, config, available_columns=available_columns,
                             available_context=available_context, workers=2)
        if options.period:
            _restrict_findings_to_period(con, options.period, outcomes)
    result = ScanResult(
        con=con, options=options, ingest=ingest_report, completeness=completeness_report,
        ruleset=ruleset, rules=outcomes, stale_suppressions=getattr(config, "stale_suppressions", []),
        started_at=started.isoformat(timespec="seconds"),
    )
    if options.model:
        from .model import ModelOptions, score
        from .review import rank

        notify("model")
        with timer.stage("model"):
            result.model = score(con, ModelOptions(
                seed=options.seed, threads=options.threads, period=options.period, baseline=options.baseline,
                explain=max(1000, options.top),  # reasons for every journal a report lists
            ))
        with timer.stage("review"):
            rank(con)
    result.timings = timer.timings
    result.duration_s = round(time.perf_counter() - t0, 3)
    return result


def import_in_background(*importers: Callable[[], object]) -> None:
    """Run `importers` (module imports) one after another on a thread while DuckDB loads the ledger.

    DuckDB releases the GIL while it works, so the imports cost the scan almost nothing; the later import
    finds the modules ready (Python's import lock makes it wait if the thread is not done). A failure is
    left for that later import to report.
    """
    def warm() -> None:
        for importer in importers:
            with suppress(Exception):
                importer()

    if importers:
        threading.Thread(target=warm, name="jecheck-imports", daemon=True).start()


def _import_model() -> None:
    """scikit-learn (~1.5 s, mostly scipy) and the model."""
    import sklearn.ensemble  # noqa: F401

    from . import model  # noqa: F401


def _check_period(con: duckdb.DuckDBPyConnection, period: str, baseline: tuple[str, str] | None) -> None:
    known = {p for (p,) in con.execute("SELECT period_key FROM periods").fetchall()}
    for label in (period, *(baseline or ())):
        if label not in known:
            sample = ", ".join(sorted(known)[:3]) + (" ..." if len(known) > 3 else "")
            raise UsageError(f"period {label!r} is not in this ledger; its periods look like {sample}")


def _restrict_findings_to_period(con: duckdb.DuckDBPyConnection, period: str, outcomes: list) -> None:
    """Rules may read the whole ledger for their norms; only the period under review is reported."""
    con.execute(
        "DELETE FROM findings WHERE journal_id NOT IN (SELECT journal_id FROM journals WHERE period_key = $p)",
        {"p": period},
    )
    hits = dict(con.execute(
        "SELECT rule_id, count(*) FILTER (WHERE NOT suppressed) FROM findings GROUP BY rule_id"
    ).fetchall())
    suppressed = dict(con.execute(
        "SELECT rule_id, count(*) FILTER (WHERE suppressed) FROM findings GROUP BY rule_id"
    ).fetchall())
    for outcome in outcomes:
        if outcome.status == "ran":
            outcome.hits = hits.get(outcome.id, 0)
            outcome.suppressed_hits = suppressed.get(outcome.id, 0)
