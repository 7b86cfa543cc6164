"""Turn one rule file into a validated Rule, or stop with file:line and what to fix."""

from __future__ import annotations

import re
from collections.abc import Callable, Sequence
from pathlib import Path
from typing import Any

from ..schema import CONTEXT_TABLES, LINE_COLUMN_NAMES
from .model import (CASE_TABLES, CATEGORIES, GRAINS, PARAM_TYPES, SEVERITIES, STATUSES, Pack, Param, Rule,
                    TestCase)
from .checked_sql import known_facts, validated_rule_file
from .sqlcheck import SqlProblem, check_sql
from .yamlfile import YamlDoc, load_yaml

REQUIRED_KEYS = ("id", "slug", "title", "category", "severity", "status", "grain", "version", "rationale",
                 "sql", "message", "tests")
OPTIONAL_KEYS = ("references", "false_positives", "requires", "params")
PARAM_KEYS = ("type", "default", "min", "max", "choices", "description")
CASE_KEYS = ("name", "given", "params", "options", "flags", "passes")
VIEW_OPTION_KEYS = ("country", "subdivision", "fiscal_year_start_month")

BUILTIN_ID = re.compile(r"^(?P<prefix>[A-Z]{3})-(?P<number>[0-9]{3})$")
USER_ID = re.compile(r"^(?P<prefix>[A-Z]{2,5})-(?P<number>[0-9]{3,4})$")
SLUG = re.compile(r"^[a-z0-9]+(-[a-z0-9]+)*$")
PARAM_NAME = re.compile(r"^[a-z][a-z0-9_]*$")
PLACEHOLDER = re.compile(r"\{([^{}]*)\}")
PLAIN_NAME = re.compile(r"^[A-Za-z_][A-Za-z0-9_]*$")

CASE_COLUMNS: dict[str, tuple[str, ...]] = {
    "lines": LINE_COLUMN_NAMES,
    **{name: tuple(c.name for c in cols) for name, cols in CONTEXT_TABLES.items()},
}


def message_placeholders(template: str) -> list[str]:
    """The evidence column names a message template refers to, in order."""
    return PLACEHOLDER.findall(template)


def parse_rule_file(path: Path, pack: Pack, *, check_portability: bool = True) -> Rule:
    """Load and validate one rule file of `pack`; RuleError names file:line and the fix.

    `check_portability=False` skips proving the SQL translates to Spark (a scan does; lint does not).
    A scan also reads a file that was recorded as validated in full (checked_sql.json) without its test
    cases, which are read only when asked for.
    """
    path = Path(path)
    try:
        text = path.read_text(encoding="utf-8")
    except (OSError, UnicodeDecodeError):
        text = None  # load_yaml reports it
    if not check_portability and text is not None and validated_rule_file(text):
        head = without_tests(text)
        if head is not None:
            return _RuleReader(load_yaml(path, head), path, pack, check_portability, cases_from=text).read()
    return _RuleReader(load_yaml(path, text), path, pack, check_portability).read()


# The top-level `tests:` key and its block: the lines after it that are blank, indented, comments or
# sequence items at the margin (a block sequence may start at column 0 under a top-level key).
_TESTS_SECTION = re.compile(r"^tests:.*\n(?:(?:[ \t#-].*|)(?:\n|\Z))*", re.MULTILINE)


def without_tests(text: str) -> str | None:
    """The rule file's text with its test cases blanked out (line numbers kept), or None if not found."""
    match = _TESTS_SECTION.search(text)
    if match is None:
        return None
    return text[:match.start()] + "\n" * match.group().count("\n") + text[match.end():]


def read_pack_cases(doc: YamlDoc, path: Path, pack: Pack) -> tuple[TestCase, ...]:
    """pack.yaml's `tests:`, cases like a rule's but run with every rule of the pack at its defaults."""
    for i, case in enumerate(doc.data["tests"] if isinstance(doc.data.get("tests"), list) else []):
        if isinstance(case, dict) and "params" in case:
            raise doc.error(("tests", i, "params"), "a pack's cases run every rule with its defaults; "
                                                     "set params in a rule's own cases")
    return _RuleReader(doc, path, pack).tests({}, "journal")


class LazyCases(Sequence):
    """Validated test cases, parsed the first time they are asked for by `read` (from the text that was
    checked, not a second read of the file): a scan never asks."""

    def __init__(self, read: Callable[[], tuple[TestCase, ...]]) -> None:
        self._source = read
        self._cases: tuple[TestCase, ...] | None = None

    def _read(self) -> tuple[TestCase, ...]:
        if self._cases is None:
            self._cases = self._source()
        return self._cases

    def __getitem__(self, index):
        return self._read()[index]

    def __len__(self) -> int:
        return len(self._read())

    def __eq__(self, other: object) -> bool:
        return isinstance(other, Sequence) and tuple(self) == tuple(other)

    def __repr__(self) -> str:
        return repr(self._read())


class _RuleReader:
    def __init__(self, doc: YamlDoc, path: Path, pack: Pack, check_portability: bool = True,
                 cases_from: str | None = None) -> None:
        self.check_portability = check_portability
        self.doc = doc
        self.path = path
        self.pack = pack
        self.cases_from = cases_from  # the doc holds no test cases: they are read from this text when asked for

    def fail(self, path: tuple[Any, ...], problem: str):
        raise self.doc.error(path, problem)

    def read(self) -> Rule:
        data = self.doc.data
        if not isinstance(data, dict):
            self.fail((), "a rule file must be a YAML mapping with id, title, sql, tests...")
        for key in data:
            if str(key) not in REQUIRED_KEYS + OPTIONAL_KEYS:
                self.fail((str(key),), f"unknown key {key!r}; rule keys are {', '.join(REQUIRED_KEYS + OPTIONAL_KEYS)}")
        for key in REQUIRED_KEYS:
            if key == "tests" and self.cases_from is not None:
                continue
            if key not in data or data[key] is None or data[key] == "":
                self.fail((), f"required field {key!r} is missing")

        rule_id = self.text("id")
        category = self.text("category")
        slug = self.text("slug")
        self.check_identity(rule_id, category, slug)
        severity = self.choice("severity", SEVERITIES)
        status = self.choice("status", STATUSES)
        grain = self.choice("grain", GRAINS)
        version = data["version"]
        if not isinstance(version, int) or isinstance(version, bool) or version < 1:
            self.fail(("version",), "version must be a positive integer (bump it when the logic changes)")
        title = self.text("title")
        if "\n" in title:
            self.fail(("title",), "title must be one line")
        rationale = self.text("rationale")
        references = self.text_list("references")
        false_positives = self.text_list("false_positives")
        columns, context = self.requires()
        params = self.params()
        sql = self.text("sql")
        message = self.text("message")
        self.check_sql(sql, message, params, grain)
        if self.cases_from is not None:
            path, text, pack = self.path, self.cases_from, self.pack
            tests = LazyCases(lambda: _RuleReader(load_yaml(path, text), path, pack).tests(params, grain))
        else:
            tests = self.tests(params, grain)
        return Rule(
            id=rule_id, slug=slug, title=title, category=category, severity=severity, status=status,
            grain=grain, version=version, rationale=rationale.strip(), references=references,
            false_positives=false_positives, requires_columns=columns, requires_context=context,
            params=params, sql=sql.strip().rstrip(";").rstrip(), message=message.strip(), tests=tests,
            path=self.path, pack=self.pack,
        )

    # --- scalar fields ---------------------------------------------------------------------------
    def text(self, key: str) -> str:
        value = self.doc.data[key]
        if not isinstance(value, str) or not value.strip():
            self.fail((key,), f"{key} must be non-empty text, not {value!r}")
        return value.strip() if key != "sql" else value

    def choice(self, key: str, allowed: tuple[str, ...]) -> str:
        value = self.doc.data[key]
        if value not in allowed:
            self.fail((key,), f"{key} must be one of {', '.join(allowed)}, not {value!r}")
        return value

    def text_list(self, key: str) -> tuple[str, ...]:
        value = self.doc.data.get(key)
        if value is None:
            return ()
        if not isinstance(value, list):
            self.fail((key,), f"{key} must be a list of non-empty strings")
        for i, item in enumerate(value):
            if isinstance(item, dict):
                self.fail((key, i), f"{key} item {i + 1} reads as a mapping because it contains ': '; "
                                    "put the item in quotes")
            if not isinstance(item, str) or not item.strip():
                self.fail((key, i), f"{key} item {i + 1} must be non-empty text")
        return tuple(v.strip() for v in value)

    def check_identity(self, rule_id: str, category: str, slug: str) -> None:
        if category not in CATEGORIES:
            self.fail(("category",), f"category must be one of {', '.join(CATEGORIES)}, not {category!r}")
        if self.pack.builtin:
            match = BUILTIN_ID.match(rule_id)
            if not match:
                self.fail(("id",), f"id {rule_id!r} must look like {category}-001 (category, dash, three digits)")
            if match["prefix"] != category:
                self.fail(("id",), f"id {rule_id!r} must start with its category {category}")
            folder = self.path.parent.name
            if folder != category:
                self.fail(("category",), f"category {category} does not match the folder rules/{folder}/; "
                                         f"move the file to rules/{category}/")
        else:
            match = USER_ID.match(rule_id)
            if not match:
                self.fail(("id",), f"id {rule_id!r} must look like ACME-001 (2-5 capital letters, dash, 3-4 digits)")
            if match["prefix"] in CATEGORIES:
                self.fail(("id",), f"id prefix {match['prefix']} is reserved for the built-in pack; "
                                   "give your pack its own prefix such as ACME")
        if not SLUG.match(slug):
            self.fail(("slug",), f"slug {slug!r} must be kebab-case (lower-case words joined by dashes)")
        expected = f"{rule_id}.{slug}.yaml"
        if self.path.name not in (expected, expected[:-5] + ".yml"):
            self.fail(("id",), f"file name must be {expected} (id and slug), not {self.path.name}")

    def requires(self) -> tuple[tuple[str, ...], tuple[str, ...]]:
        value = self.doc.data.get("requires") or {}
        if not isinstance(value, dict):
            self.fail(("requires",), "requires must be a mapping with columns and/or context")
        for key in value:
            if key not in ("columns", "context"):
                self.fail(("requires", str(key)), f"unknown key requires.{key}; use columns and context")
        columns = value.get("columns") or []
        context = value.get("context") or []
        for key, items, known in (("columns", columns, LINE_COLUMN_NAMES), ("context", context, tuple(CONTEXT_TABLES))):
            if not isinstance(items, list):
                self.fail(("requires", key), f"requires.{key} must be a list")
            for i, item in enumerate(items):
                if item not in known:
                    self.fail(("requires", key, i), f"requires.{key} names {item!r}, which is not one of "
                                                    f"{', '.join(known)}")
        return tuple(columns), tuple(context)

    def params(self) -> dict[str, Param]:
        value = self.doc.data.get("params") or {}
        if not isinstance(value, dict):
            self.fail(("params",), "params must be a mapping of parameter name to its spec")
        params = {}
        for name, spec in value.items():
            where = ("params", str(name))
            if not isinstance(name, str) or not PARAM_NAME.match(name):
                self.fail(where, f"parameter name {name!r} must be snake_case (a-z, 0-9, _)")
            if not isinstance(spec, dict):
                self.fail(where, f"params.{name} must be a mapping with type, default and description")
            for key in spec:
                if key not in PARAM_KEYS:
                    self.fail(where + (str(key),), f"params.{name}.{key} is unknown; use {', '.join(PARAM_KEYS)}")
            for key in ("type", "default", "description"):
                if key not in spec:
                    self.fail(where, f"params.{name}.{key} is missing")
            kind = spec["type"]
            if kind not in PARAM_TYPES:
                self.fail(where + ("type",), f"params.{name}.type must be one of {', '.join(PARAM_TYPES)}")
            bounds = {}
            for key in ("min", "max"):
                if key in spec:
                    if kind not in ("integer", "number"):
                        self.fail(where + (key,), f"params.{name}.{key} applies only to integer and number")
                    bound = spec[key]
                    if not isinstance(bound, (int, float)) or isinstance(bound, bool) or (
                            kind == "integer" and not isinstance(bound, int)):
                        self.fail(where + (key,), f"params.{name}.{key} must be {'an integer' if kind == 'integer' else 'a number'}")
                    bounds[key] = bound
            if "min" in bounds and "max" in bounds and bounds["min"] > bounds["max"]:
                self.fail(where + ("min",), f"params.{name}.min is greater than its max")
            choices = spec.get("choices")
            if choices is not None and (kind != "string" or not isinstance(choices, list)
                                        or not all(isinstance(c, str) for c in choices) or not choices):
                self.fail(where + ("choices",), f"params.{name}.choices must be a non-empty list of strings "
                                                "and only for type string")
            description = spec["description"]
            if not isinstance(description, str) or not description.strip():
                self.fail(where + ("description",), f"params.{name}.description must be non-empty text")
            param = Param(name, kind, spec["default"], description.strip(), bounds.get("min"), bounds.get("max"),
                          tuple(choices) if choices else None)
            problem = param.problem(param.default)
            if problem:
                self.fail(where + ("default",), f"params.{name}.default {problem}")
            params[name] = param
        return params

    def check_sql(self, sql: str, message: str, params: dict[str, Param], grain: str) -> None:
        # A scan trusts the recorded verdict on SQL jecheck ships; lint and test always walk it.
        facts = None if self.check_portability else known_facts(sql)
        if facts is None:
            try:
                facts = check_sql(sql, check_portability=self.check_portability)
            except SqlProblem as problem:
                self.fail(("sql",), str(problem))
        for name in params:
            if name not in facts.parameters:
                self.fail(("params", name), f"parameter {name} is declared but the SQL never uses ${name}")
        for name in sorted(facts.parameters - set(params)):
            self.fail(("sql",), f"the SQL uses ${name}, which is not declared under params")
        key = "account" if grain == "account" else "journal_id"
        needed = [key] + (["line_no"] if grain == "line" else [])
        for placeholder in message_placeholders(message):
            if not PLAIN_NAME.match(placeholder):
                self.fail(("message",), f"message placeholder {{{placeholder}}} must be a plain column name")
        stray = PLACEHOLDER.sub("", message)
        if "{" in stray or "}" in stray:
            self.fail(("message",), "message has an unmatched brace; placeholders look like {column}")
        if facts.output_columns is not None:
            for column in needed:
                if column not in facts.output_columns:
                    self.fail(("sql",), f"a {grain}-grain rule's SQL must return a column named {column}")
            for placeholder in message_placeholders(message):
                if placeholder not in facts.output_columns:
                    self.fail(("message",), f"message uses {{{placeholder}}} but the SQL returns no such column "
                                            f"(it returns {', '.join(facts.output_columns)})")

    # --- test cases ------------------------------------------------------------------------------
    def tests(self, params: dict[str, Param], grain: str) -> tuple[TestCase, ...]:
        value = self.doc.data["tests"]
        if not isinstance(value, list) or not value:
            self.fail(("tests",), "tests must be a non-empty list of cases")
        cases, names = [], set()
        for i, case in enumerate(value):
            where = ("tests", i)
            if not isinstance(case, dict):
                self.fail(where, "each test case must be a mapping with name, given, flags and/or passes")
            for key in case:
                if key not in CASE_KEYS:
                    self.fail(where + (str(key),), f"unknown test-case key {key!r}; use {', '.join(CASE_KEYS)}")
            name = case.get("name")
            if not isinstance(name, str) or not name.strip():
                self.fail(where, "every test case needs a name")
            if name in names:
                self.fail(where + ("name",), f"two test cases are named {name!r}; names must be unique")
            names.add(name)
            given = self.given(case.get("given"), where + ("given",))
            case_params = case.get("params") or {}
            if not isinstance(case_params, dict):
                self.fail(where + ("params",), "test-case params must be a mapping")
            for pname, pvalue in case_params.items():
                if pname not in params:
                    self.fail(where + ("params", str(pname)), f"test case sets params.{pname}, which the rule does not declare")
                problem = params[pname].problem(pvalue)
                if problem:
                    self.fail(where + ("params", str(pname)), f"test-case params.{pname} {problem}")
            options = self.view_options(case.get("options") or {}, where + ("options",))
            key = "account" if grain == "account" else "journal_id"
            present = {str(row[key]) for rows in given.values() for row in rows if row.get(key) is not None}
            expected = {}
            for field_name in ("flags", "passes"):
                ids = case.get(field_name) or []
                if not isinstance(ids, list) or not all(isinstance(x, (str, int)) for x in ids):
                    self.fail(where + (field_name,), f"{field_name} must be a list of {key} values")
                ids = tuple(str(x) for x in ids)
                for x in ids:
                    if x not in present:
                        self.fail(where + (field_name,), f"{field_name} names {x}, which no given row has as {key}")
                expected[field_name] = ids
            both = set(expected["flags"]) & set(expected["passes"])
            if both:
                self.fail(where, f"{', '.join(sorted(both))} is in both flags and passes")
            if not expected["flags"] and not expected["passes"]:
                self.fail(where, "a test case must list the ids it flags and/or passes")
            cases.append(TestCase(name.strip(), given, expected["flags"], expected["passes"], dict(case_params),
                                  dict(options), self.doc.line(*where)))
        if not any(c.flags for c in cases):
            self.fail(("tests",), "tests need at least one case that flags something (flags: [...])")
        if not any(c.passes for c in cases):
            self.fail(("tests",), "tests need at least one case with ids that must not be flagged (passes: [...])")
        return tuple(cases)

    def view_options(self, options: Any, where: tuple[Any, ...]) -> dict[str, Any]:
        if not isinstance(options, dict) or any(k not in VIEW_OPTION_KEYS for k in options):
            self.fail(where, f"test-case options may set only {', '.join(VIEW_OPTION_KEYS)}")
        month = options.get("fiscal_year_start_month", 1)
        if not isinstance(month, int) or isinstance(month, bool) or not 1 <= month <= 12:
            self.fail(where, "options.fiscal_year_start_month must be a month number 1..12")
        for key in ("country", "subdivision"):
            if options.get(key) is not None and not isinstance(options[key], str):
                self.fail(where, f"options.{key} must be a code such as US or CA, or null")
        return dict(options)

    def given(self, value: Any, where: tuple[Any, ...]) -> dict[str, list[dict[str, Any]]]:
        if not isinstance(value, dict) or not value:
            self.fail(where, f"given must map table names ({', '.join(CASE_TABLES)}) to lists of rows")
        tables = {}
        for table, rows in value.items():
            if table not in CASE_TABLES:
                self.fail(where + (str(table),), f"given.{table} is not a table a case can fill; use {', '.join(CASE_TABLES)}")
            if not isinstance(rows, list) or not all(isinstance(r, dict) for r in rows):
                self.fail(where + (str(table),), f"given.{table} must be a list of rows (mappings)")
            for r, row in enumerate(rows):
                for column in row:
                    if column not in CASE_COLUMNS[table]:
                        self.fail(where + (str(table), r), f"given.{table} has no column {column!r}; "
                                                          f"columns are {', '.join(CASE_COLUMNS[table])}")
            tables[table] = [dict(r) for r in rows]
        return tables
