"""Progress for the scan's long stages (load, rules, model, report) on a terminal; silent in pipes and CI.

`run_scan(options, progress=...)` and `write_outputs(..., progress=...)` call the object with each
stage's name as it starts; each stage shows a spinner and its elapsed time, then a tick.
"""

from __future__ import annotations

import os
from typing import TYPE_CHECKING

if TYPE_CHECKING:  # rich is imported only when progress is drawn: --quiet and --json never need it
    from rich.console import Console
    from rich.progress import Progress, TaskID

STAGE_LABELS = {
    "load": "Loading the ledger",
    "rules": "Running the rules",
    "model": "Scoring entries (isolation forest)",
    "report": "Writing reports",
}


class StageProgress:
    """A callable progress display: `progress("rules")` ends the previous stage and starts this one."""

    def __init__(self, console: Console | None = None, *, enabled: bool | None = None) -> None:
        if console is None and enabled is not False:
            from rich.console import Console

            console = Console(stderr=True)
        self.console = console
        if enabled is None:
            enabled = self.console.is_terminal and not os.environ.get("CI")
        self.enabled = enabled
        self._progress: Progress | None = None
        self._task: TaskID | None = None

    def __call__(self, stage: str) -> None:
        if not self.enabled:
            return
        if self._progress is None:
            from rich.progress import Progress, SpinnerColumn, TextColumn, TimeElapsedColumn

            self._progress = Progress(SpinnerColumn(finished_text="[green]done"), TextColumn("{task.description}"),
                                      TimeElapsedColumn(), console=self.console)
            self._progress.start()
        self._finish_stage()
        self._task = self._progress.add_task(STAGE_LABELS.get(stage, stage), total=1)

    def close(self) -> None:
        """Finish the current stage and stop drawing (call before printing the summary)."""
        if self._progress is not None:
            self._finish_stage()
            self._progress.stop()
            self._progress = None

    def _finish_stage(self) -> None:
        if self._task is not None and self._progress is not None:
            self._progress.update(self._task, completed=1)
            self._task = None

    def __enter__(self) -> StageProgress:
        return self

    def __exit__(self, *exc) -> None:
        self.close()


def scan_progress(*, quiet: bool = False, as_json: bool = False) -> StageProgress:
    """The progress display for `jecheck scan`: off with --quiet or --json, on a terminal otherwise."""
    return StageProgress(enabled=False if quiet or as_json else None)
