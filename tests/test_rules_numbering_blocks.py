"""INT-003 sorts only the edges of unbroken blocks of journal numbers; its findings must be those of
reading every journal in number order: here checked against that reading done in Python, on ledgers
mixing long runs, gaps at and inside block edges, repeated numbers, NULL entities and sources."""

from __future__ import annotations

import json
import random
from collections import defaultdict

import pytest

from jecheck.rules_engine import load_rules, run_rules

from engine_helpers import balanced, ledger


def numbered_journals(seed: int) -> list[dict]:
    """Journals `JE-<n>` whose numbers run in stretches of 1-80 with gaps and repeats between them."""
    rng = random.Random(seed)
    journals, number = [], rng.randint(0, 100)
    for _ in range(12):
        for _ in range(rng.randint(1, 80)):
            copies = 2 if rng.random() < 0.03 else 1
            for copy in range(copies):
                # a zero more leaves the id's pattern (JE-#) and number as they are
                journals.append({"id": f"JE-{number:0{6 + copy}d}", "number": number,
                                 "entity": rng.choice(["E1", "E1", None]), "source": rng.choice(["A", "B", None]),
                                 "date": rng.choice(["2024-05-31", "2025-05-31"])})
            number += 1
        number += rng.choice([1, 1, 2, 5, 31, 32, 33])
    return journals


def expected_problems(journals: list[dict]) -> dict[str, tuple[int, str | None, str]]:
    """Each flagged journal's (missing numbers, same number as, sequence), reading each sequence in number order."""
    sequences, source_starts = defaultdict(list), {}
    for j in journals:
        sequences[(j["entity"], j["date"][:4])].append(j)
        key = (j["entity"], j["source"], j["date"][:4])
        source_starts[key] = min(source_starts.get(key, j["number"]), j["number"])
    problems = {}
    for rows in sequences.values():
        rows.sort(key=lambda j: (j["number"], j["id"]))
        for previous, j in zip(rows, rows[1:]):
            sequence = f"sequence JE-# (entity {j['entity'] or '-'}, source {j['source'] or '-'}, year {j['date'][:4]})"
            if j["number"] == previous["number"]:
                problems[j["id"]] = (0, previous["id"], sequence)
            elif j["number"] - previous["number"] > 1 and j["number"] > source_starts[(j["entity"], j["source"], j["date"][:4])]:
                problems[j["id"]] = (j["number"] - previous["number"] - 1, None, sequence)
    return problems


@pytest.mark.parametrize("seed", range(4))
def test_numbering_gaps_and_repeats_match_a_full_reading_in_number_order(seed):
    journals = numbered_journals(seed)
    lines = [line for j in journals
             for line in balanced(j["id"], 10, j["date"], entity=j["entity"], source=j["source"])]
    con = ledger(lines)
    run_rules(con, [rule for rule in load_rules() if rule.id == "INT-003"])
    found = {journal_id: (evidence["missing_numbers"], evidence["same_number_as"], evidence["sequence"])
             for journal_id, evidence in (
                 (row[0], json.loads(row[1])) for row in con.execute(
                     "SELECT journal_id, evidence FROM findings WHERE rule_id = 'INT-003'").fetchall())}
    assert found == expected_problems(journals)
    assert found, "the ledger was meant to hold numbering problems"
