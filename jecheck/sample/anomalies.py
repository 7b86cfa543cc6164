"""Labelled anomalies planted in generated ledgers: a few of each kind every rule looks for.

Each planted journal starts as an ordinary manual entry (a regular accountant, a routine pair
of accounts, an office-hours weekday, approved by a manager within their limit, an unremarkable
description and amount) and changes the one thing its rule should notice, so that a label names
the rule expected to find it. Some anomalies cannot avoid tripping a second rule (an entry keyed
after the close was also approved after it); the description says what was planted.

Counts scale with the ledger (`planted_count`), never so many that the anomaly becomes normal;
kinds built on rarity (rare preparers, seldom-used accounts, rare account pairs) are capped.
Works on the default profile's chart and users (see profile.py).
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable

import numpy as np

from .calendar import DAY_SECONDS, LedgerCalendar, Period, day_number, to_date, to_datetime
from .engine import PlanContext
from .tables import JournalSpec, Label

STAFF = ("JRIVERA", "ANGUYEN", "TBROOKS")
MANAGER, CONTROLLER = "SPATEL", "MCHEN"
BY_AMOUNT = "approver whose limit covers the amount"
ACCRUED = "2100"
APPROVAL_THRESHOLDS = (5_000, 10_000, 25_000, 50_000, 100_000)
MONTH_ABBR = ("Jan", "Feb", "Mar", "Apr", "May", "Jun", "Jul", "Aug", "Sep", "Oct", "Nov", "Dec")
BENFORD_JOURNALS = 160  # 320 amounts: enough for a first-digit test gated at 300


def planted_count(lines: int) -> int:
    """Planted journals per rule: 3 up to 1.2M lines, one more per 200k lines, at most 50."""
    return int(np.clip(round(lines / 200_000), 3, 50))


def _date(day: int) -> str:
    return to_date(day).isoformat()


class Planter:
    """Builds the planted journals of one ledger from its plan context."""

    def __init__(self, ctx: PlanContext) -> None:
        self.ctx = ctx
        self.rng = ctx.rng
        self.cal: LedgerCalendar = ctx.calendar
        self.count = planted_count(ctx.lines)
        self.months = len(self.cal.months)
        self.specs: list[JournalSpec] = []

    # ---- helpers -----------------------------------------------------------------------------

    def month(self, lo: int = 0, hi_margin: int = 0, where: Callable[[Period], bool] | None = None) -> int:
        """A random month index in [lo, months - hi_margin), optionally only months passing `where`."""
        choices = [m for m in range(lo, self.months - hi_margin) if where is None or where(self.cal.months[m])]
        return int(self.rng.choice(choices))

    def bday(self, month: int, lo: int = 0, hi: int | None = None) -> int:
        """A random business day of a month, between its lo-th and hi-th business days."""
        days = self.cal.business_days_of(month)
        days = days[lo:hi] if hi is not None else days[lo:]
        return int(self.rng.choice(days))

    def at(self, day: int, first_hour: int = 9, last_hour: int = 16) -> int:
        hour = int(self.rng.integers(first_hour, last_hour + 1))
        return day * DAY_SECONDS + hour * 3600 + int(self.rng.integers(0, 3600))

    def cents(self, median: float = 2500.0, sigma: float = 0.8) -> int:
        """An unremarkable amount: cents not zero, not just below an approval threshold."""
        value = int(round(self.rng.lognormal(np.log(median * 100), sigma)))
        for threshold in APPROVAL_THRESHOLDS:
            if 0.94 * threshold * 100 <= value < threshold * 100:
                value = int(value * 0.88)
        if value % 100 == 0:
            value += int(self.rng.integers(1, 99))
        return max(value, 1_001)

    def pair(self, debit: str | None, credit: str | None, cents: int) -> list[tuple[str | None, int, str | None]]:
        return [(debit, cents, self.name(debit)), (credit, -cents, self.name(credit))]

    def name(self, account: str | None) -> str | None:
        return self.ctx.profile.account(account).name if account else None

    def manual(self, day: int, lines, header: str | None, label: Label | None, *, effective: int | None = None,
               preparer: str | None = None, approver: str | None = BY_AMOUNT, approved_at: int | None = None,
               entered_at: int | None = None, source: str = "GJ", manual: bool = True, **extra) -> JournalSpec:
        """A manual journal keyed on `day` (office hours) and approved within hours, unless told otherwise.

        By default the accounting manager approves it, or whoever's limit covers the amount.
        """
        entered = self.at(day) if entered_at is None else entered_at
        debit_total = sum(amount for _, amount, _ in lines if amount > 0)
        if approver == BY_AMOUNT:
            approver = self.ctx.profile.approver_for(MANAGER, debit_total)
        if approved_at is None and approver is not None:
            approved_at = entered + int(self.rng.integers(10, 150)) * 60
        spec = JournalSpec(
            key=self.ctx.next_key(), lines=list(lines), effective=day if effective is None else effective,
            entered_at=entered, source=source, manual=manual,
            entered_by=preparer or str(self.rng.choice(STAFF)), approved_by=approver, approved_at=approved_at,
            header=header, labels=[label] if label else [], **extra)
        self.specs.append(spec)
        return spec

    def routine(self, day: int, label: Label | None, *, cents: int | None = None, **kwargs) -> JournalSpec:
        """A routine accrual-style manual entry (a staff accountant's usual accounts and wording)."""
        debit, header = [("6230", "Record repairs invoice"), ("6420", "Accrue consulting services"),
                         ("5300", "Accrue inbound freight"), ("6410", "Accrue audit fieldwork")][
            int(self.rng.integers(0, 4))]
        cents = self.cents() if cents is None else cents
        return self.manual(day, self.pair(debit, ACCRUED, cents), kwargs.pop("header", header), label, **kwargs)

    def quarter_end_month(self) -> int:
        """A month ending a quarter, with a month after it in the ledger (any such month if none ends one)."""
        if any(p.number % 3 == 0 for p in self.cal.months[:-1]):
            return self.month(hi_margin=1, where=lambda p: p.number % 3 == 0)
        return self.month(hi_margin=1)

    def closed_at(self, month: int) -> int:
        return self.cal.months[month].closed_at

    def label(self, rule_id: str, anomaly: str, description: str, **extra) -> Label:
        category = "model_only" if rule_id == "model_only" else rule_id.split("-")[0]
        return Label(anomaly, category, rule_id, description, **extra)

    # ---- the anomalies ---------------------------------------------------------------------

    def plant(self) -> list[JournalSpec]:
        """Every planted journal of the ledger."""
        for method in (
            self.cut_001, self.cut_002, self.cut_003, self.cut_004, self.cut_005, self.cut_006, self.cut_007,
            self.cut_008, self.apr_001, self.apr_002, self.apr_003, self.apr_004, self.apr_005, self.apr_006,
            self.ppa_001, self.ppa_002, self.ppa_003, self.ppa_004, self.ppa_005, self.int_001, self.int_002,
            self.int_003, self.int_004, self.int_005, self.int_006, self.tim_001, self.tim_002, self.tim_003,
            self.tim_004, self.amt_001, self.amt_002, self.amt_003, self.amt_004, self.amt_005, self.usr_001,
            self.usr_002, self.usr_003, self.acc_001, self.acc_002, self.acc_003, self.acc_004, self.acc_005,
            self.acc_006, self.txt_001, self.txt_002, self.src_001, self.model_only,
        ):
            method()
        return self.specs

    def cut_001(self) -> None:
        for _ in range(self.count):
            m = self.month(hi_margin=1)
            close_day = self.closed_at(m) // DAY_SECONDS
            day = self.cal.business_days_after(close_day, int(self.rng.integers(1, 10)))
            effective = self.bday(m, 5, 15)
            self.routine(day, self.label("CUT-001", "entered_after_close",
                                         f"dated {_date(effective)} but entered {_date(day)}, after period "
                                         f"{self.cal.months[m].label} was closed on {to_datetime(self.closed_at(m))}"),
                         effective=effective)

    def cut_002(self) -> None:
        for i in range(max(self.count, 4)):
            variant = ("not_reversed", "partially_reversed", "reversed_late", "reversed_early")[i % 4]
            if variant == "reversed_early":
                self._window_dressing()
                continue
            m = self.month(hi_margin=2)
            period_end = self.cal.months[m].end
            day = self.bday(m + 1, 0, 3)
            debit = str(self.rng.choice(["6210", "6220"]))
            cents = self.cents(3000)
            accrual = self.manual(day, self.pair(debit, ACCRUED, cents), "Month-end accrual - utilities and services",
                                  None, effective=period_end)
            if variant == "not_reversed":
                accrual.rev_ind = 2  # marked for automatic reversal (Oracle ACCRUAL_REV_FLAG), never reversed
                accrual.labels.append(self.label("CUT-002", "accrual_not_reversed",
                                                 f"period-end accrual of {_date(period_end)} marked to be reversed, "
                                                 "but no reversal was ever posted"))
                continue
            if variant == "partially_reversed":
                back = int(cents * self.rng.uniform(0.4, 0.7))
                reversal = self.manual(day, self.pair(ACCRUED, debit, back),
                                       "Reversal of: Month-end accrual - utilities and services", None,
                                       effective=period_end + 1, preparer=accrual.entered_by,
                                       entered_at=accrual.entered_at + 5, rev_ind=1, rev_partner=accrual.key)
                accrual.rev_ind, accrual.rev_partner = 2, reversal.key
                accrual.labels.append(self.label("CUT-002", "accrual_partially_reversed",
                                                 f"accrual of {cents / 100:.2f} reversed by only {back / 100:.2f}"))
            else:
                late_day = self.bday(m + 1, 14) if self.rng.random() < 0.5 else self.bday(m + 2, 3, 10)
                self.manual(late_day, self.pair(ACCRUED, debit, cents),
                            "Reversal of: Month-end accrual - utilities and services", None,
                            preparer=accrual.entered_by, rev_ind=1, rev_partner=accrual.key)
                accrual.labels.append(self.label("CUT-002", "accrual_reversed_late",
                                                 f"accrual of {_date(period_end)} reversed only on {_date(late_day)}"))

    def _window_dressing(self) -> None:
        """Revenue booked on the last day of a quarter and reversed in the first days of the next.

        Both journals are also manual entries to receivables and revenue, which ACC-005 should see.
        """
        m = self.quarter_end_month()
        period_end = self.cal.months[m].end
        last_day = int(self.cal.business_days_of(m)[-1])
        cents = self.cents(40_000, 0.5)
        reverse_day = self.bday(m + 1, 0, 3)
        manual_revenue = self.label("ACC-005", "manual_to_system_account",
                                    "manual entry to receivables and revenue (a quarter-end revenue adjustment)")
        booked = self.manual(last_day, self.pair("1100", "4000", cents), "Revenue adjustment - shipments in transit",
                             self.label("CUT-002", "reversed_early_next_period",
                                        f"revenue booked {_date(period_end)} and reversed by an unlinked reciprocal "
                                        f"entry on {_date(reverse_day)}"), effective=period_end, preparer="TBROOKS")
        booked.labels.append(manual_revenue)
        self.manual(reverse_day, self.pair("4000", "1100", cents), "Reverse revenue adjustment", manual_revenue,
                    preparer="TBROOKS")

    def cut_003(self) -> None:
        """Billing invoices booked on a period's last business day but dated in the next (quarter ends first)."""
        for _ in range(self.count):
            m = self.quarter_end_month()
            day = int(self.cal.business_days_of(m)[-1])
            document = self.bday(m + 1, 0, 3)
            customer = f"C{int(self.rng.integers(1, 200)):05d}"
            self.manual(day, self.pair("1100", "4000", self.cents(3500, 0.6)), "Customer invoice",
                        self.label("CUT-003", "document_dated_next_period",
                                   f"invoice dated {_date(document)} booked to {_date(day)}, the earlier period"),
                        source="SD", manual=False, preparer="FGARCIA", approver="EMARTIN", document=document,
                        customer=customer)

    def cut_004(self) -> None:
        for _ in range(self.count):
            m = self.month(hi_margin=1)
            effective = self.bday(m, 0, 4)
            day = self.bday(m + 1, 1, 6)
            self.routine(day, self.label("CUT-004", "backdated",
                                         f"entered {_date(day)}, {day - effective} days after its effective date "
                                         f"{_date(effective)} in the previous period, before that period closed"),
                         effective=effective)

    def cut_005(self) -> None:
        for _ in range(self.count):
            m = self.month(hi_margin=2)
            day = self.bday(m, 3, 12)
            effective = self.bday(m + 2, 5, 15)
            self.routine(day, self.label("CUT-005", "forward_dated",
                                         f"entered {_date(day)} with effective date {_date(effective)}, "
                                         f"{effective - day} days later"), effective=effective)

    def cut_006(self) -> None:
        for _ in range(self.count):
            if self.cal.adjustments:
                adjustment = self.cal.adjustments[int(self.rng.integers(0, len(self.cal.adjustments)))]
                december = next(p for p in self.cal.months
                                if p.fiscal_year == adjustment.fiscal_year and p.number == 12)
                day = self.cal.business_days_after(december.closed_at // DAY_SECONDS, int(self.rng.integers(1, 4)))
                self.manual(day, self.pair("6410", ACCRUED, self.cents(15_000, 0.5)),
                            "Year-end adjustment - audit fees",
                            self.label("CUT-006", "posted_to_adjustment_period",
                                       f"posted to period 13 of {adjustment.fiscal_year}"),
                            effective=adjustment.end, fiscal_year=adjustment.fiscal_year, period=13,
                            preparer="DOKAFOR", approver=CONTROLLER)
            else:
                first = self.cal.months[0]
                effective = first.start - 1
                day = self.bday(0, 5, 10)
                self.routine(day, self.label("CUT-006", "dated_outside_fiscal_year",
                                             f"dated {_date(effective)}, before the ledger's first fiscal period"),
                             effective=effective, fiscal_year=first.fiscal_year - 1, period=12)

    def cut_007(self) -> None:
        for _ in range(self.count):
            m = self.month(where=lambda p: p.number >= 2)
            period = self.cal.months[m]
            day = self.bday(m, 2, 10)
            self.routine(day, self.label("CUT-007", "period_field_mismatch",
                                         f"effective {_date(day)} (period {period.number}) but period field says "
                                         f"{period.number - 1}"), period=period.number - 1)

    def cut_008(self) -> None:
        """Invoices piling up in a period's last three days, many times the account's daily norm.

        One spike per low-volume revenue account, so that the account's other period ends stay normal.
        """
        accounts = ("4300", "4200", "4100", "4020")
        months = [m for m in range(self.months) if self.cal.months[m].number % 3 == 0]
        months += [m for m in range(self.months) if m not in months]
        for account, m in list(zip(accounts, months))[:self.count]:
            daily_norm = self.ctx.account_month[self.ctx.cp.vocab.accounts.code(account)] / 21
            period = self.cal.months[m]
            last_days = self.cal.business_days_of(m)
            last_days = last_days[last_days > period.end - 3]
            for _ in range(4):
                cents = int(daily_norm * self.rng.uniform(10, 15)) + int(self.rng.integers(1, 99))
                self.manual(int(self.rng.choice(last_days)), self.pair("1100", account, cents), "Customer invoice",
                            self.label("CUT-008", "period_end_activity_spike",
                                       f"one of four invoices to {account} in the last three days of {period.label}, "
                                       "together about 50 times the account's daily norm"),
                            source="SD", manual=False, preparer="GTAYLOR", approver="EMARTIN",
                            customer=f"C{int(self.rng.integers(1, 50)):05d}")

    def apr_001(self) -> None:
        for _ in range(self.count):
            day = self.bday(self.month())
            self.routine(day, self.label("APR-001", "no_approver", "manual entry with no approver"), approver=None)

    def apr_002(self) -> None:
        for _ in range(self.count):
            day = self.bday(self.month())
            self.manual(day, self.pair("6410", ACCRUED, self.cents(6000)), "Accrue audit fieldwork",
                        self.label("APR-002", "self_approved", "prepared and approved by DOKAFOR"),
                        preparer="DOKAFOR", approver="DOKAFOR")

    def apr_003(self) -> None:
        for i in range(self.count):
            variant = ("approval_time_missing", "approved_after_close", "approved_before_entry")[i % 3]
            m = self.month(hi_margin=1)
            day = self.bday(m, 3, 15)
            entered = self.at(day)
            if variant == "approval_time_missing":
                spec = self.routine(day, None, entered_at=entered, approver=MANAGER)
                spec.approved_at = None
                text = "approver recorded without an approval time"
            elif variant == "approved_after_close":
                close_day = self.closed_at(m) // DAY_SECONDS
                approved = self.at(self.cal.business_days_after(close_day, int(self.rng.integers(2, 10))))
                self.routine(day, None, entered_at=entered, approver=MANAGER, approved_at=approved)
                text = f"approved {to_datetime(approved)}, after period {self.cal.months[m].label} closed"
            else:
                approved = entered - int(self.rng.integers(3600, 3 * DAY_SECONDS))
                self.routine(day, None, entered_at=entered, approver=MANAGER, approved_at=approved)
                text = f"approved {to_datetime(approved)}, before the entry was keyed"
            self.specs[-1].labels.append(self.label("APR-003", variant, text))

    def apr_004(self) -> None:
        for i in range(self.count):
            day = self.bday(self.month())
            if i % 2 == 0:
                preparer, approver = "JRIVERA", "ANGUYEN"
                self.routine(day, self.label("APR-004", "approver_without_rights",
                                             f"approved by {approver}, who may not approve journals"),
                             preparer=preparer, approver=approver)
            else:
                approver = ("KWONG", "EMARTIN")[i // 2 % 2]
                cents = int(self.rng.uniform(130_000, 240_000) * 100) + int(self.rng.integers(1, 99))
                self.routine(day, self.label("APR-004", "approver_above_limit",
                                             f"{cents / 100:,.2f} approved by {approver}, whose limit is 100,000"),
                             cents=cents, approver=approver)

    def apr_005(self) -> None:
        for i in range(self.count):
            threshold = APPROVAL_THRESHOLDS[i % len(APPROVAL_THRESHOLDS)]
            cents = int(threshold * 100 * self.rng.uniform(0.955, 0.993)) + int(self.rng.integers(1, 99))
            day = self.bday(self.month())
            self.routine(day, self.label("APR-005", "just_below_threshold",
                                         f"{cents / 100:,.2f} is within 5 % below the {threshold:,} approval level"),
                         cents=cents)

    def apr_006(self) -> None:
        leaver = self.ctx.profile.user("PHARRIS").active_modified
        for i in range(max(self.count, 4)):
            variant = ("inactive_preparer", "unknown_preparer", "generic_preparer", "inactive_approver")[i % 4]
            if variant == "inactive_preparer":
                after = [m for m in range(self.months) if self.cal.months[m].start > day_number(leaver)]
                day = self.bday(int(self.rng.choice(after))) if after else self.bday(self.month())
                preparer = "PHARRIS" if after else "GREYES"
                self.routine(day, self.label("APR-006", variant, f"prepared by {preparer}, no longer active"),
                             preparer=preparer)
            elif variant == "unknown_preparer":
                self.routine(self.bday(self.month()), self.label("APR-006", variant,
                                                                 "prepared by TEMP01, not in the user listing"),
                             preparer="TEMP01")
            elif variant == "generic_preparer":
                self.routine(self.bday(self.month()), self.label("APR-006", variant,
                                                                 "prepared under the shared ADMIN login"),
                             preparer="ADMIN")
            else:
                self.routine(self.bday(self.month()), self.label("APR-006", variant,
                                                                 "approved by LMORGAN, inactive since 2022"),
                             approver="LMORGAN")

    def ppa_001(self) -> None:
        texts = (
            ("Prior period adjustment - inbound freight accrual", "5300"),
            ("True-up of professional fees accrual", "6410"),
            ("Catch-up of repairs and maintenance accrual", "6230"),
            ("Correction of error in utilities posting", "6210"),
            ("Restate consulting expense", "6420"),
            ("Korrektur Vorperiode - Frachtkosten", "5300"),
            ("Correction période antérieure - honoraires", "6400"),
            ("Corrección de período anterior - reparaciones", "6230"),
        )
        for i in range(self.count):
            header, debit = texts[i % len(texts)]
            day = self.bday(self.month())
            self.manual(day, self.pair(debit, ACCRUED, self.cents(4000)), header,
                        self.label("PPA-001", "prior_period_wording", f"description: {header}"))

    def ppa_002(self) -> None:
        for i in range(self.count):
            m = self.month()
            period = self.cal.months[m]
            variant = i % 4 if period.number >= 4 else 2 + i % 2  # months and quarters need an earlier one
            if variant == 0:
                header, debit = f"Adjust {MONTH_ABBR[period.number - 3]} utilities accrual", "6210"
            elif variant == 1:
                header, debit = f"Q{(period.number - 1) // 3} freight cost adjustment", "5300"
            elif variant == 2:
                header, debit = f"FY{period.fiscal_year - 1} audit fee", "6410"
            else:
                header, debit = f"Dec {period.fiscal_year - 1} repairs accrual", "6230"
            day = self.bday(m)
            self.manual(day, self.pair(debit, ACCRUED, self.cents(3000)), header,
                        self.label("PPA-002", "names_earlier_period",
                                   f"'{header}' booked in period {period.label}"))

    def ppa_003(self) -> None:
        variants = (
            (ACCRUED, "3300", "Release accrued liabilities to retained earnings"),
            ("3950", ACCRUED, "Record adjustment in prior period adjustments"),
            (ACCRUED, "3900", "Opening balance entry - accrued liabilities"),
        )
        for i in range(self.count):
            debit, credit, header = variants[i % len(variants)]
            day = self.bday(self.month())
            equity = debit if debit.startswith("3") else credit
            self.manual(day, self.pair(debit, credit, self.cents(12_000)), header,
                        self.label("PPA-003", "equity_posting", f"posts to {equity} {self.name(equity)}"))

    def ppa_004(self) -> None:
        for _ in range(self.count):
            m = self.month()
            day = self.bday(m, 5, 15)
            document = day - int(self.rng.integers(120, 250))
            self.manual(day, self.pair("6400", "2000", self.cents(6000, 0.5)), "Vendor invoice - professional services",
                        self.label("PPA-004", "document_dated_earlier_period",
                                   f"vendor invoice dated {_date(document)}, {day - document} days before "
                                   "it was booked"),
                        source="AP", manual=False, preparer="BSMITH", approver="KWONG", document=document,
                        vendor=f"V{int(self.rng.integers(1, 300)):05d}")

    def ppa_005(self) -> None:
        """One entry at a quarter end moving most of a small account's year-to-date activity."""
        first_month = {}
        for m, p in enumerate(self.cal.months):
            first_month.setdefault(p.fiscal_year, m)
        eligible = [m for m, p in enumerate(self.cal.months[:-1])
                    if p.number % 3 == 0 and m - first_month[p.fiscal_year] >= 2]
        accounts = ("6810", "6820", "6350", "6800")
        slots = [(m, a) for m in eligible for a in accounts]
        order = self.rng.permutation(len(slots))[:self.count]
        for m, account in (slots[i] for i in sorted(order)):
            ytd_months = m - first_month[self.cal.months[m].fiscal_year] + 1
            ytd = self.ctx.account_month[self.ctx.cp.vocab.accounts.code(account)] * ytd_months
            cents = int(ytd * self.rng.uniform(0.6, 0.9)) + int(self.rng.integers(1, 99))
            period = self.cal.months[m]
            self.manual(self.bday(m + 1, 0, 3), self.pair(account, ACCRUED, cents),
                        f"Adjust {self.name(account).lower()} to vendor statements",
                        self.label("PPA-005", "quarter_end_catch_up",
                                   f"{cents / 100:,.2f} to {account} at {period.label}, about "
                                   f"{cents / max(ytd, 1):.0%} of its expected year-to-date activity"),
                        effective=period.end)

    def int_001(self) -> None:
        """Unbalanced in the extract; the system (trial balance, log) holds the balanced original."""
        for i in range(self.count):
            day = self.bday(self.month())
            cents = self.cents(4500)
            correct = self.pair("6320", ACCRUED, cents)
            if i % 2 == 0:
                digits = list(f"{cents:d}")
                digits[-3], digits[-4] = digits[-4], digits[-3]
                wrong = int("".join(digits))
                wrong = cents + 900 if wrong == cents else wrong
                written = [correct[0], (ACCRUED, -wrong, self.name(ACCRUED))]
                text = f"debits {cents / 100:.2f}, credits {wrong / 100:.2f} (transposed digits)"
            else:
                other = self.cents(800)
                correct = [correct[0], ("6330", other, self.name("6330")),
                           (ACCRUED, -(cents + other), self.name(ACCRUED))]
                written = [correct[0], correct[2]]
                text = f"the debit line of {other / 100:.2f} to 6330 is missing"
            self.manual(day, written, "Spreadsheet upload - expense allocation",
                        self.label("INT-001", "unbalanced", text), system_lines=correct)

    def int_002(self) -> None:
        """The same vendor invoice keyed twice, days apart; the second keying is the anomaly."""
        for _ in range(self.count):
            m = self.month()
            day = self.bday(m, 0, 12)
            second_day = self.cal.business_days_after(day, int(self.rng.integers(1, 6)))
            cents = self.cents(2500, 0.6)
            vendor = f"V{int(self.rng.integers(1, 300)):05d}"
            document = day - int(self.rng.integers(0, 5))
            for entered_day in (day, second_day):
                duplicate = entered_day == second_day
                self.manual(entered_day, self.pair("6230", "2000", cents), "Vendor invoice",
                            self.label("INT-002", "duplicate_entry",
                                       f"vendor invoice of {_date(document)} keyed again on {_date(second_day)}")
                            if duplicate else None,
                            effective=day, source="AP", manual=False, preparer="CLOPEZ", approver="KWONG",
                            vendor=vendor, document=document)

    def int_003(self) -> None:
        for i in range(self.count):
            day = self.bday(self.month())
            if i % 2 == 0:
                self.specs.append(JournalSpec(
                    key=self.ctx.next_key(), lines=[], effective=day, entered_at=self.at(day), source="GJ",
                    manual=True, entered_by=None, approved_by=None, approved_at=None, header=None, emit=False,
                    in_log=False, labels=[self.label("INT-003", "number_gap",
                                                     "the journal number before this one was never used",
                                                     on_next_journal=True)]))
            else:
                first = self.routine(day, self.label("INT-003", "duplicate_number",
                                                     "two different entries share this journal number"))
                self.routine(day, None, entered_at=first.entered_at + int(self.rng.integers(60, 900)),
                             share_with=first.key)

    def int_004(self) -> None:
        """Journals the system holds (trial balance, control totals) and the extract lost.

        Each is labelled for the trial-balance difference it leaves on each account (INT-004), for
        the control totals that list it (INT-005) and for the gap in the numbering (INT-003, on the
        journal numbered after it).
        """
        for _ in range(self.count):
            m = self.month()
            day = self.bday(m)
            spec = self.routine(day, None, emit=False)
            period = self.cal.months[m]
            for account, amount, _ in spec.lines:
                spec.labels.append(self.label(
                    "INT-004", "missing_from_extract",
                    f"journal in the system but not in the extract: {account} {amount / 100:,.2f} "
                    f"in period {period.label}", account=account, period=period.label))
            spec.labels.append(self.label("INT-005", "missing_from_extract",
                                          "in the system's control totals but not in the extract"))
            spec.labels.append(self.label("INT-003", "number_gap", "the journal number before this one is a "
                                          "journal the extract lost", on_next_journal=True))

    def int_005(self) -> None:
        for i in range(self.count):
            day = self.bday(self.month())
            if i % 2 == 0:
                delta = int(self.rng.choice([900, 9_000, 90_000, -900, -9_000]))
                self.routine(day, self.label("INT-005", "control_total_differs",
                                             f"system log debit total differs from the extract by {delta / 100:.2f}"),
                             log_delta=delta)
            else:
                self.routine(day, self.label("INT-005", "not_in_control_totals",
                                             "in the extract but absent from the system log"), in_log=False)

    def int_006(self) -> None:
        for i in range(self.count):
            day = self.bday(self.month())
            cents = self.cents(1500)
            variant = ("zero_amount_line", "missing_account", "missing_effective_date")[i % 3]
            lines = self.pair("6300", ACCRUED, cents)
            extra = {}
            if variant == "zero_amount_line":
                lines.append(("6310", 0, self.name("6310")))
            elif variant == "missing_account":
                extra["system_lines"] = list(lines)
                lines[0] = (None, cents, "Office supplies - account not mapped")
            else:
                extra["null_effective_lines"] = (1,)
            self.manual(day, lines, "Office supplies accrual",
                        self.label("INT-006", variant, variant.replace("_", " ")), **extra)

    def tim_001(self) -> None:
        days = np.arange(self.cal.first_day, self.cal.last_day + 1)
        weekend = days[(days + 3) % 7 >= 5]
        for _ in range(self.count):
            day = int(self.rng.choice(weekend))
            self.routine(day, self.label("TIM-001", "weekend_entry", f"keyed on {to_date(day):%A %Y-%m-%d}"),
                         effective=self.cal.previous_business_day(day))

    def tim_002(self) -> None:
        holidays = self.cal.holidays
        holidays = holidays[(holidays >= self.cal.first_day) & (holidays <= self.cal.last_day)]
        holidays = holidays[(holidays + 3) % 7 < 5]
        if not len(holidays):
            return
        for _ in range(self.count):
            day = int(self.rng.choice(holidays))
            self.routine(day, self.label("TIM-002", "holiday_entry", f"keyed on the public holiday {_date(day)}"),
                         effective=self.cal.previous_business_day(day))

    def tim_003(self) -> None:
        for _ in range(self.count):
            day = self.bday(self.month())
            hour = int(self.rng.choice([21, 22, 23, 0, 1, 2, 3, 4]))
            entered = day * DAY_SECONDS + hour * 3600 + int(self.rng.integers(0, 3600))
            self.routine(day, self.label("TIM-003", "outside_office_hours", f"keyed at {to_datetime(entered):%H:%M}"),
                         entered_at=entered)

    def tim_004(self) -> None:
        for _ in range(min(self.count, 10)):
            day = self.bday(self.month())
            user = str(self.rng.choice(STAFF))
            start = self.at(day, 10, 15)
            size = int(self.rng.integers(12, 16))
            offsets = np.sort(self.rng.integers(0, 8 * 60, size=size))
            for offset in offsets:
                self.routine(day, self.label("TIM-004", "burst_of_entries",
                                             f"one of {size} entries {user} keyed within eight minutes"),
                             entered_at=start + int(offset), preparer=user)

    def amt_001(self) -> None:
        rounds = (25_000, 40_000, 100_000, 7_000, 150_000, 300_000, 12_000, 60_000)
        for i in range(self.count):
            value = rounds[i % len(rounds)]
            self.routine(self.bday(self.month()), self.label("AMT-001", "round_amount", f"exactly {value:,}.00"),
                         cents=value * 100)

    def amt_002(self) -> None:
        """Repeated amounts: one amount three times to the same account in one period. Recurring endings:
        EBLAKE, who otherwise books a monthly amortization, keys amounts ending in 999."""
        for _ in range(max(1, self.count // 2)):
            cents = self.cents(4500)
            user = str(self.rng.choice(STAFF))
            m = self.month()
            for debit in ("6320", "6340", "6230"):
                self.manual(self.bday(m), self.pair(debit, ACCRUED, cents), "Accrue vendor invoice",
                            self.label("AMT-002", "repeated_amount",
                                       f"one of three entries by {user} crediting {ACCRUED} exactly "
                                       f"{cents / 100:,.2f} in {self.cal.months[m].label}"), preparer=user)
        thousands = [k for k in range(2, 100) if not any(0.94 * t <= k * 1000 - 1 < t for t in APPROVAL_THRESHOLDS)]
        for k in self.rng.permutation(thousands)[:max(3, self.count // 2)]:
            value = int(k) * 1000 - 1
            self.routine(self.bday(self.month()), self.label("AMT-002", "ending_999",
                                                             f"{value:,}.00: one of EBLAKE's amounts ending in 999"),
                         cents=value * 100, preparer="EBLAKE")

    def amt_003(self) -> None:
        largest_cap = max(t.cap for t in self.ctx.profile.templates) * 100
        annual_revenue = float(self.ctx.monthly_revenue.sum())
        for _ in range(self.count):
            cents = int(max(2 * largest_cap, 0.02 * annual_revenue) * self.rng.uniform(1.0, 1.4))
            cents += int(self.rng.integers(1, 99))
            self.manual(self.bday(self.month()), self.pair("6420", ACCRUED, cents),
                        "Accrue consulting fees - strategic project",
                        self.label("AMT-003", "material_amount",
                                   f"{cents / 100:,.2f}: larger than any ordinary entry, about "
                                   f"{cents / max(annual_revenue, 1):.1%} of annual revenue"))

    def amt_004(self) -> None:
        accounts = ("6330", "6310", "6300")
        for i in range(self.count):
            account = accounts[i % len(accounts)]
            cents = int(self.typical_line(account) * self.rng.uniform(1500, 3000)) + int(self.rng.integers(1, 99))
            self.manual(self.bday(self.month()), self.pair(account, ACCRUED, cents),
                        f"Accrue {self.name(account).lower()}",
                        self.label("AMT-004", "outside_account_range",
                                   f"{cents / 100:,.2f} to {account}, about 2,000 times its usual line amount"))

    def typical_line(self, account: str) -> float:
        """Median cents of an ordinary line to `account` (the first template that posts to it)."""
        code = self.ctx.cp.vocab.accounts.code(account)
        ct = next(ct for ct in self.ctx.cp.templates if code in ct.pool)
        return ct.template.median * 100 / max(ct.mean_lines - 1, 1)

    def amt_005(self) -> None:
        """One user whose amounts mostly start with 6, 7 or 8: they do not follow Benford's law."""
        for _ in range(BENFORD_JOURNALS):
            cents = int(self.rng.uniform(6.0, 8.99) * 10 ** int(self.rng.integers(4, 7)))  # $60 to $89,900
            if cents % 100 == 0:
                cents += 7
            self.manual(self.bday(self.month()), self.pair("6420", ACCRUED, cents), "Project cost accrual",
                        self.label("AMT-005", "benford_nonconforming_user",
                                   "VMORRIS's amounts cluster on first digits 6-8"), preparer="VMORRIS")

    def usr_001(self) -> None:
        rare = (("QTURNER", "6410", "Accrue tax advisory fees"), ("RCOLE", "6340", "Accrue marketing campaign"),
                ("SHUGHES", "6420", "Accrue group consulting recharge"))
        for user, debit, header in rare[:self.count]:
            self.manual(self.bday(self.month()), self.pair(debit, ACCRUED, self.cents(5000)), header,
                        self.label("USR-001", "rare_preparer", f"{user}'s only journal entry"), preparer=user)

    def usr_002(self) -> None:
        pairs = (("6240", "1300", "Additional prepaid insurance amortization"),
                 ("6200", "1320", "Additional prepaid rent amortization"),
                 ("6250", "1310", "Additional software amortization"),
                 ("7000", "2610", "Additional interest accrual"),
                 ("6120", "2120", "Additional bonus accrual"))
        combos = [(user, pair) for pair in pairs for user in STAFF]
        order = self.rng.permutation(len(combos))[:min(self.count, len(combos))]
        for user, (debit, credit, header) in (combos[i] for i in sorted(order)):
            m = self.month(lo=self.months // 2)
            self.manual(self.bday(m), self.pair(debit, credit, self.cents(3000)), header,
                        self.label("USR-002", "first_posting_to_account",
                                   f"{user} posts to {debit} and {credit} for the first time"), preparer=user)

    def usr_003(self) -> None:
        people = (("XFOSTER", "6340", "Accrue sponsorship"), ("WBENNETT", "6420", "Accrue advisory fees"),
                  ("YCOOPER", "6340", "Accrue trade promotion"), ("ZHAYES", "6230", "Warehouse repairs accrual"))
        for i in range(min(self.count, 8)):
            user, debit, header = people[i % len(people)]
            title = self.ctx.profile.user(user).title
            self.manual(self.bday(self.month()), self.pair(debit, ACCRUED, self.cents(8000)), header,
                        self.label("USR-003", "preparer_outside_accounting", f"prepared by {user}, {title}"),
                        preparer=user, approver=CONTROLLER)

    def acc_001(self) -> None:
        dormant = (("1190", "Employee advance - relocation"), ("1400", "Insurance claim receivable"),
                   ("1800", "Security deposit paid"), ("6900", "Miscellaneous expense"),
                   ("7100", "Loss on disposal of forklift"), ("7200", "Exchange loss on supplier payment"),
                   ("6510", "Amortization of customer list"), ("2110", "Accrued payroll adjustment"))
        for account, header in dormant[:min(self.count, len(dormant))]:
            debit, credit = (ACCRUED, account) if account.startswith("2") else (account, ACCRUED)
            self.manual(self.bday(self.month()), self.pair(debit, credit, self.cents(3500)), header,
                        self.label("ACC-001", "seldom_used_account",
                                   f"the only posting to {account} {self.name(account)}"))

    def acc_002(self) -> None:
        # Busy accounts on both sides; the credits are only ever credited by reclassifications among 63xx.
        pairs = (("6210", "6340"), ("6230", "6320"), ("6420", "6300"), ("5300", "6330"), ("6400", "6310"),
                 ("6220", "6300"))
        for debit, credit in pairs[:min(self.count, len(pairs))]:
            self.manual(self.bday(self.month()), self.pair(debit, credit, self.cents(2500)),
                        f"Reclass {self.name(debit).lower()}",
                        self.label("ACC-002", "rare_account_pair",
                                   f"debit {debit} against credit {credit}: a pair never otherwise used"),
                        preparer="TBROOKS")

    def acc_003(self) -> None:
        variants = (("1990", ACCRUED, "Park unreconciled difference"), ("1950", ACCRUED, "Bank transfer in transit"),
                    ("1900", "6420", "Recharge consulting to affiliate"),
                    ("6230", "2400", "Affiliate recharge - repairs"))
        for i in range(self.count):
            debit, credit, header = variants[i % len(variants)]
            special = debit if debit in ("1990", "1950", "1900") else credit
            self.manual(self.bday(self.month()), self.pair(debit, credit, self.cents(6000)), header,
                        self.label("ACC-003", "suspense_clearing_intercompany",
                                   f"posts to {special} {self.name(special)}"))

    def acc_004(self) -> None:
        variants = ((ACCRUED, "4000", "Release accrual to revenue"),
                    ("6420", "4100", "Offset consulting against service revenue"),
                    ("1230", "4010", "Release inventory reserve to sales"))
        for i in range(self.count):
            debit, credit, header = variants[i % len(variants)]
            self.manual(self.bday(self.month()), self.pair(debit, credit, self.cents(9000)), header,
                        self.label("ACC-004", "revenue_unusual_debit",
                                   f"revenue {credit} credited against {debit} {self.name(debit)}"))

    def acc_005(self) -> None:
        variants = (("1100", "4000", "Manual invoice - customer"), ("2000", "6230", "Vendor credit - manual"),
                    ("1220", "5000", "Finished goods count adjustment"),
                    ("1200", "2000", "Manual vendor invoice - materials"))
        for i in range(self.count):
            debit, credit, header = variants[i % len(variants)]
            self.manual(self.bday(self.month()), self.pair(debit, credit, self.cents(7000)), header,
                        self.label("ACC-005", "manual_to_system_account",
                                   f"manual entry to {debit} and {credit}, normally posted by sub-ledgers"))

    def acc_006(self) -> None:
        variants = (("6320", "Reimburse travel expenses"), (ACCRUED, "Pay accrued invoice by wire"),
                    ("6420", "Consulting retainer wire"))
        for i in range(self.count):
            debit, header = variants[i % len(variants)]
            self.manual(self.bday(self.month()), self.pair(debit, "1000", self.cents(5000)), header,
                        self.label("ACC-006", "manual_credit_to_cash",
                                   "manual entry crediting the operating bank account"))

    def txt_001(self) -> None:
        headers = (None, "adj", "x", ".")
        for i in range(self.count):
            header = headers[i % len(headers)]
            spec = self.routine(self.bday(self.month()), self.label("TXT-001", "missing_description",
                                                                    f"description {header!r}, no line text"),
                                header=header)
            spec.lines = [(account, amount, None) for account, amount, _ in spec.lines]

    def txt_002(self) -> None:
        headers = ("Plug to balance inventory rollforward", "Per CFO - reduce reserve",
                   "Management override - do not reverse", "Adjust to match bank statement",
                   "As instructed by controller", "Plug difference to clear reconciliation")
        for i in range(self.count):
            header = headers[i % len(headers)]
            self.routine(self.bday(self.month()), self.label("TXT-002", "suspicious_words", f"description: {header}"),
                         header=header)

    def src_001(self) -> None:
        for _ in range(self.count):
            m = self.month(hi_margin=1)
            period = self.cal.months[m]
            self.manual(self.bday(m + 1, 0, 4), self.pair(ACCRUED, "6420", self.cents(20_000, 0.5)),
                        "Consolidation top-side adjustment",
                        self.label("SRC-001", "top_side_entry", f"top-side entry to {period.label}"),
                        effective=period.end, source="TOPSIDE", preparer="DOKAFOR", approver=CONTROLLER)

    def model_only(self) -> None:
        """Ordinary month-end accruals (and their reversals) mixing two expense groups never accrued together.

        Every single value is common: the user, both debit accounts, the credit account, every
        debit/credit pair, the amounts, the timing, the approval and the wording. Only the two debit
        accounts appearing in one journal is new; no rule looks at that.
        """
        combos = [(x, y) for x in ("6210", "6220") for y in ("6400", "6410", "6420")]
        order = self.rng.permutation(len(combos))[:min(self.count, len(combos))]
        for x, y in (combos[i] for i in sorted(order)):
            m = self.month(hi_margin=1)
            period_end = self.cal.months[m].end
            day = self.bday(m + 1, 0, 3)
            first, second = self.cents(2500, 0.5), self.cents(6000, 0.5)
            lines = [(x, first, self.name(x)), (y, second, self.name(y)),
                     (ACCRUED, -(first + second), self.name(ACCRUED))]
            text = f"{x} and {y} accrued in one journal; each is ordinary on its own"
            accrual = self.manual(day, lines, "Month-end accrual - utilities and services",
                                  self.label("model_only", "unseen_account_combination", text),
                                  effective=period_end, preparer="ANGUYEN")
            reversal = self.manual(day, [(a, -amount, t) for a, amount, t in lines],
                                   "Reversal of: Month-end accrual - utilities and services",
                                   self.label("model_only", "unseen_account_combination", "reversal: " + text),
                                   effective=period_end + 1, preparer="ANGUYEN", entered_at=accrual.entered_at + 7,
                                   approved_at=accrual.approved_at + 7, rev_ind=1, rev_partner=accrual.key)
            accrual.rev_ind, accrual.rev_partner = 2, reversal.key


def plant_anomalies(ctx: PlanContext) -> list[JournalSpec]:
    """The planter `jecheck sample` passes to the engine."""
    return Planter(ctx).plant()


def leaver_date(calendar: LedgerCalendar) -> dt.date:
    """When PHARRIS left: about 40 % into the ledger, so he posts before and not after."""
    return to_date(calendar.first_day + int((calendar.last_day - calendar.first_day) * 0.4))
