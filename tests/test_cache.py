"""The result cache never serves a result that the current code would not produce."""

from __future__ import annotations

import asyncio
import json
import os
import shutil
import subprocess
import sys
from collections.abc import Iterator
from pathlib import Path

import pytest

from rulelaw_llm.corpus.batch import BatchRunner
from rulelaw_llm.llm import cache as cache_module
from rulelaw_llm.llm.cache import ResultCache, code_fingerprint, fingerprint_of
from tests.conftest import REPORTS, ROOT

KA_XIANG = REPORTS / "ka-xiang-2024.txt"
#: Appended to a copy of digest.py: the same library with a different digest template.
CHANGED_TEMPLATE = """

_original_opening = opening


def opening(subject):  # type: ignore[no-redef]
    return "（改过的模板）" + _original_opening(subject)
"""


@pytest.fixture(autouse=True)
def _fresh_fingerprint() -> Iterator[None]:
    """The fingerprint is computed once per process: start and end each test afresh."""
    code_fingerprint.cache_clear()
    yield
    code_fingerprint.cache_clear()


def _copy_library(destination: Path) -> tuple[Path, Path]:
    """A copy of the package and its prompt files, as a source checkout has them."""
    package = shutil.copytree(
        ROOT / "rulelaw_llm",
        destination / "rulelaw_llm",
        ignore=shutil.ignore_patterns("__pycache__"),
    )
    prompts = shutil.copytree(ROOT / "prompts", destination / "prompts")
    return Path(package), Path(prompts)


def test_the_fingerprint_covers_every_source_prompt_and_data_file(tmp_path: Path) -> None:
    package, prompts = _copy_library(tmp_path)
    folders = [package, prompts]
    original = fingerprint_of(folders)
    assert fingerprint_of(folders) == original  # stable

    digest = package / "rules" / "digest.py"
    source = digest.read_text(encoding="utf-8")
    digest.write_text(
        source.replace("DEFAULT_DIGEST_CHARS = 250", "DEFAULT_DIGEST_CHARS = 251"), "utf-8"
    )
    assert fingerprint_of(folders) != original
    digest.write_text(source, encoding="utf-8")
    assert fingerprint_of(folders) == original

    (prompts / "new-task.v1.md").write_text("一个新的提示词", encoding="utf-8")
    with_new_prompt = fingerprint_of(folders)
    assert with_new_prompt != original  # the folder is listed, not a fixed list of names
    (package / "style.css").write_text("body{}", encoding="utf-8")
    assert fingerprint_of(folders) != with_new_prompt  # package data counts too

    (package / "__pycache__").mkdir()
    (package / "__pycache__" / "digest.cpython-311.pyc").write_bytes(b"bytecode")
    assert fingerprint_of(folders) == fingerprint_of([package, prompts])


def test_the_fingerprint_is_computed_once_per_process(monkeypatch: pytest.MonkeyPatch) -> None:
    calls: list[int] = []
    real = cache_module._fingerprint_sources

    def counted() -> list[Path]:
        calls.append(1)
        return real()

    monkeypatch.setattr(cache_module, "_fingerprint_sources", counted)
    assert code_fingerprint() == code_fingerprint()
    assert len(calls) == 1


def _run(runner: BatchRunner, inputs: list[str]) -> list[object]:
    async def collect() -> list[object]:
        return [record async for record in runner.run(inputs)]

    return asyncio.run(collect())


def test_a_cache_entry_misses_once_the_library_code_changed(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    with ResultCache(tmp_path / "cache.sqlite3") as cache:
        _run(BatchRunner(tmp_path / "a.jsonl", cache=cache), [str(KA_XIANG)])
        again = BatchRunner(tmp_path / "b.jsonl", cache=cache)
        _run(again, [str(KA_XIANG)])
        assert again.stats.cached == 1

        package, prompts = _copy_library(tmp_path / "changed")
        with (package / "rules" / "digest.py").open("a", encoding="utf-8") as handle:
            handle.write("\n# a change of the library code\n")
        monkeypatch.setattr(cache_module, "_fingerprint_sources", lambda: [package, prompts])
        code_fingerprint.cache_clear()

        changed = BatchRunner(tmp_path / "c.jsonl", cache=cache)
        _run(changed, [str(KA_XIANG)])
        assert changed.stats.cached == 0


def test_an_edited_digest_template_is_never_served_from_the_cache(tmp_path: Path) -> None:
    """The issue's case: edit the library, re-run batch --offline: the new code's result."""
    package, _ = _copy_library(tmp_path / "src")
    cache = tmp_path / "cache.sqlite3"
    environment = {**os.environ, "PYTHONPATH": str(tmp_path / "src")}
    for name in ("RULELAW_PROVIDER", "RULELAW_MODEL", "RULELAW_BASE_URL", "RULELAW_API_KEY"):
        environment.pop(name, None)

    def batch(output: Path) -> dict[str, object]:
        command = [sys.executable, "-m", "rulelaw_llm.cli", "batch", str(KA_XIANG)]
        command += ["-o", str(output), "--offline", "--cache", str(cache)]
        # cwd: `python -m` puts the working directory first on sys.path.
        subprocess.run(
            command, env=environment, cwd=tmp_path, check=True, capture_output=True, timeout=300
        )
        record: dict[str, object] = json.loads(output.read_text(encoding="utf-8"))
        return record

    first = batch(tmp_path / "a.jsonl")
    assert batch(tmp_path / "b.jsonl")["cached"] is True  # unchanged code: served
    with (package / "rules" / "digest.py").open("a", encoding="utf-8") as handle:
        handle.write(CHANGED_TEMPLATE)

    after = batch(tmp_path / "c.jsonl")

    assert after["cached"] is False
    summary = after["summary"]
    assert isinstance(summary, dict) and str(summary["digest"]).startswith("（改过的模板）")
    assert after["code"] != first["code"]


@pytest.mark.parametrize(
    ("option", "value", "changes"),
    [
        ("scope", "all", True),
        ("keys_per_request", 3, True),
        ("reask_budget", 1, True),
        ("reask_stop", 0, True),
        ("digest_chars", 120, True),
        ("concurrency", 32, False),
        ("timeout", 5.0, False),
        ("transport_retries", 0, False),
    ],
)
def test_the_cache_key_and_the_resume_key_cover_every_setting_that_changes_a_result(
    option: str, value: object, changes: bool
) -> None:
    from rulelaw_llm.corpus.batch import settings_key
    from rulelaw_llm.llm.cache import cache_key
    from rulelaw_llm.llm.summarizer import AsyncSummarizer
    from rulelaw_llm.reading.document import load_report

    def keys(**options: object) -> tuple[str, str]:
        summarizer = AsyncSummarizer(
            base_url="http://127.0.0.1:9/v1", model="m", api_key="k", **options
        )  # type: ignore[arg-type]
        report = load_report(REPORTS / "ka-xiang-2024.txt")
        return (
            settings_key(summarizer),
            cache_key(report, summarizer.config, summarizer.settings),
        )

    base, other = keys(), keys(**{option: value})
    assert (base[0] != other[0], base[1] != other[1]) == (changes, changes)
