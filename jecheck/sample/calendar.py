"""Dates for generated ledgers: business days, US holidays and the monthly close calendar.

Days are integers counted from 1970-01-01 (Arrow's date32) and instants are integer seconds
from 1970-01-01 00:00 local time, so that whole ledgers can be dated with numpy arithmetic.
The fiscal year is the calendar year; period n is month n and period 13 is the year-end
adjustment period (dated 31 December), which the close calendar lists separately.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field

import numpy as np

EPOCH = dt.date(1970, 1, 1)
DAY_SECONDS = 86_400
ADJUSTMENT_PERIOD = 13


def day_number(day: dt.date) -> int:
    """Days from 1970-01-01 to `day`."""
    return (day - EPOCH).days


def to_date(day: int) -> dt.date:
    """The date `day` days after 1970-01-01."""
    return EPOCH + dt.timedelta(days=int(day))


def to_datetime(seconds: int) -> dt.datetime:
    """The local date-time `seconds` after 1970-01-01 00:00."""
    return dt.datetime(1970, 1, 1) + dt.timedelta(seconds=int(seconds))


def seconds_at(day: int, hour: int, minute: int = 0, second: int = 0) -> int:
    """Instant of a clock time on a day."""
    return int(day) * DAY_SECONDS + hour * 3600 + minute * 60 + second


def _add_months(year: int, month: int, months: int) -> tuple[int, int]:
    index = year * 12 + (month - 1) + months
    return index // 12, index % 12 + 1


@dataclass
class Period:
    """One accounting period of the close calendar."""

    fiscal_year: int
    number: int  # 1..12, or 13 for the adjustment period
    start: int  # day
    end: int  # day
    closed_at: int = 0  # instant the period was locked

    @property
    def label(self) -> str:
        """Unique period label used by the close calendar: YYYY-PP."""
        return f"{self.fiscal_year}-{self.number:02d}"


@dataclass
class LedgerCalendar:
    """Months of the ledger, the business days they hold and when each period was closed.

    `months` are the ledger's periods (1..12); `adjustments` the period-13 rows for every fiscal
    year whose December is inside the ledger. Entries may be entered up to `tail_days` after the
    last period ends (late accruals, the year-end close), so business days extend that far.
    """

    start_year: int
    start_month: int
    month_count: int
    country: str = "US"
    tail_days: int = 75
    months: list[Period] = field(default_factory=list)
    adjustments: list[Period] = field(default_factory=list)
    holidays: np.ndarray = field(default_factory=lambda: np.empty(0, dtype=np.int32))
    business_days: np.ndarray = field(default_factory=lambda: np.empty(0, dtype=np.int32))

    def __post_init__(self) -> None:
        import holidays as holidays_pkg  # offline package; imported here so the module loads fast

        for i in range(self.month_count):
            year, month = _add_months(self.start_year, self.start_month, i)
            next_year, next_month = _add_months(year, month, 1)
            start = day_number(dt.date(year, month, 1))
            end = day_number(dt.date(next_year, next_month, 1)) - 1
            self.months.append(Period(year, month, start, end))
            if month == 12:
                self.adjustments.append(Period(year, ADJUSTMENT_PERIOD, end, end))
        first, last = self.months[0].start, self.months[-1].end + self.tail_days
        years = range(to_date(first).year, to_date(last).year + 1)
        observed = holidays_pkg.country_holidays(self.country, years=list(years))
        self.holidays = np.array(sorted(day_number(d) for d in observed), dtype=np.int32)
        days = np.arange(first, last + 1, dtype=np.int32)
        weekday = (days + 3) % 7  # 1970-01-01 was a Thursday; 0 = Monday
        self.business_days = days[(weekday < 5) & ~np.isin(days, self.holidays)]

    @property
    def first_day(self) -> int:
        return self.months[0].start

    @property
    def last_day(self) -> int:
        return self.months[-1].end

    @property
    def last_entry_day(self) -> int:
        return self.months[-1].end + self.tail_days

    def month_of(self, days: np.ndarray) -> np.ndarray:
        """Index into `months` of each day (clipped to the ledger's months)."""
        starts = np.array([p.start for p in self.months], dtype=np.int64)
        return np.clip(np.searchsorted(starts, days, side="right") - 1, 0, len(self.months) - 1)

    def business_days_of(self, month_index: int) -> np.ndarray:
        """Business days of a month; `month_index` may run past the ledger's last month."""
        year, month = _add_months(self.start_year, self.start_month, month_index)
        next_year, next_month = _add_months(year, month, 1)
        start = day_number(dt.date(year, month, 1))
        end = day_number(dt.date(next_year, next_month, 1)) - 1
        days = self.business_days
        return days[(days >= start) & (days <= end)]

    def business_days_after(self, day: int, count: int) -> int:
        """The business day `count` business days after `day` (count >= 1)."""
        position = int(np.searchsorted(self.business_days, day, side="right"))
        return int(self.business_days[position + count - 1])

    def previous_business_day(self, day: int) -> int:
        position = int(np.searchsorted(self.business_days, day, side="left"))
        return int(self.business_days[max(position - 1, 0)])

    def set_closes(
        self,
        rng: np.random.Generator,
        monthly_lag: int = 8,
        year_end_lag: int = 25,
        overrides: dict[str, dt.datetime] | None = None,
    ) -> None:
        """Lock each month `monthly_lag` business days after its end (December: `year_end_lag`).

        The adjustment period closes five business days after December. `overrides` maps a
        period label (YYYY-PP) to the instant it was really locked.
        """
        overrides = overrides or {}
        for period in self.months + self.adjustments:
            if period.number == ADJUSTMENT_PERIOD:
                december = next(p for p in self.months if p.fiscal_year == period.fiscal_year and p.number == 12)
                day = int(december.closed_at // DAY_SECONDS)
                day = self.business_days_after(day, 5)
            else:
                lag = year_end_lag if period.number == 12 else monthly_lag
                day = self.business_days_after(period.end, lag)
            period.closed_at = seconds_at(day, 17, int(rng.integers(0, 60)), int(rng.integers(0, 60))) + int(
                rng.integers(0, 2) * 3600
            )
            if period.label in overrides:
                period.closed_at = int((overrides[period.label] - dt.datetime(1970, 1, 1)).total_seconds())

    def period_by_label(self, label: str) -> Period:
        for period in self.months + self.adjustments:
            if period.label == label:
                return period
        raise KeyError(label)
