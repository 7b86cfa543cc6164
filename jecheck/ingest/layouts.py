"""Known extract layouts, as data: which source columns fill which canonical column.

A layout maps *targets* to alias lists. Targets are the canonical `lines` columns plus a few helper
targets that ingest combines: `debit`/`credit` (amount = debit - credit), `dc_indicator` (signs an
unsigned amount), `txn_debit`/`txn_credit`, `entered_time` (joined to the `entered_at` date), and
`reversing_flag`/`reversed_flag` (set `reversal_indicator`). An alias is a column name, or a tuple
of names whose values are joined (SAP: BUKRS-BELNR-GJAHR). Names match ignoring case, spaces,
underscores and punctuation, so `JE_Header_ Description` matches `JE_Header_Description`.
The first alias present wins. Detection scores every layout (see mapping.py); the highest that
finds every required column is used.
"""

from __future__ import annotations

import functools
import re
from dataclasses import dataclass, field

from ..schema import CONTEXT_TABLES, LINE_COLUMNS

Alias = str | tuple[str, ...]

# Helper targets and their kind (canonical columns take their kind from the schema).
HELPER_KINDS: dict[str, str] = {
    "debit": "amount",
    "credit": "amount",
    "dc_indicator": "text",
    "txn_debit": "amount",
    "txn_credit": "amount",
    "entered_time": "time",
    "reversing_flag": "flag",
    "reversed_flag": "flag",
}

DEBIT_CODES = ("D", "S", "DR", "DEBIT", "+")
CREDIT_CODES = ("C", "H", "CR", "CREDIT", "-")

# Boolean cell values (compared upper-case). Per-target extras below.
TRUE_CODES = ("1", "Y", "YES", "TRUE", "T", "X")
FALSE_CODES = ("0", "N", "NO", "FALSE", "F")
BOOLEAN_EXTRAS: dict[str, tuple[tuple[str, ...], tuple[str, ...]]] = {
    "is_manual": (("M", "MANUAL"), ("S", "SYSTEM", "A", "AUTO", "AUTOMATIC", "AUTOMATED")),
    "active": (("A", "ACTIVE", "ENABLED"), ("I", "INACTIVE", "DISABLED", "LOCKED", "TERMINATED")),
}

# SAP transaction codes of entries keyed in by a person (FI general ledger, AP/AR invoices, parking).
SAP_MANUAL_TCODES = (
    "FB01", "FB01L", "FB50", "FB50L", "FBS1", "FB41", "F-02", "F-04", "F-22", "F-43", "FB60", "FB65",
    "FB70", "FB75", "FV50", "FV60", "FV70", "FBV0", "FBV1", "FBB1",
)

# SAP pads numeric keys with zeros internally (0100000001) and shows them without (100000001);
# exports and spreadsheets disagree, so ids and accounts are kept in the unpadded, displayed form.
SAP_ALPHA_COLUMNS = ("BELNR", "STBLG", "HKONT", "SAKNR", "RACCT", "LIFNR", "KUNNR", "AWKEY")

SEGMENTS_ADS = {f"segment{i}": (f"Segment0{i}", f"Segment{i}") for i in range(1, 6)}


@dataclass(frozen=True)
class Layout:
    name: str
    title: str
    columns: dict[str, tuple[Alias, ...]]
    signature: tuple[str, ...] = ()  # distinctive column names: each found adds to the score
    requires: tuple[str, ...] = ()  # targets that must be found for this layout to apply
    date_order: str = "MDY"  # how to read ambiguous dd/mm dates when the data cannot tell
    dc_codes: tuple[tuple[str, ...], tuple[str, ...]] = (DEBIT_CODES, CREDIT_CODES)
    manual_codes: tuple[str, ...] = ()  # is_manual = value is one of these; empty = read yes/no values
    value_maps: dict[str, dict[str, str]] = field(default_factory=dict)
    join_with: dict[str, str] = field(default_factory=dict)  # target -> separator for joined aliases ('-')
    partial_joins: tuple[str, ...] = ()  # targets whose joined aliases skip empty parts (else empty = NULL)
    unpadded: tuple[str, ...] = ()  # source columns whose numeric values lose their leading zeros (SAP ALPHA)
    rows: str = "flat"  # flat | qb_desktop | qbo_journal: how lines sit among heading/total rows
    files: int = 1  # 2 = a header file and a lines file (SAP BKPF + BSEG)


def norm(name: str) -> str:
    """Column-name key: lower case, letters, digits and '#' only."""
    return re.sub(r"[^0-9a-z#]", "", name.lower())


def _canonical_identity() -> dict[str, tuple[Alias, ...]]:
    return {c.name: (c.name,) for c in LINE_COLUMNS if c.name not in ("source_row", "source_file")}


ADS_COLUMNS: dict[str, tuple[Alias, ...]] = {
    "journal_id": ("Journal_ID",),
    "line_no": ("Journal_ID_Line_Number", "JE_Line_Number"),
    "header_description": ("JE_Header_Description",),
    "line_description": ("JE_Line_Description",),
    "source": ("Source",),
    "entity": ("Business_Unit_Code",),
    "fiscal_year": ("Fiscal_Year",),
    "period": ("Period",),
    "effective_date": ("Effective_Date",),
    "document_date": ("Document_Date",),
    "entered_at": ("Entered_Date",),
    "entered_time": ("Entered_Time",),
    "entered_by": ("Entered_By",),
    "approved_by": ("Approved_By",),
    "approved_at": ("Approved_Date",),
    "modified_by": ("Last_Modified_By",),
    "modified_at": ("Last_Modified_Date",),
    "account": ("GL_Account_Number",),
    "account_name": ("GL_Account_Name",),
    "amount": ("Amount",),
    "currency": ("Amount_Currency",),
    "txn_amount": ("Transaction_Amount",),
    "txn_currency": ("Transaction_Amount_Currency", "Transaction_Currency"),
    "reversal_indicator": ("Reversal_Indicator",),
    "reversal_journal_id": ("Reversal_Journal_ID",),
    **SEGMENTS_ADS,
}
ADS_SIGNATURE = (
    "Journal_ID_Line_Number", "GL_Account_Number", "JE_Header_Description", "JE_Line_Description",
    "Business_Unit_Code", "Entered_By", "Amount_Currency",
)

LEDGER_LAYOUTS: tuple[Layout, ...] = (
    Layout(
        name="jecheck",
        title="jecheck canonical columns",
        columns=_canonical_identity(),
        signature=("journal_id", "effective_date", "entered_at", "line_description", "header_description"),
    ),
    Layout(
        name="ads_flat",
        title="AICPA Audit Data Standard GL_Detail (flat file: unsigned Amount + C/D indicator)",
        columns={**ADS_COLUMNS, "dc_indicator": ("Amount_Credit_Debit_Indicator",)},
        signature=ADS_SIGNATURE + ("Amount_Credit_Debit_Indicator",),
        requires=("dc_indicator",),
    ),
    Layout(
        name="ads_api",
        title="AICPA Audit Data Standard GL_Detail (API: signed Amount)",
        columns=ADS_COLUMNS,
        signature=ADS_SIGNATURE,
    ),
    Layout(
        name="sap_bkpf_bseg",
        title="SAP BKPF (document headers) + BSEG (lines), joined on BUKRS, BELNR, GJAHR",
        columns={
            "journal_id": (("BUKRS", "BELNR", "GJAHR"),),
            "line_no": ("BUZEI",),
            "entity": ("BUKRS",),
            "fiscal_year": ("GJAHR",),
            "period": ("MONAT",),
            "effective_date": ("BUDAT",),
            "document_date": ("BLDAT",),
            "entered_at": ("CPUDT",),
            "entered_time": ("CPUTM",),
            "entered_by": ("USNAM",),
            "header_description": ("BKTXT",),
            "line_description": ("SGTXT",),
            "source": ("BLART",),
            "is_manual": ("TCODE",),
            "account": ("HKONT", "SAKNR"),
            "amount": ("DMBTR",),
            "dc_indicator": ("SHKZG",),
            "currency": ("HWAER",),
            "txn_amount": ("WRBTR",),
            "txn_currency": ("WAERS",),
            "reversal_indicator": ("XREVERSAL",),
            "reversal_journal_id": (("BUKRS", "STBLG", "STJAH"),),
            "posting_status": ("BSTAT",),
            "segment1": ("KOSTL",),
            "segment2": ("PRCTR",),
            "segment3": ("BSCHL",),
            "segment4": ("LIFNR",),
            "segment5": ("KUNNR",),
        },
        signature=("BUKRS", "BELNR", "GJAHR", "BUZEI", "SHKZG", "HKONT", "DMBTR", "BLART", "BUDAT", "USNAM"),
        requires=("dc_indicator",),
        date_order="DMY",
        manual_codes=SAP_MANUAL_TCODES,
        value_maps={"reversal_indicator": {"1": "2", "2": "1"}},  # SAP: 1 = has been reversed
        unpadded=SAP_ALPHA_COLUMNS,
        files=2,
    ),
    Layout(
        name="sap_acdoca",
        title="SAP S/4HANA universal journal (ACDOCA)",
        columns={
            "journal_id": (("RBUKRS", "BELNR", "GJAHR"),),
            "line_no": ("DOCLN", "BUZEI"),
            "entity": ("RBUKRS",),
            "fiscal_year": ("GJAHR", "RYEAR"),
            "period": ("POPER",),
            "effective_date": ("BUDAT",),
            "document_date": ("BLDAT",),
            "entered_at": ("CPUDT", "TIMESTAMP"),
            "entered_time": ("CPUTM",),
            "entered_by": ("USNAM",),
            "header_description": ("BKTXT",),
            "line_description": ("SGTXT",),
            "source": ("BLART",),
            "account": ("RACCT",),
            "amount": ("HSL",),
            "currency": ("RHCUR",),
            "txn_amount": ("TSL",),
            "txn_currency": ("RTCUR",),
            "reversing_flag": ("XREVERSING",),
            "reversed_flag": ("XREVERSED",),
            "posting_status": ("BSTAT",),
            "segment1": ("RCNTR",),
            "segment2": ("PRCTR",),
            "segment3": ("BSCHL",),
            "segment4": ("LIFNR",),
            "segment5": ("KUNNR",),
        },
        signature=("RBUKRS", "RACCT", "HSL", "DOCLN", "POPER", "RLDNR", "DRCRK", "TSL"),
        date_order="DMY",
        unpadded=SAP_ALPHA_COLUMNS,
    ),
    Layout(
        name="oracle_gl",
        title="Oracle General Ledger (GL_JE_HEADERS + GL_JE_LINES export)",
        columns={
            "journal_id": ("JE_HEADER_ID",),
            "line_no": ("JE_LINE_NUM",),
            "header_description": ("HEADER_DESCRIPTION", "JE_HEADER_DESCRIPTION", "JE_NAME", "NAME"),
            "line_description": ("LINE_DESCRIPTION", "JE_LINE_DESCRIPTION", "DESCRIPTION"),
            "source": ("JE_SOURCE", "USER_JE_SOURCE_NAME"),
            "is_manual": ("JE_SOURCE", "USER_JE_SOURCE_NAME"),
            "period": ("PERIOD_NAME",),
            "entity": ("LEDGER_NAME", "LEDGER_ID"),
            "effective_date": ("EFFECTIVE_DATE", "DEFAULT_EFFECTIVE_DATE", "ACCOUNTING_DATE"),
            "entered_at": ("CREATION_DATE",),
            "entered_by": ("CREATED_BY",),
            "modified_by": ("LAST_UPDATED_BY",),
            "modified_at": ("LAST_UPDATE_DATE",),
            "posting_status": ("STATUS",),
            "account": ("CONCATENATED_SEGMENTS", "ACCOUNT", "GL_ACCOUNT", "CODE_COMBINATION_ID"),
            "debit": ("ACCOUNTED_DR",),
            "credit": ("ACCOUNTED_CR",),
            "txn_debit": ("ENTERED_DR",),
            "txn_credit": ("ENTERED_CR",),
            "currency": ("LEDGER_CURRENCY", "FUNCTIONAL_CURRENCY_CODE"),
            "txn_currency": ("CURRENCY_CODE",),
            "reversal_journal_id": ("REVERSED_JE_HEADER_ID", "ACCRUAL_REV_JE_HEADER_ID"),
            "reversing_flag": ("REVERSED_JE_HEADER_ID",),
            "reversed_flag": ("ACCRUAL_REV_JE_HEADER_ID",),
            **{f"segment{i}": (f"SEGMENT{i}",) for i in range(1, 6)},
        },
        signature=("JE_HEADER_ID", "JE_LINE_NUM", "ACCOUNTED_DR", "ACCOUNTED_CR", "ENTERED_DR", "PERIOD_NAME",
                   "JE_SOURCE", "JE_CATEGORY"),
        manual_codes=("MANUAL", "SPREADSHEET", "ADI"),
    ),
    Layout(
        name="dynamics_365",
        title="Microsoft Dynamics 365 Finance general journal account entries",
        columns={
            "journal_id": ("SubledgerVoucher", "Voucher", "JournalNumber"),
            "effective_date": ("AccountingDate",),
            "document_date": ("DocumentDate",),
            "period": ("FiscalCalendarPeriod",),
            "fiscal_year": ("FiscalCalendarYear",),
            "source": ("JournalCategory", "PostingType"),
            "account": ("LedgerAccount", "MainAccount"),
            "amount": ("AccountingCurrencyAmount",),
            "currency": ("AccountingCurrency", "AccountingCurrencyCode"),
            "txn_amount": ("TransactionCurrencyAmount",),
            "txn_currency": ("TransactionCurrencyCode",),
            "entered_by": ("CreatedBy",),
            "entered_at": ("CreatedDateTime",),
            "approved_by": ("Approver", "ApprovedBy"),
            "line_description": ("Text", "Description"),
            "entity": ("LegalEntity", "DataAreaId", "Company"),
        },
        signature=("SubledgerVoucher", "AccountingDate", "LedgerAccount", "AccountingCurrencyAmount",
                   "JournalCategory", "FiscalCalendarPeriod", "TransactionCurrencyAmount"),
    ),
    Layout(
        name="netsuite",
        title="NetSuite transaction saved search",
        columns={
            "journal_id": ("Internal ID", "Document Number"),
            "line_no": ("Line ID", "Line"),
            "effective_date": ("Date",),
            "period": ("Period",),
            "source": ("Type",),
            "account": ("Account",),
            "line_description": ("Memo",),
            "header_description": ("Memo (Main)",),
            "amount": ("Amount",),
            "debit": ("Amount (Debit)",),
            "credit": ("Amount (Credit)",),
            "currency": ("Currency",),
            "entity": ("Subsidiary",),
            "segment1": ("Department",),
            "segment2": ("Class",),
            "segment3": ("Location",),
            "entered_at": ("Date Created",),
            "entered_by": ("Created By",),
            "approved_by": ("Approved By",),
        },
        signature=("Internal ID", "Document Number", "Amount (Debit)", "Amount (Credit)", "Memo (Main)",
                   "Subsidiary", "Date Created"),
    ),
    Layout(
        name="xero",
        title="Xero journals",
        columns={
            "journal_id": ("JournalNumber", "JournalID"),
            "effective_date": ("JournalDate",),
            "entered_at": ("CreatedDateUTC",),
            "header_description": ("Reference",),
            "line_description": ("Description",),
            "source": ("SourceType",),
            "is_manual": ("SourceType",),
            "account": ("AccountCode",),
            "account_name": ("AccountName",),
            "account_type": ("AccountType",),
            "amount": ("NetAmount",),
        },
        signature=("JournalNumber", "JournalDate", "CreatedDateUTC", "SourceType", "NetAmount", "AccountCode"),
        date_order="DMY",
        manual_codes=("MANJOURNAL",),
    ),
    Layout(
        name="quickbooks_desktop",
        title="QuickBooks Desktop general ledger report (account in heading rows)",
        columns={
            "journal_id": ("Trans #", ("Type", "Num", "Date")),
            "account": ("column_1",),  # the unnamed first column: account headings
            "effective_date": ("Date",),
            "source": ("Type",),
            "line_description": ("Memo",),
            "segment4": ("Name",),
            "amount": ("Amount",),
            "debit": ("Debit",),
            "credit": ("Credit",),
            "entered_by": ("Entered/Last Modified By", "Created By"),
        },
        signature=("Type", "Num", "Split", "Balance", "Memo", "Name"),
        partial_joins=("journal_id",),
        rows="qb_desktop",
    ),
    Layout(
        name="quickbooks_online",
        title="QuickBooks Online journal report (transaction details on each entry's first row)",
        columns={
            "journal_id": (("Transaction Type", "Num", "Date"),),
            "effective_date": ("Date",),
            "source": ("Transaction Type",),
            "line_description": ("Memo/Description", "Memo", "Description"),
            "segment4": ("Name",),
            "account": ("Account", "Account #"),
            "debit": ("Debit",),
            "credit": ("Credit",),
        },
        signature=("Transaction Type", "Num", "Memo/Description", "Name", "Debit", "Credit"),
        rows="qbo_journal",
    ),
    Layout(
        name="sage_300",
        title="Sage 300 posted journal details (GLPOST)",
        columns={
            "journal_id": (("BatchNbr", "EntryNbr"),),
            "line_no": ("TransNbr",),
            "account": ("AcctId",),
            "fiscal_year": ("FiscalYr",),
            "period": ("FiscalPerd",),
            "effective_date": ("JrnlDate",),
            "document_date": ("DocDate",),
            "entered_at": ("AudtDate",),
            "entered_time": ("AudtTime",),
            "entered_by": ("AudtUser",),
            "source": (("SrceLedger", "SrceType"),),
            "line_description": ("JnlDtlDesc",),
            "amount": ("TransAmt", "HomeAmt"),
            "currency": ("HcurnCode",),
            "txn_amount": ("ScurnAmt",),
            "txn_currency": ("ScurnCode",),
        },
        signature=("AudtDate", "AudtUser", "AcctId", "FiscalPerd", "BatchNbr", "EntryNbr", "SrceLedger",
                   "JrnlDate", "JnlDtlDesc"),
    ),
    Layout(
        name="je_testing",
        title="Common journal-entry-testing layout (JEEntryKey, EffectiveDate, PreparerID, Debit, Credit...)",
        columns={
            "journal_id": ("JEEntryKey", "JENumber", "JEIdentifier", "JEID"),
            "line_no": ("JELineNumber", "JELineNo", "LineNumber"),
            "account": ("GLAccountNumber", "AccountNumber"),
            "account_name": ("GLAccountName", "AccountName"),
            "account_type": ("AccountType",),
            "effective_date": ("EffectiveDate",),
            "entered_at": ("EntryDate",),
            "entered_time": ("EntryTime",),
            "entered_by": ("PreparerID", "Preparer"),
            "approved_by": ("ApproverID", "Approver"),
            "approved_at": ("ApprovalDate",),
            "period": ("Period",),
            "fiscal_year": ("FiscalYear",),
            "source": ("Source",),
            "entity": ("BusinessUnit",),
            "header_description": ("JEDescription",),
            "line_description": ("JELineDescription", "LineDescription"),
            "debit": ("Debit",),
            "credit": ("Credit",),
            "amount": ("Amount",),
            "currency": ("Currency",),
            "is_manual": ("SysManInd", "ManualIndicator"),
        },
        signature=("JEEntryKey", "JENumber", "GLAccountNumber", "PreparerID", "SysManInd", "EntryDate",
                   "JEDescription"),
    ),
    Layout(
        name="generic",
        title="Common column names (no specific system recognised)",
        columns={
            "journal_id": ("Journal ID", "Journal", "Journal No", "Journal Number", "JE Number", "Entry No",
                           "Entry Number", "Entry ID", "Document No", "Document Number", "Doc No", "Voucher",
                           "Voucher No", "Transaction ID", "Transaction No"),
            "line_no": ("Line", "Line No", "Line Number", "Line ID"),
            "account": ("Account", "Account No", "Account Number", "Account Code", "GL Account", "GL Code",
                        "Acct", "Nominal Code", "Ledger Account"),
            "account_name": ("Account Name", "Account Description"),
            "effective_date": ("Effective Date", "Posting Date", "Posted Date", "GL Date", "Accounting Date",
                               "Transaction Date", "Journal Date", "Date"),
            "document_date": ("Document Date", "Doc Date", "Invoice Date"),
            "entered_at": ("Entered Date", "Entry Date", "Created Date", "Creation Date", "Date Created",
                           "Created At", "Created On", "Input Date"),
            "entered_time": ("Entered Time", "Entry Time", "Created Time", "Time"),
            "entered_by": ("Entered By", "Created By", "Preparer", "Prepared By", "User", "User ID", "Posted By"),
            "approved_by": ("Approved By", "Approver"),
            "approved_at": ("Approved Date", "Approval Date", "Approved At", "Approved On"),
            "modified_by": ("Modified By", "Last Modified By", "Changed By"),
            "modified_at": ("Modified Date", "Last Modified Date", "Changed On"),
            "header_description": ("Header Description", "Journal Description", "Entry Description", "Narrative"),
            "line_description": ("Line Description", "Description", "Memo", "Text", "Narration", "Details"),
            "source": ("Source", "Source Code", "Journal Type", "Document Type", "Transaction Type", "Type"),
            "entity": ("Entity", "Company", "Company Code", "Business Unit", "Subsidiary"),
            "fiscal_year": ("Fiscal Year", "Year", "FY"),
            "period": ("Period", "Fiscal Period", "Accounting Period"),
            "currency": ("Currency", "Currency Code"),
            "amount": ("Amount", "Net Amount", "Value", "Signed Amount"),
            "debit": ("Debit", "Debit Amount", "Dr", "Debits"),
            "credit": ("Credit", "Credit Amount", "Cr", "Credits"),
            "dc_indicator": ("DC", "D/C", "Debit/Credit", "Dr/Cr", "DC Indicator", "Debit Credit Indicator"),
            "is_manual": ("Manual", "Is Manual", "Manual Flag"),
            "posting_status": ("Status", "Posting Status"),
        },
    ),
)

LEDGER_LAYOUTS_BY_NAME = {layout.name: layout for layout in LEDGER_LAYOUTS}

# Context files: one layout each, the ADS names first, then common alternatives.
CONTEXT_LAYOUTS: dict[str, Layout] = {
    "coa": Layout(
        name="chart_of_accounts",
        title="chart of accounts (ADS Chart_Of_Accounts or similar)",
        columns={
            "account": ("GL_Account_Number", "Account", "Account_Number", "Account_No", "Account_Code", "AcctId",
                        "GL_Account", "RACCT", "SAKNR"),
            "name": ("GL_Account_Name", "Account_Name", "Name", "Title"),
            "type": ("Account_Type", "Type", "Account_Class", "Category"),
            "subtype": ("Account_Subtype", "Subtype", "Sub_Type", "Detail_Type"),
            "fs_caption": ("FS_Caption", "Financial_Statement_Caption", "Caption", "FS_Line"),
            "parent_account": ("Parent_GL_Account_Number", "Parent_Account", "Parent"),
            "entity": ("Business_Unit_Code", "Entity", "Company"),
        },
    ),
    "users": Layout(
        name="user_listing",
        title="user listing (ADS User_Listing or similar)",
        columns={
            "user_id": ("User_ID", "UserID", "User", "Username", "User_Name", "Login", "USNAM", "BNAME"),
            "name": (("First_Name", "Last_Name"), "Full_Name", "Name", "Display_Name"),
            "title": ("Title", "Job_Title"),
            "department": ("Department", "Dept"),
            "role": ("Role_Responsibility", "Role", "Responsibility"),
            "active": ("User_Active_Status", "Active", "Is_Active", "Status", "Active_Flag"),
            "active_modified_at": ("User_Active_Modified_Date", "Status_Changed", "Active_Modified_Date"),
            "can_approve": ("Approval_Rights", "Can_Approve", "Approver", "Approval_Authority", "Approves"),
            "approval_limit": ("Approval_Limit", "Limit", "Approval_Amount_Limit"),
        },
        join_with={"name": " "},
        partial_joins=("name",),
    ),
    "calendar": Layout(
        name="close_calendar",
        title="close calendar",
        columns={
            "period": ("Period", "Period_Name", "Fiscal_Period", "Period_Key"),
            "fiscal_year": ("Fiscal_Year", "Year"),
            "period_start": ("Period_Start", "Start_Date", "Period_Start_Date", "From_Date", "Start"),
            "period_end": ("Period_End", "End_Date", "Period_End_Date", "To_Date", "End"),
            "closed_at": ("Closed_At", "Close_Date", "Closed_Date", "Closed_On", "Locked_At", "Lock_Date"),
            "is_adjustment": ("Is_Adjustment", "Adjustment", "Adjustment_Period"),
        },
    ),
    "sources": Layout(
        name="source_listing",
        title="source listing (ADS Source_Listing or similar)",
        columns={
            "source": ("Source", "Source_Code", "Journal_Source"),
            "description": ("Source_Description", "Description"),
            "module": ("ERP_Subledger_Module", "Module", "Subledger"),
            "is_manual": ("System_Manual_Identifier", "Is_Manual", "Manual", "Manual_Flag"),
        },
    ),
    "tb": Layout(
        name="trial_balance",
        title="trial balance (ADS Trial_Balance or similar)",
        columns={
            "account": ("GL_Account_Number", "Account", "Account_Number", "Account_Code"),
            "entity": ("Business_Unit_Code", "Entity", "Company"),
            "fiscal_year": ("Fiscal_Year", "Year"),
            "period": ("Period",),
            "balance_as_of": ("Balance_As_Of_Date", "As_Of_Date", "Balance_Date"),
            "beginning": ("Amount_Beginning", "Beginning_Balance", "Opening_Balance", "Beginning"),
            "ending": ("Amount_Ending", "Ending_Balance", "Closing_Balance", "Ending"),
            "currency": ("Amount_Currency", "Currency"),
        },
    ),
    "control_totals": Layout(
        name="control_totals",
        title="system control totals per journal and side (log file)",
        columns={
            "journal_id": ("Journal_ID", "Journal", "Document"),
            "dc_indicator": ("Amount_Credit_Debit_Indicator", "DC_Indicator", "Indicator", "DC", "SHKZG"),
            "total": ("Total", "Amount", "Control_Total"),
            "entered_at": ("Entered_Date", "Entered_At"),
            "entered_time": ("Entered_Time",),
        },
    ),
}

CONTEXT_OPTION = {"coa": "--coa", "users": "--users", "calendar": "--calendar", "sources": "--source-listing",
                  "tb": "--tb", "control_totals": "--control-totals"}


def target_kind(target: str, context: str | None = None) -> str:
    """The value kind of a target: text, amount, date, timestamp, integer, boolean, time or flag."""
    if target in HELPER_KINDS and not (context and target in {c.name for c in CONTEXT_TABLES[context]}):
        return HELPER_KINDS[target]
    columns = CONTEXT_TABLES[context] if context else LINE_COLUMNS
    return next(c.kind for c in columns if c.name == target)


@functools.cache
def all_known_names() -> frozenset[str]:
    """Every alias of every layout, normalized: what a header row looks like."""
    names: set[str] = set()
    for layout in (*LEDGER_LAYOUTS, *CONTEXT_LAYOUTS.values()):
        for aliases in layout.columns.values():
            for alias in aliases:
                names.update(norm(a) for a in ((alias,) if isinstance(alias, str) else alias))
    return frozenset(names)
