"""Shared by the validation tests: writing small documents, a local-only retriever, compact diagnostics."""

from __future__ import annotations

import textwrap
from collections.abc import Iterable, Mapping
from pathlib import Path

from arazzo_runner.errors import Diagnostic, LoadError
from arazzo_runner.loader import Retriever, default_retriever, to_url, url_to_path

PETS_OPENAPI = """\
openapi: 3.1.0
info:
  title: Pets
  version: '1'
paths:
  /pets:
    get:
      operationId: listPets
    post:
      operationId: createPet
  /pets/{id}:
    get:
      operationId: getPet
"""
"""A tiny OpenAPI description: ``listPets`` and ``createPet`` on ``/pets``, ``getPet`` on ``/pets/{id}``."""


def write(directory: Path, files: Mapping[str, str]) -> Path:
    """Write each ``name -> text`` (dedented) under ``directory``; return the path of the first one."""
    paths = []
    for name, text in files.items():
        path = directory / name
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(textwrap.dedent(text), encoding="utf-8")
        paths.append(path)
    return paths[0]


def brief(diagnostics: Iterable[Diagnostic]) -> list[tuple[str, int | None, int | None]]:
    """``(rule, line, column)`` of each diagnostic, in the order given."""
    return [(d.rule, d.location.line, d.location.column) for d in diagnostics]


def local_only(served: Mapping[str, Path] | None = None) -> Retriever:
    """A retriever that reads ``file:`` URLs, serves the given http(s) URLs from local copies, refuses the rest.

    Tests pass it wherever a document names a remote URL, so that nothing ever touches the network.
    """
    files = default_retriever()
    served = dict(served or {})

    def retrieve(url: str) -> bytes:
        if url in served:
            return served[url].read_bytes()
        if url_to_path(url) is not None:
            return files(url)
        raise LoadError(f"network access refused in tests: {url}", rule="unreachable-url")

    return retrieve


def file_url(path: Path) -> str:
    """The ``file:`` URL the engine uses for a local path."""
    return to_url(path)
