"""PPA-001 and PPA-002 read free text: a table of real-world descriptions, each run through the engine.

The inline cases in the rule files cover each branch once; these tables pin down the wording a reviewer
expects to be recognised (or ignored) in English, German, French and Spanish, so a change to a pattern
that breaks one of them fails here, naming the description.
"""

from __future__ import annotations

import datetime as dt

from jecheck.rules_engine import TestCase, load_rules, run_case

RULES = load_rules()


def table_case(name: str, table: list[tuple[str, dt.date, bool]], **line) -> tuple[TestCase, dict[str, str]]:
    """One ledger holding a balanced journal per table row (`J00`, `J01`...), header text as given."""
    rows, expected, names = [], {True: [], False: []}, {}
    for number, (description, effective, flagged) in enumerate(table):
        journal = f"J{number:02d}"
        names[journal] = f"{description!r} on {effective}"
        expected[flagged].append(journal)
        for account, amount in (("6000", 100), ("2000", -100)):
            rows.append({"journal_id": journal, "account": account, "amount": amount, "effective_date": effective,
                         "header_description": description, **line})
    return TestCase(name=name, given={"lines": rows}, flags=tuple(expected[True]),
                    passes=tuple(expected[False])), names


def check(rule_id: str, name: str, table: list[tuple[str, dt.date, bool]], **line) -> None:
    case, names = table_case(name, table, **line)
    result = run_case(RULES.get(rule_id), case)
    wrong = sorted(names[j] for j in names if (j in result.flagged) != (j in case.flags))
    assert result.passed, f"{rule_id} misjudged: {'; '.join(wrong) or result.problems}"


# (description, effective date, flagged?)
PRIOR_PERIOD_WORDING = [
    ("Prior period adjustment - freight", dt.date(2024, 5, 20), True),
    ("Prior-year accrual not booked", dt.date(2024, 5, 20), True),
    ("PY audit adjustment #4", dt.date(2024, 5, 20), True),
    ("Restatement of inventory costing", dt.date(2024, 5, 20), True),
    ("As previously reported: reclass", dt.date(2024, 5, 20), True),
    ("Out-of-period expense", dt.date(2024, 5, 20), True),
    ("Commission catch up", dt.date(2024, 5, 20), True),
    ("Retroactive price increase", dt.date(2024, 5, 20), True),
    ("Invoice omitted in March close", dt.date(2024, 5, 20), True),
    ("Korrektur Vorjahr Rückstellung", dt.date(2024, 5, 20), True),
    ("Rückwirkende Lohnerhöhung", dt.date(2024, 5, 20), True),
    ("Régularisation exercice précédent", dt.date(2024, 5, 20), True),
    ("Correction d'erreur sur stocks", dt.date(2024, 5, 20), True),
    ("Corrección de errores ejercicio 2023", dt.date(2024, 5, 20), True),
    ("Ajuste año anterior", dt.date(2024, 5, 20), True),
    ("Copy paper and toner", dt.date(2024, 5, 20), False),
    ("Happy hour catering", dt.date(2024, 5, 20), False),
    ("Python licence renewal", dt.date(2024, 5, 20), False),
    ("Monthly depreciation", dt.date(2024, 5, 20), False),
    ("Reversal of prior period accrual", dt.date(2024, 5, 3), False),
]


def test_prior_period_wording():
    check("PPA-001", "prior-period wording", PRIOR_PERIOD_WORDING)


NAMED_PERIODS = [
    # months with and without a year, in four languages
    ("Dec accrual", dt.date(2024, 3, 12), True),
    ("Dec accrual", dt.date(2024, 1, 5), False),
    ("Accrual December 2023", dt.date(2024, 2, 20), True),
    ("Rent Dec-23", dt.date(2024, 2, 20), True),
    ("Miete Dezember", dt.date(2024, 3, 12), True),
    ("Loyer décembre 2023", dt.date(2024, 3, 12), True),
    ("Alquiler diciembre", dt.date(2024, 3, 12), True),
    ("Rent March", dt.date(2024, 3, 5), False),
    ("Insurance Jul-Dec", dt.date(2024, 6, 10), False),
    ("Budget may be revised", dt.date(2024, 9, 20), False),
    ("MAY commissions", dt.date(2024, 9, 20), True),
    # quarters and fiscal years
    ("Labour costing Q1-Q3", dt.date(2024, 12, 20), True),
    ("Correction first three quarters", dt.date(2024, 12, 20), True),
    ("Q3 bonus", dt.date(2024, 9, 25), False),
    ("3. Quartal Provision", dt.date(2024, 12, 20), True),
    ("1er trimestre régularisation", dt.date(2024, 12, 20), True),
    ("FY2023 audit adjustment", dt.date(2024, 4, 15), True),
    ("FY24 budget reclass", dt.date(2024, 4, 15), False),
    ("2023 bonus true-up", dt.date(2024, 4, 15), True),
    # dates written in the text
    ("Accrual per 31.12.2023", dt.date(2024, 3, 10), True),
    ("Accrual 2023-12-31", dt.date(2024, 3, 10), True),
    ("Rent 12/2023", dt.date(2024, 3, 10), True),
    ("Settlement dated 03/04/2024", dt.date(2024, 3, 10), False),
    # numbers that are not periods
    ("Invoice 2019 services", dt.date(2024, 6, 15), False),
    ("PO 2021 steel", dt.date(2024, 6, 15), False),
    ("USD 2015 bank fee", dt.date(2024, 6, 15), False),
    ("AFB01200700301-0000000003", dt.date(2024, 6, 15), False),
    ("Telefon Einheiten", dt.date(2024, 6, 15), False),
]


def test_named_earlier_period():
    check("PPA-002", "named periods", NAMED_PERIODS)


def test_named_period_reversal_in_the_next_days_is_routine():
    check("PPA-002", "marked reversal", [("Dec bonus accrual", dt.date(2024, 1, 12), False)], reversal_indicator="1")
    check("PPA-002", "not a reversal", [("Dec bonus accrual", dt.date(2024, 1, 12), True)])
