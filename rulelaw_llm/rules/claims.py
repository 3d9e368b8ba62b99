"""Digest claims: what one sentence of a digest may say, and the check every claim passes.

A digest is a few claims, each tied to items of the result (``ClaimGrounds``: the part it
speaks of, the texts of its items and the indicators among them). ``check_claim`` is the one
check for any claim, the template's and a model's alike. A claim passes only if

- every number in it is an indicator among its sources, written as the report writes it
  (500余份, 98%以上: a lost or changed marker is put back), and the words beside each
  number are that indicator's own (its name or the words of its clause);
- its content words come from its sources: a paraphrase passes, a new fact does not;
- it never speaks of a part the result lacks (no problems without problems, no plans
  without plans), nor of another part than its own unless its sources say so;
- the issuer and the years are the result's: the opening claim names the issuer (else the
  title, else "本报告") and no claim names another body or another year.

Failures are codes with values (``ClaimFailure``); the LLM floor turns them into feedback
text (``prompts/feedback``). Nothing here reads files or calls a model.
"""

from __future__ import annotations

import re
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field

from rulelaw_llm.reading.normalize import fold
from rulelaw_llm.rules.quantities import Quantity, find_quantities
from rulelaw_llm.schema import ClaimPart

__all__ = [
    "ClaimFailure",
    "ClaimGrounds",
    "Figure",
    "Subject",
    "check_claim",
    "content_coverage",
    "noun_beside",
    "speaks_of",
]

#: Words that speak of problems, and of plans (a claim of another part may use them only
#: when its own sources do, and never when the result lacks that part).
PART_WORDS: dict[str, re.Pattern[str]] = {
    "problems": re.compile(
        r"存在的?(?:主要)?(?:问题|不足)|不足|短板|薄弱|差距|有待|欠缺|滞后|不够|不强|不到位"
    ),
    "plans": re.compile(
        r"下一步|下一年度|下一年|下步|明年|来年|今后|20\d{2}年(?:将|计划|工作(?:打算|计划|重点))"
        r"|将继续|将进一步|将着力|计划|打算|工作重点"
    ),
}
PART_NAMES = {"problems": "存在的问题", "plans": "下一年度的计划"}

_CJK = re.compile(r"[\u4e00-\u9fff]")
_CLAUSE_MARKS = "，。；、：,.;:！？!?"
#: A year as a digest writes it (2024年, 2024年度).
_YEAR = re.compile(r"(?<![\d.])((?:19|20)\d{2})(?=年)")
_ARABIC = re.compile(r"(?<![\d.])\d+(?:,\d{3})*(?:\.\d+)?")
#: Words any claim may use without a source: the frame of a digest sentence, connectives,
#: generic verbs of the genre. Longest first, so that 法治政府建设 is taken before 法治.
_SCAFFOLD_WORDS = """
法治政府建设 法治建设 年度 报告 摘要 主要 举措 措施 包括 成效 工作 情况 开展 推进 推动 加强 强化
持续 不断 进一步 着力 扎实 深入 积极 全面 切实 有效 稳步 努力 存在 问题 不足 方面 下一步 下一年度
下一年 明年 继续 重点 数据 关键 数字 共计 累计 合计 先后 分别 全年 其中 同时 此外 以及 并且 一是
二是 三是 四是 五是 通过 围绕 坚持 聚焦 做好 落实 实现 完成 取得 提升 提高 本报告 该单位 等 和 与
及 并 将 的 了 在 对 为 是 有 中 也 还 都 已 均 共 达 从 向 于 把 被 以 年 该 本 其 各 项 个 今 要
"""
_SCAFFOLD = re.compile(
    "|".join(sorted(re.split(r"\s+", _SCAFFOLD_WORDS.strip()), key=len, reverse=True))
)
#: Words that stand between a number and its noun (召开会议共计4次, 群众达5000余人次).
_LINKING = re.compile(r"(?:共计|合计|总计|累计|共|计|达到|达|约|近|超过|超|逾|为|有|的|等)+$")
#: Bodies a claim may name only when the result or its sources do (某县司法局, 某镇党委).
_BODY = re.compile(r"([\u4e00-\u9fff]{2})(人民政府|司法局|街道办事处)")
_SCOPE = set("全各本该我级")
#: What may stand before the year in an opening claim, besides the issuer and the title.
_OPENING_WORDS = re.compile(r"本报告|该报告|关于|法治政府建设|年度|报告|摘要|情况|工作|的|在|中共")

#: A content word counts as the sources' when this share of a claim's characters does.
CONTENT_SHARE = 0.6
#: The words beside a number count as its indicator's when this share of them does.
NOUN_SHARE = 0.5


@dataclass(frozen=True, slots=True)
class Figure:
    """An indicator a claim may cite: its name, its number as the report writes it, its clause."""

    name: str
    raw: str
    value: float
    unit: str
    approx: bool
    quote: str = ""
    """The indicator's evidence quote (the clause that holds it)."""


@dataclass(frozen=True, slots=True)
class Subject:
    """The result's own issuer, title and year, and which parts it has."""

    entity: str | None
    parent_entity: str | None
    title: str | None
    year: int | None
    has_problems: bool
    has_plans: bool

    @property
    def who(self) -> str:
        """How the digest names the report: the issuer and year, else the title, else 本报告."""
        year = f"{self.year}年" if self.year else ""
        if self.entity:
            return f"{self.entity}{year}"
        if self.title:
            return f"《{self.title}》"
        return f"本报告（{year}）" if year else "本报告"

    def lacks(self, part: str) -> bool:
        """Whether the result has no item of ``part`` (problems or plans)."""
        return not (self.has_problems if part == "problems" else self.has_plans)


@dataclass(frozen=True, slots=True)
class ClaimGrounds:
    """What one claim may draw on: its part, its items' texts and the indicators among them."""

    part: ClaimPart
    texts: tuple[str, ...]
    """The summaries, quotes and names of its items."""
    figures: tuple[Figure, ...] = ()
    opening: bool = False
    """The claim opens the digest: it names the issuer (or the title, or 本报告)."""
    limit: int = 120
    must_cite: bool = False
    """The claim is the figures' sentence: it cites at least one of ``figures``."""


@dataclass(frozen=True, slots=True)
class ClaimFailure:
    """Why a claim fails: a feedback code and the values its text needs."""

    code: str
    values: Mapping[str, str] = field(default_factory=dict)


def _cjk(text: str) -> str:
    return "".join(_CJK.findall(fold(text)))


def _bigrams(text: str) -> set[str]:
    runs = re.split(r"[^\u4e00-\u9fff]+", fold(text))
    return {run[i : i + 2] for run in runs for i in range(len(run) - 1)}


def content_coverage(text: str, sources: str) -> tuple[float, str]:
    """Share of ``text``'s content characters that stand in ``sources``, and the longest miss.

    Frame words (``_SCAFFOLD``) are left out; a character counts when it forms, with a
    neighbour, a two-character string found in ``sources`` (a lone character: when it is in
    ``sources`` at all). Characters, not words: Chinese has no spaces to split on.
    """
    folded = fold(text)
    pool = _bigrams(sources)
    chars = set(_cjk(sources))
    stripped = _SCAFFOLD.sub("|", folded)
    total = covered = 0
    missed: list[str] = []
    longest = ""
    for run in re.split(r"[^\u4e00-\u9fff]+", stripped):
        if not run:
            continue
        flags = []
        for index, char in enumerate(run):
            if len(run) == 1:
                flags.append(char in chars)
                continue
            left = index > 0 and run[index - 1 : index + 1] in pool
            right = index + 1 < len(run) and run[index : index + 2] in pool
            flags.append(left or right)
        total += len(run)
        covered += sum(flags)
        for char, flag in zip(run, flags, strict=True):
            if flag:
                missed.append("|")
            else:
                missed.append(char)
        missed.append("|")
    for piece in "".join(missed).split("|"):
        if len(piece) > len(longest):
            longest = piece
    return (covered / total if total else 1.0), longest


def speaks_of(text: str, part: str) -> list[str]:
    """The words of ``text`` that speak of ``part`` (problems or plans)."""
    return [match.group(0) for match in PART_WORDS[part].finditer(fold(text))]


def _phrase_around(
    text: str, start: int, end: int, others: Sequence[tuple[int, int]]
) -> tuple[str, str]:
    """The Chinese characters before and after ``text[start:end]`` within its clause."""
    left = start
    while left > 0 and text[left - 1] not in _CLAUSE_MARKS:
        left -= 1
    right = end
    while right < len(text) and text[right] not in _CLAUSE_MARKS:
        right += 1
    for other_start, other_end in others:
        if other_end <= start:
            left = max(left, other_end)
        elif other_start >= end:
            right = min(right, other_start)
    before = _cjk(text[left:start])
    after = re.sub(r"^(?:的|以上|左右)", "", _cjk(text[end:right]))
    return before, after


def noun_beside(text: str, quantity: Quantity, others: Sequence[Quantity]) -> tuple[str, str]:
    """The words beside a number in ``text``: (the two characters next to it, its whole phrase).

    The phrase runs from the previous clause mark (or number) to the next; the noun is taken
    after the number when its phrase goes on (26个村), else before it (会议4次).
    """
    spans = [(other.start, other.end) for other in others]
    before, after = _phrase_around(text, quantity.start, quantity.end, spans)
    if len(after) >= 2:
        return after[:2], before + after
    return _LINKING.sub("", before)[-2:], before + after


def _noun_fits(text: str, quantity: Quantity, others: Sequence[Quantity], figure: Figure) -> bool:
    """Whether the words beside a cited number are its indicator's (name or clause words).

    The noun next to the number must be a two-character string of the indicator's name or
    clause, or begin (after the number) or end (before it) as the clause's own does; and
    the number's whole phrase must mostly be the indicator's words.
    """
    noun, phrase = noun_beside(text, quantity, others)
    if not noun:
        return False
    ground = fold(figure.name + "|" + figure.quote.replace(figure.raw, "|"))
    fits = len(noun) == 2 and noun in _bigrams(ground)
    at = figure.quote.find(figure.raw)
    if not fits and at >= 0:
        own_before, own_after = _phrase_around(figure.quote, at, at + len(figure.raw), ())
        _, after = _phrase_around(text, quantity.start, quantity.end, ())
        if len(after) >= 2:
            fits = bool(own_after) and own_after[0] == after[0]
        else:
            fits = bool(own_before) and _LINKING.sub("", own_before)[-1:] == noun[-1:]
    if not fits:
        return False
    share, _ = content_coverage(phrase, ground)
    return share >= NOUN_SHARE


def _repair_figures(text: str, figures: Sequence[Figure]) -> str:
    """Write each cited figure as the report writes it (500份 → 500余份, 五次 → 5次)."""
    for quantity in reversed(find_quantities(text)):
        raws = {
            figure.raw
            for figure in figures
            if abs(figure.value - quantity.value) < 1e-6 and figure.unit == quantity.unit
        }
        if len(raws) == 1 and quantity.raw not in raws:
            text = text[: quantity.start] + next(iter(raws)) + text[quantity.end :]
    return text


def _normalise(text: str, limit: int) -> str:
    # One paragraph; a space stays only where the writer put one between words (a joint
    # issuer: 中共某县委 某县人民政府).
    text = re.sub(r"[^\S\n]+", " ", re.sub(r"\s*\n\s*", "", text)).strip()
    text = text.rstrip("，,；;、：:")
    if text and text[-1] not in "。！？!?":
        text += "。"
    if len(text) > limit:
        # Trim to the last whole sentence or item within the limit.
        cut = max(text.rfind(mark, 0, limit) for mark in "。；;")
        if cut >= limit * 0.6:
            text = text[:cut] + "。"
    return text


def _head_issuer(text: str, subject: Subject) -> str | None:
    """Words naming a body at the opening of a claim, before its year, that are not the result's."""
    match = _YEAR.search(text)
    if match is None or match.start() > 30:
        return None
    head = text[: match.start()]
    if any(mark in head for mark in _CLAUSE_MARKS):
        return None
    rest = fold(head)
    for known in (subject.entity, subject.parent_entity, subject.title):
        for part in fold(known or "").split():
            rest = rest.replace(part, "|")
    return head if len(_CJK.findall(_OPENING_WORDS.sub("|", rest))) >= 2 else None


def _names_issuer(text: str, subject: Subject) -> bool:
    head = fold(text)[:40].replace(" ", "")
    if subject.entity:
        parts = [part for part in subject.entity.split() if len(part) >= 2] or [subject.entity]
        return any(fold(part) in head for part in parts)
    if subject.title:
        title = fold(subject.title).replace(" ", "")
        return title[:6] in head
    return "本报告" in head


def check_claim(
    text: str, grounds: ClaimGrounds, subject: Subject
) -> tuple[str, list[ClaimFailure]]:
    """Repair and check one claim: (the claim as repaired, why it fails — empty: it passes)."""
    text = _repair_figures(_normalise(text, grounds.limit), grounds.figures)
    failures: list[ClaimFailure] = []
    if len(_cjk(text)) < 4:
        return text, [ClaimFailure("claim_short")]
    if len(text) > grounds.limit:
        failures.append(
            ClaimFailure("claim_long", {"length": str(len(text)), "limit": str(grounds.limit)})
        )
    sources = "|".join(grounds.texts + tuple(f.quote for f in grounds.figures))
    allowed_text = "|".join(
        [sources, subject.entity or "", subject.parent_entity or "", subject.title or ""]
    )
    if grounds.opening and not _names_issuer(text, subject):
        failures.append(ClaimFailure("claim_who", {"who": subject.who}))
    invented = _head_issuer(text, subject) if grounds.opening else None
    bodies = [
        match.group(0)
        for match in _BODY.finditer(fold(text))
        if not (_SCOPE & set(match.group(1))) and match.group(1) not in fold(allowed_text)
    ]
    if invented or bodies:
        failures.append(
            ClaimFailure("claim_issuer", {"name": invented or bodies[0], "who": subject.who})
        )
    # Years: the result's (and the next one in the plans' sentence), or one its sources write.
    years = {str(subject.year)} if subject.year else set()
    if subject.year and grounds.part == "plans":
        years.add(str(subject.year + 1))
    year_spans = []
    for match in _YEAR.finditer(text):
        year_spans.append((match.start(), match.end()))
        if match.group(1) not in years and match.group(1) not in allowed_text:
            failures.append(ClaimFailure("claim_year", {"year": match.group(1)}))
            break
    # Numbers: each an indicator among the sources, as written, beside its own noun.
    quantities = find_quantities(text)
    spans = [(q.start, q.end) for q in quantities] + year_spans
    foreign = [
        match.group(0)
        for match in _ARABIC.finditer(text)
        if not any(start <= match.start() < end for start, end in spans)
        and match.group(0) not in allowed_text
    ]
    cited = False
    for quantity in quantities:
        matches = [
            figure
            for figure in grounds.figures
            if abs(figure.value - quantity.value) < 1e-6 and figure.unit == quantity.unit
        ]
        if not matches or quantity.raw not in {figure.raw for figure in matches}:
            if quantity.raw in sources and not matches:
                continue  # a number its item's own words hold, though not an indicator
            foreign.append(quantity.raw)
            continue
        cited = True
        others = [other for other in quantities if other is not quantity]
        if not any(_noun_fits(text, quantity, others, figure) for figure in matches):
            figure = matches[0]
            failures.append(
                ClaimFailure("claim_noun", {"raw": quantity.raw, "quote": figure.quote})
            )
    if foreign:
        failures.append(ClaimFailure("claim_number", {"number": "、".join(dict.fromkeys(foreign))}))
    if grounds.must_cite and grounds.figures and not cited:
        failures.append(ClaimFailure("claim_no_figure"))
    # Parts: never one the result lacks; another part's words only from the sources.
    for part in ("problems", "plans"):
        if part == grounds.part:
            continue
        words = speaks_of(text, part)
        if not words:
            continue
        if subject.lacks(part):
            failures.append(ClaimFailure("claim_part_missing", {"part": PART_NAMES[part]}))
        elif not all(word in fold(sources) for word in words):
            failures.append(ClaimFailure("claim_part_other", {"part": PART_NAMES[part]}))
    # Content words: from the sources (a paraphrase passes, a new fact does not).
    frame = fold(text)  # one character for one: the quantities' spans still hold
    for quantity in reversed(quantities):
        frame = frame[: quantity.start] + "|" + frame[quantity.end :]
    for known in (subject.entity, subject.parent_entity, subject.title):
        for part in fold(known or "").split():
            frame = frame.replace(part, "|")
    share, missed = content_coverage(frame, sources)
    if share < CONTENT_SHARE:
        failures.append(ClaimFailure("claim_words", {"words": missed[:12]}))
    return text, failures
