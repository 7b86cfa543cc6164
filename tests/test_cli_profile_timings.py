"""`jecheck scan --profile-timings` tells the user where the time went: every stage, the slowest rules."""

from __future__ import annotations

import json
import re

from click.testing import CliRunner

from jecheck.cli import main


def test_profile_timings_lists_every_stage_and_the_slowest_rules(repo_root, tmp_path):
    ledger = repo_root / "sample_ledgers" / "locker_co_fy2004" / "locker_co_fy2004.parquet"
    result = CliRunner().invoke(main, ["scan", str(ledger), "--out", str(tmp_path / "out"), "--quiet",
                                       "--select", "CUT,APR", "--profile-timings"])
    assert result.exit_code == 0, result.output
    assert result.stdout == ""  # --quiet keeps stdout clean; the table goes to stderr
    table = result.stderr
    for stage in ("rule_packs", "load", "views", "completeness", "rules", "model", "review", "outputs", "total"):
        assert re.search(rf"\b{stage}\b\s+\S*\s*[0-9]+\.[0-9]{{2}}", table), stage
    rule_ids = re.findall(r"\b((?:CUT|APR)-[0-9]{3})\b", table)
    assert rule_ids and len(rule_ids) == len(set(rule_ids))
    assert not re.search(r"\b(?:PPA|INT|AMT)-[0-9]{3}\b", table)  # only the rules that ran
    assert re.search(r"peak memory \(this process\): [0-9.]+ GiB", table)

    timings = json.loads((tmp_path / "out" / "timings.json").read_text())
    assert set(timings["stages_s"]) >= {"load", "views", "rules", "model", "outputs"}
    assert sorted(timings["rules_s"]) == sorted(rule_ids)
    assert timings["total_s"] >= sum(timings["stages_s"].values()) - 0.01
    assert timings["peak_rss_bytes"] > 10_000_000


def test_without_the_flag_no_timings_are_printed(repo_root, tmp_path):
    ledger = repo_root / "sample_ledgers" / "locker_co_fy2004" / "locker_co_fy2004.parquet"
    result = CliRunner().invoke(main, ["scan", str(ledger), "--out", str(tmp_path / "out"), "--quiet",
                                       "--select", "CUT", "--no-model"])
    assert result.exit_code == 0, result.output
    assert "Time by stage" not in result.stderr
    assert not (tmp_path / "out" / "timings.json").exists()
