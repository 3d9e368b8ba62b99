"""The one-paragraph digest: a template built from a validated result, and its checks.

The template digest is what the rules backend returns and what the LLM backend falls back
to when the model's digest fails validation. ``digest_violations`` is the check applied to
any digest: every number in it must be one of the indicators' values (or the year).
"""

from __future__ import annotations

import re
from collections.abc import Sequence

from rulelaw_llm.quantities import find_quantities, parse_number
from rulelaw_llm.schema import Achievement, Indicator, Plan, Problem

__all__ = [
    "DEFAULT_DIGEST_CHARS",
    "digest_violations",
    "digest_violations_for_values",
    "template_digest",
]

DEFAULT_DIGEST_CHARS = 250

_TRAILING = "，。；、：,.;: "


def _short(text: str, limit: int) -> str:
    text = re.sub(r"\s+", "", text).strip(_TRAILING)
    if len(text) <= limit:
        return text
    cut = max(text.rfind(mark, 0, limit) for mark in "，；、")
    return text[: cut if cut >= limit // 2 else limit].strip(_TRAILING)


def _figure(indicator: Indicator) -> str:
    name = _short(indicator.name, 14)
    return f"{name}{_format_value(indicator)}" if name else _format_value(indicator)


def _format_value(indicator: Indicator) -> str:
    """The figure as the report writes it (500余份, 98%以上), found in its evidence."""
    for quantity in find_quantities(indicator.evidence.quote):
        if abs(quantity.value - indicator.value) < 1e-6 and quantity.unit == indicator.unit:
            return quantity.raw
    value = indicator.value
    number = str(int(value)) if value == int(value) else f"{value:g}"
    if indicator.unit == "元" and value >= 10_000 and value % 10_000 == 0:
        number, unit = f"{int(value // 10_000)}万", "元"
    else:
        unit = indicator.unit
    return f"{number}{'余' if indicator.approx and unit != '%' else ''}{unit}"


def template_digest(
    *,
    entity: str | None,
    year: int | None,
    achievements: Sequence[Achievement],
    indicators: Sequence[Indicator],
    problems: Sequence[Problem],
    plans: Sequence[Plan],
    max_chars: int = DEFAULT_DIGEST_CHARS,
) -> str:
    """A plain digest: who and when, main measures, two or three figures, problems, plans."""
    who = f"{entity or '该单位'}{f'{year}年' if year else ''}"
    parts = [f"{who}法治政府建设报告："]
    if achievements:
        measures = "；".join(_short(item.summary, 18) for item in achievements[:3])
        parts.append(f"主要举措包括{measures}。")
    chosen: list[Indicator] = []
    seen_names: set[str] = set()
    # Short names read well in one line; figures tied to another year or to the plan do not.
    for indicator in sorted(indicators, key=lambda item: len(item.name) > 12):
        if indicator.name not in seen_names and indicator.period is None:
            chosen.append(indicator)
            seen_names.add(indicator.name)
        if len(chosen) == 3:
            break
    if chosen:
        parts.append("主要数据：" + "，".join(_figure(item) for item in chosen) + "。")
    if problems:
        parts.append("存在问题：" + "；".join(_short(p.summary, 20) for p in problems[:2]) + "。")
    if plans:
        parts.append("下一步将" + "；".join(_short(p.summary, 16) for p in plans[:3]) + "。")
    digest = ""
    for part in parts:
        if len(digest) + len(part) > max_chars:
            break
        digest += part
    return digest or parts[0][:max_chars]


_ARABIC_NUMBER = re.compile(r"(?<![\d.])\d+(?:,\d{3})*(?:\.\d+)?(?:万|亿)?")


def digest_violations(digest: str, indicators: Sequence[Indicator], year: int | None) -> list[str]:
    """Numbers in ``digest`` that are neither an indicator value nor a year of the report.

    Percentages and 万-scaled figures are compared by value (``4.4万`` equals 44000).
    """
    allowed = {indicator.value for indicator in indicators}
    if year:
        allowed |= {float(year), float(year + 1), float(year - 1)}
    return digest_violations_for_values(digest, sorted(allowed))


def digest_violations_for_values(digest: str, allowed: Sequence[float]) -> list[str]:
    """Numbers in ``digest`` that are not among ``allowed`` values."""
    tokens = [match.group(0) for match in _ARABIC_NUMBER.finditer(digest)]
    # Chinese-numeral figures (五次, 十余场) are found the way the pre-pass finds them, so
    # slogans such as 两个维护 or 二十届三中全会 are not mistaken for numbers.
    tokens += [q.raw for q in find_quantities(digest) if not re.search(r"\d", q.raw)]
    violations: list[str] = []
    for token in tokens:
        value = parse_number(token) if re.search(r"\d", token) else _chinese_value(token)
        if value is None:
            continue
        if any(abs(value - known) < 1e-6 for known in allowed):
            continue
        violations.append(token)
    return violations


def _chinese_value(raw: str) -> float | None:
    quantities = find_quantities(raw)
    return quantities[0].value if quantities else None
