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
from dataclasses import dataclass, replace
from functools import lru_cache

from rulelaw_llm.reading.normalize import fold, simplify
from rulelaw_llm.rules.quantities import Quantity

__all__ = [
    "MAX_NAME_CHARS",
    "Naming",
    "explain_quantities",
    "explain_quantity",
    "name_quantities",
    "name_quantity",
]

#: The longest name the rules give.
MAX_NAME_CHARS = 20

_CLAUSE_BREAK = re.compile(r"[，,。；;：:！？!?\n]")
_SENTENCE_BREAK = re.compile(r"[。；;！？!?\n]")
_EDGE = " \t\u3000，,。；;、：:！？!?"
_CJK = re.compile(r"[\u4e00-\u9fff]")

#: Words that only lead up to the noun: dropped from the front of a name.
_LEADING_FILLER = re.compile(
    r"^(?:共(?![性同享建治])|累计|共计|合计|总计|先后|全年|年内|全镇|全乡|全区|全县|其中|已|达|均|目前|截至目前"
    r"|一年来|今年以来|同时|此外|另外|并|和|及|的|各类|各种|各项|各级|定期|积极|扎实|深入|广泛|依法"
    r"|年度内|年内|内|期间)+"
)
#: Words between the noun and the number that are not part of the noun.
_TRAILING_FILLER = re.compile(
    r"(?:共|计|达|(?<![行作成认])为|了|约|近|超|逾|达到|合计|累计|共计|总计|全部|均|都|已经|已"
    r"|在|保持在|稳定在|开展|组织开展|进行|举办|暨|由|从|(?<![高初集其空期心])中)+$"
)
#: Year phrases in comparisons (由2023年的20批次…下降到2024年的1批次).
_YEAR_PHRASE = re.compile(
    r"由?(?:19|20)\d{2}年(?:的|度)?|(?:下降|上升|增加|减少|提高|降低|增长)(?:到|至)"
)
#: A change without its subject (同比增长12%): the subject is in the clause before.
_CHANGE = re.compile(
    r"^(?:同期|同比|环比|较上年|比上年|较去年|比去年|较同期)*(?:增长|下降|提高|降低|增加|减少|上升)了?$"
)
#: General verbs: the noun is what follows them (开展普法宣传活动 -> 普法宣传活动).
_GENERAL_VERB = re.compile(
    r"(?:组织开展|开展|组织|举办|举行|召开|进行|发放|印发|制发|分发|悬挂|张贴|设立|设置|建立|建成"
    r"|建设了|新建|新增|增设|创建|打造|签署|签订|参加|参与|接待|推送|发布|播放|深入|发现并|发现"
    r"|办理|完成|实施|利用|选派|派出|聘请|聘任|选聘|配备|落实|制定|制订|出台|修订|编制)了?"
)
#: Suffixes that make a verb a countable noun (参与人数, 受理件数, 办结率).
_COUNT_SUFFIX = re.compile(r"^(?:人数|人次|次数|件数|户数|个数|数量|总数|数|率|量)")
#: Count words at the end of a noun (活动次数, 参与人数).
_COUNT_WORDS = re.compile(r"(?:人数|人次|次数|件数|户数|个数|场次|数量|总数)$")
#: Verbs that say what happened to a counted thing; a clause of only these has lost its noun.
_ACTION_VERB = (
    r"(?:化解|排查|调处|调解|处理|解决|受理|办结|查处|审查|审核|整改|结案|回访|答复|办理)"
)
_BARE_VERBS = re.compile(rf"^(?:正在|已经|已|共|累计)?{_ACTION_VERB}+$")
_LEADING_ACTION = re.compile(rf"^{_ACTION_VERB}+")
#: "对 X 进行 Y": the activity Y done to X (对帮教人员进行走访 -> 走访帮教人员).
_DONE_TO = re.compile(r"^对(.{1,6}?)进行(.{2,})$")
#: The same after a number: 七期对机关全体干部进行集中培训 -> 集中培训.
_DONE_TO_AFTER = re.compile(r"^对[^，,。；;、]{1,14}?进行(?=[\u4e00-\u9fff]{2})(.+)$")
#: Result verbs: the subject before them is what the figures that follow measure
#: (赴京访量实现断崖式下降，由2023年的20批次 -> 赴京访量).
_RESULT_VERB = re.compile(
    r"实现|保持|呈现|出现|同比|较上年|比上年|持续|明显|大幅|显著|下降|减少|上升|增长|增加"
)
#: Words that cannot open the noun after a number.
_NOT_A_NOUN_START = re.compile(
    r"^(?:的|用于|用以|以上|左右|之|其中|同比|比(?=[上去前同往]|\d)|较|占|涉及|覆盖|惠及|实现|达到|下降|上升|增长"
    r"|减少|提高|降低|均|全部|已|共(?![性同享建治])|累计|在|对|向|为|从|于|被|由|将|把)"
)
#: Words before a number that say where or to whom, not what (对全县, 为镇内, 实现全县,
#: 市县两级, 对巡察反馈的): the noun after the measure word is what is counted.
_SCOPE = re.compile(
    r"^(?:对|为|向|给|在|从|与|同|实现|覆盖|涉及|包括|惠及|组织|推动|帮助|指导|督促)*"
    r"(?:全|各|本|我|该|辖区)?(?:省|市|县|区|镇|乡|街道|村|社区|村社|县区|市县|乡镇|镇村|镇内|村居)?"
    r"(?:内|两级|三级|四级|五级|范围内|各级|上下|辖区)?$"
)
#: Words that end without their noun: a preposition, a conjunction, 的 (a relative clause
#: waiting for its head: 对巡察反馈的13个问题), a list mark or 等.
_OPEN_END = re.compile(r"(?:对|(?<![行作成认因称视以])为|向|给|与|和|及|或|、|的)$")
#: Things counted by the award they won: 3个村被评为省级民主法治示范村 -> 省级民主法治示范村.
_AWARDED = re.compile(
    r"^[\u4e00-\u9fff（）()]{1,12}?被[^，,。；;]{0,14}?(?:评为|评选为|命名为|认定为|确定为|列为|授予)"
    r"(?P<award>[\u4e00-\u9fff“”·]{2,})"
)
#: Where the noun after a number ends: an adverb, a preposition or a verb that starts the
#: predicate (全乡3名执法人员全部取得…, 10余家企业提供…, 107名党政主要负责人履行…).
_PREDICATE = re.compile(
    r"全部|均|都|也|还|已经|已|分别|全面|依法|积极|主动|先后|共同|逐项|逐一|及时|按期|限期|"
    r"参加|参与|提供|获得|取得|接受|落地|见效|生效|上线|运行|"
    r"履行|签订|签署|担任|纳入|列入|通过|完成|开展|进行|实现|落实|进入|全覆盖|覆盖|到|在|对|向|为(?!民)|被|"
    r"由|将|把|给|并|予以|给予|作出|得到|受到"
)
#: A leading prepositional phrase names the counterpart, not what is counted:
#: 向市政府和区人大备案文件 -> 备案文件.
_LEADING_COUNTERPART = re.compile(
    r"^(?:向|对|为|给|从|与|同|在)[\u4e00-\u9fff、和及]{1,12}"
    r"(?:政府|人大|政协|党委|部门|单位|群众|企业|机关|学校|社区|村|乡镇|街道|人员|干部|居民|村民|法院|检察院)"
    r"(?=[\u4e00-\u9fff]{2})"
)
#: A name longer than this keeps its head (a Chinese noun phrase ends in its head).
HEAD_CHARS = 12
#: Where a long name may be cut before its head: after a verb, 的, a conjunction or 围绕.
_HEAD_CUT = re.compile(
    r"(?:学习贯彻|学习|贯彻|推动|推进|围绕|关于|取得|获得|组织|开展|举办|参加|作|的)"
)
_PAIRS = {"《": "》", "“": "”", "（": "）", "(": ")", "【": "】", "「": "」", "‘": "’"}
_CLOSERS = {closer: opener for opener, closer in _PAIRS.items()}


@dataclass(frozen=True, slots=True)
class Naming:
    """A rule name and why the rules cannot vouch for it (empty: they can)."""

    name: str
    doubts: tuple[str, ...] = ()


#: A person or a body: what a count of people counts, not a count of events.
_PERSON_HEAD = re.compile(
    r"(?:同志|人员|干部|书记|主任|局长|乡长|镇长|县长|负责人|职工|群众|律师|骨干|成员|代表|委员|学生|居民|村民)$"
)
#: An event: what a count of events counts, not a count of people.
_EVENT_HEAD = re.compile(r"(?:会议|会|活动|培训|讲座|宣讲|检查|演练|督察|调研|学习|课)$")
_EVENT_UNITS = frozenset({"次", "场", "场次", "期", "轮", "批次"})
_PERSON_UNITS = frozenset({"人", "名", "位"})
#: People followed by what they took part in: the count is of participants.
_PARTICIPATION = re.compile(r"参加|参与|参训|参会|参考|接受|通过")
#: A name whose noun is only a general head (梳理事项, 事项, 城市, …等工作): what the things
#: are is said elsewhere.
_GENERAL_HEAD = re.compile(
    r"(?:事项|城市|单位|问题|人员|对象|项目|工作|情况|内容|方面|领域|活动|学习|会议)$"
)
#: Verbs that handle things in general (梳理事项): with a general head they say nothing.
_HANDLING = re.compile(rf"{_GENERAL_VERB.pattern}|梳理|整理|清理|审查|审核|受理|办理|整改")
#: Participants counted without what they took part in (累计参加人数).
_PARTICIPANTS = re.compile(r"(?:参加|参与|参训|参会)(?:人数|人次)$")
#: A stated sum: the name of a total is the sum of its parts' names.
_SUM_BEFORE = re.compile(r"(?:合计|共计|总计)\s*$")
#: Words after a number that make it a count of things rated or awarded.
_RATED = re.compile(r"被|评为|評為|荣获|榮獲|获评|獲評")
#: A name of verbs or adverbs alone has lost its noun.
_NOT_A_NOUN = re.compile(
    rf"^(?:{_GENERAL_VERB.pattern}|{_PREDICATE.pattern}|连续|为期|提升|提高|增长|下降|增加|减少)+$"
)


def name_quantity(text: str, quantity: Quantity, quantities: Sequence[Quantity] = ()) -> str:
    """The short noun phrase ``quantity`` counts, read from ``text`` (``raw`` if none is found).

    ``quantities`` are the other numbers of the text: they are cut out of names and mark
    where one number's words end and the next one's begin.
    """
    return explain_quantity(text, quantity, quantities).name


def explain_quantity(text: str, quantity: Quantity, quantities: Sequence[Quantity] = ()) -> Naming:
    """``name_quantity``, and why the rules cannot vouch for that name (``Naming.doubts``)."""
    simplified = simplify(text)
    if simplified == text:
        return _explain(text, quantity, quantities)
    plain = [_simplified(q, simplified) for q in quantities]
    own = _simplified(quantity, simplified)
    mine = next((q for q, o in zip(plain, quantities, strict=True) if o is quantity), own)
    naming = _explain(simplified, mine, plain)
    return Naming(_as_written(naming.name, text, simplified, quantity.start), naming.doubts)


def _simplified(quantity: Quantity, simplified: str) -> Quantity:
    return replace(quantity, raw=simplified[quantity.start : quantity.end])


def _explain(text: str, quantity: Quantity, quantities: Sequence[Quantity]) -> Naming:
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
    doubts: list[str] = []
    if _SUM_BEFORE.search(segment):
        doubts.append("数字是合计")

    before_name = _noun_before(segment)
    after_name = None if quantity.unit == "%" else _noun_after(after)
    if after_name and (before_name is None or _leads_to_a_number(segment)):
        if before_name is not None and _cjk(before_name) >= 3:
            doubts.append("数字前后都有名词")
        if _RATED.search(after):
            doubts.append("数字后有评选或被动")
        return _judged(_finish(after_name) or quantity.raw, after_name, quantity, after, doubts)
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
            doubts.append("统计对象借自前一分句")
    if before_name is None and _SUM_BEFORE.search(segment):
        before_name = _list_topic(text, left, quantities)
    if before_name is None:
        before_name = _topic_before(text, left, quantities)
        if before_name:
            doubts.append("统计对象取自前面的分句")
    if after_name and before_name and _cjk(after_name) >= 3:
        doubts.append("数字前后都有名词")
    name = _finish(before_name) if before_name else ""
    return _judged(name or quantity.raw, before_name or "", quantity, after, doubts)


#: Actions done to people: a count of them is a count of events (走访帮教人员).
_ACTION_ON_PEOPLE = re.compile(r"走访|慰问|接待|看望|帮扶|帮教|培训|约谈|谈话|检查|回访")


def _cut_to_head(name: str) -> bool:
    """Whether ``_finish`` cut ``name`` to its head or to its last list item."""
    name = re.sub(r"(?:等等|等|和|及|与|或|、)+$", "", _balanced(name))
    if len(name) > MAX_NAME_CHARS:
        return True
    examples = _outside_brackets_rfind(name, "等")
    if examples >= 0 and _cjk(name[examples + 1 :]) >= 3:
        name = name[examples + 1 :]
    return _head(name) != name


def _judged(name: str, found: str, quantity: Quantity, after: str, doubts: list[str]) -> Naming:
    """The name with every doubt the rules have about it."""
    bare = name.replace(quantity.raw, "")
    if _cjk(bare) < 2:
        doubts.append("规则未找到统计对象")
    elif _NOT_A_NOUN.match(bare):
        doubts.append("名称只有动词或副词")
    if found and _cut_to_head(found):
        doubts.append("规则截取了名称的中心词")
    if (
        quantity.unit in _EVENT_UNITS
        and _PERSON_HEAD.search(name)
        and not _ACTION_ON_PEOPLE.search(name)
    ):
        doubts.append("计次数的名称是人")
    if quantity.unit in _PERSON_UNITS and _EVENT_HEAD.search(name):
        doubts.append("计人数的名称是活动")
    if quantity.unit in _PERSON_UNITS | {"人次"} and _PARTICIPATION.search(after):
        doubts.append("人数后接参加的活动")
    if _PARTICIPANTS.search(bare):
        doubts.append("人数未说参加什么")
    general = _GENERAL_HEAD.search(bare)
    if general is not None:
        qualifier = bare[: general.start()]
        if qualifier.endswith("等") or not _HANDLING.sub("", qualifier).strip(_EDGE):
            doubts.append("名称只有泛称")
    return Naming(name, tuple(dict.fromkeys(doubts)))


def name_quantities(text: str, quantities: Sequence[Quantity]) -> list[str]:
    """``name_quantity`` for each of ``quantities``, in their order, in O(n log n)."""
    return [naming.name for naming in explain_quantities(text, quantities)]


def explain_quantities(text: str, quantities: Sequence[Quantity]) -> list[Naming]:
    """``explain_quantity`` for each of ``quantities``, in their order, in O(n log n).

    Each name only looks at the numbers of its own sentence, found by bisection, so a long
    text with thousands of numbers is named in one pass.
    """
    simplified = simplify(text)
    if simplified != text:
        # Traditional characters (發布, 組織民警進行): the rules read the simplified text (same
        # length), and each name is given back as the report writes it.
        plain = [_simplified(q, simplified) for q in quantities]
        return [
            Naming(_as_written(naming.name, text, simplified, quantity.start), naming.doubts)
            for naming, quantity in zip(explain_quantities(simplified, plain), plain, strict=True)
        ]
    order = sorted(range(len(quantities)), key=lambda index: quantities[index].start)
    starts = [quantities[index].start for index in order]
    namings: list[Naming] = []
    for quantity in quantities:
        sentence_left, _ = _span(text, quantity.start, _SENTENCE_BREAK)
        _, clause_right = _span(text, quantity.start, _CLAUSE_BREAK)
        low, high = bisect_left(starts, sentence_left), bisect_left(starts, clause_right)
        nearby = [quantities[order[index]] for index in range(low, high)]
        namings.append(_explain(text, quantity, nearby))
    return namings


def _as_written(name: str, text: str, simplified: str, near: int) -> str:
    """``name`` (read from ``simplified``) in the report's own characters.

    The name's slice of the text nearest to ``near`` — or its two slices (a subject borrowed
    from the clause before); a name no slice of the text gives stays as it is. Only the
    stretch a name is read from is searched (``_REACH`` either way of two sentences), so a
    long text with many numbers is still named in linear time.
    """
    low, high = max(0, near - 2 * _REACH), near + 2 * _REACH

    def slice_of(words: str) -> str | None:
        before = simplified.rfind(words, low, near + len(words))
        position = before if before >= 0 else simplified.find(words, low, high)
        return text[position : position + len(words)] if position >= 0 else None

    whole = slice_of(name)
    if whole is not None:
        return whole
    for cut in range(1, len(name)):
        head, tail = slice_of(name[:cut]), slice_of(name[cut:])
        if head is not None and tail is not None:
            return head + tail
    return name


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
    """Where the break characters stand, once per text (a string caches its own hash).

    A 、 or comma inside brackets (县(市、区)) breaks nothing: the brackets hold one name.
    """
    positions = []
    depth = 0
    for index, char in enumerate(text):
        if char in "（(":
            depth += 1
        elif char in "）)" and depth:
            depth -= 1
        elif char == "\n":
            depth = 0  # an unclosed bracket never runs past its line
        if breaks.match(char) and (depth == 0 or char in "。；;！？!?\n"):
            positions.append(index)
    return positions


def _leads_to_a_number(segment: str) -> bool:
    """Whether the words before a number introduce it as a count of what follows."""
    words = _YEAR_PHRASE.sub("", segment).strip(" \t\u3000")
    if not words or words[-1] in "、等为暨" or _cjk(_clean(words)) <= 2:
        return True
    return bool(re.search(rf"(?:{_GENERAL_VERB.pattern}|先后|共|共计|合计|总计|累计|连续)$", words))


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
    """The noun phrase at the end of the words before a number, or ``None``.

    ``None`` too when those words only say where or to whom (对全县, 为镇内, 市县两级) or end
    open (…和, …的, …等): what is counted then follows the measure word.
    """
    words = _clean(segment)
    if _SCOPE.match(words) or _OPEN_END.search(words.rstrip(_EDGE)):
        return None
    done_to = _DONE_TO.match(words)
    words = done_to.group(2) + done_to.group(1) if done_to else _after_last_general_verb(words)
    words = _clean(_LEADING_COUNTERPART.sub("", words))
    if _SCOPE.match(words) or _OPEN_END.search(words):
        return None
    return words if _cjk(words) >= 1 and not _GENERAL_VERB.fullmatch(words) else None


def _after_last_general_verb(words: str) -> str:
    """Drop the subject and the general verbs before the noun, keeping at least two characters.

    A noun that is only a count word with one more character (开展活动次数) keeps the words
    before its verb that say whose it is (代表小组开展活动次数).
    """
    matches = list(_GENERAL_VERB.finditer(words))
    for position in range(len(matches) - 1, -1, -1):
        match = matches[position]
        rest = words[match.end() :]
        if _COUNT_SUFFIX.match(rest):  # 参与人数, 接待人次: the verb belongs to the noun
            continue
        if _cjk(rest) >= 2 and not _inside_brackets(words, match.start()):
            bare = _COUNT_WORDS.sub("", rest)
            if bare != rest and _cjk(bare) <= 2 and match.start() > 0:
                start = matches[position - 1].end() if position > 0 else 0
                owner = words[start : match.start()]
                if _cjk(owner) >= 2:
                    return owner + words[match.start() :]
            return rest
    return words


def _noun_after(after: str) -> str | None:
    """The noun phrase right after a number's measure word, or ``None``."""
    words = after.strip(" \t\u3000")
    # A quoted name may open the noun (20个“高效办成一件事”主题事项).
    quoted = words[:1] in "“「" and bool(_CJK.match(words[1:2]))
    done_to = _DONE_TO_AFTER.match(words)
    if done_to is not None:  # 分七期对全体干部进行集中培训: the activity done to them
        words = done_to.group(1)
    if not words or not (quoted or _CJK.match(words)) or _NOT_A_NOUN_START.match(words):
        return None
    if _GENERAL_VERB.match(words) or _LEADING_ACTION.match(words):
        return None
    awarded = _AWARDED.match(fold(words))  # same length: its offsets hold in ``words``
    if awarded is not None:
        return _clean(words[awarded.start("award") : awarded.end("award")].strip("“”")) or None
    words = _first_item(words)
    for pattern in (_GENERAL_VERB, _PREDICATE):
        verb = pattern.search(words, 2)
        while verb is not None and words.count("“", 0, verb.start()) > words.count(
            "”", 0, verb.start()
        ):  # inside a quoted name (“一把手”): no verb of the sentence
            verb = pattern.search(words, verb.end())
        if verb is not None and _cjk(words[: verb.start()]) >= 2:
            words = words[: verb.start()]
    words = _clean(words)
    return words if _cjk(words) >= 2 else None


def _first_item(words: str) -> str:
    """The words up to the first 、 outside brackets (县(市、区)开展… keeps its brackets)."""
    for index, char in enumerate(words):
        if char == "、" and not _inside_brackets(words, index):
            return words[:index]
    return words


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


def _list_topic(text: str, left: int, quantities: Sequence[Quantity]) -> str | None:
    """For a stated sum (…802条，满意163条，合计965条): the first item of the list it sums."""
    sentence_left, _ = _span(text, left, _SENTENCE_BREAK)
    position = left
    first: str | None = None
    for _ in range(6):
        if position <= sentence_left:
            break
        clause_left, _ = _span(text, position - 1, _CLAUSE_BREAK)
        if not any(clause_left <= q.start < position - 1 for q in quantities):
            break  # the list starts after this clause
        start = clause_left
        number = next(q for q in quantities if clause_left <= q.start < position - 1)
        first = _noun_before(text[start : number.start]) or first
        position = clause_left
    return first


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


def _head(name: str) -> str:
    """The head of a long name: what follows its last verb, 的 or conjunction (at least 4
    characters), e.g. 党组理论学习中心组学习专题学法 -> 专题学法."""
    # A list names all its items (组织专题学习、集中学习、讲党课4次): no head to cut to.
    while len(name) > HEAD_CHARS and "、" not in name:
        cuts = [
            match.end()
            for match in _HEAD_CUT.finditer(name)
            if _cjk(name[match.end() :]) >= 4 and not _inside_brackets(name, match.start())
        ]
        if not cuts:
            break
        name = name[cuts[-1] :]
    return name


def _finish(name: str) -> str:
    """Shorten a name to its head and balance its brackets."""
    name = _balanced(name)
    name = re.sub(r"(?:等等|等|和|及|与|或|、)+$", "", name)
    examples = _outside_brackets_rfind(name, "等")
    if examples >= 0 and _cjk(name[examples + 1 :]) >= 3:
        name = name[examples + 1 :]
    if len(name) > MAX_NAME_CHARS:
        last_item = _outside_brackets_rfind(name, "、")
        if last_item >= 0 and _cjk(name[last_item + 1 :]) >= 2:
            name = name[last_item + 1 :]
    name = _head(name)
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
