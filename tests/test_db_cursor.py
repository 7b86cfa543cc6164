"""A cursor from db.cursor is interrupted with every other connection (what Ctrl-C's watcher calls)."""

from __future__ import annotations

import threading
import time

import duckdb
import pytest

from jecheck import db

# Long enough never to finish on its own within the test's patience (tens of seconds on any machine).
ENDLESS = "SELECT sum(hash(a.range * b.range)) FROM range(200000) a, range(200000) b"


def test_interrupt_all_stops_a_query_running_on_a_cursor_of_another_thread():
    con = db.connect()
    outcome: dict[str, object] = {}
    started = threading.Event()

    def run() -> None:
        with db.cursor(con) as cursor:
            started.set()
            try:
                cursor.execute(ENDLESS).fetchall()
                outcome["result"] = "finished"
            except (duckdb.InterruptException, RuntimeError) as exc:
                outcome["result"] = type(exc).__name__
        outcome["open_after"] = cursor in db._open_connections

    worker = threading.Thread(target=run, daemon=True)
    worker.start()
    started.wait(5)
    time.sleep(0.3)  # the query is under way
    began = time.perf_counter()
    db.interrupt_all()
    worker.join(10)
    assert not worker.is_alive(), "the cursor's query ran on after interrupt_all"
    assert outcome["result"] != "finished"
    assert time.perf_counter() - began < 5
    assert outcome["open_after"] is False  # a closed cursor is no longer interrupted


def test_the_connection_works_on_after_its_cursor_closed():
    con = db.connect()
    with db.cursor(con) as cursor:
        assert cursor.execute("SELECT 41 + 1").fetchall() == [(42,)]
    with pytest.raises(duckdb.ConnectionException):
        cursor.execute("SELECT 1")
    assert con.execute("SELECT 1").fetchall() == [(1,)]
