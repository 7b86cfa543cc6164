"""What a loaded rule pack is made of: packs, rules, parameters and inline test cases."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

CATEGORIES: dict[str, str] = {
    "CUT": "cutoff",
    "APR": "approval",
    "PPA": "prior-period",
    "INT": "integrity and completeness",
    "TIM": "timing",
    "AMT": "amount",
    "USR": "user",
    "ACC": "account",
    "TXT": "text",
    "SRC": "source",
}
SEVERITIES = ("info", "low", "medium", "high")  # ascending: what a reviewer must do
STATUSES = ("experimental", "stable", "deprecated")
# journal: one row per journal; line: also line_no; account: not tied to a journal (journal_id NULL),
# returns `account` instead (e.g. trial-balance differences).
GRAINS = ("journal", "line", "account")
PARAM_TYPES = ("integer", "number", "string", "boolean", "list")

# Tables a rule's SQL may read (besides its own CTEs).
ALLOWED_TABLES = frozenset({
    "lines", "journals", "periods", "accounts", "users", "calendar", "holidays",
    "ctx_coa", "ctx_users", "ctx_calendar", "ctx_sources", "ctx_tb", "ctx_control_totals",
    "completeness_unbalanced", "completeness_duplicate_keys", "completeness_tb", "completeness_control_totals",
})
# Context a rule can require, and the scan option that supplies it (used in skip reasons).
CONTEXT_OPTIONS: dict[str, str] = {
    "coa": "--coa",
    "users": "--users",
    "calendar": "--calendar",
    "sources": "--sources",
    "tb": "--tb",
    "control_totals": "--control-totals",
}
# Tables a test case may give rows for: `lines` and the context tables (loaded as ctx_<name>).
CASE_TABLES = ("lines", *CONTEXT_OPTIONS)


@dataclass(frozen=True)
class Param:
    name: str
    type: str
    default: Any
    description: str
    min: float | None = None
    max: float | None = None
    choices: tuple[str, ...] | None = None

    def problem(self, value: Any) -> str | None:
        """Why `value` is not acceptable for this parameter, or None when it is."""
        kind = {
            "integer": "an integer", "number": "a number", "string": "a string",
            "boolean": "true or false", "list": "a list of strings",
        }[self.type]
        ok = {
            "integer": isinstance(value, int) and not isinstance(value, bool),
            "number": isinstance(value, (int, float)) and not isinstance(value, bool),
            "string": isinstance(value, str),
            "boolean": isinstance(value, bool),
            "list": isinstance(value, list) and all(isinstance(v, str) for v in value),
        }[self.type]
        if not ok:
            return f"must be {kind}, not {value!r}"
        if self.min is not None and value < self.min:
            return f"must be at least {self.min}, not {value!r}"
        if self.max is not None and value > self.max:
            return f"must be at most {self.max}, not {value!r}"
        if self.choices is not None and value not in self.choices:
            return f"must be one of {', '.join(self.choices)}, not {value!r}"
        return None

    def to_dict(self) -> dict:
        spec = {"type": self.type, "default": self.default, "description": self.description}
        for key in ("min", "max", "choices"):
            if getattr(self, key) is not None:
                spec[key] = getattr(self, key)
        return spec


@dataclass(frozen=True)
class TestCase:
    name: str
    given: dict[str, list[dict[str, Any]]]
    flags: tuple[str, ...]
    passes: tuple[str, ...]
    params: dict[str, Any] = field(default_factory=dict)
    options: dict[str, Any] = field(default_factory=dict)  # ViewOptions fields, e.g. country
    line: int = 0  # where the case starts in its file

    __test__ = False  # not a pytest class


@dataclass(frozen=True)
class Pack:
    name: str
    version: str
    description: str
    path: Path
    sha256: str
    builtin: bool
    # The pack's own cases (pack.yaml `tests:`): every rule of the pack runs on each case's ledger; `flags`
    # are journals some rule flags, `passes` journals no rule flags (the pack as a whole is not noisy).
    tests: Sequence[TestCase] = field(default=(), compare=False)

    def to_dict(self) -> dict:
        return {"name": self.name, "version": self.version, "sha256": self.sha256,
                "builtin": self.builtin, "path": str(self.path)}


@dataclass(frozen=True)
class Rule:
    id: str
    slug: str
    title: str
    category: str
    severity: str
    status: str
    grain: str
    version: int
    rationale: str
    references: tuple[str, ...]
    false_positives: tuple[str, ...]
    requires_columns: tuple[str, ...]
    requires_context: tuple[str, ...]
    params: dict[str, Param]
    sql: str
    message: str
    tests: Sequence[TestCase]  # read lazily for a file recorded as validated (see checked_sql.py)
    path: Path
    pack: Pack

    @property
    def key_column(self) -> str:
        """The column that identifies what a finding is about: `account` for account-grain rules."""
        return "account" if self.grain == "account" else "journal_id"

    def matches(self, token: str) -> bool:
        """True when a --select/--ignore token names this rule: its id, category (CUT) or id prefix (ACME)."""
        return token in (self.id, self.category, self.id.rsplit("-", 1)[0])

    @property
    def defaults(self) -> dict[str, Any]:
        return {name: p.default for name, p in self.params.items()}


@dataclass
class RuleSet:
    """Every loaded rule, sorted by id, and the packs they came from."""

    rules: list[Rule]
    packs: list[Pack]

    def __post_init__(self) -> None:
        self.rules.sort(key=lambda r: r.id)
        self._by_id = {r.id: r for r in self.rules}

    def __iter__(self):
        return iter(self.rules)

    def __len__(self) -> int:
        return len(self.rules)

    def get(self, rule_id: str) -> Rule | None:
        return self._by_id.get(rule_id)

    def matching(self, token: str) -> list[Rule]:
        """Rules a --select/--ignore token names: an id, a category (CUT) or a user pack's prefix (ACME)."""
        return [r for r in self.rules if r.matches(token)]
