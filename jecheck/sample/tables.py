"""Ledger lines as numpy columns of codes, journals written one by one as specs, and Arrow output.

Generation works on `Lines`: one numpy array per field, text held as codes into append-only
`Vocabulary` objects. Ordinary activity is built as whole arrays; recurring and planted journals
are small hand-built `JournalSpec`s converted with `specs_to_tables`. Only at write time are codes
turned into Arrow dictionary columns with the canonical column names.
"""

from __future__ import annotations

from dataclasses import dataclass, field

import numpy as np
import pyarrow as pa

NULL_DAY = np.iinfo(np.int32).min
# Where a line exists: extract defects are lines the system never had, or lines it has that the extract lost.
BOTH, EXTRACT_ONLY, SYSTEM_ONLY = 0, 1, 2
NULL_TIME = np.iinfo(np.int64).min
NO_CODE = -1

LINE_FIELDS: dict[str, type] = {
    "jkey": np.int64,  # journal key, unique in the ledger; ids are given at write time
    "account": np.int32,
    "amount": np.int64,  # cents, debit positive
    "effective": np.int32,
    "document": np.int32,
    "fiscal_year": np.int32,
    "period": np.int32,
    "entered_at": np.int64,
    "entered_by": np.int32,
    "approved_by": np.int32,
    "approved_at": np.int64,
    "header": np.int32,
    "line_desc": np.int32,
    "source": np.int32,
    "manual": np.bool_,
    "rev_ind": np.int8,  # 0 none, 1 is a reversal, 2 is reversed (ADS numbering)
    "rev_partner": np.int64,  # jkey of the journal this one reverses or is reversed by, or -1
    "presence": np.int8,  # BOTH, or only in the extract, or only in the system (trial balance and log)
    "cost_centre": np.int32,
    "vendor": np.int32,
    "customer": np.int32,
}

JOURNAL_FIELDS: dict[str, type] = {
    "jkey": np.int64,
    "entered_at": np.int64,
    "fiscal_year": np.int32,  # numbers run per fiscal year
    "share_with": np.int64,  # jkey whose journal number this journal reuses, or -1
    "in_log": np.bool_,
    "log_delta": np.int64,  # cents added to the debit total in the control-totals log
}

Lines = dict[str, np.ndarray]
Journals = dict[str, np.ndarray]


class Vocabulary:
    """Append-only list of distinct strings; a value's code is its position."""

    def __init__(self, values: tuple[str, ...] | list[str] = ()) -> None:
        self.values: list[str] = []
        self._codes: dict[str, int] = {}
        for value in values:
            self.code(value)

    def code(self, value: str | None) -> int:
        if value is None:
            return NO_CODE
        found = self._codes.get(value)
        if found is None:
            found = self._codes[value] = len(self.values)
            self.values.append(value)
        return found

    def codes(self, values: list[str | None] | tuple[str, ...]) -> np.ndarray:
        return np.array([self.code(v) for v in values], dtype=np.int32)

    def dictionary_array(self, codes: np.ndarray) -> pa.DictionaryArray:
        indices = pa.array(codes.astype(np.int32), mask=codes < 0)
        return pa.DictionaryArray.from_arrays(indices, pa.array(self.values, pa.string()))


@dataclass
class Vocabularies:
    accounts: Vocabulary
    users: Vocabulary
    sources: Vocabulary
    texts: Vocabulary = field(default_factory=Vocabulary)
    parties: Vocabulary = field(default_factory=Vocabulary)  # customers, vendors and cost centres


@dataclass(frozen=True)
class Label:
    """Why a journal was planted: the rule (or `model_only`) expected to find it."""

    anomaly: str
    category: str
    rule_id: str
    description: str
    account: str | None = None  # for trial-balance differences: the account and period that differ
    period: str | None = None
    on_next_journal: bool = False  # a gap in the numbering is reported on the journal numbered after it


@dataclass
class JournalSpec:
    """One journal written out by hand (recurring and planted entries). Amounts in cents."""

    key: int
    lines: list[tuple[str | None, int, str | None]]  # (account, amount, line description)
    effective: int
    entered_at: int
    source: str
    manual: bool
    entered_by: str | None
    approved_by: str | None
    approved_at: int | None
    header: str | None
    document: int | None = None  # defaults to the effective date
    fiscal_year: int | None = None  # default: from the effective date
    period: int | None = None
    rev_ind: int = 0
    rev_partner: int = -1
    emit: bool = True  # False: the system has the journal, the extract lost it
    system_lines: list[tuple[str | None, int, str | None]] | None = None  # the system's version, if it differs
    share_with: int = -1
    in_log: bool = True
    log_delta: int = 0
    cost_centres: tuple[str | None, ...] = ()  # per line, optional
    vendor: str | None = None
    customer: str | None = None
    null_effective_lines: tuple[int, ...] = ()  # line positions written without an effective date
    labels: list[Label] = field(default_factory=list)


def empty_lines() -> Lines:
    return {name: np.empty(0, dtype=dtype) for name, dtype in LINE_FIELDS.items()}


def empty_journals() -> Journals:
    return {name: np.empty(0, dtype=dtype) for name, dtype in JOURNAL_FIELDS.items()}


def concat(parts: list[dict[str, np.ndarray]]) -> dict[str, np.ndarray]:
    """Concatenate tables field by field (all parts have the same fields)."""
    return {name: np.concatenate([p[name] for p in parts]) for name in parts[0]}


def take(table: dict[str, np.ndarray], index: np.ndarray) -> dict[str, np.ndarray]:
    return {name: column[index] for name, column in table.items()}


def journals_for(jkeys: np.ndarray, entered_at: np.ndarray, fiscal_year: np.ndarray) -> Journals:
    """Journal rows for ordinary journals: numbered normally, in the log as booked."""
    n = len(jkeys)
    return {
        "jkey": jkeys.astype(np.int64),
        "entered_at": entered_at.astype(np.int64),
        "fiscal_year": fiscal_year.astype(np.int32),
        "share_with": np.full(n, -1, dtype=np.int64),
        "in_log": np.ones(n, dtype=np.bool_),
        "log_delta": np.zeros(n, dtype=np.int64),
    }


def specs_to_tables(specs: list[JournalSpec], vocab: Vocabularies, fiscal_of_day) -> tuple[Lines, Journals]:
    """Lines and journal rows for hand-built journals. `fiscal_of_day(days)` gives (year, period)."""
    if not specs:
        return empty_lines(), empty_journals()
    rows: dict[str, list] = {name: [] for name in LINE_FIELDS}
    years = []
    for spec in specs:
        effective = spec.effective
        year, period = (spec.fiscal_year, spec.period)
        if year is None or period is None:
            derived_year, derived_period = fiscal_of_day(np.array([effective]))
            year = derived_year[0] if year is None else year
            period = derived_period[0] if period is None else period
        years.append(year)
        if spec.system_lines is None:
            versions = [(spec.lines, BOTH if spec.emit else SYSTEM_ONLY)]
        else:
            versions = [(spec.lines, EXTRACT_ONLY), (spec.system_lines, SYSTEM_ONLY)]
        for version, presence in versions:
            for position, (account, amount, text) in enumerate(version):
                rows["jkey"].append(spec.key)
                rows["account"].append(vocab.accounts.code(account))
                rows["amount"].append(amount)
                rows["effective"].append(NULL_DAY if position in spec.null_effective_lines else effective)
                rows["document"].append(effective if spec.document is None else spec.document)
                rows["fiscal_year"].append(year)
                rows["period"].append(period)
                rows["entered_at"].append(spec.entered_at)
                rows["entered_by"].append(vocab.users.code(spec.entered_by))
                rows["approved_by"].append(vocab.users.code(spec.approved_by))
                rows["approved_at"].append(NULL_TIME if spec.approved_at is None else spec.approved_at)
                rows["header"].append(vocab.texts.code(spec.header))
                rows["line_desc"].append(vocab.texts.code(text))
                rows["source"].append(vocab.sources.code(spec.source))
                rows["manual"].append(spec.manual)
                rows["rev_ind"].append(spec.rev_ind)
                rows["rev_partner"].append(spec.rev_partner)
                rows["presence"].append(presence)
                centre = spec.cost_centres[position] if position < len(spec.cost_centres) else None
                rows["cost_centre"].append(vocab.parties.code(centre))
                rows["vendor"].append(vocab.parties.code(spec.vendor))
                rows["customer"].append(vocab.parties.code(spec.customer))
    lines = {name: np.array(values, dtype=LINE_FIELDS[name]) for name, values in rows.items()}
    journals = {
        "jkey": np.array([s.key for s in specs], dtype=np.int64),
        "entered_at": np.array([s.entered_at for s in specs], dtype=np.int64),
        "fiscal_year": np.array(years, dtype=np.int32),
        "share_with": np.array([s.share_with for s in specs], dtype=np.int64),
        "in_log": np.array([s.in_log for s in specs], dtype=np.bool_),
        "log_delta": np.array([s.log_delta for s in specs], dtype=np.int64),
    }
    return lines, journals


def decimal_array(cents: np.ndarray, scale: int = 4) -> pa.Array:
    """Exact DECIMAL(38, scale) from integer cents, built from the 128-bit values directly."""
    unscaled = cents.astype(np.int64) * (10 ** (scale - 2))
    words = np.empty((len(unscaled), 2), dtype=np.int64)
    words[:, 0] = unscaled
    words[:, 1] = unscaled >> 63  # sign extension into the high word
    return pa.Array.from_buffers(pa.decimal128(38, scale), len(unscaled), [None, pa.py_buffer(words)])


def nullable(values: np.ndarray, null: int, arrow_type: pa.DataType) -> pa.Array:
    return pa.array(values, mask=values == null).cast(arrow_type) if len(values) else pa.array([], arrow_type)


PERIOD_LABELS = pa.array([str(p) for p in range(1, 14)], pa.string())
REVERSAL_LABELS = pa.array(["1", "2"], pa.string())


def _ids_column(indices: np.ndarray, ids: np.ndarray) -> pa.DictionaryArray:
    """Journal numbers as text, each distinct number formatted once."""
    return pa.DictionaryArray.from_arrays(pa.array(indices.astype(np.int32), mask=indices < 0),
                                          pa.array(ids).cast(pa.string()))


def to_arrow(lines: Lines, journal_index: np.ndarray, journal_ids: np.ndarray, partner_ids: np.ndarray,
             line_no: np.ndarray, vocab: Vocabularies, entity: str, currency: str) -> pa.Table:
    """The canonical ledger columns for lines in output order; line i belongs to journal_ids[journal_index[i]]."""
    n = len(line_no)
    constant = pa.array(np.zeros(n, dtype=np.int32))
    rev = lines["rev_ind"].astype(np.int32) - 1
    linked = partner_ids >= 0
    partners, partner_index = np.unique(partner_ids[linked], return_inverse=True)
    partner_codes = np.full(n, -1, dtype=np.int64)
    partner_codes[linked] = partner_index
    approved = lines["approved_at"]
    return pa.table({
        "journal_id": _ids_column(journal_index, journal_ids),
        "line_no": pa.array(line_no.astype(np.int32)),
        "entity": pa.DictionaryArray.from_arrays(constant, pa.array([entity])),
        "fiscal_year": pa.array(lines["fiscal_year"]),
        "period": pa.DictionaryArray.from_arrays(pa.array(lines["period"] - 1), PERIOD_LABELS),
        "effective_date": nullable(lines["effective"], NULL_DAY, pa.date32()),
        "document_date": nullable(lines["document"], NULL_DAY, pa.date32()),
        "entered_at": pa.array(lines["entered_at"] * 1_000_000).cast(pa.timestamp("us")),
        "entered_by": vocab.users.dictionary_array(lines["entered_by"]),
        "approved_by": vocab.users.dictionary_array(lines["approved_by"]),
        "approved_at": nullable(np.where(approved == NULL_TIME, NULL_TIME, approved * 1_000_000), NULL_TIME,
                                pa.timestamp("us")),
        "header_description": vocab.texts.dictionary_array(lines["header"]),
        "line_description": vocab.texts.dictionary_array(lines["line_desc"]),
        "source": vocab.sources.dictionary_array(lines["source"]),
        "is_manual": pa.array(lines["manual"]),
        "account": vocab.accounts.dictionary_array(lines["account"]),
        "amount": decimal_array(lines["amount"]),
        "currency": pa.DictionaryArray.from_arrays(constant, pa.array([currency])),
        "reversal_indicator": pa.DictionaryArray.from_arrays(pa.array(rev, mask=rev < 0), REVERSAL_LABELS),
        "reversal_journal_id": _ids_column(partner_codes, partners),
        "segment1": vocab.parties.dictionary_array(lines["cost_centre"]),
        "segment4": vocab.parties.dictionary_array(lines["vendor"]),
        "segment5": vocab.parties.dictionary_array(lines["customer"]),
    })
