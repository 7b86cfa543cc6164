"""Find rule packs on disk, validate every file, and assemble one RuleSet."""

from __future__ import annotations

import dataclasses
import hashlib
import os
from pathlib import Path
from typing import Iterable

from ..errors import RuleError
from .model import Pack, Rule, RuleSet
from .validate import LazyCases, parse_rule_file, read_pack_cases
from .yamlfile import display_path, load_yaml

PACK_FILE = "pack.yaml"


def builtin_rules_dir() -> Path:
    """The built-in pack: `jecheck/_builtin_rules` in an installed wheel, the repo's `rules/` in a checkout."""
    package_dir = Path(__file__).resolve().parent.parent
    installed = package_dir / "_builtin_rules"
    if (installed / PACK_FILE).is_file():
        return installed
    return package_dir.parent / "rules"


def rule_files(pack_dir: Path) -> list[Path]:
    """Every rule file beneath a pack folder, sorted (pack.yaml excluded)."""
    files = [p for pattern in ("*.yaml", "*.yml") for p in pack_dir.rglob(pattern)]
    return sorted(p for p in files if p.is_file() and p != pack_dir / PACK_FILE)


def read_pack(pack_dir: str | os.PathLike, *, builtin: bool | None = None) -> Pack:
    """Read a pack folder's pack.yaml and hash its rule files (sha256 over sorted relative paths + bytes)."""
    pack_dir = Path(pack_dir).resolve()
    if not pack_dir.is_dir():
        raise RuleError(f"{display_path(pack_dir)}: no such rule-pack folder; pass a folder holding pack.yaml")
    if builtin is None:
        builtin = pack_dir == builtin_rules_dir().resolve()
    pack_file = pack_dir / PACK_FILE
    if not pack_file.is_file():
        raise RuleError(f"{display_path(pack_dir)}: no {PACK_FILE}; add one with name, version and description")
    doc = load_yaml(pack_file)
    data = doc.data
    if not isinstance(data, dict):
        raise doc.error((), "pack.yaml must be a mapping with name, version and description")
    for key in data:
        if key not in ("name", "version", "description", "tests"):
            raise doc.error((str(key),), f"unknown key {key!r}; pack.yaml holds name, version, description "
                                         "and (optionally) tests")
    name, version = data.get("name"), data.get("version")
    if not isinstance(name, str) or not name.strip():
        raise doc.error(("name",), "pack.yaml needs a name")
    if not isinstance(version, str) or not version.strip():
        raise doc.error(("version",), 'pack.yaml needs a version as quoted text, e.g. version: "2026.11.0"')
    digest = hashlib.sha256()
    for path in rule_files(pack_dir):
        digest.update(path.relative_to(pack_dir).as_posix().encode() + b"\0")
        digest.update(path.read_bytes() + b"\0")
    pack = Pack(name.strip(), version.strip(), str(data.get("description") or "").strip(), pack_dir,
                digest.hexdigest(), builtin)
    if "tests" not in data:
        return pack
    # The built-in pack's cases are read when run (a scan never does; the test suite runs them); a user
    # pack's are validated now, as its rule files' are.
    cases = (LazyCases(lambda: read_pack_cases(doc, pack_file, pack)) if builtin
             else read_pack_cases(doc, pack_file, pack))
    return dataclasses.replace(pack, tests=cases)


def load_pack(pack_dir: str | os.PathLike, *, builtin: bool | None = None) -> tuple[Pack, list[Rule]]:
    """One pack and every rule in it, validated; RuleError on the first invalid file."""
    pack = read_pack(pack_dir, builtin=builtin)
    # Spark portability is for `jecheck rules lint`/`test`; proving it on every scan costs seconds.
    return pack, [parse_rule_file(path, pack, check_portability=False) for path in rule_files(pack.path)]


def load_rules(extra_dirs: Iterable[str | os.PathLike] = (), *, include_builtin: bool = True) -> RuleSet:
    """The built-in pack plus each `--rules DIR` pack, validated, ids unique across all of them."""
    dirs = ([builtin_rules_dir()] if include_builtin else []) + [Path(d) for d in extra_dirs]
    seen_dirs: set[Path] = set()
    rules: list[Rule] = []
    packs: list[Pack] = []
    by_id: dict[str, Rule] = {}
    for pack_dir in dirs:
        resolved = Path(pack_dir).resolve()
        if resolved in seen_dirs:
            continue
        seen_dirs.add(resolved)
        pack, pack_rules = load_pack(resolved)
        packs.append(pack)
        for rule in pack_rules:
            if rule.id in by_id:
                raise RuleError(f"{display_path(rule.path)}:1: rule id {rule.id} is already used by "
                                f"{display_path(by_id[rule.id].path)}; ids must be unique across packs")
            by_id[rule.id] = rule
            rules.append(rule)
    return RuleSet(rules, packs)


def load_each(paths: Iterable[str | os.PathLike]) -> tuple[list[Rule], list[RuleError]]:
    """Rules in the files under each path (a pack, a folder in one, or a rule file), each validated on its own.

    For authoring tools: one invalid file is reported without hiding the others. Ids must still be
    unique among the rules returned.
    """
    rules: list[Rule] = []
    errors: list[RuleError] = []
    by_id: dict[str, Rule] = {}
    for path in paths:
        target = Path(path).resolve()
        try:
            pack = read_pack(find_pack_root(target))
        except RuleError as error:
            errors.append(error)
            continue
        for file in rule_files(pack.path):
            if file != target and not file.is_relative_to(target):
                continue
            try:
                rule = parse_rule_file(file, pack)
            except RuleError as error:
                errors.append(error)
                continue
            if rule.id in by_id:
                if by_id[rule.id].path != rule.path:
                    errors.append(RuleError(f"{display_path(file)}:1: rule id {rule.id} is already used by "
                                            f"{display_path(by_id[rule.id].path)}; ids must be unique"))
                continue
            by_id[rule.id] = rule
            rules.append(rule)
    return rules, errors


def find_pack_root(path: str | os.PathLike) -> Path:
    """The pack folder holding `path` (a pack folder, a sub-folder or a rule file): nearest pack.yaml upwards."""
    start = Path(path).resolve()
    for candidate in [start, *start.parents]:
        if (candidate / PACK_FILE).is_file():
            return candidate
    raise RuleError(f"{display_path(start)}: not inside a rule pack (no {PACK_FILE} here or above)")
