"""A light start: the rules path never loads the LLM SDKs or the optional readers/exporters.

Each check runs in a fresh interpreter, since this test process has long imported everything.
"""

from __future__ import annotations

import json
import os
import subprocess
import sys

import pytest

from tests.conftest import REPORTS, ROOT

SHENZHA = str(REPORTS / "shenzha-zhen-2024.txt")
#: Loaded only by the LLM backend (openai, instructor and what they pull in) or by the
#: optional extras (docx, pdf, html, export).
HEAVY = (
    "openai",
    "instructor",
    "httpx",
    "httpx2",
    "jinja2",
    "tenacity",
    "pandas",
    "pyarrow",
    "duckdb",
    "openpyxl",
    "bs4",
    "docx",
    "pypdf",
)
_REPORT_HEAVY = (
    "import sys, json; "
    f"heavy = {set(HEAVY)!r}; "
    "print(json.dumps(sorted(m for m in sys.modules if m.split('.')[0] in heavy)))"
)


def _run(code: str) -> subprocess.CompletedProcess[str]:
    """Run ``code`` in a fresh interpreter on this checkout, with no model configured."""
    environment = {
        name: value
        for name, value in os.environ.items()
        if not name.startswith("RULELAW_") and name != "PYTHONPATH"
    }
    environment["PYTHONPATH"] = str(ROOT)
    return subprocess.run(
        [sys.executable, "-c", code],
        cwd=ROOT,
        env=environment,
        capture_output=True,
        text=True,
        timeout=120,
    )


def _loaded_heavy_modules(code: str) -> list[str]:
    result = _run(f"{code}\n{_REPORT_HEAVY}")
    assert result.returncode == 0, result.stderr
    loaded: list[str] = json.loads(result.stdout.strip().splitlines()[-1])
    return loaded


def test_import_and_offline_summary_load_no_sdk_and_no_optional_library() -> None:
    code = (
        "import rulelaw_llm\n"
        f"report = rulelaw_llm.load_report({SHENZHA!r})\n"
        "summary = rulelaw_llm.summarize_offline(report)\n"
        "assert summary.entity == '申扎镇' and summary.indicators\n"
        "rulelaw_llm.to_markdown(summary)\n"
        "rulelaw_llm.find_quantities(report.text)\n"
    )
    assert _loaded_heavy_modules(code) == []


@pytest.mark.parametrize(
    "arguments",
    [["summarize", SHENZHA, "--offline"], ["summarize", SHENZHA], ["sections", SHENZHA]],
    ids=["offline", "nothing-configured", "sections"],
)
def test_cli_rules_path_loads_no_sdk(arguments: list[str]) -> None:
    code = (
        "import contextlib, io\n"
        "from rulelaw_llm.cli import main\n"
        "with contextlib.redirect_stdout(io.StringIO()):\n"
        f"    assert main({arguments!r}) == 0\n"
    )
    assert _loaded_heavy_modules(code) == []


def test_the_llm_backend_is_imported_on_first_use() -> None:
    code = (
        "import sys, rulelaw_llm\n"
        "assert 'instructor' not in sys.modules\n"
        "from rulelaw_llm import AsyncSummarizer, Summarizer\n"
        "from rulelaw_llm.llm.summarizer import Summarizer as Direct\n"
        "assert Summarizer is Direct and 'Summarizer' in dir(rulelaw_llm)\n"
    )
    assert "instructor" in _loaded_heavy_modules(code)


def test_an_unknown_attribute_is_still_an_attribute_error() -> None:
    import rulelaw_llm

    with pytest.raises(AttributeError, match="NoSuchThing"):
        rulelaw_llm.NoSuchThing  # noqa: B018
