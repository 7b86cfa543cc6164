"""Sample ledgers: the `jecheck sample` generator and the committed locker_co_fy2004 sample.

- `generate_sample(out, lines, seed, start, months)`: a realistic ledger of exactly `lines` lines with
  labelled anomalies of every rule, its context files and `<stem>.labels.csv` (generator.py).
- `write_locker_co(directory)`: the fictional locker manufacturer's ledger, context and answer key.

See sample_ledgers/README.md for the files, their columns and what is planted.
"""

from .generator import generate_sample
from .locker_co import write_locker_co

__all__ = ["generate_sample", "write_locker_co"]
