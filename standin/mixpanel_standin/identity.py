"""Identity merging (Original ID Merge rules) and the seed's ``/identity/*`` endpoints.

Real Mixpanel has no ``/identity/*`` resource: identities are merged by ``$identify`` and
``$create_alias`` events sent to ``/track`` and ``$merge`` events sent to ``/import``. The seed's
identity description invents ``POST /identity/create`` and friends; the stand-in serves them as
thin shims that record the equivalent special event, so both routes lead to the same merges.
"""

from __future__ import annotations

import json
import uuid
from collections.abc import Callable, Iterable
from typing import Any

from mixpanel_standin.auth import authenticate, unauthorized
from mixpanel_standin.config import StandinConfig
from mixpanel_standin.http import Handler, Request, Response, json_response
from mixpanel_standin.payloads import PayloadError, decode_data, stored_event, text_id
from mixpanel_standin.store import EventStore, IdentityLink, StoredEvent

__all__ = ["IdentityGraph", "IdentityRoutes", "canonical_ids"]


def canonical_ids(links: Iterable[IdentityLink]) -> dict[str, str]:
    """Map every id that takes part in a merge to one representative of its cluster (union-find).

    The target of a link becomes the root, so after ``$identify`` the identified id represents
    the cluster. Ids that were never merged are absent: look them up with ``.get(id, id)``.
    """
    parent: dict[str, str] = {}

    def find(node: str) -> str:
        parent.setdefault(node, node)
        while parent[node] != node:
            parent[node] = parent[parent[node]]
            node = parent[node]
        return node

    for link in links:
        source, target = find(link.source_id), find(link.target_id)
        if source != target:
            parent[source] = target
    return {node: find(node) for node in parent}


def _is_uuid4(value: str) -> bool:
    try:
        return uuid.UUID(value).version == 4
    except ValueError:
        return False


class IdentityGraph:
    """Applies the merge rules of Mixpanel's Original ID Merge to the links kept in the store."""

    def __init__(self, store: EventStore, *, require_uuid_anon_id: bool = False) -> None:
        """Use ``store`` for the links; see :class:`StandinConfig` for ``require_uuid_anon_id``."""
        self._store = store
        self._require_uuid = require_uuid_anon_id
        self._event_rules: dict[str, Callable[[dict[str, Any]], bool]] = {
            "$identify": lambda p: self.identify(text_id(p.get("$anon_id")), text_id(p.get("$identified_id"))),
            "$create_alias": lambda p: self.alias(text_id(p.get("alias")), text_id(p.get("distinct_id"))),
        }

    def identify(self, anon_id: str, identified_id: str) -> bool:
        """Merge an anonymous id into an identified one; False when the rules forbid it.

        An anonymous id merges only once (a second ``$identify`` naming another user is ignored)
        and, if configured, only when it is a UUIDv4.
        """
        if not anon_id or not identified_id or anon_id == identified_id:
            return False
        if self._require_uuid and not _is_uuid4(anon_id):
            return False
        for link in self._store.links():
            if link.kind == "identify" and link.source_id == anon_id:
                return link.target_id == identified_id
        self._store.add_link(IdentityLink("identify", anon_id, identified_id))
        return True

    def alias(self, alias: str, distinct_id: str) -> bool:
        """Point a new alias at an existing id; an alias maps to one id only."""
        if not alias or not distinct_id or alias == distinct_id:
            return False
        if any(link.kind == "alias" and link.source_id == alias for link in self._store.links()):
            return False
        self._store.add_link(IdentityLink("alias", alias, distinct_id))
        return True

    def merge(self, first: str, second: str) -> bool:
        """Merge two ids unconditionally (the ``$merge`` event of ``/import``)."""
        if not first or not second or first == second:
            return False
        self._store.add_link(IdentityLink("merge", first, second))
        return True

    def apply(self, event: StoredEvent, *, via_import: bool = False) -> bool:
        """Apply the merge a special event asks for; ``$merge`` counts only when it came via ``/import``."""
        if event.name == "$merge" and via_import:
            ids = event.properties.get("$distinct_ids")
            if isinstance(ids, list) and len(ids) == 2:
                return self.merge(text_id(ids[0]), text_id(ids[1]))
            return False
        rule = self._event_rules.get(event.name)
        return rule(event.properties) if rule else False

    def canonical(self) -> dict[str, str]:
        """The current id → cluster representative mapping (see :func:`canonical_ids`)."""
        return canonical_ids(self._store.links())


class IdentityRoutes:
    """Handlers of the seed-only ``/identity/create``, ``/identity/create-alias`` and ``/identity/merge``."""

    def __init__(self, config: StandinConfig, store: EventStore, graph: IdentityGraph) -> None:
        """Serve identity requests for ``config``'s project, storing into ``store``."""
        self._config = config
        self._store = store
        self._graph = graph

    def routes(self) -> dict[tuple[str, str], Handler]:
        """The (method, path) → handler table."""
        return {
            ("POST", "/identity/create"): self.create_identity,
            ("POST", "/identity/create-alias"): self.create_alias,
            ("POST", "/identity/merge"): self.merge,
        }

    def create_identity(self, request: Request) -> Response:
        """Record an ``$identify`` of ``$anon_id`` as ``$identified_id``; Basic credentials are ignored."""
        return self._as_event(request, "$identify", ("$identified_id", "$anon_id"))

    def create_alias(self, request: Request) -> Response:
        """Record a ``$create_alias`` of ``alias`` for ``distinct_id``."""
        return self._as_event(request, "$create_alias", ("alias", "distinct_id"))

    def merge(self, request: Request) -> Response:
        """Merge the two ``$distinct_ids``; needs service-account credentials like the real ``/import``."""
        try:
            authenticate(request, self._config, allow_token=True)
        except PermissionError as exc:
            return unauthorized(str(exc))
        return self._as_event(request, "$merge", ("$distinct_ids",))

    def _as_event(self, request: Request, name: str, required: tuple[str, ...]) -> Response:
        try:
            fields = _body_object(request)
            for key in required:
                if fields.get(key) in (None, "", []):
                    raise PayloadError(f"{key}, missing or empty")
            properties = {key: value for key, value in fields.items() if key != "$token"}
            properties["token"] = fields.get("$token") or fields.get("token")
            expected = self._config.project_token if self._config.strict_token else None
            event = stored_event(
                {"event": name, "properties": properties},
                now_ms=self._config.now_ms(),
                expected_token=expected,
            )
        except PayloadError as exc:
            message = str(exc).replace("token, missing", "$token, missing", 1)
            return json_response({"status": 0, "error": message})
        self._store.add_events([event])
        self._graph.apply(event, via_import=True)
        # The seed's IdentityResponse types `error` as a string, so success omits it rather than sending null.
        return json_response({"status": 1})


def _body_object(request: Request) -> dict[str, Any]:
    form = request.form()
    raw: Any
    if "data" in form:
        raw = decode_data(form["data"])
    else:
        try:
            raw = json.loads(request.body or b"null")
        except ValueError as exc:
            raise PayloadError(f"body, not valid JSON: {exc}") from None
    if isinstance(raw, dict) and isinstance(raw.get("properties"), dict):
        raw = raw["properties"]
    if not isinstance(raw, dict):
        raise PayloadError("body, must be a JSON object")
    return raw
