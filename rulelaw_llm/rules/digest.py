"""The one-paragraph digest: a template built from a validated result, and its checks.

The template digest is what the rules backend returns and what the LLM backend falls back
to when the model's digest fails validation. ``digest_violations`` is the check applied to
any digest: every number in it must be one of the indicators' values (or the year).
"""

from __future__ import annotations

import re
from collections.abc import Sequence

from rulelaw_llm.rules.quantities import find_quantities, parse_number
from rulelaw_llm.schema import Achievement, Indicator, Plan, Problem

__all__ = [
    "DEFAULT_DIGEST_CHARS",
    "clause_ends",
    "digest_violations",
    "digest_violations_for_values",
    "is_balanced",
    "template_digest",
]

DEFAULT_DIGEST_CHARS = 250

_TRAILING = "，。；、：,.;: "

#: Opening and closing marks that a cut must never separate.
_PAIRS = {"《": "》", "“": "”", "（": "）", "(": ")", "【": "】", "「": "」", "‘": "’", "〈": "〉"}
_CLOSING = {closing: opening for opening, closing in _PAIRS.items()}
#: Where a clause ends: the digest cuts only right before one of these (outside brackets).
_CLAUSE_MARKS = frozenset("，。；、：,;:！？!?")
#: A clause that only sets the scene (在…中, 随着…, 推进过程中) needs the clause after it.
_SCENE_SETTING = re.compile(
    r"(?:过程中|之中|期间|以来|之际|方面|时|后|前|中)$"
    r"|^(?:在|随着|为了|为|通过|按照|根据|围绕|对于|针对|虽然|尽管|由于|因为|如果|鉴于)"
)
_CJK_SPACE = re.compile(r"(?<=[^\x00-\x7f]) | (?=[^\x00-\x7f])")


def clause_ends(text: str) -> list[int]:
    """Offsets in ``text`` where a clause ends outside any bracket or quotation mark.

    Each offset is the position of a clause mark (，；、。…) at nesting depth zero; the text
    before it is a run of whole clauses whose 《》“”（） are balanced.
    """
    ends: list[int] = []
    stack: list[str] = []
    for index, char in enumerate(text):
        if char in _PAIRS:
            stack.append(char)
        elif char in _CLOSING:
            if stack and stack[-1] == _CLOSING[char]:
                stack.pop()
            elif _CLOSING[char] in stack:  # a missing closing mark inside: recover
                while stack and stack.pop() != _CLOSING[char]:
                    pass
        elif char == '"':
            if stack and stack[-1] == '"':
                stack.pop()
            else:
                stack.append('"')
        elif char in _CLAUSE_MARKS and not stack:
            ends.append(index)
    return ends


def is_balanced(text: str) -> bool:
    """Whether every 《》“”（）【】「」 in ``text`` is closed in order."""
    stack: list[str] = []
    for char in text:
        if char in _PAIRS:
            stack.append(char)
        elif char in _CLOSING and (not stack or stack.pop() != _CLOSING[char]):
            return False
    return not stack


def _short(text: str, limit: int) -> str:
    """The leading whole clauses of ``text`` that fit in ``limit`` characters.

    A cut falls only at a clause mark outside brackets and quotes, and a clause that only
    sets the scene (…过程中, 在…) keeps the clause it belongs to. When even the first
    complete clause is longer than ``limit``, it is taken whole up to twice the limit;
    longer than that, the text is left out (empty string) rather than cut inside a phrase.
    """
    text = _CJK_SPACE.sub("", re.sub(r"\s+", " ", text)).strip(_TRAILING)
    if len(text) <= limit and is_balanced(text):
        return text
    chosen = ""
    for end in [*clause_ends(text), len(text)]:
        candidate = text[:end].strip(_TRAILING)
        if not candidate or _SCENE_SETTING.search(candidate.rsplit("，", 1)[-1]):
            continue
        if len(candidate) <= limit or (not chosen and len(candidate) <= 2 * limit):
            chosen = candidate
        else:
            break
    return chosen if is_balanced(chosen) else ""


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


def _joined(summaries: Sequence[str], limit: int, count: int) -> str:
    """Up to ``count`` shortened summaries joined by ；, skipping those with nothing whole to say."""
    pieces: list[str] = []
    for summary in summaries:
        piece = _short(summary, limit)
        if piece and piece not in pieces:
            pieces.append(piece)
        if len(pieces) == count:
            break
    return "；".join(pieces)


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
        measures = _joined([item.summary for item in achievements], 18, 3)
        if measures:
            parts.append(f"主要举措包括{measures}。")
    chosen: list[Indicator] = []
    seen_names: set[str] = set()
    # Short names read well in one line; figures tied to another year or to the plan do not.
    for indicator in sorted(indicators, key=lambda item: len(item.name) > 12):
        if (
            indicator.name not in seen_names
            and indicator.period is None
            and _short(indicator.name, 14)
        ):
            chosen.append(indicator)
            seen_names.add(indicator.name)
        if len(chosen) == 3:
            break
    if chosen:
        parts.append("主要数据：" + "，".join(_figure(item) for item in chosen) + "。")
    stated_problems = _joined([problem.summary for problem in problems], 20, 2)
    if stated_problems:
        parts.append(f"存在问题：{stated_problems}。")
    planned = _joined([plan.summary for plan in plans], 16, 3)
    if planned:
        parts.append(f"下一步将{planned}。")
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
