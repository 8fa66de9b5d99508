"""How the engine meets its face: a matrix is an object whose one piece of state is a store.

:class:`~stancematrix.StanceMatrix` keeps its :class:`~.store.Store` in a ``_store``
slot and nothing else. Modules that work on matrices read the store with
:func:`store_of` and give results back as matrices with :func:`face`, so none of them
needs the matrix's private attributes, and none needs to import the matrix class: the
engine does not depend on its face, and the face's modules can use the engine.
"""

from __future__ import annotations

from typing import Protocol, TypeVar

from stancematrix.exceptions import InvalidValueError

from .store import Store

__all__ = ["Faced", "face", "store_of"]


class Faced(Protocol):
    """A matrix, as the engine sees it: an object holding a store."""

    _store: Store


F = TypeVar("F", bound=Faced)


def store_of(matrix: object, name: str = "matrix") -> Store:
    """The store behind *matrix*.

    Raises:
        InvalidValueError: If *matrix* is not a matrix (named *name* in the message).
    """
    store = getattr(matrix, "_store", None)
    if not isinstance(store, Store):
        raise InvalidValueError(name, matrix, "must be a StanceMatrix")
    return store


def face(like: type[F] | F, store: Store) -> F:
    """A new matrix of *like*'s class (or of the class *like*) over *store*."""
    cls = like if isinstance(like, type) else type(like)
    new = object.__new__(cls)
    new._store = store
    return new
