"""Where the reference material the tests read lives: ``tests/data``, copied into the repository.

``tests/data/README.md`` says where each folder came from and under which licence; the copies are byte-identical
to their origins, since the tests compare against them.
"""

from __future__ import annotations

from pathlib import Path

DATA = Path(__file__).resolve().parent / "data"
"""The copied reference data (Arazzo examples, schema tests, conformance tables, runner fixtures, seeds)."""


def reference_path(*parts: str) -> Path:
    """A file or folder under ``tests/data``; fails with a clear message when it is not there."""
    path = DATA.joinpath(*parts)
    if not path.exists():
        raise FileNotFoundError(
            f"reference file {path} not found: the tests read only the copies in {DATA} "
            f"(see tests/data/README.md); copy the file there, with its licence, if a test needs it"
        )
    return path
