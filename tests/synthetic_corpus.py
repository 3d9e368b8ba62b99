"""A large synthetic corpus for the review page: N distinct reports made from the five samples.

Report ``i`` is sample ``i % 5`` with its issuer renamed (``申扎镇`` → ``青石镇``, a name made
from two syllable lists, unique per report), so every report has its own text, its own
SHA-256 and its own rules (offline) summary. Level and parent (county or department's
government) are then varied in the summary's metadata — townships, streets and departments
under a few dozen counties — because the corpus view groups by them. Nothing here is a model
answer: the summaries come from ``summarize_offline`` on the renamed texts.

Used by the browser tests of the review page (1,000 reports) and by
``bench/review_size.py`` (100 / 1,000 / 5,000 reports).
"""

from __future__ import annotations

from datetime import datetime, timezone
from pathlib import Path

from rulelaw_llm import load_report, summarize_offline
from rulelaw_llm.corpus.batch import BatchRecord

REPORTS = Path(__file__).resolve().parent.parent / "examples" / "reports"
#: The issuer of each sample as its text names it (the longest form first).
SAMPLE_ISSUERS = {
    "ka-xiang-2024.txt": ("卡乡",),
    "lvcun-zhen-2024.txt": ("吕村镇",),
    "shenzha-zhen-2024.txt": ("申扎镇",),
    "tianjiazhai-zhen-2024.txt": ("田家寨镇",),
    "wutong-zhen-2024.txt": ("梧桐镇",),
}
_FIRST = "青石白云清河东坡南山北岭西湖金沙银杏红旗长乐永安太平和顺兴隆新华"
_SECOND = "岗湾桥源泉洲坪庄堡店口营塘坝沟岭川溪湖林园"
_LEVELS = ("镇", "乡", "街道", "部门")
_DEPARTMENTS = ("司法局", "市场监督管理局", "自然资源局", "卫生健康局", "应急管理局", "教育局")


def _name(i: int) -> str:
    """A unique two-part place name for report ``i``."""
    first = _FIRST[(i * 2) % len(_FIRST) : (i * 2) % len(_FIRST) + 2]
    second = _SECOND[(i // (len(_FIRST) // 2)) % len(_SECOND)]
    suffix = i // ((len(_FIRST) // 2) * len(_SECOND))
    return f"{first}{second}{suffix or ''}"


def write_corpus(folder: Path, count: int) -> Path:
    """Write ``count`` renamed reports under ``folder/reports`` and their results JSONL.

    Returns the results file (``folder/results.jsonl``), in the batch runner's format.
    """
    samples = sorted(REPORTS.glob("*.txt"))
    texts = {path.name: path.read_text(encoding="utf-8") for path in samples}
    reports = folder / "reports"
    reports.mkdir(parents=True, exist_ok=True)
    results = folder / "results.jsonl"
    finished = datetime(2025, 3, 1, tzinfo=timezone.utc).isoformat()
    with results.open("w", encoding="utf-8") as out:
        for i in range(count):
            sample = samples[i % len(samples)].name
            level = _LEVELS[i % len(_LEVELS)]
            county = f"{_name(i // 25 + 7)}县"
            if level == "部门":
                entity = f"{county}{_DEPARTMENTS[(i // len(_LEVELS)) % len(_DEPARTMENTS)]}"
                parent = f"{county}人民政府"
            else:
                entity = f"{_name(i)}{level}"
                parent = county
            text = texts[sample]
            for issuer in SAMPLE_ISSUERS[sample]:
                text = text.replace(issuer, entity)
            path = reports / f"{i:05d}-{sample}"
            path.write_text(text, encoding="utf-8")
            summary = summarize_offline(load_report(path))
            summary = summary.model_copy(
                update={"entity": entity, "level": level, "parent_entity": parent}
            )
            record = BatchRecord(
                record="result",
                input=str(path),
                input_sha256=None,
                settings_key="synthetic",
                finished_at=finished,
                summary=summary,
            )
            out.write(record.to_json() + "\n")
    return results
