"""Read one input file into a DuckDB relation of raw columns c0..cN plus `__row`, the data-row number.

Formats are told apart by their first bytes, not their extension: Parquet (PAR1), a spreadsheet
(.xlsx/.xls/.ods via python-calamine), else delimited text. Text is read by DuckDB with every
column as VARCHAR; the delimiter, encoding and header row are decided here from a sample, because
DuckDB's sniffer gives up on files whose rows have uneven field counts. Rows whose field count
differs from the header's are kept and marked (`__bad`), never dropped. `__row` counts data rows
from 1, after the header (blank lines are not rows). Parquet keeps its column types.
"""

from __future__ import annotations

import codecs
import csv
import datetime as dt
import hashlib
import io
import os
import re
import tempfile
import threading
from dataclasses import dataclass, field
from decimal import Decimal
from pathlib import Path

import duckdb

from ..db import quote_ident, quote_literal
from ..errors import DataError, UsageError, first_line
from .layouts import all_known_names, norm
from .model import FileInfo

DELIMITERS = (",", ";", "\t", "|")
SAMPLE_BYTES = 256 * 1024
ENCODING_SAMPLE_BYTES = 4 * SAMPLE_BYTES
HEADER_SEARCH_ROWS = 30
MAX_LINE_BYTES = 64 * 1024 * 1024  # descriptions of 100 KB and more must load
DUCKDB_ENCODINGS = {"utf-8": "utf-8", "utf-16": "utf-16", "latin-1": "latin-1"}
EXTENSION_FORMATS = {".parquet": "parquet", ".pq": "parquet", ".xlsx": "xlsx", ".xlsm": "xlsx", ".xls": "xlsx",
                     ".ods": "xlsx", ".csv": "csv", ".tsv": "csv", ".txt": "csv", ".psv": "csv"}
FORMAT_NAMES = {"parquet": "a Parquet file", "xlsx": "a spreadsheet", "csv": "delimited text"}
LATIN1_FALLBACK = "utf-8, stray bytes as latin-1"  # a UTF-8 file with a few Latin-1 bytes
_NULL_SENTINEL = "\x01jecheck-missing\x01"  # marks fields a short row lacks, unlike empty fields
_UTF8_MULTIBYTE = re.compile(rb"[\xc2-\xdf][\x80-\xbf]|[\xe0-\xef][\x80-\xbf]{2}|[\xf0-\xf4][\x80-\xbf]{3}")


@dataclass
class SniffedFile:
    """What a cheap look at a file tells: format, encoding, delimiter and column names."""

    info: FileInfo
    columns: list[str]
    skip_lines: int = 0  # text: physical lines up to and including the header
    transcode_from: str | None = None  # text: Python codec to convert with before DuckDB reads it
    sheet_index: int | None = None
    header_index: int = 0  # spreadsheet: 0-based row of the header
    utf8_unchecked: bool = False  # text: read as UTF-8 from its first MB; DuckDB checks the rest
    warnings: list[str] = field(default_factory=list)
    digest: FileDigest | None = None  # the file's SHA-256, being computed; see `finish_digest`


@dataclass
class RawTable:
    """A file loaded as raw columns c0..cN (+ __row; + __bad and __bad_kind for structurally broken rows)."""

    relation: str  # table or view name
    columns: list[str]
    types: list[str]  # DuckDB type of each c_i
    info: FileInfo
    has_bad_column: bool = False
    warnings: list[str] = field(default_factory=list)  # found while reading (bytes not UTF-8 past the sample)


def sniff(path: str, *, role: str = "ledger", delimiter: str | None = None, encoding: str | None = None,
          sheet: str | None = None, hash_file: bool = True) -> SniffedFile:
    """Identify a file's format, encoding, delimiter and header without loading it; with `hash_file`,
    start computing its SHA-256 in the background (`finish_digest` records it)."""
    file = Path(path)
    if not file.exists():
        raise UsageError(f"{path}: no such file; check the path")
    if file.is_dir():
        raise UsageError(f"{path} is a folder; give the ledger file itself")
    size = file.stat().st_size
    if size == 0:
        raise DataError(f"{file.name} is empty (0 bytes); export the ledger again")
    with open(file, "rb") as handle:
        head = handle.read(8)
    info = FileInfo(path=str(file), name=file.name, size_bytes=size, sha256=None, format="csv", role=role)
    if head.startswith(b"PAR1"):
        info.format = "parquet"
        sniffed = _sniff_parquet(file, info)
    elif head.startswith(b"PK\x03\x04") or head.startswith(b"\xd0\xcf\x11\xe0"):
        info.format = "xlsx"
        sniffed = _sniff_spreadsheet(file, info, sheet)
    else:
        sniffed = _sniff_text(file, info, delimiter, encoding)
    if hash_file:
        sniffed.digest = FileDigest(file)
    expected = EXTENSION_FORMATS.get(file.suffix.lower())
    if expected and expected != info.format:
        sniffed.warnings.append(f"{file.name} is really {FORMAT_NAMES[info.format]}, not what its extension "
                                f"says; read it as {FORMAT_NAMES[info.format]}")
    return sniffed


def read(con: duckdb.DuckDBPyConnection, sniffed: SniffedFile, relation: str) -> RawTable:
    """Load a sniffed file into `relation` (a table, or a view over Parquet) and count its rows."""
    info = sniffed.info
    if info.format == "parquet":
        raw = _read_parquet(con, sniffed, relation)
    elif info.format == "xlsx":
        raw = _read_spreadsheet(con, sniffed, relation)
    else:
        raw = _read_text(con, sniffed, relation)
    info.rows_read = con.execute(f"SELECT count(*) FROM {quote_ident(relation)}").fetchone()[0]
    return raw


# --- column names -------------------------------------------------------------------------------

def clean_header(cells: list[object]) -> list[str]:
    """Column names as a user would type them: trimmed; blanks become column_<n>; repeats get _2, _3."""
    names: list[str] = []
    seen: dict[str, int] = {}
    for position, cell in enumerate(cells, start=1):
        name = re.sub(r"[\x00-\x1f]", " ", _cell_text(cell) or "").strip(" \u00a0\ufeff")
        name = name or f"column_{position}"
        key = name.lower()
        if key in seen:
            seen[key] += 1
            name = f"{name}_{seen[key]}"
        else:
            seen[key] = 1
        names.append(name)
    return names


def find_header(rows: list[list[object]]) -> int:
    """Index of the header among the first rows: the row naming the most known columns, else the
    first row filled at least half as wide as the widest row (title rows above it are skipped)."""
    known = all_known_names()
    best, best_hits = 0, 1
    for index, row in enumerate(rows[:HEADER_SEARCH_ROWS]):
        hits = sum(1 for cell in row if isinstance(cell, str) and norm(cell) in known)
        if hits > best_hits:
            best, best_hits = index, hits
    if best_hits > 1:
        return best
    filled = [sum(1 for cell in row if _cell_text(cell)) for row in rows[:HEADER_SEARCH_ROWS]]
    widest = max(filled, default=0)
    return next((i for i, n in enumerate(filled) if n >= max(2, widest / 2)), 0)


# --- text ---------------------------------------------------------------------------------------

def _sniff_text(file: Path, info: FileInfo, delimiter: str | None, encoding: str | None) -> SniffedFile:
    with open(file, "rb") as handle:
        encoding_sample = handle.read(ENCODING_SAMPLE_BYTES)
    encoding_name, transcode_from, warnings, unchecked = _detect_encoding(file, encoding, encoding_sample)
    sample_bytes = encoding_sample[:SAMPLE_BYTES]
    python_codec = {"utf-8": "utf-8-sig", "utf-16": "utf-16", "latin-1": "latin-1"}[encoding_name]
    if transcode_from and transcode_from != LATIN1_FALLBACK:
        python_codec = transcode_from
    sample = sample_bytes.decode(python_codec, errors="replace")
    if len(sample_bytes) == SAMPLE_BYTES and "\n" in sample:
        sample = sample[: sample.rindex("\n") + 1]  # drop the partial last line
    controls = sum(1 for ch in sample[:4096] if ch < " " and ch not in "\t\r\n")
    if controls > len(sample[:4096]) / 10:
        raise DataError(f"{file.name} is neither delimited text, Parquet nor an Excel workbook "
                        "(it holds binary data); export the ledger as CSV, Parquet or .xlsx")
    if delimiter is not None:
        delimiter = {"tab": "\t", "\\t": "\t", "pipe": "|", "comma": ",", "semicolon": ";"}.get(delimiter, delimiter)
        if len(delimiter) != 1:
            raise UsageError(f"--delimiter {delimiter!r} must be one character (or tab, pipe, comma, semicolon)")
    chosen, rows, header_index, skip_lines = _choose_dialect(sample, delimiter)
    if not rows:
        raise DataError(f"{file.name} holds no text rows; export the ledger again")
    info.delimiter = chosen
    info.encoding = encoding_name if not transcode_from else transcode_from
    info.header_row = skip_lines
    return SniffedFile(info=info, columns=clean_header(rows[header_index]), skip_lines=skip_lines,
                       transcode_from=transcode_from, utf8_unchecked=unchecked, warnings=warnings)


def _choose_dialect(sample: str, delimiter: str | None) -> tuple[str, list[list[str]], int, int]:
    """Pick the delimiter whose rows agree best with the header's width."""
    best: tuple | None = None
    for candidate in (delimiter,) if delimiter else DELIMITERS:
        reader = csv.reader(io.StringIO(sample), delimiter=candidate, quotechar='"')
        rows: list[list[str]] = []
        line_after: list[int] = []
        try:
            for row in reader:
                if row:
                    rows.append(row)
                    line_after.append(reader.line_num)
                if len(rows) >= 200:
                    break
        except csv.Error:
            continue
        if not rows:
            continue
        header_index = find_header(rows)
        width = len(rows[header_index])
        body = rows[header_index + 1:]
        agreement = sum(1 for row in body if len(row) == width) / len(body) if body else 1.0
        score = (width > 1, agreement, width)
        if best is None or score > best[0]:
            best = (score, candidate, rows, header_index, line_after[header_index])
    if best is None:
        return delimiter or ",", [], 0, 0
    _, chosen, rows, header_index, skip_lines = best
    return chosen, rows, header_index, skip_lines


def _detect_encoding(file: Path, given: str | None, sample: bytes) -> tuple[str, str | None, list[str], bool]:
    """(DuckDB encoding, Python codec to transcode with or None, warnings, whether only the sample was
    checked). A file whose first MB is valid UTF-8 is read as UTF-8 and DuckDB checks the rest as it
    reads (see `_read_text`): no pass over the whole file in Python."""
    if given:
        try:
            codec = codecs.lookup(given).name
        except LookupError as exc:
            raise UsageError(f"--encoding {given!r} is not an encoding Python knows; try utf-8, latin-1 or "
                             "cp1252") from exc
        duck = {"utf-8": "utf-8", "utf-8-sig": "utf-8", "utf-16": "utf-16", "utf-16-le": "utf-16",
                "utf-16-be": "utf-16", "latin-1": "latin-1", "iso8859-1": "latin-1"}.get(codec)
        return (duck, None, [], False) if duck else ("utf-8", codec, [], False)
    if sample.startswith((b"\xff\xfe", b"\xfe\xff")):
        return "utf-16", None, [], False
    try:
        codecs.getincrementaldecoder("utf-8")().decode(sample)  # not final: the sample may end mid-character
    except UnicodeDecodeError:
        return (*_whole_file_encoding(file), False)
    return "utf-8", None, [], len(sample) == ENCODING_SAMPLE_BYTES


def _whole_file_encoding(file: Path) -> tuple[str, str | None, list[str]]:
    """(DuckDB encoding, Python codec or None, warnings) from the whole file: UTF-8 if it all is;
    else Latin-1 when it holds no UTF-8 multibyte sequence, else UTF-8 with stray Latin-1 bytes."""
    decoder = codecs.getincrementaldecoder("utf-8")()
    valid_utf8, has_multibyte = True, False
    with open(file, "rb") as handle:
        while (valid_utf8 or not has_multibyte) and (chunk := handle.read(16 * 1024 * 1024)):
            if valid_utf8:
                try:
                    decoder.decode(chunk)
                except UnicodeDecodeError:
                    valid_utf8 = False
            has_multibyte = has_multibyte or bool(_UTF8_MULTIBYTE.search(chunk))
    if valid_utf8:
        return "utf-8", None, []
    if not has_multibyte:
        return "latin-1", None, []
    return "utf-8", LATIN1_FALLBACK, [
        f"{file.name} is UTF-8 but some bytes are not valid UTF-8; they were read as Latin-1 characters "
        "(pass --encoding to read the whole file another way)"]


def _latin1_fallback(error: UnicodeDecodeError) -> tuple[str, int]:
    """Decode a byte that is not valid UTF-8 as the Latin-1 character it most likely is."""
    bad = error.object[error.start:error.end]
    return bad.decode("latin-1"), error.end


codecs.register_error("jecheck-latin1", _latin1_fallback)


def _transcode(file: Path, codec: str) -> str:
    """Write a UTF-8 copy of `file` (decoded with `codec`) to a temporary file; returns its path."""
    python_codec, errors = ("utf-8", "jecheck-latin1") if codec == LATIN1_FALLBACK else (codec, "strict")
    decoder = codecs.getincrementaldecoder(python_codec)(errors=errors)
    handle, target = tempfile.mkstemp(prefix="jecheck_", suffix=".csv")
    try:
        with os.fdopen(handle, "wb") as out, open(file, "rb") as source:
            while chunk := source.read(16 * 1024 * 1024):
                out.write(decoder.decode(chunk).encode("utf-8"))
            out.write(decoder.decode(b"", final=True).encode("utf-8"))
    except UnicodeDecodeError as exc:
        os.unlink(target)
        raise DataError(f"{file.name} is not valid {codec} text (byte {exc.start}); "
                        "pass the file's real --encoding") from exc
    return target


def _read_text(con: duckdb.DuckDBPyConnection, sniffed: SniffedFile, relation: str) -> RawTable:
    try:
        return _read_text_as_sniffed(con, sniffed, relation)
    except DataError as exc:
        if not (sniffed.utf8_unchecked and "invalid unicode" in str(exc.__cause__).lower()):
            raise
    # Past its first MB the file holds bytes that are not UTF-8: decide from the whole file, read again.
    encoding, transcode_from, warnings = _whole_file_encoding(Path(sniffed.info.path))
    sniffed.utf8_unchecked = False
    sniffed.transcode_from = transcode_from
    sniffed.info.encoding = transcode_from or encoding
    raw = _read_text_as_sniffed(con, sniffed, relation)
    raw.warnings += warnings
    return raw


def _read_text_as_sniffed(con: duckdb.DuckDBPyConnection, sniffed: SniffedFile, relation: str) -> RawTable:
    info = sniffed.info
    width = len(sniffed.columns)
    path = str(info.path)
    encoding = DUCKDB_ENCODINGS.get(info.encoding or "utf-8", "utf-8")
    temporary = None
    if sniffed.transcode_from:
        temporary = path = _transcode(Path(info.path), sniffed.transcode_from)
        encoding = "utf-8"
    common = (f"delim={quote_literal(info.delimiter or ',')}, quote='\"', escape='\"', header=false, "
              f"auto_detect=false, skip={sniffed.skip_lines}, encoding={quote_literal(encoding)}, "
              f"max_line_size={MAX_LINE_BYTES}")
    table = quote_ident(relation + "_data")  # TEMP: scratch kept in memory, never compressed into a database file
    # Row numbers are the table's rowids: file order must be kept even if the caller turned it off.
    keep_order = con.execute("SELECT current_setting('preserve_insertion_order')").fetchone()[0]
    con.execute("SET preserve_insertion_order = true")
    try:
        has_bad = False
        try:  # fast, parallel read: succeeds when every row has the header's field count
            con.execute(f"CREATE OR REPLACE TEMP TABLE {table} AS SELECT * FROM read_csv({quote_literal(path)}, "
                        f"{common}, columns={_varchar_columns(width)})")
        except duckdb.Error:
            # Some rows are malformed: re-read serially with two spare columns, so that a short row
            # shows as a missing field (NULL; empty fields read as '') and a long row fills the spares.
            try:
                con.execute(
                    f"CREATE OR REPLACE TEMP TABLE {table} AS SELECT * FROM read_csv({quote_literal(path)}, {common}, "
                    f"columns={_varchar_columns(width + 2)}, null_padding=true, parallel=false, "
                    f"strict_mode=false, nullstr={quote_literal(_NULL_SENTINEL)})")
            except duckdb.Error as exc:
                raise DataError(f"{info.name} cannot be read as {_delimiter_name(info.delimiter)}-delimited text "
                                f"({error_detail(exc)}); check --delimiter and --encoding") from exc
            has_bad = True
    finally:
        con.execute(f"SET preserve_insertion_order = {'true' if keep_order else 'false'}")
        if temporary:
            os.unlink(temporary)
    columns = ", ".join(f"c{i}" for i in range(width))
    if has_bad:
        # One empty extra field is a trailing delimiter, and trailing unnamed header columns may be absent.
        named = [i for i, name in enumerate(sniffed.columns) if not re.fullmatch(r"column_\d+", name)]
        last = f"c{named[-1] if named else width - 1}"
        too_many = f"(c{width + 1} IS NOT NULL OR c{width} <> '')"
        bad = (f"CASE WHEN {too_many} THEN 'row: more than {width} fields where the header has {width} "
               f"(a value holding the delimiter?)' WHEN {last} IS NULL THEN 'row: fewer than {width} fields where "
               f"the header has {width}' END")
        con.execute(f"CREATE OR REPLACE TEMP VIEW {quote_ident(relation)} AS SELECT rowid + 1 AS __row, {columns}, "
                    f"{bad} AS __bad, CASE WHEN {too_many} OR {last} IS NULL THEN "
                    f"'row: wrong number of fields' END AS __bad_kind FROM {table}")
    else:
        con.execute(f"CREATE OR REPLACE TEMP VIEW {quote_ident(relation)} AS SELECT rowid + 1 AS __row, {columns} "
                    f"FROM {table}")
    return RawTable(relation, sniffed.columns, ["VARCHAR"] * width, info, has_bad_column=has_bad)


def _varchar_columns(width: int) -> str:
    return "{" + ", ".join(f"'c{i}': 'VARCHAR'" for i in range(width)) + "}"


def _delimiter_name(delimiter: str | None) -> str:
    return {",": "comma", ";": "semicolon", "\t": "tab", "|": "pipe"}.get(delimiter or ",", repr(delimiter))


def error_detail(exc: Exception) -> str:
    """A DuckDB error's first line, cut to a length that fits in a one-sentence message about a file."""
    return first_line(exc)[:200]


# --- Parquet ------------------------------------------------------------------------------------

def _footer_connection() -> duckdb.DuckDBPyConnection:
    """A throwaway connection for reading Parquet footers; it never installs or loads an extension."""
    return duckdb.connect(config={"autoinstall_known_extensions": False, "autoload_known_extensions": False})


def parquet_shape(path: str) -> tuple[int, int]:
    """(rows, top-level columns) of a Parquet file, from its footer alone."""
    with _footer_connection() as con:
        rows = con.execute("SELECT sum(num_rows) FROM parquet_file_metadata(?)", [path]).fetchall()[0][0]
        schema = con.execute("SELECT name, num_children FROM parquet_schema(?)", [path]).fetchall()
    return int(rows or 0), len(_top_level_names(schema))


def _sniff_parquet(file: Path, info: FileInfo) -> SniffedFile:
    try:
        with _footer_connection() as con:
            schema = con.execute("SELECT name, num_children FROM parquet_schema(?)", [str(file)]).fetchall()
    except duckdb.Error as exc:
        raise DataError(f"{file.name} is not a readable Parquet file ({error_detail(exc)}); "
                        "it may be truncated: export it again") from exc
    return SniffedFile(info=info, columns=clean_header(_top_level_names(schema)))


def _top_level_names(schema: list[tuple[str, int | None]]) -> list[str]:
    """Column names from Parquet's flattened schema (root first, then each column's subtree depth-first)."""
    names, position = [], 1

    def after_subtree(i: int) -> int:
        end = i + 1
        for _ in range(schema[i][1] or 0):
            end = after_subtree(end)
        return end

    while position < len(schema):
        names.append(schema[position][0])
        position = after_subtree(position)
    return names


def _read_parquet(con: duckdb.DuckDBPyConnection, sniffed: SniffedFile, relation: str) -> RawTable:
    info = sniffed.info
    source = f"read_parquet({quote_literal(info.path)}, file_row_number=true)"
    try:
        described = con.execute(f"DESCRIBE SELECT * FROM {source}").fetchall()
        names = [row[0] for row in described if row[0] != "file_row_number"]
        types = [row[1] for row in described if row[0] != "file_row_number"]
        columns = ", ".join(f"{quote_ident(name)} AS c{i}" for i, name in enumerate(names))
        con.execute(f"CREATE OR REPLACE VIEW {quote_ident(relation)} AS "
                    f"SELECT file_row_number + 1 AS __row, {columns} FROM {source}")
        con.execute(f"SELECT count(*) FROM {quote_ident(relation)}").fetchone()
    except duckdb.Error as exc:
        raise DataError(f"{info.name} is not a readable Parquet file ({error_detail(exc)}); "
                        "it may be truncated: export it again") from exc
    return RawTable(relation, sniffed.columns, types, info)


# --- spreadsheets -------------------------------------------------------------------------------

def _open_workbook(file: Path):
    import python_calamine

    try:
        return python_calamine.CalamineWorkbook.from_path(str(file))
    except Exception as exc:  # calamine raises its own error types for zip/xml damage
        raise DataError(f"{file.name} is not a readable Excel workbook ({error_detail(exc)}); "
                        "it may be truncated: save it again or export CSV") from exc


def _choose_sheet(workbook, file: Path, sheet: str | None) -> int:
    names = list(workbook.sheet_names)
    if sheet is None:
        return 0
    if sheet in names:
        return names.index(sheet)
    if sheet.isdigit() and 1 <= int(sheet) <= len(names):
        return int(sheet) - 1
    raise UsageError(f"{file.name} has no sheet {sheet!r}; its sheets are {', '.join(names)} "
                     "(give --sheet a name or a 1-based number)")


def _sniff_spreadsheet(file: Path, info: FileInfo, sheet: str | None) -> SniffedFile:
    workbook = _open_workbook(file)
    index = _choose_sheet(workbook, file, sheet)
    try:
        rows = workbook.get_sheet_by_index(index).to_python(skip_empty_area=False, nrows=HEADER_SEARCH_ROWS + 1)
    except Exception as exc:
        raise DataError(f"{file.name}: sheet {index + 1} cannot be read ({error_detail(exc)}); "
                        "save the workbook again or export CSV") from exc
    rows = [row for row in rows]
    if not any(_cell_text(cell) for row in rows for cell in row):
        raise DataError(f"{file.name}: sheet {workbook.sheet_names[index]!r} is empty; "
                        "choose the sheet holding the ledger with --sheet")
    header_index = find_header(rows)
    info.sheet = workbook.sheet_names[index]
    info.header_row = header_index + 1
    warnings = []
    if sheet is None and len(workbook.sheet_names) > 1:
        warnings.append(f"{file.name} has {len(workbook.sheet_names)} sheets; read the first, "
                        f"{info.sheet!r} (choose another with --sheet)")
    return SniffedFile(info=info, columns=clean_header(rows[header_index]), sheet_index=index,
                       header_index=header_index, warnings=warnings)


def _read_spreadsheet(con: duckdb.DuckDBPyConnection, sniffed: SniffedFile, relation: str) -> RawTable:
    import pyarrow as pa

    info = sniffed.info
    workbook = _open_workbook(Path(info.path))
    rows = workbook.get_sheet_by_index(sniffed.sheet_index or 0).to_python(skip_empty_area=False)
    body = [row for row in rows[sniffed.header_index + 1:] if any(cell not in ("", None) for cell in row)]
    width = len(sniffed.columns)
    # A spreadsheet cannot hold more than ~1M rows; converting its cells in Python is bounded.
    cells = list(zip(*body)) if body else [()] * width
    arrays = {"__row": pa.array(range(1, len(body) + 1), type=pa.int64())}
    for i in range(width):
        column = cells[i] if i < len(cells) else ()
        arrays[f"c{i}"] = pa.array([_cell_text(v) for v in column], type=pa.string())
    name = f"_arrow_{relation}"
    con.register(name, pa.table(arrays))
    try:
        con.execute(f"CREATE OR REPLACE TEMP TABLE {quote_ident(relation)} AS SELECT * FROM {quote_ident(name)}")
    finally:
        con.unregister(name)
    return RawTable(relation, sniffed.columns, ["VARCHAR"] * width, info)


def _cell_text(value: object) -> str | None:
    """A spreadsheet cell as the text a CSV export would hold (numbers exact, dates ISO)."""
    if value is None or value == "":
        return None
    if isinstance(value, str):
        return value
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, float):
        if value.is_integer() and abs(value) < 1e15:
            return str(int(value))
        return format(Decimal(repr(value)), "f")
    if isinstance(value, dt.datetime):
        return value.isoformat(sep=" ")
    if isinstance(value, (dt.date, dt.time)):
        return value.isoformat()
    if isinstance(value, dt.timedelta):
        seconds = int(value.total_seconds())
        return f"{seconds // 3600:02d}:{seconds % 3600 // 60:02d}:{seconds % 60:02d}"
    return str(value)


# --- hashing ------------------------------------------------------------------------------------

class FileDigest:
    """A file's SHA-256, computed on a background thread while DuckDB reads the file (hashlib lets go
    of the GIL); a daemon thread, so that Ctrl-C or an error never waits for it."""

    def __init__(self, file: Path) -> None:
        self._file = file
        self._value: str | None = None
        self._error: OSError | None = None
        self._thread = threading.Thread(target=self._run, name="jecheck-sha256", daemon=True)
        self._thread.start()

    def _run(self) -> None:
        try:
            self._value = _sha256(self._file)
        except OSError as exc:
            self._error = exc

    def result(self) -> str:
        """The hex digest, once the thread is done."""
        self._thread.join()
        if self._error is not None:
            raise DataError(f"{self._file.name} could not be read to hash it ({self._error.strerror}); "
                            "check that the file is still there and readable")
        assert self._value is not None
        return self._value


def finish_digest(sniffed: SniffedFile) -> None:
    """Wait for the file's SHA-256 (if one is being computed) and record it in its FileInfo."""
    if sniffed.digest is not None:
        sniffed.info.sha256 = sniffed.digest.result()
        sniffed.digest = None


def _sha256(file: Path) -> str:
    digest = hashlib.sha256()
    with open(file, "rb") as handle:
        while chunk := handle.read(16 * 1024 * 1024):
            digest.update(chunk)
    return digest.hexdigest()

