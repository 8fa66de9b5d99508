"""A wall-clock bound for the tests that guard against hangs on small hostile input.

The bounds are generous (the work takes a small fraction of them on a loaded machine)
and the inputs are sized so the quadratic or exponential code they guard against takes
many times longer.
"""

from __future__ import annotations

import time
from collections.abc import Callable
from typing import TypeVar

T = TypeVar("T")

#: Seconds any one hostile-input call may take.
BOUND = 2.0


def timed(call: Callable[[], T]) -> tuple[float, T]:
    """The wall-clock seconds *call* took, and what it returned."""
    start = time.perf_counter()
    result = call()
    return time.perf_counter() - start, result
