"""A corpus of bad input files, generated from the shipped example workbook and scenario files.

:func:`workbook_variants` lists every bad workbook (cell-, sheet- and
file-level), :func:`corpus.scenario_variants.scenario_variants` every bad
scenario file.  Both only describe the files and ``build`` writes one, so
tests are collected without writing anything and the files are written once
per test module.  Workbook variants are made by editing the zip and XML of
the shipped example directly: the template writer takes about 0.3 s a
workbook, the edit a few milliseconds.  ``tests/test_corpus.py`` runs them through the command line;
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
