"""Anomaly scoring: per-journal features in DuckDB, an isolation forest, and reasons in plain words.

`score(con, ModelOptions())` reads `journals`, `lines`, `periods` and `accounts` (and `findings`
when the rules ran) and creates `scores(journal_id, anomaly_score, percentile, as_unusual, reasons)` and
`score_reasons(journal_id, reason_rank, feature, contribution, reason)`. With `period`, only that
period's journals are scored; with `baseline` as well, the model and every rarity and usual range
come from the baseline periods only (a pre-close review of one month against the months before it).

Every journal is scored; reasons are put in words for the journals the reports show: those with
an unsuppressed rule hit and the `explain` most unusual others. The rest have no reasons.
"""

from __future__ import annotations

import os
import time
from dataclasses import asdict, dataclass, field

import duckdb
import numpy as np
import pyarrow as pa
import pyarrow.compute as pc

from ..db import OPEN_JOURNAL_FINDINGS, create_table_as, table_exists
from ..errors import UsageError
from ..views import column_counts, parse_baseline  # noqa: F401 (parse_baseline: part of the model's API)
from . import features as feature_sql
from . import forest as forest_mod
from . import reasons as reason_sql

# Below this many journals to learn from, "usual" means nothing: scores are left empty.
MIN_FIT_JOURNALS = 20
# The forest draws max_samples rows per tree; a deterministic sample this large stands in for a
# bigger fitting population without changing what the trees can learn, and bounds memory.
FIT_SAMPLE_CAP = 100_000
CHUNK_ROWS = 131_072  # journals streamed from DuckDB per scoring chunk
REASONS_PER_ENTRY = 3
REASON_SHARE = 0.25  # a later reason must carry at least this share of the first reason's contribution


@dataclass
class ModelOptions:
    """How to fit and score. `period`/`baseline` are periods.period_key values (e.g. '2025-06')."""

    seed: int = 42
    n_estimators: int = 60
    max_samples: int | str = 4096
    threads: int | None = None  # None = every core this process may use
    period: str | None = None
    baseline: tuple[str, str] | None = None  # (first, last), inclusive
    explain: int = 1000  # most unusual journals without a rule hit given reasons: at least the reports' --top


@dataclass
class ModelReport:
    """What the model did, for the report's provenance."""

    features_used: list[tuple[str, str]] = field(default_factory=list)  # (name, plain description)
    features_dropped: list[tuple[str, str]] = field(default_factory=list)  # (name, why)
    seed: int = 42
    n_estimators: int = 0
    max_samples: int = 0  # journals each tree was grown on
    fitted_on: dict = field(default_factory=dict)  # journals, sample, periods
    scored: int = 0
    duration_s: float = 0.0
    skipped_reason: str | None = None

    def to_dict(self) -> dict:
        """JSON-ready form."""
        out = asdict(self)
        out["features_used"] = [{"name": n, "description": d} for n, d in self.features_used]
        out["features_dropped"] = [{"name": n, "reason": w} for n, w in self.features_dropped]
        return out


def available_cores() -> int:
    """Cores this process may run on."""
    try:
        return len(os.sched_getaffinity(0))
    except AttributeError:  # not on Linux
        return os.cpu_count() or 1


def score(con: duckdb.DuckDBPyConnection, options: ModelOptions) -> ModelReport:
    """Fit the isolation forest and create tables `scores` and `score_reasons` (see the module doc)."""
    started = time.perf_counter()
    threads = options.threads or available_cores()
    fit_periods = _create_scope(con, options)
    counts = column_counts(con)
    parts = feature_sql.build_features(con, counts)
    used, dropped = _choose_features(con, counts)
    n_fit, n_scope = con.execute(
        "SELECT count(*) FILTER (WHERE in_fit), count(*) FILTER (WHERE in_scope) FROM model_features"
    ).fetchall()[0]
    report = ModelReport(
        features_used=[(f.name, f.description) for f in used], features_dropped=dropped, seed=options.seed,
        n_estimators=options.n_estimators, fitted_on={"journals": n_fit, "sample": 0, "periods": fit_periods},
    )
    if n_fit < MIN_FIT_JOURNALS or not used:
        report.skipped_reason = (
            f"only {n_fit} journals to learn from (at least {MIN_FIT_JOURNALS} needed)" if used
            else "no feature varies across the journals"
        )
        _create_empty_scores(con)
    else:
        names = [f.name for f in used]
        medians = _medians(con, names)
        X_fit = _fit_matrix(con, names, medians, options.seed, n_fit)
        report.fitted_on["sample"] = len(X_fit)
        forest = forest_mod.fit(X_fit, seed=options.seed, n_estimators=options.n_estimators,
                                max_samples=options.max_samples, threads=threads)
        del X_fit
        report.max_samples = forest.samples_per_tree
        _score_all(con, forest, names, medians)
        _choose_explained(con, options.explain)
        _explain(con, forest, names, medians)
        feature_sql.create_evidence(con, parts)
        _drop(con, ["model_features", *(f"model_part_{part}" for part in parts)])  # free what sentences don't read
        reason_sql.create_reference(con, baseline=options.baseline is not None, medians=dict(zip(names, medians)))
        reason_sql.render(con, names, REASONS_PER_ENTRY)
        _create_scores(con, names)
    report.scored = n_scope
    _drop_work_tables(con)
    report.duration_s = round(time.perf_counter() - started, 3)
    return report


def _create_scope(con: duckdb.DuckDBPyConnection, options: ModelOptions) -> object:
    """Create `model_journals`: the journals to fit on (in_fit) or score (in_scope), each with an integer key.

    Returns what the model fits on: 'all' or [first, last] baseline period.
    """
    known = {key: start for key, start in con.execute("SELECT period_key, period_start FROM periods").fetchall()}

    def start_of(key: str, flag: str):
        if key not in known:
            span = con.execute("SELECT min(period_key), max(period_key) FROM journals").fetchall()[0]
            raise UsageError(
                f"{flag} {key!r} is not a period of this ledger (its journals run from {span[0]} to {span[1]}); "
                "give a period key such as 2025-06"
            )
        return known[key]

    if options.baseline and not options.period:
        raise UsageError("--baseline needs --period: the baseline is what the period under review is compared with")
    params: dict[str, object] = {}
    in_scope, in_fit, fitted_on = "true", "true", "all"
    if options.period:
        start_of(options.period, "--period")
        params["period"] = options.period
        in_scope = "coalesce(j.period_key = $period, false)"
    if options.baseline:
        first, last = (start_of(key, "--baseline") for key in options.baseline)
        if first > last:
            raise UsageError(f"--baseline {options.baseline[0]}..{options.baseline[1]} ends before it starts; "
                             "give the earlier period first")
        if first <= known[options.period] <= last:
            raise UsageError(f"--baseline {options.baseline[0]}..{options.baseline[1]} contains the period under "
                             f"review {options.period}; choose baseline periods before it")
        params.update(first=first, last=last)
        in_fit = "coalesce(j.period_start BETWEEN $first AND $last, false)"
        fitted_on = list(options.baseline)
    con.execute(f"""
        CREATE OR REPLACE TEMP TABLE model_journals AS  -- jkey: the row id, unique and free (no serial numbering)
        SELECT * FROM (
            SELECT j.rowid AS jkey, {feature_sql.journal_columns("j")}, {in_fit} AS in_fit, {in_scope} AS in_scope
            FROM journals j
        ) WHERE in_fit OR in_scope
    """, params)
    return fitted_on


def _choose_features(con: duckdb.DuckDBPyConnection, counts: dict[str, int]):
    """Features the ledger supports and that vary across the fitting population; the rest with why."""
    present = {c for (c,) in con.execute("SELECT column_name FROM (DESCRIBE model_features)").fetchall()}
    used, dropped, candidates = [], [], []
    for f in feature_sql.ALL_FEATURES:
        why = feature_sql.available(f, counts)
        if why:
            dropped.append((f.name, why))
        elif f"f_{f.name}" in present:
            candidates.append(f)
    if candidates:
        # Over the journals fitted and scored: a feature flat in a baseline may still set a period's entry apart.
        spread = ", ".join(f"count(f_{f.name}), min(f_{f.name}) < max(f_{f.name})" for f in candidates)
        row = con.execute(f"SELECT {spread} FROM model_features").fetchall()[0]
        for i, f in enumerate(candidates):
            if not row[2 * i]:
                dropped.append((f.name, "no journal has a value"))
            elif not row[2 * i + 1]:
                dropped.append((f.name, "the same value for every journal"))
            else:
                used.append(f)
    return used, dropped


def _medians(con: duckdb.DuckDBPyConnection, names: list[str]) -> np.ndarray:
    """Median of each feature over the fitting population: stands in for a missing value."""
    row = con.execute(
        "SELECT " + ", ".join(f"quantile_disc(f_{n}, 0.5)" for n in names) + " FROM model_features WHERE in_fit"
    ).fetchall()[0]
    return np.array(row, dtype=np.float64)


def _matrix(table: pa.Table | pa.RecordBatch, names: list[str], medians: np.ndarray) -> np.ndarray:
    """Feature matrix (float32, rows C-contiguous), a missing value replaced by the feature's median."""
    columns = np.empty((len(names), table.num_rows), dtype=np.float32)  # one contiguous write per column
    for i, (name, median) in enumerate(zip(names, medians)):
        columns[i] = pc.fill_null(table.column(f"f_{name}"), pa.scalar(median, pa.float32())).to_numpy()
    return np.ascontiguousarray(columns.T)


def _missing(table: pa.Table | pa.RecordBatch, names: list[str]) -> np.ndarray:
    """Which values were missing (and imputed): never a reason."""
    return np.column_stack([table.column(f"f_{n}").is_null().to_numpy(zero_copy_only=False) for n in names])


def _feature_columns(names: list[str]) -> str:
    return ", ".join(f"f_{n}" for n in names)


def _fit_matrix(con: duckdb.DuckDBPyConnection, names: list[str], medians: np.ndarray, seed: int,
                n_fit: int) -> np.ndarray:
    """The fitting journals in journal_id order; above FIT_SAMPLE_CAP, a seeded hash sample of them."""
    if n_fit > FIT_SAMPLE_CAP:  # the sample is drawn on keys alone, then its features are read
        chosen = ("SEMI JOIN (SELECT jkey FROM model_features WHERE in_fit "
                  "ORDER BY md5(journal_id || $salt), journal_id LIMIT $cap) s ON s.jkey = f.jkey")
        params = {"salt": f":{seed}", "cap": FIT_SAMPLE_CAP}
    else:
        chosen, params = "WHERE f.in_fit", {}
    table = con.sql(f"SELECT {_feature_columns(names)} FROM model_features f {chosen} ORDER BY f.journal_id",
                    params=params).to_arrow_table()
    return _matrix(table, names, medians)


def _score_all(con: duckdb.DuckDBPyConnection, forest: forest_mod.Forest, names: list[str],
               medians: np.ndarray) -> None:
    """Score the journals under review, streamed from DuckDB a chunk at a time; create
    `model_scored(jkey, anomaly_score, percentile, as_unusual)`.

    Python keeps only each journal's key and score (16 bytes); DuckDB ranks them (and spills past its
    memory limit).
    """
    reader = con.sql(f"SELECT jkey, {_feature_columns(names)} FROM model_features WHERE in_scope").to_arrow_reader(
        CHUNK_ROWS)
    keys, scores = [], []
    for batch in reader:
        keys.append(batch.column("jkey"))
        scores.append(pa.array(forest_mod.anomaly_scores(forest, _matrix(batch, names, medians))))
    scored = pa.table({"jkey": pa.chunked_array(keys, pa.int64()), "anomaly_score": pa.chunked_array(scores, pa.float64())})
    # cume_dist: the share of journals scoring at most as high; as_unusual (for the review's q): how many
    # score at least as high, an exact count from the same sort (rank - 1 score lower)
    _create_from_arrow(con, "model_scored", scored,
                       "jkey, anomaly_score, CAST(100 AS DOUBLE) * cume_dist() OVER (ORDER BY anomaly_score) "
                       f"AS percentile, {scored.num_rows} + 1 - rank() OVER (ORDER BY anomaly_score) AS as_unusual")


def _create_from_arrow(con: duckdb.DuckDBPyConnection, name: str, table: pa.Table, columns: str = "*") -> None:
    con.register(f"{name}_arrow", table)
    try:
        con.execute(f"CREATE OR REPLACE TEMP TABLE {name} AS SELECT {columns} FROM {name}_arrow")
    finally:
        con.unregister(f"{name}_arrow")


def _choose_explained(con: duckdb.DuckDBPyConnection, explain: int) -> None:
    """`model_explain(jkey)`: the scored journals with an unsuppressed rule hit, and the `explain` most
    unusual of the others (ties by journal_id): every journal the reports list."""
    flagged = f"SELECT DISTINCT journal_id FROM {OPEN_JOURNAL_FINDINGS}" if table_exists(con, "findings") else \
        "SELECT CAST(NULL AS VARCHAR) AS journal_id WHERE false"
    # Only journals scoring at least the (explain + flagged)-th highest score can be among the others' top
    # `explain`: only they are joined to their journal_id (the tie-break).
    con.execute(f"""
        CREATE OR REPLACE TEMP TABLE model_explain AS
        WITH flagged AS MATERIALIZED (
            SELECT s.jkey FROM model_scored s
            SEMI JOIN (SELECT jkey FROM model_journals WHERE journal_id IN ({flagged})) f ON f.jkey = s.jkey
        ), lowest AS (
            SELECT min(anomaly_score) AS score FROM (
                SELECT anomaly_score FROM model_scored ORDER BY anomaly_score DESC
                LIMIT $explain + (SELECT count(*) FROM flagged))
        )
        SELECT jkey FROM flagged
        UNION ALL
        SELECT jkey FROM (
            SELECT s.jkey FROM model_scored s JOIN model_journals j ON j.jkey = s.jkey
            WHERE s.anomaly_score >= (SELECT score FROM lowest) AND s.jkey NOT IN (SELECT jkey FROM flagged)
            ORDER BY s.anomaly_score DESC, j.journal_id LIMIT $explain)
    """, {"explain": explain})


def _explain(con: duckdb.DuckDBPyConnection, forest: forest_mod.Forest, names: list[str],
             medians: np.ndarray) -> None:
    """For the journals in `model_explain`, the features of their top reasons, a chunk at a time.

    Creates `model_results(jkey, feature_1, contribution_1, ...)`: feature_k is the index in `names`
    of the k-th reason, NULL when there is none.
    """
    reader = con.sql(f"SELECT f.jkey, {_feature_columns(names)} FROM model_explain e "
                      "JOIN model_features f ON f.jkey = e.jkey").to_arrow_reader(CHUNK_ROWS)
    none = np.empty((0, len(names)))
    chunks = [pa.record_batch({"jkey": pa.array([], pa.int64()), **_top_reasons(none, none.astype(bool))})]
    for batch in reader:
        _, contribution = forest_mod.score(forest, _matrix(batch, names, medians))
        chunks.append(pa.record_batch({"jkey": batch.column("jkey"), **_top_reasons(contribution, _missing(batch, names))}))
    _create_from_arrow(con, "model_results", pa.Table.from_batches(chunks))


def _top_reasons(contribution: np.ndarray, missing: np.ndarray) -> dict[str, pa.Array]:
    """Per row, the features with the largest contributions: positive, at least REASON_SHARE of the first.

    A feature whose value was missing (and imputed) is never a reason.
    """
    contribution = np.where(missing, -np.inf, contribution)
    if contribution.shape[1] < REASONS_PER_ENTRY:  # fewer features than reasons: pad with never-chosen ones
        padding = np.full((len(contribution), REASONS_PER_ENTRY - contribution.shape[1]), -np.inf)
        contribution = np.hstack([contribution, padding])
    order = np.argsort(-contribution, axis=1, kind="stable")[:, :REASONS_PER_ENTRY]
    top = np.take_along_axis(contribution, order, axis=1)
    dropped = ~((top > 0) & (top >= REASON_SHARE * top[:, :1]))
    columns = {}
    for k in range(REASONS_PER_ENTRY):
        columns[f"feature_{k + 1}"] = pa.array(order[:, k].astype(np.int16), mask=dropped[:, k])
        columns[f"contribution_{k + 1}"] = pa.array(top[:, k].astype(np.float32), mask=dropped[:, k])
    return columns


def _create_scores(con: duckdb.DuckDBPyConnection, names: list[str]) -> None:
    reasons = ", ".join(f"r.reason_{k}" for k in range(1, REASONS_PER_ENTRY + 1))
    create_table_as(con, "scores", f"""
        SELECT j.journal_id, s.anomaly_score, s.percentile, s.as_unusual,
               CASE WHEN r.jkey IS NULL THEN CAST([] AS VARCHAR[])
                    ELSE [x FOR x IN [{reasons}] IF x IS NOT NULL] END AS reasons
        FROM model_scored s JOIN model_journals j ON j.jkey = s.jkey LEFT JOIN model_reasons r ON r.jkey = s.jkey
    """)
    con.execute("CREATE OR REPLACE TABLE score_reasons AS " + " UNION ALL ".join(
        f"SELECT j.journal_id, {k} AS reason_rank, $names[feature_{k} + 1] AS feature, "
        f"contribution_{k} AS contribution, reason_{k} AS reason "
        f"FROM model_reasons r JOIN model_journals j ON j.jkey = r.jkey WHERE feature_{k} IS NOT NULL"
        for k in range(1, REASONS_PER_ENTRY + 1)
    ), {"names": names})


def _create_empty_scores(con: duckdb.DuckDBPyConnection) -> None:
    """Every journal under review, unscored: the review list then ranks on rule hits alone."""
    create_table_as(con, "scores", """
        SELECT journal_id, CAST(NULL AS DOUBLE) AS anomaly_score, CAST(NULL AS DOUBLE) AS percentile,
               CAST(NULL AS BIGINT) AS as_unusual, CAST([] AS VARCHAR[]) AS reasons
        FROM model_features WHERE in_scope
    """)
    con.execute("""
        CREATE OR REPLACE TABLE score_reasons (journal_id VARCHAR, reason_rank TINYINT, feature VARCHAR,
                                               contribution FLOAT, reason VARCHAR)
    """)


def _drop_work_tables(con: duckdb.DuckDBPyConnection) -> None:
    """Drop every temporary table this module made (all named model_...)."""
    _drop(con, [table for (table,) in con.execute(
        "SELECT table_name FROM duckdb_tables() WHERE temporary AND starts_with(table_name, 'model_')"
    ).fetchall()])


def _drop(con: duckdb.DuckDBPyConnection, tables: list[str]) -> None:
    for table in tables:
        con.execute(f'DROP TABLE IF EXISTS temp."{table}"')
