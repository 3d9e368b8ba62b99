"""The compiled summary (汇总): every figure recomputed from the results by code and footnoted
to the indicators and items it sums — a footnoted total always equals the sum of what it
cites, and each citation is an indicator or item of that report, at that span."""

from __future__ import annotations

import re
from pathlib import Path

import pytest

from rulelaw_llm import load_report, read_results
from rulelaw_llm.corpus.compilation import (
    Compilation,
    compilation_to_markdown,
    compile_results,
    write_compilation,
)
from rulelaw_llm.kinds import KINDS, to_base
from rulelaw_llm.results import summaries_to_jsonl
from rulelaw_llm.rules.offline import summarize_offline
from tests.conftest import REPORTS, SAMPLES
from tests.planted_corpus import write_planted


@pytest.fixture(scope="module")
def samples(tmp_path_factory: pytest.TempPathFactory) -> Path:
    path = tmp_path_factory.mktemp("samples") / "results.jsonl"
    summaries = [summarize_offline(REPORTS / f"{slug}.txt") for slug in SAMPLES]
    path.write_text(summaries_to_jsonl(summaries), encoding="utf-8")
    return path


@pytest.fixture(scope="module")
def planted(tmp_path_factory: pytest.TempPathFactory) -> Path:
    return write_planted(tmp_path_factory.mktemp("planted"))


def _check_figures(compilation: Compilation, results: Path) -> None:
    summaries = {record.input: record.summary for record in read_results(results).results}
    kinds_by_label = {kind.label: key for key, kind in KINDS.items()}
    assert [figure.number for figure in compilation.figures] == list(
        range(1, len(compilation.figures) + 1)
    )
    for figure in compilation.figures:
        assert figure.citations
        assert figure.value == pytest.approx(figure.recomputed())
        for citation in figure.citations:
            summary = summaries[citation.input]
            text = load_report(citation.input).text
            assert text[citation.evidence.start : citation.evidence.end] == citation.evidence.quote
            if citation.part == "indicator":
                indicator = summary.indicators[citation.index]
                assert indicator.evidence == citation.evidence
                assert indicator.kind == kinds_by_label[figure.label]
                based = to_base(indicator.kind, indicator.value, indicator.unit)
                assert based == (citation.value, figure.unit)
            else:
                items = {"achievement": summary.achievements, "problem": summary.problems}
                item = items.get(citation.part, summary.plans)[citation.index]
                assert (item.evidence, citation.value) == (citation.evidence, 1.0)


@pytest.mark.parametrize("corpus", ["samples", "planted"])
def test_every_figure_is_the_sum_of_the_indicators_it_cites(
    corpus: str, request: pytest.FixtureRequest
) -> None:
    results: Path = request.getfixturevalue(corpus)
    _check_figures(compile_results(results), results)


def _number(text: str) -> float:
    return float(text.replace(",", ""))


def test_each_footnoted_sum_in_the_text_equals_its_terms(samples: Path, planted: Path) -> None:
    for results in (samples, planted):
        markdown = compilation_to_markdown(compile_results(results))
        body, _, notes = markdown.partition("\n---\n")
        referenced = set(re.findall(r"\[\^(\d+)\](?!:)", body))
        defined = re.findall(r"^\[\^(\d+)\]:", notes, flags=re.MULTILINE)
        assert referenced == set(defined) and len(defined) == len(set(defined))
        sums = 0
        for line in notes.splitlines():
            total = re.search(r"合计 ([\d,.]+)\S* = ([\d,. +]+)（(\d+) 个指标", line)
            if total:
                terms = [_number(term) for term in total.group(2).split(" + ")]
                assert sum(terms) == pytest.approx(_number(total.group(1)), rel=1e-3)
                assert len(terms) == int(total.group(3))
                sums += 1
            count = re.search(r"条目共 (\d+) 条：(.*)。$", line)
            if count:
                assert len(re.findall(r"第 \d+–\d+ 字", count.group(2))) == int(count.group(1))
        assert sums > 5


def test_a_kind_is_stated_by_m_of_n_reports(samples: Path) -> None:
    markdown = compilation_to_markdown(compile_results(samples))
    assert "- **化解（调解）矛盾纠纷件数**：5 份报告中 5 份提及，合计 157件" in markdown
    assert "- **罚没（征收）金额**：5 份报告中 1 份提及：吕村镇 4,510,000元" in markdown
    # A rate is not added up.
    assert "矛盾纠纷化解率（调解成功率）**：5 份报告中 4 份提及，介于 100%–100%" in markdown


def test_problems_and_plans_are_grouped_with_counts(samples: Path) -> None:
    compilation = compile_results(samples)
    for group in [*compilation.problems, *compilation.plans]:
        assert group.reports == len({citation.input for citation in group.figure.citations})
    learning = next(g for g in compilation.problems if g.category == "legal_learning")
    assert (learning.reports, learning.figure.value) == (5, 6)
    assert compilation.problems[0].reports >= compilation.problems[-1].reports


def test_the_outliers_are_listed_to_check(planted: Path) -> None:
    markdown = compilation_to_markdown(compile_results(planted))
    section = markdown.split("## 四、需要核对的数据")[1].split("\n---\n")[0]
    assert section.count("请核对") == 3 and "化解率120%" in section


def test_report_text_cannot_change_the_markdown(tmp_path: Path) -> None:
    text = (REPORTS / "wutong-zhen-2024.txt").read_text("utf-8")
    path = tmp_path / "report.txt"
    path.write_text(text.replace("积极统筹部署", "积极<b>统筹</b>*部署*", 1), encoding="utf-8")
    results = tmp_path / "results.jsonl"
    results.write_text(summaries_to_jsonl([summarize_offline(path)]), encoding="utf-8")
    markdown = compilation_to_markdown(compile_results(results))
    assert "<b>" not in markdown and "积极&lt;b&gt;统筹&lt;/b&gt;\\*部署\\*" in markdown


def test_docx_has_the_headings_and_the_notes(samples: Path, tmp_path: Path) -> None:
    import docx

    path = write_compilation(samples, tmp_path / "汇总.docx", title="某县汇总")
    document = docx.Document(str(path))
    headings = [
        p.text for p in document.paragraphs if p.style.name.startswith(("Heading", "Title"))
    ]
    assert headings[0] == "某县汇总" and "注释" in headings
    texts = [p.text for p in document.paragraphs]
    assert any(t.startswith("[1] ") for t in texts)
    assert not any("[^" in t or "\\" in t for t in texts)


def test_markdown_is_written_when_the_suffix_is_not_docx(samples: Path, tmp_path: Path) -> None:
    path = write_compilation(samples, tmp_path / "汇总.md")
    assert path.read_text("utf-8").startswith("# 法治政府建设年度报告汇总")


def test_the_command_writes_the_compilation(
    samples: Path, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    from rulelaw_llm.cli import main

    output = tmp_path / "汇总.md"
    assert main(["compile", str(samples), "-o", str(output), "--title", "某县汇总"]) == 0
    assert output.read_text("utf-8").startswith("# 某县汇总")
    assert "已生成" in capsys.readouterr().err
