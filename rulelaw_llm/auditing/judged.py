"""The checks that weigh content: causes, plans against problems, vague plans, figures,
topics, boilerplate across reports and last year's plans followed up.

The rules decide; a judge model (``judge=``) may be asked where the rules are unsure, under
the grounded checks of ``rulelaw_llm.auditing.tasks``.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import PurePath
from typing import TYPE_CHECKING, Literal

from rapidfuzz import fuzz

from rulelaw_llm.auditing.checks import (
    _CAUSE_WORDS,
    _COMMON_GRAM_MINIMUM,
    _DEADLINE_WORDS,
    _LEADING_MARKER,
    _OWNER_WORDS,
    BOILERPLATE_MINIMUM_CHARS,
    BOILERPLATE_SIMILARITY,
    FOLLOW_UP_OVERLAP,
    INDICATOR_THRESHOLD,
    MEDIAN_SHARE,
    TOPICS,
    _account,
    _finding,
    _keywords,
    _sentences,
    _themes,
    _whole,
)
from rulelaw_llm.auditing.model import Finding, FollowUp, OtherQuote, Parts, Subject
from rulelaw_llm.auditing.tasks import FollowUpTask, PlansForProblemsTask, PlanTargetsTask
from rulelaw_llm.categories import CATEGORIES
from rulelaw_llm.reading.normalize import fold, squash
from rulelaw_llm.rules.quantities import find_quantities
from rulelaw_llm.schema import Evidence

if TYPE_CHECKING:
    from rulelaw_llm.llm.summarizer import Summarizer

# --------------------------------------------------------------------------- problems, plans


def _problems_without_cause(subject: Subject, parts: Parts) -> list[Finding]:
    # With no cause anywhere, the one missing_part finding says it; per-problem findings
    # would charge the same gap several times.
    if not parts.causes.present:
        return []
    findings: list[Finding] = []
    for index, problem in enumerate(subject.summary.problems):
        if problem.cause or problem.cause_evidence is not None:
            continue
        if _CAUSE_WORDS.search(fold(_whole(subject, problem.evidence).quote)):
            continue
        findings.append(
            _finding(
                "problem_without_cause",
                f"问题“{problem.summary}”没有陈述原因：请写明产生这一问题的原因。",
                evidence=[problem.evidence],
                looked_for="在该问题的表述和原因部分中查找与之对应的原因，未找到。",
                kind="problem",
                index=index,
            )
        )
    return findings


def _problems_without_plan(subject: Subject, judge: Summarizer | None) -> list[Finding]:
    """Problems that no plan addresses: the rules' themes, or the model's reading."""
    summary = subject.summary
    plan_texts = [_whole(subject, plan.evidence).quote for plan in summary.plans]
    plan_themes = [_themes(text) for text in plan_texts]
    plan_categories = {plan.category for plan in summary.plans}
    covered = set().union(*plan_themes) if plan_themes else set()
    problem_texts = [_whole(subject, problem.evidence).quote for problem in summary.problems]
    judged: dict[int, bool] = {}
    if judge is not None and problem_texts and plan_texts:
        outcome = judge.ask(PlansForProblemsTask(problem_texts, plan_texts))
        for number in range(len(problem_texts)):
            answer = outcome.accepted.get(f"w{number + 1}")
            if isinstance(answer, list):
                judged[number] = bool(answer)
    findings: list[Finding] = []
    for index, problem in enumerate(summary.problems):
        themes = _themes(problem_texts[index])
        if index in judged:
            if judged[index]:
                continue
            looked_for = f"大模型逐条阅读了 {len(plan_texts)} 条计划，判断没有一条针对这个问题。"
        else:
            if themes & covered or (not themes and problem.category in plan_categories):
                continue
            wanted = "、".join(sorted(themes)) or problem.category
            looked_for = (
                f"在 {len(summary.plans)} 条计划中查找与该问题同主题（{wanted}）的计划，未找到。"
            )
        findings.append(
            _finding(
                "problem_without_plan",
                f"问题“{problem.summary}”在下一年度安排中没有对应的措施：请针对这一问题提出整改措施。",
                evidence=[problem.evidence],
                looked_for=looked_for,
                kind="problem",
                index=index,
                judged_by="llm" if index in judged else "rules",
            )
        )
    return findings


def _vague_plans(subject: Subject, judge: Summarizer | None) -> list[Finding]:
    """Plans with no target, deadline or owner: the rules first, then the model's reading.

    A plan the rules see a number, a deadline or an owner in is never vague; the others
    are asked, and the model must quote the phrase it finds (located in the plan).
    """
    plans = subject.summary.plans
    texts = [_whole(subject, plan.evidence) for plan in plans]
    vague = [
        index
        for index, text in enumerate(texts)
        if not (
            find_quantities(text.quote)
            or _DEADLINE_WORDS.search(fold(text.quote))
            or _OWNER_WORDS.search(fold(text.quote))
        )
    ]
    quoted: dict[int, str | None] = {}
    if judge is not None and vague:
        outcome = judge.ask(PlanTargetsTask([texts[index].quote for index in vague]))
        for number, index in enumerate(vague, 1):
            key = f"p{number}"
            if key in outcome.accepted:
                answer = outcome.accepted[key]
                quoted[index] = answer if isinstance(answer, str) else None
    findings: list[Finding] = []
    for index in vague:
        if quoted.get(index) is not None:
            continue  # the model quoted a target, deadline or owner from the plan
        plan = plans[index]
        findings.append(
            _finding(
                "vague_plan",
                f"计划“{plan.summary}”没有可衡量的目标、完成时限或责任单位：请至少写明其中一项。",
                evidence=[plan.evidence],
                looked_for=(
                    "大模型在计划中没有找到写明数量目标、时限或责任单位的短语。"
                    if index in quoted
                    else "在计划中查找数量目标（如“培训2次”）、时限（如“6月底前”“年内”）和"
                    "责任单位（“牵头/责任单位/由…负责”），均未找到。"
                ),
                kind="plan",
                index=index,
                judged_by="llm" if index in quoted else "rules",
            )
        )
    return findings


# --------------------------------------------------------------------------- indicators, topics


def _indicator_rate(subject: Subject) -> tuple[float, int, int] | None:
    """(figures per 1,000 characters, figures, characters) of the account of the year."""
    regions = _account(subject)
    characters = sum(len(region.quote) for region in regions)
    if characters == 0:
        return None
    figures = sum(
        1
        for indicator in subject.summary.indicators
        if any(region.start <= indicator.evidence.start < region.end for region in regions)
    )
    return figures * 1000 / characters, figures, characters


def _few_indicators(rate: tuple[float, int, int] | None, median: float | None) -> list[Finding]:
    if rate is None:
        return []
    value, figures, characters = rate
    measured = round(value, 2)
    explanation = (
        f"成效部分 {characters} 字，数字指标 {figures} 个，每千字 {measured} 个"
        f"（下限 {INDICATOR_THRESHOLD}"
        + (f"，同批报告中位数 {round(median, 2)}" if median is not None else "")
        + "）。"
    )
    common = {
        "looked_for": explanation,
        "measured": measured,
        "threshold": INDICATOR_THRESHOLD,
        "corpus_median": round(median, 2) if median is not None else None,
    }
    if value < INDICATOR_THRESHOLD:
        return [
            _finding(
                "few_indicators",
                f"成效部分几乎没有具体数字（每千字 {measured} 个，低于 {INDICATOR_THRESHOLD}）："
                "请用数据（次数、件数、人次、比例、金额）说明工作成效。",
                **common,
            )
        ]
    if median is not None and value < MEDIAN_SHARE * median:
        return [
            _finding(
                "few_indicators",
                f"成效部分的具体数字偏少（每千字 {measured} 个，不到同批报告中位数 "
                f"{round(median, 2)} 的一半）：可补充数据说明成效。",
                severity="info",
                **common,
            )
        ]
    return []


def _topic_gaps(subject: Subject) -> list[Finding]:
    regions = _account(subject)
    text = fold("\n".join(region.quote for region in regions))
    categories = {a.category for a in subject.summary.achievements}
    findings: list[Finding] = []
    for key, (label, mapped, words) in TOPICS.items():
        if any(word in text for word in words) or categories & set(mapped):
            continue
        labels = "、".join(CATEGORIES[category] for category in mapped)
        findings.append(
            _finding(
                "topic_gap",
                f"年度工作中未涉及“{label}”（某市 2025 年指引所列 8 个一级主题之一；对应类别：{labels}）："
                "如有相关工作，请补充。",
                looked_for=f"在成效部分查找：{'、'.join(words)}，未找到。",
                topic=key,
            )
        )
    return findings


# --------------------------------------------------------------------------- boilerplate


@dataclass(frozen=True, slots=True)
class _Sentence:
    owner: int
    """Index into the subjects (current first, then previous)."""
    kind: Literal["problem", "plan"]
    index: int
    evidence: Evidence
    key: str


def _item_sentences(owner: int, subject: Subject) -> list[_Sentence]:
    found: list[_Sentence] = []
    items: list[tuple[Literal["problem", "plan"], int, Evidence]] = [
        ("problem", index, _whole(subject, problem.evidence))
        for index, problem in enumerate(subject.summary.problems)
    ] + [
        ("plan", index, _whole(subject, plan.evidence))
        for index, plan in enumerate(subject.summary.plans)
    ]
    for kind, index, evidence in items:
        for sentence in _sentences(evidence):
            key = squash(_LEADING_MARKER.sub("", sentence.quote))
            if len(key) >= BOILERPLATE_MINIMUM_CHARS:
                found.append(_Sentence(owner, kind, index, sentence, key))
    return found


def _boilerplate(
    subjects: Sequence[Subject], previous: Sequence[Subject]
) -> dict[int, list[Finding]]:
    """Problems and plans with a near-identical sentence in another report, per current report.

    Sentences are grouped by their squashed text first, so that verbatim copies (the common
    case) cost nothing per pair; only distinct texts are compared, and only those that share
    a quarter of their character 4-grams (an inverted index; 4-grams found in very many
    distinct sentences are too common to say anything and are skipped).
    """
    everyone = list(subjects) + list(previous)
    sentences = [
        s for owner, subject in enumerate(everyone) for s in _item_sentences(owner, subject)
    ]
    clusters: dict[str, list[int]] = {}
    for number, sentence in enumerate(sentences):
        clusters.setdefault(sentence.key, []).append(number)
    keys = list(clusters)
    owners = [{sentences[n].owner for n in clusters[key]} for key in keys]
    grams = [{key[i : i + 4] for i in range(len(key) - 3)} for key in keys]
    postings: dict[str, list[int]] = {}
    for position, gram_set in enumerate(grams):
        for gram in gram_set:
            postings.setdefault(gram, []).append(position)
    common = max(_COMMON_GRAM_MINIMUM, len(keys) // 20)
    near: list[list[tuple[int, float]]] = [[(position, 100.0)] for position in range(len(keys))]
    for position, key in enumerate(keys):
        shared: dict[int, int] = {}
        for gram in grams[position]:
            posting = postings[gram]
            if len(posting) > common:
                continue
            for other in posting:
                if other > position:
                    shared[other] = shared.get(other, 0) + 1
        for other, count in shared.items():
            smaller = min(len(grams[position]), len(grams[other])) or 1
            if count / smaller < 0.25:
                continue
            similarity = fuzz.ratio(key, keys[other])
            if similarity >= BOILERPLATE_SIMILARITY:
                near[position].append((other, similarity))
                near[other].append((position, similarity))
    cluster_of = {key: position for position, key in enumerate(keys)}

    # Per current item: the best twin in another report, and how many reports share it.
    best: dict[tuple[int, Literal["problem", "plan"], int], tuple[float, int, int]] = {}
    sharing: dict[tuple[int, Literal["problem", "plan"], int], set[int]] = {}
    for number, sentence in enumerate(sentences):
        if sentence.owner >= len(subjects):
            continue  # previous reports are only compared against, never audited
        slot = (sentence.owner, sentence.kind, sentence.index)
        for twin_cluster, similarity in near[cluster_of[sentence.key]]:
            others = owners[twin_cluster] - {sentence.owner}
            if not others:
                continue
            sharing.setdefault(slot, set()).update(others)
            twin_number = next(
                n for n in clusters[keys[twin_cluster]] if sentences[n].owner != sentence.owner
            )
            if slot not in best or similarity > best[slot][0]:
                best[slot] = (similarity, number, twin_number)
    findings: dict[int, list[Finding]] = {}
    for (owner, kind, index), (similarity, number, other) in sorted(best.items()):
        slot = (owner, kind, index)
        twin = everyone[sentences[other].owner]
        copies = len(sharing[slot])
        where = "上一年度报告" if sentences[other].owner >= len(subjects) else "同批报告"
        name = f"{twin.summary.entity or twin.input}{twin.summary.year or ''}"
        if twin.summary.entity:  # same-named reports are told apart by their file
            name += f"，{PurePath(twin.input.replace(chr(92), '/')).name}"
        label = "问题" if kind == "problem" else "计划"
        also = f"（共 {copies} 份报告有相同表述）" if copies > 1 else ""
        findings.setdefault(owner, []).append(
            _finding(
                "boilerplate",
                f"这条{label}与{where}“{name}”的表述几乎相同{also}"
                f"（相似度 {similarity / 100:.2f}）：请结合本单位实际情况写。",
                evidence=[sentences[number].evidence],
                kind=kind,
                index=index,
                other=OtherQuote(
                    input=twin.input,
                    entity=twin.summary.entity,
                    year=twin.summary.year,
                    evidence=sentences[other].evidence,
                ),
                similarity=round(similarity / 100, 3),
                copies=copies,
            )
        )
    return findings


# --------------------------------------------------------------------------- follow-up


def _same_issuer(subject: Subject, earlier: Subject) -> bool:
    now, then = subject.summary, earlier.summary
    if not now.entity or now.entity != then.entity:
        return False
    if now.parent_entity and then.parent_entity and now.parent_entity != then.parent_entity:
        return False
    return not (now.year and then.year and then.year != now.year - 1)


def _follow_up(
    subject: Subject, previous: Sequence[Subject], judge: Summarizer | None
) -> tuple[list[FollowUp] | None, list[Finding]]:
    """Each plan of last year's report of the same issuer, matched to this year's work.

    The rules rank this year's sentences by the plan's keywords; the model, when given,
    chooses among the best three (or none).
    """
    earlier = [candidate for candidate in previous if _same_issuer(subject, candidate)]
    if not earlier:
        return None, []
    account = [sentence for region in _account(subject) for sentence in _sentences(region)]
    follow_up: list[FollowUp] = []
    findings: list[Finding] = []
    for last_year in earlier:
        plans = last_year.summary.plans
        ranked: list[list[tuple[float, Evidence]]] = []
        for plan in plans:
            wanted = _keywords(plan.summary)
            matches = [
                (len(wanted & _keywords(sentence.quote)) / len(wanted), sentence)
                for sentence in account
                if wanted
            ]
            matches.sort(key=lambda match: -match[0])
            ranked.append(matches)
        chosen: dict[int, Evidence | None] = {}
        if judge is not None and plans and account:
            candidates = [[m[1] for m in matches[:3]] for matches in ranked]
            shared = [
                [len(_keywords(plan.summary) & _keywords(sentence.quote)) for sentence in group]
                for plan, group in zip(plans, candidates, strict=True)
            ]
            task = FollowUpTask(
                [_whole(last_year, plan.evidence).quote for plan in plans],
                [[sentence.quote for sentence in group] for group in candidates],
                shared=shared,
            )
            outcome = judge.ask(task)
            for number, group in enumerate(candidates):
                key = f"l{number + 1}"
                if key not in outcome.accepted:
                    continue
                answer = outcome.accepted[key]
                options = list(task.candidates[key])
                chosen[number] = group[options.index(answer)] if answer in options else None
        for index, plan in enumerate(plans):
            matches = ranked[index]
            similarity = round(matches[0][0], 3) if matches else 0.0
            quote = OtherQuote(
                input=last_year.input,
                entity=last_year.summary.entity,
                year=last_year.summary.year,
                evidence=plan.evidence,
            )
            if index in chosen:
                picked = chosen[index]
                followed = picked is not None
                evidence = [picked] if picked is not None else []
                judged_by: Literal["rules", "llm"] = "llm"
                looked_for = f"大模型在本年度成效中与该计划最接近的 {min(3, len(matches))} 句里没有找到落实情况。"
            else:
                followed = similarity >= FOLLOW_UP_OVERLAP
                evidence = [match[1] for match in matches[:2] if match[0] >= FOLLOW_UP_OVERLAP]
                judged_by = "rules"
                looked_for = (
                    f"在本年度成效部分的 {len(account)} 句中查找该计划（“{plan.summary}”）的"
                    f" {len(_keywords(plan.summary))} 个两字关键词，句中最多出现 {similarity:.0%}，"
                    f"低于 {FOLLOW_UP_OVERLAP:.0%}。"
                )
            follow_up.append(
                FollowUp(
                    plan=quote,
                    followed=followed,
                    evidence=evidence,
                    similarity=similarity,
                    judged_by=judged_by,
                )
            )
            if not followed:
                findings.append(
                    _finding(
                        "plan_not_followed",
                        f"上一年度计划“{plan.summary}”在本年度成效中没有找到落实情况："
                        "请说明落实情况或未落实的原因。",
                        looked_for=looked_for,
                        kind="plan",
                        index=index,
                        other=quote,
                        similarity=similarity,
                        judged_by=judged_by,
                    )
                )
    return follow_up, findings
