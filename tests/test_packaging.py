"""The wheel ships the prompts, and installed code loads them with importlib.resources."""

from __future__ import annotations

import subprocess
import sys
import zipfile
from pathlib import Path

from tests.conftest import ROOT


def test_wheel_contains_prompts_and_loads_them_from_the_package(tmp_path: Path) -> None:
    subprocess.run(
        [
            sys.executable,
            "-m",
            "pip",
            "wheel",
            "--no-deps",
            "--no-build-isolation",
            "-q",
            "-w",
            str(tmp_path),
            str(ROOT),
        ],
        check=True,
        capture_output=True,
    )
    (wheel,) = tmp_path.glob("rulelaw_llm-*.whl")
    names = zipfile.ZipFile(wheel).namelist()
    prompts = sorted(p.name for p in (ROOT / "prompts").glob("*.md"))
    assert (
        sorted(n.split("/")[-1] for n in names if n.startswith("rulelaw_llm/prompts/")) == prompts
    )
    assert "rulelaw_llm/py.typed" in names

    code = (
        "import rulelaw_llm, rulelaw_llm.prompts as p; "
        "assert '.whl' in rulelaw_llm.__file__, rulelaw_llm.__file__; "
        "print(p.load_prompt('names').template[:10])"
    )
    result = subprocess.run(
        [sys.executable, "-c", code],
        cwd=tmp_path,
        capture_output=True,
        text=True,
        env={"PYTHONPATH": str(wheel), "PATH": "/usr/bin:/bin"},
    )
    assert result.returncode == 0, result.stderr
    assert result.stdout.strip() == load_first_line()


def load_first_line() -> str:
    return (ROOT / "prompts" / "names.v2.md").read_text(encoding="utf-8").strip()[:10]
