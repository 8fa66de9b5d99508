"""Shared test configuration: hypothesis profiles and the optional seed documents."""

from __future__ import annotations

import os
from pathlib import Path

import pytest
from hypothesis import HealthCheck, settings

# "ci" is derandomised, so a CI run is reproducible (and every run tries the same
# examples); it runs hypothesis's default 100 per property, unless a test asks for more.
# "dev" is quick and random, so local runs keep finding new cases. "thorough" is a long
# random sweep to run by hand before a release (about an hour on two CPUs).
settings.register_profile(
    "ci",
    max_examples=100,
    derandomize=True,
    deadline=None,
    suppress_health_check=[HealthCheck.too_slow],
)
settings.register_profile("dev", max_examples=60, deadline=None)
settings.register_profile(
    "thorough", max_examples=1000, deadline=None, suppress_health_check=[HealthCheck.too_slow]
)
settings.load_profile(os.environ.get("HYPOTHESIS_PROFILE", "ci" if os.environ.get("CI") else "dev"))

ROOT = Path(__file__).resolve().parent.parent
SEEDS = ROOT.parent / "shared" / "seeds"


@pytest.fixture(scope="session")
def seed_documents() -> dict[str, str]:
    """The five seed articles keyed by file name; skips when ../shared is absent."""
    if not SEEDS.is_dir():
        pytest.skip(f"seed documents not found at {SEEDS}")
    return {path.name: path.read_text(encoding="utf-8") for path in sorted(SEEDS.glob("*.txt"))}


@pytest.fixture(autouse=True)
def _terminal_80_columns(monkeypatch: pytest.MonkeyPatch) -> None:
    """Text output is drawn for an 80-column terminal unless a test says otherwise."""
    monkeypatch.setenv("COLUMNS", "80")
