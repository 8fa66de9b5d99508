"""JSON: the lossless, versioned document (see :mod:`stancematrix._json`)."""

from __future__ import annotations

from typing import Final

from stancematrix._json import diff_to_json as render_diff
from stancematrix._json import read_json as read
from stancematrix._json import to_json as render

__all__ = ["EXTENSIONS", "NAME", "read", "render", "render_diff"]

NAME: Final = "json"
EXTENSIONS: Final = (".json",)
