"""Digest writers that are FAKE models (tests/standins.DigestWriter) against the claim check.

A faithful paraphrase of the listed items must be accepted sentence by sentence; each wrong
writer (a problems sentence without problems, a noun swapped beside a number, a number not
in the report, a dropped 余, an invented issuer) must be caught: the final digest never says
the wrong thing, the template's sentence for the same items stands in its place (or the
figure is written back as the report writes it), and the rejected sentence is kept with
its reason. Driven through ``summary_flow`` with no HTTP.
"""

from __future__ import annotations

import pytest

from rulelaw_llm import ReportSummary, load_report, summarize_offline
from rulelaw_llm.llm.settings import Settings
from rulelaw_llm.reading.document import Report
from rulelaw_llm.rules.claims import speaks_of
from rulelaw_llm.rules.quantities import find_quantities
from tests.conftest import REPORTS, SAMPLES
from tests.standins import DIGEST_MODES, DigestMode, GoldStandin, run_flow

#: A report of our own words with no issuer, no problems and no plans (the shape of the web
#: openings the issue measured: they stop before those parts).
OPENING = """关于2024年度法治政府建设工作情况的报告
一、工作开展情况
（一）强化学法用法，提升干部素养。全年组织干部集中学法12次，开展专题法治讲座3场。
（二）深化普法宣传，营造守法氛围。全县26个村全部配备法律顾问，发放普法资料800余份。
"""

WRONG: tuple[DigestMode, ...] = tuple(
    mode for mode in DIGEST_MODES if mode not in ("faithful", "copy")
)


def _run(report: Report, mode: DigestMode) -> tuple[ReportSummary, GoldStandin]:
    settings = Settings(scope="all")
    standin = GoldStandin(report, {"indicators": []}, settings, digest=mode)
    return run_flow(report, settings, standin), standin


def _reports() -> list[Report]:
    return [load_report(REPORTS / f"{sample}.txt") for sample in SAMPLES] + [load_report(OPENING)]


def _says_only_what_the_result_has(summary: ReportSummary, report: Report) -> None:
    digest = summary.digest
    if not summary.problems:
        assert speaks_of(digest, "problems") == [], digest
    if not summary.plans:
        assert speaks_of(digest, "plans") == [], digest
    who = summary.entity or summary.title or "本报告"
    assert who in digest[: len(who) + 4], digest
    written = {quantity.raw for quantity in find_quantities(report.text)}
    assert all(quantity.raw in written for quantity in find_quantities(digest)), digest
    assert digest == "".join(claim.text for claim in summary.digest_claims)


def test_the_opening_of_our_own_has_no_issuer_problems_or_plans() -> None:
    summary = summarize_offline(OPENING)
    assert (summary.entity, summary.problems, summary.plans) == (None, [], [])
    assert summary.title and summary.digest.startswith(f"《{summary.title}》")


@pytest.mark.parametrize("report", _reports(), ids=[*SAMPLES, "opening"])
def test_a_faithful_paraphrase_is_accepted_sentence_by_sentence(report: Report) -> None:
    summary, standin = _run(report, "faithful")
    written = standin.digest.ledger.written
    assert written and [claim.origin for claim in summary.digest_claims] == ["model"] * len(written)
    assert not [item for item in summary.rejected if item.kind == "digest"]
    _says_only_what_the_result_has(summary, report)


@pytest.mark.parametrize("mode", WRONG)
@pytest.mark.parametrize("report", _reports(), ids=[*SAMPLES, "opening"])
def test_a_wrong_sentence_is_caught_and_the_template_stands_in(
    report: Report, mode: DigestMode
) -> None:
    summary, standin = _run(report, mode)
    ledger = standin.digest.ledger
    offline = summarize_offline(report)
    if not ledger.wrong:
        pytest.skip(f"{mode}: nothing to get wrong here (no approximate figure)")
    ((key, what),) = ledger.wrong.items()
    number = int(key[1:]) - 1
    claim = summary.digest_claims[number]
    if mode == "drop_marker":
        # Repaired, not re-asked: the figures are written back with their markers.
        assert all(raw in claim.text for raw in ledger.markers[key])
    else:
        assert claim.origin == "template"
        assert claim.text == offline.digest_claims[number].text
        assert what not in summary.digest
        rejected = [item for item in summary.rejected if item.content.get("claim") == key]
        assert rejected and rejected[-1].kind == "digest" and rejected[-1].reason
    # The other sentences are the writer's own.
    others = [c.origin for n, c in enumerate(summary.digest_claims) if n != number]
    assert others == ["model"] * len(others)
    _says_only_what_the_result_has(summary, report)
