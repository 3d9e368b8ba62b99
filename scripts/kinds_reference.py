"""Write docs/reference/kinds.md from rulelaw_llm/kinds.py (tests/test_kinds.py checks it is current).

Usage: python scripts/kinds_reference.py
"""

from __future__ import annotations

import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from rulelaw_llm.kinds import kind_reference  # noqa: E402

if __name__ == "__main__":
    path = ROOT / "docs" / "reference" / "kinds.md"
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(kind_reference(), encoding="utf-8")
    print(f"wrote {path.relative_to(ROOT)}")
