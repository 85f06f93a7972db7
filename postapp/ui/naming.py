"""Object names: tests and accessibility tools find widgets by them."""

from __future__ import annotations

from typing import TypeVar

from PySide6.QtCore import QObject

Q = TypeVar("Q", bound=QObject)


def named(obj: Q, name: str) -> Q:
    """Sets the object name and returns the object, so widgets can be named where they are made."""
    obj.setObjectName(name)
    return obj
