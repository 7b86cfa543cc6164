"""A small scan result built by hand for the report tests: a DuckDB with lines, views, findings and review.

Journals J0001..J{n} over Jan-Mar 2024, two lines each; hostile text is planted in descriptions, a user
name, a finding message, an evidence value, a suppression justification and a model reason.
Findings: CUT-001 (high) on 8 journals, one suppressed; AMT-001 (medium) on 3 lines; TXT-001 (low) on 5
journals; TIM-001 ran clean; APR-001 was skipped.
"""

from __future__ import annotations

from dataclasses import dataclass, field

from jecheck import completeness, db, schema, views
from jecheck.rules_engine.config import Suppression

HYPERLINK = '=HYPERLINK("http://evil.example/x","click me")'
SCRIPT = '<script>alert("x")</script><img src=x onerror=alert(1)>'
PLUS_CMD = "+cmd|' /C calc'!A0"
AT_SUM = "@SUM(1+1)*cmd|' /C calc'!A0"
HOSTILE_USER = '<b onmouseover="alert(1)">mallory</b>'
UNBROKEN = "ACCRUAL" * 60  # one long word: the page must still fit its width
JUSTIFICATION = "-2+3 known accrual, agreed with <i>controller</i>"


@dataclass
class FakeOutcome:
    id: str
    title: str
    category: str
    severity: str
    status: str = "ran"
    skipped_reason: str | None = None
    hits: int = 0
    suppressed_hits: int = 0
    params: dict = field(default_factory=dict)
    duration_s: float = 0.01


@dataclass
class FakeIngest:
    rows_read: int
    rows_loaded: int
    rows_rejected: int
    files: list = field(default_factory=list)
    warnings: list = field(default_factory=list)

    def summary(self) -> str:
        return f"read {self.rows_read:,} = loaded {self.rows_loaded:,} + rejected {self.rows_rejected:,}"

    def to_dict(self) -> dict:
        return {"layout": "canonical", "rows_read": self.rows_read, "rows_loaded": self.rows_loaded,
                "rows_rejected": self.rows_rejected, "files": self.files, "warnings": self.warnings}


@dataclass
class FakePack:
    name: str
    version: str
    sha256: str

    def to_dict(self) -> dict:
        return {"name": self.name, "version": self.version, "sha256": self.sha256}


@dataclass
class FakeRuleset:
    packs: list

    def get(self, rule_id):
        return None


@dataclass
class FakeModel:
    def to_dict(self) -> dict:
        return {"features": ["amount_size", "user_rarity"], "seed": 7, "journals_scored": 1}


@dataclass
class FakeOptions:
    top: int = 10
    seed: int = 7
    fail_on: str = "never"

    def parameters(self) -> dict:
        return {"seed": self.seed, "top": self.top, "fail_on": self.fail_on, "country": "US",
                "select": [], "suppress": "suppress.yaml"}


@dataclass
class FakeResult:
    con: object
    options: FakeOptions
    ingest: FakeIngest
    completeness: object
    ruleset: object
    rules: list
    model: object = None
    stale_suppressions: list = field(default_factory=list)
    timings: dict = field(default_factory=lambda: {"load": 0.1, "rules": 0.2})
    started_at: str = "2024-04-02T09:00:00+00:00"
    duration_s: float = 1.25
    version: str = "0.0.test"

    def exit_code(self) -> int:
        """As ScanResult.exit_code: 1 when an unsuppressed finding is at or above --fail-on."""
        if self.options.fail_on == "never":
            return 0
        levels = ["info", "low", "medium", "high"]
        levels = levels[levels.index(self.options.fail_on):]
        return int(self.con.execute("SELECT count(*) > 0 FROM findings WHERE NOT suppressed AND "
                                    "list_contains($l, severity)", {"l": levels}).fetchall()[0][0])


RULES = (
    ("CUT-001", "Entered after its period was closed", "CUT", "high"),
    ("AMT-001", "Large line amount", "AMT", "medium"),
    ("TXT-001", "Unusual description", "TXT", "low"),
    ("TIM-001", "Posted on a weekend", "TIM", "low"),
)


def build_result(journals: int = 240, *, model: bool = True, top: int = 10, rejects: int = 1,
                 extra_journal: bool = False, suppress_amt: bool = False) -> FakeResult:
    """A scan result over `journals` two-line journals with findings for three rules (one ran clean, one skipped).

    `extra_journal` adds journal X9999 (flagged by CUT-001); `suppress_amt` suppresses AMT-001 on J0020.
    """
    con = db.connect()
    con.execute(schema.create_table_sql("lines", schema.LINE_COLUMNS))
    for name, cols in schema.CONTEXT_TABLES.items():
        con.execute(schema.create_table_sql(f"ctx_{name}", cols))
    con.execute("""
        INSERT INTO lines (journal_id, line_no, account, amount, effective_date, entered_at, entered_by,
                           header_description, source, is_manual, currency, source_row)
        SELECT 'J' || lpad(CAST(i AS VARCHAR), 4, '0'), ln,
               CASE WHEN ln = 1 THEN CAST(1000 + (i % 7) * 1000 AS VARCHAR) ELSE '2000' END,
               CAST((CASE WHEN ln = 1 THEN 1 ELSE -1 END) * (hash(i) % 9000000 + 100) / 100.0 * pow(10, i % 3 - 1)
                    AS DECIMAL(38,4)),
               DATE '2024-01-01' + CAST(i % 91 AS INTEGER),
               TIMESTAMP '2024-01-01 09:00:00' + to_days(CAST(i % 91 + (i % 5) AS INTEGER)),
               ['alice', 'bob', 'carol'][i % 3 + 1], 'Entry ' || i, ['GJ', 'AP', 'AR'][i % 3 + 1], i % 3 = 0,
               'USD', 2 * i + ln
        FROM range(1, $n + 1) t(i), (VALUES (1), (2)) l(ln)
    """, {"n": journals})
    for jid, description in (("J0001", HYPERLINK), ("J0002", SCRIPT), ("J0003", PLUS_CMD), ("J0004", AT_SUM),
                             ("J0006", UNBROKEN)):
        con.execute("UPDATE lines SET header_description = $d WHERE journal_id = $j", {"d": description, "j": jid})
    con.execute("UPDATE lines SET entered_by = $u WHERE journal_id = 'J0005'", {"u": HOSTILE_USER})
    if extra_journal:
        con.execute("""
            INSERT INTO lines (journal_id, line_no, account, amount, effective_date, entered_at, entered_by,
                               header_description, source, currency, source_row)
            VALUES ('X9999', 1, '1000', 500, DATE '2024-03-31', TIMESTAMP '2024-04-20 10:00:00', 'alice', 'late', 'GJ', 'USD', 9998),
                   ('X9999', 2, '2000', -500, DATE '2024-03-31', TIMESTAMP '2024-04-20 10:00:00', 'alice', 'late', 'GJ', 'USD', 9999)
        """)
    views.create_views(con, views.ViewOptions(country=None))
    report = completeness.summarize(con, have_tb=False, have_control_totals=False)

    con.execute("""
        CREATE TABLE findings (rule_id VARCHAR, category VARCHAR, severity VARCHAR, journal_id VARCHAR,
                               line_no INTEGER, message VARCHAR, evidence VARCHAR, suppressed BOOLEAN,
                               suppression_justification VARCHAR, suppression_reviewer VARCHAR)
    """)
    cut = "journal_id IN ('J0001', 'J0002', 'J0005', 'J0010', 'J0011', 'J0012', 'J0090', 'X9999')"
    con.execute(f"""
        INSERT INTO findings
        SELECT 'CUT-001', 'CUT', 'high', journal_id, NULL,
               'Entered ' || strftime(entered_at, '%Y-%m-%d') || ' after period ' || period_key || ' closed',
               to_json(struct_pack(entered_at := entered_at, period_key := period_key, period_end := period_end)),
               journal_id = 'J0012', CASE WHEN journal_id = 'J0012' THEN $j END,
               CASE WHEN journal_id = 'J0012' THEN 'A. Auditor' END
        FROM journals WHERE {cut}
    """, {"j": JUSTIFICATION})
    con.execute("""
        INSERT INTO findings
        SELECT 'AMT-001', 'AMT', 'medium', journal_id, line_no, 'Line amount ' || amount || ' is large',
               to_json(struct_pack(amount := amount, account := account)),
               $sup AND journal_id = 'J0020', CASE WHEN $sup AND journal_id = 'J0020' THEN 'reviewed' END,
               CASE WHEN $sup AND journal_id = 'J0020' THEN 'C. Controller' END
        FROM lines WHERE journal_id IN ('J0001', 'J0020', 'J0021') AND line_no = 1
    """, {"sup": suppress_amt})
    con.execute("""
        INSERT INTO findings
        SELECT 'TXT-001', 'TXT', 'low', journal_id, NULL, 'Description reads: ' || header_description,
               to_json(struct_pack(header_description := header_description)), false, NULL, NULL
        FROM journals WHERE journal_id IN ('J0001', 'J0002', 'J0003', 'J0004', 'J0006')
    """)
    hits = dict(con.execute("SELECT rule_id, count(*) FILTER (WHERE NOT suppressed) FROM findings GROUP BY ALL").fetchall())
    suppressed = dict(con.execute("SELECT rule_id, count(*) FILTER (WHERE suppressed) FROM findings GROUP BY ALL").fetchall())
    outcomes = [FakeOutcome(rid, title, cat, sev, hits=hits.get(rid, 0), suppressed_hits=suppressed.get(rid, 0),
                            params={"close_lag_days": 10, "keyword_pattern": UNBROKEN} if rid == "CUT-001" else {})
                for rid, title, cat, sev in RULES]
    outcomes.append(FakeOutcome("APR-001", "Approved by the preparer", "APR", "high", status="skipped",
                                skipped_reason="needs approved_by"))
    if model:
        con.execute("""
            CREATE TABLE review AS
            WITH hits AS (SELECT journal_id, list(DISTINCT rule_id ORDER BY rule_id) AS rule_ids
                          FROM findings WHERE NOT suppressed GROUP BY journal_id),
            scored AS (
                SELECT j.journal_id, (hash(j.journal_id) % 1000) / 1000.0 AS anomaly_score,
                       coalesce(h.rule_ids, []) AS rule_ids
                FROM journals j LEFT JOIN hits h USING (journal_id)
            )
            SELECT journal_id,
                   CAST(row_number() OVER (ORDER BY anomaly_score * 0.4 + 0.6 * (len(rule_ids) > 0)::INT DESC,
                                                    journal_id) AS INTEGER) AS rank,
                   anomaly_score * 0.4 + 0.6 * (len(rule_ids) > 0)::INT AS risk_score, anomaly_score,
                   percent_rank() OVER (ORDER BY anomaly_score) AS percentile, rule_ids,
                   CASE WHEN journal_id = 'J0003' THEN ['=1+1 reason', 'amount 38x this account''s median']
                        ELSE ['amount ' || CAST(round(anomaly_score * 40) AS INTEGER) || 'x this account''s median']
                   END AS reasons
            FROM scored
        """)
    con.execute("CREATE TABLE rejects (source_file VARCHAR, source_row BIGINT, reason VARCHAR, raw VARCHAR)")
    for i in range(rejects):
        con.execute("INSERT INTO rejects VALUES ('ledger.csv', $r, 'amount is not a number', $raw)",
                    {"r": 900 + i, "raw": HYPERLINK})
    lines = con.execute("SELECT count(*) FROM lines").fetchone()[0]
    ingest = FakeIngest(lines + rejects, lines, rejects,
                        files=[{"path": "/data/ledger.csv", "size": 12345, "sha256": "ab" * 32}],
                        warnings=["3 placeholder dates treated as missing"])
    return FakeResult(con=con, options=FakeOptions(top=top), ingest=ingest, completeness=report,
                      ruleset=FakeRuleset([FakePack("jecheck-builtin", "1.0.0", "cd" * 32)]), rules=outcomes,
                      model=FakeModel() if model else None,
                      stale_suppressions=[Suppression("TXT-009", "J0404", None, "one-off fee", "A. Auditor", None,
                                                      "suppress.yaml:3")])
