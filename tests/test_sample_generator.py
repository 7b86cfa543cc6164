"""`jecheck sample`: exact size, determinism, balanced journals, and labels that mean what they say."""

from __future__ import annotations

import datetime as dt
from pathlib import Path

import pytest
from click.testing import CliRunner
from sample_helpers import open_sample, sha256

from jecheck.cli import main
from jecheck.errors import UsageError
from jecheck.sample.generator import generate_sample

LINES = 30_000
# Every rule of the rules issue, and the model-only kind: each must be planted at least three times.
RULE_IDS = (
    [f"CUT-00{i}" for i in range(1, 9)] + [f"APR-00{i}" for i in range(1, 7)] + [f"PPA-00{i}" for i in range(1, 6)]
    + [f"INT-00{i}" for i in range(1, 7)] + [f"TIM-00{i}" for i in range(1, 5)] + [f"AMT-00{i}" for i in range(1, 6)]
    + [f"USR-00{i}" for i in range(1, 4)] + [f"ACC-00{i}" for i in range(1, 7)] + ["TXT-001", "TXT-002", "SRC-001"]
    + ["model_only"]
)
# Journals that exist in the system but not in the extract, by design.
ABSENT = "rule_id = 'INT-004' OR (rule_id = 'INT-005' AND anomaly = 'missing_from_extract')"


@pytest.fixture(scope="module")
def ledger(tmp_path_factory) -> Path:
    out = tmp_path_factory.mktemp("sample") / "ledger.parquet"
    generate_sample(out, LINES, seed=11, chunk_lines=12_000)  # several chunks, as large ledgers have
    return out


@pytest.fixture(scope="module")
def con(ledger):
    return open_sample(ledger)


def planted(con, rule_id: str) -> set[str]:
    return {r[0] for r in con.execute("SELECT journal_id FROM labels WHERE rule_id = ?", [rule_id]).fetchall()}


def test_writes_exactly_the_lines_asked_for_in_the_canonical_schema(con, ledger):
    assert con.execute("SELECT count(*) FROM l").fetchone()[0] == LINES
    types = dict(con.execute("SELECT column_name, column_type FROM (DESCRIBE l)").fetchall())
    assert types["amount"] == "DECIMAL(38,4)"
    assert types["effective_date"] == "DATE" and types["entered_at"] == "TIMESTAMP"
    assert types["journal_id"] == "VARCHAR" and types["is_manual"] == "BOOLEAN"
    duplicates = con.execute("""
        SELECT count(*) FROM (SELECT journal_id, line_no FROM l GROUP BY ALL HAVING count(*) > 1)
        WHERE journal_id NOT IN (SELECT journal_id FROM labels WHERE rule_id = 'INT-003')""")
    assert duplicates.fetchone()[0] == 0
    for kind in ("coa", "users", "calendar", "sources", "tb", "control_totals", "labels"):
        assert Path(f"{ledger.with_suffix('')}.{kind}.csv").stat().st_size > 0


def test_same_seed_same_files_other_seed_other_ledger(tmp_path):
    first, second, other = (tmp_path / name / "l.parquet" for name in ("a", "b", "c"))
    for out, seed in ((first, 5), (second, 5), (other, 6)):
        generate_sample(out, 20_000, seed=seed, start=dt.date(2023, 7, 1), months=6)
    for suffix in (".parquet", ".labels.csv", ".tb.csv", ".control_totals.csv", ".calendar.csv", ".users.csv"):
        name = "l" + suffix
        assert sha256(first.with_name(name)) == sha256(second.with_name(name)), name
    assert sha256(first) != sha256(other)


def test_every_journal_balances_except_the_planted_unbalanced_ones(con):
    unbalanced = {r[0] for r in con.execute("SELECT journal_id FROM j WHERE net <> 0").fetchall()}
    assert unbalanced == planted(con, "INT-001")


@pytest.mark.parametrize("rule_id", RULE_IDS)
def test_every_rule_is_planted_at_least_three_times(con, rule_id):
    assert len(planted(con, rule_id)) >= 3


def test_labelled_journals_are_in_the_ledger_unless_the_extract_lost_them(con):
    present = "journal_id IN (SELECT journal_id FROM l)"
    assert con.execute(f"SELECT count(*) FROM labels WHERE NOT ({ABSENT}) AND NOT {present}").fetchone()[0] == 0
    assert con.execute(f"SELECT count(*) FROM labels WHERE ({ABSENT}) AND {present}").fetchone()[0] == 0


def test_numbering_gaps_are_labelled_on_the_journal_after_the_unused_number(con):
    gaps = con.execute("""SELECT CAST(journal_id AS BIGINT) FROM labels
                          WHERE rule_id = 'INT-003' AND anomaly = 'number_gap'""").fetchall()
    lost = {r[0] for r in con.execute(f"SELECT journal_id FROM labels WHERE {ABSENT}").fetchall()}
    assert len(gaps) > len(lost) > 0  # the planted gaps, and one per journal the extract lost
    for (after,) in gaps:
        numbers = {int(r[0]) for r in con.execute(
            "SELECT DISTINCT journal_id FROM l WHERE CAST(journal_id AS BIGINT) IN (?, ?)",
            [after - 1, after]).fetchall()}
        assert numbers == {after}, f"{after - 1} should be unused and {after} used"


# What each planted journal must show in the data (a property any rule for it has to see).
PROPERTIES = {
    "CUT-001": "SELECT journal_id FROM j JOIN calendar c ON j.effective BETWEEN CAST(c.Period_Start AS DATE) "
               "AND CAST(c.Period_End AS DATE) AND c.Period NOT LIKE '%-13' "
               "WHERE j.entered_at > CAST(c.Closed_At AS TIMESTAMP)",
    "CUT-003": "SELECT journal_id FROM j WHERE document > effective AND month(document) <> month(effective)",
    "CUT-004": "SELECT journal_id FROM j WHERE date_diff('day', effective, CAST(entered_at AS DATE)) > 20",
    "CUT-005": "SELECT journal_id FROM j WHERE date_diff('day', CAST(entered_at AS DATE), effective) > 30",
    "CUT-006": "SELECT journal_id FROM j WHERE period = '13'",
    "CUT-007": "SELECT journal_id FROM j WHERE period <> '13' AND CAST(period AS INTEGER) <> month(effective)",
    "APR-001": "SELECT journal_id FROM j WHERE approved_by IS NULL",
    "APR-002": "SELECT journal_id FROM j WHERE approved_by = entered_by",
    "APR-005": "SELECT journal_id FROM j, (VALUES (5000), (10000), (25000), (50000), (100000)) t(x) "
               "WHERE total >= 0.95 * x AND total < x",
    "PPA-003": "SELECT journal_id FROM l WHERE account IN ('3300', '3900', '3950')",
    "PPA-004": "SELECT journal_id FROM j WHERE date_diff('day', document, effective) > 100",
    "INT-006": "SELECT journal_id FROM l WHERE account IS NULL OR effective_date IS NULL OR amount = 0",
    "TIM-001": "SELECT journal_id FROM j WHERE dayofweek(entered_at) IN (0, 6)",
    "TIM-003": "SELECT journal_id FROM j WHERE hour(entered_at) NOT BETWEEN 6 AND 19",
    "AMT-001": "SELECT journal_id FROM j WHERE total % 1000 = 0",
    "TXT-001": "SELECT journal_id FROM j WHERE header IS NULL OR length(header) < 4",
    "TXT-002": "SELECT journal_id FROM j WHERE regexp_matches(lower(header), "
               "'plug|per cfo|override|do not reverse|adjust to match|as instructed')",
    "PPA-001": "SELECT journal_id FROM j WHERE regexp_matches(lower(header), "
               "'prior period|restate|true-up|catch-up|correct|korrektur|antérieure|anterior')",
    "ACC-003": "SELECT journal_id FROM l JOIN coa ON coa.GL_Account_Number = l.account "
               "WHERE coa.Account_Subtype IN ('suspense', 'clearing', 'intercompany')",
    "ACC-006": "SELECT journal_id FROM l WHERE is_manual AND account = '1000' AND amount < 0",
    "SRC-001": "SELECT journal_id FROM j JOIN sources s ON s.Source = j.source "
               "WHERE s.Source_Description LIKE 'Top-side%'",
    "USR-003": "SELECT journal_id FROM j JOIN users u ON u.User_ID = j.entered_by "
               "WHERE u.Department NOT IN ('Accounting', 'Finance') OR u.Title LIKE 'Chief%'",
    "APR-006": "SELECT journal_id FROM j LEFT JOIN users p ON p.User_ID = j.entered_by "
               "LEFT JOIN users a ON a.User_ID = j.approved_by WHERE p.User_ID IS NULL OR j.entered_by = 'ADMIN' "
               "OR a.User_Active_Status = 'Inactive' OR (p.User_Active_Status = 'Inactive' "
               "AND CAST(j.entered_at AS DATE) > CAST(p.User_Active_Modified_Date AS DATE))",
}
# Properties so plain that ordinary activity must never show them: only planted journals do.
ONLY_PLANTED = ("CUT-001", "CUT-006", "CUT-007", "APR-001", "APR-002", "PPA-003", "PPA-004", "INT-006", "TIM-001",
                "TIM-003", "TXT-001", "TXT-002", "PPA-001", "ACC-003", "ACC-006", "SRC-001", "USR-003", "APR-006")


@pytest.mark.parametrize("rule_id", sorted(PROPERTIES))
def test_planted_journals_show_what_their_rule_looks_for(con, rule_id):
    showing = {r[0] for r in con.execute(PROPERTIES[rule_id]).fetchall()}
    assert planted(con, rule_id) <= showing
    if rule_id in ONLY_PLANTED:
        labelled = {r[0] for r in con.execute("SELECT journal_id FROM labels").fetchall()}
        assert showing <= labelled, f"ordinary journals show {rule_id}'s property: {sorted(showing - labelled)[:5]}"


def test_ordinary_activity_keeps_to_office_days_and_hours(con):
    labelled = "journal_id NOT IN (SELECT journal_id FROM labels)"
    holidays = ("'2024-01-01', '2024-01-15', '2024-02-19', '2024-05-27', '2024-06-19', '2024-07-04', '2024-09-02', "
                "'2024-10-14', '2024-11-11', '2024-11-28', '2024-12-25'")
    off = con.execute(f"""SELECT count(*) FROM j WHERE {labelled} AND (hour(entered_at) NOT BETWEEN 8 AND 17
                          OR dayofweek(entered_at) IN (0, 6) OR CAST(entered_at AS DATE) IN ({holidays}))""")
    assert off.fetchone()[0] == 0
    assert set(planted(con, "TIM-002")) <= {r[0] for r in con.execute(
        f"SELECT journal_id FROM j WHERE CAST(entered_at AS DATE) IN ({holidays})").fetchall()}


def test_the_model_only_combination_appears_in_no_other_journal(con):
    mixed = {r[0] for r in con.execute("""
        SELECT journal_id FROM l GROUP BY journal_id
        HAVING bool_or(account IN ('6210', '6220')) AND bool_or(account IN ('6400', '6410', '6420'))""").fetchall()}
    assert mixed == planted(con, "model_only")
    values = con.execute("""SELECT count(*) FROM l WHERE journal_id IN (SELECT journal_id FROM labels
                            WHERE rule_id = 'model_only') AND (NOT is_manual OR approved_by IS NULL)""").fetchone()
    assert values[0] == 0


def test_accruals_are_reversed_on_the_next_day_by_a_linked_journal(con):
    pairs = con.execute("""
        SELECT count(*), count(*) FILTER (WHERE r.effective_date = a.effective_date + 1 AND r.amount = -a.amount)
        FROM l a JOIN l r ON r.journal_id = a.reversal_journal_id AND r.line_no = a.line_no
        WHERE a.reversal_indicator = '2'""").fetchone()
    assert pairs[0] > 50
    partial = planted(con, "CUT-002")
    assert pairs[0] - pairs[1] <= 2 * len(partial)  # only the planted partial reversals differ


def test_trial_balance_rolls_forward_except_where_the_extract_lost_or_broke_lines(con):
    differences = con.execute("""
        WITH activity AS (SELECT account, fiscal_year, period, sum(amount) AS amount FROM l
                          WHERE account IS NOT NULL GROUP BY ALL)
        SELECT t.GL_Account_Number, t.Period FROM tb t
        LEFT JOIN activity a ON a.account = t.GL_Account_Number AND a.fiscal_year = CAST(t.Fiscal_Year AS INTEGER)
             AND a.period = t.Period
        WHERE CAST(t.Amount_Ending AS DECIMAL(38, 2)) - CAST(t.Amount_Beginning AS DECIMAL(38, 2))
              <> coalesce(a.amount, 0)""").fetchall()
    lost = {(r[0], r[1].split("-")[1].lstrip("0")) for r in con.execute(
        "SELECT account, period FROM labels WHERE rule_id = 'INT-004'").fetchall()}
    # Unbalanced journals and lines without an account are extract defects: the system kept the original.
    broken_periods = {r[0] for r in con.execute("""
        SELECT DISTINCT l.period FROM l JOIN labels b USING (journal_id)
        WHERE b.rule_id = 'INT-001' OR b.anomaly = 'missing_account'""").fetchall()}
    assert lost and lost <= set(differences)
    assert all(period in broken_periods for _, period in set(differences) - lost)
    assert con.execute("SELECT sum(CAST(Amount_Ending AS DECIMAL(38, 2))) FROM tb").fetchone()[0] == 0


def test_control_totals_match_the_extract_except_where_planted(con):
    mismatched = {r[0] for r in con.execute("""
        WITH extract AS (SELECT journal_id, CASE WHEN amount > 0 THEN 'D' ELSE 'C' END AS side,
                                sum(abs(amount)) AS total
                         FROM l WHERE amount <> 0 GROUP BY ALL),
             system AS (SELECT Journal_ID AS journal_id, Amount_Credit_Debit_Indicator AS side,
                               CAST(Total AS DECIMAL(38, 2)) AS total FROM log)
        SELECT coalesce(e.journal_id, s.journal_id) FROM extract e FULL JOIN system s USING (journal_id, side)
        WHERE e.total IS DISTINCT FROM s.total""").fetchall()}
    expected = {r[0] for r in con.execute("""
        SELECT journal_id FROM labels
        WHERE rule_id IN ('INT-001', 'INT-004', 'INT-005') OR anomaly = 'duplicate_number'""").fetchall()}
    assert planted(con, "INT-005") <= mismatched
    assert mismatched <= expected


def test_context_files_use_the_audit_data_standard_columns(con):
    def columns(table):
        return [r[0] for r in con.execute(f"SELECT column_name FROM (DESCRIBE {table})").fetchall()]

    assert columns("coa") == ["GL_Account_Number", "GL_Account_Name", "Account_Type", "Account_Subtype"]
    assert columns("users")[:8] == ["User_ID", "First_Name", "Last_Name", "Title", "Department", "Role_Responsibility",
                                    "User_Active_Status", "User_Active_Modified_Date"]
    assert columns("calendar") == ["Period", "Fiscal_Year", "Period_Start", "Period_End", "Closed_At"]
    assert columns("log") == ["Journal_ID", "Amount_Credit_Debit_Indicator", "Total", "Entered_Date", "Entered_Time"]
    assert con.execute("SELECT count(*) FROM (SELECT DISTINCT account FROM l WHERE account NOT IN "
                       "(SELECT GL_Account_Number FROM coa))").fetchone()[0] == 0
    unknown_users = {r[0] for r in con.execute(
        "SELECT DISTINCT entered_by FROM l WHERE entered_by NOT IN (SELECT User_ID FROM users)").fetchall()}
    assert unknown_users == {"TEMP01"}  # the planted unknown preparer, and no one else


def test_csv_output_holds_the_same_ledger_as_parquet(tmp_path):
    import duckdb

    summary = ("SELECT count(*), count(DISTINCT journal_id), sum(CAST(amount AS DECIMAL(38, 4))), "
               "sum(hash(CAST(journal_id AS VARCHAR), line_no, CAST(account AS VARCHAR), "
               "CAST(entered_at AS TIMESTAMP), entered_by)) FROM {}")
    results = []
    for name in ("l.csv", "l.parquet"):
        generate_sample(tmp_path / name, 20_000, seed=2, months=3)
        reader = "read_csv" if name.endswith(".csv") else "read_parquet"
        results.append(duckdb.connect().execute(summary.format(f"{reader}('{tmp_path / name}')")).fetchone())
    assert results[0] == results[1]
    assert results[0][0] == 20_000


@pytest.mark.parametrize("arguments", [
    dict(lines=100), dict(lines=50_000, months=2), dict(lines=50_000, out_name="l.txt"),
])
def test_bad_arguments_are_one_sentence_usage_errors(tmp_path, arguments):
    out = tmp_path / arguments.pop("out_name", "l.parquet")
    with pytest.raises(UsageError):
        generate_sample(out, **arguments)
    assert not out.exists()


def test_cli_writes_the_files_it_lists_and_refuses_bad_input(tmp_path):
    out = tmp_path / "demo" / "ledger.parquet"
    result = CliRunner().invoke(main, ["sample", "--lines", "20000", "--seed", "3", "--months", "4", "--out", str(out)])
    assert result.exit_code == 0, result.output
    assert "20,000 lines" in result.output
    for line in result.output.splitlines()[1:8]:
        assert Path(line.split()[1]).exists()
    bad = CliRunner().invoke(main, ["sample", "--lines", "10", "--out", str(tmp_path / "x.parquet")])
    assert bad.exit_code == 2 and "at least" in bad.output and "Traceback" not in bad.output
