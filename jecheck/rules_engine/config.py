"""Run configuration: per-rule parameters, severity and enabling (TOML or YAML), --select/--ignore,
and the suppression file of known findings (each with a written justification)."""

from __future__ import annotations

import csv
import os
import tomllib
from dataclasses import dataclass, field
from datetime import date
from pathlib import Path
from typing import Any

from ..errors import RuleError, UsageError
from .model import SEVERITIES, Rule, RuleSet
from .yamlfile import YamlDoc, display_path, load_yaml

RULE_SETTING_KEYS = ("params", "severity", "enabled")
SUPPRESSION_KEYS = ("rule", "journal", "account", "justification", "reviewer", "date")


@dataclass
class RuleSettings:
    """What the config file says about one rule; `where` locates it for error messages."""

    where: str
    params: dict[str, Any] = field(default_factory=dict)
    severity: str | None = None
    enabled: bool | None = None
    param_where: dict[str, str] = field(default_factory=dict)  # parameter -> "file[:line]: rules.ID.params.X"


@dataclass
class Suppression:
    """A known finding: stays in the findings, marked suppressed with its justification."""

    rule_id: str
    journal_id: str | None
    account: str | None  # for account-grain rules (trial-balance differences)
    justification: str
    reviewer: str | None
    date: date | None
    where: str  # file:line of the entry


@dataclass
class RunConfig:
    """Everything that decides which rules run and how, for one scan."""

    source: str | None = None
    rules: dict[str, RuleSettings] = field(default_factory=dict)
    select: list[str] = field(default_factory=list)
    ignore: list[str] = field(default_factory=list)
    suppressions: list[Suppression] = field(default_factory=list)
    stale_suppressions: list[Suppression] = field(default_factory=list)  # filled in by run_rules

    def validate(self, ruleset: RuleSet) -> None:
        """Check every rule id, parameter, severity, selection token and suppression against the rules."""
        for token, option in [(t, "--select") for t in self.select] + [(t, "--ignore") for t in self.ignore]:
            if not ruleset.matching(token):
                raise UsageError(f"{option} {token} matches no rule id or category; `jecheck rules list` shows them")
        for rule_id, settings in self.rules.items():
            rule = ruleset.get(rule_id)
            if rule is None:
                raise RuleError(f"{settings.where}: no rule has id {rule_id}; `jecheck rules list` shows the ids")
            for name, value in settings.params.items():
                where = settings.param_where[name]
                if name not in rule.params:
                    known = ", ".join(rule.params) or "none"
                    raise RuleError(f"{where}: {rule_id} has no parameter {name} (its parameters: {known})")
                problem = rule.params[name].problem(value)
                if problem:
                    raise RuleError(f"{where} {problem}")
        for s in self.suppressions:
            rule = ruleset.get(s.rule_id)
            if rule is None:
                raise RuleError(f"{s.where}: suppression names rule {s.rule_id}, which does not exist; fix the id")
            if rule.grain == "account" and not s.account:
                raise RuleError(f"{s.where}: {s.rule_id} findings are per account; give the account to suppress")
            if rule.grain != "account" and not s.journal_id:
                raise RuleError(f"{s.where}: {s.rule_id} findings are per journal; give the journal to suppress")

    def severity(self, rule: Rule) -> str:
        settings = self.rules.get(rule.id)
        return settings.severity if settings and settings.severity else rule.severity

    def params(self, rule: Rule) -> dict[str, Any]:
        """The rule's effective parameter values: defaults overridden by the config file."""
        settings = self.rules.get(rule.id)
        return {**rule.defaults, **(settings.params if settings else {})}

    def not_run_reason(self, rule: Rule) -> str | None:
        """Why the configuration keeps `rule` from running, or None when it runs."""
        settings = self.rules.get(rule.id)
        for token in self.ignore:
            if rule.matches(token):
                return f"ignored (--ignore {token})"
        if self.select and not any(rule.matches(t) for t in self.select):
            return f"not selected (--select {', '.join(self.select)})"
        if settings and settings.enabled is False:
            return f"disabled in {self.source}"
        if rule.status == "deprecated" and not (
                (settings and settings.enabled) or rule.id in self.select):
            return "deprecated; select it by id or enable it in the config to run it"
        return None


def load_config(
    path: str | os.PathLike | None,
    select: list[str] | tuple[str, ...] = (),
    ignore: list[str] | tuple[str, ...] = (),
    suppress_path: str | os.PathLike | None = None,
    *,
    ruleset: RuleSet | None = None,
) -> RunConfig:
    """Read the config file (TOML or YAML; only its `rules` section) and the suppression file.

    --select replaces the file's `select` list when given; --ignore adds to its `ignore` list.
    With `ruleset`, everything is checked against the rules at once (run_rules checks again).
    """
    config = RunConfig()
    if path is not None:
        config = _read_config_file(Path(path))
    if select:
        config.select = list(select)
    config.ignore = list(dict.fromkeys([*config.ignore, *ignore]))
    if suppress_path is not None:
        config.suppressions = load_suppressions(suppress_path)
    if ruleset is not None:
        config.validate(ruleset)
    return config


def _read_config_file(path: Path) -> RunConfig:
    source = display_path(path)
    if not path.is_file():
        raise UsageError(f"{source}: config file not found; pass an existing .toml or .yaml file")
    doc: YamlDoc | None = None
    if path.suffix.lower() == ".toml":
        try:
            data = tomllib.loads(path.read_text(encoding="utf-8"))
        except (tomllib.TOMLDecodeError, UnicodeDecodeError) as exc:
            raise RuleError(f"{source}: not valid TOML ({exc}); fix the syntax") from exc
    elif path.suffix.lower() in (".yaml", ".yml"):
        doc = load_yaml(path)
        data = doc.data if doc.data is not None else {}
    else:
        raise UsageError(f"{source}: config must be a .toml or .yaml file")

    def where(*keys: Any) -> str:
        names = [str(k) for k in keys]
        location = f"{source}:{doc.line(*names)}" if doc else source
        return f"{location}: {'.'.join(names)}"

    if not isinstance(data, dict):
        raise RuleError(f"{source}: the config must be a mapping with a `rules` section")
    section = data.get("rules") or {}
    if not isinstance(section, dict):
        raise RuleError(f"{where('rules')} must be a table of rule ids")
    config = RunConfig(source=source)
    for key, value in section.items():
        if key in ("select", "ignore"):
            if not isinstance(value, list) or not all(isinstance(v, str) for v in value):
                raise RuleError(f"{where('rules', key)} must be a list of rule ids or categories")
            setattr(config, key, list(value))
            continue
        if not isinstance(value, dict):
            raise RuleError(f"{where('rules', key)} must be a table with params, severity and/or enabled")
        settings = RuleSettings(where=where("rules", key))
        for setting, item in value.items():
            if setting not in RULE_SETTING_KEYS:
                raise RuleError(f"{where('rules', key, setting)} is unknown; use {', '.join(RULE_SETTING_KEYS)}")
        params = value.get("params", {})
        if not isinstance(params, dict):
            raise RuleError(f"{where('rules', key, 'params')} must be a table of parameter values")
        settings.params = dict(params)
        settings.param_where = {str(name): where("rules", key, "params", str(name)) for name in params}
        if "severity" in value:
            if value["severity"] not in SEVERITIES:
                raise RuleError(f"{where('rules', key, 'severity')} must be one of {', '.join(SEVERITIES)}")
            settings.severity = value["severity"]
        if "enabled" in value:
            if not isinstance(value["enabled"], bool):
                raise RuleError(f"{where('rules', key, 'enabled')} must be true or false")
            settings.enabled = value["enabled"]
        config.rules[str(key)] = settings
    return config


def load_suppressions(path: str | os.PathLike) -> list[Suppression]:
    """Read a suppression file: YAML (a list, or `suppressions:` list) or CSV with a header row.

    Columns: rule, journal (or account for account-level rules), justification (required),
    reviewer, date (YYYY-MM-DD).
    """
    path = Path(path)
    source = display_path(path)
    if not path.is_file():
        raise UsageError(f"{source}: suppression file not found; pass an existing .yaml or .csv file")
    entries: list[tuple[str, dict[str, Any]]] = []
    if path.suffix.lower() == ".csv":
        with path.open(newline="", encoding="utf-8-sig") as handle:
            reader = csv.DictReader(handle)
            header = [h.strip().lower() for h in reader.fieldnames or []]
            missing = [c for c in ("rule", "justification") if c not in header]
            if missing:
                raise RuleError(f"{source}:1: the header needs column(s) {', '.join(missing)}; "
                                f"columns are {', '.join(SUPPRESSION_KEYS)}")
            for number, row in enumerate(reader, start=2):
                entries.append((f"{source}:{number}",
                                {k.strip().lower(): (v.strip() if isinstance(v, str) else v) or None
                                 for k, v in row.items() if k}))
    elif path.suffix.lower() in (".yaml", ".yml"):
        doc = load_yaml(path)
        data = doc.data
        prefix: tuple[str, ...] = ()
        if isinstance(data, dict) and set(data) == {"suppressions"}:
            data, prefix = data["suppressions"], ("suppressions",)
        if data is None:
            data = []
        if not isinstance(data, list):
            raise RuleError(f"{source}:1: a suppression file is a list of entries with rule, journal, justification")
        for i, item in enumerate(data):
            if not isinstance(item, dict):
                raise RuleError(f"{source}:{doc.line(*prefix, i)}: each suppression must be a mapping")
            entries.append((f"{source}:{doc.line(*prefix, i)}", item))
    else:
        raise UsageError(f"{source}: suppression file must be .yaml or .csv")
    return [_suppression(where, item) for where, item in entries]


def _suppression(where: str, item: dict[str, Any]) -> Suppression:
    unknown = [k for k in item if k not in SUPPRESSION_KEYS]
    if unknown:
        raise RuleError(f"{where}: unknown field {unknown[0]!r}; use {', '.join(SUPPRESSION_KEYS)}")
    rule_id = item.get("rule")
    if not isinstance(rule_id, str) or not rule_id.strip():
        raise RuleError(f"{where}: the suppression needs a rule id (rule: CUT-001)")
    justification = item.get("justification")
    if not isinstance(justification, str) or not justification.strip():
        raise RuleError(f"{where}: the suppression of {rule_id} has no justification; write why it is accepted")
    journal, account = item.get("journal"), item.get("account")
    if journal is None and account is None:
        raise RuleError(f"{where}: the suppression of {rule_id} needs the journal (or account) it applies to")
    when = item.get("date")
    if isinstance(when, str):
        try:
            when = date.fromisoformat(when.strip())
        except ValueError as exc:
            raise RuleError(f"{where}: date {when!r} is not YYYY-MM-DD") from exc
    elif when is not None and not isinstance(when, date):
        raise RuleError(f"{where}: date must be YYYY-MM-DD")
    reviewer = item.get("reviewer")
    return Suppression(
        rule_id=rule_id.strip(),
        journal_id=None if journal is None else str(journal).strip(),
        account=None if account is None else str(account).strip(),
        justification=justification.strip(),
        reviewer=None if reviewer is None else str(reviewer).strip(),
        date=when,
        where=where,
    )
