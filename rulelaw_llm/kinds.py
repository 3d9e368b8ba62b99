"""The controlled vocabulary of indicator kinds: what these reports count, one key per measure.

Every indicator's name is free text from its own sentence (召开4次法治专题学习会议,
全年开展中心组专题学法8次, 组织干部职工学习相关内容10余次); its *kind* says which measure of
the vocabulary it states (``collective_law_study``, 集体学法次数), so that the same measure can
be compared across reports. The kinds were found by reading what the five samples and the
development corpus of real reports (bench/realworld, the ``dev`` split) actually count, not
invented; four (行政复议、行政诉讼、出庭应诉率、法律援助) are measures the national outline and
the reports name without the development corpus counting them yet (``Kind.seen`` is empty).

Each kind has

- ``key``: a stable machine key, and ``label``: its Chinese name;
- ``family``: its unit family (``FAMILIES``: 次/场, 人/人次, 件/起, 份/册, 项/个, %, 元, 户, 年),
  and the units it accepts (the family's, plus a few the reports use for this measure:
  合法性审查36次 counts reviews in 次). An indicator whose unit is not among them is not of
  this kind;
- ``category``: the key of ``rulelaw_llm.categories.CATEGORIES`` it belongs to;
- ``words``: the words that support it (in the indicator's name, its clause, its sentence or
  the heading of its item; the rules weigh them, ``rulelaw_llm.rules.measures``).

``other`` is for a number no kind fits. Values are compared in the family's base unit
(``to_base``): 万元 → 元, 万人次 → 人次; a count of 人 or 名 is a count of 人次 (one person
once), 场 and 期 count as 次.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Literal, get_args

from rulelaw_llm.categories import CATEGORIES, CategoryKey

__all__ = [
    "FAMILIES",
    "KINDS",
    "Family",
    "FamilyKey",
    "Kind",
    "KindKey",
    "fits",
    "fold_unit",
    "kind_label",
    "kind_table",
    "kind_units",
    "to_base",
    "unit_family",
]

FamilyKey = Literal[
    "times", "persons", "cases", "copies", "items", "rate", "money", "households", "years"
]


@dataclass(frozen=True, slots=True)
class Family:
    """A unit family: the units that count the same thing, and the one they are summed in."""

    key: FamilyKey
    label: str
    base: str
    """The base unit: values of the family are compared and summed in it."""
    units: tuple[str, ...]
    """The units of the family (each unit belongs to one family)."""


#: The unit families, each unit in exactly one.
FAMILIES: dict[str, Family] = {
    family.key: family
    for family in (
        Family(
            "times",
            "次/场",
            "次",
            ("次", "场", "场次", "期", "轮", "批", "批次", "堂", "节", "届", "遍", "班次"),
        ),
        Family("persons", "人/人次", "人次", ("人次", "人", "名", "位")),
        Family("cases", "件/起", "件", ("件", "起", "宗", "例", "件次", "笔")),
        Family(
            "copies",
            "份/册",
            "份",
            ("份", "册", "本", "张", "幅", "条", "篇", "套", "部", "卷", "块", "面", "封", "首"),
        ),
        Family("items", "项/个", "个", ("个", "项", "处", "家", "支", "类", "所", "座", "间")),
        Family("rate", "%", "%", ("%",)),
        Family("money", "元", "元", ("元",)),
        Family("households", "户", "户", ("户", "户次")),
        Family("years", "年", "年", ("年",)),
    )
}

_UNIT_FAMILY: dict[str, str] = {unit: key for key, f in FAMILIES.items() for unit in f.units}
assert len(_UNIT_FAMILY) == sum(len(f.units) for f in FAMILIES.values()), "a unit in two families"

#: Traditional forms and full-width signs of the units (the reports' own spelling).
_UNIT_FOLD = str.maketrans(
    {"個": "个", "項": "项", "類": "类", "場": "场", "條": "条", "張": "张", "處": "处",
     "冊": "册", "戶": "户", "筆": "笔", "萬": "万", "億": "亿", "％": "%", "﹪": "%"}
)  # fmt: skip
#: Scales a unit may still carry (a results file written by hand, or 万元 in a gold file).
_SCALES = {"万": 10_000.0, "亿": 100_000_000.0, "千": 1_000.0}

KindKey = Literal[
    "rule_of_law_meetings",
    "supervision_inspections",
    "units_assessed",
    "rectified_problems",
    "leaders_reporting_on_law",
    "key_tasks",
    "demonstration_units",
    "honours_years",
    "field_research",
    "collective_law_study",
    "law_training_sessions",
    "law_training_participants",
    "law_exam_rate",
    "study_writings",
    "study_materials",
    "enforcement_officers",
    "enforcement_staff_rate",
    "enforcement_cases",
    "enforcement_actions",
    "enforcement_rate",
    "enforcement_teams",
    "fines_and_fees",
    "funding",
    "rectification_sites",
    "disputes_screened",
    "disputes_resolved",
    "dispute_resolution_rate",
    "petitions",
    "petitioners",
    "admin_reconsideration_cases",
    "admin_litigation_cases",
    "court_appearance_rate",
    "safety_inspections",
    "emergency_drills",
    "personnel_deployed",
    "legal_consultations",
    "legal_aid_cases",
    "legal_service_activities",
    "legality_reviews",
    "major_decisions",
    "legal_advisers",
    "legal_adviser_coverage_rate",
    "normative_documents",
    "document_cleanups",
    "legislative_opinions",
    "service_matters",
    "services_handled",
    "hotline_requests",
    "completion_rate",
    "information_disclosed",
    "disclosure_requests",
    "publicity_events",
    "publicity_audience",
    "publicity_materials",
    "banners",
    "publicity_posts",
    "publicity_venues",
    "units_covered",
    "other",
]


@dataclass(frozen=True, slots=True)
class Kind:
    """One measure of the vocabulary."""

    key: KindKey
    label: str
    family: FamilyKey | None
    """``None`` only for ``other`` (any unit)."""
    category: CategoryKey
    words: tuple[str, ...]
    """Words that support the kind; a longer word is stronger evidence."""
    extra_units: tuple[str, ...] = ()
    """Units of other families the reports use for this measure (counted in its base unit)."""
    seen: tuple[str, ...] = ()
    """How the samples and the development corpus name it (gold ``what`` labels)."""
    counted_in: str | None = None
    """The unit its values are stated in when not the family's base (执法人员 in 人, not 人次;
    宣传横幅 in 条): every unit of the family counts as one of it."""

    @property
    def base(self) -> str:
        """The unit the kind's values are compared and summed in."""
        if self.counted_in:
            return self.counted_in
        return FAMILIES[self.family].base if self.family else ""

    @property
    def units(self) -> tuple[str, ...]:
        """Every unit this kind accepts."""
        family = FAMILIES[self.family].units if self.family else ()
        return family + self.extra_units


def _kind(
    key: KindKey,
    label: str,
    family: FamilyKey | None,
    category: CategoryKey,
    words: str,
    *,
    extra: str = "",
    seen: str = "",
    counted_in: str | None = None,
) -> Kind:
    words_, extra_, seen_ = tuple(words.split()), tuple(extra.split()), tuple(seen.split())
    return Kind(key, label, family, category, words_, extra_, seen_, counted_in)


#: key -> kind, grouped by category in the order of the national outline.
KINDS: dict[str, Kind] = {
    kind.key: kind
    for kind in (
        # 组织领导与第一责任人
        _kind(
            "rule_of_law_meetings",
            "研究部署法治工作会议次数",
            "times",
            "leadership",
            "会议 专题会 专题会议 党委会 党组会 党组会议 党工委会 常委会 常务会 局务会 办公会"
            " 部署会 推进会 例会 联席会 工作会 委员会会议 研究部署 研究解决 听取 汇报 主持召开",
            seen="法治政府建设部署会 党组会 专题会议 专题党委会 依法治镇委员会会议 政府常务会",
        ),
        _kind(
            "supervision_inspections",
            "法治督察（督查、考核、评查）次数",
            "times",
            "leadership",
            "督查 专项督查 督察 督导 督办 巡察 专项监督 监督检查 评查 案卷评查 考核 考评 评估 评议"
            " 明察暗访 专项检查",
            seen="专项督查 三项制度专项督查 专项监督 案卷评查",
        ),
        _kind(
            "units_assessed",
            "法治考核（督察）单位数",
            "items",
            "leadership",
            "考核 考评 督察 巡察 测评 评估 单位 重点单位 省直单位 乡镇 部门 全覆盖",
            extra="市 县",
            seen="法治建设考核单位 巡察重点单位 考评单位 督察省直单位",
        ),
        _kind(
            "rectified_problems",
            "发现、整改（解决）问题数",
            "items",
            "leadership",
            "整改 整改问题 解决 破解 难点 难题 反馈 巡察反馈 检视 销号 隐患问题",
            extra="条 次",
            seen="整改问题 通报整改问题 巡察反馈问题 整改法律问题 解决实际问题",
        ),
        _kind(
            "leaders_reporting_on_law",
            "述法（履职测评）人数",
            "persons",
            "leadership",
            "述法 述职 第一责任人 主要负责人 负责同志 测评 履职",
            seen="单独述法人数 测评党政主要负责人",
            counted_in="人",
        ),
        _kind(
            "key_tasks",
            "重点任务（改革举措、实事项目）数",
            "items",
            "leadership",
            "任务 重点任务 改革任务 任务清单 举措 措施 实事 实事项目 要点 工作要点",
            extra="条 件",
            seen="重点任务清单 年初设立重点任务 改革任务 法治为民办实事项目",
            counted_in="项",
        ),
        _kind(
            "demonstration_units",
            "法治示范创建（试点、先进）数",
            "items",
            "leadership",
            "示范 创建 试点 先进 品牌 最佳实践 命名 评为 获评 四强 示范点 示范村",
            seen="示范地区(单位) 示范项目 四强党支部 法治医院创建试点",
        ),
        _kind(
            "honours_years",
            "连续获评优秀（领先）年数",
            "years",
            "leadership",
            "连续 获评 优秀 等次 前五 前列 第一 先进 考核",
            extra="次",
            seen="连续获评年数 考核优秀连续年数 连续获评优秀年数 稳居前五次数",
        ),
        _kind(
            "field_research",
            "调研走访次数",
            "times",
            "leadership",
            "调研 调查研究 走访 蹲点 实地 深入基层",
            seen="各村调研 调查研究 走访帮教人员",
        ),
        # 学法用法与能力建设
        _kind(
            "collective_law_study",
            "集体学法（专题学习）次数",
            "times",
            "legal_learning",
            "学法 学习 集体学习 集中学习 专题学习 学习会 学习会议 中心组 理论学习 第一议题"
            " 会前学法 专题学法 研讨 交流研讨 读书 党课 学习贯彻 干部",
            seen="法治专题学习 中心组专题学法 干部集中学法 党委中心组专题学习 会前学法",
        ),
        _kind(
            "law_training_sessions",
            "法治培训（讲座）场次",
            "times",
            "legal_learning",
            "培训 培训班 专题培训 业务培训 执法培训 轮训 轮训班 讲座 讲堂 大讲堂 研讨班"
            " 警示教育 专题辅导 辅导会 辅导讲座 课程 党校 干部 执法人员 讲坛 考试 专题考试 测试"
            " 旁听 旁听庭审 考法",
            seen="执法人员业务培训 执法规范化培训 法治讲座 新时代法治大讲堂 法治专题培训班",
        ),
        _kind(
            "law_training_participants",
            "法治培训（学法考试）人次",
            "persons",
            "legal_learning",
            "培训 参训 受训 学员 培训人员 参训人员 参加培训 参与学习 学习人数 考试 参考 讲座 党校"
            " 考法 旁听 旁听庭审",
            seen="培训人员 受训人数 参训人员 培训学员 参训党员干部 参加法治考试教职工",
        ),
        _kind(
            "law_exam_rate",
            "学法考试（培训）参考率、合格率",
            "rate",
            "legal_learning",
            "考试 参考率 合格率 通过率 优秀率 及格率 学法考试 培训覆盖率 参训率 培训",
            seen="在线考试通过率 参考率、合格率 执法资格证参考率 培训覆盖率",
        ),
        _kind(
            "study_writings",
            "学习心得（研讨、交流材料）篇数",
            "copies",
            "legal_learning",
            "心得 体会 心得体会 发言 交流发言 研讨材料 交流材料 文章 稿件 学习稿件 论文 学习体会",
            seen="心得体会 交流发言材料 学习体会文章 学习稿件",
            counted_in="篇",
        ),
        _kind(
            "study_materials",
            "学法资料（法规汇编）份数",
            "copies",
            "legal_learning",
            "学习资料 学法资料 汇编 学法清单 收录 编印 法律法规 党内法规 规章 读本 应知应会"
            " 书籍 辅导材料 学习材料",
            seen="学习资料 党内法规 国家法律法规 应急管理法律法规规章",
        ),
        # 行政执法
        _kind(
            "enforcement_officers",
            "执法人员（持证）人数",
            "persons",
            "law_enforcement",
            "执法人员 执法队员 持证 执法证 执法资格 行政执法证 法制审核人员 执法力量",
            seen="执法人员 新增持证执法人员 持证工作人员 执法证考试人数",
            counted_in="人",
        ),
        _kind(
            "enforcement_staff_rate",
            "执法人员持证（在岗）率",
            "rate",
            "law_enforcement",
            "持证 持证率 执法证 执法资格 亮证 执法人员 参与率 在岗",
            seen="执法人员持证率 执法人员持证比例 执法参与率",
        ),
        _kind(
            "enforcement_cases",
            "行政执法（处罚）案件数",
            "cases",
            "law_enforcement",
            "案件 处罚 行政处罚 查处 立案 违法行为 执法案件 办理案件 城管 违法 结案",
            seen="行政处罚案件 城管类案件 消防类案件 查处违法行为 立案查处",
        ),
        _kind(
            "enforcement_actions",
            "执法检查（行动、抽查）次数",
            "times",
            "law_enforcement",
            "执法行动 联合执法 检查 执法检查 抽查 联合抽查 双随机 专项整治 整治行动 巡查",
            extra="户次",
            seen="联合执法行动 跨部门联合抽查",
        ),
        _kind(
            "enforcement_rate",
            "执法规范（监管）率",
            "rate",
            "law_enforcement",
            "规范率 合规率 文书 程序 案卷 执法 监管 双随机 抽查 纠错率 监管率",
            seen="文书规范率、程序合规率 双随机监管部门覆盖率 任务完成率",
        ),
        _kind(
            "enforcement_teams",
            "行政执法队伍数",
            "items",
            "law_enforcement",
            "执法队伍 执法队 执法大队 执法机构 执法中队 队伍",
            seen="保留行政执法队伍 撤销行政执法队伍",
            counted_in="支",
        ),
        _kind(
            "fines_and_fees",
            "罚没（征收）金额",
            "money",
            "law_enforcement",
            "罚没 罚款 罚没金额 处罚 征收 规费 收费 费 追缴 挽回",
            seen="罚没金额 征收规费 城镇垃圾处理费",
        ),
        _kind(
            "funding",
            "法治建设经费（投入）金额",
            "money",
            "leadership",
            "经费 投入 预算 资金 保障 专项资金 拨付",
        ),
        _kind(
            "rectification_sites",
            "排查整治（拆除违建）点位数",
            "items",
            "law_enforcement",
            "拆除 违建 违法建设 私搭乱建 整治 排查 院落 点位 隐患点 清理",
            seen="拆除私搭乱建 排查院落",
        ),
        # 矛盾纠纷化解（调解、复议、应诉、信访）
        _kind(
            "disputes_screened",
            "矛盾纠纷排查件数（次数）",
            "cases",
            "dispute_resolution",
            "排查 摸排 矛盾纠纷 纠纷 矛盾 隐患",
            extra="次",
            seen="排查矛盾纠纷 矛盾纠纷排查",
        ),
        _kind(
            "disputes_resolved",
            "化解（调解）矛盾纠纷件数",
            "cases",
            "dispute_resolution",
            "化解 调解 调处 矛盾纠纷 纠纷 矛盾 人民调解 调解成功",
            seen="化解矛盾纠纷 调处矛盾纠纷",
        ),
        _kind(
            "dispute_resolution_rate",
            "矛盾纠纷化解率（调解成功率）",
            "rate",
            "dispute_resolution",
            "化解率 调处率 调解率 成功率 调解成功率 调处成功率 化解 调解 调处 纠纷",
            seen="化解率 调处率 调处成功率",
        ),
        _kind(
            "petitions",
            "信访件数（批次）",
            "cases",
            "dispute_resolution",
            "信访 信访件 来信 来访 上访 赴京访 越级访 访 积案 信访事项",
            extra="批次 批 次",
            seen="受理信访件 已处理解决信访件 正在处理信访件 赴京访批次",
        ),
        _kind(
            "petitioners",
            "信访人次",
            "persons",
            "dispute_resolution",
            "信访 来访 上访 赴京访 越级访 访",
            seen="赴京访人次",
        ),
        _kind(
            "admin_reconsideration_cases",
            "行政复议案件数",
            "cases",
            "dispute_resolution",
            "复议 行政复议 复议案件 收案 纠错",
        ),
        _kind(
            "admin_litigation_cases",
            "行政诉讼（应诉）案件数",
            "cases",
            "dispute_resolution",
            "诉讼 行政诉讼 应诉 被诉 败诉 行政争议 诉讼案件",
        ),
        _kind(
            "court_appearance_rate",
            "行政机关负责人出庭应诉率",
            "rate",
            "dispute_resolution",
            "出庭 应诉 出庭应诉 出庭应诉率 负责人出庭",
        ),
        # 突发事件应对与安全
        _kind(
            "safety_inspections",
            "安全检查（巡逻）次数",
            "times",
            "emergency_safety",
            "安全 安全检查 安全排查 检查 排查 巡逻 治安巡逻 巡查 隐患 消防 安全生产",
            seen="安全排查检查 治安巡逻",
        ),
        _kind(
            "emergency_drills",
            "应急演练次数",
            "times",
            "emergency_safety",
            "演练 应急演练 应急 推演 演习 预案",
            seen="应急演练",
        ),
        _kind(
            "personnel_deployed",
            "出动人员人次",
            "persons",
            "emergency_safety",
            "出动 出动人员 宣传人员 投入力量 志愿者",
            seen="出动人员 宣传人员",
        ),
        # 公共法律服务
        _kind(
            "legal_consultations",
            "法律咨询（公共法律服务）人次",
            "persons",
            "public_legal_services",
            "咨询 法律咨询 解答 接待 办事群众 法律服务 公共法律服务 来访群众 服务群众",
            extra="件 次",
            seen="法律咨询 解答群众咨询 接待办事群众",
        ),
        _kind(
            "legal_aid_cases",
            "法律援助案件数",
            "cases",
            "public_legal_services",
            "法律援助 援助 援助案件 法援",
        ),
        _kind(
            "legal_service_activities",
            "法律服务（顾问坐班、法治体检）次数",
            "times",
            "public_legal_services",
            "坐班 值班 法律服务 法治体检 法律顾问 送法 服务",
            seen="法律顾问坐班值班",
        ),
        # 依法决策（合法性审查、法律顾问）
        _kind(
            "legality_reviews",
            "合法性审查（审核）件数",
            "cases",
            "lawful_decision_making",
            "合法性审查 合法性审核 法制审核 审查 审核 备案审查 合同 协议 文件 决策 把关 前置审查"
            " 法律意见书 意见书",
            extra="次 份 项 类",
            seen="合法性审查 行政决策合法性审查 审查合同文书 村合同合法性审查 审核决策、文件",
        ),
        _kind(
            "major_decisions",
            "重大决策（重大事项）数",
            "items",
            "lawful_decision_making",
            "三重一大 重大 重大决策 重大事项 重大行政决策 集体决策 审议 决策事项 集体研究",
            extra="件 次",
            seen="三重一大事项 依法审议重大事项 重大行政决策",
        ),
        _kind(
            "legal_advisers",
            "法律顾问（公职律师）数",
            "items",
            "lawful_decision_making",
            "法律顾问 律师 公职律师 聘请 选聘 续聘 顾问",
            extra="名 人 位",
            seen="村法律顾问 聘请法律顾问村社 公职律师人数",
        ),
        _kind(
            "legal_adviser_coverage_rate",
            "法律顾问覆盖率",
            "rate",
            "lawful_decision_making",
            "法律顾问 律师 聘请 全覆盖 顾问覆盖率",
            seen="法律顾问覆盖率",
        ),
        # 制度建设与规范性文件
        _kind(
            "normative_documents",
            "规范性文件（制定、备案、评估）件数",
            "cases",
            "institutional_rules",
            "规范性文件 行政规范性文件 文件 备案 报备 备案审查 后评估 政策性文件 草案",
            extra="份 类 项",
            seen="行政规范性文件 审查备案规范性文件 报备文件 备案部门文件 政策性文件草案",
        ),
        _kind(
            "document_cleanups",
            "规范性文件清理次数",
            "times",
            "institutional_rules",
            "清理 专项清理 集中清理 规范性文件 文件清理",
            seen="涉企规范性文件清理 规范性文件专项清理",
        ),
        _kind(
            "legislative_opinions",
            "立法意见（征求意见）件数",
            "cases",
            "institutional_rules",
            "立法 立法意见 征求意见 立法联系点 立法建议 征集意见",
            extra="条",
            seen="立法相关意见 立法征求意见",
        ),
        # 政府职能与放管服/营商环境
        _kind(
            "service_matters",
            "政务服务（权力）事项数",
            "items",
            "government_functions",
            "事项 事项清单 权力清单 职权 职权事项 通办 一网通办 审批 审批事项 政务服务 服务事项 下放",
            extra="件 条",
            seen="同城通办事项 调整职权事项 抽查事项清单",
            counted_in="项",
        ),
        _kind(
            "services_handled",
            "办理审批（政务服务）件数",
            "cases",
            "government_functions",
            "许可 审批 认定 注册 办件 受理 办理 许可证 登记 证照 申请 使用量",
            extra="个",
            seen="教师资格认定 卫生行政许可申请 卫生许可证 医师执业注册 自助服务机使用量",
        ),
        _kind(
            "hotline_requests",
            "群众诉求（热线）件数",
            "cases",
            "government_functions",
            "诉求 热线 12345 8890 接诉即办 工单 流转 民情 投诉 举报",
            seen="8890诉求 掌上基层流转件",
        ),
        _kind(
            "completion_rate",
            "办结率、满意率",
            "rate",
            "government_functions",
            "办结率 满意率 满意度 完成率 按时办结 回复率 应进必进 好评率 办结 通办率 网办率 办理率",
            seen="办结率、满意率 政务服务事项应进必进",
        ),
        # 权力监督与政务公开
        _kind(
            "information_disclosed",
            "主动公开政府信息条数",
            "copies",
            "oversight_transparency",
            "主动公开 信息公开 政务公开 政府信息 公开信息 公开政府信息",
            extra="件",
            seen="主动公开信息 主动公开政府信息",
            counted_in="条",
        ),
        _kind(
            "disclosure_requests",
            "政府信息公开申请件数",
            "cases",
            "oversight_transparency",
            "信息公开申请 依申请公开 公开申请 申请",
            seen="信息公开申请",
        ),
        # 普法宣传
        _kind(
            "publicity_events",
            "普法宣传活动场次",
            "times",
            "legal_publicity",
            "普法 宣传 法治宣传 宣讲 普法活动 宣传活动 法律进 法治进 进校园 进村 进乡村 进社区 进企业"
            " 进家庭 进机关 送法 以案释法"
            " 宪法宣传 讲座 院坝会 宣传教育 法治教育 法制教育 课堂 群众 居民 村民 学生 师生 青少年",
            seen="普法宣传活动 法治宣传活动 法律进校园 主题法治宣传活动 宣讲活动 院坝会",
        ),
        _kind(
            "publicity_audience",
            "普法受众人次",
            "persons",
            "legal_publicity",
            "受众 受教育 受教育群众 群众 居民 村民 学生 师生 青少年 受益 观看 听众 宣传 普法",
            seen="受众人数 受教育群众 覆盖特殊群体",
        ),
        _kind(
            "publicity_materials",
            "宣传资料份数",
            "copies",
            "legal_publicity",
            "宣传资料 宣传材料 宣传单 宣传册 手册 海报 折页 宣传品 宣传物品 物品 资料 小册子"
            " 承诺书 明白纸 读本 宣传海报",
            extra="件 个",
            seen="宣传资料 宣传材料 宣传单（册） 宣传手册 宣传海报 宣传小册子",
        ),
        _kind(
            "banners",
            "宣传横幅（标语）条数",
            "copies",
            "legal_publicity",
            "横幅 标语 条幅 宣传横幅 展板 LED 宣传栏",
            seen="横幅、LED标语 宣传条幅 宣传横幅",
            counted_in="条",
        ),
        _kind(
            "publicity_posts",
            "普法信息（推送、节目）篇数",
            "copies",
            "legal_publicity",
            "信息 推送 公众号 微信 稿件 报道 视频 微视频 节目 专栏 新媒体 短信 宣传信息"
            " LED屏 电子屏 播放 刊发",
            extra="次 期",
            seen="宣传信息 推送普法内容 LED屏宣传 典型案例节目",
            counted_in="条",
        ),
        _kind(
            "publicity_venues",
            "法治宣传阵地数",
            "items",
            "legal_publicity",
            "阵地 书屋 广场 长廊 公园 文化墙 宣传栏 版面 法治文化 基地 宣传阵地 法治角",
            seen="法治书屋 法治文化宣传阵地 村禁毒广场 村禁毒宣传版面",
        ),
        # 其他
        _kind(
            "units_covered",
            "覆盖单位（村、社区）数",
            "items",
            "other",
            "村 行政村 社区 村社 单位 下属单位 乡镇 街道 学校 企业 覆盖 全覆盖",
            seen="行政村 下属单位",
        ),
        _kind("other", "其他", None, "other", ""),
    )
}

assert tuple(KINDS) == get_args(KindKey), "KINDS and KindKey must agree"
assert all(kind.category in CATEGORIES for kind in KINDS.values())


def fold_unit(unit: str) -> str:
    """A unit in its simplified, half-width spelling (個 → 个, ％ → %)."""
    return unit.strip().translate(_UNIT_FOLD)


def _scaled(unit: str) -> tuple[float, str]:
    unit = fold_unit(unit)
    if len(unit) > 1 and unit[0] in _SCALES:
        return _SCALES[unit[0]], unit[1:]
    return 1.0, unit


def unit_family(unit: str) -> FamilyKey | None:
    """The family a unit belongs to (``None`` for a unit of no family: 天, 倍, 公里…)."""
    family = _UNIT_FAMILY.get(_scaled(unit)[1])
    return family  # type: ignore[return-value]


def kind_units(key: str) -> tuple[str, ...]:
    """The units ``key`` accepts (``()`` for ``other``: it takes any unit)."""
    return KINDS[key].units


def fits(key: str, unit: str) -> bool:
    """Whether a number in ``unit`` can be of kind ``key`` (``other`` takes any unit)."""
    kind = KINDS[key]
    return kind.family is None or _scaled(unit)[1] in kind.units


def to_base(key: str, value: float, unit: str) -> tuple[float, str] | None:
    """A value of kind ``key`` in its family's base unit (万元 → 元), or ``None`` if it does not fit.

    ``other`` has no base unit: its values are returned as they are, in their own unit.
    """
    kind = KINDS[key]
    scale, bare = _scaled(unit)
    if kind.family is None:
        return value * scale, bare
    if bare not in kind.units:
        return None
    return value * scale, kind.base


def kind_label(key: str) -> str:
    """The Chinese label of a kind key (``KeyError`` for an unknown key)."""
    return KINDS[key].label


def kind_table(keys: tuple[str, ...] | None = None) -> str:
    """The vocabulary (or ``keys`` of it) as a prompt shows it: ``key：中文名（单位）`` per line."""
    chosen = keys if keys is not None else tuple(KINDS)
    lines = []
    for key in chosen:
        kind = KINDS[key]
        units = f"（{FAMILIES[kind.family].label}）" if kind.family else ""
        lines.append(f"{key}：{kind.label}{units}")
    return "\n".join(lines)
