"""Who reports on which year, on the pages real reports are published on.

Every text here is invented in the shapes seen on government pages and their mirrors (a list
of metadata labels above the title, a report that names itself only in its first sentence,
a street written 某某街, a department written without its city, an addressee line, joint
issuers, traditional characters, a site's banner and footer, a title split and repeated) —
the places (青石县, 白沙镇, 柳溪街道, 石门市, 云岭省, 南市区 …) are made up and no sentence is
a copy of a page. The shapes of a second round of real pages follow the first: each is the
shape, not the page (a place whose own name holds a level character, a department whose name
joins two fields with 和, a subject without a comma after its year, a title broken over a line
after a bar table, glosses a converter left, a report that never names itself but mentions
other bodies as subjects).
"""

from __future__ import annotations

import pytest

from rulelaw_llm import load_report, summarize_offline

BODY = """一、主要举措和成效
（一）加强组织领导。召开法治专题学习会议6次，开展法治培训3场。
（二）化解矛盾纠纷。排查调处矛盾纠纷28件，化解率100%。
二、存在的问题
（一）法治宣传形式单一。
三、下一步工作计划
（一）持续加强法治宣传。
"""

#: name -> (page text, entity, parent, level, year)
SHAPES: dict[str, tuple[str, str | None, str | None, str, int]] = {
    "a bullet list of labels, values on bullets of their own, then the title": (
        "• 文号\n  • 索引号\n  • qsx01/2025-00007\n  • 关键词\n  • 主题分类\n"
        "  • 法治政府建设\n  • 体裁分类\n  • 服务对象\n\n"
        "青石县人民政府关于2024年法治政府建设情况的报告\n\n发布日期:2025-02-20\n\n"
        "2024年,在市委、市政府的坚强领导下,青石人民政府坚持依法行政。\n" + BODY,
        "青石县",
        None,
        "县",
        2024,
    ),
    "labels with a colon, each value on an indented line below": (
        "首页\n>> 政务公开 >> 法治政府建设年度报告\n  • 信息索引号:\n\n    QS-2024-0031\n\n"
        "  • 发布机构:\n\n    白沙镇\n\n  • 发文字号:\n\n  • 发布日期:\n\n    2024-02-02\n\n"
        "白沙镇2023年度法治政府建设工作报告\n\n"
        "今年以来,在县委、县政府的领导下,白沙镇坚持依法行政,较好完成了各项任务。\n" + BODY,
        "白沙镇",
        None,
        "镇",
        2023,
    ),
    "no title: the issuer only in the first sentence, after the year": (
        "2024年,柳溪街道以提升基层治理法治化水平为主线,统筹推进法治政府建设。"
        "现将有关情况报告如下:\n" + BODY,
        "柳溪街道",
        None,
        "街道",
        2024,
    ),
    "no title: the first sentence opens with 根据…, the issuer after the year": (
        "根据上级关于落实法治建设年度报告制度的要求,以及县委对法治建设的部署,2023年,"
        "白沙乡以全面提升依法行政能力为目标,扎实推进各项工作。\n" + BODY,
        "白沙乡",
        None,
        "乡",
        2023,
    ),
    "the parent named as the government that leads the town": (
        "2025年,石桥镇在青石县委、县政府的坚强领导下,以习近平法治思想为指导,全面推进依法行政。\n"
        + BODY,
        "石桥镇",
        "青石县",
        "镇",
        2025,
    ),
    "a district whose name begins with a word like 和": (
        "2024年,和美区坚持以习近平法治思想为指导,扎实推进法治政府建设。\n" + BODY,
        "和美区",
        None,
        "区",
        2024,
    ),
    "a county whose name begins with a word like 将": (
        "2024年,将安县在市委、市政府的领导下,深入推进依法行政。\n" + BODY,
        "将安县",
        None,
        "县",
        2024,
    ),
    "a street written 某某街": (
        "2024年,桂花街坚持以习近平法治思想为指导,深入推进基层依法治理。"
        "现将2024年法治政府建设工作报告如下:\n" + BODY,
        "桂花街",
        None,
        "街道",
        2024,
    ),
    "a street whose own name ends in 街, 街道办事处 in the title": (
        "青川区石板街街道办事处2024年法治政府建设年度报告\n"
        "2024年,石板街街道坚持依法行政。\n" + BODY,
        "石板街街道",
        "青川区",
        "街道",
        2024,
    ),
    "街道办事处 as the subject of the first sentence": (
        "2025年,杏园街道办事处在区委、区政府的坚强领导下,全面推进依法行政。"
        "现将本年度法治政府建设情况报告如下:\n" + BODY,
        "杏园街道",
        None,
        "街道",
        2025,
    ),
    "a department without its city, the city only inside project names": (
        "2023年,市市场监管局在市委市政府的坚强领导下,深入推进依法行政。\n"
        "--石门创新监管服务模式获评全省最佳实践案例。\n"
        "--《石门市电梯安全管理规定》正式施行。\n" + BODY,
        "市市场监管局",
        None,
        "部门",
        2023,
    ),
    "a department named in full only in the title of its own list": (
        "市政府并报市委:\n"
        "2024年,市应急管理局在市委、市政府的正确领导下,全面依法履行职责。"
        "现将有关情况报告如下:\n"
        "一、主要举措和成效\n（一）加强学习。编制《石门市应急管理局领导干部应知应会法律法规清单》,"
        "组织集中学法6次。\n二、存在的问题\n（一）执法力量不足。\n",
        "石门市应急管理局",
        "石门市",
        "部门",
        2024,
    ),
    "a district department led by 区委区政府, the district only in a document title": (
        "2024年,区教育局认真落实《关于印发〈石门市青川区2024年法治政府建设工作要点〉的通知》,"
        "在区委区政府的坚强领导下,扎实推进依法治教。\n" + BODY,
        "区教育局",
        None,
        "部门",
        2024,
    ),
    "a provincial department, the province only in a party committee's notice": (
        "2024年,省应急管理厅全面贯彻落实省委、省政府有关工作要求,按照《中共云岭省委全面依法治省"
        "委员会办公室关于做好2024年度法治政府建设情况报告有关工作的通知》,现将省应急管理厅"
        "2024年度法治政府建设情况报告如下。\n" + BODY,
        "省应急管理厅",
        None,
        "部门",
        2024,
    ),
    "an addressee line of the county's party committee and government before the body": (
        "中共青石县委员会,青石县人民政府:\n"
        "2024年,白沙镇法治政府建设工作在县委、县政府的有力指导下,围绕年度要点扎实推进。\n" + BODY,
        "白沙镇",
        "青石县",
        "镇",
        2024,
    ),
    "the whole page on one line: joint issuers, an addressee, the body": (
        "中共白沙镇委员会白沙镇人民政府关于报送2024年度法治政府建设情况的报告 "
        "中共青石县委、青石县人民政府: 2024年,白沙镇扎实开展法治政府建设,全年召开学法会议8次。"
        " 一、主要举措和成效 (一)强化组织领导。",
        "中共白沙镇委员会 白沙镇人民政府",
        "青石县",
        "镇",
        2024,
    ),
    "joint department issuers, a committee of the district's party committee": (
        "中共石门市青川区委教育工作委员会 石门市青川区教育委员会 关于2024年法治政府建设情况的报告\n"
        "在区委、区政府的坚强领导下,区教委坚持依法治教。\n" + BODY,
        "中共石门市青川区委教育工作委员会 石门市青川区教育委员会",
        "青川区",
        "部门",
        2024,
    ),
    "a department keeps every place before it": (
        "石门市青川区卫生健康委员会关于2024年法治政府建设情况的报告\n"
        "2024年,我委坚持依法行政。\n" + BODY,
        "石门市青川区卫生健康委员会",
        "青川区",
        "部门",
        2024,
    ),
    "a department's second name in brackets, in traditional characters": (
        "石門市農業農村局（石門市鄉村振興局）2023年法治政府建設年度報告\n"
        "2023年,在市委、市政府的正確領導下,石門市農業農村局認真履行部門職責。\n" + BODY,
        "石門市農業農村局",
        "石門市",
        "部门",
        2023,
    ),
    "traditional characters, the district named only in the first sentence": (
        "2024年,東湖區堅持以習近平法治思想為指導,紮實推進法治政府建設各項工作。"
        "現將有關情況報告如下:\n" + BODY,
        "東湖區",
        None,
        "区",
        2024,
    ),
    "traditional characters, a ministry's party group as the subject": (
        "瀏覽次數:次\n"
        "2023年,在黨中央堅強領導下,水利部黨組深入學習貫徹習近平法治思想,統籌推進法治政府建設。\n"
        + BODY,
        "水利部",
        None,
        "部门",
        2023,
    ),
    "a city whose name ends in 州, and its district": (
        "云州市青川区人民政府关于2023年度法治政府建设情况的报告\n"
        "2023年,青川区坚持以习近平法治思想为指导。\n" + BODY,
        "青川区",
        "云州市",
        "区",
        2023,
    ),
    "a city whose name ends in 州, alone": (
        "云州市人民政府2024年度法治政府建设情况报告\n"
        "  • 索引号:QZ-2025-00036\n  • 发布机构:云州市人民政府\n  • 发布日期:2025-03-28\n"
        "  • 云州市人民政府2024年度法治政府建设情况报告\n"
        "    2024年,云州市在省委、省政府的正确领导下,全面推进法治政府建设。\n" + BODY,
        "云州市",
        None,
        "市",
        2024,
    ),
    "a site's footer above the title": (
        "Copyright © 2021 石门市司法局 京ICP备00000000号 网站标识码:0000000000\n"
        "京公网安备 00000000000000号\n"
        "石门市司法局关于2024年度法治政府建设情况的报告\n"
        "2024年,市司法局坚持以习近平法治思想为指导,不断深化依法行政实践,各项工作取得明显成效。\n"
        + BODY,
        "石门市司法局",
        "石门市",
        "部门",
        2024,
    ),
    "a site's banner and stray words above the title": (
        "欢乐娱乐在线官网@\n\n图片\n\n石门 ? 青川欢迎您! 用户登录 网站无障碍 适老版\nimg\n\n"
        "柳溪街道2024年度法治政府建设情况报告\n发布日期:2025-01-15 16:12:17\n\n"
        "2024年,柳溪街道坚持依法行政,持续推动法治政府建设提质增效。\n" + BODY,
        "柳溪街道",
        None,
        "街道",
        2024,
    ),
    "a title split over lines and repeated below": (
        "环球在线\n\n关于2024年度杏园街道法治政府建设 情况的报告\n\n"
        "关于2024年度杏园街道法治政府建设\n\n情况的报告\n\n"
        "2024年,杏园街道在区委、区政府的统一领导下,细致落实各项法治建设任务。\n" + BODY,
        "杏园街道",
        None,
        "街道",
        2024,
    ),
    # ------------------------------------------------------------- shapes of round 2
    "a district whose own name holds a level character, its topic before the predicate": (
        "2025年是实施五年规划的最后一年。在市委、市政府的坚强领导下,南市区法治建设工作以"
        "依法行政为主线,统筹推进各项改革。\n" + BODY,
        "南市区",
        None,
        "区",
        2025,
    ),
    "a street whose own name holds a level character, 街道办事处 as the subject": (
        "2023年,在区委、区政府的领导下,北市街道办事处坚持依法行政,认真统筹法治建设。"
        "现将2023年法治政府建设情况报告如下:\n" + BODY,
        "北市街道",
        None,
        "街道",
        2023,
    ),
    "a department of a district whose name holds a level character": (
        "南市区统计局2024年法治政府建设年度报告\n2024年,我局坚持依法统计。\n" + BODY,
        "南市区统计局",
        "南市区",
        "部门",
        2024,
    ),
    "a prefecture written 某州": (
        "云岭州人民政府2024年度法治政府建设情况报告\n2024年,云岭州人民政府坚持依法行政。\n" + BODY,
        "云岭州",
        None,
        "州",
        2024,
    ),
    "an autonomous prefecture": (
        "青山藏族自治州2024年法治政府建设年度报告\n2024年,全州坚持依法行政。\n" + BODY,
        "青山藏族自治州",
        None,
        "州",
        2024,
    ),
    "a township written 苏木": (
        "2024年,白音苏木坚持以习近平法治思想为指导,推进基层依法治理。\n" + BODY,
        "白音苏木",
        None,
        "乡",
        2024,
    ),
    "a department whose name joins two fields with 和": (
        "2024年,青石县住房和城乡建设局坚持依法行政,规范执法行为。\n" + BODY,
        "青石县住房和城乡建设局",
        "青石县",
        "部门",
        2024,
    ),
    "the government's office is a department": (
        "2024年,青石县人民政府办公室紧紧围绕县委、县政府中心工作,推进依法行政。\n" + BODY,
        "青石县人民政府办公室",
        "青石县",
        "部门",
        2024,
    ),
    "a town and its organs, the predicate a verb the genre uses": (
        "2024年,青石县白沙镇党委、政府团结带领全镇干部群众,扎实推进法治政府建设。\n" + BODY,
        "白沙镇",
        "青石县",
        "镇",
        2024,
    ),
    "the year and the subject without a comma": (
        "2024年石门市交通运输局在市委、市政府的领导下,全面推进依法行政。\n" + BODY,
        "石门市交通运输局",
        "石门市",
        "部门",
        2024,
    ),
    "the subject after a clause of circumstances that ends in 下": (
        "2024年,在县委、县政府和县法治办的关心和支持下,云溪乡坚持依法行政,全年未发生行政败诉。\n"
        + BODY,
        "云溪乡",
        None,
        "乡",
        2024,
    ),
    "a county named with one character": (
        "2024年,苇县坚持以习近平法治思想为指导,全面推进法治政府建设。\n" + BODY,
        "苇县",
        None,
        "县",
        2024,
    ),
    "places whose names begin like a common noun": (
        "2024年以来,城南镇在山口县委、县政府的领导下,坚持依法行政。\n" + BODY,
        "城南镇",
        "山口县",
        "镇",
        2024,
    ),
    "a department in its fullest form as the page's source": (
        "青川区统计局2023年法治政府建设年度报告\n发布时间 : 2024-01-08 09:30来源 : 石门市青川区统计局\n"
        "2023年,在区委区政府的领导下,区统计局坚持依法统计。\n" + BODY,
        "石门市青川区统计局",
        "青川区",
        "部门",
        2023,
    ),
    "a bar table, then a title whose start is broken over a line, then the issuer": (
        "索 引 号: | QS01/2025-00007 | 成文日期: | 2025-02-10 |\n"
        "文件编号: | 无 | 发布机构: | 区林业局 |\n统一编号: | 有效性: | 有效 |\n"
        "青川区林业局2024年度\n法治政府建设工作报告\n青川区林业局\n"
        "2024年,我局坚持依法行政,全面履行林业管理职责。\n" + BODY,
        "青川区林业局",
        "青川区",
        "部门",
        2024,
    ),
    "pinyin glosses a converter wrote after traditional characters": (
        "東湖區(qū)人民政府關(guān)于2024年法治政府建設(shè)情況的報(bào)告\n"
        "發(fā)布日期:2025-03-12 09:18\n"
        "2024年,東湖區(qū)堅(jiān)持依法行政。\n" + BODY,
        "東湖區",
        None,
        "区",
        2024,
    ),
    "metadata labels with spaced-out keys and no values above the title": (
        "索 引 号:\n发文字号:\n时  效:\n名  称:\n青石县市场监管局2024年度法治政府建设述法报告\n"
        "发布时间:2025-01-20 09:00来源:\n一、主要负责人履行职责情况\n局长认真履行第一责任人职责。\n"
        + BODY,
        "青石县市场监管局",
        "青石县",
        "部门",
        2024,
    ),
    "a document number before the title, of the next year": (
        "[青政发〔2025〕3号]青石市人民政府关于2024年法治政府建设情况的报告\n市委：\n"
        "2024年，市政府坚持依法行政。\n" + BODY,
        "青石市",
        None,
        "市",
        2024,
    ),
    "the subject's leading group in the first sentence, no title": (
        "2024年，柳溪街道领导班子始终坚持依法行政，扎实履行法治建设职责。\n" + BODY,
        "柳溪街道",
        None,
        "街道",
        2024,
    ),
    "a prefecture named by its short form, in traditional characters": (
        "2023年,和州黨委、政府堅持依法行政,全面推進法治政府建設。\n" + BODY,
        "和州",
        None,
        "州",
        2023,
    ),
    "a site's tag around the name, a year in Chinese numerals": (
        "【白沙镇】二〇二四年度法治政府建设工作报告\n2024年,我镇坚持依法行政。\n" + BODY,
        "白沙镇",
        None,
        "镇",
        2024,
    ),
}


@pytest.mark.parametrize("shape", sorted(SHAPES))
def test_issuer_level_and_year_on_a_real_page(shape: str) -> None:
    text, entity, parent, level, year = SHAPES[shape]

    report = load_report(text)

    assert (report.entity, report.parent_entity, report.level) == (entity, parent, level)
    assert report.year == year


@pytest.mark.parametrize("shape", sorted(SHAPES))
def test_labels_and_banners_never_become_the_issuer_or_the_content(shape: str) -> None:
    report = load_report(SHAPES[shape][0])
    summary = summarize_offline(report)

    for furniture in ("索引号", "主题分类", "发布机构", "发布日期", "ICP备", "网站无障碍", "img"):
        assert furniture not in report.text
    assert not any(
        word in (summary.entity or "")
        for word in ("市政府并报", "区委区", "在市", "和省", "关于", "欢迎")
    )


TITLES = {
    "a bullet list of labels, values on bullets of their own, then the title": (
        "青石县人民政府关于2024年法治政府建设情况的报告"
    ),
    "labels with a colon, each value on an indented line below": "白沙镇2023年度法治政府建设工作报告",
    "a site's footer above the title": "石门市司法局关于2024年度法治政府建设情况的报告",
    "a site's banner and stray words above the title": "柳溪街道2024年度法治政府建设情况报告",
    "the whole page on one line: joint issuers, an addressee, the body": (
        "中共白沙镇委员会白沙镇人民政府关于报送2024年度法治政府建设情况的报告"
    ),
    "a title split over lines and repeated below": "关于2024年度杏园街道法治政府建设 情况的报告",
    "a bar table, then a title whose start is broken over a line, then the issuer": (
        "青川区林业局2024年度法治政府建设工作报告"
    ),
    "pinyin glosses a converter wrote after traditional characters": (
        "東湖區人民政府關于2024年法治政府建設情況的報告"
    ),
}


@pytest.mark.parametrize("shape", sorted(TITLES))
def test_the_title_is_found_below_the_pages_furniture(shape: str) -> None:
    report = load_report(SHAPES[shape][0])

    assert report.title == TITLES[shape]


def test_a_repeated_title_is_no_part_of_the_preamble() -> None:
    report = load_report(SHAPES["a title split over lines and repeated below"][0])

    (preamble,) = report.sections_of("preamble")
    assert preamble.body(report.text).lstrip().startswith("2024年,杏园街道")


def test_an_addressee_line_is_not_the_issuer() -> None:
    report = load_report(
        "中共青石县委、青石县人民政府：\n"
        "2024年，白沙镇坚持以习近平法治思想为指导，全面推进依法行政。\n" + BODY
    )

    assert (report.entity, report.level) == ("白沙镇", "镇")
    assert report.title is None


# ------------------------------------------------------------- reports that never name themselves

#: name -> (text, level): the text speaks of itself only as 我局 / 我镇 / 市政府 / 全省 …
UNNAMED = {
    "我局 in the reporting sentence": (
        "现将我局2023年法治政府建设工作情况报告如下。\n一、全面学习贯彻习近平法治思想。"
        "召开局党组会专题学习3次。\n",
        "部门",
    ),
    "我镇 under a new area's committee": (
        "在青石新区党工委、管委会的领导下,我镇持续深化法治政府建设,在2023年工作基础上稳步提升。"
        "现将我镇2024年法治政府建设情况报告如下。\n" + BODY,
        "镇",
    ),
    "我县, the county only in a training class's name": (
        "2023年,在县委、县政府的正确领导下,我县坚持依法行政。举办青石县中青年干部法治培训班2期。\n"
        + BODY,
        "县",
    ),
    "市政府 as the subject": (
        "2024年,市政府坚持以习近平法治思想为指导,全市法治政府建设取得明显成效。\n" + BODY,
        "市",
    ),
    "现将省政府…": (
        "根据督察工作规定要求,现将省政府2023年度法治政府建设情况报告如下。\n"
        "一、主要工作\n（一）制定我省法学教育重点举措20条。\n",
        "省",
    ),
    "全省 only": (
        "2023年,全省法治政府建设工作坚持以习近平法治思想为指导,全省各项工作取得新成效。\n" + BODY,
        "省",
    ),
    "我区": ("2024年,我区坚持依法行政,全区法治政府建设取得新进展。\n" + BODY, "区"),
    "我乡": ("2024年以来,我乡始终坚持依法行政。\n" + BODY, "乡"),
    "我镇 after a long heading the converter ran into its body": (
        "2024年,在区委、区政府的领导下,我镇坚持依法行政。\n"
        "一、认真落实上级关于法治建设各项重大部署推动法治青石建设的具体举措我镇始终把学法摆在首位,"
        "切实抓好各项任务落实。\n",
        "镇",
    ),
    "全街 only, the street's name only in a kindergarten's": (
        "一、主要举措和成效\n（一）优化政务服务\n全街建成便民服务站12个,"
        "完成柳溪街道幼儿园转隶工作。结合街道实际梳理履职事项86项。\n",
        "街道",
    ),
    "我镇, the county only as the subject of a meeting": (
        "2024年,青石县法治政府建设工作会议召开后,我镇迅速行动,逐项抓好落实。\n" + BODY,
        "镇",
    ),
    "我镇, the county's bureau as the subject of a later sentence": (
        "2024年,我镇认真落实上级部署。青石县司法局坚持指导我镇开展普法工作。\n" + BODY,
        "镇",
    ),
    "我街道, a community as the subject of a clause": (
        "2024年,我街道坚持依法行政,柳溪社区坚持开展矛盾纠纷排查。\n" + BODY,
        "街道",
    ),
    "我区, the district's bureau in a clause": (
        "2024年,我区坚持以习近平法治思想为指导,青川区司法局积极履行法治督察职责。\n" + BODY,
        "区",
    ),
    "我县, the county named only after 为": (
        "2024年,我县坚持依法行政,为青石县高质量发展提供坚实法治保障。\n" + BODY,
        "县",
    ),
    "我镇, the page's source another body": (
        "来源：青石县司法局\n2024年,我镇坚持依法行政,全年召开学法会议6次。\n" + BODY,
        "镇",
    ),
    "全旗 only": ("2024年,全旗法治政府建设扎实推进,全旗各项工作取得新成效。\n" + BODY, "县"),
}


@pytest.mark.parametrize("shape", sorted(UNNAMED))
def test_a_report_that_never_names_itself_has_no_issuer_but_its_level(shape: str) -> None:
    text, level = UNNAMED[shape]

    report = load_report(text)

    assert (report.entity, report.level) == (None, level)


def test_the_reporting_sentence_names_the_year_over_the_year_it_builds_on() -> None:
    report = load_report(UNNAMED["我镇 under a new area's committee"][0])

    assert report.year == 2024


def test_autonomous_region_alone_is_a_level_word_never_the_issuer() -> None:
    text = "2024年,全区各级人民政府坚持依法行政。\n(一)坚持党的领导。自治区人民政府严格落实报告制度。\n"
    assert load_report(text + BODY).entity is None
