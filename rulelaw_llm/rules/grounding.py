"""Grounding: find a model's quote in the report, compute its span, check numbers against it.

Matching is character-level (word tokenizers fail on Chinese): first exact, then exact
after normalising width, punctuation, whitespace and traditional characters, then a fuzzy
alignment (rapidfuzz) above a threshold. The span returned always slices the report's own
text, so the evidence quote is the report's wording, not the model's.
"""

from __future__ import annotations

import functools
import re
from collections import Counter
from dataclasses import dataclass

from rapidfuzz import fuzz

from rulelaw_llm.reading.document import Report
from rulelaw_llm.reading.normalize import fold, squash
from rulelaw_llm.rules.quantities import find_quantities, parse_number
from rulelaw_llm.schema import Evidence, MatchKind

__all__ = [
    "COMMA_CLAUSE_BREAK",
    "char_f1",
    "Located",
    "char_overlap",
    "clause_span",
    "evidence_at",
    "locate_quote",
    "numbers_in",
    "sentence_span",
    "value_in_text",
]

#: How far a clause or a sentence reaches either way from what it surrounds. Real clauses
#: are at most 80 characters and sentences about 300 (measured on the samples and the dev
#: texts); the bound keeps text without punctuation (a table flattened into one line) from
#: making every quote a copy of the whole text: memory stays linear in the input.
CLAUSE_REACH = 120
SENTENCE_REACH = 500

_CLAUSE_BREAK = re.compile(r"[，,。；;：:！？!?\n、]")
_SENTENCE_BREAK = re.compile(r"[。！？!?；;\n]")
#: Clause breaks without 、: a list stays in its clause.
COMMA_CLAUSE_BREAK = re.compile(r"[，,。；;：:！？!?\n]")
_SKIP = re.compile(r"[\s\u3000,，。.、;；:：!！?？\"'“”‘’()（）\[\]【】《》<>〈〉·—\-…]")


@dataclass(frozen=True, slots=True)
class Located:
    """Where a quote was found in the text, and how."""

    start: int
    end: int
    match: MatchKind
    score: float


def _squash_with_positions(text: str) -> tuple[str, list[int]]:
    folded = fold(text)
    kept: list[str] = []
    positions: list[int] = []
    for index, char in enumerate(folded):
        if not _SKIP.match(char):
            kept.append(char)
            positions.append(index)
    return "".join(kept), positions


def locate_quote(
    text: str,
    quote: str,
    *,
    within: tuple[int, int] | None = None,
    threshold: float = 85.0,
) -> Located | None:
    """Find ``quote`` in ``text`` (inside ``within`` when given, else anywhere).

    Returns ``None`` when nothing matches at least ``threshold`` (0–100).
    """
    quote = quote.strip()
    if not quote:
        return None
    regions = [within] if within is not None else []
    regions.append((0, len(text)))
    for start, end in regions:
        found = text.find(quote, start, end)
        if found >= 0:
            return Located(found, found + len(quote), "exact", 100.0)
    quote_key, _ = _squash_with_positions(quote)
    if not quote_key:
        return None
    best: Located | None = None
    for start, end in regions:
        key, positions = _squash_with_positions(text[start:end])
        index = key.find(quote_key)
        if index >= 0:
            first = start + positions[index]
            last = start + positions[index + len(quote_key) - 1] + 1
            return Located(first, last, "normalized", 100.0)
        if len(quote_key) < 4 or not key:
            continue
        alignment = fuzz.partial_ratio_alignment(quote_key, key)
        if alignment is None or alignment.score < threshold:
            continue
        if alignment.dest_end <= alignment.dest_start:
            continue
        first = start + positions[alignment.dest_start]
        last = start + positions[alignment.dest_end - 1] + 1
        candidate = Located(first, last, "fuzzy", float(alignment.score))
        if best is None or candidate.score > best.score:
            best = candidate
        if within is not None:
            break  # a good match inside the expected region wins
    return best


def numbers_in(text: str) -> list[float]:
    """Every number written in ``text``: Arabic ones and Chinese-numeral quantities."""
    values = [
        value
        for match in re.finditer(r"(?<![\d.])\d+(?:,\d{3})*(?:\.\d+)?(?:万|亿)?", fold(text))
        if (value := parse_number(match.group(0))) is not None
    ]
    values += [q.value for q in find_quantities(text) if not re.search(r"\d", fold(q.raw))]
    return values


def value_in_text(value: float, text: str) -> bool:
    """Whether ``value`` is written in ``text`` (Arabic or Chinese numerals, 万/亿 expanded)."""
    if any(abs(value - quantity.value) < 1e-6 for quantity in find_quantities(text)):
        return True
    return any(abs(value - number) < 1e-6 for number in numbers_in(text))


def char_overlap(phrase: str, text: str) -> float:
    """Share of ``phrase``'s Chinese characters and letters that also occur in ``text``."""
    chars = [char for char in fold(phrase) if not _SKIP.match(char) and not char.isdigit()]
    if not chars:
        return 0.0
    pool = set(fold(text))
    return sum(1 for char in chars if char in pool) / len(chars)


def evidence_at(report: Report, start: int, end: int) -> Evidence:
    """Evidence for ``report.text[start:end]`` with surrounding whitespace trimmed."""
    while start < end and report.text[start].isspace():
        start += 1
    while end > start and report.text[end - 1].isspace():
        end -= 1
    return Evidence(quote=report.text[start:end], start=start, end=end)


@functools.cache
def _last_break(breaks: re.Pattern[str]) -> re.Pattern[str]:
    """Greedy up to the last of ``breaks`` in the stretch searched (``match`` with an end)."""
    return re.compile(r"(?s:.*)" + breaks.pattern)


def _around(
    text: str, start: int, end: int, reach: int, breaks: re.Pattern[str]
) -> tuple[int, int]:
    """From after the last break before ``start`` to the first break at or after ``end``,
    at most ``reach`` characters either way (searched by the regex engine, not char by char)."""
    floor = max(0, start - reach)
    before = _last_break(breaks).match(text, floor, start)
    left = before.end() if before is not None else floor
    ceiling = min(len(text), end + reach)
    after = breaks.search(text, end, ceiling)
    right = after.start() if after is not None else ceiling
    return left, right


def clause_span(
    text: str, start: int, end: int, *, breaks: re.Pattern[str] = _CLAUSE_BREAK
) -> tuple[int, int]:
    """The clause around ``text[start:end]``, between commas, 、 or sentence marks (at most
    ``CLAUSE_REACH`` characters either way).

    ``breaks=COMMA_CLAUSE_BREAK`` keeps a list (A、B等…) inside one clause.
    """
    return _around(text, start, end, CLAUSE_REACH, breaks)


def sentence_span(text: str, start: int, end: int) -> tuple[int, int]:
    """The sentence (up to 。；！？ or a line end) around ``text[start:end]`` (at most
    ``SENTENCE_REACH`` characters either way)."""
    left, right = _around(text, start, end, SENTENCE_REACH, _SENTENCE_BREAK)
    if right < len(text) and text[right] in "。！？!?；;":
        right += 1
    return left, right


def char_f1(first: str, second: str) -> float:
    """Character-level F1 (0–1) of two texts, folded and without punctuation or whitespace.

    Characters are counted as a multiset: "宣传资料" against "发放宣传资料" shares four
    characters, precision 4/6 and recall 4/4, F1 0.8. Empty texts score 0.
    """
    first_counts, second_counts = Counter(squash(first)), Counter(squash(second))
    common = sum((first_counts & second_counts).values())
    if not common:
        return 0.0
    precision = common / sum(second_counts.values())
    recall = common / sum(first_counts.values())
    return 2 * precision * recall / (precision + recall)
