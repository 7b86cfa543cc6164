"""Load a ledger (and its context files) into DuckDB: `lines`, `rejects` and `ctx_*`.

Order: read the mapping file; sniff the file(s) and choose a layout; read raw columns; for a SAP
pair join BKPF onto BSEG; for report-style layouts (QuickBooks) carry headings down and set
heading/total rows aside; stage typed values with reasons; insert good rows into `lines`, the rest
into `rejects`; load context files the same way; count what the report must show.
"""

from __future__ import annotations


import datetime as dt
import threading
from collections.abc import Iterator
from contextlib import ExitStack, contextmanager, suppress
from dataclasses import dataclass, field
from pathlib import Path

import duckdb

from .. import db
from ..db import quote_ident
from ..errors import DataError, UsageError, first_line
from ..schema import CONTEXT_TABLES, LINE_COLUMNS
from . import mapping, parsing, readers
from .layouts import CONTEXT_LAYOUTS, CONTEXT_OPTION, LEDGER_LAYOUTS, norm
from .model import ContextInfo, IngestReport, LoadOptions, MappingPlan
from .readers import SniffedFile
from .transform import StageSpec, load_table

REJECTS_DDL = ("CREATE OR REPLACE TABLE rejects (source_file VARCHAR, source_row BIGINT, reason VARCHAR, "
               "raw VARCHAR)")
SAP_KEYS = ("BUKRS", "BELNR", "GJAHR")
BKPF_ONLY = ("BLART", "BLDAT", "BUDAT", "MONAT", "CPUDT", "CPUTM", "USNAM", "TCODE", "BKTXT", "XBLNR", "STBLG",
             "STJAH", "XREVERSAL", "BSTAT", "WAERS", "HWAER")
BSEG_ONLY = ("BUZEI", "BSCHL", "KOART", "SHKZG", "HKONT", "DMBTR", "WRBTR", "SGTXT", "KOSTL", "PRCTR", "GSBER",
             "AUGDT", "LIFNR", "KUNNR")
OUT_OF_RANGE_YEARS = 10
LINES_STORED = "lines_stored"  # the columns of `lines` the ledger fills; `lines` is a view over it


@dataclass
class LedgerPlan:
    """The ledger file(s) sniffed and the layout chosen, before anything is loaded."""

    files: list[SniffedFile]  # [ledger], or [BSEG, BKPF] for a SAP pair
    columns: list[str]
    resolution: mapping.Resolution
    label: str
    dc_codes: tuple[tuple[str, ...], tuple[str, ...]]
    manual_codes: tuple[str, ...]
    date_format: str | None
    decimal_comma: bool | None
    warnings: list[str] = field(default_factory=list)


def plan_ledger(options: LoadOptions, spec: mapping.MappingFile | None, *, hash_file: bool) -> LedgerPlan:
    """Sniff the ledger file(s) and pick the layout (the chosen one may still miss required columns)."""
    paths = tuple(options.paths)
    if len(paths) not in (1, 2):
        raise UsageError(f"give one ledger file, or two for a SAP BKPF + BSEG pair (got {len(paths)})")
    sniffed = [readers.sniff(p, delimiter=options.delimiter, encoding=options.encoding, sheet=options.sheet,
                             hash_file=hash_file) for p in paths]
    if len(sniffed) == 2:
        lines_file, header_file = _sap_roles(*sniffed)
        lines_file.info.role, header_file.info.role = "bseg", "bkpf"
        sniffed = [lines_file, header_file]
        seen = {norm(c) for c in lines_file.columns}
        columns = lines_file.columns + [c for c in header_file.columns if norm(c) not in seen]
        layouts = tuple(layout for layout in LEDGER_LAYOUTS if layout.files == 2)
        label = f"{lines_file.info.name} + {header_file.info.name}"
    else:
        columns = sniffed[0].columns
        layouts = tuple(layout for layout in LEDGER_LAYOUTS if layout.files == 1)
        label = sniffed[0].info.name
    resolution = mapping.choose_layout(columns, layouts, spec, mapping.LEDGER_REQUIRED, label)
    layout = resolution.layout
    date_format = options.date_format or (spec.date_format if spec else None)
    _check_date_format(date_format)
    decimal_comma = options.decimal_comma if options.decimal_comma is not None else (
        spec.decimal_comma if spec else None)
    for s in sniffed:
        s.info.layout = layout.name
    return LedgerPlan(
        files=sniffed, columns=columns, resolution=resolution, label=label,
        dc_codes=(spec.dc_codes if spec and spec.dc_codes else layout.dc_codes),
        manual_codes=(spec.manual_codes if spec and spec.manual_codes is not None else layout.manual_codes),
        date_format=date_format, decimal_comma=decimal_comma,
        warnings=[w for s in sniffed for w in s.warnings],
    )


def _check_date_format(date_format: str | None) -> None:
    if date_format and not parsing.is_strftime(date_format) and not parsing.order_from_format(date_format):
        raise UsageError(f"--date-format {date_format!r} is neither DMY, MDY, YMD nor a strftime pattern "
                         "such as %d.%m.%Y")


def _sap_roles(first: SniffedFile, second: SniffedFile) -> tuple[SniffedFile, SniffedFile]:
    """(lines file, header file) of a BKPF + BSEG pair, told apart by their columns."""
    def keys(s: SniffedFile) -> set[str]:
        return {norm(c) for c in s.columns}

    def header_score(s: SniffedFile) -> int:
        names = keys(s)
        return sum(norm(c) in names for c in BKPF_ONLY) - sum(norm(c) in names for c in BSEG_ONLY)

    for s in (first, second):
        lacking = [k for k in SAP_KEYS if norm(k) not in keys(s)]
        if lacking:
            raise UsageError(f"two ledger files are read as a SAP BKPF + BSEG pair, but {s.info.name} lacks "
                             f"{', '.join(lacking)}; give one ledger file, or both SAP tables with BUKRS, BELNR "
                             "and GJAHR")
    if header_score(first) == header_score(second):
        raise UsageError(f"cannot tell which of {first.info.name} and {second.info.name} is BKPF (headers: BLART, "
                         "BUDAT, USNAM...) and which is BSEG (lines: BUZEI, HKONT, DMBTR, SHKZG...)")
    return (second, first) if header_score(first) > header_score(second) else (first, second)


def detect_mapping(options: LoadOptions) -> MappingPlan:
    """Detect the layout and mapping of a ledger from its column names, without loading it."""
    spec = mapping.read_mapping_file(options.map_file) if options.map_file else None
    plan = plan_ledger(options, spec, hash_file=False)
    res = plan.resolution
    used = {c for cols in res.sources.values() for c in cols}
    return MappingPlan(
        files=[s.info for s in plan.files],
        columns=plan.columns,
        layout=res.layout.name,
        layout_title=res.layout.title,
        mapping=mapping.describe(res.sources, res.layout, plan.dc_codes, plan.manual_codes),
        sources={t: list(cols) for t, cols in res.sources.items()},
        unmapped_columns=[c for c in plan.columns if c not in used],
        missing=list(res.missing),
        candidates={t: mapping.candidate_columns(t, plan.columns) for t in res.missing},
        warnings=plan.warnings,
        mapping_file_text=mapping.mapping_file_text(plan.label, res, plan.columns, plan.dc_codes,
                                                    plan.manual_codes),
    )


def load(con: duckdb.DuckDBPyConnection, options: LoadOptions) -> IngestReport:
    """Load the ledger and context files into `con`; see the package docstring for the tables made."""
    spec = mapping.read_mapping_file(options.map_file) if options.map_file else None
    plan = plan_ledger(options, spec, hash_file=True)
    res = plan.resolution
    if res.missing:
        remedy = (f"correct {Path(spec.path).name}" if spec else
                  f"pass --map FILE naming the column (`jecheck map {' '.join(options.paths)}` writes one to edit)")
        raise DataError(mapping.missing_columns_message(res, plan.columns, plan.label, remedy))
    report = IngestReport(files=[s.info for s in plan.files], layout=res.layout.name, warnings=list(plan.warnings))
    report.mapping = mapping.describe(res.sources, res.layout, plan.dc_codes, plan.manual_codes)
    used = {c for cols in res.sources.values() for c in cols}
    report.unmapped_columns = [c for c in plan.columns if c not in used]
    con.execute(REJECTS_DDL)
    scratch: list[str] = []  # every temporary table and view, dropped at the end
    sniffed = list(plan.files)  # every file read, whose SHA-256 is computed meanwhile
    contexts = _ContextLoad(con, options, spec)
    try:
        try:
            with _unreadable_as_data_error(plan.label):
                _load_lines(con, plan, report, scratch, manual_from_listing="sources" in options.context_files())
        except BaseException:
            contexts.stop()
            raise
        contexts.finish(con, report, scratch, sniffed)
        if "is_manual" not in res.sources and report.context.get("sources") and report.context["sources"].rows_loaded:
            _manual_from_source_listing(con, report)
        report.out_of_range_dates = _out_of_range(con)
        report.warnings += _context_gaps(con, report)
    finally:
        _drop(con, scratch)
    for file in sniffed:
        readers.finish_digest(file)
    report.check_counts()
    if report.rows_rejected:
        report.warnings.append(f"{report.rows_rejected:,} of {report.rows_read:,} rows were rejected "
                               f"({_top_reasons(report.reject_reasons)}); see the rejects table")
    if options.rejects_file:
        write_rejects(con, options.rejects_file)
    return report


class _ContextLoad:
    """The context files, loaded on a second cursor while the ledger loads when DuckDB has a thread to
    spare and the tables live in memory (a database file means a large ledger, whose memory peak must
    not double), else after it. Files, warnings and errors are taken in the order a serial load gives."""

    def __init__(self, con: duckdb.DuckDBPyConnection, options: LoadOptions, spec: mapping.MappingFile | None):
        self._options, self._spec = options, spec
        self._part = IngestReport()  # the contexts' files, warnings and outcomes, merged by `finish`
        self._files: list[SniffedFile] = []
        self._error: BaseException | None = None
        self._thread: threading.Thread | None = None
        if options.context_files() and _spare_thread_in_memory(con):
            self._cursors = ExitStack()  # a db.cursor: Ctrl-C reaches its query like the connection's own
            self._cursor = self._cursors.enter_context(db.cursor(con))
            self._thread = threading.Thread(target=self._run_alongside, name="jecheck-context", daemon=True)
            self._thread.start()

    def _run_alongside(self) -> None:
        scratch: list[str] = []
        try:
            self._load(self._cursor, scratch)
        except BaseException as exc:  # re-raised by `finish`, in the caller's thread
            self._error = exc
        finally:
            with suppress(duckdb.Error):
                _drop(self._cursor, scratch)

    def _load(self, con: duckdb.DuckDBPyConnection, scratch: list[str]) -> None:
        for name, path in self._options.context_files().items():
            with _unreadable_as_data_error(f"{CONTEXT_OPTION[name]} {Path(path).name}"):
                self._part.context[name] = _load_context(con, name, path, self._options, self._spec, self._part,
                                                         scratch, self._files)

    def finish(self, con: duckdb.DuckDBPyConnection, report: IngestReport, scratch: list[str],
               files: list[SniffedFile]) -> None:
        """Load the contexts now, or wait for them; then add what they found to `report` and `files`."""
        try:
            if self._thread is None:
                self._load(con, scratch)
            else:
                while self._thread.is_alive():  # waking now and then lets Ctrl-C reach this thread
                    self._thread.join(0.2)
                self.stop()
                if self._error is not None:
                    raise self._error
        except BaseException:
            self.stop()
            raise
        finally:
            files += self._files  # their SHA-256s are awaited either way
        report.files += self._part.files
        report.warnings += self._part.warnings
        report.context.update(self._part.context)

    def stop(self) -> None:
        """Interrupt the contexts' loading if it still runs (the load failed), wait for it, close its cursor."""
        if self._thread is not None:
            self._cursor.interrupt()
            self._thread.join()
            self._cursors.close()
            self._thread = None


def _spare_thread_in_memory(con: duckdb.DuckDBPyConnection) -> bool:
    """True when DuckDB may use more than one thread and keeps the tables in memory."""
    threads, path = con.execute("SELECT current_setting('threads'), (SELECT path FROM duckdb_databases() "
                                "WHERE database_name = current_database())").fetchone()
    return threads > 1 and path is None


def _load_lines(con: duckdb.DuckDBPyConnection, plan: LedgerPlan, report: IngestReport, scratch: list[str],
                manual_from_listing: bool) -> None:
    res = plan.resolution
    relation, types, has_bad = _read_ledger(con, plan, report, scratch)
    spec = StageSpec(
        relation=relation, columns=plan.columns, types=types, has_bad=has_bad, layout=res.layout,
        sources=res.sources, context=None, required_nonempty=("journal_id",), date_format=plan.date_format,
        decimal_comma=plan.decimal_comma, dc_codes=plan.dc_codes, manual_codes=plan.manual_codes)
    keep = ("is_manual", "source") if manual_from_listing else ()  # what _manual_from_source_listing updates by
    staged = load_table(con, spec, "lines", LINE_COLUMNS, plan.files[0].info.name, stored=LINES_STORED, keep=keep)
    report.rows_read, report.rows_rejected = staged.rows, staged.rejected
    report.rows_loaded = staged.rows - staged.rejected
    report.reject_reasons = staged.reject_kinds
    report.placeholder_dates = staged.placeholders
    report.date_formats = staged.date_formats
    report.decimal_comma = staged.decimal_comma
    report.warnings += staged.warnings


@contextmanager
def _unreadable_as_data_error(label: str) -> Iterator[None]:
    """A file DuckDB fails on mid-read (a damaged data page...) is a data error, not a traceback."""
    try:
        yield
    except duckdb.Error as exc:
        first = readers.error_detail(exc)
        raise DataError(f"{label} could not be read to the end ({first}); check that the file is complete "
                        "(run with --debug to see where)") from exc


def _drop(con: duckdb.DuckDBPyConnection, names: list[str]) -> None:
    """Drop the temporary tables and views a load made (views first: they read the tables)."""
    kinds = dict(con.execute("SELECT table_name, table_type FROM information_schema.tables "
                             "WHERE starts_with(table_name, '__')").fetchall())
    for name in sorted(set(names), key=lambda n: kinds.get(n) != "VIEW"):
        if name in kinds:
            con.execute(f"DROP {'VIEW' if kinds[name] == 'VIEW' else 'TABLE'} IF EXISTS {quote_ident(name)}")


def _top_reasons(reasons: dict[str, int]) -> str:
    return ", ".join(f"{kind}: {count:,}" for kind, count in list(reasons.items())[:3])


def _read_ledger(con: duckdb.DuckDBPyConnection, plan: LedgerPlan, report: IngestReport,
                 scratch: list[str]) -> tuple[str, list[str], bool]:
    """Read the ledger file(s); returns (relation of candidate lines, column types, has __bad)."""
    raws = []
    for i, sniffed in enumerate(plan.files):
        name = f"__raw_{i}"
        scratch += [name + "_data", name]
        raws.append(readers.read(con, sniffed, name))
        report.warnings += raws[-1].warnings
    if len(raws) == 2:
        relation, types, has_bad = _join_sap(con, plan, raws, report, scratch)
    else:
        relation, types, has_bad = raws[0].relation, raws[0].types, raws[0].has_bad_column
    if plan.resolution.layout.name == "sap_acdoca":
        _warn_several_ledgers(con, plan, relation, report)
    rows_model = plan.resolution.layout.rows
    if rows_model != "flat":
        relation, has_bad = _report_rows(con, plan, relation, types, has_bad, rows_model, report, scratch)
    if not con.execute(f"SELECT count(*) FROM {quote_ident(relation)}").fetchone()[0]:
        what = "lines" if rows_model != "flat" or len(raws) == 2 else "data rows"
        raise DataError(f"{plan.label} has column names but no {what}; export the ledger again with its entries")
    return relation, types, has_bad


def _join_sap(con, plan: LedgerPlan, raws: list[readers.RawTable], report: IngestReport,
              scratch: list[str]) -> tuple[str, list[str], bool]:
    """One relation of BSEG lines with their BKPF header's columns; lines without a header are marked bad."""
    lines_raw, header_raw = raws
    line_index = {norm(c): i for i, c in enumerate(lines_raw.columns)}
    header_index = {norm(c): i for i, c in enumerate(header_raw.columns)}

    keys_on = " AND ".join(f"{_sap_key('l', lines_raw, line_index, k)} IS NOT DISTINCT FROM h.k{j}"
                           for j, k in enumerate(SAP_KEYS))
    header_keys = ", ".join(f"{_sap_key('h0', header_raw, header_index, k)} AS k{j}" for j, k in enumerate(SAP_KEYS))
    header_good = "WHERE h0.__bad IS NULL" if header_raw.has_bad_column else ""
    extra = [i for i, c in enumerate(header_raw.columns) if norm(c) not in line_index]
    scratch.append("__sap_headers")
    con.execute(f"CREATE OR REPLACE TEMP TABLE __sap_headers AS SELECT {header_keys}, h0.__row AS __hrow, "
                + "".join(f"h0.c{i} AS h{i}, " for i in extra) + f"true AS __found FROM {quote_ident(header_raw.relation)} h0 "
                f"{header_good} QUALIFY row_number() OVER (PARTITION BY k0, k1, k2 ORDER BY h0.__row) = 1")
    width = len(lines_raw.columns)
    header_columns = "".join(f", h.h{i} AS c{width + n}" for n, i in enumerate(extra))
    key_text = " || '/' || ".join(f"coalesce({_sap_key('l', lines_raw, line_index, k)}, '')" for k in SAP_KEYS)
    missing = (f"'sap: no BKPF header for company code/document/year ' || {key_text}")
    line_bad = "l.__bad" if lines_raw.has_bad_column else "NULL"
    line_bad_kind = "l.__bad_kind" if lines_raw.has_bad_column else "NULL"
    scratch.append("__sap_lines")
    con.execute(
        f"CREATE OR REPLACE TEMP TABLE __sap_lines AS SELECT l.__row, "
        + ", ".join(f"l.c{i}" for i in range(width)) + header_columns
        + f", coalesce({line_bad}, CASE WHEN h.__found IS NULL THEN {missing} END) AS __bad, "
        f"coalesce({line_bad_kind}, CASE WHEN h.__found IS NULL THEN 'sap: line has no BKPF header' END) AS __bad_kind, "
        f"h.__hrow FROM {quote_ident(lines_raw.relation)} l LEFT JOIN __sap_headers h ON {keys_on}")
    matched, orphans = con.execute(
        "SELECT count(*) FILTER (WHERE __hrow IS NOT NULL), count(*) FILTER (WHERE __hrow IS NULL) FROM __sap_lines"
    ).fetchone()
    if matched == 0 and orphans:
        raise DataError(f"{lines_raw.info.name} and {header_raw.info.name} share no document (company code + "
                        "document number + fiscal year); give the BKPF and BSEG extracts of the same selection")
    header_rows, duplicates, unused = con.execute(
        f"SELECT (SELECT count(*) FROM {quote_ident(header_raw.relation)}), "
        f"(SELECT count(*) FROM {quote_ident(header_raw.relation)}) - (SELECT count(*) FROM __sap_headers), "
        "(SELECT count(*) FROM __sap_headers WHERE __hrow NOT IN (SELECT __hrow FROM __sap_lines "
        "WHERE __hrow IS NOT NULL))").fetchone()
    report.headers_without_lines = int(unused)
    report.lines_without_headers = int(orphans)
    if unused:
        report.warnings.append(f"{unused:,} of {header_rows:,} BKPF headers have no BSEG lines (documents without "
                               "lines: check the extract's selection)")
    if duplicates:
        report.warnings.append(f"{header_raw.info.name}: {duplicates:,} header rows repeat a document key or are "
                               "malformed; the first header of each document was used")
    types = lines_raw.types + [header_raw.types[i] for i in extra]
    return "__sap_lines", types, True


def _warn_several_ledgers(con, plan: LedgerPlan, relation: str, report: IngestReport) -> None:
    """ACDOCA repeats every document once per ledger (0L, 2L...): loading several double-counts."""
    index = next((i for i, c in enumerate(plan.columns) if norm(c) == "rldnr"), None)
    if index is None:
        return
    ledgers = [v for (v,) in con.execute(f"SELECT DISTINCT trim(CAST(c{index} AS VARCHAR)) AS v "
                                         f"FROM {quote_ident(relation)} WHERE c{index} IS NOT NULL ORDER BY v").fetchall()]
    if len(ledgers) > 1:
        report.warnings.append(f"the extract holds {len(ledgers)} ledgers ({', '.join(ledgers[:5])}) and ACDOCA repeats "
                               "every document in each; extract the leading ledger (0L) only")


def _sap_key(alias: str, raw: readers.RawTable, index: dict[str, int], name: str) -> str:
    """A SAP key cell as text without leading zeros (exports disagree on padding)."""
    i = index[norm(name)]
    text = parsing.as_text(parsing.clean(f"{alias}.c{i}", raw.types[i]), raw.types[i])
    return f"ltrim({text}, '0')"


def _report_rows(con, plan: LedgerPlan, relation: str, types: list[str], has_bad: bool, model: str,
                 report: IngestReport, scratch: list[str]) -> tuple[str, bool]:
    """QuickBooks reports: carry headings down to their lines and set heading/total/blank rows aside."""
    index = {c: i for i, c in enumerate(plan.columns)}
    sources = plan.resolution.sources

    def cell(target: str) -> str:
        i = index[sources[target][0]]
        return parsing.clean(f"c{i}", types[i])

    passthrough = [f"c{i}" for i in range(len(plan.columns))]
    bad = ", __bad, __bad_kind" if has_bad else ""
    if model == "qb_desktop":
        heading_columns = [i for i, c in enumerate(plan.columns) if c.startswith("column_")][:5]
        heading = "coalesce(" + ", ".join(parsing.clean(f"c{i}", types[i]) for i in reversed(heading_columns)) + ")"
        is_line = f"({cell('effective_date')} IS NOT NULL OR {cell('source')} IS NOT NULL)"
        account_i = index[sources["account"][0]]
        marked = (f"SELECT *, {is_line} AS __line, {heading} AS __heading FROM {quote_ident(relation)}")
        carried = (f"SELECT *, last_value(CASE WHEN NOT __line AND NOT starts_with(lower(__heading), 'total') "
                   f"THEN __heading END IGNORE NULLS) OVER (ORDER BY __row ROWS UNBOUNDED PRECEDING) AS __account "
                   f"FROM ({marked})")
        columns = [("__account" if i == account_i else c) + f" AS c{i}" for i, c in enumerate(passthrough)]
        kinds = ("CASE WHEN __heading IS NULL THEN 'blank row' WHEN starts_with(lower(__heading), 'total') "
                 "THEN 'total row' ELSE 'account heading row' END")
        body = f"SELECT *, {kinds} AS __skip FROM ({carried})"
    else:  # qbo_journal: date, type and number sit on each entry's first row only
        date, kind, number = cell("effective_date"), cell("source"), _qbo_num(plan, index, types)
        block = f"max(CASE WHEN {date} IS NOT NULL THEN __row END) OVER (ORDER BY __row ROWS UNBOUNDED PRECEDING)"
        blocked = f"SELECT *, {block} AS __block FROM {quote_ident(relation)}"
        firsts = {}
        for target, expr in (("effective_date", date), ("source", kind)):
            firsts[index[sources[target][0]]] = f"first_value({expr}) OVER (PARTITION BY __block ORDER BY __row)"
        if number:
            num_i, num_expr = number
            firsts[num_i] = (f"coalesce(first_value({num_expr}) OVER (PARTITION BY __block ORDER BY __row), "
                             "'row ' || __block)")
        columns = [(firsts.get(i, c)) + f" AS c{i}" for i, c in enumerate(passthrough)]
        is_line = f"({cell('account')} IS NOT NULL AND __block IS NOT NULL)"
        body = (f"SELECT *, {is_line} AS __line, CASE WHEN {cell('account')} IS NULL THEN 'subtotal, title or blank "
                f"row' ELSE 'line before any entry date' END AS __skip FROM ({blocked})")
    scratch.append("__report_rows")
    con.execute(f"CREATE OR REPLACE TEMP TABLE __report_rows AS SELECT __row, {', '.join(columns)}{bad}, __line, "
                f"__skip FROM ({body})")
    report.rows_skipped = dict(con.execute(
        "SELECT __skip, count(*) FROM __report_rows WHERE NOT __line GROUP BY __skip ORDER BY __skip").fetchall())
    scratch.append("__report_lines")
    con.execute(f"CREATE OR REPLACE VIEW __report_lines AS SELECT __row, {', '.join(passthrough)}{bad} "
                "FROM __report_rows WHERE __line")
    return "__report_lines", has_bad


def _qbo_num(plan: LedgerPlan, index: dict[str, int], types: list[str]) -> tuple[int, str] | None:
    """The Num column of a QuickBooks Online journal report, if any (part of the journal id)."""
    journal = plan.resolution.sources.get("journal_id", ())
    for column in journal:
        if norm(column) == "num":
            i = index[column]
            return i, parsing.clean(f"c{i}", types[i])
    return None


def _load_context(con, name: str, path: str, options: LoadOptions, spec: mapping.MappingFile | None,
                  report: IngestReport, scratch: list[str], files: list[SniffedFile]) -> ContextInfo:
    option = CONTEXT_OPTION[name]
    sniffed = readers.sniff(path, role=name)
    files.append(sniffed)
    layout = CONTEXT_LAYOUTS[name]
    columns_spec = CONTEXT_TABLES[name]
    required = tuple(c.name for c in columns_spec if c.required)
    overrides = spec.context.get(name, {}) if spec else {}
    label = f"{option} {sniffed.info.name}"
    res = mapping.resolve(sniffed.columns, layout, overrides, required, label,
                          Path(spec.path).name if spec else None)
    if res.missing:
        raise DataError(mapping.missing_columns_message(
            res, sniffed.columns, label, f"pass --map FILE with a [context.{name}.columns] table naming the column"))
    sniffed.info.layout = layout.name
    report.files.append(sniffed.info)
    report.warnings += sniffed.warnings
    relation = f"__raw_ctx_{name}"
    scratch += [relation + "_data", relation]
    raw = readers.read(con, sniffed, relation)
    report.warnings += raw.warnings
    staged = load_table(con, StageSpec(
        relation=relation, columns=sniffed.columns, types=raw.types, has_bad=raw.has_bad_column, layout=layout,
        sources=res.sources, context=name, required_nonempty=(columns_spec[0].name,),
        date_format=options.date_format, decimal_comma=options.decimal_comma, dc_codes=layout.dc_codes,
        manual_codes=layout.manual_codes), f"ctx_{name}", columns_spec, sniffed.info.name)
    report.warnings += [f"{option}: {w}" for w in staged.warnings]
    if staged.rejected:
        report.warnings.append(f"{option} {sniffed.info.name}: {staged.rejected:,} of {staged.rows:,} rows rejected "
                               f"({_top_reasons(staged.reject_kinds)}); see the rejects table")
    used = {c for cols in res.sources.values() for c in cols}
    return ContextInfo(path=sniffed.info.path, layout=layout.name,
                       mapping=mapping.describe(res.sources, layout, layout.dc_codes, (), context=name),
                       unmapped_columns=[c for c in sniffed.columns if c not in used],
                       rows_read=staged.rows, rows_loaded=staged.rows - staged.rejected, rows_rejected=staged.rejected)


def _manual_from_source_listing(con, report: IngestReport) -> None:
    """Without an is_manual column, a source listing says which sources are manual."""
    con.execute(f"""
        UPDATE {LINES_STORED} SET is_manual = s.is_manual
        FROM (SELECT upper(source) AS source_key, bool_or(is_manual) AS is_manual FROM ctx_sources
              WHERE is_manual IS NOT NULL GROUP BY 1) s
        WHERE upper({LINES_STORED}.source) = s.source_key
    """)
    report.mapping["is_manual"] = "the source listing's manual flag for the line's source (--source-listing)"


# Context file -> (what it lacks, SQL of the ledger values it lacks). Distinct values first: they are few.
_CONTEXT_GAPS = {
    "coa": ("does not list {} of the ledger's accounts",
            "SELECT account FROM (SELECT DISTINCT account FROM lines) "
            "WHERE account NOT IN (SELECT account FROM ctx_coa WHERE account IS NOT NULL)"),
    "users": ("does not list {} of the ledger's users",
              "SELECT u FROM (SELECT entered_by AS u FROM lines UNION SELECT approved_by FROM lines) "
              "WHERE u IS NOT NULL AND u NOT IN (SELECT user_id FROM ctx_users WHERE user_id IS NOT NULL)"),
    "calendar": ("has no period for {} of the ledger's effective dates",
                 "SELECT d FROM (SELECT DISTINCT effective_date AS d FROM lines WHERE effective_date IS NOT NULL) "
                 "WHERE NOT EXISTS (SELECT 1 FROM ctx_calendar c WHERE d BETWEEN c.period_start AND c.period_end)"),
}


def _context_gaps(con, report: IngestReport) -> list[str]:
    """A context file that contradicts the ledger still loads, but each gap is said: it weakens the rules using it."""
    warnings = []
    for name, (lacks, missing_sql) in _CONTEXT_GAPS.items():
        context = report.context.get(name)
        if not context:
            continue
        count, examples = con.execute(f"SELECT count(*), list(v ORDER BY v)[:3] FROM ({missing_sql}) t(v)").fetchone()
        if count:
            shown = ", ".join(str(v) for v in examples) + (", ..." if count > len(examples) else "")
            warnings.append(f"{CONTEXT_OPTION[name]} {Path(context.path).name} {lacks.format(f'{count:,}')} "
                            f"({shown}); check that it is the file for this ledger and period")
    return warnings


def _out_of_range(con) -> dict[str, int]:
    """Dates before 1950, after 2100, or more than ten years from the median effective date: counted, kept."""
    dated = [c.name for c in LINE_COLUMNS if c.kind in ("date", "timestamp")]
    mid = con.execute("SELECT quantile_disc(effective_date, 0.5) FROM lines").fetchone()[0]
    # The bounds are one range: two comparisons per date, not a day difference (10M lines: ~0.2 CPU s).
    low, high = dt.date(1950, 1, 1), dt.date(2100, 12, 31)
    if mid:
        far = dt.timedelta(days=OUT_OF_RANGE_YEARS * 366)
        with suppress(OverflowError):  # past Python's years 1..9999: the fixed bound is the nearer one
            low = max(low, mid - far)
        with suppress(OverflowError):
            high = min(high, mid + far)
    conditions = [f"count(*) FILTER (WHERE CAST({quote_ident(column)} AS DATE) NOT BETWEEN DATE '{low.isoformat()}' "
                  f"AND DATE '{high.isoformat()}')" for column in dated]
    counts = con.execute(f"SELECT {', '.join(conditions)} FROM lines").fetchone()
    return {column: int(n) for column, n in zip(dated, counts) if n}


def write_rejects(con: duckdb.DuckDBPyConnection, path: str) -> int:
    """Write the rejects table to a CSV file, as a scan's rejects.csv is written (atomically; cells a
    spreadsheet would run as formulas are prefixed with an apostrophe). Returns the number of rows written."""
    from ..report.tables import write_rejects_csv  # the one rejects writer; loaded only when asked for

    try:
        write_rejects_csv(con, Path(path))
    except (duckdb.Error, OSError) as exc:
        raise UsageError(f"--rejects {path}: cannot write it ({first_line(exc)}); choose a writable path") from exc
    return con.execute("SELECT count(*) FROM rejects").fetchone()[0]
