"""Checking that every claim's quote appears verbatim in its source document."""

from __future__ import annotations

import os
from collections.abc import Mapping

import attrs

from ._matrix import StanceMatrix
from ._model import Position

__all__ = ["QuoteFailure", "verify_quotes"]


@attrs.frozen
class QuoteFailure:
    """A claim whose quote could not be verified.

    Attributes:
        claim: The claim.
        reason: ``"no quote"`` (the claim has none), ``"no document"`` (no text was given
            for its source) or ``"not found"`` (the quote is not in the text).
    """

    claim: Position
    reason: str


def _squash(text: str) -> str:
    return " ".join(text.split())


def verify_quotes(matrix: StanceMatrix, documents: Mapping[str, str]) -> tuple[QuoteFailure, ...]:
    """Check each claim's quote against the text of the document its source names.

    Whitespace is compared loosely (any run of spaces, tabs and line breaks matches any
    other); everything else must match exactly, including case, curly quotes and dashes.

    Args:
        matrix: The matrix whose claims to check.
        documents: Document texts, keyed by source id, by the source's ``document`` (file
            name or URL), or by that document's base name; the first key found is used.

    Returns:
        The claims that failed, in the matrix's order, each with the reason; an empty
        tuple when every quote is verified.
    """
    texts: dict[str, str | None] = {}
    for source in matrix.sources:
        candidates = [source.id]
        if source.document is not None:
            candidates += [source.document, os.path.basename(source.document)]
        found = next((documents[c] for c in candidates if c in documents), None)
        texts[source.id] = None if found is None else _squash(found)
    failures = []
    for claim in matrix:
        text = texts[claim.source]
        if claim.quote is None:
            failures.append(QuoteFailure(claim, "no quote"))
        elif text is None:
            failures.append(QuoteFailure(claim, "no document"))
        elif _squash(claim.quote) not in text:
            failures.append(QuoteFailure(claim, "not found"))
    return tuple(failures)
