"""Documents are parsed once per process for the same bytes, and once per command for many documents."""

from __future__ import annotations

from collections import Counter
from pathlib import Path

import pytest

import arazzo_runner.loader.document as loader_document
from arazzo_runner import validate
from arazzo_runner.documents import validate_all
from arazzo_runner.errors import LoadError
from tests.validate.support import PETS_OPENAPI, write

DOCUMENT = """\
arazzo: 1.0.1
info: {title: Pets, version: 1.0.0}
sourceDescriptions:
  - {name: api, url: ./api.yaml}
workflows:
  - workflowId: main
    steps:
      - {stepId: list, operationId: listPets}
"""


@pytest.fixture
def parses(monkeypatch: pytest.MonkeyPatch) -> Counter[str]:
    """How often each document's text is parsed (the process-wide cache emptied first)."""
    counted: Counter[str] = Counter()
    original = loader_document.parse_document

    def counting(text: str, url: str, *args: object) -> loader_document.SourceDocument:
        counted[url.rsplit("/", 1)[-1]] += 1
        return original(text, url, *args)  # type: ignore[arg-type]

    loader_document._PARSED.clear()
    monkeypatch.setattr(loader_document, "parse_document", counting)
    return counted


def test_a_shared_description_is_parsed_once_for_many_documents(tmp_path: Path, parses: Counter[str]) -> None:
    names = [f"d{index}.arazzo.yaml" for index in range(5)]
    write(tmp_path, {"api.yaml": PETS_OPENAPI, **{name: DOCUMENT for name in names}})

    results = validate_all([tmp_path / name for name in names])

    assert results == [[]] * 5
    assert parses["api.yaml"] == 1
    assert all(parses[name] == 1 for name in names)


def test_validate_calls_in_one_process_parse_an_unchanged_file_once(tmp_path: Path, parses: Counter[str]) -> None:
    write(tmp_path, {"api.yaml": PETS_OPENAPI, "a.arazzo.yaml": DOCUMENT})

    for _ in range(3):
        assert validate(tmp_path / "a.arazzo.yaml") == []

    assert parses == Counter({"api.yaml": 1, "a.arazzo.yaml": 1})


def test_a_changed_file_is_parsed_again(tmp_path: Path, parses: Counter[str]) -> None:
    write(tmp_path, {"api.yaml": PETS_OPENAPI, "a.arazzo.yaml": DOCUMENT})
    assert validate(tmp_path / "a.arazzo.yaml") == []

    (tmp_path / "a.arazzo.yaml").write_text(DOCUMENT.replace("listPets", "listCats"), "utf-8")
    diagnostics = validate(tmp_path / "a.arazzo.yaml")

    assert [d.rule for d in diagnostics] == ["unknown-operation-id"]
    assert parses["a.arazzo.yaml"] == 2


def test_one_unreadable_document_is_its_own_result(tmp_path: Path, parses: Counter[str]) -> None:
    write(tmp_path, {"api.yaml": PETS_OPENAPI, "a.arazzo.yaml": DOCUMENT})

    results = validate_all([tmp_path / "a.arazzo.yaml", tmp_path / "missing.arazzo.yaml"])

    assert results[0] == []
    assert isinstance(results[1], LoadError)
    assert str(results[1]) == f"no such file: {tmp_path / 'missing.arazzo.yaml'}"
