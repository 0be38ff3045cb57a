"""Where the shared reference material lives: ``../shared`` beside the repository root."""

from __future__ import annotations

from pathlib import Path

SHARED = Path(__file__).resolve().parents[1].parent / "shared"
"""The shared reference directory (Arazzo spec, conformance data, schemas)."""


def reference_path(*parts: str) -> Path:
    """A file under ``../shared/reference``; fails with a clear message when it is not there."""
    path = SHARED.joinpath("reference", *parts)
    if not path.exists():
        raise FileNotFoundError(
            f"reference file {path} not found: the tests expect the shared reference material in "
            f"{SHARED} (a checkout of ../shared beside the repository root)"
        )
    return path
