"""Shared fixtures. The vcr configuration for cassette tests lives here too."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import pytest

ROOT = Path(__file__).resolve().parent.parent
REPORTS = ROOT / "examples" / "reports"
GOLD = ROOT / "examples" / "gold"
EXPECTED = Path(__file__).resolve().parent / "expected"
SAMPLES = sorted(path.stem for path in REPORTS.glob("*.txt"))


def load_json(path: Path) -> Any:
    return json.loads(path.read_text(encoding="utf-8"))


@pytest.fixture(params=SAMPLES)
def sample(request: pytest.FixtureRequest) -> str:
    """The slug of each sample report in turn (e.g. ``shenzha-zhen-2024``)."""
    return str(request.param)
