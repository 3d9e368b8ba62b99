"""The public surface is small, explicit and sorted."""

from __future__ import annotations

import os
import re
import subprocess
import sys

import rulelaw_llm
from tests.conftest import ROOT


def test_all_is_sorted_and_complete() -> None:
    assert rulelaw_llm.__all__ == sorted(rulelaw_llm.__all__)
    for name in rulelaw_llm.__all__:
        assert getattr(rulelaw_llm, name) is not None
    public = {name for name in vars(rulelaw_llm) if not name.startswith("_")}
    modules = {name for name in public if type(getattr(rulelaw_llm, name)).__name__ == "module"}
    assert public - modules == set(rulelaw_llm.__all__)


def test_batch_cache_and_results_never_import_the_llm_sdks() -> None:
    """They serve the offline path too, which must not load openai or instructor."""
    code = (
        "import sys\n"
        "from rulelaw_llm import BatchRunner, ResultCache, read_results\n"
        "import rulelaw_llm.corpus.batch, rulelaw_llm.llm.cache, rulelaw_llm.results, rulelaw_llm.corpus.progress\n"
        "print(sorted(m for m in sys.modules if m.split('.')[0] in ('openai', 'instructor')"
        " or m == 'rulelaw_llm.llm.summarizer'))"
    )
    environment = {
        name: value
        for name, value in os.environ.items()
        if not name.startswith("RULELAW_") and name != "PYTHONPATH"
    }
    environment["PYTHONPATH"] = str(ROOT)
    finished = subprocess.run(
        [sys.executable, "-c", code],
        cwd=ROOT,
        env=environment,
        capture_output=True,
        text=True,
        timeout=120,
        check=True,
    )
    assert finished.stdout.strip() == "[]"


def test_the_readme_imports_only_public_names() -> None:
    readme = (ROOT / "README.md").read_text(encoding="utf-8")
    for module, names in re.findall(r"^from (rulelaw_llm\S*) import (.+)$", readme, re.MULTILINE):
        assert module == "rulelaw_llm", f"README imports from internal module {module}"
        for name in names.split(","):
            assert name.strip() in rulelaw_llm.__all__, name
