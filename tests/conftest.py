"""Shared test set-up."""

from __future__ import annotations

from collections.abc import Iterator

import pytest

from rolemix.collector import release_kept


@pytest.fixture(autouse=True)
def _collector_gets_back_what_was_kept() -> Iterator[None]:
    """The test process builds plan after plan, like a scenario worker: what a build kept goes back after each."""
    yield
    release_kept()
