"""The ``MISSING`` sentinel: "there is no value here", kept apart from JSON ``null`` (``None``)."""

from __future__ import annotations

from typing import ClassVar, Final, final


@final
class Missing:
    """Type of :data:`MISSING`; there is exactly one instance.

    It is falsy, equal only to itself and survives ``copy``/``pickle`` as the same object, so call sites can
    test ``value is MISSING``.
    """

    __slots__ = ()
    _instance: ClassVar[Missing | None] = None

    def __new__(cls) -> Missing:
        if cls._instance is None:
            cls._instance = super().__new__(cls)
        return cls._instance

    def __repr__(self) -> str:
        return "MISSING"

    def __bool__(self) -> bool:
        return False

    def __reduce__(self) -> str:
        return "MISSING"

    def __copy__(self) -> Missing:
        return self

    def __deepcopy__(self, memo: object) -> Missing:
        return self


MISSING: Final = Missing()
"""What an expression yields when the referenced value does not exist (distinct from JSON ``null``)."""
