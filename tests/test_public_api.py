"""The public surface is small, explicit and sorted."""

from __future__ import annotations

import rulelaw_llm


def test_all_is_sorted_and_complete() -> None:
    assert rulelaw_llm.__all__ == sorted(rulelaw_llm.__all__)
    for name in rulelaw_llm.__all__:
        assert getattr(rulelaw_llm, name) is not None
    public = {name for name in vars(rulelaw_llm) if not name.startswith("_")}
    modules = {name for name in public if type(getattr(rulelaw_llm, name)).__name__ == "module"}
    assert public - modules == set(rulelaw_llm.__all__)
