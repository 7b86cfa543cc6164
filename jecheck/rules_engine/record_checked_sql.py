"""Rewrite checked_sql.json after built-in rule SQL changes: `python -m jecheck.rules_engine.record_checked_sql`."""

from __future__ import annotations

import json

from .checked_sql import CHECKED_SQL_FILE, checked_sql_document
from .loader import builtin_rules_dir, rule_files
from .yamlfile import load_yaml

def main() -> None:
    """Rewrite checked_sql.json from the built-in rules (each SQL checked in full)."""
    built_in_sql = [load_yaml(path).data["sql"] for path in rule_files(builtin_rules_dir())]
    CHECKED_SQL_FILE.write_text(json.dumps(checked_sql_document(built_in_sql), indent=1) + "\n", encoding="utf-8")
    print(f"{CHECKED_SQL_FILE}: the SQL of {len(built_in_sql)} built-in rules checked and recorded")

if __name__ == "__main__":
    main()
