"""Recurring journals booked on a schedule whatever the ledger's size: payroll, depreciation...

Each becomes a `JournalSpec` per occurrence. Totals are a share of the month's expected revenue,
so a larger generated company pays a larger payroll; depreciation and prepaid amortization
repeat the same amount every month, as real schedules do.
"""

from __future__ import annotations

import numpy as np

from .calendar import DAY_SECONDS, LedgerCalendar
from .ordinary import approval_lags, office_seconds
from .profile import Profile, Recurring
from .tables import JournalSpec


def _split(total: int, shares: list[float]) -> list[int]:
    """Integer cents in proportion to `shares`, summing exactly to `total`."""
    parts = [int(round(total * s)) for s in shares[:-1]]
    return parts + [total - sum(parts)]


def _occurrences(recurring: Recurring, calendar: LedgerCalendar) -> list[tuple[int, int, int, float]]:
    """(month index, effective day, entered day, share of the month's amount) for each booking."""
    out = []
    for m, period in enumerate(calendar.months):
        if recurring.schedule == "quarterly" and period.number % 3:
            continue
        month_days = calendar.business_days_of(m)
        if recurring.schedule == "semi_monthly":
            mid = month_days[month_days <= period.start + 14][-1]
            out.append((m, int(mid), int(mid), 0.5))
            out.append((m, int(month_days[-1]), int(month_days[-1]), 0.5))
            continue
        if recurring.entry_offset:
            entered = calendar.business_days_after(int(month_days[-1]), recurring.entry_offset)
        else:
            entered = int(month_days[-1])
        out.append((m, period.end, entered, 1.0))
    return out


def recurring_specs(profile: Profile, calendar: LedgerCalendar, monthly_revenue: np.ndarray,
                    rng: np.random.Generator, next_key) -> list[JournalSpec]:
    """Every recurring journal of the ledger. `monthly_revenue` is expected revenue per month (cents)."""
    specs = []
    for recurring in profile.recurring:
        base = None
        for m, effective, entered, portion in _occurrences(recurring, calendar):
            if base is None or recurring.noise:
                # Fixed schedules (noise 0) keep the first month's amount all year.
                base = monthly_revenue[m] * recurring.revenue_share
            total = int(round(base * portion * (1 + rng.normal(0, recurring.noise)))) if recurring.noise else \
                int(round(base * portion))
            debits = [line for line in recurring.lines if line.side == "D"]
            credits = [line for line in recurring.lines if line.side == "C"]
            amounts = _split(total, [line.share for line in debits]) + \
                [-a for a in _split(total, [line.share for line in credits])]
            ordered = debits + credits
            entered_at = entered * DAY_SECONDS + int(office_seconds(rng, 1)[0])
            specs.append(JournalSpec(
                key=next_key(),
                lines=[(line.account, amount, profile.account(line.account).name)
                       for line, amount in zip(ordered, amounts)],
                effective=effective,
                entered_at=entered_at,
                source=recurring.source,
                manual=next(s.manual for s in profile.sources if s.code == recurring.source),
                entered_by=recurring.preparer,
                approved_by=profile.approver_for(recurring.approver, total) if recurring.approver else None,
                approved_at=entered_at + int(approval_lags(rng, 1)[0]) if recurring.approver else None,
                header=recurring.header,
                cost_centres=tuple(line.cost_centre for line in ordered),
            ))
    return specs
