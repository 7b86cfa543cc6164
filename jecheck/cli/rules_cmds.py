"""`jecheck rules list | explain | test | lint`: look at, explain, test and validate rule packs."""

from __future__ import annotations

import sys
from pathlib import Path

from typing import TYPE_CHECKING

import click

from . import main
from ..errors import UsageError
from ..rules_engine import load_rules, run_inline_tests, run_pack_tests
from ..rules_engine.loader import builtin_rules_dir, load_each
from ..rules_engine.model import CONTEXT_OPTIONS, Rule

if TYPE_CHECKING:  # rich is imported where it prints: `jecheck scan` should not pay for it at start-up
    from rich.console import Console
    from rich.table import Table

RULES_OPTION = click.option(
    "--rules", "rules_dirs", multiple=True, type=click.Path(exists=True, file_okay=False),
    help="Extra rule pack folder (repeatable), as for `jecheck scan --rules`.")


def _console() -> Console:
    from rich.console import Console

    # Piped output stays plain and unwrapped so it can be grepped.
    return Console() if sys.stdout.isatty() else Console(no_color=True, width=10_000, highlight=False)


def _table(*columns: str) -> Table:
    from rich import box
    from rich.table import Table

    table = Table(box=box.SIMPLE if sys.stdout.isatty() else None, pad_edge=False, show_edge=False)
    for column in columns:
        table.add_column(column, overflow="fold")
    return table


def _requires(rule: Rule) -> str:
    return ", ".join([*rule.requires_columns, *(CONTEXT_OPTIONS[c] for c in rule.requires_context)])


@main.group("rules")
def rules_group() -> None:
    """List, explain, test and validate rule packs."""


@rules_group.command("list")
@RULES_OPTION
@click.option("--select", "select", multiple=True, help="Only these rule ids or categories (repeatable).")
def list_rules(rules_dirs: tuple[str, ...], select: tuple[str, ...]) -> None:
    """The table of rules: id, title, category, severity, status and what each needs."""
    ruleset = load_rules(extra_dirs=rules_dirs)
    table = _table("id", "title", "category", "severity", "status", "requires")
    for rule in ruleset:
        if select and not any(rule.matches(token) for token in select):
            continue
        table.add_row(rule.id, rule.title, rule.category, rule.severity, rule.status, _requires(rule))
    _console().print(table)


@rules_group.command("explain")
@click.argument("rule_id")
@RULES_OPTION
def explain(rule_id: str, rules_dirs: tuple[str, ...]) -> None:
    """One rule's rationale, references, parameters, false positives and examples."""
    ruleset = load_rules(extra_dirs=rules_dirs)
    rule = ruleset.get(rule_id.upper())
    if rule is None:
        raise UsageError(f"no rule has id {rule_id}; `jecheck rules list` shows the ids")
    console = _console()
    console.print(f"[bold]{rule.id}[/bold] {rule.title}", markup=True)
    console.print(f"category {rule.category}, severity {rule.severity}, status {rule.status}, grain {rule.grain}, "
                  f"version {rule.version}; pack {rule.pack.name} {rule.pack.version}", markup=False)
    sections = [
        ("What it does and why it matters", [rule.rationale]),
        ("References", list(rule.references)),
        ("Needs", [f"columns: {', '.join(rule.requires_columns) or 'the required four only'}",
                   f"context: {', '.join(rule.requires_context) or 'none'}"]),
        ("Usually benign when", list(rule.false_positives)),
    ]
    for heading, items in sections:
        if items:
            console.print(f"\n[bold]{heading}[/bold]", markup=True)
            for item in items:
                console.print(item if heading.startswith("What") else f"- {item}", markup=False)
    if rule.params:
        console.print("\n[bold]Parameters[/bold] (set them under [rules." + rule.id + "] in the config)", markup=True)
        table = _table("name", "type", "default", "bounds", "description")
        for p in rule.params.values():
            bounds = " .. ".join("" if b is None else str(b) for b in (p.min, p.max)) if (
                p.min is not None or p.max is not None) else ", ".join(p.choices or ())
            table.add_row(p.name, p.type, repr(p.default), bounds, p.description)
        console.print(table)
    console.print("\n[bold]Examples[/bold] (its inline test cases)", markup=True)
    for case in rule.tests:
        outcome = []
        if case.flags:
            outcome.append(f"flags {', '.join(case.flags)}")
        if case.passes:
            outcome.append(f"passes {', '.join(case.passes)}")
        console.print(f"- {case.name}: {'; '.join(outcome)}", markup=False)
    console.print(f"\nMessage: {rule.message}\nFile: {rule.path}", markup=False)


@rules_group.command("test")
@click.argument("paths", nargs=-1, type=click.Path(exists=True))
@click.option("--rules", "rules_dirs", multiple=True, type=click.Path(exists=True, file_okay=False),
              help="Extra rule pack folder to test (repeatable).")
@click.option("--select", "select", multiple=True, help="Only these rule ids or categories (repeatable).")
def test_rules(paths: tuple[str, ...], rules_dirs: tuple[str, ...], select: tuple[str, ...]) -> None:
    """Run every rule's inline test cases, and each whole pack's own cases (its pack.yaml `tests:`).

    PATHS: packs, folders in a pack or rule files (default: the built-in pack). A pack's own cases run when
    the pack folder itself is given and no --select narrows it. An invalid rule file counts as a failure
    without stopping the others. Exits 1 when anything fails.
    """
    targets = [*paths, *rules_dirs] or [builtin_rules_dir()]
    rules, errors = load_each(targets)
    if select:
        rules = [r for r in rules if any(r.matches(token) for token in select)]
    if not rules and not errors:
        raise UsageError("no rules to test there; give a pack folder, a folder in it or a rule file")
    console = _console()
    for error in errors:
        console.print(f"FAIL invalid rule file: {error}", markup=False)
    results = run_inline_tests(rules)
    if not select:  # a pack's cases need all its rules
        whole = {Path(t).resolve() for t in targets}
        packs = {r.pack.path: r.pack for r in rules if r.pack.path in whole}
        results += run_pack_tests(packs.values(), rules)
    for result in results:
        note = f"  (rule skipped: {result.skipped_reason})" if result.skipped_reason else ""
        console.print(f"{'PASS' if result.passed else 'FAIL'} {result.rule_id} {result.case} "
                      f"[{result.duration_s:.2f}s]{note}", markup=False)
        for problem in result.problems:
            console.print(f"     {result.location}: {problem}", markup=False)
    failed = sum(not r.passed for r in results)
    console.print(f"{len(results) - failed} cases passed, {failed} failed, {len(errors)} invalid files "
                  f"({len(rules)} rules)", markup=False)
    sys.exit(1 if failed or errors else 0)


@rules_group.command("lint")
@click.argument("paths", nargs=-1, type=click.Path(exists=True))
@click.option("--strict", is_flag=True, help="Treat warnings as errors.")
def lint(paths: tuple[str, ...], strict: bool) -> None:
    """Validate rule packs (default: the built-in one): every error, plus warnings such as a missing NULL case.

    Exits 1 when there are errors (or warnings with --strict).
    """
    from ..rules_engine.lint import lint_paths

    targets = [Path(p) for p in paths] or [builtin_rules_dir()]
    report = lint_paths(targets)
    console = _console()
    for issue in report.issues:
        console.print(f"{issue.location}: {issue.level}: {issue.message}", markup=False)
    console.print(f"{report.files} files: {report.errors} errors, {report.warnings} warnings", markup=False)
    sys.exit(1 if report.errors or (strict and report.warnings) else 0)
