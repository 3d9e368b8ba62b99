"""Rule kinds for numbers: which measure of the vocabulary (``rulelaw_llm.kinds``) a number states.

A kind is chosen among those that accept the number's unit (the unit family must fit: a
count in 人次 is never a 化解率), by the words that support each kind, weighed by where they
stand and how long they are (a longer word is more specific evidence):

* in the indicator's **name** (what the number counts) a word weighs most, and twice as much
  at its end (a Chinese noun phrase ends in its head: 法治专题培训 is a 培训, 学习会议 a 学习);
* in its **clause** (the evidence quote) less, in the rest of its **sentence** and in the
  **heading** of its item least: they only tell apart kinds the name and clause support
  alike (全年开展排查60余次 after 做好矛盾纠纷排查化解工作 is a dispute screening).

Only kinds with a supporting word in the name or the clause compete; when none has, the
words of the sentence and heading decide alone (a bare clause such as 参与人数120余人次 has
said what it counts before) if they weigh at least ``FALLBACK_MINIMUM``; the kind is
``other`` when nothing supports a kind that fits the unit. The rules are
*sure* when the best kind's support reaches the name and clearly outweighs the runner-up;
otherwise ``kind_doubt`` says why, and the LLM backend may ask the model (which must then
answer a kind that fits the unit and is supported by words of the same places).
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from dataclasses import dataclass
from functools import cache, lru_cache

from rulelaw_llm.kinds import KINDS, KindKey, fits, unit_family
from rulelaw_llm.reading.normalize import fold

__all__ = [
    "ASKED",
    "CONTEXT_ONLY",
    "OWN_WORDS",
    "UNASKABLE",
    "WEAK_CONTEXT",
    "KindEvidence",
    "kind_doubt",
    "kind_scores",
    "kind_supported",
    "names_its_own",
    "rule_kind",
]

#: Weights of a word by where it stands.
NAME_WEIGHT = 8
HEAD_WEIGHT = 8
CLAUSE_WEIGHT = 4
SENTENCE_WEIGHT = 1
HEADING_WEIGHT = 1
#: Support from the sentence and heading alone must reach this (a two-character word once
#: in the sentence is 2, twice 4: too weak to say what a number counts).
FALLBACK_MINIMUM = 6
#: The best kind is sure when it outweighs the runner-up by this factor.
SURE_MARGIN = 1.5
#: The doubts ``kind_doubt`` gives. The default plan asks the model about CONTEXT_ONLY and
#: WEAK_CONTEXT (the rules then say other);
#: nothing a model answers can settle UNASKABLE ones (no word supports any kind, or the
#: unit contradicts the name), so they are never asked.
CONTEXT_ONLY = "种类的支持词只在上下文中"
WEAK_CONTEXT = "种类的支持词只在上下文中且太弱"
OWN_WORDS = "名称另有所指而种类的支持词只在上下文中"
NOT_IN_NAME = "种类的支持词不在名称中"
SPLIT = "种类的支持词分散"
NO_SUPPORT = "没有种类的支持词"
RATE_UNIT = "名称是比率而单位不是 %"
UNASKABLE = (NO_SUPPORT, RATE_UNIT)
#: The doubts the model is asked about (the context alone supports a kind).
ASKED = (CONTEXT_ONLY, WEAK_CONTEXT, OWN_WORDS)
#: A name ending in one of these counts a rate (化解率, 持证比例): only a % can be of it.
_RATE_NAME = re.compile(r"(?:率|比例|比率|占比)$")


@dataclass(frozen=True, slots=True)
class KindEvidence:
    """The words around one number that a kind is judged from."""

    name: str
    """What the number counts (the indicator's name)."""
    clause: str
    """The clause that holds the number (the indicator's evidence quote)."""
    sentence: str = ""
    """The whole sentence (the clause included)."""
    heading: str = ""
    """The heading of the item the number stands in."""
    unit: str = ""


@cache
def _index() -> tuple[dict[str, tuple[KindKey, ...]], dict[str, tuple[str, ...]]]:
    """Each supporting word (folded) -> the kinds it supports; first character -> its words."""
    owners: dict[str, list[KindKey]] = {}
    for kind in KINDS.values():
        for word in kind.words:
            owners.setdefault(fold(word), []).append(kind.key)
    by_first: dict[str, list[str]] = {}
    for word in owners:
        by_first.setdefault(word[0], []).append(word)
    return (
        {word: tuple(keys) for word, keys in owners.items()},
        {first: tuple(words) for first, words in by_first.items()},
    )


#: Words that say how a number counts, not what: a name made only of them and of supporting
#: words (参与人数, 全年开展活动, 覆盖率) leaves it to the context to say what it counts.
_BARE = (
    "次数 人数 人次 场次 件数 个数 户数 数量 总数 累计 共计 合计 全年 年度 参加 参与 开展 组织"
    " 举办 活动 相关 其中 以上 法治 专项 专题 工作 共 总 数 等 达 有 率 次 场 人 名 件 个 项"
)
_BARE_WORDS = tuple(sorted(_BARE.split(), key=len, reverse=True))
#: A name with this many characters that are neither (代表小组开展活动, 开设综合窗口) names what
#: the number counts in words no kind has: the sentence and heading cannot say it instead.
OWN_CHARACTERS = 2


#: Words that name a body or a place (村, 社区, 单位…): they say what a number counts only as
#: the head of its name (覆盖12个行政村); before it they say where (社区级窗口, 单位机构), and in
#: the clause, sentence or heading they are no support.
_PLACES = "村 行政村 社区 村社 单位 下属单位 重点单位 省直单位 乡镇 街道 学校 企业 部门"
PLACE_WORDS = frozenset(_PLACES.split())


_TRAILING_BRACKET = re.compile(r"[(（][^()（）]*[)）]$")


@lru_cache(maxsize=4096)
def names_its_own(name: str) -> bool:
    """Whether a name says what its number counts in words of its own (no kind's, no bare word)."""
    owners, _ = _index()
    rest = fold(name)
    for word in sorted(owners, key=len, reverse=True) + list(_BARE_WORDS):
        rest = rest.replace(word, " ")
    return sum(char.isalnum() for char in rest) >= OWN_CHARACTERS


@lru_cache(maxsize=4096)
def _found(text: str) -> tuple[tuple[str, int], ...]:
    """The supporting words in a folded text and how often each occurs (overlaps counted)."""
    _, by_first = _index()
    counts: dict[str, int] = {}
    for position, char in enumerate(text):
        for word in by_first.get(char, ()):
            if text.startswith(word, position):
                counts[word] = counts.get(word, 0) + 1
    return tuple(counts.items())


def kind_scores(
    evidence: KindEvidence, *, minimum: int = FALLBACK_MINIMUM, context: bool = False
) -> list[tuple[KindKey, int, int]]:
    """Every kind that fits the unit and has support near the number: (kind, score, support
    in the name); when none has, those the sentence and heading support at least ``minimum``
    — unless the name names what it counts in words of its own (``names_its_own``; with
    ``context`` the sentence and heading are heard then too). Best first; on a tie the kind
    with more support in the name wins (the name says what is counted), then the kind listed
    first in the vocabulary.
    """
    owners, _ = _index()
    name, clause = fold(evidence.name), fold(evidence.clause)
    # Sentences and headings are shared by the numbers they hold: their words are found once.
    places = (
        (_found(name), NAME_WEIGHT, True),
        (_found(clause), CLAUSE_WEIGHT, True),
        (_found(fold(evidence.sentence)), SENTENCE_WEIGHT, False),
        (_found(fold(evidence.heading)), HEADING_WEIGHT, False),
    )
    # A bracket after the head lists its like: 社区（村）is a count of 社区.
    head = _TRAILING_BRACKET.sub("", name)
    totals: dict[KindKey, list[int]] = {}  # kind -> [score, in name, near]
    for position, (found, weight, near) in enumerate(places):
        for word, count in found:
            if word in PLACE_WORDS and not (position == 0 and head.endswith(word)):
                continue
            for key in owners[word]:
                total = totals.setdefault(key, [0, 0, 0])
                total[0] += len(word) * weight * count
                if position == 0:
                    total[1] += len(word) * count
                    total[0] += len(word) * HEAD_WEIGHT * name.endswith(word)
                total[2] += count if near else 0
    order = {key: index for index, key in enumerate(KINDS)}
    scored = [
        (key, score, in_name, near)
        for key, (score, in_name, near) in sorted(totals.items(), key=lambda kv: order[kv[0]])
        if fits(key, evidence.unit)
    ]
    close = [entry for entry in scored if entry[3]]
    heard = context or not names_its_own(evidence.name) or unit_family(evidence.unit) == "persons"
    far = [entry for entry in scored if entry[1] >= minimum] if heard else []
    ranked = sorted(close or far, key=lambda entry: (-entry[1], -entry[2]))
    return [(key, score, in_name) for key, score, in_name, _ in ranked]


def rule_kind(evidence: KindEvidence) -> KindKey:
    """The rules' kind of a number: the best supported kind that fits its unit, else ``other``.

    A number named as a rate whose unit is not % (调解成功率98件) is ``other``: it is no count
    of the kind its words name, and summing it would be wrong (``find_outliers`` asks a person
    to check it).
    """
    if _RATE_NAME.search(evidence.name) and not fits("dispute_resolution_rate", evidence.unit):
        return "other"
    scores = kind_scores(evidence)
    return scores[0][0] if scores else "other"


def kind_doubt(
    evidence: KindEvidence, scores: Sequence[tuple[KindKey, int, int]] | None = None
) -> str | None:
    """Why the rules are not sure of a number's kind (``None``: sure).

    Sure means: a kind has support, some of it in the name, and it outweighs the runner-up
    by ``SURE_MARGIN`` or has a word in the name the runner-up does not. A name that says rate (…率) on a number that is not a % is a doubt too.
    """
    if scores is None:
        scores = kind_scores(evidence)
    if _RATE_NAME.search(evidence.name) and not fits("dispute_resolution_rate", evidence.unit):
        return RATE_UNIT
    if not scores:
        if not kind_scores(evidence, minimum=1, context=True):
            return NO_SUPPORT
        return OWN_WORDS if names_its_own(evidence.name) else WEAK_CONTEXT
    best, score, in_name = scores[0]
    if in_name == 0:
        clause = _found(fold(evidence.clause))
        owners, _ = _index()
        if not any(best in owners[word] for word, _ in clause):
            return CONTEXT_ONLY
        return NOT_IN_NAME
    if len(scores) > 1 and scores[1][1] * SURE_MARGIN > score:
        # Close scores, unless the name holds a word of the best kind that the runner-up
        # lacks (化解 in 化解矛盾纠纷: both dispute kinds share 矛盾纠纷, only one is 化解).
        owners, _ = _index()
        runner_up = scores[1][0]
        named = [owners[word] for word, _ in _found(fold(evidence.name))]
        if not any(best in keys and runner_up not in keys for keys in named):
            return SPLIT
    return None


def kind_supported(key: str, evidence: KindEvidence) -> bool:
    """Whether ``key`` fits the number's unit and has a supporting word in its clause, name or
    heading (the check of a model's answer: the words of the number's own place must say it).

    ``other`` is always supported: it claims nothing.
    """
    if key not in KINDS or not fits(key, evidence.unit):
        return False
    if key == "other":
        return True
    places = fold(evidence.name + "\n" + evidence.clause + "\n" + evidence.heading)
    return any(fold(word) in places for word in KINDS[key].words)
