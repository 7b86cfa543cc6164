"""Rewrite checked_sql.json after built-in rules change: `python -m jecheck.rules_engine.record_checked_sql`."""

from __future__ import annotations

import json

from .checked_sql import CHECKED_SQL_FILE, checked_sql_document
from .loader import builtin_rules_dir, read_pack, rule_files
from .validate import parse_rule_file, without_tests
from .yamlfile import load_yaml


def validated_rule_texts() -> list[str]:
    """The text of every built-in rule file that validates in full (RuleError otherwise) and reads the
    same without its test cases, so a scan may skip them."""
    pack = read_pack(builtin_rules_dir())
    texts = []
    for path in rule_files(pack.path):
        parse_rule_file(path, pack)
        text = path.read_text(encoding="utf-8")
        head = without_tests(text)
        full = load_yaml(path, text).data
        if head is not None and load_yaml(path, head).data == {k: v for k, v in full.items() if k != "tests"}:
            texts.append(text)
    return texts


def main() -> None:
    """Rewrite checked_sql.json from the built-in rules (each SQL checked and each file validated in full)."""
    built_in_sql = [load_yaml(path).data["sql"] for path in rule_files(builtin_rules_dir())]
    texts = validated_rule_texts()
    CHECKED_SQL_FILE.write_text(json.dumps(checked_sql_document(built_in_sql, texts), indent=1) + "\n",
                                encoding="utf-8")
    print(f"{CHECKED_SQL_FILE}: the SQL of {len(built_in_sql)} built-in rules checked and recorded, "
          f"{len(texts)} rule files validated in full")


if __name__ == "__main__":
    main()
