"""Ordinary activity, built as whole numpy arrays: the bulk of every generated ledger.

`CompiledProfile` turns a `Profile` into code arrays once; `build_journals` then makes any
number of journals of one template in a handful of vectorised steps (no loop over journals or
lines), each balancing to the cent: the single line carries the total, the pool lines share it.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from .calendar import DAY_SECONDS, LedgerCalendar, day_number
from .profile import Profile, Template
from .tables import NO_CODE, Lines, Journals, Vocabularies, Vocabulary, journals_for

# Share of entries keyed in each office hour, 08:00 to 17:59 (a lunch dip at noon).
HOUR_WEIGHTS = np.array([0.06, 0.12, 0.13, 0.12, 0.07, 0.10, 0.13, 0.12, 0.10, 0.05])
HOUR_WEIGHTS = HOUR_WEIGHTS / HOUR_WEIGHTS.sum()


def office_seconds(rng: np.random.Generator, n: int) -> np.ndarray:
    """Seconds after midnight of `n` entries keyed during office hours."""
    hours = 8 + rng.choice(len(HOUR_WEIGHTS), size=n, p=HOUR_WEIGHTS)
    return hours * 3600 + rng.integers(0, 3600, size=n)


def approval_lags(rng: np.random.Generator, n: int) -> np.ndarray:
    """Seconds from entry to approval: minutes to a few hours, never before entry."""
    return np.clip(rng.lognormal(np.log(40 * 60), 0.9, size=n), 120, 5 * 3600).astype(np.int64)


def _weights(pairs) -> np.ndarray:
    w = np.array([p for _, p in pairs], dtype=float)
    return w / w.sum()


@dataclass
class CompiledTemplate:
    template: Template
    single: np.ndarray
    single_p: np.ndarray
    pool: np.ndarray
    pool_p: np.ndarray
    line_counts: np.ndarray
    line_p: np.ndarray
    preparers: np.ndarray
    preparer_p: np.ndarray
    approver: int
    source: int
    manual: bool
    headers: np.ndarray
    reversal_headers: np.ndarray

    @property
    def mean_lines(self) -> float:
        return float((self.line_counts * self.line_p).sum())

    def draw_line_counts(self, rng: np.random.Generator, n: int) -> np.ndarray:
        return rng.choice(self.line_counts, size=n, p=self.line_p).astype(np.int64)


class CompiledProfile:
    """A profile's accounts, users and templates as codes, plus day lookups over the calendar."""

    def __init__(self, profile: Profile, calendar: LedgerCalendar) -> None:
        self.profile = profile
        self.calendar = calendar
        self.vocab = Vocabularies(
            accounts=Vocabulary([a.number for a in profile.accounts]),
            users=Vocabulary([u.user_id for u in profile.users]),
            sources=Vocabulary([s.code for s in profile.sources]),
        )
        self.account_name = np.array([self.vocab.texts.code(a.name) for a in profile.accounts], dtype=np.int32)
        self.account_is_expense = np.array([a.type == "expense" for a in profile.accounts])
        self.manual_source = {s.code: s.manual for s in profile.sources}
        self.templates = [self._compile(t) for t in profile.templates]
        self.user_limit = np.array([u.approval_limit or 0.0 for u in profile.users]) * 100
        self.controller = self.vocab.users.code(profile.controller)
        self.cfo = self.vocab.users.code(profile.cfo)
        self.leavers = [
            (self.vocab.users.code(u.user_id), day_number(u.active_modified), self.vocab.users.code(u.replaced_by))
            for u in profile.users if u.replaced_by and u.active_modified
        ]
        parties = self.vocab.parties
        self.cost_centres = parties.codes([c for c, _ in profile.expense_cost_centres])
        self.cost_centre_p = _weights(profile.expense_cost_centres) if profile.expense_cost_centres else None
        self.customers = parties.codes([c for c, _ in profile.customers])
        self.customer_p = _weights(profile.customers)
        self.vendors = parties.codes([v for v, _ in profile.vendors])
        self.vendor_p = _weights(profile.vendors)
        self.customer_end = [(parties.code(c), day_number(d)) for c, d in profile.customer_end.items()]
        ongoing = ~np.isin(self.customers, [c for c, _ in self.customer_end])
        self.ongoing_customers = self.customers[ongoing]
        self.ongoing_customer_p = self.customer_p[ongoing] / self.customer_p[ongoing].sum()
        # Day lookups: fiscal year, period and the first day of the month, for any day near the ledger.
        self.day0 = calendar.first_day - 800
        days = np.arange(self.day0, calendar.last_entry_day + 800)
        as_dates = days.astype("datetime64[D]")
        months = as_dates.astype("datetime64[M]")
        self._year = (months.astype(int) // 12 + 1970).astype(np.int32)
        self._period = (months.astype(int) % 12 + 1).astype(np.int32)
        self._month_start = months.astype("datetime64[D]").astype(np.int32)

    def _compile(self, t: Template) -> CompiledTemplate:
        accounts, texts = self.vocab.accounts, self.vocab.texts
        counts = np.arange(t.lines[0], t.lines[1] + 1)
        line_p = t.line_decay ** (counts - counts[0])
        return CompiledTemplate(
            template=t,
            single=accounts.codes([a for a, _ in t.single]), single_p=_weights(t.single),
            pool=accounts.codes([a for a, _ in t.pool]), pool_p=_weights(t.pool),
            line_counts=counts, line_p=line_p / line_p.sum(),
            preparers=self.vocab.users.codes([u for u, _ in t.preparers]), preparer_p=_weights(t.preparers),
            approver=self.vocab.users.code(t.approver),
            source=self.vocab.sources.code(t.source), manual=self.manual_source[t.source],
            headers=texts.codes(list(t.headers)),
            reversal_headers=texts.codes([f"Reversal of: {h}" for h in t.headers]),
        )

    def fiscal_of_day(self, days: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
        """Fiscal year and period (calendar months) of each day."""
        index = np.asarray(days) - self.day0
        return self._year[index], self._period[index]

    def month_start(self, days: np.ndarray) -> np.ndarray:
        return self._month_start[np.asarray(days) - self.day0]

    def approvers_for(self, default: np.ndarray | int, totals: np.ndarray) -> np.ndarray:
        """The default approver, escalated to the controller and then the CFO above their limits."""
        approver = np.broadcast_to(np.asarray(default, dtype=np.int32), totals.shape).copy()
        approver = np.where(totals > self.user_limit[approver], self.controller, approver)
        return np.where(totals > self.user_limit[approver], self.cfo, approver).astype(np.int32)

    def replace_leavers(self, users: np.ndarray, days: np.ndarray) -> np.ndarray:
        for leaver, last_day, successor in self.leavers:
            users = np.where((users == leaver) & (days > last_day), successor, users)
        return users

    def draw_customers(self, rng: np.random.Generator, days: np.ndarray) -> np.ndarray:
        chosen = rng.choice(self.customers, size=len(days), p=self.customer_p)
        if self.customer_end:
            fallback = rng.choice(self.ongoing_customers, size=len(days), p=self.ongoing_customer_p)
            for customer, last_day in self.customer_end:
                chosen = np.where((chosen == customer) & (days > last_day), fallback, chosen)
        return chosen


def draw_totals(rng: np.random.Generator, t: Template, n: int) -> np.ndarray:
    """Journal totals in cents: lognormal, at least 5.00, at most the template's cap."""
    cents = rng.lognormal(np.log(t.median * 100), t.sigma, size=n)
    return np.clip(np.round(cents), 500, t.cap * 100).astype(np.int64)


def build_journals(
    cp: CompiledProfile,
    ct: CompiledTemplate,
    rng: np.random.Generator,
    keys: np.ndarray,
    n_lines: np.ndarray,
    entered_day: np.ndarray,
    effective_day: np.ndarray,
) -> tuple[Lines, Journals]:
    """Journals of one template: keys, line counts and dates given, everything else drawn."""
    t = ct.template
    n = len(keys)
    totals = draw_totals(rng, t, n)
    entered_at = entered_day.astype(np.int64) * DAY_SECONDS + office_seconds(rng, n)
    preparer = cp.replace_leavers(rng.choice(ct.preparers, size=n, p=ct.preparer_p), entered_day)
    approver = cp.approvers_for(ct.approver, totals)
    approved_at = entered_at + approval_lags(rng, n)
    header = rng.choice(ct.headers, size=n)
    document = effective_day.astype(np.int64)
    if t.document_lag_days:
        earlier = document - rng.integers(0, t.document_lag_days + 1, size=n)
        document = np.maximum(earlier, cp.month_start(effective_day))
    party = np.full(n, NO_CODE, dtype=np.int32)
    if t.party == "customer":
        party = cp.draw_customers(rng, entered_day)
    elif t.party == "vendor":
        party = rng.choice(cp.vendors, size=n, p=cp.vendor_p)

    # Lines: journal j owns positions starts[j] .. starts[j] + n_lines[j] - 1.
    total_lines = int(n_lines.sum())
    journal = np.repeat(np.arange(n), n_lines)
    starts = np.cumsum(n_lines) - n_lines
    position = np.arange(total_lines) - starts[journal]
    # The single line comes first when it is the debit, last when it is the credit.
    single_position = np.zeros(n, dtype=np.int64) if t.single_side == "D" else n_lines - 1
    is_single = position == single_position[journal]
    is_last_pool = position == (n_lines - 1 if t.single_side == "D" else n_lines - 2)[journal]

    weight = np.where(is_single, 0.0, rng.random(total_lines) * 0.8 + 0.2)
    weight_sum = np.bincount(journal, weights=weight, minlength=n)
    share = np.floor(totals[journal] * weight / weight_sum[journal]).astype(np.int64)
    share[is_single] = 0
    remainder = totals - np.bincount(journal, weights=share, minlength=n).astype(np.int64)
    share[is_last_pool] += remainder[journal[is_last_pool]]
    single_sign = 1 if t.single_side == "D" else -1
    amount = np.where(is_single, single_sign * totals[journal], -single_sign * share)

    single_account = rng.choice(ct.single, size=n, p=ct.single_p)
    account = rng.choice(ct.pool, size=total_lines, p=ct.pool_p)
    if t.distinct_single:
        clash = account == single_account[journal]
        next_in_pool = np.roll(ct.pool, -1)[np.argmax(ct.pool[None, :] == account[:, None], axis=1)]
        account = np.where(clash, next_in_pool, account)
    account = np.where(is_single, single_account[journal], account).astype(np.int32)

    cost_centre = np.full(total_lines, NO_CODE, dtype=np.int32)
    if cp.cost_centre_p is not None:
        expense = cp.account_is_expense[account]
        cost_centre[expense] = rng.choice(cp.cost_centres, size=int(expense.sum()), p=cp.cost_centre_p)

    fiscal_year, period = cp.fiscal_of_day(effective_day)
    line_party = party[journal]
    lines = {
        "jkey": keys[journal],
        "account": account,
        "amount": amount.astype(np.int64),
        "effective": effective_day.astype(np.int32)[journal],
        "document": document.astype(np.int32)[journal],
        "fiscal_year": fiscal_year[journal],
        "period": period[journal],
        "entered_at": entered_at[journal],
        "entered_by": preparer.astype(np.int32)[journal],
        "approved_by": approver[journal],
        "approved_at": approved_at[journal],
        "header": header.astype(np.int32)[journal],
        "line_desc": cp.account_name[account],
        "source": np.full(total_lines, ct.source, dtype=np.int32),
        "manual": np.full(total_lines, ct.manual),
        "rev_ind": np.zeros(total_lines, dtype=np.int8),
        "rev_partner": np.full(total_lines, -1, dtype=np.int64),
        "presence": np.zeros(total_lines, dtype=np.int8),
        "cost_centre": cost_centre,
        "vendor": line_party if t.party == "vendor" else np.full(total_lines, NO_CODE, dtype=np.int32),
        "customer": line_party if t.party == "customer" else np.full(total_lines, NO_CODE, dtype=np.int32),
    }
    return lines, journals_for(keys, entered_at, fiscal_year)


def reversals_of(cp: CompiledProfile, ct: CompiledTemplate, rng: np.random.Generator, lines: Lines,
                 journals: Journals, keys: np.ndarray, originals: np.ndarray) -> tuple[Lines, Journals]:
    """Automatic reversals, dated the day after, of the journals in `journals` (lines where `originals`).

    Marks the originals as reversed (indicator 2) and the reversals as reversals (indicator 1),
    each pointing at the other, as ADS numbering has it. `lines` is updated in place.
    """
    source = {name: column[originals] for name, column in lines.items()}
    order = np.searchsorted(journals["jkey"], source["jkey"])  # journal keys are ascending
    reversal_key = keys[order]
    entered_at = journals["entered_at"] + rng.integers(1, 20, size=len(keys))
    effective = source["effective"] + 1
    fiscal_year, period = cp.fiscal_of_day(effective)
    header_index = np.argmax(ct.headers[None, :] == source["header"][:, None], axis=1)
    reversed_lines = dict(source)
    reversed_lines.update({
        "jkey": reversal_key,
        "amount": -source["amount"],
        "effective": effective,
        "document": effective,
        "fiscal_year": fiscal_year,
        "period": period,
        "entered_at": entered_at[order],
        "approved_at": source["approved_at"] + (entered_at[order] - source["entered_at"]),
        "header": ct.reversal_headers[header_index],
        "rev_ind": np.ones(len(order), dtype=np.int8),
        "rev_partner": source["jkey"],
    })
    lines["rev_ind"] = np.where(originals, 2, lines["rev_ind"]).astype(np.int8)
    lines["rev_partner"][originals] = reversal_key
    reversal_year = np.empty(len(keys), dtype=np.int32)
    reversal_year[order] = fiscal_year  # every line of a journal has the same year
    return reversed_lines, journals_for(keys, entered_at, reversal_year)
