"""Shared fixtures. The vcr configuration for cassette tests lives here too."""

from __future__ import annotations

import json
import os
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
import yaml

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


# --------------------------------------------------------------------------- cassettes
# Re-ask bodies carry pydantic's error text; without its versioned docs URL they stay
# stable across pydantic upgrades. Read once by pydantic-core, so set before any error.
os.environ["PYDANTIC_ERRORS_INCLUDE_URL"] = "0"

CASSETTES = ROOT / "cassettes"
#: Where cassettes were recorded: the local server of ../shared/tools/local-llm. While
#: recording, local-llm sets these variables to the same values.
LOCAL_BASE_URL = os.environ.get("RULELAW_BASE_URL", "http://127.0.0.1:8765/v1")
LOCAL_MODEL = os.environ.get("RULELAW_MODEL", "qwen2.5-1.5b")

_SECRET_HEADERS = (
    "authorization",
    "api-key",
    "x-api-key",
    "openai-organization",
    "openai-project",
    "cookie",
    "set-cookie",
)
_VOLATILE_HEADERS = (
    "date",
    "server",
    "x-request-id",
    "openai-processing-ms",
    "cf-ray",
    "x-stainless-os",
    "x-stainless-arch",
    "x-stainless-runtime-version",
    "x-stainless-package-version",
    "x-stainless-runtime",
    "user-agent",
    "x-stainless-async",
    "x-stainless-lang",
    "x-stainless-read-timeout",
    "x-stainless-timeout",
)


def _scrub_response(response: dict[str, Any]) -> dict[str, Any]:
    headers = response.get("headers", {})
    for name in list(headers):
        if name.lower() in _SECRET_HEADERS + _VOLATILE_HEADERS:
            del headers[name]
    return response


@pytest.fixture(scope="module")
def vcr_config() -> dict[str, Any]:
    # No record_mode here: it would override --record-mode on the command line.
    return {
        "filter_headers": list(_SECRET_HEADERS + _VOLATILE_HEADERS),
        "before_record_response": _scrub_response,
        "decode_compressed_response": True,
        "match_on": ["method", "scheme", "host", "port", "path", "query", "body"],
    }


@pytest.fixture(scope="module")
def vcr_cassette_dir(request: pytest.FixtureRequest) -> str:
    module = request.module.__name__.split(".")[-1]
    return str(CASSETTES / module)


class _UnicodeYaml:
    """vcrpy serializer: YAML with Chinese kept readable (the default escapes it)."""

    @staticmethod
    def serialize(cassette: dict[str, Any]) -> str:
        return str(yaml.dump(cassette, Dumper=yaml.SafeDumper, allow_unicode=True, width=120))

    @staticmethod
    def deserialize(text: str) -> dict[str, Any]:
        data = yaml.load(text, Loader=yaml.SafeLoader)
        return data if isinstance(data, dict) else {}


def pytest_recording_configure(config: pytest.Config, vcr: Any) -> None:
    vcr.register_serializer("yaml", _UnicodeYaml)


@pytest.fixture
def played(vcr: Any, request: pytest.FixtureRequest) -> Iterator[Any]:
    """The cassette of a test; on replay the test fails unless every interaction was played."""
    yield vcr
    if request.config.getoption("--record-mode") == "none":
        assert vcr.all_played, (
            f"cassette not fully played: {vcr.play_count} of {len(vcr.data)} interactions"
        )
