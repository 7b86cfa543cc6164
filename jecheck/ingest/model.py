"""What ingest is asked to do (LoadOptions) and what it tells the rest of jecheck (IngestReport, MappingPlan)."""

from __future__ import annotations

from dataclasses import asdict, dataclass, field


@dataclass
class LoadOptions:
    """How to read a ledger and its context files. Every field but `paths` is optional."""

    paths: tuple[str, ...]  # 1 ledger file, or 2 for a SAP BKPF + BSEG pair
    map_file: str | None = None
    delimiter: str | None = None  # None = detect
    encoding: str | None = None  # None = detect (utf-8, utf-8-sig, utf-16, latin-1)
    decimal_comma: bool | None = None  # None = detect from the data
    date_format: str | None = None  # strftime pattern or DMY/MDY/YMD; None = decide from the data
    sheet: str | None = None  # Excel sheet name or 1-based index
    coa: str | None = None
    users: str | None = None
    calendar: str | None = None
    source_listing: str | None = None
    tb: str | None = None
    control_totals: str | None = None
    rejects_file: str | None = None  # write the rejects table here (CSV) after loading

    def context_files(self) -> dict[str, str]:
        """Context name (as in schema.CONTEXT_TABLES) -> path, for the context files given."""
        given = {
            "coa": self.coa,
            "users": self.users,
            "calendar": self.calendar,
            "sources": self.source_listing,
            "tb": self.tb,
            "control_totals": self.control_totals,
        }
        return {name: path for name, path in given.items() if path}


@dataclass
class FileInfo:
    """One input file as it was read."""

    path: str
    name: str
    size_bytes: int
    sha256: str | None
    format: str  # csv | parquet | xlsx
    layout: str | None = None
    role: str = "ledger"  # ledger | bkpf | bseg | coa | users | calendar | sources | tb | control_totals
    rows_read: int = 0
    delimiter: str | None = None
    encoding: str | None = None
    sheet: str | None = None
    header_row: int | None = None  # 1-based line (text) or row (sheet) of the column names


@dataclass
class ContextInfo:
    """One context file's outcome."""

    path: str
    layout: str
    mapping: dict[str, str]
    unmapped_columns: list[str]
    rows_read: int
    rows_loaded: int
    rows_rejected: int


@dataclass
class MappingPlan:
    """The columns a ledger has, which layout they match and how each canonical column is filled."""

    files: list[FileInfo]
    columns: list[str]  # source column names (for a SAP pair: BSEG's, then BKPF's)
    layout: str
    layout_title: str
    mapping: dict[str, str]  # canonical column -> source column(s) / rule, in words
    sources: dict[str, list[str]]  # canonical or helper target -> source columns used
    unmapped_columns: list[str]
    missing: list[str]  # required canonical columns nothing maps to
    candidates: dict[str, list[str]]  # missing column -> source columns that might hold it
    warnings: list[str]
    mapping_file_text: str  # a ready-to-edit mapping file (TOML)


@dataclass
class IngestReport:
    """Everything ingest did, for the terminal summary, the profile and the workpaper's provenance."""

    files: list[FileInfo] = field(default_factory=list)
    layout: str = ""
    mapping: dict[str, str] = field(default_factory=dict)
    unmapped_columns: list[str] = field(default_factory=list)
    rows_read: int = 0
    rows_loaded: int = 0
    rows_rejected: int = 0
    rows_skipped: dict[str, int] = field(default_factory=dict)  # layout rows that are not data (totals...)
    reject_reasons: dict[str, int] = field(default_factory=dict)
    placeholder_dates: dict[str, int] = field(default_factory=dict)
    out_of_range_dates: dict[str, int] = field(default_factory=dict)
    headers_without_lines: int = 0
    lines_without_headers: int = 0
    warnings: list[str] = field(default_factory=list)
    date_formats: dict[str, str] = field(default_factory=dict)
    decimal_comma: bool = False
    context: dict[str, ContextInfo] = field(default_factory=dict)

    def check_counts(self) -> None:
        """The invariant every load keeps: nothing read is lost (checked even under `python -O`)."""
        if self.rows_read != self.rows_loaded + self.rows_rejected:
            raise RuntimeError(f"jecheck lost rows while loading (a bug; please report it): read {self.rows_read:,} "
                               f"!= loaded {self.rows_loaded:,} + rejected {self.rows_rejected:,}")

    def summary(self) -> str:
        """One line for the terminal: `read 28,160 = loaded 28,160 + rejected 0`."""
        text = f"read {self.rows_read:,} = loaded {self.rows_loaded:,} + rejected {self.rows_rejected:,}"
        skipped = sum(self.rows_skipped.values())
        if skipped:
            text += f" ({skipped:,} heading/total rows that are not lines were skipped)"
        return text

    def to_dict(self) -> dict:
        """A JSON-ready copy."""
        return asdict(self)
