"""Inline SVG charts for report.html, drawn from the summary figures; no script and no external asset.

Every label that can come from the ledger (user names, period labels) is escaped. Colours come from
the page's stylesheet through class names, so the charts match the page and print well.
"""

from __future__ import annotations

import math
from html import escape

from .summary import Benford, PeriodEndWindow, ScoreHistogram

SEVERITY_CLASSES = (("high", "sev-high"), ("medium", "sev-medium"), ("low", "sev-low"))  # info never flags


def _e(value) -> str:
    return escape(str(value), quote=True)


def _num(value: float) -> str:
    return f"{value:.1f}".rstrip("0").rstrip(".")


def _nice_step(value: float) -> float:
    """The smallest 1, 2 or 5 x 10^k at or above `value`."""
    if value <= 0:
        return 1.0
    power = 10 ** math.floor(math.log10(value))
    return next(m * power for m in (1, 2, 5, 10) if m * power >= value * (1 - 1e-9))


def _axis(value: float, whole: bool = True) -> tuple[float, float]:
    """A tidy axis for data up to `value`: (top, step) with at most five steps; whole numbers for counts."""
    step = _nice_step(value / 4)
    if whole:
        step = max(step, 1.0)
    return step * max(math.ceil(value / step - 1e-9), 1), step


class _Svg:
    """A small SVG builder: shapes and escaped text, serialized with a title for screen readers."""

    def __init__(self, width: int, height: int, title: str) -> None:
        self.width, self.height, self.title = width, height, title
        self.parts: list[str] = []

    def rect(self, x: float, y: float, w: float, h: float, cls: str, tip: str | None = None) -> None:
        tip_el = f"<title>{_e(tip)}</title>" if tip else ""
        self.parts.append(f'<rect x="{_num(x)}" y="{_num(y)}" width="{_num(max(w, 0))}" height="{_num(max(h, 0))}" '
                          f'class="{cls}">{tip_el}</rect>')

    def line(self, x1: float, y1: float, x2: float, y2: float, cls: str) -> None:
        self.parts.append(f'<line x1="{_num(x1)}" y1="{_num(y1)}" x2="{_num(x2)}" y2="{_num(y2)}" class="{cls}"/>')

    def polyline(self, points: list[tuple[float, float]], cls: str) -> None:
        coords = " ".join(f"{_num(x)},{_num(y)}" for x, y in points)
        self.parts.append(f'<polyline points="{coords}" class="{cls}"/>')

    def circle(self, x: float, y: float, r: float, cls: str, tip: str | None = None) -> None:
        tip_el = f"<title>{_e(tip)}</title>" if tip else ""
        self.parts.append(f'<circle cx="{_num(x)}" cy="{_num(y)}" r="{_num(r)}" class="{cls}">{tip_el}</circle>')

    def text(self, x: float, y: float, value, cls: str = "lbl", anchor: str = "start", rotate: int = 0) -> None:
        turn = f' transform="rotate({rotate} {_num(x)} {_num(y)})"' if rotate else ""
        self.parts.append(f'<text x="{_num(x)}" y="{_num(y)}" text-anchor="{anchor}" class="{cls}"{turn}>'
                          f"{_e(value)}</text>")

    def y_axis(self, left: float, top: float, bottom: float, right: float, axis: tuple[float, float],
               fmt=lambda v: f"{v:,.0f}") -> None:
        """Grid lines and labels every `step` up to `top` (axis = (top, step))."""
        top_value, step = axis
        steps = round(top_value / step)
        for i in range(steps + 1):
            y = bottom - (bottom - top) * i / steps
            self.line(left, y, right, y, "grid")
            self.text(left - 4, y + 3, fmt(step * i), "tick", "end")

    def render(self) -> str:
        return (f'<svg viewBox="0 0 {self.width} {self.height}" role="img" '
                f'class="chart" aria-label="{_e(self.title)}"><title>{_e(self.title)}</title>'
                + "".join(self.parts) + "</svg>")


def period_end_window(window: PeriodEndWindow, y_max: int) -> str:
    """Journals per day from `days` before to `days` after one period end; flagged journals in red."""
    w, h, left, top, bottom = 260, 150, 30, 22, 122
    svg = _Svg(w, h, f"Journals per effective date around the end of period {window.period}")
    svg.text(left, 14, f"{window.period} (ends {window.period_end})", "ttl")
    axis = _axis(y_max)
    top_value = axis[0]
    svg.y_axis(left, top, bottom, w - 6, axis)
    slot = (w - 6 - left) / len(window.offsets)
    scale = (bottom - top) / top_value
    for i, (offset, count, flagged) in enumerate(zip(window.offsets, window.journals, window.flagged)):
        x = left + i * slot + 1
        tip = f"day {offset:+d}: {count:,} journals, {flagged:,} with findings"
        svg.rect(x, bottom - count * scale, slot - 2, count * scale, "bar after" if offset > 0 else "bar", tip)
        svg.rect(x, bottom - flagged * scale, slot - 2, flagged * scale, "bar flagged", tip)
        if offset % 7 == 0 or offset in (window.offsets[0], window.offsets[-1]):
            svg.text(x + slot / 2 - 1, bottom + 12, f"{offset:+d}" if offset else "end", "tick", "middle")
    boundary = left + (window.offsets.index(0) + 1) * slot if 0 in window.offsets else None
    if boundary is not None:
        svg.line(boundary, top - 4, boundary, bottom, "cut")
    svg.text(left + (w - 6 - left) / 2, h - 4, "days from period end", "tick", "middle")
    return svg.render()


def benford(result: Benford) -> str:
    """Observed first-digit shares as bars, Benford's expected shares as a line, and the MAD band around it."""
    w, h, left, top, bottom, right = 560, 260, 44, 16, 220, 550
    svg = _Svg(w, h, "First digits of line amounts: observed against Benford's law")
    axis = _axis(max(max(result.observed), max(result.expected) + 0.012), whole=False)
    top_value = axis[0]
    svg.y_axis(left, top, bottom, right, axis, lambda v: f"{v:.0%}")
    slot = (right - left) / 9
    scale = (bottom - top) / top_value
    centre = [left + slot * (d + 0.5) for d in range(9)]
    for d, (obs, exp) in enumerate(zip(result.observed, result.expected)):
        band_low, band_high = max(exp - 0.012, 0), exp + 0.012
        svg.rect(centre[d] - slot * 0.45, bottom - band_high * scale, slot * 0.9, (band_high - band_low) * scale,
                 "band", f"digit {d + 1}: expected {exp:.1%} +/- 1.2 points")
        svg.rect(centre[d] - slot * 0.3, bottom - obs * scale, slot * 0.6, obs * scale, "bar",
                 f"digit {d + 1}: observed {obs:.1%}, expected {exp:.1%}")
        svg.text(centre[d], bottom + 14, d + 1, "tick", "middle")
    svg.polyline([(x, bottom - e * scale) for x, e in zip(centre, result.expected)], "expected")
    for x, e in zip(centre, result.expected):
        svg.circle(x, bottom - e * scale, 3, "expected-dot")
    svg.text(left + (right - left) / 2, h - 8, "first digit", "tick", "middle")
    return svg.render()


def score_histogram(hist: ScoreHistogram) -> str:
    """Anomaly scores in bins; the review list in red, also as a rug of ticks under the axis (a few dozen
    journals vanish in bins of thousands); the cut of the top journals by anomaly score as a dashed line."""
    w, h, left, top, bottom, right = 560, 270, 48, 16, 220, 550
    svg = _Svg(w, h, "Distribution of anomaly scores with the review cut")
    counts = [a + b for a, b in zip(hist.in_review, hist.others)]
    axis = _axis(max(counts, default=1))
    top_value = axis[0]
    svg.y_axis(left, top, bottom, right, axis)
    bins = len(counts)
    slot = (right - left) / bins
    scale = (bottom - top) / top_value
    span = (hist.high - hist.low) or 1.0

    def x_of(score: float) -> float:
        return left + (score - hist.low) / span * (right - left)

    for i, (inside, total) in enumerate(zip(hist.in_review, counts)):
        lo = hist.low + span * i / bins
        tip = f"scores {lo:.3f} to {lo + span / bins:.3f}: {total:,} journals, {inside:,} in the review list"
        svg.rect(left + i * slot + 0.5, bottom - total * scale, slot - 1, total * scale, "bar muted", tip)
        svg.rect(left + i * slot + 0.5, bottom - inside * scale, slot - 1, inside * scale, "bar flagged", tip)
    for score in hist.review_scores:
        svg.line(x_of(score), bottom + 3, x_of(score), bottom + 11, "rug")
    for i in range(0, bins + 1, max(bins // 5, 1)):
        svg.text(left + i * slot, bottom + 24, f"{hist.low + span * i / bins:.2f}", "tick", "middle")
    if hist.cut is not None:
        svg.line(x_of(hist.cut), top - 6, x_of(hist.cut), bottom, "cut")
        svg.text(min(x_of(hist.cut) + 4, right - 150), top + 4, f"top {hist.top:,} by anomaly score", "note")
    svg.text(left + (right - left) / 2, h - 6, "anomaly score (higher = more unusual)", "tick", "middle")
    return svg.render()


def user_bars(rows: list[dict]) -> str:
    """Preparers with the most flagged journals, as horizontal bars with 'flagged of total' labels."""
    row_h, left, right = 22, 190, 470
    w, h = 560, 24 + row_h * max(len(rows), 1)
    svg = _Svg(w, h, "Journals with findings by preparer")
    top_value = _axis(max((r["flagged"] for r in rows), default=1))[0]
    for i, row in enumerate(rows):
        y = 10 + i * row_h
        name = "(no user)" if row["user"] is None else str(row["user"])
        svg.text(left - 6, y + 14, name if len(name) <= 26 else name[:25] + "...", "lbl", "end")
        width = (right - left) * row["flagged"] / top_value
        share = row["flagged"] / row["journals"] if row["journals"] else 0
        svg.rect(left, y + 3, width, row_h - 6, "bar flagged",
                 f"{name}: {row['flagged']:,} of {row['journals']:,} journals have findings")
        svg.text(left + width + 4, y + 15, f"{row['flagged']:,} of {row['journals']:,} ({share:.0%})", "tick")
    return svg.render()


def period_bars(rows: list[dict]) -> str:
    """Flagged journals per period, stacked by their highest severity."""
    w, h, left, top, bottom, right = 560, 270, 44, 16, 210, 550
    svg = _Svg(w, h, "Journals with findings by period and highest severity")
    totals = [sum(r[s] for s, _ in SEVERITY_CLASSES) for r in rows]
    axis = _axis(max(totals, default=1) or 1)
    top_value = axis[0]
    svg.y_axis(left, top, bottom, right, axis)
    slot = (right - left) / max(len(rows), 1)
    bar = min(slot * 0.7, 36)
    scale = (bottom - top) / top_value
    every = max(1, math.ceil(len(rows) / 24))
    for i, row in enumerate(rows):
        base = bottom
        for severity, cls in reversed(SEVERITY_CLASSES):
            height = row[severity] * scale
            label = row["period"] or "(no period)"
            svg.rect(left + i * slot + (slot - bar) / 2, base - height, bar, height, f"bar {cls}",
                     f"{label}: {row[severity]:,} journals with a {severity} finding at most (of {row['journals']:,})")
            base -= height
        if i % every == 0:
            svg.text(left + i * slot + slot / 2, bottom + 8, row["period"] or "(none)", "tick", "end", rotate=-45)
    return svg.render()


def legend(items: list[tuple[str, str]]) -> str:
    """A small legend row: (css class, label) pairs."""
    spans = "".join(f'<span class="key"><svg viewBox="0 0 10 10" class="swatch" aria-hidden="true">'
                    f'<rect width="10" height="10" class="{cls}"/></svg>{_e(label)}</span>' for cls, label in items)
    return f'<div class="legend">{spans}</div>'
