"""The wheel ships the prompts and the review page's assets; installed code loads them with
importlib.resources, and so does a checkout or an editable install (the package folder)."""

from __future__ import annotations

import ast
import re
import subprocess
import sys
import zipfile
from importlib import metadata
from pathlib import Path
from typing import Any

import pytest

from tests.conftest import ROOT

#: Renders a review page of one summary and prints whether the style and script came along.
RENDER_REVIEW = (
    "import rulelaw_llm, sys; from rulelaw_llm import load_report, summarize_offline; "
    "from rulelaw_llm.corpus.review import render_review; "
    "page = render_review([summarize_offline(load_report(sys.argv[1]))]); "
    "print(rulelaw_llm.__file__); "
    "print('nav.reports{' in page, 'DecompressionStream' in page)"
)
ASSETS = ROOT / "rulelaw_llm" / "corpus" / "review_assets"


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
    assets = sorted(path.name for path in ASSETS.iterdir())
    assert assets == ["review.css", "review.js", "review_kinds.css", "review_kinds.js"]
    assert sorted(n.split("/")[-1] for n in names if "/review_assets/" in n) == assets

    code = (
        "import rulelaw_llm, rulelaw_llm.llm.prompts as p; "
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

    sample = ROOT / "examples" / "reports" / "wutong-zhen-2024.txt"
    review = subprocess.run(
        [sys.executable, "-c", RENDER_REVIEW, str(sample)],
        cwd=tmp_path,
        capture_output=True,
        text=True,
        env={"PYTHONPATH": str(wheel), "PATH": "/usr/bin:/bin"},
    )
    assert review.returncode == 0, review.stderr
    assert review.stdout.split("\n")[1:] == ["True True", ""]


def test_a_checkout_or_editable_install_finds_the_review_assets(tmp_path: Path) -> None:
    """An editable install puts the project folder on the path, as PYTHONPATH does here."""
    sample = ROOT / "examples" / "reports" / "wutong-zhen-2024.txt"
    review = subprocess.run(
        [sys.executable, "-c", RENDER_REVIEW, str(sample)],
        cwd=tmp_path,
        capture_output=True,
        text=True,
        env={"PYTHONPATH": str(ROOT), "PATH": "/usr/bin:/bin"},
    )
    assert review.returncode == 0, review.stderr
    module, found, _ = review.stdout.split("\n")
    assert module == str(ROOT / "rulelaw_llm" / "__init__.py")
    assert found == "True True"


def load_first_line() -> str:
    return (ROOT / "prompts" / "names.v3.md").read_text(encoding="utf-8").strip()[:10]


def _requirement_name(requirement: str) -> str:
    return re.split(r"[\s<>=!~;\[]", requirement, maxsplit=1)[0].lower().replace("_", "-")


def _extra(project: dict[str, Any], name: str) -> set[str]:
    """The distributions an extra brings, its references to other extras followed."""
    names: set[str] = set()
    for requirement in project["optional-dependencies"][name]:
        included = re.fullmatch(r"rulelaw-llm\[([a-z,\-]+)\]", requirement)
        if included is None:
            names.add(_requirement_name(requirement))
        else:
            for other in included.group(1).split(","):
                names |= _extra(project, other)
    return names


def test_the_test_extra_declares_every_library_the_tests_import() -> None:
    tomllib = pytest.importorskip("tomllib")  # Python ≥ 3.11
    project = tomllib.loads((ROOT / "pyproject.toml").read_text(encoding="utf-8"))["project"]
    declared = {_requirement_name(r) for r in project["dependencies"]}
    # The test extra is test-core + browser; the docs extra (MkDocs, for tests/test_docs.py)
    # is CI's own step between the two quick-start commands (.ci/run).
    declared |= _extra(project, "test") | _extra(project, "docs")
    distributions = metadata.packages_distributions()
    imported: set[str] = set()
    for path in (ROOT / "tests").glob("*.py"):
        for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
            if isinstance(node, ast.Import):
                imported |= {alias.name.split(".")[0] for alias in node.names}
            elif isinstance(node, ast.ImportFrom) and node.module and node.level == 0:
                imported.add(node.module.split(".")[0])
    third_party = imported - set(sys.stdlib_module_names) - {"rulelaw_llm", "tests"}
    needed = {
        name.lower().replace("_", "-")
        for module in third_party
        for name in distributions.get(module, [module])
    }
    assert needed - declared == set()


def test_the_base_install_has_no_test_or_lint_tool() -> None:
    tomllib = pytest.importorskip("tomllib")
    project = tomllib.loads((ROOT / "pyproject.toml").read_text(encoding="utf-8"))["project"]
    base = {_requirement_name(r) for r in project["dependencies"]}
    tools = {"pytest", "vcrpy", "hypothesis", "playwright", "ruff", "mypy", "pandas", "pyarrow"}
    assert base & tools == set()
    assert _extra(project, "test") <= _extra(project, "dev")
    # A lighter test install: everything but the browser tests' playwright.
    assert "playwright" not in _extra(project, "test-core")
    assert _extra(project, "test") == _extra(project, "test-core") | _extra(project, "browser")
