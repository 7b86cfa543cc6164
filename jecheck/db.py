"""The DuckDB connection: one in-process database per run, holding the ledger and every result."""

from __future__ import annotations

import os
import re
import shutil
import signal
import tempfile
import threading
import weakref
from contextlib import contextmanager, suppress
from typing import Iterator

import duckdb

from .errors import DataError, UsageError, first_line

# Every connection `connect` opened and every `cursor` still open: what Ctrl-C interrupts.
_open_connections: weakref.WeakSet = weakref.WeakSet()


def connect(
    database: str = ":memory:",
    *,
    threads: int | None = None,
    memory_limit: str | None = None,
    temp_directory: str | None = None,
    compressed: bool = False,
) -> duckdb.DuckDBPyConnection:
    """Open a DuckDB connection with the run's resource limits.

    `compressed` keeps the tables in a database file inside the private spill folder instead of in
    memory: DuckDB stores them compressed (a ledger takes about a tenth of its in-memory size) and can drop
    them from memory and read them back, so a large ledger needs little memory. The file goes with the
    folder.

    `memory_limit` is DuckDB's own (e.g. "4GB"); past it DuckDB spills to `temp_directory`, by
    default a private folder (mode 0700) under TMPDIR, removed with the connection.
    No extension is ever auto-installed: nothing leaves the machine.
    """
    if memory_limit is not None and str(memory_limit).strip().startswith("-"):
        raise UsageError(f"--memory-limit {memory_limit} is negative; give a size such as 4GB or 500MB")
    config: dict[str, str | int | bool] = {
        "autoinstall_known_extensions": False,
        "autoload_known_extensions": False,
    }
    if threads:
        config["threads"] = int(threads)
    if memory_limit:
        config["memory_limit"] = str(memory_limit)
    spill_dir = temp_directory or _new_spill_folder()
    config["temp_directory"] = spill_dir
    if compressed:
        database = os.path.join(spill_dir, "scan.duckdb")
    try:
        con = duckdb.connect(database, config=config)
    except duckdb.Error as exc:
        if temp_directory is None:
            shutil.rmtree(spill_dir, ignore_errors=True)
        if memory_limit and isinstance(exc, (duckdb.ParserException, duckdb.InvalidInputException)):
            raise UsageError(f"--memory-limit {memory_limit} is not a size DuckDB understands "
                             f"({first_line(exc)}); give a number and a unit such as 4GB or 500MB") from exc
        if memory_limit and isinstance(exc, duckdb.OutOfMemoryException):
            raise UsageError(f"--memory-limit {memory_limit} is too small for DuckDB to start; "
                             "give at least 100MB") from exc
        raise
    con.execute("SET enable_progress_bar = false")  # jecheck draws its own progress; DuckDB's scribbles over it
    if temp_directory is None:
        weakref.finalize(con, shutil.rmtree, spill_dir, ignore_errors=True)
    _open_connections.add(con)
    return con


@contextmanager
def cursor(con: duckdb.DuckDBPyConnection) -> Iterator[duckdb.DuckDBPyConnection]:
    """A cursor of `con` (a connection object of its own, for another thread), closed on leaving.

    Ctrl-C and `interrupt_all` reach its query like the connection's own.
    """
    opened = con.cursor()
    _open_connections.add(opened)
    try:
        yield opened
    finally:
        _open_connections.discard(opened)
        opened.close()


def interrupt_all() -> None:
    """Interrupt the running query of every open connection and cursor, whichever thread runs it."""
    for con in list(_open_connections):
        with suppress(duckdb.Error):
            con.interrupt()


SPILL_PREFIX = "jecheck-spill-"  # then the owning process id and a random part: jecheck-spill-1234-k2j4x_


def _new_spill_folder() -> str:
    """A private spill folder under TMPDIR, named after this process; abandoned ones are removed first."""
    _remove_abandoned_spill_folders(tempfile.gettempdir())
    return tempfile.mkdtemp(prefix=f"{SPILL_PREFIX}{os.getpid()}-")


def _remove_abandoned_spill_folders(root: str) -> None:
    """Remove this user's spill folders whose process is gone.

    A scan killed outright (kill -9, a crash, power loss) cannot remove its folder, which may hold a
    compressed copy of the ledger; the next run does. A folder whose process still runs is never touched.
    """
    if os.name != "posix":  # elsewhere os.kill(pid, 0) would end the process, not ask after it
        return
    with suppress(OSError):
        for entry in os.scandir(root):
            match = re.fullmatch(rf"{SPILL_PREFIX}(\d+)-\w+", entry.name)
            if (match and entry.is_dir(follow_symlinks=False)
                    and entry.stat(follow_symlinks=False).st_uid == os.getuid()
                    and not _process_alive(int(match.group(1)))):
                shutil.rmtree(entry.path, ignore_errors=True)


def _process_alive(pid: int) -> bool:
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    except (PermissionError, OverflowError):  # another user's process, or no such id: leave the folder
        return True
    return True


def lock_down(con: duckdb.DuckDBPyConnection) -> None:
    """After the data is loaded: no file, network or extension access, and no way to undo that.

    Rule packs are code from elsewhere; from here on SQL can only read the tables already loaded.
    Spilling to the temp directory keeps working (DuckDB's own buffer files are not external access).
    """
    con.execute("SET enable_external_access = false")
    con.execute("SET lock_configuration = true")


def quote_ident(name: str) -> str:
    """A DuckDB identifier, quoted."""
    return '"' + name.replace('"', '""') + '"'


def quote_literal(value: str) -> str:
    """A DuckDB string literal, quoted (standard SQL: quotes doubled, no backslash escapes)."""
    return "'" + value.replace("'", "''") + "'"


# Columns holding an id per journal: about as many distinct values as rows, which DuckDB's string
# compression (DICT_FSST) cannot shrink much but spends more CPU on than on the rest of writing a large
# ledger's tables into their database file (10M lines: ~1.5 s for `review` alone). They are stored as they
# are; tables kept in memory are not compressed either way.
UNCOMPRESSED_COLUMNS = ("journal_id",)


def create_table_as(con: duckdb.DuckDBPyConnection, name: str, query: str, params: object = None) -> None:
    """CREATE OR REPLACE TABLE `name` AS `query`, with its UNCOMPRESSED_COLUMNS stored uncompressed.

    `name` is quoted; `query` is one SELECT (a WITH clause allowed) binding `params`.
    """
    table = quote_ident(name)
    columns = con.execute(f"DESCRIBE {query}", params).fetchall()  # binds the query, runs nothing
    definitions = ", ".join(f"{quote_ident(column)} {sql_type}"
                            + (" USING COMPRESSION uncompressed" if column in UNCOMPRESSED_COLUMNS else "")
                            for column, sql_type, *_ in columns)
    con.execute(f"CREATE OR REPLACE TABLE {table} ({definitions})")
    con.execute(f"INSERT INTO {table} {query}", params)


# The journals' open rule hits: what the review list ranks on and what the model must explain (one
# definition, so every journal the review list shows for a rule hit also gets its reasons).
OPEN_JOURNAL_FINDINGS = "findings WHERE NOT coalesce(suppressed, false) AND journal_id IS NOT NULL"


def table_exists(con: duckdb.DuckDBPyConnection, name: str) -> bool:
    """True when a table or view of that name exists in the main schema."""
    return con.execute(
        "SELECT count(*) FROM information_schema.tables WHERE table_name = ?", [name]
    ).fetchone()[0] > 0


@contextmanager
def explain_engine_errors() -> Iterator[None]:
    """Turn DuckDB's own failure modes into what the CLI reports.

    Ctrl-C stops the running query at once (see `_ctrl_c_interrupts_queries`) and, surfacing from
    DuckDB as RuntimeError('Query interrupted') or InterruptException, becomes KeyboardInterrupt
    again. Running out of memory or spill space, even when another error wraps it (a reader's
    "could not be read" DataError), becomes one sentence saying what to change.
    """
    try:
        with _ctrl_c_interrupts_queries():
            yield
    except Exception as exc:
        causes = _causes(exc)
        if any(_is_interrupt(e) for e in causes):
            raise KeyboardInterrupt from exc
        for error in causes:
            if isinstance(error, (duckdb.OutOfMemoryException, MemoryError)):
                detail = first_line(error) if isinstance(error, duckdb.Error) else "Python could not allocate memory"
                raise DataError(f"the scan ran out of memory ({detail}); raise --memory-limit (or leave it unset), "
                                "use --threads 1, or run on a machine with more memory") from exc
            if "No space left on device" in str(error):
                raise DataError("the disk holding DuckDB's spill folder is full; free space there or point "
                                "TMPDIR at a larger disk") from exc
        raise


@contextmanager
def _ctrl_c_interrupts_queries() -> Iterator[None]:
    """While inside, Ctrl-C interrupts the query of every open connection straight away.

    DuckDB's Python client looks for Ctrl-C only between tasks of a query, which can be seconds
    apart, or never for one long task; a thread woken by the signal's wake-up fd calls interrupt().
    Left out off the main thread, or when something else already owns the wake-up fd.
    """
    if threading.current_thread() is not threading.main_thread():
        yield
        return
    read_end, write_end = os.pipe()
    os.set_blocking(write_end, False)
    previous = signal.set_wakeup_fd(write_end, warn_on_full_buffer=False)
    if previous != -1:
        signal.set_wakeup_fd(previous)
        os.close(read_end), os.close(write_end)
        yield
        return
    watcher = threading.Thread(target=_interrupt_on_ctrl_c, args=(read_end,), name="jecheck-ctrl-c", daemon=True)
    watcher.start()
    try:
        yield
    finally:
        signal.set_wakeup_fd(-1)
        os.close(write_end)  # the watcher reads end-of-file and returns
        watcher.join()
        os.close(read_end)


def _interrupt_on_ctrl_c(read_end: int) -> None:
    while signals := os.read(read_end, 64):
        if signal.SIGINT in signals:
            interrupt_all()


def _causes(exc: BaseException) -> list[BaseException]:
    """`exc` and every exception it was raised from or during, innermost last."""
    chain: list[BaseException] = []
    while exc is not None and exc not in chain:
        chain.append(exc)
        exc = exc.__cause__ or exc.__context__
    return chain


def _is_interrupt(exc: BaseException) -> bool:
    return isinstance(exc, duckdb.InterruptException) or (
        type(exc) is RuntimeError and str(exc).strip() == "Query interrupted")


