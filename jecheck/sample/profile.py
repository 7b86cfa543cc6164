"""What a generated company looks like: chart of accounts, users, sources and journal templates.

A `Profile` is data only. `engine.py` turns its templates into journals; `recurring.py` turns its
recurring journals (payroll, depreciation...) into monthly entries. `default_profile()` is the
fictional manufacturer that `jecheck sample` generates; `locker_co.py` defines another.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable
from dataclasses import dataclass, field

Weighted = tuple[tuple[str, float], ...]


@dataclass(frozen=True)
class Account:
    number: str
    name: str
    type: str  # asset | liability | equity | revenue | expense
    subtype: str
    opening: float = 0.0  # opening balance in months of revenue (signed by type); retained earnings is the plug


@dataclass(frozen=True)
class User:
    user_id: str
    first_name: str
    last_name: str
    title: str
    department: str
    role: str
    active: bool = True
    active_modified: dt.date | None = None
    can_approve: bool = False
    approval_limit: float | None = None
    replaced_by: str | None = None  # who takes over this user's templates once inactive


@dataclass(frozen=True)
class Source:
    code: str
    description: str
    module: str
    manual: bool


@dataclass(frozen=True)
class Template:
    """A kind of journal: one line on `single_side`, the other lines drawn from `pool`.

    Amounts: the journal total is lognormal (median, sigma) capped at `cap`, split across the
    pool lines; the single line carries the total, so every journal balances to the cent.
    timing 'daily': entered on a business day, effective that day (or the business day before,
    for `backdate_share` of journals); 'month_end': effective the month's last day and entered in
    the first business days of the next month, `per_month` journals per month per 1,000 daily
    journals; `reversing` ones are reversed automatically on the first day of the next month.
    """

    name: str
    source: str
    single_side: str  # 'D' or 'C'
    single: Weighted
    pool: Weighted
    lines: tuple[int, int]
    median: float
    sigma: float
    cap: float
    preparers: Weighted
    approver: str
    headers: tuple[str, ...]
    weight: float = 0.0
    timing: str = "daily"
    per_month: float = 0.0
    reversing: bool = False
    party: str | None = None  # 'customer' or 'vendor': segment5 / segment4 on every line
    document_lag_days: int = 0
    backdate_share: float = 0.0
    line_decay: float = 0.55  # P(n lines) is proportional to line_decay ** (n - min)
    distinct_single: bool = False  # draw the single account from the pool, never equal to a pool line


@dataclass(frozen=True)
class RecurringLine:
    account: str
    share: float  # of the journal total, on its side; shares per side sum to 1
    side: str  # 'D' or 'C'
    cost_centre: str | None = None


@dataclass(frozen=True)
class Recurring:
    """A journal booked on a schedule whatever the ledger's size (payroll, depreciation...).

    Its total is `revenue_share` of a month's expected revenue (halved for semi-monthly runs),
    varied by `noise` (0 = the same amount every time, as depreciation is).
    schedule: 'month_end' (effective the month's last day, entered `entry_offset` business days
    after the month's last business day, 0 = that day), 'semi_monthly' (the 15th and month end),
    'quarterly' (month_end in the last month of each quarter).
    """

    name: str
    source: str
    schedule: str
    lines: tuple[RecurringLine, ...]
    revenue_share: float
    preparer: str
    approver: str | None
    header: str
    noise: float = 0.03
    entry_offset: int = 0


@dataclass
class Profile:
    name: str
    entity: str
    currency: str
    accounts: tuple[Account, ...]
    users: tuple[User, ...]
    sources: tuple[Source, ...]
    templates: tuple[Template, ...]
    recurring: tuple[Recurring, ...]
    controller: str
    cfo: str
    customers: Weighted
    vendors: Weighted
    cost_centres: tuple[str, ...]
    expense_cost_centres: Weighted = ()
    month_volume: Callable[[int, int], float] = field(default=lambda year, month: 1.0)
    customer_end: dict[str, dt.date] = field(default_factory=dict)  # customer -> last invoice date
    monthly_close_lag: int = 8  # business days after month end
    year_end_close_lag: int = 25
    close_overrides: dict[str, dt.datetime] = field(default_factory=dict)

    def account(self, number: str) -> Account:
        return next(a for a in self.accounts if a.number == number)

    def user(self, user_id: str) -> User:
        return next(u for u in self.users if u.user_id == user_id)

    def approver_for(self, default: str, cents: int) -> str:
        """`default`, or the controller, or the CFO: the first whose approval limit covers `cents`."""
        for user_id in (default, self.controller, self.cfo):
            if (self.user(user_id).approval_limit or 0) * 100 >= cents:
                return user_id
        return self.cfo


def _zipf(prefix: str, count: int, exponent: float = 1.1) -> Weighted:
    return tuple((f"{prefix}{i:05d}", 1.0 / (i ** exponent)) for i in range(1, count + 1))


# ---- the default company: a fictional mid-size manufacturer -------------------------------------

DEFAULT_ACCOUNTS: tuple[Account, ...] = (
    Account("1000", "Cash - operating account", "asset", "cash", 1.2),
    Account("1010", "Cash - payroll account", "asset", "cash", 0.1),
    Account("1020", "Petty cash", "asset", "cash", 0.001),
    Account("1100", "Accounts receivable - trade", "asset", "receivable", 1.5),
    Account("1110", "Allowance for doubtful accounts", "asset", "reserve", -0.04),
    Account("1150", "Unbilled receivables", "asset", "receivable"),
    Account("1190", "Employee advances", "asset", "receivable", 0.002),
    Account("1200", "Inventory - raw materials", "asset", "inventory", 1.0),
    Account("1210", "Inventory - work in process", "asset", "inventory", 0.5),
    Account("1220", "Inventory - finished goods", "asset", "inventory", 1.2),
    Account("1230", "Inventory reserve - obsolescence", "asset", "reserve", -0.06),
    Account("1300", "Prepaid insurance", "asset", "prepaid", 0.1),
    Account("1310", "Prepaid software and subscriptions", "asset", "prepaid", 0.05),
    Account("1320", "Prepaid rent", "asset", "prepaid", 0.08),
    Account("1400", "Other current assets", "asset", "other_asset", 0.01),
    Account("1500", "Land", "asset", "fixed_asset", 0.8),
    Account("1510", "Buildings", "asset", "fixed_asset", 3.0),
    Account("1520", "Machinery and equipment", "asset", "fixed_asset", 4.0),
    Account("1530", "Vehicles", "asset", "fixed_asset", 0.4),
    Account("1540", "Computer equipment", "asset", "fixed_asset", 0.3),
    Account("1550", "Furniture and fixtures", "asset", "fixed_asset", 0.2),
    Account("1590", "Accumulated depreciation - buildings", "asset", "accumulated_depreciation", -1.0),
    Account("1591", "Accumulated depreciation - machinery", "asset", "accumulated_depreciation", -1.8),
    Account("1592", "Accumulated depreciation - vehicles", "asset", "accumulated_depreciation", -0.2),
    Account("1593", "Accumulated depreciation - computers", "asset", "accumulated_depreciation", -0.15),
    Account("1594", "Accumulated depreciation - furniture", "asset", "accumulated_depreciation", -0.1),
    Account("1700", "Goodwill", "asset", "goodwill", 0.9),
    Account("1800", "Deposits", "asset", "other_asset", 0.02),
    Account("1900", "Due from affiliate", "asset", "intercompany"),
    Account("1950", "Bank transfer clearing", "asset", "clearing"),
    Account("1990", "Suspense", "asset", "suspense"),
    Account("2000", "Accounts payable - trade", "liability", "payable", -1.1),
    Account("2100", "Accrued liabilities", "liability", "accrual", -0.3),
    Account("2110", "Accrued payroll", "liability", "accrual", -0.15),
    Account("2120", "Accrued bonuses", "liability", "accrual", -0.05),
    Account("2200", "Sales tax payable", "liability", "tax", -0.05),
    Account("2210", "Payroll taxes payable", "liability", "payroll_liability", -0.04),
    Account("2220", "Employee benefits withholding", "liability", "payroll_liability", -0.02),
    Account("2230", "Income taxes payable", "liability", "tax", -0.2),
    Account("2300", "Customer deposits", "liability", "deferred_revenue", -0.05),
    Account("2400", "Due to affiliate", "liability", "intercompany"),
    Account("2500", "Revolving line of credit", "liability", "debt", -0.8),
    Account("2600", "Long-term debt", "liability", "debt", -3.0),
    Account("2610", "Accrued interest", "liability", "accrual", -0.02),
    Account("3000", "Common stock", "equity", "share_capital", -0.5),
    Account("3100", "Additional paid-in capital", "equity", "share_capital", -2.0),
    Account("3300", "Retained earnings", "equity", "retained_earnings"),
    Account("3900", "Opening balance equity", "equity", "opening_balance"),
    Account("3950", "Prior period adjustments", "equity", "prior_period_adjustment"),
    Account("4000", "Sales - standard products", "revenue", "revenue"),
    Account("4010", "Sales - custom products", "revenue", "revenue"),
    Account("4020", "Sales - spare parts", "revenue", "revenue"),
    Account("4100", "Service revenue", "revenue", "revenue"),
    Account("4200", "Freight revenue", "revenue", "revenue"),
    Account("4300", "Scrap sales", "revenue", "revenue"),
    Account("4500", "Sales returns and allowances", "revenue", "contra_revenue"),
    Account("4800", "Interest income", "revenue", "other_income"),
    Account("4900", "Miscellaneous income", "revenue", "other_income"),
    Account("5000", "Cost of goods sold - standard products", "expense", "cost_of_sales"),
    Account("5010", "Cost of goods sold - custom products", "expense", "cost_of_sales"),
    Account("5100", "Direct labour", "expense", "cost_of_sales"),
    Account("5200", "Manufacturing overhead applied", "expense", "cost_of_sales"),
    Account("5300", "Freight-in", "expense", "cost_of_sales"),
    Account("5500", "Inventory adjustments", "expense", "cost_of_sales"),
    Account("6000", "Salaries - administrative", "expense", "payroll"),
    Account("6010", "Salaries - sales", "expense", "payroll"),
    Account("6100", "Payroll taxes", "expense", "payroll"),
    Account("6110", "Employee benefits", "expense", "payroll"),
    Account("6120", "Bonus expense", "expense", "payroll"),
    Account("6200", "Rent expense", "expense", "operating_expense"),
    Account("6210", "Utilities", "expense", "operating_expense"),
    Account("6220", "Telephone and internet", "expense", "operating_expense"),
    Account("6230", "Repairs and maintenance", "expense", "operating_expense"),
    Account("6240", "Insurance expense", "expense", "operating_expense"),
    Account("6250", "Software subscriptions", "expense", "operating_expense"),
    Account("6300", "Office supplies", "expense", "operating_expense"),
    Account("6310", "Postage and shipping", "expense", "operating_expense"),
    Account("6320", "Travel", "expense", "operating_expense"),
    Account("6330", "Meals and entertainment", "expense", "operating_expense"),
    Account("6340", "Advertising and marketing", "expense", "operating_expense"),
    Account("6350", "Trade shows", "expense", "operating_expense"),
    Account("6400", "Professional fees - legal", "expense", "operating_expense"),
    Account("6410", "Professional fees - audit and tax", "expense", "operating_expense"),
    Account("6420", "Consulting fees", "expense", "operating_expense"),
    Account("6500", "Depreciation expense", "expense", "depreciation"),
    Account("6510", "Amortization expense", "expense", "depreciation"),
    Account("6600", "Bank charges", "expense", "operating_expense"),
    Account("6700", "Bad debt expense", "expense", "operating_expense"),
    Account("6800", "Training", "expense", "operating_expense"),
    Account("6810", "Dues and subscriptions", "expense", "operating_expense"),
    Account("6820", "Licenses and permits", "expense", "operating_expense"),
    Account("6900", "Miscellaneous expense", "expense", "operating_expense"),
    Account("7000", "Interest expense", "expense", "interest"),
    Account("7100", "Loss on disposal of assets", "expense", "other_expense"),
    Account("7200", "Foreign exchange gain or loss", "expense", "other_expense"),
    Account("7500", "Income tax expense", "expense", "income_tax"),
)

def _default_users(leaver_date: dt.date) -> tuple[User, ...]:
    U = User
    return (
        U("MCHEN", "Maria", "Chen", "Controller", "Accounting", "Approves journals; owns the close",
          can_approve=True, approval_limit=1_000_000),
        U("DOKAFOR", "David", "Okafor", "Assistant Controller", "Accounting", "Accruals and approvals",
          can_approve=True, approval_limit=250_000),
        U("SPATEL", "Sunita", "Patel", "Accounting Manager", "Accounting", "Reviews and approves journals",
          can_approve=True, approval_limit=250_000),
        U("JRIVERA", "Jorge", "Rivera", "Staff Accountant", "Accounting", "General journals"),
        U("ANGUYEN", "Anh", "Nguyen", "Staff Accountant", "Accounting", "General journals"),
        U("TBROOKS", "Tara", "Brooks", "Senior Accountant", "Accounting", "General journals"),
        U("PHARRIS", "Paul", "Harris", "Staff Accountant", "Accounting", "General journals", active=False,
          active_modified=leaver_date, replaced_by="TBROOKS"),
        U("GREYES", "Gina", "Reyes", "Accounts Payable Clerk", "Accounting", "Vendor invoices", active=False,
          active_modified=dt.date(2019, 6, 28)),
        U("LMORGAN", "Lisa", "Morgan", "Accounting Manager", "Accounting", "Reviewed and approved journals",
          active=False, active_modified=dt.date(2022, 3, 31), can_approve=True, approval_limit=250_000),
        U("VMORRIS", "Victor", "Morris", "Project Accountant", "Accounting", "Project cost journals"),
        U("KWONG", "Kevin", "Wong", "Accounts Payable Supervisor", "Accounting",
          "Approves vendor invoices and payments", can_approve=True, approval_limit=100_000),
        U("BSMITH", "Beth", "Smith", "Accounts Payable Clerk", "Accounting", "Vendor invoices and payments"),
        U("CLOPEZ", "Carlos", "Lopez", "Accounts Payable Clerk", "Accounting", "Vendor invoices and payments"),
        U("DJOHNSON", "Dana", "Johnson", "Accounts Payable Clerk", "Accounting", "Vendor invoices and payments"),
        U("EMARTIN", "Erin", "Martin", "Accounts Receivable Supervisor", "Accounting", "Approves billing and receipts",
          can_approve=True, approval_limit=100_000),
        U("FGARCIA", "Felix", "Garcia", "Accounts Receivable Clerk", "Accounting", "Billing and cash receipts"),
        U("GTAYLOR", "Grace", "Taylor", "Accounts Receivable Clerk", "Accounting", "Billing and cash receipts"),
        U("HKIM", "Hana", "Kim", "Accounts Receivable Clerk", "Accounting", "Billing and cash receipts"),
        U("IWRIGHT", "Ian", "Wright", "Billing Specialist", "Accounting", "Billing"),
        U("JBAKER", "Julia", "Baker", "Payroll Manager", "Accounting", "Approves payroll",
          can_approve=True, approval_limit=500_000),
        U("KSCOTT", "Kyle", "Scott", "Payroll Specialist", "Accounting", "Payroll interface"),
        U("LEVANS", "Laura", "Evans", "Cost Accountant", "Accounting", "Inventory costing; approves inventory postings",
          can_approve=True, approval_limit=250_000),
        U("MREED", "Mike", "Reed", "Inventory Accountant", "Accounting", "Inventory and production postings"),
        U("RSHAH", "Ravi", "Shah", "Inventory Accountant", "Accounting", "Inventory and production postings"),
        U("NPRICE", "Nora", "Price", "Fixed Asset Accountant", "Accounting", "Depreciation and prepaid amortization"),
        U("EBLAKE", "Ethan", "Blake", "IT Cost Accountant", "Accounting", "Software and licence costs"),
        U("OWARD", "Omar", "Ward", "Treasury Analyst", "Finance", "Bank statement postings"),
        U("QTURNER", "Quinn", "Turner", "Tax Accountant", "Accounting", "Tax provision"),
        U("RCOLE", "Rita", "Cole", "FP&A Analyst", "Finance", "Budgets and forecasts"),
        U("SHUGHES", "Sam", "Hughes", "Consolidation Accountant", "Accounting", "Group reporting"),
        U("WBENNETT", "William", "Bennett", "Chief Financial Officer", "Executive", "Approves large journals",
          can_approve=True, approval_limit=1_000_000_000),
        U("XFOSTER", "Xavier", "Foster", "Chief Executive Officer", "Executive", "Chief executive"),
        U("YCOOPER", "Yvonne", "Cooper", "Sales Director", "Sales", "Sales management"),
        U("ZHAYES", "Zach", "Hayes", "Warehouse Manager", "Operations", "Warehouse"),
        U("AMURPHY", "Alan", "Murphy", "IT Administrator", "IT", "ERP administration"),
        U("ADMIN", "System", "Administrator", "Shared administrator account", "IT", "Shared login"),
    )


AP_CLERKS: Weighted = (("BSMITH", 0.5), ("CLOPEZ", 0.3), ("DJOHNSON", 0.2))
AR_CLERKS: Weighted = (("FGARCIA", 0.45), ("GTAYLOR", 0.2), ("HKIM", 0.15), ("IWRIGHT", 0.2))
GL_STAFF: Weighted = (("JRIVERA", 0.3), ("ANGUYEN", 0.3), ("TBROOKS", 0.2), ("PHARRIS", 0.2))
INVENTORY: Weighted = (("MREED", 0.6), ("RSHAH", 0.4))

OPEX_ACCRUALS: Weighted = (("6210", 0.4), ("6220", 0.3), ("6230", 0.3))
PROFESSIONAL_ACCRUALS: Weighted = (("6400", 0.4), ("6410", 0.3), ("6420", 0.3))
RECLASS_ACCOUNTS: Weighted = (("6300", 0.25), ("6310", 0.15), ("6320", 0.25), ("6330", 0.15), ("6340", 0.2))


def _default_templates() -> tuple[Template, ...]:
    T = Template
    revenue = (("4000", 0.55), ("4010", 0.2), ("4020", 0.1), ("4100", 0.1), ("4200", 0.05))
    return (
        T("sales_invoice", "SD", "D", (("1100", 1),), revenue, (2, 5), 3500, 1.2, 1_500_000, AR_CLERKS, "EMARTIN",
          ("Customer invoice", "Sales invoice", "Billing run invoice"), weight=0.30, party="customer"),
        T("credit_memo", "SD", "C", (("1100", 1),), (("4500", 1),), (2, 2), 800, 1.0, 150_000, AR_CLERKS, "EMARTIN",
          ("Credit memo", "Customer return credit"), weight=0.015, party="customer"),
        T("scrap_sale", "SD", "D", (("1100", 1),), (("4300", 1),), (2, 2), 600, 0.8, 40_000, AR_CLERKS, "EMARTIN",
          ("Scrap metal sale",), weight=0.004, party="customer"),
        T("cost_of_sales", "INV", "C", (("1220", 1),), (("5000", 0.7), ("5010", 0.3)), (2, 3), 2200, 1.2, 1_000_000,
          INVENTORY, "LEVANS", ("Goods issue - cost of sales", "Delivery cost relief"), weight=0.17),
        T("production_issue", "INV", "D", (("1210", 1),), (("1200", 0.6), ("5100", 0.25), ("5200", 0.15)), (2, 4), 5000,
          1.1, 1_500_000, INVENTORY, "LEVANS", ("Production order issue", "Materials and labour to WIP"), weight=0.06),
        T("production_receipt", "INV", "C", (("1210", 1),), (("1220", 1),), (2, 2), 6000, 1.1, 1_500_000, INVENTORY,
          "LEVANS", ("Production order receipt",), weight=0.04),
        T("purchase_materials", "AP", "C", (("2000", 1),), (("1200", 0.85), ("5300", 0.15)), (2, 10), 2500, 1.3,
          2_000_000, AP_CLERKS, "KWONG", ("Vendor invoice - materials", "Purchase invoice"), weight=0.14,
          party="vendor", document_lag_days=10, backdate_share=0.08),
        T("purchase_utilities", "AP", "C", (("2000", 1),), (("6210", 0.6), ("6220", 0.4)), (2, 3), 900, 0.9, 80_000,
          AP_CLERKS, "KWONG", ("Vendor invoice - utilities",), weight=0.02, party="vendor", document_lag_days=10),
        T("purchase_services", "AP", "C", (("2000", 1),), PROFESSIONAL_ACCRUALS, (2, 4), 4000, 1.1, 400_000, AP_CLERKS,
          "KWONG", ("Vendor invoice - professional services",), weight=0.02, party="vendor", document_lag_days=10),
        T("purchase_general", "AP", "C", (("2000", 1),),
          (("6230", 0.2), ("6300", 0.15), ("6310", 0.1), ("6320", 0.15), ("6330", 0.08), ("6340", 0.1), ("6350", 0.03),
           ("6800", 0.04), ("6810", 0.05), ("6820", 0.03), ("6250", 0.07)),
          (2, 8), 600, 1.2, 200_000, AP_CLERKS, "KWONG", ("Vendor invoice", "Vendor invoice - expenses"), weight=0.05,
          party="vendor", document_lag_days=10, backdate_share=0.05),
        T("purchase_capex", "AP", "C", (("2000", 1),), (("1520", 0.5), ("1540", 0.35), ("1550", 0.15)), (2, 3), 15000,
          1.0, 2_000_000, AP_CLERKS, "KWONG", ("Vendor invoice - capital equipment",), weight=0.003, party="vendor",
          document_lag_days=10),
        T("vendor_payment", "CD", "C", (("1000", 1),), (("2000", 1),), (2, 7), 6000, 1.2, 3_000_000, AP_CLERKS, "KWONG",
          ("Vendor payment run", "Check run", "ACH payment"), weight=0.10, party="vendor"),
        T("customer_receipt", "CR", "D", (("1000", 1),), (("1100", 1),), (2, 6), 7000, 1.2, 3_000_000, AR_CLERKS,
          "EMARTIN", ("Customer payment received", "Lockbox deposit"), weight=0.11, party="customer"),
        T("expense_reclass", "GJ", "C", RECLASS_ACCOUNTS, RECLASS_ACCOUNTS, (2, 3), 700, 1.0, 50_000, GL_STAFF,
          "SPATEL",
          ("Reclassify expense to proper account", "Expense reclassification", "Reclass per account review"),
          weight=0.012, distinct_single=True),
        T("accrual_operating", "GJ", "C", (("2100", 1),), OPEX_ACCRUALS, (2, 4), 3000, 0.9, 250_000,
          GL_STAFF + (("DOKAFOR", 0.1),), "SPATEL",
          ("Month-end accrual - utilities and services", "Month-end accrual - repairs"),
          timing="month_end", per_month=0.8, reversing=True),
        T("accrual_professional", "GJ", "C", (("2100", 1),), PROFESSIONAL_ACCRUALS, (2, 3), 8000, 0.9, 400_000,
          GL_STAFF + (("DOKAFOR", 0.1),), "SPATEL", ("Month-end accrual - professional fees",),
          timing="month_end", per_month=0.5, reversing=True),
        T("accrual_freight", "GJ", "C", (("2100", 1),), (("5300", 1),), (2, 2), 5000, 0.8, 250_000, GL_STAFF, "SPATEL",
          ("Month-end accrual - inbound freight",), timing="month_end", per_month=0.3, reversing=True),
    )


def _default_recurring() -> tuple[Recurring, ...]:
    R, L = Recurring, RecurringLine
    return (
        R("depreciation", "FA", "month_end",
          (L("6500", 0.30, "D", "CC100"), L("6500", 0.45, "D", "CC300"), L("6500", 0.10, "D", "CC400"),
           L("6500", 0.10, "D", "CC200"), L("6500", 0.05, "D", "CC100"),
           L("1590", 0.30, "C"), L("1591", 0.45, "C"), L("1592", 0.10, "C"), L("1593", 0.10, "C"),
           L("1594", 0.05, "C")),
          0.025, "NPRICE", "MCHEN", "Monthly depreciation run", noise=0.0),
        R("payroll", "PR", "semi_monthly",
          (L("5100", 0.45, "D", "CC300"), L("6000", 0.22, "D", "CC100"), L("6010", 0.15, "D", "CC200"),
           L("6100", 0.08, "D", "CC100"), L("6110", 0.10, "D", "CC100"),
           L("1010", 0.72, "C"), L("2210", 0.18, "C"), L("2220", 0.10, "C")),
          0.18, "KSCOTT", "JBAKER", "Payroll interface - pay run"),
        R("payroll_funding", "BANK", "semi_monthly", (L("1010", 1, "D"), L("1000", 1, "C")), 0.13, "OWARD", "MCHEN",
          "Transfer to payroll account"),
        R("payroll_tax_remittance", "CD", "month_end", (L("2210", 0.64, "D"), L("2220", 0.36, "D"), L("1000", 1, "C")),
          0.1, "KSCOTT", "JBAKER", "Payroll tax and benefits remittance"),
        R("bank_charges", "BANK", "month_end", (L("6600", 1, "D", "CC100"), L("1000", 1, "C")), 0.0004, "OWARD",
          "MCHEN", "Bank service charges"),
        R("prepaid_insurance", "GJ", "month_end", (L("6240", 1, "D", "CC100"), L("1300", 1, "C")), 0.006, "NPRICE",
          "SPATEL", "Amortize prepaid insurance", noise=0.0, entry_offset=2),
        R("prepaid_rent", "GJ", "month_end", (L("6200", 1, "D", "CC100"), L("1320", 1, "C")), 0.012, "NPRICE", "SPATEL",
          "Amortize prepaid rent", noise=0.0, entry_offset=2),
        R("prepaid_software", "GJ", "month_end", (L("6250", 1, "D", "CC100"), L("1310", 1, "C")), 0.003, "EBLAKE",
          "SPATEL", "Amortize prepaid software", noise=0.0, entry_offset=2),
        R("bonus_accrual", "GJ", "month_end", (L("6120", 1, "D", "CC100"), L("2120", 1, "C")), 0.01, "DOKAFOR", "MCHEN",
          "Monthly bonus accrual", entry_offset=3),
        R("interest_accrual", "GJ", "month_end", (L("7000", 1, "D", "CC100"), L("2610", 1, "C")), 0.004, "DOKAFOR",
          "MCHEN", "Accrue interest on term loan", noise=0.01, entry_offset=3),
        R("interest_payment", "CD", "quarterly", (L("2610", 1, "D"), L("1000", 1, "C")), 0.012, "OWARD", "MCHEN",
          "Quarterly interest payment"),
    )


def default_profile(leaver_date: dt.date) -> Profile:
    """The fictional manufacturer `jecheck sample` generates; `leaver_date` is when PHARRIS left."""
    return Profile(
        name="Fictional Fabrication Co. (a made-up mid-size manufacturer)",
        entity="1000",
        currency="USD",
        accounts=DEFAULT_ACCOUNTS,
        users=_default_users(leaver_date),
        sources=(
            Source("SD", "Sales and billing", "AR", False),
            Source("CR", "Cash receipts", "AR", False),
            Source("AP", "Vendor invoices", "AP", False),
            Source("CD", "Cash disbursements", "AP", False),
            Source("INV", "Inventory and production", "Inventory", False),
            Source("PR", "Payroll interface", "Payroll", False),
            Source("FA", "Fixed-asset depreciation run", "Fixed assets", False),
            Source("BANK", "Bank statement import", "Treasury", False),
            Source("GJ", "General journal", "General ledger", True),
            Source("TOPSIDE", "Top-side adjustment", "Consolidation", True),
        ),
        templates=_default_templates(),
        recurring=_default_recurring(),
        controller="MCHEN",
        cfo="WBENNETT",
        customers=_zipf("C", 400),
        vendors=_zipf("V", 600),
        cost_centres=("CC100", "CC200", "CC300", "CC400"),
        expense_cost_centres=(("CC100", 0.4), ("CC200", 0.25), ("CC300", 0.25), ("CC400", 0.1)),
    )
