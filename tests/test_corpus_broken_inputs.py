"""The broken-input corpus (issue 7): every kind of bad ledger through the real CLI, with its exact outcome.

Each case either fails with exit 2/3 and ONE sentence naming the file (and column) with a remedy, or loads with
the bad rows in rejects (reason naming the column) and `read = loaded + rejected`: never a traceback, never a
silently dropped row. Files are written by the tests; nothing binary is committed.
"""

from __future__ import annotations

import csv
import json
from pathlib import Path

import duckdb
import pytest
import xlsxwriter
from click.testing import CliRunner

from jecheck.cli import main

HEADER = "journal_id,account,amount,effective_date,line_description\n"
BALANCED = HEADER + "J1,1000,5,2024-01-31,a\nJ1,2000,-5,2024-01-31,b\n"


def write(directory: Path, name: str, content: str | bytes) -> Path:
    path = directory / name
    path.write_bytes(content if isinstance(content, bytes) else content.encode())
    return path


def lines(*rows: str) -> str:
    return HEADER + "".join(row + "\n" for row in rows)


def parquet_bytes(directory: Path) -> bytes:
    source, target = write(directory, "src.csv", BALANCED), directory / "src.parquet"
    duckdb.connect().execute(f"COPY (SELECT * FROM read_csv('{source}', all_varchar = true)) TO '{target}'")
    return target.read_bytes()


def xlsx_bytes(directory: Path) -> bytes:
    target = directory / "src.xlsx"
    with xlsxwriter.Workbook(str(target)) as book:
        sheet = book.add_worksheet()
        for r, row in enumerate(csv.reader(BALANCED.splitlines())):
            sheet.write_row(r, 0, row)
    return target.read_bytes()


def run(*args: str | Path):
    return CliRunner().invoke(main, [str(a) for a in args])


def assert_one_sentence_error(result, exit_code: int, *fragments: str) -> None:
    """Exit code as documented; stderr is one `jecheck: error:` line naming what is wrong; no traceback."""
    assert result.exit_code == exit_code, (result.stdout, result.stderr, result.exception)
    assert not isinstance(result.exception, Exception) or isinstance(result.exception, SystemExit)
    message = result.stderr.strip()
    assert len(message.splitlines()) == 1 and message.startswith("jecheck: error: ")
    assert "Traceback" not in result.output
    for fragment in fragments:
        assert fragment in message, message


def profile(ledger: Path, *options: str | Path) -> tuple[dict, dict[int, str]]:
    """`profile --json` of a ledger that must load: the profile and the written rejects (source row -> reason)."""
    rejects_file = ledger.with_name(ledger.name + ".rejects.csv")
    result = run("profile", "--json", ledger, *options, "--rejects", rejects_file)
    assert result.exit_code == 0, (result.stderr, result.exception)
    summary = json.loads(result.stdout)
    assert summary["rows"]["read"] == summary["rows"]["loaded"] + summary["rows"]["rejected"]
    with open(rejects_file, newline="", encoding="utf-8") as handle:
        rejected = {int(row["source_row"]): row["reason"] for row in csv.DictReader(handle)}
    assert len(rejected) == summary["rows"]["rejected"]
    return summary, rejected


# --- Files that cannot be a ledger: exit 2/3 with one sentence -----------------------------------------------------

ERROR_CASES = {
    # case: (file name, content or builder, extra CLI options, exit code, fragments the sentence must contain)
    "empty file": ("empty.csv", "", (), 3, ("empty.csv", "is empty", "export")),
    "header only": ("header.csv", HEADER, (), 3, ("header.csv", "no data rows", "export")),
    "truncated parquet": ("gl.parquet", lambda d: parquet_bytes(d)[:300], (), 3,
                          ("gl.parquet", "not a readable Parquet file", "export it again")),
    "truncated xlsx": ("gl.xlsx", lambda d: xlsx_bytes(d)[:500], (), 3,
                       ("gl.xlsx", "not a readable Excel workbook", "export CSV")),
    "unknown layout": ("export.csv", "Doc,Acct No.,Value,Booked\n1,2,3,4\n", (), 3,
                       ("export.csv", "no column found for journal_id", "--map", "jecheck map")),
    "required column missing": ("noamount.csv", "journal_id,account,effective_date\nJ1,1000,2024-01-31\n", (), 3,
                                ("noamount.csv", "no column found for amount", "--map")),
    "mapping names a missing column": ("gl.csv", BALANCED, ("--map", "map.toml"), 2,
                                       ("map.toml", "'Amt'", "gl.csv does not have", "correct the mapping file")),
}


@pytest.mark.parametrize("case", ERROR_CASES)
def test_unusable_files_are_one_sentence_errors(tmp_path, case):
    name, content, options, exit_code, fragments = ERROR_CASES[case]
    ledger = write(tmp_path, name, content(tmp_path) if callable(content) else content)
    write(tmp_path, "map.toml", '[columns]\namount = "Amt"\n')
    options = [tmp_path / o if o.endswith(".toml") else o for o in options]
    assert_one_sentence_error(run("profile", ledger, *options), exit_code, *fragments)


def test_debug_shows_the_traceback_instead(tmp_path):
    result = run("--debug", "profile", write(tmp_path, "empty.csv", ""))
    assert result.exit_code != 0 and type(result.exception).__name__ == "DataError"


def test_sap_pair_sharing_no_document_is_an_error(tmp_path):
    bkpf = write(tmp_path, "BKPF.csv", "BUKRS;BELNR;GJAHR;BLART;BUDAT;BLDAT;USNAM\n"
                                       "1000;0100000001;2024;SA;31.03.2024;31.03.2024;X\n")
    bseg = write(tmp_path, "BSEG.csv", "BUKRS;BELNR;GJAHR;BUZEI;SHKZG;HKONT;DMBTR\n"
                                       "1000;0200000001;2024;001;S;0000640000;5,00\n"
                                       "1000;0200000001;2024;002;H;0000640001;5,00\n")
    assert_one_sentence_error(run("profile", bkpf, bseg), 3, "BSEG.csv", "BKPF.csv", "share no document",
                              "same selection")


# --- Files in disguise: read by what they are, with a warning ------------------------------------------------------

@pytest.mark.parametrize("name, content, warned", [
    ("gl.parquet", lambda d: BALANCED.encode(), "gl.parquet is really delimited text"),
    ("gl.xlsx", lambda d: BALANCED.encode(), "gl.xlsx is really delimited text"),
    ("gl.csv", parquet_bytes, "gl.csv is really a Parquet file"),
    ("gl.txt", lambda d: BALANCED.encode(), None),
    ("gl.dat", lambda d: BALANCED.encode(), None),
])
def test_wrong_extension_is_read_by_content(tmp_path, name, content, warned):
    summary, rejected = profile(write(tmp_path, name, content(tmp_path)))
    assert summary["rows"]["loaded"] == 2 and not rejected
    assert summary["journals"] == 1
    if warned:
        assert any(warned in w for w in summary["warnings"])


# --- Bad cells: the row is rejected with a reason naming the column, or loaded as the value means ------------------

def test_bad_amounts(tmp_path):
    summary, rejected = profile(write(tmp_path, "gl.csv", lines(
        "J1,1000,abc,2024-01-31,a", "J1,1000,,2024-01-31,b", "J1,1000,.,2024-01-31,c", "J1,1000,-,2024-01-31,d",
        "J1,1000," + "9" * 40 + ",2024-01-31,e", "J1,1000,5,2024-01-31,f")))
    assert summary["rows"] == {"read": 6, "loaded": 4, "rejected": 2, "skipped_not_lines": {}}
    assert rejected == {1: "amount: cannot read 'abc' as a number", 5: f"amount: cannot read '{'9' * 40}' as a number"}
    assert summary["nulls"]["amount"] == 3  # blank, '.' and '-' mean no amount, not a rejected row


def test_bad_dates(tmp_path):
    summary, rejected = profile(write(tmp_path, "gl.csv", lines(
        "J1,1000,1,2024-02-31,february 31", "J1,1000,1,0000-01-01,year 0", "J1,1000,1,1900-01-01,placeholder",
        "J1,1000,1,garbage,unreadable", "J1,1000,1,15/01/2024,other form", "J1,1000,1,2024-01-31,fine")))
    assert summary["rows"]["read"] == 6 and summary["rows"]["rejected"] == 3
    assert set(rejected) == {1, 2, 4}
    assert all(reason.startswith("effective_date: ") for reason in rejected.values())
    assert summary["placeholder_dates"], summary  # 1900-01-01 is counted as a placeholder, not taken as a date
    assert any("2 forms" in w for w in summary["warnings"])  # mixed forms are each read, and said so


def test_null_journal_ids_are_rejected(tmp_path):
    summary, rejected = profile(write(tmp_path, "gl.csv", lines(",1000,5,2024-01-31,a", "J1,1000,5,2024-01-31,b")))
    assert summary["rows"]["loaded"] == 1 and rejected == {1: "journal_id: empty"}


def test_column_shifted_by_one_in_a_few_rows(tmp_path):
    summary, rejected = profile(write(tmp_path, "gl.csv", lines(
        "J1,1000,5,2024-01-31,a", "J1,2000,extra,-5,2024-01-31,b", "J2,1000,2024-01-31,c", "J2,2000,-7,2024-01-31,d")))
    assert summary["rows"]["loaded"] == 2
    assert rejected == {2: "row: more than 5 fields where the header has 5 (a value holding the delimiter?)",
                        3: "row: fewer than 5 fields where the header has 5"}


def test_latin1_bytes_in_a_utf8_file(tmp_path):
    utf8 = lines("J1,1000,5,2024-01-31,Straße").encode()
    path = write(tmp_path, "gl.csv", utf8 + b"J1,2000,-5,2024-01-31,Caf\xe9\n")
    summary, rejected = profile(path)
    assert summary["rows"]["loaded"] == 2 and not rejected
    assert any("not valid UTF-8" in w for w in summary["warnings"])


# --- Unusual but valid shapes load whole ---------------------------------------------------------------------------

def test_duplicate_journal_line_keys_are_kept(tmp_path):
    summary, rejected = profile(write(tmp_path, "gl.csv", "journal_id,line_no,account,amount,effective_date\n"
                                                          "J1,1,1000,5,2024-01-31\nJ1,1,2000,-5,2024-01-31\n"
                                                          "J1,2,3000,1,2024-01-31\nJ1,2,3000,-1,2024-01-31\n"
                                                          "J2,1,1000,1,2024-01-31\n"))
    assert summary["rows"]["loaded"] == 5 and summary["journals"] == 2 and not rejected
    assert any(w.startswith("2 journal id and line number pairs appear on more than one row (e.g. J1 line 1)")
               for w in summary["warnings"]), summary["warnings"]


def test_journal_of_one_line(tmp_path):
    summary, rejected = profile(write(tmp_path, "gl.csv", lines("J1,1000,5,2024-01-31,alone")))
    assert summary["rows"]["loaded"] == 1 and summary["journals"] == 1 and not rejected


def test_journal_of_100000_lines(tmp_path):
    path = tmp_path / "big.parquet"
    duckdb.connect().execute(f"""COPY (SELECT 'J1' AS journal_id, (1000 + i % 7)::VARCHAR AS account,
        CASE WHEN i % 2 = 0 THEN 1.25 ELSE -1.25 END AS amount, DATE '2024-01-31' AS effective_date
        FROM range(100000) t(i)) TO '{path}'""")
    summary, rejected = profile(path)
    assert summary["rows"]["loaded"] == 100_000 and summary["journals"] == 1 and not rejected


def test_hostile_descriptions_load_intact(tmp_path):
    hostile = ["x" * 100_000, "tab\tbell\x07escape\x1b", "emoji \U0001F600\U0001F4B8",
               "\u202eRTL \u05e9\u05dc\u05d5\u05dd",
               "nul\x00byte", "=HYPERLINK(\"http://x\")", "<script>alert(1)</script>"]
    path = tmp_path / "gl.parquet"
    con = duckdb.connect()
    con.execute("CREATE TABLE t AS SELECT 'J1' AS journal_id, '1000' AS account, 1.0 AS amount, "
                "DATE '2024-01-31' AS effective_date, d AS line_description FROM unnest(?::VARCHAR[]) u(d)", [hostile])
    con.execute(f"COPY t TO '{path}'")
    summary, rejected = profile(path)
    assert summary["rows"]["loaded"] == len(hostile) and not rejected


# --- Context files that contradict the ledger: loaded, and every gap is said ---------------------------------------

@pytest.mark.parametrize("option, name, content, warned", [
    ("--coa", "coa.csv", "account,name,type\n1000,Cash,asset\n9999,Other,asset\n",
     "--coa coa.csv does not list 1 of the ledger's accounts (2000)"),
    ("--users", "users.csv", "user_id,name\nann,Ann\n",
     "--users users.csv does not list 1 of the ledger's users (bob)"),
    ("--calendar", "calendar.csv", "period,period_start,period_end\n2023-12,2023-12-01,2023-12-31\n",
     "--calendar calendar.csv has no period for 1 of the ledger's effective dates (2024-01-31)"),
])
def test_context_file_contradicting_the_ledger_is_loaded_and_its_gaps_warned(tmp_path, option, name, content, warned):
    ledger = write(tmp_path, "gl.csv", "journal_id,account,amount,effective_date,entered_by\n"
                                       "J1,1000,5,2024-01-31,ann\nJ1,2000,-5,2024-01-31,bob\n")
    summary, rejected = profile(ledger, option, write(tmp_path, name, content))
    assert summary["rows"]["loaded"] == 2 and not rejected
    assert any(w.startswith(warned) for w in summary["warnings"]), summary["warnings"]


def test_context_file_agreeing_with_the_ledger_warns_nothing(tmp_path):
    ledger = write(tmp_path, "gl.csv", lines("J1,1000,5,2024-01-31,a", "J1,2000,-5,2024-01-31,b"))
    coa = write(tmp_path, "coa.csv", "account,name\n1000,Cash\n2000,Payables\n")
    calendar = write(tmp_path, "calendar.csv", "period,period_start,period_end\n2024-01,2024-01-01,2024-01-31\n")
    summary, _ = profile(ledger, "--coa", coa, "--calendar", calendar)
    assert not [w for w in summary["warnings"] if "of the ledger's" in w]


# --- The whole pipeline copes: scan (rules only) over a few of the worst cases -------------------------------------

def hostile_parquet(directory: Path) -> Path:
    path = directory / "hostile.parquet"
    duckdb.connect().execute(
        f"""COPY (SELECT 'J1' AS journal_id, '1000' AS account, 1.0 AS amount, DATE '2024-01-31' AS effective_date,
                  d AS line_description FROM unnest(?::VARCHAR[]) u(d)) TO '{path}'""",
        [["x" * 100_000, "nul\x00byte \x07", "\u202eRTL \U0001F600", "=cmd|' /C calc'!A0", "<b>bold</b>"]])
    return path


@pytest.mark.parametrize("build, loaded, rejected", [
    (lambda d: write(d, "amounts.csv", lines("J1,1000,abc,2024-01-31,a", "J1,1000,.,2024-01-31,b",
                                             "J1,1000," + "9" * 40 + ",2024-01-31,c", "J1,2000,5,2024-01-31,d")), 2, 2),
    (hostile_parquet, 5, 0),
])
def test_scan_runs_through_with_bad_rows_in_rejects(tmp_path, build, loaded, rejected):
    out = tmp_path / "out"
    result = run("scan", "--no-model", "--select", "INT", "--json", "--out", out, build(tmp_path))
    assert result.exit_code == 0, (result.stderr, result.exception)
    assert json.loads(result.stdout)["rows"] == {"read": loaded + rejected, "loaded": loaded, "rejected": rejected}
    if rejected:
        with open(out / "rejects.csv", newline="", encoding="utf-8") as handle:
            assert len(list(csv.DictReader(handle))) == rejected
    else:
        assert not (out / "rejects.csv").exists()
    assert (out / "findings.json").exists()


def test_scan_of_an_unusable_file_is_one_sentence(tmp_path):
    result = run("scan", "--no-model", "--out", tmp_path / "out", write(tmp_path, "header.csv", HEADER))
    assert_one_sentence_error(result, 3, "header.csv", "no data rows")
