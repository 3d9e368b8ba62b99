"""Web copies of reports: navigation and metadata are never content, year and issuer are right.

Every text here is invented in the shape of real government pages (a breadcrumb, a site
header with today's date, a 索引号 table, a 来源/发布时间 line, no title line, joint issuers,
departments named short) — none is a copy of a real page.
"""

from __future__ import annotations

import datetime
from pathlib import Path

import pytest

from rulelaw_llm import load_report, summarize_offline
from rulelaw_llm.reading.webpage import (
    is_navigation,
    metadata_pairs,
    published_date,
    split_furniture,
)

BODY = """一、主要举措和成效
（一）加强组织领导。召开法治专题学习会议6次，开展法治培训3场。
（二）化解矛盾纠纷。较2023年相比，排查调处矛盾纠纷28件，化解率100%。
二、存在的问题
（一）法治宣传形式单一。
三、2025年工作计划
（一）2025年，将进一步加强法治宣传。
"""

#: name -> (page text, entity, parent, level, year, published)
SHAPES: dict[str, tuple[str, str, str | None, str, int, datetime.date | None]] = {
    "site header with an old date, breadcrumb, title, 来源/发布时间 line": (
        "某市青川区人民政府 2019年12月3日星期二\n首页 > 政务公开 > 法治政府建设\n"
        "青川区柳溪街道2023年法治政府建设情况报告\n"
        "发布时间：2024-02-20 来源：柳溪街道办事处\n"
        "2023年，柳溪街道坚持以习近平法治思想为指导。\n" + BODY,
        "柳溪街道",
        "青川区",
        "街道",
        2023,
        datetime.date(2024, 2, 20),
    ),
    "no title line, 索引号 table, body names the issuer, published the next year": (
        "当前位置：首页 > 信息公开 > 法治政府建设年度报告\n"
        "索引号：11510100MB1234/2025-00031　主题分类：政务公开\n"
        "发布机构：青川区柳溪街道办事处　成文日期：2025-01-20\n"
        "发布日期：2025-03-12 浏览次数：321\n"
        "青川区柳溪街道坚持以习近平法治思想为指导，扎实推进法治政府建设。"
        "2024年，街道法治建设取得新成效。\n" + BODY,
        "柳溪街道",
        "青川区",
        "街道",
        2024,
        datetime.date(2025, 3, 12),
    ),
    "no title, no year in the text: issuer from 来源, year = publication year - 1": (
        "来源：青石县司法局　发布时间：2025-03-05 10:20\n【字体：大 中 小】 打印 关闭\n"
        "今年以来，在县委县政府的领导下，各项工作扎实推进。\n"
        + BODY.replace("较2023年相比，", "").replace("2025年", "明年"),
        "青石县司法局",
        "青石县",
        "部门",
        2024,
        datetime.date(2025, 3, 5),
    ),
    "joint issuers separated by a space": (
        "中共青石县委 青石县人民政府关于2024年度法治政府建设情况的报告\n"
        "发布日期：2025-03-28\n2024年，青石县坚持以习近平法治思想为指导。\n" + BODY,
        "中共青石县委 青石县人民政府",
        None,
        "县",
        2024,
        datetime.date(2025, 3, 28),
    ),
    "joint issuers written together, 县委 in full": (
        "中共青石县县委青石县人民政府关于2024年法治政府建设工作情况的报告\n" + BODY,
        "中共青石县县委 青石县人民政府",
        None,
        "县",
        2024,
        None,
    ),
    "department named short in the title, city in 发布机构": (
        "市市场监管局2024年法治政府建设工作报告\n发布机构：青石市市场监督管理局\n"
        "2024年，市市场监管局坚持依法行政。\n" + BODY,
        "青石市市场监管局",
        "青石市",
        "部门",
        2024,
        None,
    ),
    "department named short in the title, district named in the body": (
        "区司法局关于2024年法治政府建设情况的报告\n"
        "2024年，在青川区委、区政府的坚强领导下，区司法局坚持依法行政。\n" + BODY,
        "青川区司法局",
        "青川区",
        "部门",
        2024,
        None,
    ),
    "metadata table with keys and values in separate cells": (
        "索引号\t11510100MB1234/2025-00031\t主题分类\t政务公开\n"
        "体裁分类\t报告\t发布机构\t青石县白沙镇人民政府\n"
        "成文日期\t2025-02-10\t发布日期\t2025-02-14\n"
        "白沙镇2024年法治政府建设年度报告\n2024年，白沙镇深入贯彻习近平法治思想。\n" + BODY,
        "白沙镇",
        "青石县",
        "镇",
        2024,
        datetime.date(2025, 2, 14),
    ),
    "我镇 only: issuer from the signature": (
        "2024年，我镇坚持以习近平法治思想为指导，深入推进依法行政。\n"
        + BODY
        + "白沙镇人民政府\n2025年1月20日\n",
        "白沙镇",
        None,
        "镇",
        2024,
        None,
    ),
    "我镇 only: issuer from 信息来源": (
        "发布时间：2025-03-01\n信息来源：青石县白沙镇人民政府\n"
        "2024年，我镇坚持以习近平法治思想为指导。\n" + BODY,
        "白沙镇",
        "青石县",
        "镇",
        2024,
        datetime.date(2025, 3, 1),
    ),
    "title in Chinese numerals, published date line right after it": (
        "青石县白沙镇二〇二四年法治政府建设工作报告\n2025-01-08 09:30\n"
        "一年来，白沙镇党委、政府高度重视法治政府建设。\n" + BODY,
        "白沙镇",
        "青石县",
        "镇",
        2024,
        datetime.date(2025, 1, 8),
    ),
    "no title; the text mentions last year and next year more than its own": (
        "发布时间：2025-02-01\n"
        "2024年，白沙镇坚持依法行政，较2023年相比成效明显，2023年的问题得到整改。\n" + BODY,
        "白沙镇",
        None,
        "镇",
        2024,
        datetime.date(2025, 2, 1),
    ),
    "only comparison years in the text, 来源 is the county's website": (
        "来源：青石县人民政府网　发布时间：2025-03-20\n"
        "今年以来，我县坚持以习近平法治思想为指导。与2023年相比，行政复议案件下降三成，"
        "较2023年增加调解员20名，2023年同期的积案全部化解。\n"
        + BODY.replace("较2023年相比，", "").replace("2025年", "明年"),
        "青石县",
        None,
        "县",
        2024,
        datetime.date(2025, 3, 20),
    ),
}


@pytest.mark.parametrize("shape", sorted(SHAPES))
def test_year_and_issuer_of_a_web_copy(shape: str) -> None:
    text, entity, parent, level, year, published = SHAPES[shape]

    report = load_report(text)

    assert (report.entity, report.parent_entity, report.level) == (entity, parent, level)
    assert report.year == year
    assert report.published == published


@pytest.mark.parametrize("shape", sorted(SHAPES))
def test_navigation_and_metadata_are_never_report_content(shape: str) -> None:
    text = SHAPES[shape][0]

    report = load_report(text)
    summary = summarize_offline(report)

    for furniture in ("索引号", "主题分类", "发布机构", "发布时间", "发布日期", "首页", "星期二"):
        assert furniture not in report.text
        assert furniture not in summary.digest
        assert all(furniture not in item.summary for item in summary.achievements)
    assert report.sections_of("achievements")[0].items[0].text.startswith("（一）加强组织领导")


def test_metadata_is_kept_as_key_value_pairs() -> None:
    report = load_report(
        SHAPES["no title line, 索引号 table, body names the issuer, published the next year"][0]
    )

    assert report.metadata == {
        "索引号": "11510100MB1234/2025-00031",
        "主题分类": "政务公开",
        "发布机构": "青川区柳溪街道办事处",
        "成文日期": "2025-01-20",
        "发布日期": "2025-03-12",
        "浏览次数": "321",
    }


def test_metadata_lines_and_navigation_lines_are_told_from_content() -> None:
    assert metadata_pairs("来源：某区司法局 发布时间：2025-03-12 10:20") == [
        ("来源", "某区司法局"),
        ("发布时间", "2025-03-12 10:20"),
    ]
    assert metadata_pairs("2024年，我镇认真落实上级来源：无") is None
    assert metadata_pairs("（一）加强组织领导。召开会议6次。") is None
    assert is_navigation("首页 > 政务公开 > 法治政府建设")
    assert is_navigation("某市某区人民政府 2019年12月3日星期二")
    assert is_navigation("【字体：大 中 小】 打印 关闭")
    assert not is_navigation("2025年1月20日")  # a signature date at the end stays
    assert is_navigation("2025年1月20日", leading=True)
    assert not is_navigation("一是完善依法决策机制，二是规范行政执法。")


def test_published_date_prefers_publication_over_the_date_written() -> None:
    assert published_date({"成文日期": "2025-01-20", "发布日期": "2025年3月12日"}) == (
        datetime.date(2025, 3, 12)
    )
    assert published_date({"PubDate": "2025-03-15 09:00"}) == datetime.date(2025, 3, 15)
    assert published_date({"来源": "某区"}) is None
    text, metadata = split_furniture("索引号：1\n正文第一段。\n发布时间：2025-01-02")
    assert (text, metadata) == ("正文第一段。", {"索引号": "1", "发布时间": "2025-01-02"})


# ------------------------------------------------------------------------- web pages (.html)

PARAGRAPHS = "".join(
    f"<p>{line}</p>"
    for line in (
        "2024年，青川区柳溪街道坚持以习近平法治思想为指导，扎实推进法治政府建设。",
        *BODY.strip().split("\n"),
    )
)


def _page(head: str, before: str, title: str) -> str:
    return f"""<!DOCTYPE html><html><head><meta charset="utf-8">{head}
<title>青川区人民政府门户网站</title></head><body>
<div class="header">青川区人民政府 2019年12月3日 星期二 <a href="/">首页</a></div>
<div class="crumb">当前位置：首页 &gt; 政务公开 &gt; 法治政府建设</div>
{before}
<div class="article">{title}<div class="TRS_Editor">{PARAGRAPHS}</div></div>
<div class="footer">主办：青川区人民政府办公室 网站标识码：5101000001</div>
</body></html>"""


HTML_SHAPES = {
    "meta tags only, no title on the page": _page(
        '<meta name="PubDate" content="2025-03-12 10:00"><meta name="ContentSource" '
        'content="青川区柳溪街道办事处"><meta name="SiteName" content="青川区人民政府">',
        "",
        "",
    ),
    "metadata table outside the article, title in an h1": _page(
        "",
        '<table class="xxgk"><tr><td>索引号：</td><td>11510100MB1234/2025-00031</td>'
        "<td>主题分类：</td><td>政务公开</td></tr><tr><td>发布机构：</td>"
        "<td>青川区柳溪街道办事处</td><td>发布日期：</td><td>2025-03-12</td></tr></table>",
        "<h1>柳溪街道法治政府建设年度报告</h1>",
    ),
    "firstpublishedtime meta and a 来源/发布时间 line in the article": _page(
        '<meta name="firstpublishedtime" content="2025-03-12-10:00:00">',
        "",
        '<h1>关于2024年法治政府建设情况的报告</h1><div class="info">来源：青川区柳溪街道'
        "　发布时间：2025-03-12</div>",
    ),
}


@pytest.mark.parametrize("shape", sorted(HTML_SHAPES))
def test_year_issuer_and_metadata_of_a_saved_web_page(shape: str, tmp_path: Path) -> None:
    path = tmp_path / "art_2025_31.html"
    path.write_text(HTML_SHAPES[shape], encoding="utf-8")

    report = load_report(path)
    summary = summarize_offline(report)

    assert (report.entity, report.parent_entity, report.year) == ("柳溪街道", "青川区", 2024)
    assert report.published == datetime.date(2025, 3, 12)
    assert report.text.startswith(("2024年，青川区柳溪街道", "柳溪街道", "关于2024年"))
    for furniture in ("索引号", "发布", "首页", "星期二", "2019", "网站标识码", "PubDate"):
        assert furniture not in report.text
        assert furniture not in summary.digest
    assert "柳溪街道" in " ".join(report.metadata.values())


def test_a_title_held_only_in_the_document_head_is_the_reports_title(tmp_path: Path) -> None:
    page = _page('<meta name="PubDate" content="2025-03-12 10:00">', "", "").replace(
        "<title>青川区人民政府门户网站</title>",
        "<title>青川区柳溪街道2024年法治政府建设年度报告_青川区人民政府门户网站</title>",
    )
    path = tmp_path / "art_2025_32.html"
    path.write_text(page, encoding="utf-8")

    report = load_report(path)

    assert report.title == "青川区柳溪街道2024年法治政府建设年度报告"  # the site's name cut off
    assert (report.entity, report.parent_entity, report.year) == ("柳溪街道", "青川区", 2024)
    assert "门户网站" not in report.text


# ------------------------------------------------------------------ publication dates on real pages

#: name -> (page text, publication date or None, metadata that must be kept)
DATED: dict[str, tuple[str, datetime.date | None, dict[str, str]]] = {
    "發布時間 and 信息來源 in traditional characters": (
        "白沙鄉2024年法治政府建設情況報告\n\n發布時間:2025-04-11 16:33 信息來源:青石縣白沙鄉\n",
        datetime.date(2025, 4, 11),
        {"发布时间": "2025-04-11 16:33", "信息来源": "青石縣白沙鄉"},
    ),
    "a listed 發布日期 in traditional characters": (
        "石門市農業農村局2023年法治政府建設年度報告\n- 發布日期:2024-03-26 14:51\n",
        datetime.date(2024, 3, 26),
        {"发布日期": "2024-03-26 14:51"},
    ),
    "发表日期 beside 文章来源": (
        "白沙镇2024年法治政府建设工作总结\n\n发表日期:2025-01-23    文章来源:青石县白沙镇人民政府\n",
        datetime.date(2025, 1, 23),
        {"发表日期": "2025-01-23", "文章来源": "青石县白沙镇人民政府"},
    ),
    "信息提供日期 in a table row": (
        "信息提供日期：2025年3月6日　发布机构：青石县司法局\n",
        datetime.date(2025, 3, 6),
        {"信息提供日期": "2025年3月6日", "发布机构": "青石县司法局"},
    ),
    "日期 under the title": (
        "石门市青川区卫生健康委员会关于2024年法治政府建设情况的报告\n\n日期:2025-03-05\n\n"
        "字号:\n分享:\n打印:\n",
        datetime.date(2025, 3, 5),
        {"日期": "2025-03-05"},
    ),
    "a site's name and address before 發布時間 on the line under the title": (
        "青石縣衛生健康局2025年法治政府建設年度工作報告\n"
        "青石縣人民政府門戶網站 www.example.gov.cn 發布時間:2025-12-31 16:33\n",
        datetime.date(2025, 12, 31),
        {"网站": "青石縣人民政府門戶網站 www.example.gov.cn", "发布时间": "2025-12-31 16:33"},
    ),
    "labels in brackets, each value on the bullet below": (
        "当前位置:部门 > 区教委 > 政务公开\n  • [ 索号 ]\n  • 115000000/2025-00004\n"
        "  • [ 成文日期 ]\n  • 2025-01-10\n  • [ 发布日期 ]\n  • 2025-01-15\n"
        "  • [ 发布机构 ]\n  • 青川区教委\n  • [ 有性 ]\n",
        datetime.date(2025, 1, 15),
        {"成文日期": "2025-01-10", "发布日期": "2025-01-15", "发布机构": "青川区教委"},
    ),
    "listed labels with spaced keys, a value on the next line, 发文日期 after the issuer": (
        "- 索 引 号:4300000/2025-00578 分 类:\n-\n发文机关:\n"
        "青石县教育局 发文日期:2025-02-25 15:58 - 名称:\n"
        "中共青石县教育局党组2024年度法治政府建设年度报告 - 文号:\n",
        datetime.date(2025, 2, 25),
        {
            "索引号": "4300000/2025-00578",
            "发文机关": "青石县教育局",
            "发文日期": "2025-02-25 15:58",
            "名称": "中共青石县教育局党组2024年度法治政府建设年度报告",
        },
    ),
    "a drafting date only (公文生成日期), and a label the list does not know": (
        "\n- 索 引 号: qs001-2025-00003\n- 备注/文号: 白委〔2025〕5号\n"
        "- 发布机构: 白沙镇人民政府\n- 公文生成日期: 2025-02-07\n",
        None,
        {"备注/文号": "白委〔2025〕5号", "公文生成日期": "2025-02-07"},
    ),
    "成文日期 only": (
        "索引号：QS-2025-01　成文日期：2025-01-20\n",
        None,
        {"成文日期": "2025-01-20"},
    ),
    "the site's clock, as a line and as 日期": (
        "石门市人民政府 2019年12月3日星期二\n日期：2019年12月3日 星期二\n",
        None,
        {},
    ),
    "no date on the page at all": ("首页 > 政务公开 > 法治政府建设\n", None, {}),
    "a label written without its colon among labels with one": (
        "白沙镇2024年度法治政府建设工作报告\n"
        "来源:白沙镇党政办 编辑: 发布时间 2025年03月07日 浏览次数:\n",
        datetime.date(2025, 3, 7),
        {"来源": "白沙镇党政办", "发布时间": "2025年03月07日"},
    ),
    "labels without any colon": (
        "白沙镇2024年度法治政府建设工作报告\n发布时间 2025-03-05 来源 青石县白沙镇\n",
        datetime.date(2025, 3, 5),
        {"发布时间": "2025-03-05", "来源": "青石县白沙镇"},
    ),
    "a date, its time and the page's source on the line under the title": (
        "云岭省2024年度法治政府建设情况报告\n\n2025-04-02 09:41 云岭省人民政府网\n",
        datetime.date(2025, 4, 2),
        {"来源": "云岭省人民政府网"},
    ),
    "a date before a labelled source": (
        "白沙镇2024年度法治政府建设工作报告\n2025-03-05 10:30:00 来源：青石县白沙镇人民政府\n",
        datetime.date(2025, 3, 5),
        {"日期": "2025-03-05 10:30:00", "来源": "青石县白沙镇人民政府"},
    ),
    "a date alone in a cell after a labelled value": (
        "白沙镇2024年度法治政府建设工作报告\n来源：青石县司法局 | 2025-03-05 | 浏览：120\n",
        datetime.date(2025, 3, 5),
        {"来源": "青石县司法局", "日期": "2025-03-05"},
    ),
    "a bar table whose labels the page names its own way": (
        "索 引 号: | QS01/2025-00007 | 成文日期: | 2025-02-10 |\n"
        "文件编号: | 无 | 发布机构: | 白沙镇人民政府 |\n统一编号: | 有效性: | 有效 |\n",
        None,
        {"文件编号": "无", "发布机构": "白沙镇人民政府", "有效性": "有效"},
    ),
    "a bar table of keys without colons": (
        "索引号 | QS-001 | 发布机构 | 白沙镇人民政府\n成文日期 | 2025-02-28 | 发布日期 | 2025-03-05\n",
        datetime.date(2025, 3, 5),
        {"索引号": "QS-001", "成文日期": "2025-02-28", "发布日期": "2025-03-05"},
    ),
    "發佈時間, the other traditional form": (
        "白沙鎮2024年法治政府建設工作報告\n發佈時間：2025-03-05 信息來源：白沙鎮\n",
        datetime.date(2025, 3, 5),
        {"发布时间": "2025-03-05", "信息来源": "白沙鎮"},
    ),
    "glosses a converter left inside a label": (
        "白沙鎮(zhèn)2024年法治政府建設(shè)工作報(bào)告\n發(fā)布日期:2025-03-12 09:18\n",
        datetime.date(2025, 3, 12),
        {"发布日期": "2025-03-12 09:18"},
    ),
    "an occasion line under the title is no publication date": (
        "白沙县人民政府2024年度法治政府建设情况报告\n"
        "2025年3月17日在白沙县第十届人民代表大会常务委员会第五次会议上\n",
        None,
        {},
    ),
    "a body's name and a date without a time under the title is a signature": (
        "白沙县人民政府2024年度法治政府建设情况报告\n白沙县人民政府 2025年1月20日\n",
        None,
        {},
    ),
    "a drafting date in brackets under the title is no publication date": (
        "2024年法治政府建设情况报告\n青石县林业局\n（2025年2月20日）\n",
        None,
        {},
    ),
}


@pytest.mark.parametrize("shape", sorted(DATED))
def test_the_publication_date_is_read_where_the_page_shows_one_and_never_invented(
    shape: str,
) -> None:
    head, published, kept = DATED[shape]

    report = load_report(head + "2024年，白沙镇坚持依法行政，全年召开学法会议6次。\n" + BODY)

    assert report.published == published
    assert {key: report.metadata.get(key) for key in kept} == kept
    for label in (
        "發布",
        "發佈",
        "发布日期",
        "发布时间",
        "发表日期",
        "信息提供日期",
        "公文生成日期",
        "成文日期",
        "文件编号",
        "星期二",
        "人民政府网",
        "2025-03-05",
        "(zh",
    ):
        assert label not in report.text
    assert report.text.count("2024年，白沙镇坚持依法行政") == 1


def test_a_drafting_date_is_kept_but_never_the_publication_date() -> None:
    assert published_date({"成文日期": "2025-01-20"}) is None
    assert published_date({"公文生成日期": "2025-02-07", "生成日期": "2025-02-07"}) is None
    assert published_date({"成文日期": "2025-01-20", "发文日期": "2025-01-22"}) == (
        datetime.date(2025, 1, 22)
    )
    assert published_date({"日期": "2019年12月3日 星期二"}) is None
    assert published_date({"发布时间": "2025年3月6日 星期四"}) == datetime.date(2025, 3, 6)


def test_listed_labels_keep_their_values_and_leave_the_title_alone() -> None:
    text, metadata = split_furniture(
        "• 主题分类\n• 法治政府建设\n• 服务对象\n\n青石县人民政府关于2024年法治政府建设情况的报告\n"
        "正文第一段。"
    )

    assert metadata == {"主题分类": "法治政府建设"}
    assert text.split("\n")[-2:] == [
        "青石县人民政府关于2024年法治政府建设情况的报告",
        "正文第一段。",
    ]
    assert split_furniture("来源：\n一、工作开展情况\n（一）加强组织领导。") == (
        "一、工作开展情况\n（一）加强组织领导。",
        {},
    )  # a label left empty never takes the report's first heading as its value
    assert metadata_pairs("- 發布時間:2025-04-11 16:33") == [("发布时间", "2025-04-11 16:33")]
    assert metadata_pairs("• [ 发布日期 ]") == [("发布日期", "")]
    assert metadata_pairs("--成功创建国家食品安全示范城市。") is None
    assert metadata_pairs("——发布时间：2025-01-02") is None  # a dash bullet of content


def test_page_furniture_of_real_pages_is_navigation() -> None:
    assert is_navigation(">> 政务公开 >> 法治政府建设年度报告")
    assert is_navigation("Copyright © 2021 石门市司法局 京ICP备00000000号")
    assert is_navigation("京公网安备 00000000000000号")
    assert is_navigation("长者版 无障碍阅读")
    assert is_navigation("石门 ? 青川欢迎您! 用户登录 网站无障碍 适老版")
    assert is_navigation("图片") and is_navigation("img")
    assert not is_navigation("2024年，白沙镇推进无障碍环境建设，新建坡道12处。")


# ------------------------------------------------------------------------ the page's address


def test_a_url_line_is_kept_as_the_pages_address() -> None:
    report = load_report(
        "网址：http://www.example.gov.cn/art/2025/3/12/art_31.html\n"
        "白沙镇2024年法治政府建设工作报告\n2024年，白沙镇坚持依法行政。\n" + BODY
    )
    linked = load_report(
        "白沙镇2024年法治政府建设工作报告\n原文链接：https://www.example.gov.cn/a/31.html\n"
        "2024年，白沙镇坚持依法行政。\n" + BODY
    )

    assert report.metadata["网址"] == "http://www.example.gov.cn/art/2025/3/12/art_31.html"
    assert linked.metadata["网址"] == "https://www.example.gov.cn/a/31.html"
    assert "example.gov.cn" not in report.text + linked.text


@pytest.mark.parametrize(
    "marker",
    [
        '<link rel="canonical" href="http://www.example.gov.cn/art/2025/3/12/art_31.html">',
        '<meta property="og:url" content="http://www.example.gov.cn/art/2025/3/12/art_31.html">',
    ],
)
def test_a_saved_pages_canonical_address_is_kept(marker: str, tmp_path: Path) -> None:
    path = tmp_path / "art_31.html"
    path.write_text(_page(marker, "", "<h1>柳溪街道法治政府建设年度报告</h1>"), encoding="utf-8")

    report = load_report(path)

    assert report.metadata["网址"] == "http://www.example.gov.cn/art/2025/3/12/art_31.html"
    assert summarize_offline(report).metadata["网址"] == report.metadata["网址"]


def test_the_address_a_browser_wrote_into_a_saved_page_is_kept(tmp_path: Path) -> None:
    path = tmp_path / "saved.html"
    page = _page("", "", "<h1>柳溪街道法治政府建设年度报告</h1>")
    path.write_text(
        "<!-- saved from url=(0048)http://www.example.gov.cn/art/2025/art_31.html -->\n" + page,
        encoding="utf-8",
    )

    assert load_report(path).metadata["网址"] == "http://www.example.gov.cn/art/2025/art_31.html"


def test_a_page_that_names_no_address_has_none(tmp_path: Path) -> None:
    path = tmp_path / "plain.html"
    path.write_text(_page("", "", "<h1>柳溪街道法治政府建设年度报告</h1>"), encoding="utf-8")

    assert "网址" not in load_report(path).metadata


def test_padded_keys_without_values_are_labels_and_never_each_others_values() -> None:
    raw = (
        "索 引 号:\n发布日期:\n时  效:\n名  称:\n青石县司法局2024年法治政府建设报告\n"
        "发布时间:2025-01-20 09:00来源:访问量:\n字体:\n2024年，我局坚持依法行政。\n"
    )
    text, metadata = split_furniture(raw)
    assert text == "2024年，我局坚持依法行政。\n"
    # 名称 takes the title (load_report reads it back as the title); no label is a value.
    assert metadata == {
        "名称": "青石县司法局2024年法治政府建设报告",
        "发布时间": "2025-01-20 09:00",
    }
