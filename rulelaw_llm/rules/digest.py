"""The one-paragraph digest: claims tied to the result's items, and the template that writes them.

``plan_digest`` decides the digest's claims once — one per part the result has, each with
the items it speaks of — and writes the template's text for each: whole clauses of the
items (a number always with its own noun phrase, never a cut before 中 or a preposition),
the issuer or the title first. The rules backend returns it; the LLM backend asks the model
for the same claims and keeps the template's claim wherever the model's fails
``rulelaw_llm.rules.claims.check_claim``. ``assemble_digest`` joins claims into the digest
and records where each stands. ``digest_violations`` checks any digest's numbers.
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from dataclasses import dataclass
from typing import Literal

from rulelaw_llm.rules.claims import ClaimGrounds, Figure, Subject, check_claim
from rulelaw_llm.rules.quantities import find_quantities, parse_number
from rulelaw_llm.schema import (
    Achievement,
    ClaimPart,
    ClaimSource,
    DigestClaim,
    Evidence,
    Indicator,
    Plan,
    Problem,
    ReportSummary,
    SourceKind,
)

__all__ = [
    "DEFAULT_DIGEST_CHARS",
    "ClaimPlan",
    "assemble_digest",
    "clause_ends",
    "digest_violations",
    "digest_violations_for_values",
    "figure_of",
    "figure_phrase",
    "is_balanced",
    "opening",
    "plan_digest",
    "plan_digest_of",
    "subject_of",
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
_RUN_ON_POINT = re.compile(
    r"(?<=[\u4e00-\u9fff])(?<![统唯同单专万第之])(?=[一二三四五六七八九十]是[\u4e00-\u9fff])"
)
#: Dates in a clause: no figures (2024年, 3月15日).
_YEAR = re.compile(r"(?:19|20)\d{2}年度?|\d{1,2}月(?:\d{1,2}日)?|\d{1,2}日")
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
    # A heading run into its first point (…依法行政一是完善…) ends before the point.
    text = _RUN_ON_POINT.split(text, maxsplit=1)[0]
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


# --------------------------------------------------------------------------- the template

#: How each part's claim begins in the template, and how its pieces are joined.
_LEADS: dict[str, tuple[str, str]] = {
    "achievements": ("主要举措包括", "；"),
    "indicators": ("主要数据：", "，"),
    "problems": ("存在问题：", "；"),
    "plans": ("下一步将", "；"),
}
#: How many items each part's claim speaks of, and how long each piece may be.
_COUNTS = {"achievements": 3, "indicators": 3, "problems": 2, "plans": 3}
#: How many characters a model's sentence may run past the template's for the same items.
_ROOM = 30
_PIECE_CHARS = {"achievements": 18, "indicators": 28, "problems": 20, "plans": 16}
#: A figure's clause must not open with a word that needs the clause after it (对督查指出的9个问题，
#: 逐项整改到位), nor end with one (…过程中).
_NEEDS_NEXT = re.compile(
    r"^(?:对|在|为|向|从|与|按照|根据|通过|围绕|针对|随着|经|由|把|将|以|就|给|自|于|是)"
    r"|(?:的|对|为|在|中|和|与|及|将|向|于|时|后|前|过程中|期间)$"
)
_COMMA_BREAKS = "，,。；;：:！？!?\n"
#: Not a report's words: an index number or code left by a web page (such as ab12/2024-00007).
_JUNK = re.compile(
    r"[A-Za-z]+\d|\d+[/-]\d+[/-]?\d*|索引号|关键词|主题分类|体裁分类|发布机构|服务对象|成文日期"
    r"|发布日期|发布时间|信息来源"
)
_LEADING_WORDS = re.compile(
    r"^(?:[（(]?[一二三四五六七八九十\d]{1,3}[)）、.]\s*|[一二三四五六七八九十]是|同时|并且|并|还|另外|此外"
    r"|其中|而且|且|以及|及|和)+"
)
_PLAN_LEAD = re.compile(r"^(?:下一步|下一年度|明年|今后)?(?:将|要|拟)?")
_KIND_OF_PART: dict[str, SourceKind] = {
    "achievements": "achievement",
    "indicators": "indicator",
    "problems": "problem",
    "plans": "plan",
}


@dataclass(frozen=True, slots=True)
class ClaimPlan:
    """One claim of the digest: its part, the items it speaks of, the template's text for them."""

    part: ClaimPart
    items: tuple[int, ...]
    """Indices of its items in the result's list of that part."""
    text: str
    """The template's claim (with the digest's opening when it is the first claim)."""
    grounds: ClaimGrounds
    sources: tuple[ClaimSource, ...]
    pieces: tuple[str, ...] = ()
    """What it may say, item by item, as the template writes each (shown to a model)."""


def opening(subject: Subject) -> str:
    """How the template digest begins: the issuer and year, else the title, else 本报告."""
    if subject.entity:
        return f"{subject.who}法治政府建设报告："
    return f"{subject.who}："


def figure_of(indicator: Indicator) -> Figure:
    """An indicator as a claim may cite it: name, number as written, clause."""
    quote = indicator.evidence.quote
    raw = next(
        (
            q.raw
            for q in find_quantities(quote)
            if abs(q.value - indicator.value) < 1e-6 and q.unit == indicator.unit
        ),
        "",
    )
    return Figure(indicator.name, raw, indicator.value, indicator.unit, indicator.approx, quote)


def figure_phrase(indicator: Indicator, text: str | None = None) -> tuple[str, int, int]:
    """The whole clause that holds a figure, as the report writes it, and its span.

    The clause keeps the number with its own noun phrase wherever the report puts it
    (召开4次专题会议, 化解矛盾纠纷52件). With the report's ``text`` the clause runs between
    commas, so that a list joined by 、 is taken whole (审核合同、文件等46件次); a list
    too long for the digest gives its own item only when the noun follows the number inside
    it (10次党组会), never an item whose noun stands in another (三届二次、三次会议). A
    clause that needs the next one, is too long or has an unclosed bracket gives ``""``.
    """
    evidence = indicator.evidence
    spans = [(evidence.start, evidence.end)]
    if text is not None and text[evidence.start : evidence.end] == evidence.quote:
        left, right = evidence.start, evidence.end
        while left > 0 and text[left - 1] not in _COMMA_BREAKS:
            left -= 1
        while right < len(text) and text[right] not in _COMMA_BREAKS:
            right += 1
        if right == len(text) and not text.rstrip().endswith(tuple("。！？!?；;")):
            right = evidence.end  # the text stops mid-sentence: the list may go on
        raw = figure_of(indicator).raw
        own_noun_after = bool(raw) and not evidence.quote.rstrip(_TRAILING).endswith(raw)
        spans = [(left, right)] + ([(evidence.start, evidence.end)] if own_noun_after else [])
    for start, end in spans:
        phrase = text[start:end] if text is not None else evidence.quote
        clause = _CJK_SPACE.sub("", re.sub(r"\s+", " ", phrase)).strip(_TRAILING)
        clause = _LEADING_WORDS.sub("", clause).strip(_TRAILING)
        if (
            clause
            and len(clause) <= _PIECE_CHARS["indicators"]
            and not _NEEDS_NEXT.search(clause)
            and not _JUNK.search(clause)
            and is_balanced(clause)
        ):
            return clause, start, end
    return "", evidence.start, evidence.end


def _inner_figures(
    evidence: Evidence, piece: str, indicators: Sequence[Indicator]
) -> list[tuple[int, Indicator]]:
    """The indicators whose numbers an item's piece writes (its evidence holds them)."""
    return [
        (index, indicator)
        for index, indicator in enumerate(indicators)
        if indicator.evidence.start < evidence.end
        and evidence.start < indicator.evidence.end
        and (raw := figure_of(indicator).raw)
        and raw in piece
    ]


def _source(kind: SourceKind, index: int, evidence: Evidence) -> ClaimSource:
    return ClaimSource(
        kind=kind, index=index, quote=evidence.quote, start=evidence.start, end=evidence.end
    )


@dataclass(slots=True)
class _Piece:
    index: int
    text: str
    texts: tuple[str, ...]
    figures: list[tuple[int, Indicator]]


def _pieces(
    part: str,
    items: Sequence[Achievement | Problem | Plan | Indicator],
    indicators: Sequence[Indicator],
    subject: Subject,
    report_text: str | None,
) -> list[_Piece]:
    """The part's items the template can write whole, each as it would stand in the claim."""
    chosen: list[_Piece] = []
    for index, item in enumerate(items):
        if len(chosen) == _COUNTS[part]:
            break
        if isinstance(item, Indicator):
            if item.period is not None:
                continue  # a figure of another year or a target for the next one
            text, start, end = figure_phrase(item, report_text)
            if report_text is not None and _foreign_number(text, start, end, indicators):
                # A list clause with a number no indicator counts (…学法11次、每月1次): the
                # figure's own evidence alone, never a number the result does not hold.
                text, start, end = figure_phrase(item)
            figures = [
                (other_index, other)
                for other_index, other in enumerate(indicators)
                if start <= other.evidence.start < end and other.period is None
            ]
            if len(figures) < sum(start <= o.evidence.start < end for o in indicators):
                continue  # the clause also holds a figure of another year
            texts = (item.name, item.evidence.quote, text)
        else:
            summary = item.summary
            if part == "plans":
                summary = _PLAN_LEAD.sub("", summary)
            text = _short(summary, _PIECE_CHARS[part])
            if _JUNK.search(text):
                continue
            figures = _inner_figures(item.evidence, text, indicators)
            texts = (item.summary, item.evidence.quote, text)
        if not text or any(text == other.text for other in chosen):
            continue
        piece = _Piece(index, text, texts, figures)
        lead, _ = _LEADS[part]
        _, failures = check_claim(f"{lead}{text}。", _grounds(part, [piece]), subject)
        if not failures:
            chosen.append(piece)
    return chosen


def _foreign_number(text: str, start: int, end: int, indicators: Sequence[Indicator]) -> bool:
    """Whether a clause writes a number that is no indicator standing in its span."""
    rest = _YEAR.sub("", text)
    for indicator in indicators:
        if start <= indicator.evidence.start < end and (raw := figure_of(indicator).raw):
            rest = rest.replace(raw, "", 1)
    return bool(re.search(r"\d", rest))


def _grounds(
    part: str, pieces: Sequence[_Piece], *, opening: bool = False, limit: int = 10_000
) -> ClaimGrounds:
    figures = {
        index: figure_of(indicator) for piece in pieces for index, indicator in piece.figures
    }
    return ClaimGrounds(
        part=part,  # type: ignore[arg-type]
        texts=tuple(text for piece in pieces for text in piece.texts),
        figures=tuple(figures.values()),
        opening=opening,
        limit=limit,
        must_cite=part == "indicators",
    )


def _claim_text(part: str, pieces: Sequence[_Piece]) -> str:
    lead, joiner = _LEADS[part]
    return f"{lead}{joiner.join(piece.text for piece in pieces)}。"


def plan_digest(
    *,
    entity: str | None,
    year: int | None,
    achievements: Sequence[Achievement],
    indicators: Sequence[Indicator],
    problems: Sequence[Problem],
    plans: Sequence[Plan],
    title: str | None = None,
    parent_entity: str | None = None,
    max_chars: int = DEFAULT_DIGEST_CHARS,
    text: str | None = None,
) -> list[ClaimPlan]:
    """The digest's claims: which items each speaks of, and the template's text for them.

    One claim per part the result has (measures, figures, problems, plans), each of whole
    clauses of its items and passing ``check_claim``; the first carries the opening. Items
    are dropped from the end of the longest claims, then whole claims from the end, until
    the digest fits in ``max_chars``. With nothing to say, one claim names the report.
    ``text`` (the report's) lets a figure's clause run over a list joined by 、.
    """
    subject = Subject(entity, parent_entity, title, year, bool(problems), bool(plans))
    head = opening(subject)
    parts: list[tuple[str, list[_Piece]]] = []
    for part, items in (
        ("achievements", achievements),
        ("indicators", indicators),
        ("problems", problems),
        ("plans", plans),
    ):
        pieces = _pieces(part, items, indicators, subject, text)
        if pieces:
            parts.append((part, pieces))

    def total() -> int:
        return len(head) + sum(len(_claim_text(part, pieces)) for part, pieces in parts)

    while parts and total() > max_chars:
        longest = max(
            (p for p in parts if len(p[1]) > 1), key=lambda p: len(_claim_text(*p)), default=None
        )
        if longest is not None:
            longest[1].pop()
        else:
            parts.pop()
    if not parts:
        text = head.rstrip("：") + "。"
        grounds = ClaimGrounds("report", (), opening=True, limit=max(len(text), max_chars))
        return [ClaimPlan("report", (), text[:max_chars], grounds, ())]
    texts = [_claim_text(part, pieces) for part, pieces in parts]
    texts[0] = head + texts[0]
    slack = max(0, max_chars - sum(len(text) for text in texts))
    used = sum(len(text) for text in texts)
    claims: list[ClaimPlan] = []
    for number, ((part, pieces), text) in enumerate(zip(parts, texts, strict=True)):
        # Room to rephrase, within the digest's length whatever mix of sentences it ends with.
        limit = len(text) + min(_ROOM, slack * len(text) // used)
        sources = [
            _source(
                _KIND_OF_PART[part],
                piece.index,
                _evidence_of(piece, part, achievements, indicators, problems, plans),
            )
            for piece in pieces
        ]
        seen = {(source.kind, source.index) for source in sources}
        for piece in pieces:
            for index, indicator in piece.figures:
                if ("indicator", index) not in seen:
                    seen.add(("indicator", index))
                    sources.append(_source("indicator", index, indicator.evidence))
        claims.append(
            ClaimPlan(
                part,  # type: ignore[arg-type]
                tuple(piece.index for piece in pieces),
                text,
                _grounds(part, pieces, opening=number == 0, limit=limit),
                tuple(sources),
                tuple(piece.text for piece in pieces),
            )
        )
    return claims


def _evidence_of(
    piece: _Piece,
    part: str,
    achievements: Sequence[Achievement],
    indicators: Sequence[Indicator],
    problems: Sequence[Problem],
    plans: Sequence[Plan],
) -> Evidence:
    items: dict[str, Sequence[Achievement | Indicator | Problem | Plan]] = {
        "achievements": achievements,
        "indicators": indicators,
        "problems": problems,
        "plans": plans,
    }
    return items[part][piece.index].evidence


def subject_of(
    *,
    entity: str | None,
    year: int | None,
    problems: Sequence[Problem],
    plans: Sequence[Plan],
    title: str | None = None,
    parent_entity: str | None = None,
) -> Subject:
    """The result's issuer, title, year and parts, as the claim check reads them."""
    return Subject(entity, parent_entity, title, year, bool(problems), bool(plans))


def plan_digest_of(
    summary: ReportSummary, *, max_chars: int = DEFAULT_DIGEST_CHARS, text: str | None = None
) -> tuple[list[ClaimPlan], Subject]:
    """``plan_digest`` for a result, and the result's subject as the claim check reads it."""
    claims = plan_digest(
        entity=summary.entity,
        year=summary.year,
        achievements=summary.achievements,
        indicators=summary.indicators,
        problems=summary.problems,
        plans=summary.plans,
        title=summary.title,
        parent_entity=summary.parent_entity,
        max_chars=max_chars,
        text=text,
    )
    subject = subject_of(
        entity=summary.entity,
        year=summary.year,
        problems=summary.problems,
        plans=summary.plans,
        title=summary.title,
        parent_entity=summary.parent_entity,
    )
    return claims, subject


def assemble_digest(
    plans: Sequence[ClaimPlan],
    texts: Sequence[str] | None = None,
    origins: Sequence[Literal["template", "model"]] | None = None,
) -> tuple[str, list[DigestClaim]]:
    """The digest and its claims: each plan's text (the template's, or ``texts``), in order."""
    digest = ""
    claims: list[DigestClaim] = []
    for number, plan in enumerate(plans):
        text = texts[number] if texts is not None else plan.text
        origin = origins[number] if origins is not None else "template"
        start = len(digest)
        digest += text
        claims.append(
            DigestClaim(
                text=text,
                start=start,
                end=len(digest),
                part=plan.part,
                sources=list(plan.sources),
                origin=origin,
            )
        )
    return digest, claims


def template_digest(
    *,
    entity: str | None,
    year: int | None,
    achievements: Sequence[Achievement],
    indicators: Sequence[Indicator],
    problems: Sequence[Problem],
    plans: Sequence[Plan],
    max_chars: int = DEFAULT_DIGEST_CHARS,
    title: str | None = None,
    parent_entity: str | None = None,
) -> str:
    """A plain digest of whole clauses: who and when, measures, figures, problems, plans."""
    claims = plan_digest(
        entity=entity,
        year=year,
        achievements=achievements,
        indicators=indicators,
        problems=problems,
        plans=plans,
        title=title,
        parent_entity=parent_entity,
        max_chars=max_chars,
    )
    return assemble_digest(claims)[0]


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
