"""A local, stateful stand-in for Mixpanel's ingestion, identity and query HTTP APIs.

Build it with :func:`create_app` (a pure ASGI application), serve it with
:func:`mixpanel_standin.server.serve_in_thread` or ``python -m mixpanel_standin``. It keeps events in
SQLite, merges identities, and computes segmentation from what it stored, so a workflow that
tracks an event and then segments it sees its own event. Defaults: service account
``demo-sa:demo-secret``, project id ``123456``, token ``demo-token``.
"""

from __future__ import annotations

from mixpanel_standin.app import RequestRecord, StandinApp, create_app
from mixpanel_standin.config import StandinConfig

__all__ = ["RequestRecord", "StandinApp", "StandinConfig", "create_app"]
