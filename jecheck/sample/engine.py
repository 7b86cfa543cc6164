"""Writes a whole generated ledger: plan, then build and write it chunk by chunk.

The plan fixes everything that must be known ahead (the close calendar, recurring and planted
journals, how many ordinary lines each chunk holds so the total is exactly what was asked);
each chunk then covers a run of entry days, is built with its own seeded random generator,
numbered in entry order and streamed out as one Parquet row group. Memory stays bounded by
the chunk size, and the same seed always gives the same files.
"""

from __future__ import annotations

import os
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path

import numpy as np
import pyarrow as pa
import pyarrow.csv as pacsv
import pyarrow.parquet as pq

from ..errors import UsageError
from . import context
from .calendar import DAY_SECONDS, LedgerCalendar
from .ordinary import CompiledProfile, CompiledTemplate, build_journals, reversals_of
from .profile import Profile
from .recurring import recurring_specs
from .tables import (EXTRACT_ONLY, SYSTEM_ONLY, JournalSpec, Label, concat, decimal_array, specs_to_tables, take,
                     to_arrow)

NUMBERS_PER_YEAR = 10 ** 8  # journal ids are <fiscal year><8-digit number>: 202400000001, 202400000002...
SPEC_KEY_BASE = 1 << 50  # keys of hand-built journals; ordinary ones are (chunk << 32) + n
CSV_OPTIONS = pacsv.WriteOptions(quoting_style="needed")
HIGH_CARDINALITY = ("journal_id",)


@dataclass
class PlanContext:
    """What a planter of anomalies may read and use when it writes its journals."""

    profile: Profile
    cp: CompiledProfile
    calendar: LedgerCalendar
    rng: np.random.Generator
    lines: int
    journals_per_month: np.ndarray  # expected ordinary (daily) journals per month
    monthly_revenue: np.ndarray  # expected revenue per month, cents
    account_month: np.ndarray  # expected gross activity per account code in an average month, cents
    next_key: Callable[[], int]


Planter = Callable[[PlanContext], list[JournalSpec]]


@dataclass
class LedgerResult:
    """What was written: the ledger, its context files, and counts."""

    ledger: Path
    files: dict[str, Path]
    lines: int
    journals: int
    labels: list[tuple[str, Label]] = field(default_factory=list)  # (journal id, label)


@dataclass
class _MonthEndPlan:
    template: np.ndarray
    month: np.ndarray
    n_lines: np.ndarray
    entered_day: np.ndarray
    reversed: np.ndarray  # reversed on the next month's first day (never past the ledger's last month)


def _expected_total(ct: CompiledTemplate) -> float:
    t = ct.template
    return t.median * 100 * float(np.exp(t.sigma ** 2 / 2))


class _Writer:
    """The ledger (Parquet or CSV) and the control-totals log, written under temporary names."""

    def __init__(self, ledger: Path, log: Path) -> None:
        self.targets = {ledger: ledger.with_name(ledger.name + ".partial"), log: log.with_name(log.name + ".partial")}
        self.ledger_path, self.log_path = ledger, log
        self.ledger: pq.ParquetWriter | pacsv.CSVWriter | None = None
        self.log: pacsv.CSVWriter | None = None

    def write_lines(self, table: pa.Table) -> None:
        partial = self.targets[self.ledger_path]
        if self.ledger_path.suffix.lower() == ".csv":
            table = pa.table({name: (col.cast(pa.string()) if pa.types.is_dictionary(col.type) else col)
                              for name, col in zip(table.column_names, table.columns)})
            if self.ledger is None:
                self.ledger = pacsv.CSVWriter(str(partial), table.schema, write_options=CSV_OPTIONS)
        elif self.ledger is None:
            # Dictionary-encode only the text columns and keep statistics for dates only: both cost
            # more time than they save on columns of mostly distinct values.
            text = [f.name for f in table.schema if pa.types.is_dictionary(f.type) and f.name not in HIGH_CARDINALITY]
            self.ledger = pq.ParquetWriter(str(partial), table.schema, compression="zstd", store_schema=False,
                                           use_dictionary=text, write_statistics=["effective_date"])
        self.ledger.write_table(table)

    def write_log(self, table: pa.Table) -> None:
        if self.log is None:
            self.log = pacsv.CSVWriter(str(self.targets[self.log_path]), table.schema, write_options=CSV_OPTIONS)
        self.log.write_table(table)

    def close(self, keep: bool) -> None:
        for writer in (self.ledger, self.log):
            if writer is not None:
                writer.close()
        for final, partial in self.targets.items():
            if keep and partial.exists():
                os.replace(partial, final)
            elif partial.exists():
                partial.unlink()


@dataclass
class _Plan:
    """Everything decided before the first chunk is built."""

    cp: CompiledProfile
    daily: list[CompiledTemplate]  # templates of ordinary daily activity, and their shares of journals
    daily_weight: np.ndarray
    month_end: list[CompiledTemplate]
    month_end_plan: _MonthEndPlan
    specs: list[JournalSpec]  # recurring and planted journals, in entry order
    bdays: np.ndarray  # business days carrying daily activity, and each one's share of it
    bday_weight: np.ndarray
    chunk_days: list[tuple[int, int]]  # first and last entry day of each chunk
    budgets: np.ndarray  # daily-activity lines of each chunk, summing to what the ledger still needs
    monthly_revenue: np.ndarray


def write_ledger(
    profile: Profile,
    calendar: LedgerCalendar,
    out: Path,
    lines: int,
    seed: int,
    planter: Planter | None = None,
    chunk_lines: int = 1_000_000,
    opening_balances: dict[str, float] | None = None,
) -> LedgerResult:
    """Generate `lines` ledger lines for `profile` over `calendar` into `out` and its context files.

    `planter` adds hand-built journals (anomalies, answer-key events) with their labels.
    `opening_balances` (currency units per account) replace the profile's relative openings.
    """
    plan_rng = np.random.default_rng([seed, 0])
    plan = _plan(profile, calendar, lines, planter, chunk_lines, plan_rng)
    cp = plan.cp
    out.parent.mkdir(parents=True, exist_ok=True)
    paths = context.paths_for(out)
    writer = _Writer(out, paths["control_totals"])
    state = _State(cp, calendar, len(profile.accounts))
    try:
        for c, (first, last) in enumerate(plan.chunk_days):
            rng = np.random.default_rng([seed, 1, c])
            parts = []
            if plan.budgets[c]:
                parts += _daily(cp, plan.daily, plan.daily_weight, rng, c, int(plan.budgets[c]), plan.bdays,
                                plan.bday_weight, first, last)
            entered = plan.month_end_plan.entered_day
            parts += _month_end(cp, plan.month_end, rng, c, plan.month_end_plan, (entered >= first) & (entered <= last))
            chunk_specs = [s for s in plan.specs if first <= s.entered_at // DAY_SECONDS <= last]
            parts.append(specs_to_tables(chunk_specs, cp.vocab, cp.fiscal_of_day))
            state.write_chunk(parts, chunk_specs, writer, profile)
        writer.close(keep=True)
    except BaseException:
        writer.close(keep=False)
        raise
    context.write_context_files(paths, profile, calendar, state.activity, opening_balances, plan.monthly_revenue,
                                plan_rng)
    return LedgerResult(out, paths, state.lines_written, state.journals_written, state.labels)


def _plan(profile: Profile, calendar: LedgerCalendar, lines: int, planter: Planter | None, chunk_lines: int,
          rng: np.random.Generator) -> _Plan:
    calendar.set_closes(rng, profile.monthly_close_lag, profile.year_end_close_lag, profile.close_overrides)
    cp = CompiledProfile(profile, calendar)
    daily = [ct for ct in cp.templates if ct.template.timing == "daily"]
    month_end = [ct for ct in cp.templates if ct.template.timing == "month_end"]
    daily_weight = np.array([ct.template.weight for ct in daily])
    daily_weight = daily_weight / daily_weight.sum()
    mean_daily_lines = float(sum(w * ct.mean_lines for w, ct in zip(daily_weight, daily)))

    # Business days carrying ordinary activity, weighted by the profile's monthly volume.
    bdays = calendar.business_days[(calendar.business_days >= calendar.first_day)
                                   & (calendar.business_days <= calendar.last_day)]
    bday_month = calendar.month_of(bdays)
    volume = np.array([profile.month_volume(p.fiscal_year, p.number) for p in calendar.months])
    bday_weight = volume[bday_month] * rng.lognormal(0.0, 0.15, size=len(bdays))
    bday_weight /= bday_weight.sum()
    journals_per_month = np.bincount(bday_month, weights=bday_weight, minlength=len(calendar.months)) * (
        lines / mean_daily_lines)

    # Expected activity, for amounts that must be sized against it (payroll, planted catch-ups...).
    account_month = np.zeros(len(profile.accounts))
    monthly_revenue = np.zeros(len(calendar.months))
    revenue = np.array([a.subtype == "revenue" for a in profile.accounts])
    for weight, ct in zip(daily_weight, daily):
        expected = _expected_total(ct) * weight
        gross = np.bincount(ct.single, weights=ct.single_p * expected, minlength=len(profile.accounts)) + \
            np.bincount(ct.pool, weights=ct.pool_p * expected, minlength=len(profile.accounts))
        account_month += gross * journals_per_month.mean()
        monthly_revenue += gross[revenue].sum() * journals_per_month

    keys = iter(range(SPEC_KEY_BASE, SPEC_KEY_BASE + (1 << 40)))
    next_key = keys.__next__
    specs = recurring_specs(profile, calendar, monthly_revenue, rng, next_key)
    month_end_plan = _plan_month_end(month_end, calendar, journals_per_month, rng)
    if planter is not None:
        specs += planter(PlanContext(profile, cp, calendar, rng, lines, journals_per_month, monthly_revenue,
                                     account_month, next_key))
    specs.sort(key=lambda s: (s.entered_at, s.key))
    day0, span = calendar.first_day, calendar.last_entry_day - calendar.first_day + 1
    for spec in specs:
        if not 0 <= spec.entered_at // DAY_SECONDS - day0 < span:
            raise ValueError(f"journal {spec.header!r} is keyed outside the ledger's entry days")

    lines_per_month_end = month_end_plan.n_lines * np.where(month_end_plan.reversed, 2, 1)
    scheduled_lines = int(lines_per_month_end.sum()) + sum(len(s.lines) for s in specs if s.emit)
    budget = lines - scheduled_lines
    if budget < 2 * len(bdays):
        raise UsageError(f"--lines {lines:,} is too few for {len(calendar.months)} months of activity; "
                         f"ask for at least {2 * (scheduled_lines + 2 * len(bdays)):,} lines or fewer months")

    # Chunks: runs of entry days holding about `chunk_lines` lines each.
    daily_lines = np.zeros(span)
    daily_lines[bdays - day0] = bday_weight * budget
    scheduled = np.zeros(span)
    np.add.at(scheduled, month_end_plan.entered_day - day0, lines_per_month_end)
    for spec in specs:
        scheduled[spec.entered_at // DAY_SECONDS - day0] += len(spec.lines)
    cumulative = np.cumsum(daily_lines + scheduled)
    chunk_count = max(1, int(np.ceil(cumulative[-1] / chunk_lines)))
    cut = np.searchsorted(cumulative, cumulative[-1] * np.arange(1, chunk_count) / chunk_count)
    ends = np.unique(np.append(cut, span - 1))
    starts = np.append(0, ends[:-1] + 1)
    daily_cumulative = np.cumsum(daily_lines)
    daily_cumulative[-1] = budget
    budgets = np.diff(np.append(0, np.round(daily_cumulative[ends]).astype(np.int64)))
    for c in np.flatnonzero(budgets == 1):  # a chunk cannot hold a one-line journal: move that line on
        budgets[c] -= 1
        budgets[c + 1 if c + 1 < len(budgets) else c - 1] += 1
    chunk_days = [(int(s) + day0, int(e) + day0) for s, e in zip(starts, ends)]
    return _Plan(cp, daily, daily_weight, month_end, month_end_plan, specs, bdays, bday_weight, chunk_days, budgets,
                 monthly_revenue)


def _plan_month_end(month_end: list[CompiledTemplate], calendar: LedgerCalendar,
                    journals_per_month: np.ndarray, rng: np.random.Generator) -> _MonthEndPlan:
    template, month, n_lines, entered = [], [], [], []
    for m in range(len(calendar.months)):
        entry_days = calendar.business_days_of(m + 1)[:4]
        for t, ct in enumerate(month_end):
            count = max(1, int(round(ct.template.per_month * journals_per_month[m] / 1000)))
            template.append(np.full(count, t))
            month.append(np.full(count, m))
            n_lines.append(ct.draw_line_counts(rng, count))
            entered.append(rng.choice(entry_days, size=count))
    template, month, n_lines, entered = (np.concatenate(a).astype(np.int64)
                                         for a in (template, month, n_lines, entered))
    reversing = np.array([ct.template.reversing for ct in month_end], dtype=bool)
    return _MonthEndPlan(template, month, n_lines, entered, reversing[template] & (month < len(calendar.months) - 1))


def _fill(rng: np.random.Generator, daily: list[CompiledTemplate], weight: np.ndarray, budget: int):
    """Templates and line counts of journals whose lines add up to exactly `budget`."""
    mean = float(sum(w * ct.mean_lines for w, ct in zip(weight, daily)))
    template = np.empty(0, dtype=np.int64)
    n_lines = np.empty(0, dtype=np.int64)
    while n_lines.sum() < budget:
        more = int((budget - n_lines.sum()) / mean * 1.05) + 16
        drawn = rng.choice(len(daily), size=more, p=weight)
        counts = np.empty(more, dtype=np.int64)
        for t, ct in enumerate(daily):
            chosen = drawn == t
            counts[chosen] = ct.draw_line_counts(rng, int(chosen.sum()))
        template, n_lines = np.append(template, drawn), np.append(n_lines, counts)
    kept = int(np.searchsorted(np.cumsum(n_lines), budget, side="right"))
    template, n_lines = template[:kept], n_lines[:kept]
    leftover = budget - int(n_lines.sum())
    widest = int(np.argmax([ct.line_counts[-1] for ct in daily]))
    most = int(daily[widest].line_counts[-1])
    extra = []
    while leftover > 1:
        take_lines = min(leftover, most)
        if leftover - take_lines == 1:
            take_lines -= 1
        extra.append(take_lines)
        leftover -= take_lines
    if leftover == 1:  # grow the last journal that has room for one more line
        room = np.flatnonzero(n_lines < np.array([daily[t].line_counts[-1] for t in template]))
        n_lines[room[-1]] += 1
    template = np.append(template, np.full(len(extra), widest)).astype(np.int64)
    n_lines = np.append(n_lines, extra).astype(np.int64)
    return template, n_lines


def _daily(cp, daily, weight, rng, chunk, budget, bdays, bday_weight, first, last):
    template, n_lines = _fill(rng, daily, weight, budget)
    in_chunk = (bdays >= first) & (bdays <= last)
    days, p = bdays[in_chunk], bday_weight[in_chunk] / bday_weight[in_chunk].sum()
    entered = rng.choice(days, size=len(template), p=p)
    keys = (np.int64(chunk) << 32) + np.arange(len(template), dtype=np.int64)
    parts = []
    for t, ct in enumerate(daily):
        chosen = np.flatnonzero(template == t)
        if not len(chosen):
            continue
        effective = entered[chosen]
        if ct.template.backdate_share:
            back = rng.random(len(chosen)) < ct.template.backdate_share
            days = cp.calendar.business_days
            previous = days[np.maximum(np.searchsorted(days, effective) - 1, 0)]
            effective = np.where(back & (previous >= cp.calendar.first_day), previous, effective)
        parts.append(build_journals(cp, ct, rng, keys[chosen], n_lines[chosen], entered[chosen], effective))
    return parts


def _month_end(cp, month_end, rng, chunk, plan: _MonthEndPlan, in_chunk) -> list:
    parts = []
    key = (np.int64(chunk) << 32) + (1 << 31)  # above any daily key of the chunk
    for t, ct in enumerate(month_end):
        chosen = np.flatnonzero(in_chunk & (plan.template == t))
        if not len(chosen):
            continue
        month_ends = np.array([cp.calendar.months[m].end for m in plan.month[chosen]])
        keys = key + np.arange(len(chosen), dtype=np.int64)
        key += len(chosen)
        lines, journals = build_journals(cp, ct, rng, keys, plan.n_lines[chosen], plan.entered_day[chosen], month_ends)
        parts.append((lines, journals))
        reversed_ = plan.reversed[chosen]
        if reversed_.any():
            reversal_keys = key + np.arange(int(reversed_.sum()), dtype=np.int64)
            key += len(reversal_keys)
            originals = np.isin(lines["jkey"], keys[reversed_])
            parts.append(reversals_of(cp, ct, rng, lines, take(journals, np.flatnonzero(reversed_)), reversal_keys,
                                      originals))
    return parts


class _State:
    """Journal numbering, trial-balance activity, labels and counts carried across chunks."""

    def __init__(self, cp: CompiledProfile, calendar: LedgerCalendar, account_count: int) -> None:
        self.cp = cp
        self.next_number: dict[int, int] = {}  # per fiscal year: numbers run per year, as ERP number ranges do
        self.spec_ids: dict[int, int] = {}
        self.labels: list[tuple[str, Label]] = []
        self.lines_written = 0
        self.journals_written = 0
        periods = calendar.months + calendar.adjustments
        self.year0 = min(p.fiscal_year for p in periods)
        years = max(p.fiscal_year for p in periods) - self.year0 + 1
        self.slot = np.full(years * 13, -1, dtype=np.int64)
        for s, p in enumerate(periods):
            self.slot[(p.fiscal_year - self.year0) * 13 + p.number - 1] = s
        self.activity = np.zeros((account_count, len(periods)), dtype=np.int64)
        self.account_count = account_count

    def write_chunk(self, parts, specs: list[JournalSpec], writer: _Writer, profile: Profile) -> None:
        lines = concat([p[0] for p in parts])
        journals = concat([p[1] for p in parts])
        journals = take(journals, np.argsort(journals["jkey"], kind="stable"))
        keys = journals["jkey"]

        # Numbers in entry order within each fiscal year; a journal sharing another's number takes it
        # without using one.
        order = np.lexsort((keys, journals["entered_at"]))
        ids = np.empty(len(keys), dtype=np.int64)
        year = journals["fiscal_year"][order]
        for fiscal_year in np.unique(year):
            in_year = order[year == fiscal_year]
            consumes = journals["share_with"][in_year] < 0
            first = self.next_number.get(int(fiscal_year), 1)
            ids[in_year] = int(fiscal_year) * NUMBERS_PER_YEAR + first + np.cumsum(consumes) - 1
            self.next_number[int(fiscal_year)] = first + int(consumes.sum())
        for row in np.flatnonzero(journals["share_with"] >= 0):
            ids[row] = ids[np.searchsorted(keys, journals["share_with"][row])]
        for spec in specs:
            journal_id = int(ids[np.searchsorted(keys, spec.key)])
            self.spec_ids[spec.key] = journal_id
            self.labels += [(str(journal_id + label.on_next_journal), label) for label in spec.labels]
        rank = np.empty(len(keys), dtype=np.int64)
        rank[order] = np.arange(len(keys))

        # The system's lines feed the trial balance and the log; the extract's lines are written.
        system = np.flatnonzero(lines["presence"] != EXTRACT_ONLY)
        self._add_activity({name: lines[name][system] for name in ("account", "amount", "fiscal_year", "period")})
        start, row = self._groups(lines["jkey"][system], keys)
        writer.write_log(self._log(journals, ids, rank, lines["amount"][system], start, row))

        # Output in entry order; each journal's lines are contiguous, in their booked order.
        written = np.flatnonzero(lines["presence"] != SYSTEM_ONLY)
        start, row = self._groups(lines["jkey"][written], keys)
        group_order = np.argsort(rank[row], kind="stable")
        sizes = np.diff(np.append(start, len(written)))[group_order]
        offsets = np.cumsum(sizes) - sizes
        within = np.arange(int(sizes.sum())) - np.repeat(offsets, sizes)
        lines = take(lines, written[np.repeat(start[group_order], sizes) + within])
        journal_index = np.repeat(np.arange(len(group_order)), sizes)
        journal_ids = ids[row[group_order]]
        partner_ids = self._partner_ids(lines["rev_partner"], keys, ids)
        writer.write_lines(to_arrow(lines, journal_index, journal_ids, partner_ids, within + 1, self.cp.vocab,
                                    profile.entity, profile.currency))
        self.lines_written += len(within)
        self.journals_written += len(group_order)

    @staticmethod
    def _groups(jkey: np.ndarray, keys: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
        """First line of each journal's run of lines, and that journal's row in `keys`."""
        start = np.flatnonzero(np.append(True, jkey[1:] != jkey[:-1]))
        return start, np.searchsorted(keys, jkey[start])

    def _partner_ids(self, partner: np.ndarray, keys: np.ndarray, ids: np.ndarray) -> np.ndarray:
        out = np.full(len(partner), -1, dtype=np.int64)
        linked = np.flatnonzero(partner >= 0)
        position = np.clip(np.searchsorted(keys, partner[linked]), 0, len(keys) - 1)
        found = keys[position] == partner[linked]
        resolved = np.where(found, ids[position], -1)
        for i in np.flatnonzero(~found):  # a journal of an earlier chunk: only hand-built ones are
            resolved[i] = self.spec_ids[int(partner[linked[i]])]
        out[linked] = resolved
        return out

    def _add_activity(self, lines) -> None:
        year_index = (lines["fiscal_year"].astype(np.int64) - self.year0) * 13 + lines["period"] - 1
        valid = (lines["account"] >= 0) & (year_index >= 0) & (year_index < len(self.slot))
        slot = self.slot[year_index[valid]]
        valid_slot = slot >= 0
        flat = lines["account"][valid][valid_slot].astype(np.int64) * self.activity.shape[1] + slot[valid_slot]
        sums = np.bincount(flat, weights=lines["amount"][valid][valid_slot].astype(np.float64),
                           minlength=self.activity.size)
        self.activity += np.round(sums).astype(np.int64).reshape(self.activity.shape)

    @staticmethod
    def _log(journals, ids, rank, amount, group_start, group_row) -> pa.Table:
        """Control totals per journal and side, as the system's own log would hold them."""
        debit = np.zeros(len(ids), dtype=np.int64)
        credit = np.zeros(len(ids), dtype=np.int64)
        debit[group_row] = np.add.reduceat(np.maximum(amount, 0), group_start)
        credit[group_row] = np.add.reduceat(np.maximum(-amount, 0), group_start)
        debit += journals["log_delta"]
        order = np.argsort(rank)
        order = order[journals["in_log"][order]]
        total = np.stack((debit[order], credit[order]), axis=1).ravel()
        side = np.tile(np.array([0, 1], dtype=np.int32), len(order))
        keep = total > 0
        entered = journals["entered_at"][order].repeat(2)[keep]
        days = (entered // DAY_SECONDS).astype("datetime64[D]")
        months = days.astype("datetime64[M]")
        month_number = months.astype(np.int64)
        yyyymmdd = ((month_number // 12 + 1970) * 10000 + (month_number % 12 + 1) * 100
                    + (days - months.astype("datetime64[D]")).astype(np.int64) + 1)
        seconds = entered % DAY_SECONDS
        return pa.table({
            "Journal_ID": pa.array(ids[order].repeat(2)[keep]).cast(pa.string()),
            "Amount_Credit_Debit_Indicator": pa.DictionaryArray.from_arrays(pa.array(side[keep]), pa.array(["D", "C"])),
            "Total": decimal_array(total[keep], scale=2),
            "Entered_Date": pa.array(yyyymmdd),
            "Entered_Time": pa.array(seconds // 3600 * 10000 + seconds % 3600 // 60 * 100 + seconds % 60),
        })
