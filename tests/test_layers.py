"""The package's folders are its floors, and imports only run downward.

reading → rules → llm → auditing → corpus, with the base modules (schema, errors, logs,
categories, results) beneath everything and the CLI and ``__init__`` on top. Only ``llm``
imports the provider SDKs.
"""

from __future__ import annotations

import ast
from pathlib import Path

import pytest

PACKAGE = Path(__file__).resolve().parents[1] / "rulelaw_llm"
FLOORS = {"base": 0, "reading": 1, "rules": 2, "llm": 3, "auditing": 4, "corpus": 5, "top": 6}
TOP = {"cli", "cli_compare", "cli_parser", "arguments", "__init__"}
SDKS = ("openai", "instructor", "httpx2", "tenacity")
MAX_LINES = 800


def _floor(module: str) -> str:
    """``rulelaw_llm.rules.naming`` → ``rules``; base and top modules by name."""
    parts = module.split(".")[1:]
    if parts and parts[0] in FLOORS:
        return parts[0]
    name = parts[0] if parts else "__init__"
    return "top" if name in TOP else "base"


def _modules() -> list[tuple[str, Path]]:
    found = []
    for path in sorted(PACKAGE.rglob("*.py")):
        relative = path.relative_to(PACKAGE.parent).with_suffix("")
        parts = list(relative.parts)
        if parts[-1] == "__init__" and len(parts) > 1 and parts[-2] != "rulelaw_llm":
            parts = parts[:-1]
        found.append((".".join(parts), path))
    return found


def _imports(path: Path) -> list[str]:
    tree = ast.parse(path.read_text("utf-8"))
    names = []
    for node in ast.walk(tree):
        if isinstance(node, ast.ImportFrom) and node.module and node.level == 0:
            names.append(node.module)
            names += [f"{node.module}.{alias.name}" for alias in node.names]
        elif isinstance(node, ast.Import):
            names += [alias.name for alias in node.names]
    return names


@pytest.mark.parametrize(("module", "path"), _modules(), ids=[m for m, _ in _modules()])
def test_imports_run_downward(module: str, path: Path) -> None:
    floor = FLOORS[_floor(module)]
    upward = []
    for name in _imports(path):
        if not name.startswith("rulelaw_llm."):
            continue
        target = _floor(name)
        # ``from rulelaw_llm.llm import cache`` names a module of a floor; a name imported
        # from a module (``from rulelaw_llm.schema import X``) is that module's floor.
        if FLOORS[target] > floor:
            upward.append(name)
    assert upward == [], f"{module} imports from higher floors: {upward}"


@pytest.mark.parametrize(("module", "path"), _modules(), ids=[m for m, _ in _modules()])
def test_only_the_llm_floor_imports_the_provider_sdks(module: str, path: Path) -> None:
    if _floor(module) in ("llm", "top"):
        return
    sdk = [name for name in _imports(path) if name.split(".")[0] in SDKS]
    assert sdk == [], f"{module} imports {sdk}"


def test_no_module_holds_two_ideas_in_one_file() -> None:
    long = {
        module: lines
        for module, path in _modules()
        if (lines := len(path.read_text("utf-8").splitlines())) > MAX_LINES
    }
    assert long == {}
