"""A pytest plugin that counts the corpus variants tried and passed, and prints the tally at the end.

A corpus test names its family with ``record_property("corpus_family", ...)``;
this plugin reads it back from each test's report.  Loaded by
``pytest_plugins = ["corpus.plugin"]`` (in ``tests/test_corpus.py``; it may
equally live in ``tests/conftest.py``).  The summary lists each kind (the
part of the family before the colon); ``-v`` lists every family.
"""

from __future__ import annotations

from dataclasses import dataclass

import pytest

PROPERTY = "corpus_family"


@dataclass
class Count:
    """Outcomes of the variants of one family."""

    tried: int = 0
    passed: int = 0
    failed: int = 0
    known: int = 0  # expected failures: problems outside the corpus's files, named in the test

    def add(self, other: Count) -> None:
        self.tried += other.tried
        self.passed += other.passed
        self.failed += other.failed
        self.known += other.known


TALLY: dict[str, Count] = {}


def pytest_runtest_logreport(report: pytest.TestReport) -> None:
    """Count each corpus test once, from the report of its call (or of its failed setup)."""
    family = dict(report.user_properties).get(PROPERTY)
    if not isinstance(family, str) or report.when != "call":
        return
    count = TALLY.setdefault(family, Count())
    count.tried += 1
    if hasattr(report, "wasxfail"):
        count.known += 1 if report.skipped else 0
        count.passed += 1 if report.passed else 0
    elif report.passed:
        count.passed += 1
    else:
        count.failed += 1


def _table(counts: dict[str, Count]) -> list[str]:
    width = max(len(name) for name in counts) + 2
    lines = [f"{'kind':<{width}}{'tried':>7}{'passed':>8}{'failed':>8}{'known':>7}"]
    total = Count()
    for name, count in sorted(counts.items()):
        lines.append(f"{name:<{width}}{count.tried:>7}{count.passed:>8}{count.failed:>8}{count.known:>7}")
        total.add(count)
    lines.append(f"{'total':<{width}}{total.tried:>7}{total.passed:>8}{total.failed:>8}{total.known:>7}")
    return lines


def pytest_terminal_summary(terminalreporter: pytest.TerminalReporter, exitstatus: int, config: pytest.Config) -> None:
    """Print variants tried, passed, failed and known failures, by kind (by family with ``-v``)."""
    if not TALLY:
        return
    verbose = config.get_verbosity() > 0
    if verbose:
        counts = dict(TALLY)
    else:
        counts = {}
        for family, count in TALLY.items():
            counts.setdefault(family.split(":", 1)[0], Count()).add(count)
    terminalreporter.write_sep("=", "bad-input corpus: every variant must be refused with a located message")
    for line in _table(counts):
        terminalreporter.write_line(line)
    if any(count.known for count in TALLY.values()):
        terminalreporter.write_line("known: expected failures of code outside the corpus (see their xfail reasons)")
