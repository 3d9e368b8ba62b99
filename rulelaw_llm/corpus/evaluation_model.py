"""The evaluation's contract and its measuring tools: scores, matches, agreements, the
per-report and overall results, and the helpers that read a source text, test grounding and
compare texts (``similarity``, ``char_f1``). ``rulelaw_llm.corpus.evaluation`` matches and
scores with them.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path
from typing import Literal

from pydantic import BaseModel, ConfigDict, Field
from rapidfuzz import fuzz

from rulelaw_llm.errors import InputError
from rulelaw_llm.reading.document import load_report, remove_glosses
from rulelaw_llm.reading.normalize import squash
from rulelaw_llm.rules.grounding import locate_quote
from rulelaw_llm.rules.offline import text_digest
from rulelaw_llm.schema import (
    Evidence,
    ReportSummary,
)

#: Minimum character-level similarity for a problem, cause or plan to match by text.
SIMILARITY_THRESHOLD = 0.6
#: Texts shorter than this (after squashing) never match by similarity.
MIN_SIMILARITY_CHARS = 4
#: Minimum character-level F1 between an indicator's name and the gold ``what`` label.
LABEL_THRESHOLD = 0.5

FieldName = Literal["indicators", "achievements", "problems", "causes", "plans"]
FIELDS: tuple[FieldName, ...] = ("indicators", "achievements", "problems", "causes", "plans")
FIELD_LABELS: dict[FieldName, str] = {
    "indicators": "数字指标",
    "achievements": "成效",
    "problems": "问题",
    "causes": "原因",
    "plans": "计划",
}
ItemKind = Literal["achievement", "indicator", "problem", "cause", "plan"]


class _Model(BaseModel):
    model_config = ConfigDict(extra="forbid")


class Score(_Model):
    """Counts and precision/recall/F1 of one field."""

    gold: int = Field(description="金标准条目数")
    predicted: int = Field(description="预测条目数")
    matched: int = Field(description="一一匹配上的条目数")
    precision: float = Field(description="精确率：匹配数 / 预测数（无预测时为 1.0）")
    recall: float = Field(description="召回率：匹配数 / 金标准数（金标准为空时为 1.0）")
    f1: float = Field(description="F1（精确率与召回率都为 0 时为 0.0）")


class Match(_Model):
    """One gold item paired with one predicted item."""

    gold: int = Field(description="金标准条目的序号（从 0 起）")
    predicted: int = Field(
        description="预测条目的序号（从 0 起）；原因为所属问题在 problems 中的序号"
    )
    method: Literal["span", "similarity"] = Field(description="按位置重叠还是按文字相似匹配")
    similarity: float = Field(description="字符级相似度（0–1）")


class Agreement(_Model):
    """How often a judgement (a name, a category) agrees with the gold label."""

    gold: int = Field(description="带标签的金标准条目数")
    agreed: int = Field(description="匹配上且与金标准标签一致的条目数")
    rate: float | None = Field(description="一致率：一致数 / 金标准数（没有带标签的条目时为空）")
    disagreements: list[str] = Field(
        default_factory=list, description="不一致的条目：金标准标签与预测（未匹配的写“未匹配”）"
    )


class FieldEvaluation(Score):
    """The score of one field in one report, with the pairs and what was left over."""

    matches: list[Match] = Field(default_factory=list)
    missed: list[str] = Field(default_factory=list, description="未匹配的金标准条目")
    spurious: list[str] = Field(default_factory=list, description="未匹配的预测条目（引文）")


class ReportEvaluation(_Model):
    """How one result compares with its gold file."""

    report: str = Field(description="金标准中的报告文件名")
    input: str | None = Field(description="结果对应的输入路径")
    failed: str | None = Field(default=None, description="该输入处理失败时的错误信息")
    entity: str | None = None
    gold_entity: str | None = None
    entity_correct: bool = False
    year: int | None = None
    gold_year: int | None = None
    year_correct: bool = False
    level: str | None = None
    gold_level: str | None = None
    level_correct: bool = False
    indicators: FieldEvaluation
    achievements: FieldEvaluation
    problems: FieldEvaluation
    causes: FieldEvaluation
    plans: FieldEvaluation
    labels: Agreement = Field(description="指标名称与金标准 what 的一致情况（字符级 F1 ≥ 0.5）")
    categories: Agreement = Field(description="成效、问题、计划的类别与金标准的一致情况")
    kinds: Agreement = Field(
        default_factory=lambda: Agreement(gold=0, agreed=0, rate=None),
        description="指标种类与金标准 kind 的一致情况",
    )
    items: int = Field(default=0, description="核对了出处的条目数")
    grounded: int = Field(default=0, description="引文与原文位置逐字一致的条目数")
    grounding_rate: float | None = Field(default=None, description="无法读取原文时为空")
    rejected: int = 0
    warnings: int = 0
    prompt_tokens: int = 0
    completion_tokens: int = 0
    requests: int = 0
    reasks: int = 0
    notes: list[str] = Field(default_factory=list, description="评测过程中的说明")


class Evaluation(_Model):
    """The evaluation of a set of results against a gold directory."""

    gold_dir: str
    reports: list[ReportEvaluation] = Field(default_factory=list)
    indicators: Score
    achievements: Score
    problems: Score
    causes: Score
    plans: Score
    label_agreement: Agreement = Field(description="全部报告合计的标签一致率")
    category_agreement: Agreement = Field(description="全部报告合计的类别一致率")
    kind_agreement: Agreement = Field(
        default_factory=lambda: Agreement(gold=0, agreed=0, rate=None),
        description="全部报告合计的指标种类一致率",
    )
    entity_accuracy: float | None = Field(description="没有可评测的报告时为空")
    year_accuracy: float | None = None
    level_accuracy: float | None = None
    items: int = 0
    grounded: int = 0
    grounding_rate: float | None = None
    rejected: int = 0
    warnings: int = 0
    prompt_tokens: int = 0
    completion_tokens: int = 0
    requests: int = 0
    reasks: int = 0
    missing: list[str] = Field(default_factory=list, description="有金标准但没有结果的报告")
    unmatched: list[str] = Field(default_factory=list, description="有结果但没有金标准的输入")
    notes: list[str] = Field(default_factory=list, description="读取结果文件时的说明")


# --------------------------------------------------------------------------- helpers


@dataclass(frozen=True, slots=True)
class SourceText:
    """The cleaned text of a result's input, or why it could not be read."""

    path: str | None
    text: str | None
    problem: str | None = None
    """Why ``text`` is missing, or a caution (the file changed since it was summarized)."""
    changed: bool = False


def read_source_text(
    summary: ReportSummary, *, input_path: str | None = None, base: Path | None = None
) -> SourceText:
    """Re-read the input of ``summary`` with ``load_report`` to check its positions.

    ``input_path`` (the results file's ``input``) wins over ``provenance.source``; a
    relative path is tried as given, then relative to ``base`` (the results file's folder).
    """
    source = input_path or summary.provenance.source
    if not source:
        return SourceText(None, None, "结果中没有记录输入文件路径，无法读取原文。")
    path = Path(source)
    if not path.exists() and not path.is_absolute() and base is not None:
        candidate = base / path
        if candidate.exists():
            path = candidate
    if not path.exists():
        return SourceText(str(path), None, f"找不到原文文件 {path}。")
    try:
        text = load_report(path).text
    except InputError as error:
        return SourceText(str(path), None, f"无法读取原文文件 {path}：{error}")
    if text_digest(text) != summary.provenance.text_sha256:
        return SourceText(
            str(path),
            text,
            f"原文文件 {path} 在生成结果之后已改变，引文位置可能对不上。",
            changed=True,
        )
    return SourceText(str(path), text)


def is_grounded(evidence: Evidence, text: str) -> bool:
    """Whether the evidence quote is non-empty and stands exactly at its span in ``text``."""
    return bool(evidence.quote) and text[evidence.start : evidence.end] == evidence.quote


def evidence_items(summary: ReportSummary) -> list[tuple[ItemKind, int, Evidence]]:
    """Every piece of evidence in ``summary``: (kind, index in its list, evidence).

    Causes are the problems' ``cause_evidence``; their index is the problem's.
    """
    found: list[tuple[ItemKind, int, Evidence]] = []
    found += [("achievement", i, item.evidence) for i, item in enumerate(summary.achievements)]
    found += [("indicator", i, item.evidence) for i, item in enumerate(summary.indicators)]
    found += [("problem", i, item.evidence) for i, item in enumerate(summary.problems)]
    found += [
        ("cause", i, item.cause_evidence)
        for i, item in enumerate(summary.problems)
        if item.cause_evidence is not None
    ]
    found += [("plan", i, item.evidence) for i, item in enumerate(summary.plans)]
    return found


def similarity(first: str, second: str) -> float:
    """Character-level similarity (0–1): ``fuzz.partial_ratio`` of the squashed texts.

    Texts shorter than ``MIN_SIMILARITY_CHARS`` after squashing score 0.
    """
    first, second = squash(first), squash(second)
    if min(len(first), len(second)) < MIN_SIMILARITY_CHARS:
        return 0.0
    return float(fuzz.partial_ratio(first, second)) / 100.0


def _score(gold: int, predicted: int, matched: int) -> tuple[float, float, float]:
    precision = matched / predicted if predicted else 1.0
    recall = matched / gold if gold else 1.0
    f1 = 2 * precision * recall / (precision + recall) if precision + recall else 0.0
    return precision, recall, f1


def _make_score(gold: int, predicted: int, matched: int) -> Score:
    precision, recall, f1 = _score(gold, predicted, matched)
    return Score(
        gold=gold, predicted=predicted, matched=matched, precision=precision, recall=recall, f1=f1
    )


def _overlaps(first: tuple[int, int] | None, second: tuple[int, int] | None) -> bool:
    if first is None or second is None:
        return False
    return first[0] < second[1] and second[0] < first[1]


Edge = tuple[Literal["span", "similarity"], float]


def _match(
    gold_count: int, predicted_count: int, edge: Callable[[int, int], Edge | None]
) -> list[Match]:
    """A maximum one-to-one matching (augmenting paths), trying better edges first."""
    candidates: list[list[tuple[int, Edge]]] = []
    for g in range(gold_count):
        row = [(p, found) for p in range(predicted_count) if (found := edge(g, p)) is not None]
        row.sort(key=lambda pair: (pair[1][0] != "span", -pair[1][1], pair[0]))
        candidates.append(row)
    owner: dict[int, int] = {}

    def augment(g: int, seen: set[int]) -> bool:
        for p, _ in candidates[g]:
            if p in seen:
                continue
            seen.add(p)
            if p not in owner or augment(owner[p], seen):
                owner[p] = g
                return True
        return False

    for g in range(gold_count):
        augment(g, set())
    edges = {(g, p): found for g, row in enumerate(candidates) for p, found in row}
    return sorted(
        (
            Match(gold=g, predicted=p, method=edges[g, p][0], similarity=round(edges[g, p][1], 4))
            for p, g in owner.items()
        ),
        key=lambda match: match.gold,
    )


def _locate(
    text: str, snippet: str, within: tuple[int, int] | None = None
) -> tuple[int, int] | None:
    """Where ``snippet`` stands in ``text`` (verbatim first, else normalised/fuzzy).

    ``text`` is the cleaned text; a snippet copied from the page as shown loses what the
    cleaning removes (pinyin glosses a converter left) before it is looked for.
    """
    low, high = within if within is not None else (0, len(text))
    snippet = remove_glosses(snippet)
    found = text.find(snippet, low, high)
    if found >= 0:
        return found, found + len(snippet)
    located = locate_quote(text, snippet, within=within)
    if located is None or located.start < low or located.end > high:
        return None
    return located.start, located.end


def _field(
    gold_labels: list[str],
    predicted_labels: list[str],
    matches: list[Match],
) -> FieldEvaluation:
    matched_gold = {match.gold for match in matches}
    matched_predicted = {match.predicted for match in matches}
    precision, recall, f1 = _score(len(gold_labels), len(predicted_labels), len(matches))
    return FieldEvaluation(
        gold=len(gold_labels),
        predicted=len(predicted_labels),
        matched=len(matches),
        precision=precision,
        recall=recall,
        f1=f1,
        matches=matches,
        missed=[label for i, label in enumerate(gold_labels) if i not in matched_gold],
        spurious=[label for i, label in enumerate(predicted_labels) if i not in matched_predicted],
    )
