"""Extraction quality on the five samples: rulelaw_llm against plain instructor and LangExtract.

Usage (LangExtract is installed in its own venv, see BENCHMARKS.md):

    # live: runs the peers on the local model and stores what they did in bench/recordings/
    ../shared/tools/local-llm run -- ~/.cache/rulelaw-bench-venv/bin/python bench/quality.py \\
        --live instructor,langextract --samples shenzha-zhen-2024,tianjiazhai-zhen-2024
    # the table, from the cassettes and bench/recordings/ (no model needed)
    ~/.cache/rulelaw-bench-venv/bin/python bench/quality.py

Systems, all on the same cleaned text (``load_report(path).text``) and the same model:

- rulelaw_llm: ``Summarizer`` on the recorded cassettes (cassettes/test_llm_samples/),
  replayed; its wall times come from the recording run (bench/recordings/
  rulelaw-recording-times.json), since a cassette keeps no timings.
- plain instructor: one call, ``instructor.Mode.TOOLS`` (its default), a flat response model
  (entity, year, achievements, indicators[name, value, unit, quote], problems, plans,
  digest), instructor's default ``max_retries``, ``max_tokens=2048``, temperature 0.
- LangExtract 1.7: ``lx.extract`` with an equivalent Chinese prompt and one few-shot example,
  ``OpenAILanguageModel`` on the same server (``fence_output=False``,
  ``use_schema_constraints=False``), default ``max_char_buffer`` (1,000), temperature 0,
  ``max_output_tokens=1024`` per chunk, and its ``UnicodeTokenizer`` (the default regex
  tokenizer does not segment Chinese: google/langextract#201). The model object is built
  from the same ``ModelConfig`` and given an openai client that records each exchange.

Scores against examples/gold/ (see examples/gold/README.md): an indicator is found when an
extraction has the gold value and unit and the gold ``raw`` starts inside the extraction's
span (rulelaw_llm: its evidence; LangExtract: its char interval; instructor: wherever its
quote stands verbatim in the text — a quote not in the text locates nothing). Each gold
indicator is matched at most once. ``position only`` ignores value and unit. Grounding rate:
quotes found verbatim in the text (rulelaw_llm: every evidence span, checked as
``text[start:end] == quote``; instructor: the indicator quotes; LangExtract: every
extraction text). For LangExtract also: char intervals that are exact
(``text[start:end] == extraction_text``).
"""

from __future__ import annotations

import argparse
import json
import os
import statistics
import time
from collections.abc import Iterator
from dataclasses import dataclass, field
from datetime import datetime, timezone
from pathlib import Path
from typing import Any

import httpx2
import openai
from common import (
    GOLD,
    LOCAL_BASE_URL,
    LOCAL_MODEL,
    RECORDINGS,
    REPORTS,
    SAMPLES,
    Replay,
    load_interactions,
    machine_line,
    missing_cassettes,
    table,
)
from overhead import summarizer as replay_summarizer
from pydantic import BaseModel, Field

from rulelaw_llm import Report, ReportSummary, load_report
from rulelaw_llm.rules.quantities import parse_number

QUALITY = RECORDINGS / "quality"
RULELAW_TIMES = RECORDINGS / "rulelaw-recording-times.json"
SYSTEMS = ("rulelaw_llm", "instructor", "langextract")

# ----------------------------------------------------------------------------- the peers

SYSTEM_PROMPT = "你是法治政府建设年度报告的分析助手。只依据给出的原文作答，不编造事实和数字。"
INSTRUCTOR_PROMPT = (
    "从下面的法治政府建设年度报告中提取：报告单位、年度、主要举措和成效、全部数字指标"
    "（统计对象、数值、单位、包含该数字的原文逐字引文）、存在的问题、下一年度工作安排，"
    "以及一段不超过250字的摘要。\n\n报告原文：\n"
)


class FlatIndicator(BaseModel):
    """One numeric indicator."""

    name: str = Field(description="统计对象，即这个数字数的是什么，如“化解矛盾纠纷”")
    value: float = Field(description="数值；万、亿展开（11万元 → 110000），百分数取数字本身")
    unit: str = Field(description="单位或量词，如 次、场、件、人次、%、元")
    quote: str = Field(description="包含该数字的原文逐字引文")


class FlatReport(BaseModel):
    """The flat response model a plain instructor user would write."""

    entity: str = Field(description="报告单位")
    year: int = Field(description="报告年度")
    achievements: list[str] = Field(description="主要举措和成效，每条一项")
    indicators: list[FlatIndicator] = Field(description="报告中的全部数字指标")
    problems: list[str] = Field(description="存在的问题，每条一项")
    plans: list[str] = Field(description="下一年度工作安排，每条一项")
    digest: str = Field(description="一段不超过250字的摘要")


LANGEXTRACT_PROMPT = (
    "从法治政府建设年度报告中按原文顺序提取：\n"
    "- indicator：每一个表述工作事实、范围或成效的数量（如“500余份”“100%”），"
    "属性 name 为统计对象（这个数字数的是什么），value 为数值（万、亿展开，百分数取数字本身），"
    "unit 为单位或量词；日期、年份、口号和序号中的数字不是指标；\n"
    "- problem：存在的问题，每条一项；\n"
    "- plan：下一年度工作安排，每条一项。\n"
    "extraction_text 必须逐字摘自原文，不得改写，不得重叠。"
)
# A made-up township passage: not one of the samples, so the example gives nothing away.
EXAMPLE_TEXT = (
    "2024年，某镇共开展法治宣传活动12场，发放宣传资料800余份，调解矛盾纠纷35件，调解成功率98%。"
    "存在的问题：一是普法形式较为单一。下一步工作计划：（一）加强法治队伍建设。"
)
EXAMPLE_EXTRACTIONS = [
    ("indicator", "12场", {"name": "开展法治宣传活动", "value": "12", "unit": "场"}),
    ("indicator", "800余份", {"name": "发放宣传资料", "value": "800", "unit": "份"}),
    ("indicator", "35件", {"name": "调解矛盾纠纷", "value": "35", "unit": "件"}),
    ("indicator", "98%", {"name": "调解成功率", "value": "98", "unit": "%"}),
    ("problem", "一是普法形式较为单一", {}),
    ("plan", "（一）加强法治队伍建设", {}),
]


@dataclass
class Recorder:
    """An httpx2 client that keeps every chat-completions exchange with its duration.

    ``transport`` replaces the network (tokens.py captures the requests a peer would send).
    """

    transport: httpx2.BaseTransport | None = None
    exchanges: list[dict[str, Any]] = field(default_factory=list)

    def client(self) -> httpx2.Client:
        started: dict[int, float] = {}

        def on_request(request: httpx2.Request) -> None:
            started[id(request)] = time.perf_counter()

        def on_response(response: httpx2.Response) -> None:
            response.read()
            request = response.request
            self.exchanges.append(
                {
                    "request": json.loads(request.content or b"null"),
                    "status": response.status_code,
                    "response": _json_or_text(response.content),
                    "seconds": round(time.perf_counter() - started.pop(id(request)), 3),
                }
            )

        return httpx2.Client(
            transport=self.transport,
            timeout=900,
            event_hooks={"request": [on_request], "response": [on_response]},
        )


def _json_or_text(content: bytes) -> Any:
    try:
        return json.loads(content)
    except ValueError:
        return content.decode("utf-8", errors="replace")


def run_instructor(
    text: str, base_url: str, model: str, transport: httpx2.BaseTransport | None = None
) -> dict[str, Any]:
    import instructor

    recorder = Recorder(transport)
    client = instructor.from_openai(
        openai.OpenAI(base_url=base_url, api_key="local", http_client=recorder.client()),
        mode=instructor.Mode.TOOLS,
    )
    started = time.perf_counter()
    error = None
    result: dict[str, Any] = {}
    try:
        answer = client.chat.completions.create(
            model=model,
            response_model=FlatReport,
            messages=[
                {"role": "system", "content": SYSTEM_PROMPT},
                {"role": "user", "content": INSTRUCTOR_PROMPT + text},
            ],
            max_tokens=2048,
            temperature=0,
        )
        result = answer.model_dump()
    except Exception as error_:  # a benchmark records every failure of a peer, whatever it is
        error = f"{type(error_).__name__}: {str(error_).splitlines()[0][:300]}"
    return {
        "seconds": round(time.perf_counter() - started, 2),
        "error": error,
        "result": result,
        "exchanges": recorder.exchanges,
    }


def run_langextract(
    text: str, base_url: str, model: str, transport: httpx2.BaseTransport | None = None
) -> dict[str, Any]:
    import langextract as lx
    from langextract.core.tokenizer import UnicodeTokenizer

    recorder = Recorder(transport)
    config = lx.factory.ModelConfig(
        model_id=model,
        provider="OpenAILanguageModel",
        provider_kwargs={
            "base_url": base_url,
            "api_key": "local",
            "temperature": 0.0,
            "max_output_tokens": 1024,
        },
    )
    language_model = lx.factory.create_model(config)
    # The same model object LangExtract builds from this config, with a client that records.
    language_model._client = openai.OpenAI(
        base_url=base_url, api_key="local", http_client=recorder.client()
    )
    examples = [
        lx.data.ExampleData(
            text=EXAMPLE_TEXT,
            extractions=[
                lx.data.Extraction(extraction_class=kind, extraction_text=span, attributes=attrs)
                for kind, span, attrs in EXAMPLE_EXTRACTIONS
            ],
        )
    ]
    started = time.perf_counter()
    error = None
    extractions: list[dict[str, Any]] = []
    try:
        document = lx.extract(
            text,
            prompt_description=LANGEXTRACT_PROMPT,
            examples=examples,
            model=language_model,
            fence_output=False,
            use_schema_constraints=False,
            tokenizer=UnicodeTokenizer(),
            show_progress=False,
        )
        for extraction in document.extractions or []:
            interval = extraction.char_interval
            status = extraction.alignment_status
            extractions.append(
                {
                    "class": extraction.extraction_class,
                    "text": extraction.extraction_text,
                    "attributes": extraction.attributes or {},
                    "start": interval.start_pos if interval else None,
                    "end": interval.end_pos if interval else None,
                    "alignment": status.value if status else None,
                }
            )
    except Exception as error_:  # a benchmark records every failure of a peer, whatever it is
        error = f"{type(error_).__name__}: {str(error_).splitlines()[0][:300]}"
    return {
        "seconds": round(time.perf_counter() - started, 2),
        "error": error,
        "result": {"extractions": extractions},
        "exchanges": recorder.exchanges,
    }


def run_rulelaw(
    report: Report, base_url: str, model: str, transport: httpx2.BaseTransport | None = None
) -> dict[str, Any]:
    """rulelaw_llm as the cassette tests run it (local preset, default plan), no cache."""
    from rulelaw_llm import Summarizer

    recorder = Recorder(transport)
    summarizer = Summarizer(
        provider="llama-cpp-python",
        base_url=base_url,
        model=model,
        api_key="local",
        client=openai.OpenAI(base_url=base_url, api_key="local", http_client=recorder.client()),
    )
    started = time.perf_counter()
    error = None
    result: dict[str, Any] = {}
    try:
        result = summarizer.summarize(report).model_dump(mode="json")
    except Exception as error_:  # a benchmark records every failure, whatever it is
        error = f"{type(error_).__name__}: {str(error_).splitlines()[0][:300]}"
    return {
        "seconds": round(time.perf_counter() - started, 2),
        "error": error,
        "result": result,
        "exchanges": recorder.exchanges,
    }


RUNNERS = {"instructor": run_instructor, "langextract": run_langextract}


def recording_path(system: str, slug: str) -> Path:
    return QUALITY / system / f"{slug}.json"


def live(systems: list[str], slugs: list[str]) -> None:
    base_url = os.environ.get("RULELAW_BASE_URL", LOCAL_BASE_URL)
    model = os.environ.get("RULELAW_MODEL", LOCAL_MODEL)
    for slug in slugs:
        report = load_report(REPORTS / f"{slug}.txt")
        for system in systems:
            print(f"  {system} on {slug}…", flush=True)
            if system == "rulelaw_llm":
                outcome = run_rulelaw(report, base_url, model)
            else:
                outcome = RUNNERS[system](report.text, base_url, model)
            outcome.update(
                system=system,
                slug=slug,
                model=model,
                recorded_at=datetime.now(timezone.utc).isoformat(timespec="seconds"),
                machine=machine_line(),
            )
            path = recording_path(system, slug)
            path.parent.mkdir(parents=True, exist_ok=True)
            path.write_text(json.dumps(outcome, ensure_ascii=False, indent=1), encoding="utf-8")
            print(f"    {outcome['seconds']} s, error: {outcome['error']}", flush=True)


# ----------------------------------------------------------------------------- scoring


@dataclass
class Extracted:
    """One system's indicators on one report, in a common form."""

    indicators: list[tuple[float | None, str, list[tuple[int, int]]]] = field(default_factory=list)
    """(value, unit, spans where it stands) per returned indicator."""
    grounded: int = 0
    quotes: int = 0
    exact_spans: int | None = None
    spans: int | None = None
    named: int = 0
    """Indicators the model gave a name (rulelaw_llm: pre-pass quantities it named)."""
    problems: int = 0
    plans: int = 0
    seconds: float | None = None
    error: str | None = None
    usage: tuple[int, int, int] | None = None
    """(requests, prompt tokens, completion tokens) reported by the server."""


def _value(raw: object) -> float | None:
    if isinstance(raw, (int, float)):
        return float(raw)
    if not isinstance(raw, str) or not raw.strip():
        return None
    text = raw.strip().rstrip("%").replace("余", "").replace("多", "")
    try:
        return float(text.replace(",", ""))
    except ValueError:
        return parse_number(text) if text else None


def _occurrences(text: str, quote: str) -> list[tuple[int, int]]:
    spans = []
    at = text.find(quote) if quote else -1
    while at >= 0:
        spans.append((at, at + len(quote)))
        at = text.find(quote, at + 1)
    return spans


def rulelaw_extracted(summary: ReportSummary, text: str, seconds: float | None) -> Extracted:
    result = Extracted(seconds=seconds)
    evidences = [item.evidence for item in summary.achievements]
    evidences += [item.evidence for item in summary.indicators]
    evidences += [item.evidence for item in summary.problems]
    evidences += [item.evidence for item in summary.plans]
    evidences += [p.cause_evidence for p in summary.problems if p.cause_evidence is not None]
    result.quotes = len(evidences)
    result.grounded = sum(text[e.start : e.end] == e.quote for e in evidences)
    for indicator in summary.indicators:
        span = (indicator.evidence.start, indicator.evidence.end)
        result.indicators.append((indicator.value, indicator.unit, [span]))
    result.named = summary.coverage.named_by_model if summary.coverage else 0
    result.problems = len(summary.problems)
    result.plans = len(summary.plans)
    return result


def rulelaw_from_cassette(slug: str, text: str, times: dict[str, float]) -> Extracted:
    """rulelaw_llm replayed from its cassette; wall time from the recording run."""
    replay = Replay(load_interactions(slug))
    summary = replay_summarizer(replay).summarize(REPORTS / f"{slug}.txt")
    result = rulelaw_extracted(summary, text, times.get(slug))
    result.usage = _usage([i.response for i in load_interactions(slug)])
    return result


def rulelaw_from_recording(recorded: dict[str, Any], text: str) -> Extracted:
    """rulelaw_llm as it ran live in the same run as the peers (``--live rulelaw_llm``)."""
    if recorded["error"]:
        result = Extracted(seconds=recorded["seconds"], error=recorded["error"])
    else:
        summary = ReportSummary.model_validate(recorded["result"])
        result = rulelaw_extracted(summary, text, recorded["seconds"])
        # The server's usage as the library's ledger recorded it (the exchanges list stays
        # empty for runs before the summarizer kept an injected client's event hooks).
        usage = summary.provenance.usage
        result.usage = (usage.requests, usage.prompt_tokens, usage.completion_tokens)
    if recorded["exchanges"]:
        result.usage = _usage([exchange["response"] for exchange in recorded["exchanges"]])
    return result


def _usage(responses: list[Any]) -> tuple[int, int, int]:
    """(requests, prompt tokens, completion tokens) as the server reported them."""
    prompt = completion = 0
    for response in responses:
        usage = (response.get("usage") if isinstance(response, dict) else None) or {}
        prompt += usage.get("prompt_tokens", 0)
        completion += usage.get("completion_tokens", 0)
    return len(responses), prompt, completion


def instructor_extracted(recorded: dict[str, Any], text: str) -> Extracted:
    result = Extracted(seconds=recorded["seconds"], error=recorded["error"])
    result.usage = _usage([exchange["response"] for exchange in recorded["exchanges"]])
    answer = recorded["result"] or {}
    for indicator in answer.get("indicators", []):
        spans = _occurrences(text, indicator.get("quote", ""))
        result.quotes += 1
        result.grounded += bool(spans)
        result.indicators.append((_value(indicator.get("value")), indicator.get("unit", ""), spans))
        result.named += bool(str(indicator.get("name") or "").strip())
    result.problems = len(answer.get("problems", []))
    result.plans = len(answer.get("plans", []))
    return result


def langextract_extracted(recorded: dict[str, Any], text: str) -> Extracted:
    result = Extracted(seconds=recorded["seconds"], error=recorded["error"], exact_spans=0, spans=0)
    result.usage = _usage([exchange["response"] for exchange in recorded["exchanges"]])
    for extraction in recorded["result"].get("extractions", []):
        result.quotes += 1
        result.grounded += extraction["text"] in text
        start, end = extraction["start"], extraction["end"]
        if start is not None and end is not None:
            result.spans = (result.spans or 0) + 1
            result.exact_spans = (result.exact_spans or 0) + (text[start:end] == extraction["text"])
        kind = extraction["class"]
        if kind == "indicator":
            attributes = extraction["attributes"] or {}
            spans = [(start, end)] if start is not None and end is not None else []
            result.indicators.append(
                (_value(attributes.get("value")), str(attributes.get("unit", "")).strip(), spans)
            )
            result.named += bool(str(attributes.get("name") or "").strip())
        elif kind == "problem":
            result.problems += 1
        elif kind == "plan":
            result.plans += 1
    return result


def gold_spans(slug: str, text: str) -> list[tuple[float, str, int]]:
    gold = json.loads((GOLD / f"{slug}.json").read_text(encoding="utf-8"))
    return [
        (float(g["value"]), g["unit"], text.index(g["raw"], text.index(g["context"])))
        for g in gold["indicators"]
    ]


def matches(extracted: Extracted, gold: list[tuple[float, str, int]], *, strict: bool) -> int:
    used: set[int] = set()
    found = 0
    for value, unit, start in gold:
        for index, (got_value, got_unit, spans) in enumerate(extracted.indicators):
            if index in used:
                continue
            if strict and (
                got_value is None or abs(got_value - value) > 1e-6 or got_unit.strip() != unit
            ):
                continue
            if any(s <= start < e for s, e in spans):
                used.add(index)
                found += 1
                break
    return found


def load_recorded(system: str, slug: str) -> dict[str, Any] | None:
    path = recording_path(system, slug)
    return json.loads(path.read_text(encoding="utf-8")) if path.exists() else None


def scored(slugs: list[str]) -> Iterator[tuple[str, str, Extracted, list[tuple[float, str, int]]]]:
    times = json.loads(RULELAW_TIMES.read_text(encoding="utf-8")) if RULELAW_TIMES.exists() else {}
    for slug in slugs:
        text = load_report(REPORTS / f"{slug}.txt").text
        gold = gold_spans(slug, text)
        rulelaw_run = load_recorded("rulelaw_llm", slug)
        if rulelaw_run is not None:
            yield slug, "rulelaw_llm", rulelaw_from_recording(rulelaw_run, text), gold
        else:
            yield (
                slug,
                "rulelaw_llm",
                rulelaw_from_cassette(slug, text, times.get("seconds", {})),
                gold,
            )
        instructor_run = load_recorded("instructor", slug)
        if instructor_run is not None:
            yield slug, "instructor", instructor_extracted(instructor_run, text), gold
        langextract_run = load_recorded("langextract", slug)
        if langextract_run is not None:
            yield slug, "langextract", langextract_extracted(langextract_run, text), gold


def _ratio(part: int, whole: int) -> str:
    return f"{part}/{whole} ({part / whole:.0%})" if whole else "–"


def _tokens(usage: tuple[int, int, int] | None) -> str:
    if usage is None:
        return "–"
    requests, prompt, completion = usage
    return f"{requests} / {prompt:,} / {completion:,}"


def report(slugs: list[str]) -> None:
    gold_problems = {}
    for slug in slugs:
        gold = json.loads((GOLD / f"{slug}.json").read_text(encoding="utf-8"))
        gold_problems[slug] = (len(gold["problems"]), len(gold["plans"]))
    rows = []
    totals: dict[str, dict[str, Any]] = {}
    for slug, system, extracted, gold in scored(slugs):
        found = matches(extracted, gold, strict=True)
        located = matches(extracted, gold, strict=False)
        total = totals.setdefault(
            system,
            {"reports": 0, "gold": 0, "found": 0, "located": 0, "returned": 0, "q": 0, "g": 0},
        )
        total["reports"] += 1
        total["gold"] += len(gold)
        total["found"] += found
        total["located"] += located
        total["returned"] += len(extracted.indicators)
        total["q"] += extracted.quotes
        total["g"] += extracted.grounded
        if extracted.usage is not None:
            for key, number in zip(
                ("requests", "prompt", "completion"), extracted.usage, strict=True
            ):
                total[key] = total.get(key, 0) + number
        total.setdefault("seconds", []).append(extracted.seconds)
        if extracted.spans is not None:
            total["spans"] = total.get("spans", 0) + extracted.spans
            total["exact"] = total.get("exact", 0) + (extracted.exact_spans or 0)
        problems, plans = gold_problems[slug]
        rows.append(
            [
                slug,
                system,
                f"{found}/{len(gold)}",
                f"{located}/{len(gold)}",
                len(extracted.indicators),
                extracted.named,
                _ratio(extracted.grounded, extracted.quotes),
                _ratio(extracted.exact_spans or 0, extracted.spans or 0)
                if extracted.spans is not None
                else "–",
                f"{extracted.problems} ({problems}) / {extracted.plans} ({plans})",
                f"{extracted.seconds:.0f}" if extracted.seconds else "not measured",
                _tokens(extracted.usage),
                extracted.error or "",
            ]
        )
    print(f"extraction quality on the local model ({LOCAL_MODEL}) · {machine_line()}\n")
    print(
        table(
            [
                "report",
                "system",
                "indicators found (value+unit+position)",
                "position only",
                "indicators returned",
                "named by the model",
                "quotes verbatim",
                "LangExtract exact spans",
                "problems / plans returned (gold)",
                "wall s",
                "requests / prompt / completion tokens",
                "error",
            ],
            rows,
        )
    )
    summary_rows = []
    for system in SYSTEMS:
        if system not in totals:
            continue
        t = totals[system]
        seconds = [s for s in t["seconds"] if s]
        summary_rows.append(
            [
                system,
                t["reports"],
                _ratio(t["found"], t["gold"]),
                _ratio(t["located"], t["gold"]),
                _ratio(t["found"], t["returned"]),
                _ratio(t["g"], t["q"]),
                _ratio(t.get("exact", 0), t["spans"]) if "spans" in t else "–",
                f"{statistics.mean(seconds):.0f}" if seconds else "not measured",
                _tokens((t["requests"], t["prompt"], t["completion"])) if "requests" in t else "–",
                f"{t['prompt'] + t['completion']:,}" if "requests" in t else "–",
            ]
        )
    print("\nTotals over the reports each system ran on\n")
    print(
        table(
            [
                "system",
                "reports",
                "recall (value+unit+position)",
                "recall (position only)",
                "precision (correct ÷ returned)",
                "quotes verbatim",
                "exact char spans",
                "mean wall s / report",
                "requests / prompt / completion tokens",
                "total tokens",
            ],
            summary_rows,
        )
    )


def main(argv: list[str] | None = None) -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--live", default="", help="systems to run live: instructor,langextract")
    parser.add_argument("--samples", default=",".join(SAMPLES))
    args = parser.parse_args(argv)
    slugs = args.samples.split(",")
    if args.live:
        live([system for system in args.live.split(",") if system], slugs)
    missing = missing_cassettes(slugs)
    if missing:
        raise SystemExit(f"no cassette for {', '.join(missing)}: record them first")
    report(slugs)


if __name__ == "__main__":
    main()
