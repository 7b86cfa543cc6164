"""No network: jecheck runs whole with every Internet socket and name lookup forbidden, and DuckDB never
fetches or loads an extension by itself.

The ban is a `sitecustomize` audit hook on PYTHONPATH, so it holds in every Python process the run starts;
each attempt is logged to a file and refused. The first test shows the ban catches a real attempt.
"""

from __future__ import annotations

import json
import os
import socket
import subprocess
import sys
import textwrap
import threading
from collections.abc import Iterator
from contextlib import contextmanager
from datetime import date, datetime, time, timedelta
from decimal import Decimal
from pathlib import Path

from click.testing import CliRunner

from jecheck import db
from jecheck.cli import main

from safety_helpers import (ACCOUNTS, DESCRIPTIONS, USERS, Journal, ledger_rows, scan, small_ledger,
                            weekday_on_or_after, write_parquet)

NO_NETWORK = """
    import os, socket, sys

    _LOG = os.environ["JECHECK_TEST_NETWORK_LOG"]
    _LOOKUPS = {"socket.getaddrinfo", "socket.gethostbyname", "socket.gethostbyname_ex", "socket.gethostbyaddr"}

    def _no_network(event, args):
        internet = event == "socket.__new__" and args[1] in (socket.AF_INET, socket.AF_INET6)
        if internet or event in _LOOKUPS:
            with open(_LOG, "a") as log:
                log.write(f"{event} {args!r}\\n")
            raise PermissionError(f"network use is forbidden in this test: {event}")

    sys.addaudithook(_no_network)
"""


def run_offline(tmp_path: Path, *argv: str) -> tuple[subprocess.CompletedProcess, str]:
    """Run `python argv...` with the network ban; return the process and the attempts it logged."""
    site = tmp_path / "no-network-site"
    site.mkdir(exist_ok=True)
    (site / "sitecustomize.py").write_text(textwrap.dedent(NO_NETWORK))
    log = tmp_path / "network-attempts.log"
    log.touch()
    env = {**os.environ, "PYTHONPATH": os.pathsep.join(filter(None, [str(site), os.environ.get("PYTHONPATH")])),
           "JECHECK_TEST_NETWORK_LOG": str(log)}
    process = subprocess.run([sys.executable, *argv], capture_output=True, text=True, env=env, cwd=tmp_path,
                             timeout=300)
    return process, log.read_text()


def test_the_ban_catches_a_real_attempt(tmp_path):
    fetch = "import urllib.request; urllib.request.urlopen('http://example.com')"
    process, attempts = run_offline(tmp_path, "-c", fetch)
    assert process.returncode != 0
    assert "network use is forbidden" in process.stderr
    assert "socket.getaddrinfo" in attempts


def forty_journals(path: Path) -> Path:
    """Enough distinct journals for the model to fit, so the scan runs every stage."""
    journals = []
    for n in range(1, 41):
        entered = datetime.combine(weekday_on_or_after(date(2024, 1, 1) + timedelta(days=7 * n)), time(10, 30))
        amount = Decimal(37 * n + n * n)
        journals.append(Journal(f"JE-{n:05d}", entered.date(), entered, USERS[n % 5], USERS[(n + 1) % 5],
                                DESCRIPTIONS[n % 5], (ACCOUNTS[n % 8], ACCOUNTS[(n + 3) % 8]), (amount, -amount)))
    return write_parquet(ledger_rows(journals), path)


def test_a_full_scan_completes_with_the_network_forbidden(tmp_path):
    forty_journals(tmp_path / "gl.parquet")
    process, attempts = run_offline(tmp_path, "-m", "jecheck", "scan", "gl.parquet", "--out", "out", "--quiet")
    assert process.returncode == 0, process.stderr
    assert attempts == ""
    findings = json.loads((tmp_path / "out" / "findings.json").read_text())
    assert len(findings["review"]) > 0  # the model ran
    assert {r["status"] for r in findings["rules"]} >= {"ran"}
    assert {"entries.parquet", "report.xlsx", "report.html"} <= {p.name for p in (tmp_path / "out").iterdir()}


def test_duckdb_never_installs_or_loads_an_extension_by_itself(tmp_path):
    result = scan(small_ledger(tmp_path / "gl.parquet"), select=("INT-001",), model=False)
    settings = dict(result.con.execute(
        "SELECT name, value FROM duckdb_settings() "
        "WHERE name IN ('autoinstall_known_extensions', 'autoload_known_extensions')").fetchall())
    assert settings == {"autoinstall_known_extensions": "false", "autoload_known_extensions": "false"}


@contextmanager
def listening_server() -> Iterator[tuple[int, list[bytes]]]:
    """A local TCP server; yields its port and the first bytes of every connection it received."""
    server = socket.create_server(("127.0.0.1", 0))
    server.settimeout(0.1)
    received: list[bytes] = []
    done = threading.Event()

    def serve():
        while not done.is_set():
            try:
                connection, _ = server.accept()
            except TimeoutError:
                continue
            with connection:
                received.append(connection.recv(100))

    thread = threading.Thread(target=serve, daemon=True)
    thread.start()
    try:
        yield server.getsockname()[1], received
    finally:
        done.set()
        thread.join()
        server.close()


def test_a_url_is_never_fetched(tmp_path):
    # As a ledger argument, and as SQL on a connection before it is locked down (the ingest's position).
    with listening_server() as (port, received):
        url = f"http://127.0.0.1:{port}/gl.parquet"
        as_ledger = CliRunner().invoke(main, ["scan", url, "--out", str(tmp_path / "out"), "--quiet"])
        con = db.connect()
        try:
            con.execute(f"SELECT * FROM read_parquet('{url}')").fetchall()
        except Exception as exc:  # noqa: BLE001 - which error DuckDB raises is not the point; no contact is
            refusal = str(exc)
        else:
            refusal = ""
    assert as_ledger.exit_code == 2 and as_ledger.stderr.startswith(f"jecheck: error: {url}: ")
    assert refusal
    assert received == []
