"""Audit time per report (the rules), for a batch of 5, 100 and 1,000 reports.

Usage: python bench/audit.py [--sizes 5,100,1000] [--repeat 3]

The corpus is the five sample reports repeated, each copy renamed (its entity replaced by
样本镇N) so that every copy is a distinct issuer. That is the worst case for the
boilerplate check: every problem and plan sentence has a near-identical twin in every
fifth report, so the number of pairs it must compare grows with the square of the batch.
Reports are loaded and summarized by the rules once, outside the timing; the table times
``audit_subjects`` (all checks, boilerplate across the whole batch) and gives the time per
report. A constant "ms per report" means the audit scales linearly.
"""

from __future__ import annotations

import argparse
import time

from common import SAMPLES, machine_line, median_seconds, report_text, table

from rulelaw_llm import load_report, summarize_offline
from rulelaw_llm.auditing.audit import Subject, audit_subjects


def corpus(size: int) -> list[Subject]:
    """``size`` subjects: the samples in turn, each copy with its own issuer name."""
    subjects: list[Subject] = []
    for number in range(size):
        slug = SAMPLES[number % len(SAMPLES)]
        text = report_text(slug)
        entity = load_report(text).entity or ""
        report = load_report(text.replace(entity, f"样本镇{number}") if entity else text)
        subjects.append(Subject(f"{slug}#{number}", summarize_offline(report), report))
    return subjects


def main(argv: list[str] | None = None) -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--sizes", default="5,100,1000")
    parser.add_argument("--repeat", type=int, default=3)
    args = parser.parse_args(argv)
    sizes = [int(size) for size in args.sizes.split(",")]

    rows = []
    for size in sizes:
        started = time.perf_counter()
        subjects = corpus(size)
        prepare = time.perf_counter() - started
        audits = audit_subjects(subjects)
        findings = sum(len(result.findings) for result in audits)
        copies = sum(
            1 for result in audits for finding in result.findings if finding.code == "boilerplate"
        )
        repeat = args.repeat if size <= 100 else 1
        seconds = median_seconds(lambda subjects=subjects: audit_subjects(subjects), repeat=repeat)
        rows.append(
            [
                f"{size:,}",
                f"{prepare / size * 1000:.1f}",
                f"{seconds * 1000:,.1f}",
                f"{seconds / size * 1000:.2f}",
                f"{findings:,}",
                f"{copies:,}",
                repeat,
            ]
        )
    print(f"audit time · {machine_line()}")
    print()
    print(
        table(
            [
                "reports",
                "load + rules summary ms/report",
                "audit ms (whole batch)",
                "audit ms/report",
                "findings",
                "of which boilerplate",
                "runs (median)",
            ],
            rows,
        )
    )


if __name__ == "__main__":
    main()
