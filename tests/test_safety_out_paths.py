"""Where a scan writes: only jecheck's own file names, only inside --out, one whole set at a time.

--out is the user's choice (`..` and absolute paths are simply resolved); a file, a folder that cannot be
created or written, or a folder squatting on an output name is exit 2 naming it, before any work. A rerun
replaces the earlier run's set and nothing else. Ledger and rule-pack text never shapes a file name.
"""

from __future__ import annotations

import json
import os
import signal
from datetime import datetime
from decimal import Decimal
from pathlib import Path

import openpyxl
import pytest
from click.testing import CliRunner

from jecheck.cli import main
from jecheck.errors import UsageError
from jecheck.report import files
from jecheck.report.files import OUTPUT_NAMES, check_out_dir, output_set

from safety_helpers import ATTACK_RULE, Journal, ledger_rows, small_ledger, write_attack_pack, write_parquet
UNWRITABLE = Path("/proc/self")  # not writable even by root
QUICK_SCAN = ("--select", "INT-001", "--no-model", "--quiet")
HOSTILE_TEXT = ("../../../escaped", "/tmp/escaped-absolute", "CON", "a/b", "a\\b", "nul\x00byte", "x" * 300,
                "report.xlsx", ".jecheck-writing-x", "=HYPERLINK(\"http://x\")", "<script>x</script>", "")


def scan_cli(ledger: Path, out: Path | str, *args: str):
    return CliRunner().invoke(main, ["scan", str(ledger), "--out", str(out), *QUICK_SCAN, *args])


def every_path(root: Path) -> dict[Path, int]:
    """Every file and folder under `root` (hidden ones too) with its modification time."""
    return {path: path.lstat().st_mtime_ns for path in root.rglob("*")}


def assert_usage_error(result, *fragments: str) -> None:
    assert result.exit_code == 2, (result.output, result.exception)
    assert "Traceback" not in result.output
    for fragment in fragments:
        assert fragment in result.stderr


# --out as given by the user

def test_out_with_dot_dot_segments_is_resolved_without_creating_the_folders_it_passes_through(tmp_path):
    ledger = small_ledger(tmp_path / "gl.parquet")
    result = scan_cli(ledger, tmp_path / "never" / ".." / "reports")
    assert result.exit_code == 0, result.output
    assert sorted(p.name for p in (tmp_path / "reports").iterdir()) == ["findings.json", "report.html", "report.xlsx"]
    assert not (tmp_path / "never").exists()


def test_relative_out_with_dot_dot_lands_beside_the_working_folder(tmp_path, monkeypatch):
    ledger = small_ledger(tmp_path / "gl.parquet")
    (tmp_path / "work").mkdir()
    monkeypatch.chdir(tmp_path / "work")
    result = scan_cli(ledger, "../beside")
    assert result.exit_code == 0, result.output
    assert (tmp_path / "beside" / "findings.json").is_file()
    assert list((tmp_path / "work").iterdir()) == []


def test_out_that_is_an_existing_file_is_exit_2_naming_it_and_the_file_is_kept(tmp_path):
    taken = tmp_path / "notes.txt"
    taken.write_text("mine")
    result = scan_cli(small_ledger(tmp_path / "gl.parquet"), taken)
    assert_usage_error(result, "'--out'", str(taken), "is a file")
    assert taken.read_text() == "mine"


def test_out_inside_a_file_is_exit_2_naming_the_file_before_the_scan(tmp_path):
    taken = tmp_path / "notes.txt"
    taken.write_text("mine")
    result = scan_cli(tmp_path / "no-such-ledger.parquet", taken / "out")  # --out is checked first
    assert_usage_error(result, f"{taken / 'out'} cannot be created because {taken} is a file")


@pytest.mark.skipif(not UNWRITABLE.is_dir(), reason="needs Linux /proc")
@pytest.mark.parametrize("out, verb", [(UNWRITABLE / "jecheck-out", "created"), (UNWRITABLE, "written")])
def test_out_that_cannot_be_created_or_written_is_exit_2_before_the_scan(tmp_path, out, verb):
    result = scan_cli(tmp_path / "no-such-ledger.parquet", out)
    assert_usage_error(result, f"{out} cannot be {verb}", "choose a folder you can write to")


@pytest.mark.skipif(not UNWRITABLE.is_dir(), reason="needs Linux /proc")
def test_the_library_refuses_an_unwritable_folder_too(tmp_path):
    with pytest.raises(UsageError, match=f"^--out {UNWRITABLE}/sub cannot be created .*; choose a folder"):
        with output_set(UNWRITABLE / "sub"):
            pass


def test_checking_the_folder_creates_nothing(tmp_path):
    before = every_path(tmp_path)
    assert check_out_dir(tmp_path / "a" / ".." / "b" / "c") == tmp_path / "b" / "c"
    assert every_path(tmp_path) == before


def test_a_folder_named_like_an_output_is_exit_2_and_left_alone(tmp_path):
    out = tmp_path / "out"
    (out / "report.html").mkdir(parents=True)
    (out / "report.html" / "keep.txt").write_text("mine")
    result = scan_cli(small_ledger(tmp_path / "gl.parquet"), out)
    assert_usage_error(result, f"{out} holds a folder named report.html")
    assert (out / "report.html" / "keep.txt").read_text() == "mine"


# One whole set at a time

def bad_amount_ledger(path: Path) -> Path:
    path.write_text("journal_id,account,amount,effective_date\nJ1,1000,5,2024-01-31\nJ1,2000,-5,2024-01-31\n"
                    "J2,1000,abc,2024-01-31\n")
    return path


def test_rerun_replaces_the_earlier_set_and_touches_nothing_else(tmp_path):
    out = tmp_path / "out"
    assert scan_cli(bad_amount_ledger(tmp_path / "earlier.csv"), out).exit_code == 0
    assert (out / "rejects.csv").is_file()
    theirs = {"notes.txt": "mine", "report.html.bak": "older copy", "sub/findings.json": "{}"}
    for name, text in theirs.items():
        (out / name).parent.mkdir(exist_ok=True)
        (out / name).write_text(text)
    kept = {p: p.stat().st_mtime_ns for p in (out / name for name in theirs)}

    assert scan_cli(small_ledger(tmp_path / "later.parquet"), out).exit_code == 0

    assert sorted(p.name for p in out.iterdir()) == sorted(
        ["findings.json", "report.html", "report.xlsx", "notes.txt", "report.html.bak", "sub"])
    assert "later.parquet" in (out / "findings.json").read_text()
    assert {p: p.stat().st_mtime_ns for p in kept} == kept
    assert {name: (out / name).read_text() for name in theirs} == theirs


def earlier_set(out: Path) -> dict[str, bytes]:
    with output_set(out) as staging:
        for name in ("findings.json", "rejects.csv", "report.xlsx"):
            (staging / name).write_text(f"earlier {name}")
    return {p.name: p.read_bytes() for p in out.iterdir()}


def test_output_set_moves_the_new_set_in_and_removes_earlier_outputs_it_did_not_write(tmp_path):
    out = tmp_path / "out"
    earlier_set(out)
    (out / "notes.txt").write_text("mine")
    with output_set(out) as staging:
        assert staging.parent == out and staging.name.startswith(files.STAGING_PREFIX)
        for name in ("findings.json", "report.xlsx", "report.html"):
            (staging / name).write_text(f"later {name}")
    assert {p.name: p.read_text() for p in out.iterdir()} == {
        "findings.json": "later findings.json", "report.xlsx": "later report.xlsx",
        "report.html": "later report.html", "notes.txt": "mine"}


@pytest.mark.parametrize("failure", [KeyboardInterrupt, RuntimeError])
def test_output_set_that_fails_leaves_the_earlier_set_whole_and_no_staging(tmp_path, failure):
    out = tmp_path / "out"
    before = earlier_set(out)
    with pytest.raises(failure):
        with output_set(out) as staging:
            (staging / "findings.json").write_text("later, half done")
            raise failure
    assert {p.name: p.read_bytes() for p in out.iterdir()} == before


def test_output_set_refuses_a_name_outside_the_fixed_set(tmp_path):
    out = tmp_path / "out"
    before = earlier_set(out)
    with pytest.raises(ValueError, match="not a jecheck output name: notes.txt"):
        with output_set(out) as staging:
            (staging / "findings.json").write_text("later")
            (staging / "notes.txt").write_text("later")
    assert {p.name: p.read_bytes() for p in out.iterdir()} == before


def test_ctrl_c_during_the_swap_lands_after_the_whole_new_set_is_in_place(tmp_path, monkeypatch):
    out = tmp_path / "out"
    earlier_set(out)
    real_replace = os.replace

    def replace_then_ctrl_c(source, target):
        real_replace(source, target)
        signal.raise_signal(signal.SIGINT)

    monkeypatch.setattr(files.os, "replace", replace_then_ctrl_c)
    with pytest.raises(KeyboardInterrupt):
        with output_set(out) as staging:
            for name in ("findings.json", "report.xlsx", "report.html"):
                (staging / name).write_text(f"later {name}")
    assert {p.name: p.read_text() for p in out.iterdir()} == {
        name: f"later {name}" for name in ("findings.json", "report.xlsx", "report.html")}
    assert signal.getsignal(signal.SIGINT) is signal.default_int_handler


# Ledger and rule text never shapes a file name

def hostile_ledger(path: Path) -> Path:
    """Journals whose id, description, account and users are each a planted path, device name or long name."""
    journals = [Journal(text or "blank", datetime(2024, 3, 4).date(), datetime(2024, 3, 4, 10), text or "u1",
                        "approver", text, (text or "1000", "2000"), (Decimal(n + 1), -Decimal(n + 1)))
                for n, text in enumerate(HOSTILE_TEXT)]
    return write_parquet(ledger_rows(journals), path)


def test_hostile_ledger_and_rule_pack_text_writes_only_jecheck_names_inside_out(tmp_path):
    pack = write_attack_pack(tmp_path / "pack", {"ACME-001": "SELECT journal_id FROM journals"})
    rule_file = pack / "ACME-001.attack.yaml"
    rule_file.write_text(rule_file.read_text().replace("title: A rule from elsewhere",
                                                       "title: '../../../escaped-title CON a/b'"))
    (pack / "pack.yaml").write_text('name: "../../../escaped-pack"\nversion: "../1"\ndescription: "a/b CON"\n')
    ledger = hostile_ledger(tmp_path / "gl.parquet")
    out = tmp_path / "deep" / "er" / "out"  # ../../../ from inside out still lands in tmp_path, where it is seen
    before = every_path(tmp_path)

    result = CliRunner().invoke(main, ["scan", str(ledger), "--out", str(out), "--rules", str(pack), "--quiet",
                                       "--select", "ACME-001,INT,TXT,ACC"])

    assert result.exit_code == 0, (result.output, result.exception)
    created = set(every_path(tmp_path)) - set(before)
    assert {tmp_path / "deep", tmp_path / "deep" / "er", out} <= created
    assert created - {tmp_path / "deep", tmp_path / "deep" / "er", out} == {out / name for name in OUTPUT_NAMES
                                                                          if (out / name).exists()}
    assert {"findings.json", "report.xlsx", "report.html"} <= {p.name for p in out.iterdir()}
    assert "ACME-001" in openpyxl.load_workbook(out / "report.xlsx", read_only=True).sheetnames
    assert not Path("/tmp/escaped-absolute").exists()


@pytest.mark.parametrize("rule_id", ["../../../escaped", "a/b", "CON", "INT-001\x00x", "ACME-" + "1" * 300])
def test_a_rule_id_that_is_not_an_id_is_refused_before_anything_is_written(tmp_path, rule_id):
    pack = write_attack_pack(tmp_path / "pack", {})
    body = ATTACK_RULE.format(rule_id="ACME-001", sql="  SELECT journal_id FROM journals")
    (pack / "ACME-001.attack.yaml").write_text(body.replace("id: ACME-001", f"id: {json.dumps(rule_id)}"))
    out = tmp_path / "out"
    result = scan_cli(small_ledger(tmp_path / "gl.parquet"), out, "--rules", str(pack))
    assert result.exit_code == 3, (result.output, result.exception)
    assert result.stderr.startswith(f"jecheck: error: {pack / 'ACME-001.attack.yaml'}:")
    assert not out.exists()
