"""Small OpenAPI 3.1 (or 3.2) and Arazzo 1.0.1 (or 1.1.0) documents, written into a test's temporary directory.

Each test states only the operation and the steps it needs; the helpers fill in the boilerplate
(``openapi``/``info``/``servers`` and the ``sourceDescriptions`` that point at the OpenAPI file). Documents
are dumped as YAML or JSON by the file name's suffix, so both loaders get exercised.
"""

from __future__ import annotations

import io
import json
from collections.abc import Iterable, Mapping, Sequence
from pathlib import Path
from typing import Any

from ruamel.yaml import YAML

SOURCE = "api"
WORKFLOW = "flow"
ARAZZO_1_0 = "1.0.1"
ARAZZO_1_1 = "1.1.0"


def param(name: str, location: str, **fields: Any) -> dict[str, Any]:
    """An OpenAPI Parameter Object (``schema`` defaults to a string; path parameters are required)."""
    data: dict[str, Any] = {"name": name, "in": location, "schema": fields.pop("schema", {"type": "string"})}
    if location == "path":
        data["required"] = True
    data.update(fields)
    return data


def operation(operation_id: str, *, parameters: Iterable[Mapping[str, Any]] = (), **fields: Any) -> dict[str, Any]:
    """An OpenAPI Operation Object whose ``default`` response accepts any status and body.

    That keeps the engine's response checks (which compare a response with the description) quiet, so the
    tests here see only the warnings of the behaviour they pin.
    """
    data: dict[str, Any] = {"operationId": operation_id, "responses": {"default": {"description": "any"}}}
    if parameters:
        data["parameters"] = [dict(p) for p in parameters]
    data.update(fields)
    return data


def json_body(media_type: str = "application/json") -> dict[str, Any]:
    """An OpenAPI Request Body Object accepting one media type."""
    return {"content": {media_type: {"schema": {}}}}


def step(step_id: str, operation_id: str, **fields: Any) -> dict[str, Any]:
    """An Arazzo Step Object targeting an operationId."""
    return {"stepId": step_id, "operationId": operation_id, **fields}


def dump(path: Path, data: Any) -> Path:
    """Write ``data`` as JSON (``.json``) or YAML (anything else) and return the path."""
    if path.suffix == ".json":
        path.write_text(json.dumps(data, indent=2), "utf-8")
    else:
        yaml = YAML(typ="safe", pure=True)
        yaml.default_flow_style = False
        yaml.sort_base_mapping_type_on_output = False  # keep member order: payloads are sent in it
        buffer = io.StringIO()
        yaml.dump(data, buffer)
        path.write_text(buffer.getvalue(), "utf-8")
    return path


class Documents:
    """Writes documents into one directory; OpenAPI servers default to the recording server's URL."""

    def __init__(self, directory: Path, server_url: str) -> None:
        self.directory = directory
        self.server_url = server_url

    def write(self, name: str, data: Any) -> Path:
        """Dump any document under ``name``."""
        return dump(self.directory / name, data)

    def openapi(self, paths: Mapping[str, Any], *, servers: Sequence[Mapping[str, Any]] | None = None,
                components: Mapping[str, Any] | None = None, security: Sequence[Any] | None = None,
                name: str = "openapi.json", version: str = "3.1.0") -> Path:
        """An OpenAPI description (3.1 unless ``version`` says otherwise) with these ``paths``."""
        data: dict[str, Any] = {
            "openapi": version,
            "info": {"title": "Loopback API", "version": "1.0.0"},
            "servers": [dict(s) for s in servers] if servers is not None else [{"url": self.server_url}],
            "paths": dict(paths),
        }
        if components:
            data["components"] = dict(components)
        if security is not None:
            data["security"] = list(security)
        return self.write(name, data)

    def arazzo(self, workflows: Sequence[Mapping[str, Any]], *, source: str = SOURCE,
               openapi_name: str = "openapi.json", components: Mapping[str, Any] | None = None,
               name: str = "arazzo.yaml", version: str = ARAZZO_1_0) -> Path:
        """An Arazzo document (1.0.1 unless ``version`` says otherwise) over one OpenAPI source description."""
        data: dict[str, Any] = {
            "arazzo": version,
            "info": {"title": "Loopback workflows", "version": "1.0.0"},
            "sourceDescriptions": [{"name": source, "url": f"./{openapi_name}", "type": "openapi"}],
            "workflows": [dict(w) for w in workflows],
        }
        if components:
            data["components"] = dict(components)
        return self.write(name, data)

    def flow(self, paths: Mapping[str, Any], steps: Sequence[Mapping[str, Any]], *,
             servers: Sequence[Mapping[str, Any]] | None = None, api_components: Mapping[str, Any] | None = None,
             source: str = SOURCE, components: Mapping[str, Any] | None = None,
             version: str = ARAZZO_1_0, openapi_version: str = "3.1.0", **workflow: Any) -> Path:
        """Both documents for one workflow ``flow`` with these steps; ``workflow`` adds workflow fields,
        ``version`` and ``openapi_version`` choose the Arazzo and OpenAPI versions."""
        self.openapi(paths, servers=servers, components=api_components, version=openapi_version)
        return self.arazzo([{"workflowId": WORKFLOW, **workflow, "steps": list(steps)}], source=source,
                           components=components, version=version)
