"""Files that cannot hurt: limits checked before work, one Chinese line, memory bounded.

The hostile files are made for real in tmp: a zip-bomb .docx written with zipfile, a web
page nested thousands of levels deep, a text file over the size limit, a PDF with too many
pages. Commands run as real processes where their memory or their exit is the point.
"""

from __future__ import annotations

import asyncio
import json
import os
import subprocess
import sys
import zipfile
from pathlib import Path

import pytest

from rulelaw_llm import InputError, load_report, read_results, summarize_offline
from rulelaw_llm.cli import main
from rulelaw_llm.corpus.batch import BatchRunner
from rulelaw_llm.errors import InputLimitError, describe_failure
from rulelaw_llm.reading.limits import InputLimits, html_depth
from rulelaw_llm.rules.grounding import CLAUSE_REACH
from tests.conftest import REPORTS, ROOT

_PARAGRAPH = "<w:p><w:r><w:t>我镇坚持依法行政，持续推进法治政府建设。</w:t></w:r></w:p>"
_DOCUMENT_HEAD = (
    '<?xml version="1.0" encoding="UTF-8" standalone="yes"?>'
    '<w:document xmlns:w="http://schemas.openxmlformats.org/wordprocessingml/2006/main"><w:body>'
)
_DOCUMENT_TAIL = "</w:body></w:document>"


def _docx(path: Path, paragraphs: int) -> Path:
    """A real .docx (made by python-docx), its document.xml replaced by ``paragraphs`` copies
    of one paragraph, streamed into the zip: many of them make a zip bomb."""
    import docx

    template = path.with_suffix(".template.docx")
    docx.Document().save(str(template))
    with (
        zipfile.ZipFile(template) as source,
        zipfile.ZipFile(path, "w", compression=zipfile.ZIP_DEFLATED, compresslevel=9) as target,
    ):
        for member in source.infolist():
            if member.filename != "word/document.xml":
                target.writestr(member, source.read(member))
        with target.open("word/document.xml", "w") as document:
            document.write(_DOCUMENT_HEAD.encode())
            chunk = (_PARAGRAPH * 10_000).encode()
            for _ in range(paragraphs // 10_000):
                document.write(chunk)
            document.write((_PARAGRAPH * (paragraphs % 10_000)).encode())
            document.write(_DOCUMENT_TAIL.encode())
    template.unlink()
    return path


def _run_measured(*arguments: str) -> tuple[int, str, float]:
    """``rulelaw-llm ARGUMENTS`` in a new process: exit code, stderr, its own peak RSS (MB).

    The peak is the process's VmHWM (Linux): ``ru_maxrss`` would carry over the parent's
    peak through fork and exec.
    """
    if not Path("/proc/self/status").exists():
        pytest.skip("peak RSS is read from /proc (Linux)")
    script = (
        "import sys\n"
        "from rulelaw_llm.cli import main\n"
        "code = main(sys.argv[1:])\n"
        "status = open('/proc/self/status').read().split('VmHWM:')[1].split()[0]\n"
        "print(f'PEAK {int(status) / 1024:.1f}', file=sys.stderr)\n"
        "sys.exit(code)\n"
    )
    done = subprocess.run(
        [sys.executable, "-c", script, *arguments],
        cwd=ROOT,
        env={**os.environ, "PYTHONPATH": str(ROOT)},
        capture_output=True,
        text=True,
        timeout=300,
    )
    lines = done.stderr.splitlines()
    peak = float(lines[-1].split()[1])
    return done.returncode, "\n".join(lines[:-1]), peak


# --------------------------------------------------------------------------- zip bombs


def test_a_zip_bomb_docx_is_one_chinese_line_exit_1_and_little_memory(tmp_path: Path) -> None:
    # ~130 MB of XML in ~130 KB on disk: a ratio of about 1,000 to 1.
    bomb = _docx(tmp_path / "炸弹.docx", 1_500_000)
    member = zipfile.ZipFile(bomb).getinfo("word/document.xml")
    assert member.file_size > 100_000_000 and bomb.stat().st_size < 1_000_000

    code, err, peak = _run_measured("summarize", str(bomb), "--offline")

    assert code == 1
    (line,) = err.splitlines()
    assert line.startswith("rulelaw-llm: 炸弹.docx 中的 word/document.xml")
    assert "压缩炸弹" in line and "未处理" in line
    assert "Traceback" not in err
    assert peak < 300  # nothing was inflated


def test_the_ratio_alone_refuses_a_member_under_the_size_limit(tmp_path: Path) -> None:
    bomb = _docx(tmp_path / "b.docx", 15_000)  # ~1.3 MB of XML at ~1,000:1
    with pytest.raises(InputLimitError, match="压缩比") as refused:
        load_report(bomb)
    assert refused.value.limit == "max_ratio"
    assert "InputLimits(max_ratio=" in str(refused.value)
    report = load_report(bomb, limits=InputLimits(max_ratio=10_000))  # trusted: let it through
    assert "依法行政" in report.text


def test_a_normal_docx_is_read_as_before(tmp_path: Path) -> None:
    small = _docx(tmp_path / "ok.docx", 50)
    assert load_report(small).text.count("依法行政") == 50


def test_batch_records_the_bomb_in_chinese_and_goes_on(tmp_path: Path) -> None:
    folder = tmp_path / "in"
    folder.mkdir()
    _docx(folder / "bomb.docx", 1_500_000)
    (folder / "good.txt").write_text((REPORTS / "ka-xiang-2024.txt").read_text("utf-8"), "utf-8")
    out = tmp_path / "out.jsonl"

    code, err, peak = _run_measured("batch", str(folder), "-o", str(out), "--offline", "--no-cache")

    assert code == 1 and peak < 300
    records = {
        Path(r["input"]).name: r for r in map(json.loads, out.read_text("utf-8").splitlines())
    }
    assert records["good.txt"]["record"] == "result"
    error = records["bomb.docx"]["error"]
    assert error["type"] == "InputLimitError"
    assert "压缩炸弹" in error["message"] and "另存为" in error["message"]
    assert "Traceback" not in err


# --------------------------------------------------------------------------- web pages


def test_a_page_nested_past_the_limit_is_refused_before_parsing(tmp_path: Path) -> None:
    page = tmp_path / "深.html"
    page.write_text(
        "<html><body>"
        + "<div>" * 20_000
        + "某镇2024年法治政府建设报告"
        + "</div>" * 20_000
        + "</body></html>",
        "utf-8",
    )

    code, err, _ = _run_measured("summarize", str(page), "--offline")

    assert code == 1
    (line,) = err.splitlines()
    assert "嵌套 20,002 层" in line and "上限 10,000 层" in line and "Traceback" not in err


def test_a_deep_page_under_the_limit_is_read_without_recursion_errors(tmp_path: Path) -> None:
    body = (REPORTS / "wutong-zhen-2024.txt").read_text("utf-8")
    paragraphs = "".join(f"<p>{line}" for line in body.splitlines())  # never closed: they nest
    page = tmp_path / "sloppy.html"
    page.write_text(
        f"<html><body><div class='TRS_Editor'>{'<div>' * 1500}{paragraphs}</div></body></html>",
        "utf-8",
    )
    assert html_depth(page.read_text("utf-8")) > 1500  # past Python's recursion limit

    report = load_report(page)

    assert report.entity == "梧桐镇" and len(summarize_offline(report).achievements) > 0


def test_html_depth_counts_as_a_tree_builder_nests() -> None:
    assert html_depth("<html><body><p>a<p>b<br><img src=x></body></html>") == 4
    assert html_depth("<div><span>a</div><div>b</div>") == 2  # </div> closes the span too
    assert html_depth("<script>if (a<b) { x = '<div><div>' }</script><p>x</p>") == 1
    assert html_depth("<!-- <div><div><div> --><p>x</p><br/>") == 1


# --------------------------------------------------------------------------- text and PDF


def test_a_text_file_over_the_limit_is_refused_before_it_is_read(tmp_path: Path) -> None:
    big = tmp_path / "合集.txt"
    with big.open("wb") as handle:  # 21 MB, written without holding it in memory
        handle.truncate(21_000_000)

    code, err, peak = _run_measured("summarize", str(big), "--offline")

    assert code == 1 and peak < 300
    (line,) = err.splitlines()
    assert "合集.txt 有 21.0 MB，超过输入上限 20 MB" in line
    assert "--max-input-mb 22" in line and "InputLimits(max_input_mb=" in line
    assert "rulelaw-llm split" in line


def test_max_input_mb_raises_the_limit_on_the_command_line_and_in_python(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    report = tmp_path / "r.txt"
    report.write_text((REPORTS / "ka-xiang-2024.txt").read_text("utf-8"), "utf-8")
    assert main(["summarize", str(report), "--offline", "--max-input-mb", "0.001"]) == 1
    assert "超过输入上限 0.001 MB" in capsys.readouterr().err
    assert main(["summarize", str(report), "--offline", "--max-input-mb", "1"]) == 0
    with pytest.raises(InputLimitError):
        load_report(report, limits=InputLimits(max_input_mb=0.001))
    with pytest.raises(InputLimitError, match="输入文本"):
        load_report("某镇" * 3000, limits=InputLimits(max_input_mb=0.001))


def test_a_pdf_over_the_page_limit_is_refused(tmp_path: Path) -> None:
    from reportlab.pdfgen import canvas

    path = tmp_path / "长.pdf"
    pdf = canvas.Canvas(str(path))
    for page in range(12):
        pdf.drawString(72, 720, f"Page {page} annual report on the rule of law government")
        pdf.showPage()
    pdf.save()

    with pytest.raises(InputLimitError, match="有 12 页，超过上限 10 页") as refused:
        load_report(path, limits=InputLimits(max_pdf_pages=10))
    assert refused.value.limit == "max_pdf_pages"
    with pytest.raises(InputLimitError, match="的文字有"):
        load_report(
            path, limits=InputLimits(max_input_mb=0.0001, max_unpacked_mb=1, max_pdf_pages=100)
        )


# --------------------------------------------------------------------------- memory and errors


def test_text_without_punctuation_gives_quotes_of_bounded_length() -> None:
    flat = "某镇2024年法治政府建设工作报告\n一、主要举措和成效\n" + "".join(
        f"开展普法宣传活动{number % 90 + 2}次 " for number in range(3000)
    )
    summary = summarize_offline(load_report(flat))
    assert len(summary.indicators) == 3000
    longest = max(len(indicator.evidence.quote) for indicator in summary.indicators)
    assert longest <= 2 * CLAUSE_REACH + 10  # not the whole text for every number


def test_an_unexpected_failure_is_one_chinese_line_never_a_traceback(
    capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch
) -> None:
    def broken(*_: object, **__: object) -> None:
        raise KeyError("internal")

    monkeypatch.setattr("rulelaw_llm.cli.summarize_offline", broken)
    assert main(["summarize", str(REPORTS / "ka-xiang-2024.txt"), "--offline"]) == 1
    (line,) = capsys.readouterr().err.splitlines()
    assert "意外错误（KeyError）" in line and "rulelaw-llm 的缺陷" in line


def test_error_records_say_what_to_do_in_chinese_and_keep_the_type_apart(tmp_path: Path) -> None:
    out = tmp_path / "out.jsonl"

    async def run() -> None:
        runner = BatchRunner(out)
        with pytest.MonkeyPatch.context() as patch:
            patch.setattr(
                "rulelaw_llm.corpus.batch.summarize_offline",
                lambda report: (_ for _ in ()).throw(ValueError("bad value in parser")),
            )
            async for _ in runner.run([str(REPORTS / "ka-xiang-2024.txt")]):
                pass

    asyncio.run(run())
    (error,) = read_results(out).errors
    assert error.type == "ValueError" and error.detail == "bad value in parser"
    assert "意外错误" in error.message and "--retry-failed" in error.message


def test_older_error_records_without_detail_still_read(tmp_path: Path) -> None:
    out = tmp_path / "old.jsonl"
    record = {
        "record": "error",
        "input": "/x/a.txt",
        "input_sha256": None,
        "settings_key": "k",
        "finished_at": "2026-11-01T00:00:00+00:00",
        "error": {"type": "InputError", "message": "a.txt 是空文件：请提供报告正文。"},
    }
    out.write_text(json.dumps(record, ensure_ascii=False) + "\n", "utf-8")
    (error,) = read_results(out).errors
    assert (error.type, error.detail) == ("InputError", None)


def test_describe_failure_puts_every_kind_of_failure_in_chinese() -> None:
    assert describe_failure(InputError("某文件是空文件")) == "某文件是空文件"
    assert "内存不足" in describe_failure(MemoryError())
    assert "嵌套过深" in describe_failure(RecursionError())
    assert "磁盘空间" in describe_failure(OSError(28, "No space left on device"))


def test_text_that_is_nothing_but_numbers_is_refused_above_the_numbers_limit(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    numbers = tmp_path / "数据.txt"
    numbers.write_text(" ".join(str(number) for number in range(110_000)), "utf-8")  # 0.7 MB

    assert main(["summarize", str(numbers), "--offline"]) == 1
    (line,) = capsys.readouterr().err.splitlines()
    assert "中有 110,000 个数字，超过上限 100,000 个" in line and "--max-input-mb 23" in line
    with pytest.raises(InputLimitError) as refused:
        load_report("某镇" + "，1" * 2_000, limits=InputLimits(max_numbers=1_000))
    assert refused.value.limit == "max_numbers"
