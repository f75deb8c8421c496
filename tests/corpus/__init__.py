"""A corpus of bad input files, generated from the shipped example workbook and scenario files.

:func:`workbook_variants` lists every bad workbook (cell-, sheet- and
file-level), :func:`rolemix_scenarios` every bad scenario file; both only
describe the files, and ``Variant.build`` writes one, so that tests can be
collected without writing anything and the files are written once per
session.  ``tests/test_corpus.py`` runs them through the command line;
:mod:`corpus.plugin` prints the tally at the end of the run.
"""

from __future__ import annotations

from .cell_variants import cell_variants, must_have_variants
from .file_variants import file_variants
from .structure_variants import structure_variants
from .variant import Base, Variant


def workbook_variants(base: Base) -> list[Variant]:
    """Every bad workbook of the corpus, names unique."""
    variants = cell_variants(base) + must_have_variants(base) + structure_variants(base) + file_variants()
    names = [variant.name for variant in variants]
    duplicates = sorted({name for name in names if names.count(name) > 1})
    if duplicates:
        raise AssertionError(f"corpus variant names are not unique: {duplicates}")
    return variants


__all__ = ["Base", "Variant", "workbook_variants"]
