"""write_outputs: every file, atomically; rejects.csv cannot run formulas; the progress display."""

from __future__ import annotations

import csv
import io
import json

import polars as pl
import pytest
from report_helpers import HYPERLINK, build_result
from rich.console import Console

from jecheck.errors import UsageError
from jecheck.report import write_outputs
from jecheck.report.progress import STAGE_LABELS, StageProgress, scan_progress


def test_writes_every_output(tmp_path):
    result = build_result(rejects=2)
    stages = []
    written = write_outputs(result, tmp_path / "out", progress=stages.append)
    assert stages == ["report"]
    assert sorted(p.name for p in written) == sorted(
        ["findings.json", "entries.parquet", "rejects.csv", "report.xlsx", "report.html"])
    assert sorted(p.name for p in (tmp_path / "out").iterdir()) == sorted(p.name for p in written)
    findings = json.loads((tmp_path / "out" / "findings.json").read_text())
    assert set(findings) == {"jecheck_version", "run", "rules", "findings", "review"}
    journals = result.con.execute("SELECT count(*) FROM journals").fetchall()[0][0]
    assert pl.read_parquet(tmp_path / "out" / "entries.parquet").height == journals


def test_rejects_csv_cannot_run_as_a_formula(tmp_path):
    write_outputs(build_result(rejects=1), tmp_path)
    rows = list(csv.DictReader(io.StringIO((tmp_path / "rejects.csv").read_text())))
    assert [r["raw"] for r in rows] == ["'" + HYPERLINK]
    assert rows[0]["reason"] == "amount is not a number"


def test_no_rejects_file_when_nothing_was_rejected(tmp_path):
    written = write_outputs(build_result(rejects=0), tmp_path)
    assert "rejects.csv" not in {p.name for p in written}


def test_a_failing_writer_leaves_no_finished_looking_file(tmp_path, monkeypatch):
    import jecheck.report.xlsx as xlsx

    def explode(*args, **kwargs):
        raise RuntimeError("disk full")

    monkeypatch.setattr(xlsx._Sheet, "frame", explode)
    with pytest.raises(RuntimeError):
        write_outputs(build_result(), tmp_path)
    assert not (tmp_path / "report.xlsx").exists()
    assert not [p.name for p in tmp_path.iterdir() if p.name.endswith(".partial")]


def test_a_failure_on_either_writing_thread_fails_the_set_and_leaves_no_thread(tmp_path, monkeypatch):
    # findings.json and entries.parquet are written on a thread beside the workpaper: its failure is the
    # caller's, and a failure on the caller's side does not leave that thread writing.
    import threading

    from jecheck import report

    def explode(*args, **kwargs):
        raise RuntimeError("disk full")

    for writer in ("write_entries_parquet", "write_workpaper"):
        with monkeypatch.context() as patch:
            patch.setattr(report, writer, explode)
            with pytest.raises(RuntimeError, match="disk full"):
                write_outputs(build_result(), tmp_path / writer)
        assert not (tmp_path / writer).exists() or not list((tmp_path / writer).iterdir())
        assert not [t for t in threading.enumerate() if t.name.startswith("jecheck-write")]


def test_out_that_is_a_file_is_a_usage_error(tmp_path):
    target = tmp_path / "taken"
    target.write_text("x")
    with pytest.raises(UsageError, match="is a file"):
        write_outputs(build_result(), target)


def test_progress_shows_each_stage_on_a_terminal():
    buffer = io.StringIO()
    progress = StageProgress(Console(file=buffer, force_terminal=True, width=100), enabled=True)
    with progress:
        for stage in ("load", "rules", "model", "report"):
            progress(stage)
    shown = buffer.getvalue()
    for stage in ("load", "rules", "model", "report"):
        assert STAGE_LABELS[stage] in shown


def test_progress_is_silent_in_pipes_ci_and_for_quiet_or_json(monkeypatch):
    buffer = io.StringIO()
    piped = StageProgress(Console(file=buffer))  # not a terminal
    piped("load")
    piped.close()
    assert buffer.getvalue() == ""
    monkeypatch.setenv("CI", "true")
    assert not StageProgress(Console(file=io.StringIO(), force_terminal=True)).enabled
    monkeypatch.delenv("CI")
    assert StageProgress(Console(file=io.StringIO(), force_terminal=True)).enabled
    assert not scan_progress(quiet=True).enabled
    assert not scan_progress(as_json=True).enabled
