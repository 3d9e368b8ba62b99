"""Character-level normalisation that keeps offsets.

``fold`` maps a text to a same-length text in which full-width ASCII is half-width, the
many middle dots are one, and common traditional characters are simplified. Every
detector in the library runs on the folded text and reports spans that are valid in the
original, because the mapping is strictly one character to one character.
"""

from __future__ import annotations

import re

__all__ = ["chinese_to_number", "fold", "simplify", "squash"]

# Traditional -> simplified, one character to one character. It covers the vocabulary of
# the genre (section headings, units, approximation words, entity suffixes, categories);
# a general converter such as OpenCC may change lengths and would break spans.
_TRADITIONAL = (
    "設報開況問題計劃舉黨負責進職會議發傳單餘萬億個場項條處張鄉鎮縣區時調糾紛學習訓實現與為對關於務機構規範審執權監數"
    "據網絡體點應險隱導領組織動優營環層級檢驗證書圖館員幹長門廣眾衆覺識顧請說話語讀論總結細紀經濟質難熱線從來後這們無"
    "還過達約參戶講標準確認積極續護衛財產並爭戰鬥勵幫親歷貫徹鑒專稱風氣陣軍運車輛罰辦綜統籌協聯繫係歸類華國憲廳資訊電"
    "視頻聽鄰裡裏婦兒義償勞創圍濃懸掛橫額費稅徵價錢間隊課節頭帶樹備訴訟複訪決將嚴則製訂廢繼強鞏當隨顯態勢穩維築礎愛銷"
    "觀養鬆緊腳錄記儀裝証臺號碼檔賬帳陳舊歲兩幾雙狀響漸傷災測預讓給須該轉變換遠邊際輔慮憂慣盡擔壓寫畫緩觸擊鬧擁擴術藝"
    "團圓園爾雜飯莊齊齒貨購買賣貸郵週遞選醫藥療鏈緝毒禍評聞聲誠謝誤譜讚詢詳誌諸謀謂謊謹譯豐貧貴賠賦輕較載輯辯農醬釋針"
    "鋼鍵鐵閉閱闊階雞離頒顆飛驅魚鳥麗麥黃齡龍龜衝溝滬滿漁滅濕濱瀏灣燈燒爐獎獨獲畢異盤盧礙禮禦禪窮競筆簡糧紅納紙終絕絲"
    "綠綱緒編練績繁繩罷羅聖聰肅脅腦臨興艦葉蔣蘇補襲見覽討許診詞試詩誇誰談諮諾警譽豈豎豬貝貢販貪貯貼貿賀賃賓賜賞賢賤賭"
    "賴賽贈贊趕趙趨跡踐蹤躍軌軒軟軸輝輪輸轄轟辭迴連遊違遙適遲遷遺遼邁鄭酬醜釀釣鈴鉛銀銅銳鋒鋪錦錯鍋鍛鎖鏡鐘鑄鑑閃閒閘"
    "闆闖闡陽陰陸隻雖雛雲霧靈靜頁頂順頌頓頗顏願颱飢飲飼飽飾首馬馭駐駕騎騙騰驚髒鬱魯鮮鳴鴻鵬鷹鹽齋龐"
    "繞堅匯斷種夠東屆紮別業壇廟內樣牽蓋獻彙揮縮師冊檻厲沒復綫慶産欄樂崗楓橋呂鏞鶴榮廈諧縱煉撐徑瀆汙銜減攬緻錨奮擺掃惡"
    "簽瑤倉吳啓鸚鵡閑壯潤傾詐邏寬饋庫壩潔屬湯醞粵薦紹奬娛縝懷膽穎潛爛儲錘輿憑艱曉驟亂滲鑿暫勝歡漢偉塊巒藍締篤懲疇瑩礦"
    "壞燦漲滯濤濫潰攤擬擾撥擇擋摯擠擲壘墾奪婁屢嶺幣廠廬悅愷慚慘懇戀戲挾捨揀損搖搶撫撿敘敵斂斃晝暢曠殺氫淚淺渙滄漿潑澆"
    "澤濁濺瀉瀕灑煙燭牆獄獅獸璽瓊畝疊瘡癢盜盞矚祿秈稈窩竊筍篩籃籠紋紗紡紳絆絳絞絹綁綏綴緋緣緯縫繪繳繹羥翹聳聾脈脫腎腫"
    "膚膠臉艙蕭薩蘊蘭虛蟲蠶襖訛訣詠詫誕誘誨誼諒諜諫諭謁謄謎謙謠謬譏譚譴貓貞貳貶貽賄賈賊賑賺贏贓贖贛踴蹕蹺躉軀軋軻軾輩"
    "輻輾轅轍轎辮鄒鄧鈍鈔鈣鉗銘鋁錐鎳鏟鐮鑰鑼閔閣閥隸雋靂靚頃頑頡頤頰頸顛颳飄餅餓餞餡饒馮馱馳馴駁駛駝駭駱驕驢鬍鯉鯨鳳"
    "鴉鴨鵝鶯鹵鹹黴佈"
)
_SIMPLIFIED = (
    "设报开况问题计划举党负责进职会议发传单余万亿个场项条处张乡镇县区时调纠纷学习训实现与为对关于务机构规范审执权监数"
    "据网络体点应险隐导领组织动优营环层级检验证书图馆员干长门广众众觉识顾请说话语读论总结细纪经济质难热线从来后这们无"
    "还过达约参户讲标准确认积极续护卫财产并争战斗励帮亲历贯彻鉴专称风气阵军运车辆罚办综统筹协联系系归类华国宪厅资讯电"
    "视频听邻里里妇儿义偿劳创围浓悬挂横额费税征价钱间队课节头带树备诉讼复访决将严则制订废继强巩当随显态势稳维筑础爱销"
    "观养松紧脚录记仪装证台号码档账帐陈旧岁两几双状响渐伤灾测预让给须该转变换远边际辅虑忧惯尽担压写画缓触击闹拥扩术艺"
    "团圆园尔杂饭庄齐齿货购买卖贷邮周递选医药疗链缉毒祸评闻声诚谢误谱赞询详志诸谋谓谎谨译丰贫贵赔赋轻较载辑辩农酱释针"
    "钢键铁闭阅阔阶鸡离颁颗飞驱鱼鸟丽麦黄龄龙龟冲沟沪满渔灭湿滨浏湾灯烧炉奖独获毕异盘卢碍礼御禅穷竞笔简粮红纳纸终绝丝"
    "绿纲绪编练绩繁绳罢罗圣聪肃胁脑临兴舰叶蒋苏补袭见览讨许诊词试诗夸谁谈咨诺警誉岂竖猪贝贡贩贪贮贴贸贺赁宾赐赏贤贱赌"
    "赖赛赠赞赶赵趋迹践踪跃轨轩软轴辉轮输辖轰辞回连游违遥适迟迁遗辽迈郑酬丑酿钓铃铅银铜锐锋铺锦错锅锻锁镜钟铸鉴闪闲闸"
    "板闯阐阳阴陆只虽雏云雾灵静页顶顺颂顿颇颜愿台饥饮饲饱饰首马驭驻驾骑骗腾惊脏郁鲁鲜鸣鸿鹏鹰盐斋庞"
    "绕坚汇断种够东届扎别业坛庙内样牵盖献汇挥缩师册槛厉没复线庆产栏乐岗枫桥吕镛鹤荣厦谐纵炼撑径渎污衔减揽致锚奋摆扫恶"
    "签瑶仓吴启鹦鹉闲壮润倾诈逻宽馈库坝洁属汤酝粤荐绍奖娱缜怀胆颖潜烂储锤舆凭艰晓骤乱渗凿暂胜欢汉伟块峦蓝缔笃惩畴莹矿"
    "坏灿涨滞涛滥溃摊拟扰拨择挡挚挤掷垒垦夺娄屡岭币厂庐悦恺惭惨恳恋戏挟舍拣损摇抢抚捡叙敌敛毙昼畅旷杀氢泪浅涣沧浆泼浇"
    "泽浊溅泻濒洒烟烛墙狱狮兽玺琼亩叠疮痒盗盏瞩禄籼秆窝窃笋筛篮笼纹纱纺绅绊绛绞绢绑绥缀绯缘纬缝绘缴绎羟翘耸聋脉脱肾肿"
    "肤胶脸舱萧萨蕴兰虚虫蚕袄讹诀咏诧诞诱诲谊谅谍谏谕谒誊谜谦谣谬讥谭谴猫贞贰贬贻贿贾贼赈赚赢赃赎赣踊跸跷趸躯轧轲轼辈"
    "辐辗辕辙轿辫邹邓钝钞钙钳铭铝锥镍铲镰钥锣闵阁阀隶隽雳靓顷顽颉颐颊颈颠刮飘饼饿饯馅饶冯驮驰驯驳驶驼骇骆骄驴胡鲤鲸凤"
    "鸦鸭鹅莺卤咸霉布"
)

if len(_TRADITIONAL) != len(_SIMPLIFIED):  # pragma: no cover - guards the table above
    raise RuntimeError("traditional/simplified tables differ in length")

_TABLE: dict[int, str] = {ord(t): s for t, s in zip(_TRADITIONAL, _SIMPLIFIED, strict=False)}
_SCRIPT: dict[int, str] = dict(_TABLE)  # traditional -> simplified only
# Full-width ASCII (！ to ～) -> half-width; ideographic space -> space.
_TABLE.update({code: chr(code - 0xFEE0) for code in range(0xFF01, 0xFF5F)})
_TABLE[0x3000] = " "
# The many middle dots and bullets seen in dates such as “12·4”.
for _dot in "・･‧∙•⋅":
    _TABLE[ord(_dot)] = "·"
# Full-width brackets are folded to ASCII above; corner quotes to curly quotes.
_TABLE[ord("「")] = "“"
_TABLE[ord("」")] = "”"
_TABLE[ord("〇")] = "零"


def simplify(text: str) -> str:
    """Return ``text`` with the same length and traditional characters simplified, nothing else."""
    return text.translate(_SCRIPT)


def fold(text: str) -> str:
    """Return ``text`` with the same length, simplified, half-width and with one middle dot."""
    return text.translate(_TABLE)


_PUNCT_OR_SPACE = re.compile(r"[\s\u3000,，。.、;；:：!！?？\"'“”‘’()（）\[\]【】《》<>〈〉·—\-…]+")


def squash(text: str) -> str:
    """Fold and drop whitespace and punctuation: the key for normalised matching."""
    return _PUNCT_OR_SPACE.sub("", fold(text))


def chinese_to_number(numeral: str) -> float | None:
    """Convert a standard Chinese numeral (一百二十, 两万, 十) to a number; ``None`` if not one.

    Digit runs such as 八五 or 十四五 are not standard numerals and return ``None``.
    """
    if not numeral or re.search(r"[一二两三四五六七八九][一二两三四五六七八九]", numeral):
        return None
    digits = {
        "零": 0,
        "一": 1,
        "二": 2,
        "两": 2,
        "三": 3,
        "四": 4,
        "五": 5,
        "六": 6,
        "七": 7,
        "八": 8,
        "九": 9,
    }
    small_units = {"十": 10, "百": 100, "千": 1000}
    large_units = {"万": 10_000, "亿": 100_000_000}
    total = 0
    section = 0
    number = 0
    seen_any = False
    for char in numeral:
        if char in digits:
            number = digits[char]
            seen_any = True
        elif char in small_units:
            section += (number or 1) * small_units[char]
            number = 0
            seen_any = True
        elif char in large_units:
            if not seen_any:
                return None
            section += number
            total = (
                (total + section) * large_units[char]
                if char == "亿"
                else (total + section * large_units[char])
            )
            section = 0
            number = 0
        else:
            return None
    return float(total + section + number)
