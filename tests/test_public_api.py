"""The public surface is small, explicit and sorted."""

from __future__ import annotations

import ast
import re

import rulelaw_llm
from tests.conftest import ROOT


def test_all_is_sorted_and_complete() -> None:
    assert rulelaw_llm.__all__ == sorted(rulelaw_llm.__all__)
    for name in rulelaw_llm.__all__:
        assert getattr(rulelaw_llm, name) is not None
    public = {name for name in vars(rulelaw_llm) if not name.startswith("_")}
    modules = {name for name in public if type(getattr(rulelaw_llm, name)).__name__ == "module"}
    assert public - modules == set(rulelaw_llm.__all__)


def _module_level_imports(module: str) -> set[str]:
    """What ``rulelaw_llm.<module>`` imports when it is imported (not under TYPE_CHECKING)."""
    tree = ast.parse((ROOT / "rulelaw_llm" / f"{module}.py").read_text(encoding="utf-8"))
    names: set[str] = set()
    nodes = list(tree.body)
    while nodes:
        node = nodes.pop()
        if isinstance(node, ast.Import):
            names |= {alias.name for alias in node.names}
        elif isinstance(node, ast.ImportFrom) and node.module:
            names.add(node.module)
        elif isinstance(node, ast.Try):
            nodes += node.body
    return names


def test_batch_cache_and_results_never_import_the_llm_sdks() -> None:
    """They serve the offline path too, which must not load openai or instructor."""
    seen: set[str] = set()
    todo = ["batch", "cache", "results"]
    while todo:
        module = todo.pop()
        if module in seen:
            continue
        seen.add(module)
        for name in _module_level_imports(module):
            assert name.split(".")[0] not in ("openai", "instructor"), (module, name)
            assert name != "rulelaw_llm.summarizer", module
            if name.startswith("rulelaw_llm."):
                todo.append(name.removeprefix("rulelaw_llm."))
    assert {"batch", "cache", "results", "document", "schema"} <= seen


def test_the_readme_imports_only_public_names() -> None:
    readme = (ROOT / "README.md").read_text(encoding="utf-8")
    for module, names in re.findall(r"^from (rulelaw_llm\S*) import (.+)$", readme, re.MULTILINE):
        assert module == "rulelaw_llm", f"README imports from internal module {module}"
        for name in names.split(","):
            assert name.strip() in rulelaw_llm.__all__, name
