"""Errors a user can act on. Each carries its exit code and one sentence of explanation."""

from __future__ import annotations


class JecheckError(Exception):
    """Base class: the message is one sentence naming the file, row, column or rule and the remedy."""

    exit_code = 3


class UsageError(JecheckError):
    """Bad command-line usage or options (exit code 2)."""

    exit_code = 2


class DataError(JecheckError):
    """The input data cannot be used as given (exit code 3)."""

    exit_code = 3


class RuleError(JecheckError):
    """A rule pack, configuration or suppression file is invalid (exit code 3)."""

    exit_code = 3


def first_line(exc: BaseException) -> str:
    """The first line of an exception's message (its type's name when it has none), for one-sentence errors."""
    text = str(exc).strip()
    return text.splitlines()[0] if text else type(exc).__name__
