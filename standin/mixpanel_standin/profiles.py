"""The ``/engage`` profile operations (``$set``, ``$add``, ...), as pure functions over a property dict."""

from __future__ import annotations

from collections.abc import Callable, Mapping
from typing import Any

from mixpanel_standin.payloads import PayloadError

__all__ = ["OPERATIONS", "apply_update"]

Properties = dict[str, Any]
Operation = Callable[[Properties, Any], Properties | None]

# Keys of an update object that are not operations.
_META_KEYS = frozenset({"$token", "$distinct_id", "$ip", "$time", "$ignore_time", "$ignore_alias"})


def _mapping(name: str, value: Any) -> Mapping[str, Any]:
    if not isinstance(value, dict):
        raise PayloadError(f"{name}, must be a JSON object")
    return value


def _set(profile: Properties, value: Any) -> Properties:
    profile.update(_mapping("$set", value))
    return profile


def _set_once(profile: Properties, value: Any) -> Properties:
    for key, item in _mapping("$set_once", value).items():
        profile.setdefault(key, item)
    return profile


def _add(profile: Properties, value: Any) -> Properties:
    for key, delta in _mapping("$add", value).items():
        current = profile.get(key, 0)
        if isinstance(delta, bool) or not isinstance(delta, int | float):
            raise PayloadError(f"$add, value of {key!r} must be a number")
        if isinstance(current, bool) or not isinstance(current, int | float):
            raise PayloadError(f"$add, property {key!r} is not numeric")
        profile[key] = current + delta
    return profile


def _list_of(profile: Properties, key: str) -> list[Any]:
    current = profile.get(key)
    if current is None:
        return []
    return list(current) if isinstance(current, list) else [current]


def _append(profile: Properties, value: Any) -> Properties:
    for key, item in _mapping("$append", value).items():
        profile[key] = [*_list_of(profile, key), item]
    return profile


def _union(profile: Properties, value: Any) -> Properties:
    for key, items in _mapping("$union", value).items():
        merged = _list_of(profile, key)
        for item in items if isinstance(items, list) else [items]:
            if item not in merged:
                merged.append(item)
        profile[key] = merged
    return profile


def _remove(profile: Properties, value: Any) -> Properties:
    for key, item in _mapping("$remove", value).items():
        profile[key] = [existing for existing in _list_of(profile, key) if existing != item]
    return profile


def _unset(profile: Properties, value: Any) -> Properties:
    if not isinstance(value, list) or not all(isinstance(name, str) for name in value):
        raise PayloadError("$unset, must be an array of property names")
    for name in value:
        profile.pop(name, None)
    return profile


def _delete(profile: Properties, value: Any) -> None:
    return None


OPERATIONS: Mapping[str, Operation] = {
    "$set": _set,
    "$set_once": _set_once,
    "$add": _add,
    "$append": _append,
    "$union": _union,
    "$remove": _remove,
    "$unset": _unset,
    "$delete": _delete,
}


def apply_update(profile: Properties | None, update: Mapping[str, Any]) -> Properties | None:
    """Apply every operation of one update object to a copy of ``profile``.

    Returns:
        The new properties, or None when the update deletes the profile.

    Raises:
        PayloadError: For an unknown operation, an update without any, or a malformed operand.
    """
    operations = [key for key in update if key not in _META_KEYS]
    if not operations:
        raise PayloadError("Engage API error: no profile operation given")
    unknown = [key for key in operations if key not in OPERATIONS]
    if unknown:
        raise PayloadError(f"Engage API error: unknown operation {unknown[0]!r}")
    result: Properties | None = dict(profile or {})
    for key in operations:
        if result is None:
            break
        result = OPERATIONS[key](result, update[key])
    return result
