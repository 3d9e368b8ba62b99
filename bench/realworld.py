"""The library on real reports it was not written against: the development corpus.

    python bench/realworld.py DIR [--split dev|holdout|all] [--paths rules,gold,neighbour,other]
                                  [--scope unsure|all] [--live] [--details]

DIR holds the texts restored by ``bench/realworld/restore.py`` (``rwNNN.txt``); the gold is
``bench/realworld/gold``. For each path it prints, on the chosen split:

* numbers recall / precision and label agreement (``rulelaw_llm.corpus.evaluation``: the
  same matching as ``rulelaw-llm eval``);
* fragment names: indicator names that end in a preposition, a bare verb, a list mark or a
  scope word, or are a place or scope alone (the detector below is the benchmark's own,
  independent of ``rulelaw_llm.rules.naming``);
* issuer on the texts that name it, on the others how many answers were empty / right /
  wrong; year, level, and the publication date (right where the page shows one, and dates
  invented where it shows none);
* how many names the model was asked, and adopted;
* the digest: texts whose digest speaks of problems or plans the result does not have, that
  do not open with the issuer or title, fragments (a number cut from its noun, a dangling
  word at a cut), a number beside a noun that is not its indicator's (the detectors are the
  benchmark's own, apart from ``rulelaw_llm.rules.claims``), and how many of the sentences
  asked of a model were kept as it wrote them;
* the digest writers (``tests/standins.DigestWriter``) on the split and on the five samples:
  the share of a faithful paraphrase's sentences accepted, and of each wrong writer's wrong
  sentences caught (a problems or plans sentence without basis, a noun swapped beside a
  number, a number not in the report, a dropped 余/以上, an invented issuer).

Paths: ``rules`` (the offline floor); stand-in models (fakes, ``tests/standins.py``) that
answer each name question with the gold label (``gold``), with the next indicator's label
(``neighbour``) or another report's (``other``), under ``--scope``; ``--live`` adds the model
configured by ``RULELAW_BASE_URL`` / ``RULELAW_MODEL`` (``RULELAW_PROVIDER``, default
llama-cpp-python) with the default plan, one request at a time. Also printed for the rules:
doubt calibration — of the rule names that disagree with the gold, the share the default plan
asks the model about, and of those that agree.

Do not develop against the ``holdout`` split: run it to measure, and read its aggregate.
"""

from __future__ import annotations

import argparse
import json
import re
import sys
import time
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from rulelaw_llm import ReportSummary, load_report, summarize_offline  # noqa: E402
from rulelaw_llm.corpus.evaluation import char_f1, evaluate  # noqa: E402
from rulelaw_llm.llm.flow import ReportFacts, name_doubts  # noqa: E402
from rulelaw_llm.llm.settings import Settings  # noqa: E402
from rulelaw_llm.reading.document import Report  # noqa: E402
from rulelaw_llm.reading.normalize import fold  # noqa: E402
from tests.standins import DIGEST_MODES, GoldStandin, run_flow  # noqa: E402

HERE = ROOT / "bench" / "realworld"
GOLD = HERE / "gold"

# --------------------------------------------------------------------------- fragments

#: A name ending in one of these has lost its noun (对全县…, 为镇内, …和).
_DANGLING_END = re.compile(
    r"(?:对|(?<![行作成认因称视以])为|在|向|从|与|和|及|以及|或|把|被|于|由|将|经|按|按照|根据|通过|围绕|针对|"
    r"开展|组织|实现|完成|召开|举办|进行|发放|参加|达到|达|共|累计|其中|中|的|等|、)$"
)
#: A name that is only a place or scope (全县, 镇内, 辖区, 全市各级).
_SCOPE_ONLY = re.compile(
    r"^(?:对|为|在|实现|覆盖)?(?:全|各|本|我|该)?(?:省|市|县|区|镇|乡|街道|村|社区|辖区|全域)"
    r"(?:内|范围内|各级|上下|范围)?$"
)
#: A name that opens with a preposition or verb and a scope word (对全县…, 为镇内…).
_SCOPE_START = re.compile(r"^(?:对|为|在|实现|向|从)(?:全|各|本|我|镇|乡|县|区|市)")


def is_fragment(name: str) -> bool:
    """Whether an indicator name is a fragment rather than a noun phrase."""
    name = name.strip()
    bare = re.sub(r"[\s\d.,%％]+", "", name)
    if len(bare) < 2:
        return True
    return bool(_DANGLING_END.search(bare) or _SCOPE_ONLY.match(bare) or _SCOPE_START.match(bare))


# --------------------------------------------------------------------------- digests

_PROBLEM_WORDS = re.compile(r"存在的?(?:主要)?问题|不足|短板|薄弱|差距|有待(?:加强|提高|提升)")
_PLAN_WORDS = re.compile(
    r"下一步|下一年度|下一年|下步|明年|来年|20\d{2}年(?:将|计划|工作(?:打算|计划|重点))|将继续|将进一步|计划|打算|工作重点"
)
_MEASURE = "次场件起份人名户个项条篇处家所批期元%"
#: (行为, 方向, 导向, 平等 are nouns, not a dangling 为/向/等.)
_DANGLING_CUT = re.compile(
    r"(?:的|对|(?<![行作])为|在|中|和|与|及|将|(?<![方导取走])向|于|(?<!平)等)$"
)


def digest_issues(summary: ReportSummary, report: Report) -> dict[str, bool]:
    """What a digest says that its result does not support (the benchmark's own reading)."""
    digest = summary.digest or ""
    head = fold(digest[:40])
    names = [name for name in (summary.entity, summary.title) if name]
    issuer_first = any(fold(name)[:4] in head for name in names) or "本报告" in head
    pieces = [piece for piece in re.split(r"[，,；;。：:]", digest) if piece.strip()]
    fragment = False
    for piece in pieces:
        piece = piece.strip()
        if _DANGLING_CUT.search(piece):
            fragment = True
        # A number with its measure word at a cut, where the report goes on with its noun.
        match = re.search(rf"(\d+(?:\.\d+)?[余多]?[{_MEASURE}])$", piece)
        if match:
            # The piece's own place in the report (its last words), else every place of the number.
            tail = piece[-10:]
            places = [m.end() for m in re.finditer(re.escape(tail), report.text)] or [
                m.end() for m in re.finditer(rf"(?<![\d.]){re.escape(match.group(1))}", report.text)
            ]
            for end in places:
                after = report.text[end : end + 1]
                # (…次二是…: the report runs on into its next point, not into a noun.)
                point = re.match(r"[一二三四五六七八九十]是", report.text[end : end + 2])
                if (
                    after
                    and re.match(r"[\u4e00-\u9fff]", after)
                    and after not in "以左次"
                    and not point
                ):
                    fragment = True
                    break
    return {
        "problems_without_basis": bool(_PROBLEM_WORDS.search(digest)) and not summary.problems,
        "plans_without_basis": bool(_PLAN_WORDS.search(digest)) and not summary.plans,
        "no_issuer_or_title": not issuer_first,
        "fragment": fragment,
        "noun_not_its_indicator": bool(numbers_beside_other_nouns(summary)),
    }


#: A figure as a digest writes it: the number (万/亿), its marker, its measure word.
_FIGURE = re.compile(
    r"(\d+(?:\.\d+)?)(万|亿)?([余多])?(个百分点|人次|场次|件次|户次|批次|%|[次场件起份人名户个项条篇处家所批期元部支卷类])"
)
_BETWEEN = re.compile(r"(?:共计|累计|合计|共|计|达到|达|约|近|超过|超|逾|为|的|等)+$")


def numbers_beside_other_nouns(summary: ReportSummary) -> list[str]:
    """Figures of the digest whose neighbouring words are not their indicator's.

    For each number with a measure word, the indicators of the same value and unit are its
    candidates; the two characters right after it (when its clause goes on) or right before
    it (skipping 共/达/约…) must stand in one candidate's name or quote. A number no
    indicator has counts too. The benchmark's own reading, apart from the library's check.
    """
    digest = fold(summary.digest or "")
    found: list[str] = []
    for match in _FIGURE.finditer(digest):
        value = float(match.group(1)) * {"万": 1e4, "亿": 1e8}.get(match.group(2) or "", 1)
        unit = match.group(4)
        if (
            re.match(r"\d", digest[match.end() : match.end() + 1])
            or digest[match.end() : match.end() + 1] == "年"
        ):
            continue
        candidates = [
            fold(indicator.name + indicator.evidence.quote)
            for indicator in summary.indicators
            if abs(indicator.value - value) < 1e-6 and indicator.unit == unit
        ]
        clause_start = max(digest.rfind(mark, 0, match.start()) for mark in "，,；;。：:、") + 1
        ends = [digest.find(mark, match.end()) for mark in "，,；;。：:、"]
        clause_end = min([end for end in ends if end >= 0] or [len(digest)])
        after = re.sub(r"[^\u4e00-\u9fff]", "", digest[match.end() : clause_end])
        before = re.sub(r"[^\u4e00-\u9fff]", "", digest[clause_start : match.start()])
        noun = after[:2] if len(after) >= 2 else _BETWEEN.sub("", before)[-2:]
        if not candidates or (noun and not any(noun in text for text in candidates)):
            found.append(match.group(0))
    return found


# --------------------------------------------------------------------------- running


@dataclass
class Text:
    identifier: str
    path: Path
    report: Report
    gold: dict[str, object]


@dataclass
class PathResult:
    name: str
    summaries: list[ReportSummary] = field(default_factory=list)
    seconds: float = 0.0
    asked: int = 0
    adopted: int = 0
    gold_answers: int = 0
    gold_accepted: int = 0


def load_texts(directory: Path, split: str, ids: str = "") -> list[Text]:
    manifest = [
        json.loads(line) for line in (HERE / "manifest.jsonl").read_text("utf-8").splitlines()
    ]
    texts = []
    missing = []
    for entry in manifest:
        if split != "all" and entry["split"] != split:
            continue
        if ids and not (ids.split("-")[0] <= entry["id"] <= ids.split("-")[-1]):
            continue
        path = directory / f"{entry['id']}.txt"
        if not path.exists():
            missing.append(entry["id"])
            continue
        gold = json.loads((GOLD / f"{entry['id']}.json").read_text("utf-8"))
        texts.append(Text(entry["id"], path, load_report(path), gold))
    if missing:
        print(f"(not restored, left out: {', '.join(missing)})", file=sys.stderr)
    return texts


def run_rules(texts: Sequence[Text]) -> PathResult:
    result = PathResult("rules")
    start = time.perf_counter()
    result.summaries = [summarize_offline(text.report) for text in texts]
    result.seconds = time.perf_counter() - start
    return result


def run_standin(texts: Sequence[Text], mode: str, scope: str | None) -> PathResult:
    settings = Settings(scope=scope)
    result = PathResult(f"stand-in: {mode}" + (f" (scope={scope})" if scope else ""))
    labels = [
        str(item["what"])
        for text in texts
        for item in text.gold["indicators"]  # type: ignore[union-attr]
        if isinstance(item, dict) and item.get("what")
    ]
    start = time.perf_counter()
    for position, text in enumerate(texts):
        # "other": labels of the next reports, never this one's.
        own = {str(item["what"]) for item in text.gold["indicators"]}  # type: ignore[union-attr]
        others = [label for label in labels[position:] + labels[:position] if label not in own]
        standin = GoldStandin(
            text.report,
            text.gold,
            settings,
            mode=mode,  # type: ignore[arg-type]
            other_labels=others,
            digest="copy",  # the names are measured here; the digest writers below
        )
        summary = run_flow(text.report, settings, standin)
        result.summaries.append(summary)
        result.asked += standin.ledger.asked
        for index, name in standin.ledger.names.items():
            adopted = summary.indicators[index].name == name
            result.adopted += adopted
            if mode == "gold" and index in standin.labels:
                result.gold_answers += 1
                result.gold_accepted += adopted
    result.seconds = time.perf_counter() - start
    return result


def run_live(texts: Sequence[Text]) -> PathResult:
    import os

    from rulelaw_llm import Summarizer

    provider = os.environ.get("RULELAW_PROVIDER", "llama-cpp-python")
    summarizer = Summarizer(provider=provider)
    result = PathResult(f"live: {summarizer.config.model}")
    start = time.perf_counter()
    for text in texts:
        summary = summarizer.summarize(text.report)
        result.summaries.append(summary)
        coverage = summary.coverage
        result.asked += coverage.asked if coverage else 0
        result.adopted += coverage.named_by_model if coverage else 0
        print(f"  {text.identifier}: {time.perf_counter() - start:.0f} s", file=sys.stderr)
    result.seconds = time.perf_counter() - start
    return result


def run_instructor_peer(texts: Sequence[Text]) -> dict[str, str]:
    """Plain instructor (one flat call per text, bench/quality.py) on the same server."""
    import os

    sys.path.insert(0, str(ROOT / "bench"))
    from quality import run_instructor

    base_url, model = os.environ["RULELAW_BASE_URL"], os.environ["RULELAW_MODEL"]
    seconds = found = gold_total = failed = requests = 0.0
    parts_without_basis = 0
    for text in texts:
        run = run_instructor(text.report.text, base_url, model)
        seconds += run["seconds"]
        requests += len(run["exchanges"])
        failed += run["error"] is not None
        result = run["result"] or {}
        indicators = [item for item in text.gold["indicators"] if isinstance(item, dict)]  # type: ignore[union-attr]
        gold_total += len(indicators)
        for item in indicators:
            found += any(
                abs(float(peer.get("value", -1)) - float(item["value"])) < 1e-9
                and str(item["raw"]) in str(peer.get("quote", ""))
                for peer in result.get("indicators", [])
            )
        digest = str(result.get("digest", ""))
        parts_without_basis += bool(
            (_PROBLEM_WORDS.search(digest) and not text.gold["problems"])
            or (_PLAN_WORDS.search(digest) and not text.gold["plans"])
        )
        print(f"  instructor {text.identifier}: {seconds:.0f} s", file=sys.stderr)
    return {
        "path": "plain instructor",
        "numbers found (value and raw in its quote)": f"{found:.0f}/{gold_total:.0f}",
        "failed calls": f"{failed:.0f}",
        "requests": f"{requests:.0f}",
        "digest states a part the text does not reach": f"{parts_without_basis}",
        "seconds": f"{seconds:.1f}",
    }


# --------------------------------------------------------------------------- scoring


def _same(first: str | None, second: str | None) -> bool:
    if first is None or second is None:
        return first is second
    return re.sub(r"\s+", "", fold(first)) == re.sub(r"\s+", "", fold(second))


def score(result: PathResult, texts: Sequence[Text], details: bool) -> dict[str, str]:
    evaluation = evaluate(result.summaries, GOLD)
    by_report = {report.report: report for report in evaluation.reports}
    fragments = named_right = named_total = 0
    unnamed_empty = unnamed_right = unnamed_wrong = 0
    dates_right = dates_shown = dates_invented = 0
    digest_counts = dict.fromkeys(
        (
            "problems_without_basis",
            "plans_without_basis",
            "no_issuer_or_title",
            "fragment",
            "noun_not_its_indicator",
        ),
        0,
    )
    claims_asked = claims_model = 0
    lines: list[str] = []
    for text, summary in zip(texts, result.summaries, strict=True):
        gold = text.gold
        names = [indicator.name for indicator in summary.indicators]
        bad = [name for name in names if is_fragment(name)]
        fragments += len(bad)
        entity = summary.entity
        if gold["issuer_named"]:
            named_total += 1
            named_right += _same(entity, gold["entity"])  # type: ignore[arg-type]
            if details and not _same(entity, gold["entity"]):  # type: ignore[arg-type]
                lines.append(f"{text.identifier} issuer: {entity!r} ≠ {gold['entity']!r}")
        elif entity is None:
            unnamed_empty += 1
        elif _same(entity, gold["entity"]):  # type: ignore[arg-type]
            unnamed_right += 1
        else:
            unnamed_wrong += 1
            if details:
                lines.append(f"{text.identifier} issuer (unnamed): {entity!r} ≠ {gold['entity']!r}")
        published = text.report.published.isoformat() if text.report.published else None
        if gold["published"]:
            dates_shown += 1
            dates_right += published == gold["published"]
            if details and published != gold["published"]:
                lines.append(f"{text.identifier} published: {published} ≠ {gold['published']}")
        elif published is not None:
            dates_invented += 1
            if details:
                lines.append(f"{text.identifier} published: {published} (page shows none)")
        asked = [claim for claim in summary.digest_claims if claim.part != "report"]
        if result.name != "rules":
            claims_asked += len(asked)
            claims_model += sum(claim.origin == "model" for claim in asked)
        for key, flagged in digest_issues(summary, text.report).items():
            digest_counts[key] += flagged
            if details and flagged:
                lines.append(f"{text.identifier} digest {key}: {summary.digest}")
        if details:
            report = by_report.get(f"{text.identifier}.txt")
            for disagreement in report.labels.disagreements if report else []:
                lines.append(f"{text.identifier} label: {disagreement}")
            lines += [f"{text.identifier} fragment: {name}" for name in bad]
            if report and (report.year_correct is False):
                lines.append(f"{text.identifier} year: {report.year} ≠ {report.gold_year}")
    n = len(texts)
    row = {
        "path": result.name,
        "numbers R / P": f"{evaluation.indicators.recall:.3f} / {evaluation.indicators.precision:.3f}",
        "labels": f"{evaluation.label_agreement.rate or 0:.3f} ({evaluation.label_agreement.agreed}/{evaluation.label_agreement.gold})",
        "fragment names": str(fragments),
        "names asked / adopted": f"{result.asked} / {result.adopted}",
        "issuer (named)": f"{named_right}/{named_total}",
        "issuer unnamed: empty/right/wrong": f"{unnamed_empty}/{unnamed_right}/{unnamed_wrong}",
        "year": f"{round((evaluation.year_accuracy or 0) * n)}/{n}",
        "level": f"{round((evaluation.level_accuracy or 0) * n)}/{n}",
        "date shown: right; none shown: invented": f"{dates_right}/{dates_shown}; {dates_invented}",
        "digest: problems / plans without basis": f"{digest_counts['problems_without_basis']} / {digest_counts['plans_without_basis']}",
        "digest: no issuer or title first": str(digest_counts["no_issuer_or_title"]),
        "digest: fragments": str(digest_counts["fragment"]),
        "digest: a number beside a noun not its indicator's": str(
            digest_counts["noun_not_its_indicator"]
        ),
        "digest: sentences the model's (checked) / asked": (
            f"{claims_model}/{claims_asked}" if claims_asked else "—"
        ),
        "seconds": f"{result.seconds:.1f}",
    }
    if result.gold_answers:
        row["gold labels accepted"] = (
            f"{result.gold_accepted}/{result.gold_answers} ({result.gold_accepted / result.gold_answers:.2f})"
        )
    if details and lines:
        print(f"\n### {result.name}: details\n", file=sys.stderr)
        print("\n".join(lines), file=sys.stderr)
    return row


# --------------------------------------------------------------------------- digest writers


def load_samples() -> list[Text]:
    """The five sample reports (complete, with problems and plans) and their gold."""
    samples = []
    for path in sorted((ROOT / "examples" / "reports").glob("*.txt")):
        gold = json.loads((ROOT / "examples" / "gold" / f"{path.stem}.json").read_text("utf-8"))
        samples.append(Text(path.stem, path, load_report(path), gold))
    return samples


def digest_writers(texts: Sequence[Text], scope: str | None) -> dict[str, str]:
    """Each digest writer on ``texts``: its sentences accepted (faithful) or caught (wrong).

    The cell also counts, in the final digests, a part without basis / no issuer or title
    first / a number beside a noun not its indicator's.

    A wrong sentence is caught when the final digest does not say it: the template's
    sentence for the same items stands in its place, or (a dropped 余/以上) the figure is
    written back as the report writes it. The final digests are read by the benchmark's
    own detectors too.
    """
    settings = Settings(scope=scope)
    cells: dict[str, str] = {}
    for mode in DIGEST_MODES:
        if mode == "copy":
            continue
        written = good = 0
        issues = dict.fromkeys(("parts", "issuer", "noun"), 0)
        for text in texts:
            standin = GoldStandin(text.report, text.gold, settings, digest=mode)
            summary = run_flow(text.report, settings, standin)
            ledger = standin.digest.ledger
            claims = {f"s{number}": claim for number, claim in enumerate(summary.digest_claims, 1)}
            if mode == "faithful":
                written += len(ledger.written)
                good += sum(claims[key].origin == "model" for key in ledger.written)
            else:
                for key in ledger.wrong:
                    claim = claims[key]
                    written += 1
                    if mode == "drop_marker":
                        good += claim.origin == "template" or all(
                            raw in claim.text for raw in ledger.markers[key]
                        )
                    else:
                        good += claim.origin == "template"
            found = digest_issues(summary, text.report)
            issues["parts"] += found["problems_without_basis"] or found["plans_without_basis"]
            issues["issuer"] += found["no_issuer_or_title"]
            issues["noun"] += found["noun_not_its_indicator"]
        what = "accepted" if mode == "faithful" else "caught"
        rate = f"{good / written:.2f}" if written else "—"
        cells[mode] = (
            f"{what} {good}/{written} ({rate}) · {issues['parts']} / {issues['issuer']} / "
            f"{issues['noun']}"
        )
    return cells


def calibration(texts: Sequence[Text], rules: PathResult) -> dict[str, str]:
    """Of the rule names that disagree with the gold, the share the default plan asks about."""
    evaluation = evaluate(rules.summaries, GOLD)
    by_report = {report.report: report for report in evaluation.reports}
    settings = Settings()
    wrong = wrong_asked = right = right_asked = 0
    for text, summary in zip(texts, rules.summaries, strict=True):
        report = by_report.get(f"{text.identifier}.txt")
        if report is None:
            continue
        facts = ReportFacts.of(text.report, settings)
        candidates = set(facts.candidates)
        indicators = [item for item in text.gold["indicators"] if isinstance(item, dict)]  # type: ignore[union-attr]
        for match in report.indicators.matches:
            what = str(indicators[match.gold].get("what", ""))
            if not what:
                continue
            asked = match.predicted in candidates and bool(name_doubts(facts, match.predicted))
            if char_f1(what, summary.indicators[match.predicted].name) >= 0.5:
                right += 1
                right_asked += asked
            else:
                wrong += 1
                wrong_asked += asked
    return {
        "rule names wrong: asked": f"{wrong_asked}/{wrong} ({wrong_asked / wrong if wrong else 0:.2f})",
        "rule names right: asked": f"{right_asked}/{right} ({right_asked / right if right else 0:.2f})",
    }


def table(rows: Sequence[dict[str, str]]) -> str:
    keys = list(rows[0])
    for row in rows[1:]:
        keys += [key for key in row if key not in keys]
    lines = ["| measure | " + " | ".join(row["path"] for row in rows) + " |"]
    lines.append("|---|" + "---|" * len(rows))
    for key in keys:
        if key == "path":
            continue
        lines.append(f"| {key} | " + " | ".join(row.get(key, "—") for row in rows) + " |")
    return "\n".join(lines)


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("directory", type=Path)
    parser.add_argument("--split", choices=("dev", "holdout", "all"), default="dev")
    parser.add_argument("--paths", default="rules,gold,neighbour,other")
    parser.add_argument("--scope", choices=("unsure", "all"), default="all")
    parser.add_argument("--live", action="store_true")
    parser.add_argument(
        "--peer", action="store_true", help="with --live: plain instructor on the same texts"
    )
    parser.add_argument("--limit", type=int, default=0, help="only the first N texts")
    parser.add_argument("--details", action="store_true")
    parser.add_argument("--ids", default="", help="a range of ids, e.g. rw090-rw128")
    options = parser.parse_args(argv)
    texts = load_texts(options.directory, options.split, options.ids)
    if options.limit:
        texts = texts[: options.limit]
    if not texts:
        print("no texts: restore them first (bench/realworld/README.md)", file=sys.stderr)
        return 1
    if options.details and options.split != "dev":
        print("(details of a held-out split: read, do not develop against them)", file=sys.stderr)
    runners: dict[str, Callable[[], PathResult]] = {"rules": lambda: run_rules(texts)}
    scope = None if options.scope == "unsure" else "all"
    for mode in ("gold", "neighbour", "other"):
        runners[mode] = lambda mode=mode: run_standin(texts, mode, scope)  # type: ignore[misc]
    chosen = [name for name in options.paths.split(",") if name]
    results = [runners[name]() for name in chosen]
    if options.live:
        results.append(run_live(texts))
    rows = [score(result, texts, options.details) for result in results]
    if options.live and options.peer:
        rows.append(run_instructor_peer(texts))
    levels: dict[str, int] = {}
    for text in texts:
        levels[str(text.gold["level"])] = levels.get(str(text.gold["level"]), 0) + 1
    print(
        f"## Real reports, split {options.split}: {len(texts)} texts "
        f"({', '.join(f'{k} {v}' for k, v in sorted(levels.items(), key=lambda kv: -kv[1]))}), "
        f"{sum(len(t.gold['indicators']) for t in texts)} gold indicators\n"  # type: ignore[arg-type]
    )
    print(table(rows))
    print(
        f"\nDigest claims: stand-in writers (tests/standins.DigestWriter, scope={options.scope}); "
        "each wrong writer gets one sentence of a digest wrong. After the dot, in the final "
        "digests: a part without basis / no issuer or title first / a number beside a noun not "
        "its indicator's (the fragment detector is for the template: a writer's own wording "
        "is not the template's)\n"
    )
    samples = load_samples()
    on_texts = digest_writers(texts, scope)
    on_samples = digest_writers(samples, scope)
    print(f"| writer | {options.split} ({len(texts)} texts) | five samples |\n|---|---|---|")
    for mode, cell in on_texts.items():
        print(f"| {mode} | {cell} | {on_samples[mode]} |")
    rules = next((result for result in results if result.name == "rules"), None)
    if rules is not None:
        print("\nDoubt calibration of the default plan (scope=unsure) on the rule names:\n")
        calibrated = calibration(texts, rules)
        print("| measure | value |\n|---|---|")
        for key, value in calibrated.items():
            print(f"| {key} | {value} |")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
