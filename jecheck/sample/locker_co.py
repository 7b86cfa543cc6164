"""The locker_co_fy2004 sample: a fictional small locker manufacturer, January 2004 to June 2005.

Ordinary monthly activity (sales, largely to one postal customer until that contract is lost in
March 2005; purchasing; production; payroll; depreciation; accruals and their reversals; bank)
comes from the engine with the profile below. The events a reviewer must find are booked as a
real company would book them: balanced journals to the proper accounts, described in its own
words, the 2004 year-end ones entered in July 2005 when the late 2004 close was finalised, some by
people who rarely post, several unapproved or self-approved. `answer_key.csv` lists them, with the
rule categories expected to find each and why.

Regenerate the committed files with `jecheck sample --locker-co DIR` (deterministic).
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from pathlib import Path

from .calendar import LedgerCalendar, day_number
from .context import write_csv
from .engine import PlanContext, write_ledger
from .profile import Account, Profile, Recurring, RecurringLine, Source, Template, User
from .tables import JournalSpec, Label

NAME = "locker_co_fy2004"
LINES = 40_000
SEED = 2004
CATEGORY_ORDER = ("CUT", "APR", "PPA", "USR", "AMT", "ACC")

A = Account
ACCOUNTS: tuple[Account, ...] = (
    A("1000", "Cash - operating account", "asset", "cash"),
    A("1010", "Cash - payroll account", "asset", "cash"),
    A("1100", "Accounts receivable - trade", "asset", "receivable"),
    A("1110", "Allowance for doubtful accounts", "asset", "reserve"),
    A("1200", "Inventory - raw materials", "asset", "inventory"),
    A("1210", "Inventory - work in process", "asset", "inventory"),
    A("1220", "Inventory - finished lockers", "asset", "inventory"),
    A("1230", "Reserve for obsolete inventory", "asset", "reserve"),
    A("1240", "LIFO reserve", "asset", "inventory"),
    A("1300", "Prepaid expenses", "asset", "prepaid"),
    A("1500", "Land", "asset", "fixed_asset"),
    A("1510", "Buildings", "asset", "fixed_asset"),
    A("1520", "Machinery and equipment", "asset", "fixed_asset"),
    A("1530", "Tooling and dies", "asset", "fixed_asset"),
    A("1590", "Accumulated depreciation and impairment", "asset", "accumulated_depreciation"),
    A("1700", "Goodwill", "asset", "goodwill"),
    A("1800", "Other assets", "asset", "other_asset"),
    A("2000", "Accounts payable - trade", "liability", "payable"),
    A("2100", "Accrued liabilities", "liability", "accrual"),
    A("2110", "Accrued payroll", "liability", "accrual"),
    A("2120", "Accrued bonuses", "liability", "accrual"),
    A("2130", "Accrued warranty", "liability", "reserve"),
    A("2140", "Accrued environmental remediation", "liability", "reserve"),
    A("2150", "Accrued severance and restructuring", "liability", "reserve"),
    A("2160", "Accrued loss on purchase commitments", "liability", "reserve"),
    A("2200", "Sales tax payable", "liability", "tax"),
    A("2210", "Payroll taxes payable", "liability", "payroll_liability"),
    A("2300", "Accrued pension cost", "liability", "accrual"),
    A("2310", "Accrued postretirement benefits", "liability", "accrual"),
    A("2600", "Long-term debt", "liability", "debt"),
    A("2610", "Accrued interest", "liability", "accrual"),
    A("3000", "Common stock", "equity", "share_capital"),
    A("3100", "Additional paid-in capital", "equity", "share_capital"),
    A("3300", "Retained earnings", "equity", "retained_earnings"),
    A("4000", "Sales - postal lockers", "revenue", "revenue"),
    A("4010", "Sales - commercial lockers", "revenue", "revenue"),
    A("4020", "Sales - parts and service", "revenue", "revenue"),
    A("4500", "Sales returns and allowances", "revenue", "contra_revenue"),
    A("5000", "Cost of sales - postal lockers", "expense", "cost_of_sales"),
    A("5010", "Cost of sales - commercial lockers", "expense", "cost_of_sales"),
    A("5100", "Direct labour", "expense", "cost_of_sales"),
    A("5200", "Manufacturing overhead applied", "expense", "cost_of_sales"),
    A("5300", "Freight-in", "expense", "cost_of_sales"),
    A("5400", "LIFO provision", "expense", "cost_of_sales"),
    A("5500", "Inventory adjustments - book to physical", "expense", "cost_of_sales"),
    A("5510", "Inventory obsolescence and write-offs", "expense", "cost_of_sales"),
    A("5520", "Labour and overhead variances", "expense", "cost_of_sales"),
    A("6000", "Salaries - administrative", "expense", "payroll"),
    A("6010", "Salaries - sales", "expense", "payroll"),
    A("6100", "Payroll taxes", "expense", "payroll"),
    A("6110", "Employee benefits", "expense", "payroll"),
    A("6120", "Bonus expense", "expense", "payroll"),
    A("6130", "Pension expense", "expense", "payroll"),
    A("6140", "Postretirement benefit expense", "expense", "payroll"),
    A("6200", "Rent expense", "expense", "operating_expense"),
    A("6210", "Utilities", "expense", "operating_expense"),
    A("6230", "Repairs and maintenance", "expense", "operating_expense"),
    A("6240", "Insurance expense", "expense", "operating_expense"),
    A("6300", "Office supplies", "expense", "operating_expense"),
    A("6320", "Travel", "expense", "operating_expense"),
    A("6340", "Advertising and trade shows", "expense", "operating_expense"),
    A("6400", "Legal fees", "expense", "operating_expense"),
    A("6410", "Audit and tax fees", "expense", "operating_expense"),
    A("6420", "Consulting fees", "expense", "operating_expense"),
    A("6500", "Depreciation expense", "expense", "depreciation"),
    A("6600", "Bank charges", "expense", "operating_expense"),
    A("6700", "Bad debt expense", "expense", "operating_expense"),
    A("6710", "Warranty expense", "expense", "operating_expense"),
    A("6800", "Environmental remediation expense", "expense", "operating_expense"),
    A("6900", "Miscellaneous expense", "expense", "operating_expense"),
    A("7000", "Interest expense", "expense", "interest"),
    A("7300", "Goodwill impairment loss", "expense", "impairment"),
    A("7400", "Restructuring - asset impairment", "expense", "restructuring"),
    A("7410", "Restructuring - severance", "expense", "restructuring"),
    A("7420", "Restructuring - other costs", "expense", "restructuring"),
    A("7500", "Loss on purchase commitments", "expense", "other_expense"),
    A("7900", "Income tax expense", "expense", "income_tax"),
)

# Balances at 1 January 2004, in dollars; retained earnings takes the difference.
OPENING_BALANCES: dict[str, float] = {
    "1000": 2_140_318.22, "1010": 95_000.00, "1100": 5_412_906.51, "1110": -248_300.00, "1200": 3_106_772.40,
    "1210": 1_618_093.37, "1220": 4_207_551.09, "1230": -352_000.00, "1240": -1_186_400.00, "1300": 310_225.18,
    "1500": 400_000.00, "1510": 6_512_880.00, "1520": 9_804_416.75, "1530": 2_106_300.00, "1590": -10_417_935.66,
    "1700": 7_910_000.00, "1800": 214_560.00, "2000": -3_215_778.92, "2100": -1_104_612.30, "2110": -611_402.58,
    "2120": -96_000.00, "2130": -452_000.00, "2200": -104_337.12, "2210": -151_804.77, "2300": -1_904_118.00,
    "2310": -2_611_540.00, "2600": -6_500_000.00, "2610": -54_166.67, "3000": -1_000_000.00, "3100": -4_512_500.00,
}

U = User
USERS: tuple[User, ...] = (
    U("RHOLLOWAY", "Robert", "Holloway", "Chief Financial Officer", "Executive", "Approves large journals",
      can_approve=True, approval_limit=100_000_000),
    U("EDUNN", "Edward", "Dunn", "President and Chief Executive Officer", "Executive", "Chief executive"),
    U("KMARSH", "Karen", "Marsh", "Corporate Controller", "Accounting", "Owns the close; approves journals",
      can_approve=True, approval_limit=1_000_000),
    U("PLIN", "Peter", "Lin", "Assistant Controller", "Accounting", "Month-end accruals; approves journals",
      can_approve=True, approval_limit=150_000),
    U("SGOMEZ", "Sofia", "Gomez", "Staff Accountant", "Accounting", "General journals"),
    U("WPOOLE", "Walter", "Poole", "Staff Accountant", "Accounting", "General journals", active=False,
      active_modified=dt.date(2004, 9, 30), replaced_by="SGOMEZ"),
    U("TWEBB", "Thomas", "Webb", "Cost Accountant", "Accounting", "Inventory costing; approves inventory postings",
      can_approve=True, approval_limit=250_000),
    U("AVANCE", "Amy", "Vance", "Inventory Clerk", "Accounting", "Inventory and production postings"),
    U("BKRAUSE", "Brian", "Krause", "Inventory Clerk", "Accounting", "Inventory and production postings"),
    U("DCHO", "Diane", "Cho", "Accounts Payable Clerk", "Accounting", "Vendor invoices and payments"),
    U("FNOLAN", "Fiona", "Nolan", "Accounts Payable Clerk", "Accounting", "Vendor invoices"),
    U("MBELL", "Mark", "Bell", "Billing and Collections Clerk", "Accounting", "Billing and cash receipts"),
    U("RCHANG", "Rita", "Chang", "Billing Clerk", "Accounting", "Billing"),
    U("LNASH", "Linda", "Nash", "Payroll Administrator", "Human Resources", "Payroll interface"),
    U("JSTRAND", "Jane", "Strand", "Treasury Manager", "Finance", "Bank postings; approves payments",
      can_approve=True, approval_limit=250_000),
    U("GPRYOR", "Greg", "Pryor", "Plant Manager", "Operations", "Manufacturing"),
    U("NRIOS", "Nora", "Rios", "Vice President, Sales", "Sales", "Sales"),
)

T = Template
_REVENUE = (("4000", 0.62), ("4010", 0.3), ("4020", 0.08))
TEMPLATES: tuple[Template, ...] = (
    T("sales_invoice", "SD", "D", (("1100", 1),), _REVENUE, (2, 4), 9000, 1.0, 900_000,
      (("MBELL", 0.7), ("RCHANG", 0.3)), "PLIN", ("Customer invoice", "Invoice - locker shipment"), weight=0.27,
      party="customer"),
    T("credit_memo", "SD", "C", (("1100", 1),), (("4500", 1),), (2, 2), 1500, 0.9, 100_000,
      (("MBELL", 1),), "PLIN", ("Credit memo - damaged units",), weight=0.012, party="customer"),
    T("cost_of_sales", "INV", "C", (("1220", 1),), (("5000", 0.62), ("5010", 0.38)), (2, 3), 6500, 1.0, 700_000,
      (("AVANCE", 0.7), ("BKRAUSE", 0.3)), "TWEBB", ("Shipment cost relief",), weight=0.2),
    T("production_issue", "INV", "D", (("1210", 1),), (("1200", 0.6), ("5100", 0.25), ("5200", 0.15)), (2, 4), 12000,
      0.9, 700_000, (("AVANCE", 0.6), ("BKRAUSE", 0.4)), "TWEBB", ("Work order issue",), weight=0.07),
    T("production_receipt", "INV", "C", (("1210", 1),), (("1220", 1),), (2, 2), 15000, 0.9, 800_000,
      (("AVANCE", 0.6), ("BKRAUSE", 0.4)), "TWEBB", ("Work order completion",), weight=0.05),
    T("purchase_materials", "AP", "C", (("2000", 1),), (("1200", 0.88), ("5300", 0.12)), (2, 8), 6000, 1.1, 600_000,
      (("DCHO", 0.65), ("FNOLAN", 0.35)), "PLIN", ("Vendor invoice - steel and hardware", "Vendor invoice"),
      weight=0.16, party="vendor", document_lag_days=8),
    T("purchase_general", "AP", "C", (("2000", 1),),
      (("6210", 0.15), ("6230", 0.2), ("6300", 0.12), ("6320", 0.12), ("6340", 0.1), ("6400", 0.09), ("6410", 0.07),
       ("6420", 0.1), ("6240", 0.05)), (2, 5), 1200, 1.1, 150_000, (("DCHO", 0.5), ("FNOLAN", 0.5)), "PLIN",
      ("Vendor invoice - expenses",), weight=0.07, party="vendor", document_lag_days=8),
    T("vendor_payment", "CD", "C", (("1000", 1),), (("2000", 1),), (2, 6), 12000, 1.1, 1_000_000, (("DCHO", 1),),
      "JSTRAND", ("Check run", "ACH vendor payment"), weight=0.08, party="vendor"),
    T("customer_receipt", "CR", "D", (("1000", 1),), (("1100", 1),), (2, 5), 20000, 1.1, 1_000_000,
      (("MBELL", 1),), "JSTRAND", ("Customer remittance", "Lockbox deposit"), weight=0.07, party="customer"),
    T("expense_reclass", "GJ", "C", (("6300", 0.3), ("6320", 0.3), ("6340", 0.4)), (("6300", 0.3), ("6320", 0.3),
      ("6340", 0.4)), (2, 3), 900, 0.9, 40_000, (("SGOMEZ", 0.5), ("WPOOLE", 0.5)), "PLIN",
      ("Reclassify expense",), weight=0.012, distinct_single=True),
    T("accrual", "GJ", "C", (("2100", 1),), (("6210", 0.3), ("6230", 0.3), ("6420", 0.2), ("6410", 0.2)), (2, 4),
      9000, 0.8, 120_000, (("SGOMEZ", 0.5), ("WPOOLE", 0.3), ("PLIN", 0.2)), "KMARSH",
      ("Month-end accrual - services received not invoiced",), timing="month_end", per_month=12, reversing=True),
)

R, L = Recurring, RecurringLine
RECURRING: tuple[Recurring, ...] = (
    R("depreciation", "FA", "month_end", (L("6500", 1, "D"), L("1590", 1, "C")),
      0.03, "SGOMEZ", "KMARSH", "Monthly depreciation", noise=0.0),
    R("payroll", "PR", "semi_monthly",
      (L("5100", 0.55, "D"), L("6000", 0.2, "D"), L("6010", 0.1, "D"), L("6100", 0.08, "D"), L("6110", 0.07, "D"),
       L("1010", 0.78, "C"), L("2210", 0.22, "C")), 0.2, "LNASH", "KMARSH", "Payroll - pay period"),
    R("payroll_funding", "BANK", "semi_monthly", (L("1010", 1, "D"), L("1000", 1, "C")), 0.155, "JSTRAND", "KMARSH",
      "Fund payroll account"),
    R("payroll_taxes", "CD", "month_end", (L("2210", 1, "D"), L("1000", 1, "C")), 0.044, "LNASH", "JSTRAND",
      "Payroll tax deposit"),
    R("bank_charges", "BANK", "month_end", (L("6600", 1, "D"), L("1000", 1, "C")), 0.0006, "JSTRAND", "KMARSH",
      "Bank service charges"),
    R("prepaid", "GJ", "month_end", (L("6240", 0.6, "D"), L("6200", 0.4, "D"), L("1300", 1, "C")), 0.012, "SGOMEZ",
      "PLIN", "Amortize prepaid insurance and rent", noise=0.0, entry_offset=2),
    R("bonus", "GJ", "month_end", (L("6120", 1, "D"), L("2120", 1, "C")), 0.006, "PLIN", "KMARSH",
      "Monthly bonus accrual", noise=0.0, entry_offset=3),
    R("pension", "GJ", "month_end", (L("6130", 1, "D"), L("2300", 1, "C")), 0.005, "PLIN", "KMARSH",
      "Monthly pension cost", noise=0.0, entry_offset=3),
    R("postretirement", "GJ", "month_end", (L("6140", 1, "D"), L("2310", 1, "C")), 0.004, "PLIN", "KMARSH",
      "Monthly postretirement benefit cost", noise=0.0, entry_offset=3),
    R("warranty", "GJ", "month_end", (L("6710", 1, "D"), L("2130", 1, "C")), 0.004, "PLIN", "KMARSH",
      "Monthly warranty provision", noise=0.1, entry_offset=3),
    R("interest", "GJ", "month_end", (L("7000", 1, "D"), L("2610", 1, "C")), 0.009, "PLIN", "KMARSH",
      "Accrue term-loan interest", noise=0.0, entry_offset=3),
    R("interest_payment", "CD", "quarterly", (L("2610", 1, "D"), L("1000", 1, "C")), 0.027, "JSTRAND", "KMARSH",
      "Quarterly interest payment"),
)

POSTAL_CUSTOMER = "POSTAL-001"
POSTAL_CONTRACT_LOST = dt.date(2005, 2, 28)  # last invoice under the postal contract


def profile() -> Profile:
    """Locker Co.: the company, its users and its ordinary activity."""
    others = tuple((f"C{i:04d}", 1.0 / i ** 1.2) for i in range(1, 121))
    scale = sum(w for _, w in others)
    customers = ((POSTAL_CUSTOMER, scale * 1.9),) + others  # the postal customer takes about 65 % of invoices
    return Profile(
        name="Locker Co. (fictional small locker manufacturer)",
        entity="LC01",
        currency="USD",
        accounts=ACCOUNTS,
        users=USERS,
        sources=(
            Source("SD", "Billing", "AR", False), Source("CR", "Cash receipts", "AR", False),
            Source("AP", "Vendor invoices", "AP", False), Source("CD", "Cash disbursements", "AP", False),
            Source("INV", "Inventory and work orders", "Inventory", False),
            Source("PR", "Payroll service interface", "Payroll", False),
            Source("FA", "Fixed-asset depreciation", "Fixed assets", False),
            Source("BANK", "Bank statement import", "Treasury", False), Source("GJ", "General journal", "GL", True),
        ),
        templates=TEMPLATES,
        recurring=RECURRING,
        controller="KMARSH",
        cfo="RHOLLOWAY",
        customers=customers,
        vendors=tuple((f"V{i:04d}", 1.0 / i ** 1.1) for i in range(1, 181)),
        cost_centres=(),
        month_volume=lambda year, month: 0.7 if (year, month) >= (2005, 3) else 1.0,
        customer_end={POSTAL_CUSTOMER: POSTAL_CONTRACT_LOST},
        close_overrides={"2004-12": dt.datetime(2005, 2, 18, 18, 5, 0)},
    )


# ---- the answer key ----------------------------------------------------------------------

REASONS: dict[str, tuple[str, str]] = {
    "after_close": ("CUT", "entered {entered}, after its period was closed on {closed}"),
    "adjustment_period": ("CUT", "posted to the 2004 audit-adjustment period 13"),
    "no_approval": ("APR", "never approved"),
    "self_approved": ("APR", "approved by its own preparer"),
    "prior_period_words": ("PPA", "the description says it corrects or trues up earlier figures"),
    "names_earlier_quarters": ("PPA", "the description names earlier quarters (Q1-Q3)"),
    "rare_preparer": ("USR", "prepared by {preparer} ({title}), who posts almost no journals"),
    "senior_preparer": ("USR", "prepared by {preparer}, the {title}"),
    "round_amount": ("AMT", "a round amount in whole thousands, the largest on its accounts"),
    "seldom_accounts": ("ACC", "posts to accounts used a handful of times ({seldom})"),
    "manual_inventory": ("ACC", "a manual entry to inventory accounts fed by the inventory system"),
    "manual_cash_credit": ("ACC", "a manual credit to the operating bank account"),
}


@dataclass(frozen=True)
class Event:
    """One journal a reviewer must find. Amounts in dollars, debit positive."""

    slug: str
    event: str
    quarter: str
    effective: dt.date
    entered: dt.datetime
    preparer: str
    approver: str | None
    approved: dt.datetime | None
    header: str
    lines: tuple[tuple[str, float], ...]
    stated_effect: int  # the effect on pre-tax income as the issue states it, in dollars
    reasons: tuple[str, ...]
    seldom: tuple[str, ...] = ()
    period: int | None = None  # 13: the audit-adjustment period


D, DT = dt.date, dt.datetime
Q4, Q1, Q2 = D(2004, 12, 31), D(2005, 3, 31), D(2005, 6, 30)
EVENTS: tuple[Event, ...] = (
    Event("book_to_physical", "Q4 2004 inventory book-to-physical adjustment", "Q4 2004", Q4, DT(2005, 7, 11, 10, 42),
          "TWEBB", "KMARSH", DT(2005, 7, 12, 9, 15), "Q4 book-to-physical inventory adjustment",
          (("1200", 187_412.56), ("1210", 141_287.09), ("1220", 211_114.97), ("5500", -539_814.62)), 540_000,
          ("after_close", "rare_preparer", "manual_inventory")),
    Event("labour_costing", "Labour-costing correction of Q1-Q3 2004", "Q4 2004", Q4, DT(2005, 7, 11, 14, 7),
          "TWEBB", "KMARSH", DT(2005, 7, 12, 9, 20), "Correct labour costing Q1-Q3 2004",
          (("5520", 582_361.40), ("1210", -223_905.18), ("1220", -358_456.22)), -582_000,
          ("after_close", "prior_period_words", "names_earlier_quarters", "rare_preparer", "manual_inventory")),
    Event("lifo_2004", "FY2004 LIFO adjustment", "Q4 2004", Q4, DT(2005, 7, 13, 11, 30), "PLIN", "KMARSH",
          DT(2005, 7, 13, 16, 5), "FY2004 LIFO reserve adjustment", (("5400", 202_871.44), ("1240", -202_871.44)),
          -203_000, ("after_close", "seldom_accounts"), seldom=("5400", "1240")),
    Event("obsolete_inventory", "Obsolete-inventory charge-off", "Q4 2004", Q4, DT(2005, 7, 13, 15, 48), "PLIN",
          None, None, "Write off obsolete inventory - year end", (("5510", 79_842.17), ("1220", -79_842.17)), -80_000,
          ("after_close", "no_approval", "manual_inventory")),
    Event("audit_warranty_release", "Auditor-proposed reserve entry (warranty reserve release)", "Q4 2004", Q4,
          DT(2005, 7, 19, 10, 12), "KMARSH", "KMARSH", DT(2005, 7, 19, 10, 14),
          "AJE 7 - auditor proposed: release excess warranty reserve", (("2130", 194_265.00), ("6710", -194_265.00)),
          194_000, ("after_close", "adjustment_period", "self_approved"), period=13),
    Event("audit_inventory_reserve", "Auditor-proposed reserve entry (inventory reserve)", "Q4 2004", Q4,
          DT(2005, 7, 19, 10, 26), "KMARSH", "KMARSH", DT(2005, 7, 19, 10, 27),
          "AJE 9 - auditor proposed: increase inventory reserve", (("5510", 123_880.00), ("1230", -123_880.00)),
          -124_000, ("after_close", "adjustment_period", "self_approved", "seldom_accounts"), seldom=("1230",),
          period=13),
    Event("environmental_settlement", "Environmental settlement accrual", "Q4 2004", Q4, DT(2005, 7, 8, 16, 55),
          "RHOLLOWAY", None, None, "Accrue environmental settlement - consent decree",
          (("6800", 1_103_000.00), ("2140", -1_103_000.00)), -1_103_000,
          ("after_close", "no_approval", "senior_preparer", "round_amount", "seldom_accounts"),
          seldom=("6800", "2140")),
    Event("doubtful_accounts", "Doubtful accounts provision", "Q4 2004", Q4, DT(2005, 7, 14, 9, 40), "SGOMEZ",
          "PLIN", DT(2005, 7, 14, 13, 2), "Increase allowance for doubtful accounts",
          (("6700", 65_713.28), ("1110", -65_713.28)), -66_000, ("after_close", "seldom_accounts"),
          seldom=("6700", "1110")),
    Event("postretirement", "Postretirement benefit adjustment", "Q4 2004", Q4, DT(2005, 7, 14, 10, 5), "SGOMEZ",
          "PLIN", DT(2005, 7, 14, 13, 4), "Adjust postretirement obligation to actuarial valuation",
          (("2310", 38_940.00), ("6140", -38_940.00)), 39_000, ("after_close",)),
    Event("accrued_payroll", "Accrued payroll correction", "Q4 2004", Q4, DT(2005, 7, 15, 11, 20), "LNASH", None,
          None, "Correction of error in 12/31/04 accrued payroll",
          (("6000", 12_118.40), ("5100", 19_706.55), ("2110", -31_824.95)),
          -32_000, ("after_close", "no_approval", "prior_period_words", "seldom_accounts"), seldom=("2110",)),
    Event("pension_true_up", "Pension true-up", "Q4 2004", Q4, DT(2005, 7, 15, 14, 45), "SGOMEZ", "PLIN",
          DT(2005, 7, 18, 9, 30), "Pension expense true-up to actuarial report",
          (("6130", 19_872.00), ("2300", -19_872.00)), -20_000, ("after_close", "prior_period_words")),
    Event("bonuses", "Bonuses in excess of accrual", "Q4 2004", Q4, DT(2005, 7, 20, 15, 10), "RHOLLOWAY", "RHOLLOWAY",
          DT(2005, 7, 20, 15, 11), "Record 2004 bonuses in excess of accrual",
          (("6120", 197_648.33), ("2120", -197_648.33)), -198_000, ("after_close", "self_approved", "senior_preparer")),
    Event("bank_reconciliation", "Bank reconciliation adjustment", "Q4 2004", Q4, DT(2005, 7, 21, 10, 35), "JSTRAND",
          None, None, "Bank reconciliation adjustment - December 2004", (("6900", 14_216.87), ("1000", -14_216.87)),
          -14_000, ("after_close", "no_approval", "manual_cash_credit", "seldom_accounts"), seldom=("6900",)),
    Event("wip_costing_model", "Work-in-progress costing model adjustment", "Q1 2005", Q1, DT(2005, 5, 10, 10, 20),
          "TWEBB", "KMARSH", DT(2005, 5, 10, 15, 40), "Q1 2005 WIP costing model adjustment",
          (("1210", 249_580.12), ("5520", -249_580.12)), 250_000,
          ("after_close", "rare_preparer", "manual_inventory", "seldom_accounts"), seldom=("5520",)),
    Event("goodwill_impairment", "Goodwill impairment after losing the postal contract", "Q1 2005", Q1,
          DT(2005, 5, 12, 16, 30), "RHOLLOWAY", "RHOLLOWAY", DT(2005, 5, 12, 16, 31),
          "Goodwill impairment - loss of postal contract", (("7300", 6_155_000.00), ("1700", -6_155_000.00)),
          -6_155_000, ("after_close", "self_approved", "senior_preparer", "round_amount", "seldom_accounts"),
          seldom=("7300", "1700")),
    Event("inventory_reserve_2005", "Inventory reserve after losing the postal contract", "Q1 2005", Q1,
          DT(2005, 5, 12, 11, 5), "PLIN", "KMARSH", DT(2005, 5, 12, 14, 22),
          "Reserve for postal locker inventory after contract loss", (("5510", 146_775.40), ("1230", -146_775.40)),
          -147_000, ("after_close", "seldom_accounts"), seldom=("1230",)),
    Event("purchase_commitments", "Loss on purchase commitments after losing the postal contract", "Q1 2005", Q1,
          DT(2005, 5, 13, 10, 50), "PLIN", None, None, "Accrue loss on purchase commitments - postal program",
          (("7500", 124_612.00), ("2160", -124_612.00)), -125_000, ("after_close", "no_approval", "seldom_accounts"),
          seldom=("7500", "2160")),
    Event("lifo_midyear", "Mid-year LIFO adjustment", "Q2 2005", Q2, DT(2005, 7, 6, 13, 15), "TWEBB", "TWEBB",
          DT(2005, 7, 6, 13, 16), "Mid-year LIFO adjustment", (("5400", 83_127.66), ("1240", -83_127.66)), -83_000,
          ("self_approved", "rare_preparer", "seldom_accounts"), seldom=("5400", "1240")),
    Event("restructuring", "Restructuring: asset impairment 75,000, severance 427,000, other 30,000", "Q2 2005", Q2,
          DT(2005, 7, 7, 10, 0), "KMARSH", "RHOLLOWAY", DT(2005, 7, 7, 16, 45),
          "Restructuring charge - plant consolidation",
          (("7400", 74_860.00), ("7410", 427_215.50), ("7420", 29_940.10), ("1590", -74_860.00),
           ("2150", -427_215.50), ("2100", -29_940.10)), -532_000, ("seldom_accounts",),
          seldom=("7400", "7410", "7420", "2150")),
    Event("special_purpose_write_off", "Special-purpose locker inventory write-off", "Q2 2005", Q2,
          DT(2005, 7, 8, 9, 35), "SGOMEZ", None, None, "Write off special-purpose locker inventory",
          (("5510", 99_806.25), ("1220", -99_806.25)), -100_000, ("no_approval", "manual_inventory")),
)


def _seconds(moment: dt.datetime) -> int:
    return int((moment - dt.datetime(1970, 1, 1)).total_seconds())


def pre_tax_effect(event: Event) -> float:
    """Effect on pre-tax income in dollars: minus the net of the income-statement lines."""
    types = {a.number: a.type for a in ACCOUNTS}
    return -round(sum(amount for account, amount in event.lines if types[account] in ("revenue", "expense")), 2)


def _events_planter(ctx: PlanContext) -> list[JournalSpec]:
    names = {a.number: a.name for a in ACCOUNTS}
    specs = []
    for event in EVENTS:
        specs.append(JournalSpec(
            key=ctx.next_key(),
            lines=[(account, round(amount * 100), names[account]) for account, amount in event.lines],
            effective=day_number(event.effective), entered_at=_seconds(event.entered), source="GJ", manual=True,
            entered_by=event.preparer, approved_by=event.approver,
            approved_at=_seconds(event.approved) if event.approved else None, header=event.header,
            period=event.period, labels=[Label(event.slug, "", "", "")]))
    return specs


def _why(event: Event, calendar: LedgerCalendar) -> str:
    period = calendar.period_by_label(f"{event.effective.year}-{event.effective.month:02d}")
    closed = (dt.datetime(1970, 1, 1) + dt.timedelta(seconds=period.closed_at)).strftime("%Y-%m-%d")
    user = next(u for u in USERS if u.user_id == event.preparer)
    facts = dict(entered=f"{event.entered:%Y-%m-%d}", closed=closed, preparer=user.user_id, title=user.title,
                 seldom=", ".join(event.seldom))
    return f"Dated {event.effective}: " + "; ".join(REASONS[r][1].format(**facts) for r in event.reasons)


def expected_categories(event: Event) -> str:
    found = {REASONS[r][0] for r in event.reasons}
    return ";".join(c for c in CATEGORY_ORDER if c in found)


def write_locker_co(directory: Path) -> dict[str, Path]:
    """Write the locker_co_fy2004 ledger, its context files and answer_key.csv into `directory`."""
    directory.mkdir(parents=True, exist_ok=True)
    calendar = LedgerCalendar(2004, 1, 18)
    result = write_ledger(profile(), calendar, directory / f"{NAME}.parquet", LINES, SEED, planter=_events_planter,
                          opening_balances=OPENING_BALANCES)
    ids = {label.anomaly: journal_id for journal_id, label in result.labels}
    answer_key = directory / "answer_key.csv"
    write_csv(answer_key, ["journal_id", "event", "amount_effect", "quarter", "expected_categories", "why"],
              [(ids[e.slug], e.event, f"{pre_tax_effect(e):.2f}", e.quarter, expected_categories(e), _why(e, calendar))
               for e in EVENTS])
    files = {kind: path for kind, path in result.files.items() if kind != "labels"}
    return {"ledger": result.ledger, **files, "answer_key": answer_key}
