"""`jecheck rules lint`: validate whole packs, reporting every problem rather than stopping at the first."""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from pathlib import Path

from ..errors import RuleError
from ..schema import REQUIRED_COLUMNS
from .loader import load_each
from .model import Rule
from .yamlfile import display_path

LOCATED = re.compile(r"^(?P<location>.+?:\d+): (?P<message>.*)$", re.S)


@dataclass(frozen=True)
class LintIssue:
    location: str  # file:line
    level: str  # error | warning
    message: str


@dataclass
class LintReport:
    files: int = 0
    issues: list[LintIssue] = field(default_factory=list)

    @property
    def errors(self) -> int:
        return sum(i.level == "error" for i in self.issues)

    @property
    def warnings(self) -> int:
        return sum(i.level == "warning" for i in self.issues)

    def add_error(self, error: RuleError) -> None:
        match = LOCATED.match(str(error))
        location, message = (match["location"], match["message"]) if match else ("", str(error))
        self.issues.append(LintIssue(location, "error", message))


def lint_paths(paths: list[Path]) -> LintReport:
    """Lint the rule files under each path (a pack folder, a folder inside one, or a rule file)."""
    report = LintReport()
    rules, errors = load_each(paths)
    report.files = len(rules) + len(errors)
    for error in errors:
        report.add_error(error)
    for rule in rules:
        report.issues.extend(rule_warnings(rule))
    return report


def rule_warnings(rule: Rule) -> list[LintIssue]:
    """What a valid rule still lacks: a NULL case per nullable required column, references, false positives."""
    where = f"{display_path(rule.path)}:{rule.tests[0].line if rule.tests else 1}"
    warnings = []
    for column in rule.requires_columns:
        if column in REQUIRED_COLUMNS:
            continue
        if not any(_has_null_case(rows, column) for rows in (c.given.get("lines", []) for c in rule.tests)):
            warnings.append(LintIssue(where, "warning", f"no test case has a line with {column} NULL beside lines "
                                                        f"that have it (the rule reads a nullable column)"))
    if rule.pack.builtin and not rule.references:
        warnings.append(LintIssue(f"{display_path(rule.path)}:1", "warning", "no references (AS 2401, ISA 240 ...)"))
    if rule.pack.builtin and not rule.false_positives:
        warnings.append(LintIssue(f"{display_path(rule.path)}:1", "warning", "no false_positives listed"))
    return warnings


def _has_null_case(rows: list[dict], column: str) -> bool:
    # A case with the column NULL on every row only shows the rule being skipped, not how it treats NULL.
    values = [row.get(column) for row in rows]
    return any(v is None for v in values) and any(v is not None for v in values)
