"""Small synthetic ledgers for the model tests: ordinary business patterns plus planted entries.

Each ordinary journal follows one of a few templates (who posts it, which accounts, source, cost
centre, usual size, entry delay, working hours). A planted journal copies a template and changes
one thing, so the model must find it by that one feature.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, replace

import duckdb
import numpy as np
import pyarrow as pa

from jecheck.schema import LINE_COLUMNS, create_table_sql
from jecheck.views import ViewOptions, create_views

FIRST_DAY = dt.date(2024, 7, 1)
DAYS = 365


@dataclass(frozen=True)
class Template:
    name: str
    debit: str
    credits: tuple[tuple[str, float], ...]  # (account, share of the amount)
    source: str
    users: tuple[str, ...]
    log_amount: float  # natural log of the usual amount
    spread: float
    description: str
    cost_centre: str
    manual: bool
    weight: float
    fixed_amount: float | None = None


TEMPLATES = (
    Template("sale", "1200", (("4000", 0.9), ("2200", 0.1)), "SD", ("ANNA", "BEN"), 7.5, 0.8,
             "Invoice to customer", "S10", False, 30),
    Template("purchase", "5000", (("2000", 1.0),), "MM", ("CARL", "DORA"), 8.0, 0.7,
             "Vendor invoice", "P20", False, 25),
    Template("receipt", "1000", (("1200", 1.0),), "BK", ("ANNA", "ERIC"), 7.8, 0.8,
             "Customer receipt", "F30", False, 20),
    Template("payment", "2000", (("1000", 1.0),), "BK", ("DORA", "ERIC"), 8.0, 0.7,
             "Vendor payment", "F30", False, 15),
    Template("payroll", "6000", (("1000", 1.0),), "PR", ("FAY",), 10.5, 0.1, "Payroll run", "H40", False, 4),
    Template("rent", "6100", (("1000", 1.0),), "GJ", ("GUS",), 0, 0, "Office rent", "A50", True, 3,
             fixed_amount=5000.0),
    Template("accrual", "6200", (("2100", 1.0),), "GJ", ("GUS", "HANK"), 8.0, 0.5,
             "Utilities accrual", "A50", True, 3),
)
TEMPLATE = {t.name: t for t in TEMPLATES}


def ordinary_journals(n: int, seed: int = 7, prefix: str = "J") -> list[dict]:
    """n ordinary journals as dicts of journal-level attributes (expanded to lines by `to_lines`)."""
    rng = np.random.default_rng(seed)
    weights = np.array([t.weight for t in TEMPLATES])
    picks = rng.choice(len(TEMPLATES), size=n, p=weights / weights.sum())
    journals = []
    for i, k in enumerate(picks):
        t = TEMPLATES[k]
        day = FIRST_DAY + dt.timedelta(days=int(rng.integers(DAYS)))
        while day.weekday() >= 5:
            day -= dt.timedelta(days=1)
        entered = dt.datetime.combine(day, dt.time(int(rng.integers(8, 18)), int(rng.integers(60))))
        entered += dt.timedelta(days=int(rng.geometric(0.6)) - 1)
        while entered.weekday() >= 5:
            entered += dt.timedelta(days=1)
        amount = t.fixed_amount or round(float(np.exp(rng.normal(t.log_amount, t.spread))), 2)
        journals.append({
            "journal_id": f"{prefix}{i:06d}", "template": t, "effective_date": day, "entered_at": entered,
            "entered_by": t.users[int(rng.integers(len(t.users)))], "amount": amount,
            "approved_by": "IVY" if t.manual else None,
            "approved_at": entered + dt.timedelta(hours=float(rng.uniform(1, 30))) if t.manual else None,
        })
    return journals


def plant(base: dict, journal_id: str, **changes) -> dict:
    """A copy of an ordinary journal with some attributes changed (template fields via `template=`)."""
    return {**base, "journal_id": journal_id, **changes}


def retemplate(base: dict, **fields) -> Template:
    return replace(base["template"], **fields)


def to_lines(journals: list[dict], *, drop: tuple[str, ...] = ()) -> pa.Table:
    """Expand journals to canonical lines; columns named in `drop` are left out (the ledger lacks them)."""
    rows: dict[str, list] = {k: [] for k in (
        "journal_id", "line_no", "account", "amount", "effective_date", "entered_at", "entered_by",
        "approved_by", "approved_at", "source", "is_manual", "header_description", "line_description", "segment1",
    )}
    for j in journals:
        t = j["template"]
        legs = [(t.debit, j["amount"])]
        legs += [(account, -round(j["amount"] * share, 2)) for account, share in t.credits]
        legs[-1] = (legs[-1][0], round(legs[-1][1] - round(sum(a for _, a in legs), 2), 2))  # balance the entry
        legs += j.get("extra_legs", [])
        for n, (account, amount) in enumerate(legs, start=1):
            rows["journal_id"].append(j["journal_id"])
            rows["line_no"].append(n)
            rows["account"].append(account)
            rows["amount"].append(f"{amount:.2f}")
            rows["effective_date"].append(j["effective_date"])
            rows["entered_at"].append(j["entered_at"])
            rows["entered_by"].append(j["entered_by"])
            rows["approved_by"].append(j["approved_by"])
            rows["approved_at"].append(j["approved_at"])
            rows["source"].append(t.source)
            rows["is_manual"].append(t.manual)
            rows["header_description"].append(j.get("description", t.description))
            rows["line_description"].append(None)
            rows["segment1"].append(t.cost_centre)
    return pa.table({k: v for k, v in rows.items() if k not in drop})


def load(lines: pa.Table, con: duckdb.DuckDBPyConnection | None = None) -> duckdb.DuckDBPyConnection:
    """A connection holding `lines` and the canonical views, as a scan leaves them before rules run."""
    con = con or duckdb.connect()
    con.execute(create_table_sql("lines", LINE_COLUMNS))
    con.register("given_lines", lines)
    con.execute("INSERT INTO lines BY NAME SELECT * FROM given_lines")
    con.unregister("given_lines")
    create_views(con, ViewOptions(country=None))
    return con


def ledger(journals: list[dict], **kwargs) -> duckdb.DuckDBPyConnection:
    return load(to_lines(journals, **kwargs))


# Planted journals, each an ordinary journal with one thing changed, keyed by the feature(s) that
# must explain it (an amount changes the entry's size and its size on the account; a late entry
# changes its lag and its distance from the period end).
PLANT_FEATURES = {
    "P_AMOUNT": {"amount_vs_account", "amount_size"},
    "P_NIGHT": {"entry_time_rarity"},
    "P_SUNDAY": {"entry_time_rarity"},
    "P_SOURCE": {"source_rarity"},
    "P_KEYWORD": {"keyword_rarity"},
    "P_USER_ACCOUNT": {"preparer_account_rarity"},
    "P_LATE": {"entry_lag_days", "days_to_period_end"},
    "P_PAIR": {"account_pair_rarity"},
    "P_APPROVAL": {"approval_lag_days"},
    "P_ROUND": {"roundness"},
}


def planted_journals(n: int, seed: int = 7) -> tuple[list[dict], list[dict]]:
    """n ordinary journals and one planted journal per PLANT_FEATURES key."""
    journals = ordinary_journals(n, seed=seed)

    def first(template: str, user: str | None = None) -> dict:
        return next(j for j in journals if j["template"].name == template and user in (None, j["entered_by"]))

    def at(j: dict, hour: int, minute: int) -> dt.datetime:
        return dt.datetime.combine(j["entered_at"].date(), dt.time(hour, minute))

    payment, receipt, sale, purchase = first("payment"), first("receipt"), first("sale"), first("purchase")
    sunday = receipt["entered_at"] + dt.timedelta(days=6 - receipt["entered_at"].weekday())
    plants = [
        plant(payment, "P_AMOUNT", amount=round(payment["amount"] * 300, 2) + 0.37),
        plant(payment, "P_NIGHT", entered_at=at(payment, 23, 40)),
        plant(receipt, "P_SUNDAY", entered_at=sunday.replace(hour=10),
              effective_date=receipt["effective_date"] + (sunday.date() - receipt["entered_at"].date())),
        plant(sale, "P_SOURCE", template=retemplate(sale, source="XX")),
        plant(purchase, "P_KEYWORD", description="Plug per CFO"),
        plant(sale, "P_USER_ACCOUNT", entered_by="FAY"),  # FAY only ever posts payroll
        plant(sale, "P_LATE", entered_at=sale["entered_at"] + dt.timedelta(days=189)),  # 27 weeks: same weekday
        plant(first("sale", "ANNA"), "P_PAIR",  # ANNA posts to 1000 and 4000, never to both in one entry
              template=retemplate(first("sale", "ANNA"), debit="1000", credits=(("4000", 1.0),))),
        plant(first("accrual"), "P_APPROVAL", approved_at=first("accrual")["entered_at"] + dt.timedelta(days=60)),
        plant(purchase, "P_ROUND", amount=10000.0),
    ]
    return journals, plants
