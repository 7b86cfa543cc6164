"""report.html in real headless Chromium, driven over the DevTools protocol (a pipe, stdlib only).

The page must render, run its own script under its Content-Security-Policy, draw its charts, and ask the
network for nothing: every request the page makes is recorded by DevTools, and the only one allowed is
the file itself. Chromium's own background traffic is not the page's and is not recorded here; a proxy
that refuses everything stops any of it from leaving the machine.
"""

from __future__ import annotations

import base64
import fcntl
import json
import os
import shutil
import struct
import subprocess
import time
from pathlib import Path

import pytest
from report_helpers import SCRIPT, build_result

from jecheck.report import write_html_report

CHROMIUM = shutil.which("chromium") or ("/usr/bin/chromium" if Path("/usr/bin/chromium").exists() else None)
BASH = shutil.which("bash")
pytestmark = [
    pytest.mark.skipif(CHROMIUM is None,
                       reason="Chromium not installed (Debian: apt-get install chromium; .ci/run installs it)"),
    pytest.mark.skipif(BASH is None, reason="bash is needed to hand Chromium its DevTools pipe"),
]


class Browser:
    """Headless Chromium with one page, spoken to through --remote-debugging-pipe (fd 3 in, fd 4 out)."""

    def __init__(self, profile: Path) -> None:
        to_browser_r, self._to_browser = os.pipe()
        self._from_browser, from_browser_w = os.pipe()
        # Above 9, so that placing one end on 3 or 4 in the child cannot overwrite the other.
        to_browser_r, from_browser_w = (self._above_nine(fd) for fd in (to_browser_r, from_browser_w))
        flags = [
            "--headless", "--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run",
            "--disable-background-networking", "--disable-component-update", "--disable-sync",
            f"--user-data-dir={profile}", "--proxy-server=127.0.0.1:9", "--proxy-bypass-list=<-loopback>",
            "--remote-debugging-pipe", "--hide-scrollbars", "about:blank",
        ]
        # bash (dash cannot name descriptors above 9) puts the pipe ends on the descriptors Chromium
        # expects, then becomes Chromium.
        wire = f'exec "$0" "$@" 3<&{to_browser_r} 4>&{from_browser_w}'
        self.process = subprocess.Popen([BASH, "-c", wire, CHROMIUM, *flags],
                                        pass_fds=(to_browser_r, from_browser_w),
                                        stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
        os.close(to_browser_r)
        os.close(from_browser_w)
        self._buffer = b""
        self._next_id = 0
        self.events: list[dict] = []
        target = self.call("Target.createTarget", url="about:blank")["targetId"]
        self.session = self.call("Target.attachToTarget", targetId=target, flatten=True)["sessionId"]

    @staticmethod
    def _above_nine(fd: int) -> int:
        moved = fcntl.fcntl(fd, fcntl.F_DUPFD, 10)
        os.close(fd)
        return moved

    def call(self, method: str, session: str | None = None, **params) -> dict:
        """Send one command and wait for its answer; events that arrive meanwhile are kept in `events`."""
        self._next_id += 1
        message = {"id": self._next_id, "method": method, "params": params}
        if session:
            message["sessionId"] = session
        os.write(self._to_browser, json.dumps(message).encode() + b"\0")
        while True:
            reply = self._read()
            if reply.get("id") == self._next_id:
                assert "error" not in reply, reply
                return reply.get("result", {})
            self.events.append(reply)

    def page(self, method: str, **params) -> dict:
        return self.call(method, self.session, **params)

    def wait_for(self, method: str, timeout: float = 60) -> None:
        deadline = time.monotonic() + timeout
        while not any(e.get("method") == method for e in self.events):
            assert time.monotonic() < deadline, f"no {method} within {timeout} s"
            self.events.append(self._read())

    def evaluate(self, expression: str):
        return self.page("Runtime.evaluate", expression=expression, returnByValue=True)["result"].get("value")

    def _read(self) -> dict:
        while b"\0" not in self._buffer:
            chunk = os.read(self._from_browser, 1 << 16)
            assert chunk, "Chromium closed the DevTools pipe"
            self._buffer += chunk
        message, self._buffer = self._buffer.split(b"\0", 1)
        return json.loads(message)

    def close(self) -> None:
        try:
            self.call("Browser.close")
        except (AssertionError, OSError):
            pass
        try:
            self.process.wait(timeout=20)
        except subprocess.TimeoutExpired:
            self.process.kill()
        os.close(self._to_browser)
        os.close(self._from_browser)


@pytest.fixture(scope="module")
def loaded(tmp_path_factory):
    """The report opened in Chromium at 1280 px wide, with every request the page made."""
    out = tmp_path_factory.mktemp("browser")
    report = write_html_report(build_result(journals=600, top=15), out / "report.html")
    browser = Browser(out / "profile")
    try:
        browser.page("Network.enable")
        browser.page("Page.enable")
        browser.page("Emulation.setDeviceMetricsOverride", width=1280, height=2000, deviceScaleFactor=1,
                     mobile=False)
        browser.page("Page.navigate", url=report.as_uri())
        browser.wait_for("Page.loadEventFired")
        yield browser, report
    finally:
        browser.close()


def test_page_requests_nothing_but_itself(loaded):
    browser, report = loaded
    urls = [e["params"]["request"]["url"] for e in browser.events if e.get("method") == "Network.requestWillBeSent"]
    assert urls == [report.as_uri()]
    failed = [e for e in browser.events if e.get("method") == "Network.loadingFailed"]
    assert failed == []


def test_page_renders_and_its_script_runs_under_the_csp(loaded):
    browser, _ = loaded
    assert browser.evaluate("document.body.dataset.ready") == "1"
    sections = browser.evaluate("Array.from(document.querySelectorAll('main > section')).map(s => s.id)")
    assert sections == ["summary", "completeness", "charts", "review", "findings", "rules", "provenance"]
    console_errors = [e for e in browser.events if e.get("method") == "Runtime.exceptionThrown"]
    assert console_errors == []
    assert browser.evaluate("document.documentElement.scrollWidth") <= 1280  # long ledger words wrap


def test_charts_are_drawn_with_real_size(loaded):
    browser, _ = loaded
    sizes = browser.evaluate(
        "Array.from(document.querySelectorAll('figure')).map(f => [f.id, f.querySelector('svg')"
        ".getBoundingClientRect().width, f.querySelectorAll('rect').length])"
    )
    assert [s[0] for s in sizes] == ["chart-period-ends", "chart-benford", "chart-anomaly", "chart-users",
                                     "chart-periods"]
    for figure, width, bars in sizes:
        assert width > 150 and bars > 0, figure


def test_planted_script_is_text_and_sorting_works(loaded):
    browser, _ = loaded
    assert browser.evaluate("document.querySelectorAll('script').length") == 1
    assert browser.evaluate(f"document.body.textContent.includes({json.dumps(SCRIPT)})")
    ranks = "Array.from(document.querySelectorAll('#review-table tbody tr td:first-child')).map(td => +td.textContent)"
    before = browser.evaluate(ranks)
    assert before == sorted(before)
    browser.evaluate("document.querySelector('#review-table th').click()")
    browser.evaluate("document.querySelector('#review-table th').click()")  # second click: descending
    assert browser.evaluate(ranks) == sorted(before, reverse=True)


def test_screenshot(loaded, tmp_path):
    browser, _ = loaded
    data = base64.b64decode(browser.page("Page.captureScreenshot", format="png")["data"])
    shot = tmp_path / "report.png"
    shot.write_bytes(data)
    assert data[:8] == b"\x89PNG\r\n\x1a\n"
    assert struct.unpack(">II", data[16:24]) == (1280, 2000)
    assert len(data) > 60_000  # a blank or error page compresses to a few kilobytes
