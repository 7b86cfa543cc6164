"""The benchmark runner (benchmarks/run.py): it measures a real scan, checks correctness and reports failures.

Timing figures are never asserted: only that the runner produces them and reports them honestly.
"""

from __future__ import annotations

import importlib.util
import json
import sys
from pathlib import Path

import pytest

RUNNER = Path(__file__).resolve().parent.parent / "benchmarks" / "run.py"


@pytest.fixture(scope="module")
def bench():
    spec = importlib.util.spec_from_file_location("bench_run", RUNNER)
    module = importlib.util.module_from_spec(spec)
    sys.modules[spec.name] = module  # dataclasses look their module up while the file executes
    spec.loader.exec_module(module)
    yield module
    del sys.modules[spec.name]


def test_sizes_parse_and_label_both_ways(bench):
    assert [bench.parse_size(s) for s in ("100k", "1m", "10M", "2500", "1_000k")] == [
        100_000, 1_000_000, 10_000_000, 2500, 1_000_000]
    assert [bench.size_label(n) for n in (100_000, 1_000_000, 100_000_000, 2500)] == ["100k", "1m", "100m", "2500"]
    for bad in ("ten", "0", "-5k"):
        with pytest.raises(SystemExit):
            bench.parse_size(bad)


def test_compare_scans_names_what_differs(bench):
    findings = [("ACC-001", "J1", 1, "posted to 4010"), ("INT-004", None, None, "account 6420 off by 5"),
                ("INT-004", None, None, "account 6330 off by 3")]
    scores = [("J1", 1, 0.9, 0.7), ("J2", 2, 0.1, 0.4)]
    same = bench.compare_scans(findings, list(findings), scores, list(scores))
    assert same["findings_equal"] and same["findings_order_equal"] and same["scores_equal"] and not same["detail"]

    reordered = [findings[0], findings[2], findings[1]]
    order_only = bench.compare_scans(findings, reordered, scores, scores)
    assert order_only["findings_equal"] and not order_only["findings_order_equal"]
    assert "another order" in order_only["detail"]

    changed = findings[:2] + [("INT-004", None, None, "account 6330 off by 4")]
    different = bench.compare_scans(findings, changed, scores, scores)
    assert not different["findings_equal"] and "off by 4" in different["detail"]

    drifted = bench.compare_scans(findings, findings, scores, [scores[0], ("J2", 2, 0.1, 0.4000001)])
    assert not drifted["scores_equal"] and "J2" in drifted["detail"]


def test_targets_judge_time_and_memory(bench):
    fast = {"lines": 1_000_000, "total_s": 4.9, "peak_rss_bytes": 10**9}
    slow = {"lines": 1_000_000, "total_s": 5.1, "peak_rss_bytes": 10**9}
    big = {"lines": 10_000_000, "total_s": 30.0, "peak_rss_bytes": 5 * 10**9}
    assert bench.target_verdict(fast, {}).endswith("met")
    assert bench.target_verdict(slow, {}).endswith("missed")
    assert bench.target_verdict(big, {}).endswith("missed")  # fast enough, but over 4 GB
    reference = {"10m": {"lines": 10_000_000, "total_s": 40.0}}
    linear = {"lines": 100_000_000, "total_s": 390.0, "peak_rss_bytes": 0}
    worse = {"lines": 100_000_000, "total_s": 450.0, "peak_rss_bytes": 0}
    assert "linear: met" in bench.target_verdict(linear, reference)
    assert "linear: missed" in bench.target_verdict(worse, reference)


def test_results_merge_by_size_on_the_same_machine_only(bench):
    machine = {"cores": 2, "cpu": "x"}
    previous = {"machine": machine, "runs": {"10m": {"size": "10m", "lines": 10_000_000}}, "check": {"size": "100k"}}
    fresh = [{"size": "100k", "lines": 100_000}]
    merged = bench.merge_results(previous, machine, fresh, None)
    assert list(merged["runs"]) == ["100k", "10m"] and merged["check"] == {"size": "100k"}
    elsewhere = bench.merge_results(previous, {"cores": 8, "cpu": "y"}, fresh, None)
    assert list(elsewhere["runs"]) == ["100k"] and elsewhere["check"] is None


def test_a_failing_scan_is_reported_not_raised(bench, tmp_path):
    folder = tmp_path / "data" / "20k_seed7"
    folder.mkdir(parents=True)
    (folder / "ledger.parquet").write_text("not a parquet file")
    (folder / "ledger.done").write_text("{}")
    results = tmp_path / "RESULTS.md"
    code = bench.main(["--sizes", "20k", "--data-dir", str(tmp_path / "data"), "--results", str(results)])
    assert code == 1
    record = json.loads((tmp_path / "results.json").read_text())["runs"]["20k"]
    assert record["error"].startswith("exit ")
    assert "failed: exit" in results.read_text()


def test_runs_end_to_end_on_a_small_ledger(bench, tmp_path):
    results = tmp_path / "RESULTS.md"
    code = bench.main(["--sizes", "20k", "--data-dir", str(tmp_path / "data"), "--results", str(results)])
    saved = json.loads((tmp_path / "results.json").read_text())
    record, check = saved["runs"]["20k"], saved["check"]
    assert "error" not in record, record.get("error")
    assert code == 0, check
    assert record["lines"] == record["rows_loaded"] == 20_000
    assert 0 < record["journals"] < 20_000
    assert {"load", "views", "rules", "model"} <= set(record["stages_s"])
    assert record["total_s"] >= sum(record["stages_s"].values())
    assert record["peak_rss_bytes"] > 50 * 2**20 and record["floor"]["query_s"] > 0
    assert any(rule["status"] == "ran" and rule["duration_s"] is not None for rule in record["rules"])
    assert check["size"] == "20k" and check["findings_equal"] and check["scores_equal"]
    assert check["scored_journals"] == record["journals"]
    text = results.read_text()
    assert "| 20,000 |" in text and "**identical**" in text and f"{saved['machine']['cores']} cores" in text
    assert not (tmp_path / "data" / "20k_seed7" / "out").exists()  # outputs removed without --keep


def test_stage_figures_add_up_with_or_without_profile_timings(bench):
    findings = {"run": {"rows": {"loaded": 10}, "timings_s": {"load": 2.0, "rules": 3.0}, "duration_s": 6.0},
                "rules": [{"id": "A-1", "status": "ran", "hits": 1, "duration_s": 0.5},
                          {"id": "A-2", "status": "ran", "hits": 0, "duration_s": 2.5}],
                "findings": [{}]}
    scan = bench.Measured(wall_s=10.0, cpu_s=9.0, peak_rss_bytes=1, returncode=0, stdout="", stderr="")
    plain = bench.scan_record(findings, scan)
    assert (plain["untimed_in_scan_s"], plain["outside_scan_s"]) == (1.0, 4.0)
    assert [r["id"] for r in plain["rules"]] == ["A-2", "A-1"]  # slowest first
    profiled = bench.scan_record(findings, scan, {"stages_s": {"load": 2.0, "rules": 3.0, "outputs": 2.5},
                                                  "total_s": 8.0})
    assert profiled["stages_s"]["outputs"] == 2.5
    assert (profiled["untimed_in_scan_s"], profiled["outside_scan_s"]) == (0.5, 2.0)
