"""Which source columns fill which canonical column: layout detection, the --map file, and its errors.

Detection scores every layout against the file's column names: one point per target it can fill,
two more per distinctive (signature) column present. The best layout that fills every required
column wins. A mapping file (TOML or YAML) overrides or completes any layout:

    layout = "generic"            # optional: start from this layout
    date_format = "DMY"           # optional: DMY, MDY, YMD or a strftime pattern
    decimal_comma = true          # optional
    manual_codes = ["FB01"]       # optional: is_manual = the is_manual column holds one of these
    [columns]
    journal_id = ["BUKRS", "BELNR", "GJAHR"]   # a list joins columns with '-'
    amount = "Amt"
    dc_indicator = "S/H"
    line_description = ""         # leave unmapped
    [dc_codes]
    debit = ["S"]
    credit = ["H"]
    [context.coa.columns]         # the same, for a context file
    account = "Konto"
"""

from __future__ import annotations

import difflib
import json
import tomllib
from dataclasses import dataclass, field
from pathlib import Path

import yaml

from ..errors import UsageError
from ..schema import CONTEXT_TABLES, LINE_COLUMNS
from .layouts import (
    CONTEXT_LAYOUTS,
    HELPER_KINDS,
    LEDGER_LAYOUTS,
    LEDGER_LAYOUTS_BY_NAME,
    Layout,
    norm,
)

LEDGER_REQUIRED = ("journal_id", "account", "amount", "effective_date")
AMOUNT_GROUPS = (("amount", "debit", "credit"), ("txn_amount", "txn_debit", "txn_credit"))
TARGET_WORDS = {
    "journal_id": "the journal (entry) number",
    "account": "the GL account number",
    "amount": "the amount (or debit and credit columns)",
    "effective_date": "the accounting (posting) date",
}
# Words a column holding a required target tends to contain (besides the aliases themselves).
CANDIDATE_HINTS = {
    "journal_id": ("journal", "entry", "doc", "voucher", "je", "id", "num", "no", "beleg", "belnr"),
    "account": ("acc", "acct", "gl", "konto", "nominal", "ledger"),
    "amount": ("amount", "amt", "debit", "credit", "value", "betrag", "sum", "total", "dr", "cr"),
    "effective_date": ("date", "posting", "dt", "datum", "budat", "buchung", "book", "period"),
}


@dataclass
class MappingFile:
    """A parsed --map file."""

    path: str
    layout: str | None = None
    columns: dict[str, list[str] | None] = field(default_factory=dict)  # None = leave unmapped
    date_format: str | None = None
    decimal_comma: bool | None = None
    dc_codes: tuple[tuple[str, ...], tuple[str, ...]] | None = None
    manual_codes: tuple[str, ...] | None = None
    context: dict[str, dict[str, list[str] | None]] = field(default_factory=dict)


@dataclass
class Resolution:
    """One layout applied to one header: target -> source column names (several = joined)."""

    layout: Layout
    sources: dict[str, tuple[str, ...]]
    missing: list[str]
    score: int

    @property
    def eligible(self) -> bool:
        return not self.missing


def ledger_targets() -> list[str]:
    names = [c.name for c in LINE_COLUMNS if c.name not in ("source_row", "source_file")]
    return names + list(HELPER_KINDS)


def read_mapping_file(path: str) -> MappingFile:
    """Parse a TOML or YAML mapping file; one-sentence UsageError for anything it cannot use."""
    file = Path(path)
    name = file.name
    try:
        text = file.read_text(encoding="utf-8-sig")
    except OSError as exc:
        raise UsageError(f"--map {path}: cannot read it ({exc.strerror}); check the path") from exc
    try:
        if file.suffix.lower() in (".yaml", ".yml"):
            data = yaml.safe_load(text)
        else:
            data = tomllib.loads(text)
    except (tomllib.TOMLDecodeError, yaml.YAMLError) as exc:
        first = str(exc).splitlines()[0]
        raise UsageError(f"{name} is not valid {'YAML' if file.suffix.lower() in ('.yaml', '.yml') else 'TOML'} "
                         f"({first}); fix it or regenerate it with `jecheck map LEDGER --write {name}`") from exc
    if data is None:
        data = {}
    if not isinstance(data, dict):
        raise UsageError(f"{name} must hold keys such as [columns]; regenerate it with `jecheck map LEDGER`")
    allowed = {"layout", "columns", "date_format", "decimal_comma", "dc_codes", "manual_codes", "context"}
    unknown = sorted(set(data) - allowed)
    if unknown:
        raise UsageError(f"{name}: unknown key {unknown[0]!r}; the keys are {', '.join(sorted(allowed))}")
    spec = MappingFile(path=str(path))
    spec.layout = _optional_str(data, "layout", name)
    if spec.layout and spec.layout not in LEDGER_LAYOUTS_BY_NAME:
        raise UsageError(f"{name}: layout {spec.layout!r} is unknown; use one of {', '.join(LEDGER_LAYOUTS_BY_NAME)}")
    spec.date_format = _optional_str(data, "date_format", name)
    if "decimal_comma" in data:
        if not isinstance(data["decimal_comma"], bool):
            raise UsageError(f"{name}: decimal_comma must be true or false")
        spec.decimal_comma = data["decimal_comma"]
    spec.columns = _columns_table(data.get("columns", {}), ledger_targets(), name, "columns")
    if "dc_codes" in data:
        codes = data["dc_codes"]
        if not isinstance(codes, dict) or set(codes) != {"debit", "credit"}:
            raise UsageError(f"{name}: [dc_codes] needs exactly two lists, debit and credit")
        spec.dc_codes = (_str_list(codes["debit"], name, "dc_codes.debit"),
                         _str_list(codes["credit"], name, "dc_codes.credit"))
    if "manual_codes" in data:
        spec.manual_codes = _str_list(data["manual_codes"], name, "manual_codes")
    for context_name, section in (data.get("context") or {}).items():
        if context_name not in CONTEXT_TABLES:
            raise UsageError(f"{name}: [context.{context_name}] is unknown; use one of {', '.join(CONTEXT_TABLES)}")
        targets = [c.name for c in CONTEXT_TABLES[context_name]] + ["entered_time"]
        columns = section.get("columns", {}) if isinstance(section, dict) else None
        spec.context[context_name] = _columns_table(columns, targets, name, f"context.{context_name}.columns")
    return spec


def _optional_str(data: dict, key: str, name: str) -> str | None:
    value = data.get(key)
    if value is not None and not isinstance(value, str):
        raise UsageError(f"{name}: {key} must be a string")
    return value or None


def _str_list(value: object, name: str, key: str) -> tuple[str, ...]:
    if isinstance(value, str):
        value = [value]
    if not isinstance(value, list) or not all(isinstance(v, (str, int)) for v in value):
        raise UsageError(f"{name}: {key} must be a list of strings")
    return tuple(str(v) for v in value)


def _columns_table(table: object, targets: list[str], name: str, key: str) -> dict[str, list[str] | None]:
    if not isinstance(table, dict):
        raise UsageError(f"{name}: [{key}] must map column names to source column names")
    result: dict[str, list[str] | None] = {}
    for target, value in table.items():
        if target not in targets:
            close = difflib.get_close_matches(target, targets, n=1)
            hint = f" (did you mean {close[0]!r}?)" if close else f"; use one of {', '.join(targets)}"
            raise UsageError(f"{name}: [{key}] {target!r} is not a column jecheck knows{hint}")
        if value in ("", None, False, []):
            result[target] = None
        elif isinstance(value, str):
            result[target] = [value]
        elif isinstance(value, list) and all(isinstance(v, str) and v for v in value):
            result[target] = list(value)
        else:
            raise UsageError(f"{name}: [{key}] {target} must be a column name, a list of names, or \"\"")
    return result


# --- resolving a layout against a header --------------------------------------------------------

def resolve(columns: list[str], layout: Layout, overrides: dict[str, list[str] | None],
            required: tuple[str, ...], file_label: str, map_name: str | None) -> Resolution:
    """Apply a layout (then the mapping file's overrides) to the file's columns."""
    by_key: dict[str, str] = {}
    for column in columns:
        by_key.setdefault(norm(column), column)
    sources: dict[str, tuple[str, ...]] = {}
    for target, aliases in layout.columns.items():
        for alias in aliases:
            parts = (alias,) if isinstance(alias, str) else alias
            found = [by_key.get(norm(part)) for part in parts]
            if all(found):
                sources[target] = tuple(found)  # type: ignore[arg-type]
                break
    score = len(sources) + 2 * sum(1 for name in layout.signature if norm(name) in by_key)
    for target, names in overrides.items():
        if names is None:
            sources.pop(target, None)
            continue
        sources[target] = tuple(_find_column(name, columns, by_key, file_label, map_name, target) for name in names)
    for group in AMOUNT_GROUPS:
        _settle_amount_rule(sources, overrides, *group)
    missing = [t for t in required if not _has(sources, t)]
    missing += [t for t in layout.requires if t not in sources and t not in missing]
    return Resolution(layout, sources, missing, score)


def _has(sources: dict[str, tuple[str, ...]], target: str) -> bool:
    if target == "amount":
        return "amount" in sources or ("debit" in sources and "credit" in sources)
    return target in sources


def _settle_amount_rule(sources: dict, overrides: dict, signed: str, debit: str, credit: str) -> None:
    """One amount rule per group: the mapping file's choice wins; else debit/credit before a signed amount."""
    named = {t for t in (signed, debit, credit) if overrides.get(t)}
    if signed in named and not named & {debit, credit}:
        sources.pop(debit, None)
        sources.pop(credit, None)
    elif debit in sources and credit in sources:
        sources.pop(signed, None)
    else:
        sources.pop(debit, None)
        sources.pop(credit, None)


def _find_column(name: str, columns: list[str], by_key: dict[str, str], file_label: str,
                 map_name: str | None, target: str) -> str:
    if name in columns:
        return name
    if norm(name) in by_key:
        return by_key[norm(name)]
    shown = ", ".join(columns[:40]) + (" ..." if len(columns) > 40 else "")
    raise UsageError(f"{map_name or 'the mapping'} maps {target} to column {name!r}, which {file_label} does not "
                     f"have (its columns: {shown}); correct the mapping file")


def choose_layout(columns: list[str], layouts: tuple[Layout, ...], spec: MappingFile | None,
                  required: tuple[str, ...], file_label: str) -> Resolution:
    """The best layout that fills every required column, else the closest one (its `missing` says what lacks)."""
    map_name = Path(spec.path).name if spec else None
    overrides = spec.columns if spec else {}
    if spec and spec.layout:
        layouts = tuple(layout for layout in layouts if layout.name == spec.layout) or layouts
    results = [resolve(columns, layout, overrides, required, file_label, map_name) for layout in layouts]
    eligible = [r for r in results if r.eligible]
    if eligible:
        return max(eligible, key=lambda r: r.score)  # max keeps the first of equal scores: layout order
    return max(results, key=lambda r: r.score - 10 * len(r.missing))


def missing_columns_message(resolution: Resolution, columns: list[str], file_label: str, remedy: str) -> str:
    """One sentence: the missing columns, the candidates for each, and what to do."""
    parts = []
    for target in resolution.missing:
        found = candidate_columns(target, columns)
        words = TARGET_WORDS.get(target, target.replace("_", " "))
        parts.append(f"{target} ({words}; candidates: {', '.join(found) if found else 'none'})")
    return f"{file_label}: no column found for {'; '.join(parts)}; {remedy}"


def candidate_columns(target: str, columns: list[str]) -> list[str]:
    """Source columns that might hold a target: close to any known alias, or containing a telling word."""
    aliases = {norm(a) for lay in (*LEDGER_LAYOUTS, *CONTEXT_LAYOUTS.values())
               for a in _flat_aliases(lay.columns.get(target, ()))}
    if target == "amount":
        for helper in ("debit", "credit", "dc_indicator"):
            aliases |= {norm(a) for lay in LEDGER_LAYOUTS for a in _flat_aliases(lay.columns.get(helper, ()))}
    hints = CANDIDATE_HINTS.get(target, ())
    found = []
    for column in columns:
        key = norm(column)
        if not key:
            continue
        close = any(difflib.SequenceMatcher(None, key, alias).ratio() >= 0.75 for alias in aliases)
        if close or any(hint in key for hint in hints):
            found.append(column)
    return found[:6]


def _flat_aliases(aliases) -> list[str]:
    return [part for alias in aliases for part in ((alias,) if isinstance(alias, str) else alias)]


# --- words and the editable file ----------------------------------------------------------------

def joined(sources: tuple[str, ...], layout: Layout, target: str) -> str:
    separator = layout.join_with.get(target, "-")
    return f" + {separator!r} + ".join(sources) if len(sources) > 1 else sources[0]


def describe(sources: dict[str, tuple[str, ...]], layout: Layout, dc_codes, manual_codes,
             context: str | None = None) -> dict[str, str]:
    """Canonical column -> how it is filled, in words."""
    words: dict[str, str] = {}
    for target, columns in sources.items():
        if target in HELPER_KINDS and not (context and target in {c.name for c in CONTEXT_TABLES[context]}):
            continue
        words[target] = joined(columns, layout, target)
    if context:
        if "entered_time" in sources and "entered_at" in sources:
            words["entered_at"] += " + " + sources["entered_time"][0]
        return words
    for signed, debit, credit in AMOUNT_GROUPS:
        if debit in sources and credit in sources:
            words[signed] = f"{joined(sources[debit], layout, debit)} - {joined(sources[credit], layout, credit)}"
        elif signed in sources and "dc_indicator" in sources:
            words[signed] = (f"{words[signed]} signed by {sources['dc_indicator'][0]} "
                             f"(debit: {', '.join(dc_codes[0])}; credit: {', '.join(dc_codes[1])})")
        elif signed in sources:
            words[signed] += " (signed, debit positive)"
    if "entered_time" in sources:
        words["entered_at"] = words.get("entered_at", "(no date)") + " + " + sources["entered_time"][0]
    if "is_manual" in sources and manual_codes:
        words["is_manual"] += f" is one of {', '.join(manual_codes[:8])}{' ...' if len(manual_codes) > 8 else ''}"
    if "reversal_indicator" in sources and layout.value_maps.get("reversal_indicator"):
        words["reversal_indicator"] += " (SAP numbering turned into ADS: 1 and 2 swapped)"
    flags = [sources[f][0] for f in ("reversing_flag", "reversed_flag") if f in sources]
    if flags and "reversal_indicator" not in sources:
        words["reversal_indicator"] = f"1 when {sources.get('reversing_flag', ('-',))[0]} is set, 2 when " \
                                      f"{sources.get('reversed_flag', ('-',))[0]} is set"
    if layout.rows == "qb_desktop" and "account" in sources:
        words["account"] += " (the account heading rows, carried down to their lines)"
    if layout.rows == "qbo_journal":
        words["journal_id"] = "Transaction Type + Num + Date of each entry's first row (row number when Num is blank)"
    return words


def mapping_file_text(file_label: str, resolution: Resolution, columns: list[str], dc_codes, manual_codes) -> str:
    """A ready-to-edit TOML mapping file reproducing the detected mapping."""
    layout = resolution.layout
    lines = [
        f"# jecheck column mapping for {file_label}",
        f"# Detected layout: {layout.name} ({layout.title}).",
        "# Right-hand sides are the file's column names; a list joins columns with '-'; \"\" leaves a column",
        "# unmapped. Pass this file with --map.",
        f"layout = {_toml(layout.name)}",
        f"# date_format = {_toml(layout.date_order)}   # DMY, MDY, YMD or a strftime pattern like \"%d.%m.%Y\"",
        "# decimal_comma = false",
    ]
    if "is_manual" in resolution.sources and manual_codes:
        lines.append(f"manual_codes = {_toml(list(manual_codes))}")
    lines += ["", "[columns]"]
    for target in resolution.missing:
        found = candidate_columns(target, columns)
        lines.append(f"{target} = \"\"   # REQUIRED, not found; candidates: {', '.join(found) or 'none'}")
    used = set()
    for target in ledger_targets():
        if target in resolution.sources:
            names = resolution.sources[target]
            used.update(names)
            lines.append(f"{target} = {_toml(names[0] if len(names) == 1 else list(names))}")
    canonical = [t for t in ledger_targets() if t not in HELPER_KINDS]
    absent = [t for t in canonical if t not in resolution.sources and t not in resolution.missing]
    if absent:
        lines += ["", "# Not found in the file (fill in when a column holds them):"]
        lines += [f"# {target} = \"\"" for target in absent]
    lines += ["", "# Helpers: debit = \"...\" and credit = \"...\" instead of a signed amount; dc_indicator = \"...\"",
              "# signs an unsigned amount (codes in [dc_codes]); entered_time = \"...\" adds a time column to entered_at."]
    if "dc_indicator" in resolution.sources:
        lines += ["", "[dc_codes]", f"debit = {_toml(list(dc_codes[0]))}", f"credit = {_toml(list(dc_codes[1]))}"]
    unused = [c for c in columns if c not in used]
    if unused:
        lines += ["", "# Columns nothing uses: " + ", ".join(unused)]
    return "\n".join(lines) + "\n"


def _toml(value) -> str:
    """A TOML string or array of strings (JSON string escapes are valid TOML basic strings)."""
    if isinstance(value, (list, tuple)):
        return "[" + ", ".join(_toml(v) for v in value) + "]"
    return json.dumps(str(value), ensure_ascii=False)
