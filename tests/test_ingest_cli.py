"""`jecheck map` and the shared ledger options."""

from __future__ import annotations

import json

import click
from click.testing import CliRunner

from jecheck.cli import main
from jecheck.cli.options import ledger_options, load_options_from

from ingest_helpers import load_paths, rows, write_text

ODD_HEADER = ["Beleg", "Konto", "Betrag", "Buchungstag", "Text"]
ODD_ROWS = [["B1", "1000", "100,00", "31.01.2024", "Miete"], ["B1", "2000", "-100,00", "31.01.2024", "Miete"]]


def test_map_prints_layout_mapping_and_a_mapping_file(tmp_path):
    path = write_text(tmp_path / "gl.csv", ["Journal_ID", "GL_Account_Number", "Amount",
                                           "Amount_Credit_Debit_Indicator", "Effective_Date", "Extra"],
                      [["J1", "1000", "5", "D", "20240131", "x"]])
    result = CliRunner().invoke(main, ["map", str(path)])
    assert result.exit_code == 0, result.output
    assert "Layout: ads_flat" in result.output
    assert "amount" in result.output and "signed by Amount_Credit_Debit_Indicator" in result.output
    assert "Unmapped columns: Extra" in result.output
    assert 'journal_id = "Journal_ID"' in result.output


def test_unknown_layout_exits_3_and_the_written_file_completes_the_load(tmp_path):
    path = write_text(tmp_path / "buchungen.csv", ODD_HEADER, ODD_ROWS, delimiter=";")
    mapping = tmp_path / "map.toml"
    result = CliRunner().invoke(main, ["map", str(path), "--write", str(mapping)])
    assert result.exit_code == 3
    assert "no column found for journal_id, account, amount, effective_date" in result.output
    text = mapping.read_text()
    assert 'journal_id = ""   # REQUIRED' in text
    for target, column in (("journal_id", "Beleg"), ("account", "Konto"), ("amount", "Betrag"),
                           ("effective_date", "Buchungstag")):
        text = text.replace(f'{target} = ""', f'{target} = "{column}"', 1)
    mapping.write_text(text)
    con, report = load_paths(path, map_file=str(mapping))
    assert report.rows_loaded == 2
    assert rows(con, "SELECT sum(amount), min(effective_date)::VARCHAR FROM lines") == [(0, "2024-01-31")]


def test_map_json_lists_missing_columns_with_candidates(tmp_path):
    path = write_text(tmp_path / "gl.csv", ["Doc No", "GL Acct", "Amt", "Posting Dt"], [["1", "2", "3", "2024-01-01"]])
    result = CliRunner().invoke(main, ["map", str(path), "--json"])
    plan = json.loads(result.output[: result.output.rindex("}") + 1])
    assert plan["missing"] == ["account", "amount", "effective_date"]
    assert "GL Acct" in plan["candidates"]["account"]
    assert "Posting Dt" in plan["candidates"]["effective_date"]


def test_ledger_options_build_load_options(tmp_path):
    coa = write_text(tmp_path / "coa.csv", ["Account", "Name"], [["1000", "Cash"]])
    seen = {}

    @click.command()
    @click.argument("ledger", nargs=-1)
    @ledger_options
    def command(ledger, **kwargs):
        seen["options"] = load_options_from(ledger, kwargs)

    result = CliRunner().invoke(command, ["a.csv", "--coa", str(coa), "--date-format", "DMY", "--decimal-comma",
                                          "--delimiter", ";", "--rejects", "out.csv"])
    assert result.exit_code == 0, result.output
    options = seen["options"]
    assert options.paths == ("a.csv",)
    assert (options.coa, options.date_format, options.decimal_comma, options.delimiter, options.rejects_file) == (
        str(coa), "DMY", True, ";", "out.csv")
    assert options.users is None and options.map_file is None
