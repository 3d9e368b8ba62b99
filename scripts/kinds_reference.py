"""Write docs/reference/kinds.md from rulelaw_llm/kinds.py (tests/test_kinds.py checks it is current).

Usage: python scripts/kinds_reference.py
"""

from __future__ import annotations

import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from rulelaw_llm.categories import CATEGORIES  # noqa: E402
from rulelaw_llm.kinds import FAMILIES, KINDS  # noqa: E402


def kind_reference() -> str:
    """The vocabulary as a Markdown reference page (``docs/reference/kinds.md`` is this)."""
    lines = [
        "# 指标种类词表（`rulelaw_llm.kinds`）",
        "",
        "<!-- 由 scripts/kinds_reference.py 从 rulelaw_llm/kinds.py 生成，请勿手改。 -->",
        "",
        "每个数字指标的 `kind`（结果结构 1.3 起）取自下表：它说明这个数字是各报告共有的哪一项统计，"
        "让不同报告的同一项统计可以比较、汇总。种类只接受其单位族的单位（及“另收单位”）；"
        "比较和汇总时数值换算到单位族的基本单位（万元 → 元，万人次 → 人次，人、名按人次计，场、期按次计）。"
        "没有合适种类的数字为 `other`。命令行：`rulelaw-llm schema --kinds`。",
        "",
        "## 单位族",
        "",
        "| 单位族 | 基本单位 | 单位 |",
        "|---|---|---|",
        *(f"| {f.label} | {f.base} | {'、'.join(f.units)} |" for f in FAMILIES.values()),
        "",
        "## 种类",
        "",
        "| 键 | 中文名 | 单位族（计作） | 另收单位 | 类别 | 支持词 | 样本与开发语料中的写法 |",
        "|---|---|---|---|---|---|---|",
    ]
    for kind in KINDS.values():
        family = FAMILIES[kind.family].label if kind.family else "任意"
        if kind.counted_in:
            family += f"（计作{kind.counted_in}）"
        seen = "、".join(kind.seen) or "（开发语料中尚未计数：取自纲要与 issue 17）"
        if kind.key == "other":
            seen = "—"
        lines.append(
            f"| `{kind.key}` | {kind.label} | {family} | {'、'.join(kind.extra_units) or '—'} "
            f"| `{kind.category}` {CATEGORIES[kind.category]} | {'、'.join(kind.words) or '—'} | {seen} |"
        )
    return "\n".join(lines) + "\n"


if __name__ == "__main__":
    path = ROOT / "docs" / "reference" / "kinds.md"
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(kind_reference(), encoding="utf-8")
    print(f"wrote {path.relative_to(ROOT)}")
