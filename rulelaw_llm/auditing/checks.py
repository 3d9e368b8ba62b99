"""The checks that read one report: its parts, publication date, title and issuer.

Everything here is the rules floor: deterministic, offline, explained in AUDIT.md. Every
finding carries grounded evidence or, when something is absent, what was looked for.
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from datetime import date
from typing import Literal

from rulelaw_llm.auditing.model import (
    PART_LABELS,
    RUBRIC,
    Finding,
    FindingCode,
    PartCheck,
    PartName,
    Parts,
    Subject,
)
from rulelaw_llm.reading.document import SectionKind
from rulelaw_llm.reading.normalize import fold, squash
from rulelaw_llm.schema import Evidence

#: Achievements with fewer figures than this per 1,000 characters get a warning.
INDICATOR_THRESHOLD = 2.0
#: ... and an info finding below this share of the median of the reports audited together.
MEDIAN_SHARE = 0.5
#: The median is only meaningful over this many reports.
MEDIAN_MINIMUM_REPORTS = 5
#: Character similarity (0-100, rapidfuzz ratio on squashed sentences) for boilerplate.
BOILERPLATE_SIMILARITY = 90.0
#: Sentences shorter than this (squashed characters) are too generic to call boilerplate.
BOILERPLATE_MINIMUM_CHARS = 14
#: A 4-gram in more distinct sentences than this (or 5 % of them) is too common to index.
_COMMON_GRAM_MINIMUM = 200
#: Share of a previous plan's keywords that a matching achievement must contain.
FOLLOW_UP_OVERLAP = 0.3

_CAUSE_WORDS = re.compile(r"原因|由于|因为|受限于|导致|归因|根源|源于|主要是因")
_RESPONSIBILITY_WORDS = re.compile(
    r"第一责任人|主要负责人|主要负责同志|主要领导|一把手|党委书记|党政主要|述法"
)
_TITLE_FORM = re.compile(r"法治政府建设(?:工作)?(?:年度报告|情况(?:的)?报告)$")
_SENTENCE = re.compile(r"[^。！？!?；;\n]+[。！？!?；;]?")
_DEADLINE_WORDS = re.compile(
    r"\d{1,2}月(?:底|前|份|中旬|上旬|下旬)?|年底|年内|年末|季度|上半年|下半年|之前|前完成|底前|期限|时限"
)
_OWNER_WORDS = re.compile(r"牵头|负责人|责任单位|责任人|责任部门|由[^，。；]{1,12}负责|配合单位")

#: The 2025 city guideline's menu of eight first-level topics, mapped to CATEGORIES keys,
#: with the words that show a report covered the topic (searched in its account of the year).
TOPICS: dict[str, tuple[str, tuple[str, ...], tuple[str, ...]]] = {
    "organisation": (
        "组织领导",
        ("leadership",),
        ("领导小组", "组织领导", "第一责任人", "主要负责人", "党委书记", "主要领导", "述法"),
    ),
    "functions": (
        "政府职能",
        ("government_functions",),
        ("政府职能", "放管服", "营商环境", "政务服务", "机构改革", "职责定位", "便民"),
    ),
    "institutions": (
        "制度建设与规范性文件",
        ("institutional_rules",),
        ("规范性文件", "备案审查", "合法性审核", "议事规则", "工作规则", "制度建设"),
    ),
    "decisions": (
        "依法决策",
        ("lawful_decision_making",),
        ("决策", "合法性审查", "法律顾问", "三重一大"),
    ),
    "enforcement": ("行政执法", ("law_enforcement",), ("执法",)),
    "oversight": (
        "权力监督",
        ("oversight_transparency",),
        ("监督", "公开", "问责", "审计"),
    ),
    "society": (
        "法治社会",
        ("legal_publicity", "dispute_resolution", "public_legal_services"),
        ("普法", "宣传", "矛盾纠纷", "调解", "法律服务", "法律明白人", "法律援助"),
    ),
    "digital": (
        "数字政府",
        ("digital_rule_of_law",),
        ("数字", "互联网", "信息化", "网上", "线上", "智慧", "大数据", "新媒体", "公众号"),
    ),
}

#: Themes linking a problem to the plans that address it (a plan shares a theme with it).
THEMES: dict[str, tuple[str, ...]] = {
    "publicity": ("宣传", "普法", "宣讲", "法治氛围", "宣教"),
    "learning": ("学法", "学习", "培训", "素养", "法律意识", "法治意识", "法治思维", "业务能力"),
    "staffing": ("人才", "专业人员", "队伍", "人员"),
    "responsibility": ("责任", "组织领导", "领导小组", "督促", "考核", "统筹", "指挥调度"),
    "enforcement": ("执法",),
    "administration": ("依法行政", "依法决策", "合法性", "法定程序", "决策"),
    "oversight": ("监督", "公开"),
    "disputes": ("矛盾", "纠纷", "调解", "信访"),
    "digital": ("数字", "互联网", "信息化", "网络", "线上"),
}

# Two-character words so common in the genre that they say nothing about what a plan is.
_GENERIC = frozenset(
    [
        "法治",
        "政府",
        "建设",
        "工作",
        "加强",
        "推进",
        "提升",
        "进一步",
        "全面",
        "深入",
        "持续",
        "不断",
        "坚持",
        "落实",
        "开展",
        "提高",
        "强化",
        "推动",
        "积极",
        "充分",
        "切实",
        "确保",
        "我镇",
        "我乡",
        "全镇",
        "全乡",
        "镇党",
        "党委",
        "以习",
        "近平",
        "习近",
        "平新",
        "新时",
        "时代",
        "中国",
        "国特",
        "特色",
        "色社",
        "社会",
        "会主",
        "主义",
        "义思",
        "思想",
        "想为",
        "为指",
        "指导",
        "年度",
        "下一",
        "一步",
        "方式",
        "形式",
        "水平",
        "能力",
        "实现",
        "形成",
        "良好",
        "氛围",
        "群众",
        "干部",
        "机制",
        "制度",
        "有效",
        "完善",
        "依法",
        "法律",
    ]
)


# --------------------------------------------------------------------------- text helpers


def _evidence(text: str, start: int, end: int) -> Evidence:
    """Evidence for ``text[start:end]`` with surrounding whitespace trimmed."""
    while start < end and text[start].isspace():
        start += 1
    while end > start and text[end - 1].isspace():
        end -= 1
    return Evidence(quote=text[start:end], start=start, end=end)


def _sentences(evidence: Evidence) -> list[Evidence]:
    """The sentences of a quote, as evidence with spans in the same report text."""
    found: list[Evidence] = []
    for match in _SENTENCE.finditer(evidence.quote):
        piece = _evidence(evidence.quote, match.start(), match.end())
        if piece.quote:
            found.append(
                Evidence(
                    quote=piece.quote,
                    start=evidence.start + piece.start,
                    end=evidence.start + piece.end,
                    match=evidence.match,
                )
            )
    return found


def _regions(subject: Subject, *kinds: SectionKind) -> list[Evidence]:
    """The bodies of the report's sections of ``kinds`` (or, without text, nothing)."""
    report = subject.report
    if report is None:
        return []
    return [
        _evidence(report.text, section.body_start, section.end)
        for section in report.sections_of(*kinds)
        if section.end > section.body_start
    ]


def _headings(subject: Subject, *kinds: SectionKind) -> list[Evidence]:
    report = subject.report
    if report is None:
        return []
    return [
        _evidence(report.text, section.start, section.body_start)
        for section in report.sections_of(*kinds)
        if section.heading
    ]


def _account(subject: Subject) -> list[Evidence]:
    """The report's account of the year: its achievements and responsibility parts."""
    regions = _regions(subject, "achievements", "responsibility")
    if regions or subject.report is not None:
        return regions
    return [achievement.evidence for achievement in subject.summary.achievements]


def _whole(subject: Subject, evidence: Evidence) -> Evidence:
    """The whole numbered item an evidence stands in (summaries often quote only its title)."""
    report = subject.report
    if report is None:
        return evidence
    section = report.section_at(evidence.start)
    if section is not None:
        for item in section.items:
            if item.start <= evidence.start < item.end:
                return _evidence(report.text, item.start, item.end)
    return evidence


def _keywords(text: str) -> set[str]:
    """Two-character Chinese words of ``text`` that say something (genre words removed)."""
    folded = fold(text)
    pairs = {folded[i : i + 2] for i in range(len(folded) - 1)}
    return {pair for pair in pairs if _HAN.fullmatch(pair) and pair not in _GENERIC}


def _themes(text: str) -> set[str]:
    folded = fold(text)
    return {theme for theme, words in THEMES.items() if any(word in folded for word in words)}


_HAN = re.compile(r"[\u4e00-\u9fff]{2}")
_LEADING_MARKER = re.compile(
    r"^\s*(?:[（(][一二三四五六七八九十\d]+[)）]|[一二三四五六七八九十]+是|\d+[、.．])\s*"
)


# --------------------------------------------------------------------------- parts


def check_parts(subject: Subject) -> Parts:
    """Which of the required parts the report states, and which have their own heading."""
    summary = subject.summary

    def part(kind: SectionKind, items: Sequence[Evidence]) -> PartCheck:
        headings = _headings(subject, kind)
        separate = bool(headings)
        present = separate or bool(items) or bool(_regions(subject, kind))
        return PartCheck(present=present, separate=separate, evidence=headings or list(items[:1]))

    achievements = part("achievements", [a.evidence for a in summary.achievements])
    problems = part("problems", [p.evidence for p in summary.problems])
    plans = part("plans", [p.evidence for p in summary.plans])

    # Causes: a part of their own, a cause matched to a problem, or a causal sentence
    # inside the problems part ("由于…", "原因是…").
    cause_headings = _headings(subject, "causes")
    cause_evidence = [p.cause_evidence for p in summary.problems if p.cause_evidence is not None]
    problem_text = _regions(subject, "problems") or [p.evidence for p in summary.problems]
    causal = [
        sentence
        for region in problem_text
        for sentence in _sentences(region)
        if _CAUSE_WORDS.search(fold(sentence.quote))
    ]
    causes = PartCheck(
        present=bool(cause_headings or cause_evidence or causal),
        separate=bool(cause_headings),
        evidence=cause_headings or (cause_evidence + causal)[:3],
    )

    # Responsibility: a part of its own, or sentences about the principal leaders' duty
    # folded into the account of the year or the preamble.
    duty_headings = _headings(subject, "responsibility")
    duty_text = _account(subject) + _regions(subject, "preamble")
    duty = [
        sentence
        for region in duty_text
        for sentence in _sentences(region)
        if _RESPONSIBILITY_WORDS.search(fold(sentence.quote))
    ]
    responsibility = PartCheck(
        present=bool(duty_headings or duty),
        separate=bool(duty_headings),
        evidence=duty_headings or duty[:3],
    )
    return Parts(
        achievements=achievements,
        problems=problems,
        causes=causes,
        responsibility=responsibility,
        plans=plans,
    )


_LOOKED_FOR: dict[PartName, str] = {
    "achievements": "查找了“工作情况/主要举措和成效/主要做法”等标题和成效条目，未找到。",
    "problems": "查找了“存在的问题/存在的不足/问题和不足”等标题和问题条目，未找到。",
    "causes": "查找了“原因”标题、与问题对应的原因段落，以及问题部分中“原因/由于/因为/受限于/导致”等原因陈述，未找到。",
    "responsibility": "查找了“第一责任人”标题，以及全文成效部分和开头中关于“第一责任人/主要负责人/主要领导/党委书记/一把手/述法”的陈述，未找到。",
    "plans": "查找了“下一步工作计划/下一年度工作打算/主要安排”等标题和计划条目，未找到。",
}


def _missing_parts(subject: Subject, parts: Parts) -> list[Finding]:
    findings: list[Finding] = []
    for name in ("achievements", "problems", "causes", "responsibility", "plans"):
        check: PartCheck = getattr(parts, name)
        if check.present:
            continue
        label = PART_LABELS[name]
        message = f"缺少“{label}”：按 2019 年督察工作规定，年度报告应当写明这一部分，请补充。"
        evidence: list[Evidence] = []
        if name == "causes":
            promising = [
                heading
                for heading in _headings(subject, "problems")
                if "原因" in fold(heading.quote)
            ]
            if promising:
                evidence = promising
                message = (
                    f"标题“{promising[0].quote}”写明“原因”，但正文没有陈述任何原因："
                    "请逐条写出问题的原因。"
                )
        findings.append(
            _finding(
                "missing_part",
                message,
                evidence=evidence,
                looked_for=_LOOKED_FOR[name]
                if subject.report is not None
                else _LOOKED_FOR[name] + "（仅有结果文件，原文不可读：按摘要判断）",
                part=name,
            )
        )
    return findings


def _finding(code: FindingCode, message: str, **fields: object) -> Finding:
    return Finding.model_validate(
        {"code": code, "severity": RUBRIC[code].severity, "message": message, **fields}
    )


# --------------------------------------------------------------------------- publication


_DATE_LINE = re.compile(r"(?:发布时间|发布日期|发表日期|信息提供日期|发文日期)[:：\s]*[^\n]{0,40}")
#: The metadata keys a publication date is read from (``reading.webpage``), to show the user.
_DATE_KEYS = ("发布时间", "发布日期", "发表日期", "发表时间", "信息提供日期", "发文日期", "日期")


def _publication_date(
    subject: Subject, option: date | None
) -> tuple[date | None, Literal["metadata", "option"] | None]:
    if option is not None:
        return option, "option"
    # ``Report.published`` comes from the readers (发布时间/发布日期/发表日期 … lines, HTML meta;
    # never 成文日期, a drafting date); a results file carries it as ``ReportSummary.published``.
    found = getattr(subject.report, "published", None)
    if isinstance(found, date):
        return found, "metadata"
    if subject.report is None and subject.summary.published is not None:
        return subject.summary.published, "metadata"
    return None, None


def _publication(
    subject: Subject,
    published: date | None,
    origin: Literal["metadata", "option"] | None,
    deadline: date | None,
) -> list[Finding]:
    if published is None:
        return [
            _finding(
                "unknown_publication_date",
                "无法确定发布日期，不能核对是否在次年 4 月 1 日前公开：请核对网站发布时间，"
                "或用 --published YYYY-MM-DD 提供。",
                looked_for="查找了报告元数据中的“发布时间/发布日期/发表日期/信息提供日期”和网页 meta "
                "信息，未找到（成文日期是成文的日期，不作为发布日期）。",
            )
        ]
    if deadline is None or published <= deadline:
        return []
    report = subject.report
    evidence: list[Evidence] = []
    if origin == "metadata" and report is not None:
        match = _DATE_LINE.search(report.text)
        if match:
            evidence = [_evidence(report.text, match.start(), match.end())]
    looked_for: str | None = None
    if not evidence:
        metadata = getattr(report, "metadata", None) or subject.summary.metadata
        shown = "；".join(f"{key}：{metadata[key]}" for key in _DATE_KEYS if key in metadata)
        looked_for = (
            f"发布日期来自报告元数据（{shown}）。"
            if origin == "metadata" and shown
            else "发布日期来自报告元数据。"
            if origin == "metadata"
            else "发布日期来自 --published 参数。"
        )
    days = (published - deadline).days
    return [
        _finding(
            "late_publication",
            f"发布日期 {published.isoformat()} 晚于公开截止日期 {deadline.isoformat()}（次年 4 月 1 日）"
            f" {days} 天：请说明原因并按时公开。",
            evidence=evidence,
            looked_for=looked_for,
            published=published,
            deadline=deadline,
        )
    ]


# --------------------------------------------------------------------------- title, issuer


def _title_evidence(subject: Subject) -> list[Evidence]:
    """The title as it stands in the text (it may span two lines)."""
    report = subject.report
    title = subject.summary.title
    if report is None or not title:
        return []
    wanted = squash(title)
    if not wanted:
        return []
    folded = report.folded or fold(report.text)
    start = folded.find(fold(title)[:4])
    if start < 0:
        return []
    collected = ""
    position = start
    while position < len(report.text) and len(collected) < len(wanted):
        collected += squash(report.text[position])
        position += 1
    if collected != wanted:
        return []
    return [_evidence(report.text, start, position)]


def _title(subject: Subject) -> list[Finding]:
    title = subject.summary.title
    if not title:
        return [
            _finding(
                "title_nonstandard",
                "未识别到标题：请使用规范名称“XX（单位）XXXX年法治政府建设年度报告”。",
                looked_for="在正文开头查找含“报告/法治”的标题行，未找到。",
            )
        ]
    folded = squash(title)
    issues: list[str] = []
    if not re.search(r"(?:19|20)\d{2}年", folded):
        issues.append("缺少年度（如“2024年”）")
    if not _TITLE_FORM.search(folded):
        issues.append("未采用规范名称“法治政府建设年度报告”（或“法治政府建设情况报告”）")
    if not issues:
        return []
    return [
        _finding(
            "title_nonstandard",
            f"标题“{title}”{'；'.join(issues)}：请使用规范名称“XX（单位）XXXX年法治政府建设年度报告”。",
            evidence=_title_evidence(subject),
        )
    ]


def _issuer(subject: Subject) -> list[Finding]:
    summary = subject.summary
    if summary.entity is None:
        return [
            _finding(
                "unnamed_issuer",
                "未能识别报告主体（制发单位）：请在标题中写明单位全称，如“XX镇人民政府”。",
                evidence=_title_evidence(subject),
                looked_for="在标题和正文开头查找“XX乡/镇/街道/县/区/市/局”等单位名称，未找到。",
            )
        ]
    if summary.title and fold(summary.entity) not in fold(summary.title):
        return [
            _finding(
                "unnamed_issuer",
                f"标题“{summary.title}”没有写明报告主体（正文中为“{summary.entity}”）："
                "请在标题中写明单位全称。",
                evidence=_title_evidence(subject),
            )
        ]
    return []
