"""Rule names for numbers: the short noun phrase a number counts, from the words around it.

A Chinese report puts the counted noun either before the number (召开分析研判会议4次,
化解率100%) or after its measure word (召开4次法治专题学习会议, 设立4个村禁毒广场). The rules
here read the clause around a number and keep only that noun phrase:

* the phrase after the measure word wins when the words before it hold no noun of their own
  (only a verb: 先后召开, 组织开展) or end in a list mark, 为 or 等 (寺庙等11处法治文化宣传阵地);
* otherwise the words before the number count, without the subject and the general verbs
  that lead up to the noun (党政班子成员深入各村开展调研 -> 调研; 对帮教人员进行走访 -> 走访帮教人员);
* examples before 等 give way to the category after it (桌面推演等应急演练 -> 应急演练);
* a clause with nothing but the number (共20余次, 由2023年的20批次) takes its noun from the
  clauses before it in the same sentence; a bare verb whose object was said in the previous
  clause borrows it (排查矛盾纠纷124起，化解96起 -> 化解矛盾纠纷);
* a bare change takes its subject from the clause before (行政复议收案41件，同比增长12% ->
  行政复议收案同比增长);
* a name is at most ``MAX_NAME_CHARS`` characters (a longer list keeps its last item, the
  head of a head-final phrase) and never holds an unbalanced 《》, “”, （） or 【】.

Every name is made of slices of the report text (at most two: a borrowed object is the
second). The rules are general: they know measure words, general verbs and the place of the
noun in a Chinese clause, not the sample reports.
"""

from __future__ import annotations

import re
from bisect import bisect_left
from collections.abc import Sequence
from functools import lru_cache

from rulelaw_llm.rules.quantities import Quantity

__all__ = ["MAX_NAME_CHARS", "name_quantities", "name_quantity"]

#: The longest name the rules give.
MAX_NAME_CHARS = 20

_CLAUSE_BREAK = re.compile(r"[，,。；;：:！？!?\n]")
_SENTENCE_BREAK = re.compile(r"[。；;！？!?\n]")
_EDGE = " \t\u3000，,。；;、：:！？!?"
_CJK = re.compile(r"[\u4e00-\u9fff]")

#: Words that only lead up to the noun: dropped from the front of a name.
_LEADING_FILLER = re.compile(
    r"^(?:共|累计|共计|合计|总计|先后|全年|年内|全镇|全乡|全区|全县|其中|已|达|均|目前|截至目前"
    r"|一年来|今年以来|同时|此外|另外|并|和|及|的|各类|各种|各项|各级|定期|积极|扎实|深入|广泛)+"
)
#: Words between the noun and the number that are not part of the noun.
_TRAILING_FILLER = re.compile(
    r"(?:共|计|达|(?<![行作成认])为|了|约|近|超|逾|达到|合计|累计|共计|总计|全部|均|都|已经|已)+$"
)
#: Year phrases in comparisons (由2023年的20批次…下降到2024年的1批次).
_YEAR_PHRASE = re.compile(
    r"由?(?:19|20)\d{2}年(?:的|度)?|(?:下降|上升|增加|减少|提高|降低|增长)(?:到|至)"
)
#: A change without its subject (同比增长12%): the subject is in the clause before.
_CHANGE = re.compile(
    r"^(?:同比|环比|较上年|比上年|较去年|比去年|较同期)?(?:增长|下降|提高|降低|增加|减少|上升)了?$"
)
#: General verbs: the noun is what follows them (开展普法宣传活动 -> 普法宣传活动).
_GENERAL_VERB = re.compile(
    r"(?:组织开展|开展|组织|举办|举行|召开|进行|发放|印发|制发|分发|悬挂|张贴|设立|设置|建立|建成"
    r"|建设了|新建|新增|增设|创建|打造|签署|签订|参加|参与|接待|推送|发布|播放|深入|发现并|发现"
    r"|办理|完成|实施|利用|选派|派出|聘请|聘任|选聘|配备|落实)了?"
)
#: Suffixes that make a verb a countable noun (参与人数, 受理件数, 办结率).
_COUNT_SUFFIX = re.compile(r"^(?:人数|人次|次数|件数|户数|个数|数量|总数|数|率|量)")
#: Verbs that say what happened to a counted thing; a clause of only these has lost its noun.
_ACTION_VERB = (
    r"(?:化解|排查|调处|调解|处理|解决|受理|办结|查处|审查|审核|整改|结案|回访|答复|办理)"
)
_BARE_VERBS = re.compile(rf"^(?:正在|已经|已|共|累计)?{_ACTION_VERB}+$")
_LEADING_ACTION = re.compile(rf"^{_ACTION_VERB}+")
#: "对 X 进行 Y": the activity Y done to X (对帮教人员进行走访 -> 走访帮教人员).
_DONE_TO = re.compile(r"^对(.{1,6}?)进行(.{2,})$")
#: Result verbs: the subject before them is what the figures that follow measure
#: (赴京访量实现断崖式下降，由2023年的20批次 -> 赴京访量).
_RESULT_VERB = re.compile(
    r"实现|保持|呈现|出现|同比|较上年|比上年|持续|明显|大幅|显著|下降|减少|上升|增长|增加"
)
#: Words that cannot open the noun after a number.
_NOT_A_NOUN_START = re.compile(
    r"^(?:的|用于|用以|以上|左右|之|其中|同比|比|较|占|涉及|覆盖|惠及|实现|达到|下降|上升|增长"
    r"|减少|提高|降低|均|全部|已|共|累计)"
)
_PAIRS = {"《": "》", "“": "”", "（": "）", "(": ")", "【": "】", "「": "」", "‘": "’"}
_CLOSERS = {closer: opener for opener, closer in _PAIRS.items()}


def name_quantity(text: str, quantity: Quantity, quantities: Sequence[Quantity] = ()) -> str:
    """The short noun phrase ``quantity`` counts, read from ``text`` (``raw`` if none is found).

    ``quantities`` are the other numbers of the text: they are cut out of names and mark
    where one number's words end and the next one's begin.
    """
    left, right = _span(text, quantity.start, _CLAUSE_BREAK)
    others = sorted(
        (q for q in quantities if q.start >= left and q.end <= right and q is not quantity),
        key=lambda q: q.start,
    )
    before_numbers = [q for q in others if q.end <= quantity.start]
    after_numbers = [q for q in others if q.start >= quantity.end]
    segment_start = before_numbers[-1].end if before_numbers else left
    segment = text[segment_start : quantity.start]
    after_end = after_numbers[0].start if after_numbers else right
    after = text[quantity.end : after_end]

    before_name = _noun_before(segment)
    after_name = None if quantity.unit == "%" else _noun_after(after)
    if after_name and (before_name is None or _leads_to_a_number(segment)):
        return _finish(after_name) or quantity.raw
    # Back through the segments of this clause (征收城镇垃圾处理费320户11万元 -> 11万元).
    for index in range(len(before_numbers) - 1, -1, -1):
        if before_name is not None:
            break
        start = before_numbers[index - 1].end if index > 0 else left
        before_name = _noun_before(text[start : before_numbers[index].start])
    if before_name is not None and _BARE_VERBS.match(before_name):
        before_name = _with_borrowed_object(text, left, before_name, quantities)
    if before_name is not None and _CHANGE.match(before_name):
        subject = _topic_before(text, left, quantities)
        if subject and subject in text:  # a name is at most two slices of the text
            before_name = subject + before_name
    if before_name is None:
        before_name = _topic_before(text, left, quantities)
    name = _finish(before_name) if before_name else ""
    return name or quantity.raw


def name_quantities(text: str, quantities: Sequence[Quantity]) -> list[str]:
    """``name_quantity`` for each of ``quantities``, in their order, in O(n log n).

    Each name only looks at the numbers of its own sentence, found by bisection, so a long
    text with thousands of numbers is named in one pass.
    """
    order = sorted(range(len(quantities)), key=lambda index: quantities[index].start)
    starts = [quantities[index].start for index in order]
    names: list[str] = []
    for quantity in quantities:
        sentence_left, _ = _span(text, quantity.start, _SENTENCE_BREAK)
        _, clause_right = _span(text, quantity.start, _CLAUSE_BREAK)
        low, high = bisect_left(starts, sentence_left), bisect_left(starts, clause_right)
        nearby = [quantities[order[index]] for index in range(low, high)]
        names.append(name_quantity(text, quantity, nearby))
    return names


#: How far a stretch reaches either way: real clauses and sentences are far shorter; text
#: without punctuation must not make every name look at the whole text (linear memory).
_REACH = 500


def _span(text: str, offset: int, breaks: re.Pattern[str]) -> tuple[int, int]:
    """The stretch of ``text`` around ``offset`` between two break characters (at most
    ``_REACH`` characters either way)."""
    positions = _break_positions(text, breaks)
    index = bisect_left(positions, offset)
    left = positions[index - 1] + 1 if index > 0 else 0
    right = positions[index] if index < len(positions) else len(text)
    return max(left, offset - _REACH), min(right, offset + _REACH)


@lru_cache(maxsize=8)
def _break_positions(text: str, breaks: re.Pattern[str]) -> list[int]:
    """Where the break characters stand, once per text (a string caches its own hash)."""
    return [match.start() for match in breaks.finditer(text)]


def _leads_to_a_number(segment: str) -> bool:
    """Whether the words before a number introduce it as a count of what follows."""
    words = _YEAR_PHRASE.sub("", segment).strip(" \t\u3000")
    if not words or words[-1] in "、等为" or _cjk(_clean(words)) <= 2:
        return True
    return bool(re.search(rf"(?:{_GENERAL_VERB.pattern}|先后|共|累计)$", words))


def _clean(words: str) -> str:
    """The words without fillers at either end; after a year phrase, only what follows it."""
    words = _last_wording(_YEAR_PHRASE.split(words)).strip(_EDGE)
    previous = None
    while previous != words:
        previous = words
        words = _TRAILING_FILLER.sub("", words).strip(_EDGE)
        words = _LEADING_FILLER.sub("", words).strip(_EDGE)
    return words


def _cjk(words: str) -> int:
    return len(_CJK.findall(words))


def _noun_before(segment: str) -> str | None:
    """The noun phrase at the end of the words before a number, or ``None``."""
    words = _clean(segment)
    done_to = _DONE_TO.match(words)
    words = done_to.group(2) + done_to.group(1) if done_to else _after_last_general_verb(words)
    words = _clean(words)
    return words if _cjk(words) >= 1 and not _GENERAL_VERB.fullmatch(words) else None


def _after_last_general_verb(words: str) -> str:
    """Drop the subject and the general verbs before the noun, keeping at least two characters."""
    for match in reversed(list(_GENERAL_VERB.finditer(words))):
        rest = words[match.end() :]
        if _COUNT_SUFFIX.match(rest):  # 参与人数, 接待人次: the verb belongs to the noun
            continue
        if _cjk(rest) >= 2 and not _inside_brackets(words, match.start()):
            return rest
    return words


def _noun_after(after: str) -> str | None:
    """The noun phrase right after a number's measure word, or ``None``."""
    words = after.strip(" \t\u3000")
    if not words or not _CJK.match(words) or _NOT_A_NOUN_START.match(words):
        return None
    if _GENERAL_VERB.match(words) or _LEADING_ACTION.match(words):
        return None
    words = re.split(r"[、]", words, maxsplit=1)[0]
    verb = _GENERAL_VERB.search(words)
    if verb is not None and _cjk(words[: verb.start()]) >= 2:
        words = words[: verb.start()]
    words = _clean(words)
    return words if _cjk(words) >= 2 else None


def _with_borrowed_object(text: str, left: int, verb: str, quantities: Sequence[Quantity]) -> str:
    """A bare verb (化解) with the object of the previous clause (排查矛盾纠纷124起 -> 矛盾纠纷)."""
    sentence_left, _ = _span(text, left, _SENTENCE_BREAK)
    position = left
    for _ in range(3):
        if position <= sentence_left:
            break
        clause_left, _ = _span(text, position - 1, _CLAUSE_BREAK)
        words = _clean(_without_numbers(text, clause_left, position - 1, quantities))
        action = _LEADING_ACTION.match(words)
        if action and _cjk(words[action.end() :]) >= 2:
            return _clean(verb) + words[action.end() :]
        position = clause_left
    return verb


def _topic_before(text: str, left: int, quantities: Sequence[Quantity]) -> str | None:
    """The noun of the previous clauses of the sentence, for a clause of bare numbers."""
    sentence_left, _ = _span(text, left, _SENTENCE_BREAK)
    position = left
    for _ in range(3):
        if position <= sentence_left:
            break
        clause_left, _ = _span(text, position - 1, _CLAUSE_BREAK)
        words = _without_numbers(text, clause_left, position - 1, quantities)
        result = _RESULT_VERB.search(words)
        name: str | None
        if result is not None and _cjk(words[: result.start()]) >= 2:
            name = _clean(words[: result.start()])
        else:
            name = _noun_before(words)
        if name:
            return name
        position = clause_left
    return None


def _without_numbers(text: str, left: int, right: int, quantities: Sequence[Quantity]) -> str:
    """The last stretch of words between the numbers of ``text[left:right]``.

    Stretches are never joined, so a name stays one slice of the text.
    """
    pieces: list[str] = []
    position = left
    for quantity in sorted(quantities, key=lambda q: q.start):
        if quantity.start >= position and quantity.end <= right:
            pieces.append(text[position : quantity.start])
            position = quantity.end
    pieces.append(text[position:right])
    return _last_wording(pieces)


def _last_wording(pieces: Sequence[str]) -> str:
    """The last piece holding a Chinese character (else the last piece, else nothing)."""
    for piece in reversed(pieces):
        if _CJK.search(piece):
            return piece
    return pieces[-1] if pieces else ""


def _inside_brackets(words: str, index: int) -> bool:
    depth = 0
    for char in words[:index]:
        if char in _PAIRS:
            depth += 1
        elif char in _CLOSERS and depth:
            depth -= 1
    return depth > 0


def _finish(name: str) -> str:
    """Shorten a name to its head and balance its brackets."""
    name = _balanced(name)
    examples = _outside_brackets_rfind(name, "等")
    if examples >= 0 and _cjk(name[examples + 1 :]) >= 3:
        name = name[examples + 1 :]
    if len(name) > MAX_NAME_CHARS:
        last_item = _outside_brackets_rfind(name, "、")
        if last_item >= 0 and _cjk(name[last_item + 1 :]) >= 2:
            name = name[last_item + 1 :]
    if len(name) > MAX_NAME_CHARS:
        name = name[-MAX_NAME_CHARS:]
    return _balanced(_clean(_balanced(name)))


def _outside_brackets_rfind(name: str, mark: str) -> int:
    for index in range(len(name) - 1, -1, -1):
        if name[index] == mark and not _inside_brackets(name, index):
            return index
    return -1


def _balanced(name: str) -> str:
    """The last stretch of a name in which every bracket or quote is closed.

    Unpaired marks (a name that began inside a title: 年人保护法》《婚姻法》…) split the name;
    the last stretch with Chinese in it is kept, the head of a head-final phrase.
    """
    while True:
        unpaired: list[int] = []
        stack: list[int] = []
        for index, char in enumerate(name):
            if char in _PAIRS:
                stack.append(index)
            elif char in _CLOSERS:
                if stack and name[stack[-1]] == _CLOSERS[char]:
                    stack.pop()
                else:
                    unpaired.append(index)
        unpaired = sorted([*unpaired, *stack])
        if not unpaired:
            return name.strip(_EDGE)
        bounds = [-1, *unpaired, len(name)]
        pieces = [name[bounds[i] + 1 : bounds[i + 1]] for i in range(len(bounds) - 1)]
        name = _last_wording(pieces)
