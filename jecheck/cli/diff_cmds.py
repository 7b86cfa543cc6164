"""Placeholder: commands are added here by their owner."""

from . import main  # noqa: F401
