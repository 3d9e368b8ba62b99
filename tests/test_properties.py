"""Property-based tests: the pre-pass never crashes and every span slices its text."""

from __future__ import annotations

import contextlib

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from rulelaw_llm import InputError, find_quantities, load_report, summarize_offline

# Text drawn from the characters that matter to the pre-pass, plus anything else.
_GENRE = list(
    "一二三四五六七八九十百千万亿两零余多近约次场件人份个%（）()、，。；：“”《》·.\n 是第年月日"
    "0123456789问题不足计划打算工作情况原因存在下一步镇乡区县报告法治政府建设開展問題"
)
genre_text = st.text(alphabet=st.sampled_from(_GENRE), max_size=400)
any_text = st.text(max_size=300)


@settings(max_examples=300, suppress_health_check=[HealthCheck.too_slow])
@given(st.one_of(genre_text, any_text))
def test_quantities_never_crash_and_slice_their_raw(text: str) -> None:
    for quantity in find_quantities(text):
        assert text[quantity.start : quantity.end] == quantity.raw
        assert quantity.value >= 0


@settings(max_examples=200, suppress_health_check=[HealthCheck.too_slow])
@given(st.one_of(genre_text, any_text))
def test_report_and_offline_summary_never_crash_and_spans_hold(text: str) -> None:
    try:
        report = load_report(text + "\n")
    except InputError:
        return  # empty or whitespace-only input is refused with a clear error
    for section in report.sections:
        assert 0 <= section.start <= section.body_start <= section.end <= len(report.text)
        for item in section.items:
            assert report.text[item.start : item.end] == item.text
    summary = summarize_offline(report)
    for item in [*summary.achievements, *summary.indicators, *summary.problems, *summary.plans]:
        evidence = item.evidence
        assert report.text[evidence.start : evidence.end] == evidence.quote


@settings(max_examples=100)
@given(st.binary(max_size=200))
def test_arbitrary_bytes_either_load_or_raise_input_error(data: bytes) -> None:
    with contextlib.suppress(InputError):
        load_report(data)
