"""report.html parsed back: sections, counts equal to findings.json, charts, no external URL, no live markup."""

from __future__ import annotations

import base64
import hashlib
import json
import re
from html.parser import HTMLParser

import pytest
from report_helpers import HOSTILE_USER, HYPERLINK, JUSTIFICATION, SCRIPT, build_result

from jecheck.report import write_findings_json, write_html_report
from jecheck.report.html import FINDINGS_PER_RULE


class Page(HTMLParser):
    """Elements with their attributes and ancestors, and the text, as a browser's parser sees them."""

    def __init__(self, text: str) -> None:
        super().__init__(convert_charrefs=True)
        self.elements: list[tuple[str, dict, tuple[str, ...]]] = []
        self.stack: list[tuple[str, dict]] = []
        self.texts: list[tuple[str, tuple]] = []
        self.feed(text)

    VOID = {"meta", "input", "br", "img", "link", "hr"}

    def handle_starttag(self, tag, attrs):
        attributes = dict(attrs)
        ancestors = tuple(a.get("id") or t for t, a in self.stack)
        self.elements.append((tag, attributes, ancestors))
        if tag not in self.VOID:
            self.stack.append((tag, attributes))

    def handle_startendtag(self, tag, attrs):
        self.elements.append((tag, dict(attrs), tuple(a.get("id") or t for t, a in self.stack)))

    def handle_endtag(self, tag):
        if any(t == tag for t, _ in self.stack):
            while self.stack.pop()[0] != tag:
                pass

    def handle_data(self, data):
        self.texts.append((data, tuple(a.get("id") or t for t, a in self.stack)))

    def by_id(self, element_id: str) -> dict:
        return next(a for _, a, _ in self.elements if a.get("id") == element_id)

    def inside(self, element_id: str, tag: str) -> list[dict]:
        return [a for t, a, anc in self.elements if t == tag and element_id in anc]

    def text(self) -> str:
        return "".join(t for t, _ in self.texts)


@pytest.fixture(scope="module")
def page(tmp_path_factory):
    out = tmp_path_factory.mktemp("html")
    result = build_result(journals=600, top=12)
    write_findings_json(result, out / "findings.json")
    write_html_report(result, out / "report.html")
    text = (out / "report.html").read_text(encoding="utf-8")
    return text, Page(text), json.loads((out / "findings.json").read_text())


def test_every_section_is_there(page):
    _, parsed, _ = page
    ids = {a.get("id") for t, a, _ in parsed.elements if t == "section"}
    assert {"summary", "completeness", "charts", "review", "findings", "rules", "provenance"} <= ids


def test_rule_sections_match_findings_json(page):
    _, parsed, findings = page
    sections = {a["data-rule"]: a for t, a, _ in parsed.elements if t == "section" and "data-rule" in a}
    listed = {f["rule_id"] for f in findings["findings"]}
    assert set(sections) == listed
    for rule in findings["rules"]:
        if rule["id"] in sections:
            total = sum(f["rule_id"] == rule["id"] for f in findings["findings"])
            assert int(sections[rule["id"]]["data-hits"]) == rule["hits"]
            assert int(sections[rule["id"]]["data-findings"]) == total
            rows = parsed.inside(f"findings-{rule['id']}", "tr")
            assert len(rows) - 1 == min(total, FINDINGS_PER_RULE)  # minus the header row


def test_review_list_matches_findings_json(page):
    _, parsed, findings = page
    rows = parsed.inside("review-table", "tr")[1:]
    assert len(rows) == len(findings["review"]) == 12
    assert int(parsed.by_id("review")["data-rows"]) == 12
    cells = [t for t, anc in parsed.texts if "review-table" in anc and anc[-1] == "td"]
    ranked = [r["journal_id"] for r in findings["review"]]
    assert [c for c in cells if c in ranked] == ranked  # in rank order


def test_skipped_rules_are_listed_with_their_reason(page):
    _, parsed, findings = page
    statuses = [a["data-status"] for t, a, anc in parsed.elements if t == "tr" and "rules-table" in anc
                and "data-status" in a]
    assert statuses.count("skipped") == sum(r["status"] == "skipped" for r in findings["rules"])
    assert "needs approved_by" in parsed.text()


def test_charts_are_inline_svg(page):
    _, parsed, _ = page
    for figure in ("chart-period-ends", "chart-benford", "chart-anomaly", "chart-users", "chart-periods"):
        svgs = parsed.inside(figure, "svg")
        assert svgs, figure
        assert parsed.inside(figure, "rect"), figure
    assert len(parsed.inside("chart-period-ends", "svg")) >= 3  # one panel per period end (Jan, Feb, Mar)


def test_no_external_reference_of_any_kind(page):
    text, parsed, _ = page
    for tag, attrs, _ in parsed.elements:
        for name in ("src", "href", "action", "data", "poster", "srcset", "xlink:href"):
            value = attrs.get(name)
            assert value is None or value.startswith("#"), (tag, name, value)
    assert not re.search(r"url\s*\(|@import", text, re.I)
    assert not [a for t, a, _ in parsed.elements if t in ("link", "img", "iframe", "object", "embed")]
    csp = next(a["content"] for t, a, _ in parsed.elements if t == "meta" and a.get("http-equiv"))
    assert "default-src 'none'" in csp


def test_csp_hashes_allow_exactly_the_page_own_style_and_script(page):
    text, parsed, _ = page
    csp = next(a["content"] for t, a, _ in parsed.elements if t == "meta" and a.get("http-equiv"))
    for tag in ("style", "script"):
        bodies = re.findall(rf"<{tag}>(.*?)</{tag}>", text, re.S)
        assert len(bodies) == 1, tag
        digest = base64.b64encode(hashlib.sha256(bodies[0].encode()).digest()).decode()
        assert f"{tag}-src 'sha256-{digest}'" in csp


def test_hostile_ledger_text_is_shown_as_text_never_as_markup(page):
    text, parsed, _ = page
    assert [t for t, _, _ in parsed.elements].count("script") == 1
    handlers = [(t, name) for t, a, _ in parsed.elements for name in a if name.lower().startswith("on")]
    assert handlers == []
    assert not [t for t, _, _ in parsed.elements if t in ("b", "i", "img")]  # planted tags stayed text
    shown = parsed.text()
    for planted in (SCRIPT, HOSTILE_USER, HYPERLINK, JUSTIFICATION):
        assert planted in shown  # visible to the reader, verbatim
    assert "&lt;script&gt;alert(&quot;x&quot;)&lt;/script&gt;" in text


def test_without_the_model_the_page_says_why(tmp_path):
    result = build_result(model=False)
    write_html_report(result, tmp_path / "report.html")
    parsed = Page((tmp_path / "report.html").read_text())
    assert "--no-model" in parsed.text()
    assert not [a for t, a, _ in parsed.elements if a.get("id") == "chart-anomaly"]


def test_scores_that_are_not_numbers_do_not_break_the_page(tmp_path):
    result = build_result()
    result.con.execute("UPDATE review SET anomaly_score = 'NaN'::DOUBLE WHERE rank <= 2")
    write_html_report(result, tmp_path / "report.html")
    parsed = Page((tmp_path / "report.html").read_text())
    assert parsed.inside("chart-anomaly", "rect")
