"""jecheck: journal-entry testing for auditors and controllers.

The library does the work; the CLI in :mod:`jecheck.cli` is a thin layer over it.
"""

__version__ = "0.1.0"
