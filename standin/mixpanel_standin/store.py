"""SQLite storage of events, identity links and profiles, safe to share between threads."""

from __future__ import annotations

import json
import sqlite3
import threading
from collections.abc import Collection, Iterable
from dataclasses import dataclass
from typing import Any

__all__ = ["EventStore", "IdentityLink", "StoredEvent"]

_SCHEMA = """
CREATE TABLE IF NOT EXISTS events (
    id INTEGER PRIMARY KEY AUTOINCREMENT,
    name TEXT NOT NULL,
    distinct_id TEXT NOT NULL,
    time_ms INTEGER NOT NULL,
    insert_id TEXT NOT NULL,
    properties TEXT NOT NULL,
    received_ms INTEGER NOT NULL,
    UNIQUE (name, distinct_id, time_ms, insert_id) ON CONFLICT REPLACE
);
CREATE INDEX IF NOT EXISTS events_by_time ON events (time_ms);
CREATE TABLE IF NOT EXISTS identity_links (
    id INTEGER PRIMARY KEY AUTOINCREMENT,
    kind TEXT NOT NULL,
    source_id TEXT NOT NULL,
    target_id TEXT NOT NULL
);
CREATE TABLE IF NOT EXISTS profiles (
    distinct_id TEXT PRIMARY KEY,
    properties TEXT NOT NULL
);
"""


@dataclass(frozen=True)
class StoredEvent:
    """An accepted event as the store keeps it.

    ``properties`` holds what the client sent minus the token, with ``time`` in seconds,
    ``distinct_id`` and ``$insert_id`` filled in; treat it as read-only.
    """

    name: str
    distinct_id: str
    time_ms: int
    insert_id: str
    properties: dict[str, Any]
    received_ms: int = 0


@dataclass(frozen=True)
class IdentityLink:
    """A merge of ``source_id`` into ``target_id`` (``kind``: identify, alias or merge)."""

    kind: str
    source_id: str
    target_id: str


class EventStore:
    """All persistent state of the stand-in behind one lock.

    One connection is shared (``check_same_thread=False``) and every access holds ``_lock``: uvicorn
    serves from its own thread while tests and the demo read from theirs, and an in-memory database
    exists only inside the connection that created it.
    """

    def __init__(self, database: str = ":memory:") -> None:
        """Open (and create if needed) the database at ``database``."""
        self._lock = threading.Lock()
        self._conn = sqlite3.connect(database, check_same_thread=False)
        with self._lock, self._conn:
            self._conn.executescript(_SCHEMA)

    def close(self) -> None:
        """Close the connection; the store is unusable afterwards."""
        with self._lock:
            self._conn.close()

    def add_events(self, events: Iterable[StoredEvent]) -> int:
        """Store events; one equal in (name, distinct_id, time, $insert_id) to a stored one replaces it.

        Returns:
            How many events were written.
        """
        rows = [
            (e.name, e.distinct_id, e.time_ms, e.insert_id, json.dumps(e.properties), e.received_ms)
            for e in events
        ]
        with self._lock, self._conn:
            self._conn.executemany(
                "INSERT INTO events (name, distinct_id, time_ms, insert_id, properties, received_ms)"
                " VALUES (?, ?, ?, ?, ?, ?)",
                rows,
            )
        return len(rows)

    def events_between(
        self, start_ms: int, end_ms: int, names: Collection[str] | None = None
    ) -> list[StoredEvent]:
        """Events with ``start_ms <= time_ms < end_ms``, optionally only those named in ``names``."""
        sql = "SELECT name, distinct_id, time_ms, insert_id, properties, received_ms FROM events"
        sql += " WHERE time_ms >= ? AND time_ms < ?"
        params: list[object] = [start_ms, end_ms]
        if names is not None:
            wanted = list(names)
            sql += f" AND name IN ({', '.join('?' for _ in wanted)})"
            params.extend(wanted)
        with self._lock:
            rows = self._conn.execute(sql + " ORDER BY time_ms, id", params).fetchall()
        return [StoredEvent(r[0], r[1], r[2], r[3], json.loads(r[4]), r[5]) for r in rows]

    def count_events(self) -> int:
        """How many events are stored."""
        with self._lock:
            (count,) = self._conn.execute("SELECT COUNT(*) FROM events").fetchone()
        return int(count)

    def add_link(self, link: IdentityLink) -> None:
        """Record an identity merge."""
        with self._lock, self._conn:
            self._conn.execute(
                "INSERT INTO identity_links (kind, source_id, target_id) VALUES (?, ?, ?)",
                (link.kind, link.source_id, link.target_id),
            )

    def links(self) -> list[IdentityLink]:
        """Every identity merge, oldest first."""
        with self._lock:
            rows = self._conn.execute("SELECT kind, source_id, target_id FROM identity_links ORDER BY id")
            return [IdentityLink(kind, source, target) for kind, source, target in rows.fetchall()]

    def profile(self, distinct_id: str) -> dict[str, Any] | None:
        """The stored properties of a user profile, or None when there is none."""
        with self._lock:
            row = self._conn.execute(
                "SELECT properties FROM profiles WHERE distinct_id = ?", (distinct_id,)
            ).fetchone()
        return None if row is None else dict(json.loads(row[0]))

    def save_profile(self, distinct_id: str, properties: dict[str, Any] | None) -> None:
        """Replace a user profile's properties; None deletes the profile."""
        with self._lock, self._conn:
            if properties is None:
                self._conn.execute("DELETE FROM profiles WHERE distinct_id = ?", (distinct_id,))
            else:
                self._conn.execute(
                    "INSERT OR REPLACE INTO profiles (distinct_id, properties) VALUES (?, ?)",
                    (distinct_id, json.dumps(properties)),
                )
