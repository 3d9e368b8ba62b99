"""Reading real .docx, .pdf, web pages and GB18030 text, built here with the real libraries."""

from __future__ import annotations

import ast
import datetime
import sys
from pathlib import Path

import pytest

from rulelaw_llm import InputError, find_quantities, load_report
from rulelaw_llm.reading.readers import read_document
from tests.conftest import ROOT

TITLE = "青石镇人民政府关于2024年法治政府建设情况的报告"
PREAMBLE = "2024年，青石镇认真落实法治政府建设各项任务，取得新成效。"
ACHIEVEMENTS = [
    "一、工作开展情况",
    "（一）加强组织领导。召开法治专题学习会议12次，开展法治培训3场，参训干部210人次。",
    "（二）化解矛盾纠纷。坚持“枫桥经验”，全年排查调处矛盾纠纷46件，化解率达98%。",
    "（三）严格规范执法。依法征收规费440万元，办理行政处罚案件15件。",
]
PROBLEMS = [
    "二、存在的问题",
    "（一）法治宣传形式单一，群众参与度不高。",
    "（二）执法人员专业能力不足，执法规范化水平有待提升。",
]
PLANS = [
    "三、下一步工作计划",
    "（一）深化法治宣传教育，全年开展普法活动20场以上。",
    "（二）加强执法队伍建设，组织执法人员培训。",
]
LINES = [TITLE, PREAMBLE, *ACHIEVEMENTS, *PROBLEMS, *PLANS]
KINDS = ["preamble", "achievements", "problems", "plans"]
#: (raw, value, unit) of every quantity find_quantities reports in LINES.
QUANTITIES = [
    ("12次", 12.0, "次"),
    ("3场", 3.0, "场"),
    ("210人次", 210.0, "人次"),
    ("46件", 46.0, "件"),
    ("98%", 98.0, "%"),
    ("440万元", 4_400_000.0, "元"),
    ("15件", 15.0, "件"),
    ("20场以上", 20.0, "场"),
]
#: A table of figures inside the achievements part of the .docx.
TABLE: list[list[str | None]] = [
    ["2024年主要法治工作数据", None],  # merged across both columns
    ["项目", "数量"],
    ["开展普法宣传活动", "35场"],
    ["接待法律咨询", "120人次"],
]


def quantities(text: str) -> list[tuple[str, float, str]]:
    return [(q.raw, q.value, q.unit) for q in find_quantities(text)]


def kinds(path: Path) -> list[str]:
    return [section.kind for section in load_report(path).sections]


# --------------------------------------------------------------------------- .docx


def write_docx(path: Path) -> None:
    import docx

    document = docx.Document()
    document.add_heading(TITLE, level=1)
    for line in [PREAMBLE, *ACHIEVEMENTS]:
        document.add_paragraph(line)
    table = document.add_table(rows=len(TABLE), cols=2)
    table.cell(0, 0).merge(table.cell(0, 1))
    for row_index, row in enumerate(TABLE):
        for column, value in enumerate(row):
            if value is not None:
                table.cell(row_index, column).text = value
    for line in [*PROBLEMS, *PLANS]:
        document.add_paragraph(line)
    document.save(str(path))


def test_docx_gives_paragraphs_and_table_rows_in_document_order(tmp_path: Path) -> None:
    path = tmp_path / "青石镇2024.docx"
    write_docx(path)

    table_lines = [
        "2024年主要法治工作数据",
        "项目\u3000数量",
        "开展普法宣传活动\u300035场",
        "接待法律咨询\u3000120人次",
    ]
    expected = [TITLE, PREAMBLE, *ACHIEVEMENTS, *table_lines, *PROBLEMS, *PLANS]
    assert read_document(path).split("\n") == expected


def test_docx_loads_as_a_report(tmp_path: Path) -> None:
    path = tmp_path / "青石镇2024.docx"
    write_docx(path)

    report = load_report(path)

    assert (report.title, report.entity, report.level, report.year) == (TITLE, "青石镇", "镇", 2024)
    assert report.source == str(path)
    assert kinds(path) == KINDS
    table_quantities = [("35场", 35.0, "场"), ("120人次", 120.0, "人次")]
    assert quantities(report.text) == [*QUANTITIES[:7], *table_quantities, QUANTITIES[7]]
    # The table rows belong to the achievements part, where they were written.
    achievements = report.sections_of("achievements")[0]
    assert "开展普法宣传活动 35场" in achievements.body(report.text)


def test_a_renamed_doc_file_is_not_a_docx(tmp_path: Path) -> None:
    path = tmp_path / "旧格式.docx"
    path.write_bytes(b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1" + b"\x00" * 512)  # an OLE2 .doc header

    with pytest.raises(InputError, match=r"不是有效的 \.docx"):
        read_document(path)


# --------------------------------------------------------------------------- .pdf


def write_pdf(path: Path, pages: list[list[str]], *, encrypt: str | None = None) -> None:
    from reportlab.pdfbase import pdfmetrics
    from reportlab.pdfbase.cidfonts import UnicodeCIDFont
    from reportlab.pdfgen import canvas

    pdfmetrics.registerFont(UnicodeCIDFont("STSong-Light"))
    pdf = canvas.Canvas(str(path), encrypt=encrypt)
    for lines in pages:
        pdf.setFont("STSong-Light", 10)
        for index, line in enumerate(lines):
            pdf.drawString(60, 780 - 18 * index, line)
        pdf.showPage()
    pdf.save()


def test_pdf_text_layer_of_every_page_is_read(tmp_path: Path) -> None:
    path = tmp_path / "青石镇2024.pdf"
    write_pdf(path, [[TITLE, PREAMBLE, *ACHIEVEMENTS], [*PROBLEMS, *PLANS]])

    lines = [line for line in read_document(path).split("\n") if line.strip()]

    assert lines == LINES


def test_pdf_loads_as_a_report(tmp_path: Path) -> None:
    path = tmp_path / "青石镇2024.pdf"
    write_pdf(path, [[TITLE, PREAMBLE, *ACHIEVEMENTS], [*PROBLEMS, *PLANS]])

    report = load_report(path)

    assert (report.title, report.entity, report.year) == (TITLE, "青石镇", 2024)
    assert kinds(path) == KINDS
    assert quantities(report.text) == QUANTITIES


def test_a_scanned_pdf_without_text_layer_is_refused(tmp_path: Path) -> None:
    from reportlab.pdfgen import canvas

    path = tmp_path / "扫描件.pdf"
    pdf = canvas.Canvas(str(path))
    pdf.rect(60, 400, 400, 300, fill=1)  # where a scanned page would have its image
    pdf.showPage()
    pdf.save()

    with pytest.raises(InputError, match="扫描版 PDF，没有文字层") as raised:
        load_report(path)
    assert "OCR" in str(raised.value)
    assert ".docx" in str(raised.value)


def test_an_encrypted_pdf_is_refused_with_a_clear_message(tmp_path: Path) -> None:
    path = tmp_path / "加密.pdf"
    write_pdf(path, [LINES], encrypt="secret")

    with pytest.raises(InputError, match="加密的 PDF"):
        read_document(path)


def test_a_corrupt_pdf_is_refused_with_a_clear_message(tmp_path: Path) -> None:
    path = tmp_path / "损坏.pdf"
    path.write_bytes(b"%PDF-1.7\n1 0 obj << /Type /Catalog")

    with pytest.raises(InputError, match="无法作为 PDF 读取"):
        read_document(path)


# --------------------------------------------------------------------------- web pages

GOV_PAGE = """<!DOCTYPE html>
<html>
<head>
<meta http-equiv="Content-Type" content="text/html; charset=gb2312">
<title>{title}_青石镇人民政府</title>
<style>.nav {{ color: red }}</style>
<script src="/js/jquery.js"></script>
</head>
<body>
<div class="top-bar">无障碍浏览 | 长者模式 | 繁體</div>
<div id="nav" class="nav"><ul><li><a href="/">首页</a></li><li><a href="/zwgk">政务公开</a></li>
<li><a href="/zwfw">政务服务</a></li></ul></div>
<div class="breadcrumb">当前位置：<a href="/">首页</a> &gt; 政务公开 &gt; 法治政府建设</div>
<div class="main">
  <table class="xxgk-info">
    <tr><td>索引号：</td><td>11530000MB0000000X/2025-00123</td><td>发布机构：</td><td>青石镇人民政府</td></tr>
    <tr><td>成文日期：</td><td>2025年01月15日</td><td>主题分类：</td><td>法治政府建设</td></tr>
  </table>
  <h1 class="article-title">{title}</h1>
  <div class="info">发布时间：2025-01-15 来源：青石镇
    <span class="share">分享到：微信 微博</span></div>
  <div class="TRS_Editor">
    <p style="text-align: center"><strong>{title}</strong></p>
    <p>&nbsp;&nbsp;&nbsp;&nbsp;{preamble}</p>
    <p><strong>{a0}</strong></p>
    <p>&nbsp;&nbsp;{a1}</p>
    <p>{a2_head}
       {a2_tail}</p>
    <script>document.write("脚本里的文字不应出现在正文中");</script>
    <p>{a3}</p>
    <p><strong>{p0}</strong></p>
    <p>{p1}</p><p>{p2}</p>
    <p><b>{n0}</b><br>{n1}<br/>{n2}</p>
  </div>
</div>
<div class="footer">
  <p>版权所有：青石镇人民政府 &copy; 2025　网站标识码：5300000001</p>
  <p>滇ICP备12345678号　地址：青石镇人民路1号</p>
</div>
<script>var _hmt = _hmt || []; // 统计代码</script>
</body>
</html>
"""


def write_gov_page(path: Path) -> None:
    # 坚持“枫桥经验” goes through entities, and the paragraph is wrapped in the source.
    a2 = ACHIEVEMENTS[2].replace("“", "&ldquo;").replace("”", "&rdquo;")
    split = a2.index("全年")
    html = GOV_PAGE.format(
        title=TITLE,
        preamble=PREAMBLE,
        a0=ACHIEVEMENTS[0],
        a1=ACHIEVEMENTS[1],
        a2_head=a2[:split],
        a2_tail=a2[split:],
        a3=ACHIEVEMENTS[3],
        p0=PROBLEMS[0],
        p1=PROBLEMS[1],
        p2=PROBLEMS[2],
        n0=PLANS[0],
        n1=PLANS[1],
        n2=PLANS[2],
    )
    # Declared GB2312 but written as GBK, as such sites do: 喆 is GBK-only.
    path.write_bytes(html.replace("青石镇人民路", "喆园路").encode("gbk"))


GOV_PAGE_METADATA = {
    "索引号": "11530000MB0000000X/2025-00123",
    "发布机构": "青石镇人民政府",
    "成文日期": "2025年01月15日",
    "主题分类": "法治政府建设",
    "发布时间": "2025-01-15",
    "来源": "青石镇",
}


def test_gbk_government_page_gives_its_metadata_lines_then_only_the_report_text(
    tmp_path: Path,
) -> None:
    path = tmp_path / "art_2025_123.html"
    write_gov_page(path)

    lines = read_document(path).split("\n")

    assert lines[-len(LINES) :] == LINES
    assert [line[:3] for line in lines[: -len(LINES)]] == ["索引号", "成文日", "发布时"]


def test_gbk_government_page_loads_as_a_report(tmp_path: Path) -> None:
    path = tmp_path / "art_2025_123.htm"
    write_gov_page(path)

    report = load_report(path)

    assert report.text == "\n".join(LINES)
    assert (report.title, report.entity, report.year) == (TITLE, "青石镇", 2024)
    assert report.metadata == GOV_PAGE_METADATA
    assert report.published == datetime.date(2025, 1, 15)
    assert kinds(path) == KINDS
    assert quantities(report.text) == QUANTITIES
    for noise in (
        "首页",
        "当前位置",
        "索引号",
        "发布时间",
        "分享",
        "脚本",
        "版权所有",
        "ICP",
        "_hmt",
    ):
        assert noise not in report.text


def test_article_body_by_its_cms_name_with_the_page_heading_as_title(tmp_path: Path) -> None:
    # <div id="zoom"> is the body; the title stands in the article's <header> above it, and
    # a date line and related links share the surrounding "content" wrapper.
    paragraphs = "".join(f"<p>{line}</p>" for line in LINES[1:])
    html = f"""<html><head><meta charset="utf-8"></head><body>
    <header class="site"><h1>青石镇人民政府门户网站</h1></header>
    <div class="content"><article>
      <header><h1>{TITLE}</h1></header>
      <div class="pages-date">2025-01-20 来源：青石镇 【字体：大 中 小】</div>
      <div id="zoom">{paragraphs}</div>
      <div class="related">相关链接：<a>关于印发青石镇法治政府建设实施方案的通知</a>
        <a>青石镇2023年法治政府建设年度报告</a></div>
    </article></div>
    <footer>主办：青石镇人民政府办公室</footer>
    </body></html>"""
    path = tmp_path / "t20250120_123.html"
    path.write_text(html, encoding="utf-8")

    assert read_document(path).split("\n") == LINES


def test_page_without_named_content_uses_the_densest_block(tmp_path: Path) -> None:
    # An old table layout: no content class, lines separated by <br>, UTF-8 by <meta charset>.
    body = "<br>\n".join(LINES)
    html = f"""<html><head><meta charset="utf-8"><title>报告</title></head><body>
    <table width="100%"><tr>
      <td class="left-menu" width="200"><a href="/">首页</a><br><a href="/a">机构设置</a><br>
        <a href="/b">法治政府建设专栏</a><br><a href="/c">政策文件</a></td>
      <td><table><tr><td>来源：青石镇　日期：2025-01-15</td></tr></table>
        <div>{body}</div></td>
    </tr></table>
    <div id="bottom">主办单位：青石镇人民政府　联系电话：0871-1234567</div>
    </body></html>"""
    path = tmp_path / "index.html"
    path.write_text(html, encoding="utf-8")

    assert read_document(path).split("\n")[-len(LINES) :] == LINES
    report = load_report(path)
    assert report.text == "\n".join(LINES)
    assert report.metadata == {
        "来源": "青石镇",
        "日期": "2025-01-15",
        "主办单位": "青石镇人民政府",
        "联系电话": "0871-1234567",
    }
    assert report.published == datetime.date(2025, 1, 15)


def test_page_with_a_wrong_charset_declaration_is_still_decoded(tmp_path: Path) -> None:
    html = (
        '<html><head><meta charset="utf-8"></head><body><div class="content">{}</div></body></html>'
    )
    path = tmp_path / "wrong.html"
    path.write_bytes(html.format("<p>" + "</p><p>".join(LINES) + "</p>").encode("gb18030"))

    assert read_document(path).split("\n") == LINES


# --------------------------------------------------------------------------- text and others


def test_gb18030_text_file_loads_as_a_report(tmp_path: Path) -> None:
    path = tmp_path / "青石镇2024.txt"
    path.write_bytes("\r\n".join(LINES).encode("gb18030"))

    assert read_document(path) == "\r\n".join(LINES)
    assert kinds(path) == KINDS
    assert quantities(load_report(path).text) == QUANTITIES


@pytest.mark.parametrize("suffix", [".doc", ".wps"])
def test_old_word_formats_are_refused_by_load_report(tmp_path: Path, suffix: str) -> None:
    path = tmp_path / f"报告{suffix}"
    path.write_bytes(b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1" + b"\x00" * 512)

    with pytest.raises(InputError, match=r"另存为 \.docx 或 \.txt"):
        load_report(path)


@pytest.mark.parametrize("name", ["报告.doc", "报告.rtf", "报告"])
def test_unsupported_formats_are_refused_by_read_document(tmp_path: Path, name: str) -> None:
    path = tmp_path / name
    path.write_bytes(b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1" + b"\x00" * 512)

    with pytest.raises(InputError, match=r"支持的格式：.*\.docx.*另存为 \.docx 或 \.txt") as raised:
        read_document(path)
    assert Path(name).suffix in str(raised.value) or "无扩展名" in str(raised.value)


@pytest.mark.parametrize(
    ("module", "name", "extra"),
    [("docx", "报告.docx", "docx"), ("pypdf", "报告.pdf", "pdf"), ("bs4", "报告.html", "html")],
)
def test_a_missing_optional_library_names_the_install_command(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, module: str, name: str, extra: str
) -> None:
    monkeypatch.setitem(sys.modules, module, None)  # makes `import module` fail
    path = tmp_path / name
    path.write_bytes(b"placeholder")

    with pytest.raises(InputError) as raised:
        load_report(path)
    assert f'pip install "rulelaw-llm[{extra}]"' in str(raised.value)


def _library_imports() -> dict[str, set[str]]:
    """For every module of the package, the package modules it imports (also inside functions)."""
    package = ROOT / "rulelaw_llm"
    graph: dict[str, set[str]] = {}
    for path in package.rglob("*.py"):
        imported: set[str] = set()
        for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
            names = (
                [node.module or ""]
                if isinstance(node, ast.ImportFrom)
                else [alias.name for alias in node.names]
                if isinstance(node, ast.Import)
                else []
            )
            imported |= {
                name.removeprefix("rulelaw_llm.")
                for name in names
                if name.startswith("rulelaw_llm.")
            }
        module = ".".join(path.relative_to(package).with_suffix("").parts)
        graph[module.removesuffix(".__init__")] = imported
    return graph


def test_readers_sit_below_document_and_no_module_takes_part_in_an_import_cycle() -> None:
    graph = _library_imports()
    assert "reading.document" not in graph["reading.readers"]
    assert "reading.readers" in graph["reading.document"]
    cycles: list[list[str]] = []
    finished: set[str] = set()

    def visit(module: str, path: list[str]) -> None:
        for imported in sorted(graph.get(module, ())):
            if imported in path:
                cycles.append([*path[path.index(imported) :], imported])
            elif imported not in finished:
                visit(imported, [*path, imported])
        finished.add(module)

    for module in sorted(graph):
        if module not in finished:
            visit(module, [module])
    assert cycles == []
