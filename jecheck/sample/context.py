"""Context files written beside a generated ledger, in the Audit Data Standard's CSV layouts.

`<stem>.coa.csv` (Chart_Of_Accounts), `<stem>.users.csv` (User_Listing plus Can_Approve and
Approval_Limit), `<stem>.calendar.csv` (the close calendar), `<stem>.sources.csv`
(Source_Listing), `<stem>.tb.csv` (Trial_Balance, one row per account and period) and
`<stem>.control_totals.csv` (the system's log: totals per journal and side, written by the engine).
"""

from __future__ import annotations

import csv
from pathlib import Path

import numpy as np

from .calendar import LedgerCalendar, to_date, to_datetime
from .profile import Profile

CONTEXT_KINDS = ("coa", "users", "calendar", "sources", "tb", "control_totals", "labels")


def paths_for(ledger: Path) -> dict[str, Path]:
    """Where each context file of `ledger` goes: beside it, named `<stem>.<kind>.csv`."""
    return {kind: ledger.with_name(f"{ledger.stem}.{kind}.csv") for kind in CONTEXT_KINDS}


def money(cents: int) -> str:
    """Cents as a plain decimal string, exact (no float on the way)."""
    sign = "-" if cents < 0 else ""
    whole, part = divmod(abs(int(cents)), 100)
    return f"{sign}{whole}.{part:02d}"


def write_csv(path: Path, header: list[str], rows) -> None:
    with open(path, "w", newline="", encoding="utf-8") as handle:
        out = csv.writer(handle, lineterminator="\n")
        out.writerow(header)
        out.writerows(rows)


def write_context_files(paths: dict[str, Path], profile: Profile, calendar: LedgerCalendar, activity: np.ndarray,
                        opening_balances: dict[str, float] | None, monthly_revenue: np.ndarray,
                        rng: np.random.Generator) -> None:
    """Chart, users, sources, close calendar and trial balance. `activity` is cents per account and period."""
    write_csv(paths["coa"], ["GL_Account_Number", "GL_Account_Name", "Account_Type", "Account_Subtype"],
              [(a.number, a.name, a.type, a.subtype) for a in profile.accounts])
    write_csv(paths["users"], ["User_ID", "First_Name", "Last_Name", "Title", "Department", "Role_Responsibility",
                               "User_Active_Status", "User_Active_Modified_Date", "Can_Approve", "Approval_Limit"],
              [(u.user_id, u.first_name, u.last_name, u.title, u.department, u.role,
                "Active" if u.active else "Inactive", u.active_modified.isoformat() if u.active_modified else "",
                "TRUE" if u.can_approve else "FALSE",
                money(round(u.approval_limit * 100)) if u.approval_limit is not None else "")
               for u in profile.users])
    write_csv(paths["sources"], ["Source", "Source_Description", "ERP_Subledger_Module", "System_Manual_Identifier"],
              [(s.code, s.description, s.module, "Manual" if s.manual else "System") for s in profile.sources])
    periods = sorted(calendar.months + calendar.adjustments, key=lambda p: (p.fiscal_year, p.number))
    write_csv(paths["calendar"], ["Period", "Fiscal_Year", "Period_Start", "Period_End", "Closed_At"],
              [(p.label, p.fiscal_year, to_date(p.start).isoformat(), to_date(p.end).isoformat(),
                to_datetime(p.closed_at).isoformat(sep=" ")) for p in periods])
    _write_trial_balance(paths["tb"], profile, calendar, activity, opening_balances, monthly_revenue, rng)


def _opening(profile: Profile, opening_balances: dict[str, float] | None, monthly_revenue: np.ndarray,
             rng: np.random.Generator) -> np.ndarray:
    """Opening balances in cents; retained earnings takes whatever makes them sum to zero."""
    if opening_balances is not None:
        balance = np.array([round(opening_balances.get(a.number, 0.0) * 100) for a in profile.accounts], dtype=np.int64)
    else:
        scale = float(monthly_revenue.mean())
        balance = np.array([round(a.opening * scale * rng.uniform(0.85, 1.15)) for a in profile.accounts],
                           dtype=np.int64)
    retained = [i for i, a in enumerate(profile.accounts) if a.subtype == "retained_earnings"][0]
    balance[retained] -= balance.sum()
    return balance


def _write_trial_balance(path: Path, profile: Profile, calendar: LedgerCalendar, activity: np.ndarray,
                         opening_balances: dict[str, float] | None, monthly_revenue: np.ndarray,
                         rng: np.random.Generator) -> None:
    """Beginning and ending balance per account and period; profit and loss closes to retained earnings."""
    periods = calendar.months + calendar.adjustments  # activity columns follow this order
    profit_and_loss = np.array([a.type in ("revenue", "expense") for a in profile.accounts])
    retained = [i for i, a in enumerate(profile.accounts) if a.subtype == "retained_earnings"][0]
    balance = _opening(profile, opening_balances, monthly_revenue, rng)
    year = calendar.months[0].fiscal_year
    rows = []
    for slot in sorted(range(len(periods)), key=lambda s: (periods[s].fiscal_year, periods[s].number)):
        period = periods[slot]
        if period.fiscal_year != year:
            balance[retained] += balance[profit_and_loss].sum()
            balance[profit_and_loss] = 0
            year = period.fiscal_year
        beginning = balance.copy()
        balance = balance + activity[:, slot]
        as_of = to_date(period.end).isoformat()
        rows += [(a.number, profile.entity, period.fiscal_year, period.number, as_of, money(beginning[i]),
                  money(balance[i]), profile.currency) for i, a in enumerate(profile.accounts)]
    write_csv(path, ["GL_Account_Number", "Business_Unit_Code", "Fiscal_Year", "Period", "Balance_As_Of_Date",
                     "Amount_Beginning", "Amount_Ending", "Amount_Currency"], rows)
