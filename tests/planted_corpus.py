"""A corpus of township reports with known figures, some of them planted errors.

Every report is the same invented template (sentences written for the tests, in the shapes
real reports use) with its own issuer and figures drawn around a base value (× 0.6 to × 1.8,
so that no honest figure is ten times another's median). ``PLANTS`` are the errors a person
would want to check: a 化解率 of 120 %, 宣传资料 ten times the usual (a 万 too many), and a
调解成功率 written with 件 instead of %. ``write_planted`` writes the texts and their rules
results (a batch results file).
"""

from __future__ import annotations

import random
from datetime import datetime, timezone
from pathlib import Path

from rulelaw_llm import load_report, summarize_offline
from rulelaw_llm.corpus.batch import BatchRecord

TEMPLATE = """{entity}{year}年法治政府建设情况报告
一、主要举措和成效
（一）加强组织领导。全年召开镇党委会专题研究法治工作{meetings}次，开展中心组专题学法{study}次。
（二）深化普法宣传。开展普法宣传活动{events}场，发放宣传资料{materials}余份，受众群众{audience}人次。
（三）化解矛盾纠纷。排查矛盾纠纷{screened}件，化解矛盾纠纷{resolved}件，{rate_clause}。
（四）规范行政执法。办理行政处罚案件{cases}件，罚没款{fines}万元。
二、存在的问题
一是普法形式还不够丰富，群众参与度不高。
二是执法人员专业能力有待提升。
三、下一年度工作计划
（一）持续加强普法宣传，创新宣传形式。
（二）加强执法队伍建设，开展执法培训。
"""
BASE = {"meetings": 6, "study": 8, "events": 20, "materials": 800, "audience": 3000}
BASE |= {"screened": 60, "resolved": 50, "cases": 12, "fines": 5}
#: Report number -> what is planted there (and the outlier code that must catch it).
PLANTS = {
    3: ("rate_over_100", "化解率120%"),
    5: ("ten_times_median", "宣传资料 × 10"),
    8: ("count_for_rate", "调解成功率98件"),
}
_NAMES = "青石 白沙 红岩 金桥 柳河 松林 桃源 杏坛 梅岭 竹溪 兰亭 菊园 荷塘 枫林"


def figures(number: int, seed: int = 17) -> dict[str, str]:
    """The figures of report ``number`` as the text writes them (plants included)."""
    draw = random.Random(seed * 1000 + number)
    values = {key: max(1, round(base * draw.uniform(0.6, 1.8))) for key, base in BASE.items()}
    values["resolved"] = min(values["resolved"], values["screened"])
    rate = f"化解率{round(100 * values['resolved'] / values['screened'])}%"
    if PLANTS.get(number, ("",))[0] == "rate_over_100":
        rate = "化解率120%"
    if PLANTS.get(number, ("",))[0] == "ten_times_median":
        values["materials"] = BASE["materials"] * 15
    if PLANTS.get(number, ("",))[0] == "count_for_rate":
        rate = "调解成功率98件"
    shown = {key: str(value) for key, value in values.items()}
    shown["rate_clause"] = rate
    return shown


def entity_of(number: int) -> str:
    names = _NAMES.split()
    return f"{names[number % len(names)]}{'' if number < len(names) else number}镇"


def write_planted(folder: Path, count: int = 12, *, year: int = 2024, seed: int = 17) -> Path:
    """Write ``count`` reports under ``folder/reports`` and their rules results; return the
    results file (``folder/results.jsonl``)."""
    reports = folder / "reports"
    reports.mkdir(parents=True, exist_ok=True)
    results = folder / "results.jsonl"
    finished = datetime(year + 1, 3, 1, tzinfo=timezone.utc).isoformat()
    with results.open("w", encoding="utf-8") as out:
        for number in range(count):
            entity = entity_of(number)
            text = TEMPLATE.format(entity=entity, year=year, **figures(number, seed))
            path = reports / f"{year}-{number:03d}.txt"
            path.write_text(text, encoding="utf-8")
            summary = summarize_offline(load_report(path))
            record = BatchRecord(
                record="result",
                input=str(path),
                input_sha256=None,
                settings_key="planted",
                finished_at=finished,
                summary=summary,
            )
            out.write(record.to_json() + "\n")
    return results
