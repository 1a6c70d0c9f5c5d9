"""Word lists for the demo data: Gansu places, invented people and invented schools.

Places are the real prefecture-level cities and county-level districts of Gansu (so the
demo looks like the province it models); people and schools are invented from syllable
lists, so no real person or institution is described.
"""

from __future__ import annotations

import random

#: The 14 prefecture-level divisions of Gansu: (code, name, English name, counties).
#: Jiayuguan has no county-level division; its schools carry the city as their county.
CITIES: tuple[tuple[str, str, str, tuple[str, ...]], ...] = (
    (
        "LZ",
        "兰州市",
        "Lanzhou",
        (
            "城关区",
            "七里河区",
            "西固区",
            "安宁区",
            "红古区",
            "永登县",
            "皋兰县",
            "榆中县",
        ),
    ),
    ("JYG", "嘉峪关市", "Jiayuguan", ()),
    ("JC", "金昌市", "Jinchang", ("金川区", "永昌县")),
    ("BY", "白银市", "Baiyin", ("白银区", "平川区", "靖远县", "会宁县", "景泰县")),
    (
        "TS",
        "天水市",
        "Tianshui",
        (
            "秦州区",
            "麦积区",
            "清水县",
            "秦安县",
            "甘谷县",
            "武山县",
            "张家川回族自治县",
        ),
    ),
    ("WW", "武威市", "Wuwei", ("凉州区", "民勤县", "古浪县", "天祝藏族自治县")),
    (
        "ZY",
        "张掖市",
        "Zhangye",
        ("甘州区", "肃南裕固族自治县", "民乐县", "临泽县", "高台县", "山丹县"),
    ),
    (
        "PL",
        "平凉市",
        "Pingliang",
        ("崆峒区", "泾川县", "灵台县", "崇信县", "华亭市", "庄浪县", "静宁县"),
    ),
    (
        "JQ",
        "酒泉市",
        "Jiuquan",
        (
            "肃州区",
            "金塔县",
            "瓜州县",
            "肃北蒙古族自治县",
            "阿克塞哈萨克族自治县",
            "玉门市",
            "敦煌市",
        ),
    ),
    (
        "QY",
        "庆阳市",
        "Qingyang",
        ("西峰区", "庆城县", "环县", "华池县", "合水县", "正宁县", "宁县", "镇原县"),
    ),
    (
        "DX",
        "定西市",
        "Dingxi",
        ("安定区", "通渭县", "陇西县", "渭源县", "临洮县", "漳县", "岷县"),
    ),
    (
        "LN",
        "陇南市",
        "Longnan",
        (
            "武都区",
            "成县",
            "文县",
            "宕昌县",
            "康县",
            "西和县",
            "礼县",
            "徽县",
            "两当县",
        ),
    ),
    (
        "LX",
        "临夏回族自治州",
        "Linxia Hui Autonomous Prefecture",
        (
            "临夏市",
            "临夏县",
            "康乐县",
            "永靖县",
            "广河县",
            "和政县",
            "东乡族自治县",
            "积石山保安族东乡族撒拉族自治县",
        ),
    ),
    (
        "GN",
        "甘南藏族自治州",
        "Gannan Tibetan Autonomous Prefecture",
        (
            "合作市",
            "临潭县",
            "卓尼县",
            "舟曲县",
            "迭部县",
            "玛曲县",
            "碌曲县",
            "夏河县",
        ),
    ),
)

#: Ethnic groups of Gansu with rough weights (per mille) for students in the demo.
ETHNICITIES: tuple[tuple[str, int], ...] = (
    ("汉族", 900),
    ("回族", 50),
    ("藏族", 22),
    ("东乡族", 12),
    ("土族", 4),
    ("裕固族", 3),
    ("保安族", 2),
    ("撒拉族", 2),
    ("蒙古族", 2),
    ("满族", 3),
)

# Common surnames, the first ones weighted more heavily by repetition.
SURNAMES = (
    "王王王李李李张张张刘刘陈陈杨杨赵黄周吴徐孙马马马胡朱郭何罗高林"
    "郑梁谢唐许冯宋韩邓彭曹曾田萧潘袁蔡蒋余于杜叶程魏苏吕丁任卢姚"
    "沈钟姜崔谭陆范汪廖石金贾韦夏付方邹熊白孟秦邱侯江尹薛闫段雷龙"
    "史陶贺毛郝顾龚邵万覃武钱戴严莫孔向常汤康易乔赖文"
)
GIVEN = (
    "伟芳娜敏静丽强磊军洋勇艳杰娟涛明超秀霞平刚桂英华玉兰萍红娥玲"
    "芬燕彬鹏辉建国文杰浩宇晨阳欣怡思雨梓涵子轩一诺佳琪雪梅海涛志"
    "鑫博瑞嘉慧颖婷雯琳瑶悦蕾昊天宏伟晓东春生永福德荣世鸿嘉祥云峰"
    "亮斌凯旭轩铭泽晗睿哲宁安康乐怡然婧妍"
)
# Tibetan names are usually two given names without a surname.
TIBETAN = (
    "扎西",
    "卓玛",
    "才让",
    "拉毛",
    "多杰",
    "德吉",
    "次仁",
    "央金",
    "旦增",
    "措姆",
    "尕藏",
    "索南",
    "更登",
    "桑吉",
    "完玛",
    "加措",
)
# Hui and Dongxiang students often carry a surname of the region.
HUI_SURNAMES = "马马马马马杨冶妥穆白丁哈沙韩"

UNIVERSITY_PREFIXES = (
    "陇原",
    "河西",
    "祁连",
    "陇东",
    "黄河",
    "丝路",
    "敦煌",
    "陇南",
    "陇中",
    "崆峒",
    "麦积",
    "金城",
    "西陲",
    "雪域",
    "大漠",
    "玉门",
    "阳关",
    "渭源",
    "洮河",
    "焉支",
)
UNIVERSITY_SUFFIXES = (
    "大学",
    "师范大学",
    "理工大学",
    "农业大学",
    "医科大学",
    "财经大学",
    "民族大学",
    "工业大学",
    "交通大学",
    "政法大学",
)
PRIVATE_SUFFIXES = ("科技学院", "应用技术学院", "工商学院", "信息学院")
DEPARTMENTS: tuple[tuple[str, str], ...] = (
    ("文学院", "School of Literature"),
    ("历史文化学院", "School of History and Culture"),
    ("外国语学院", "School of Foreign Languages"),
    ("数学与统计学院", "School of Mathematics and Statistics"),
    ("物理与电子工程学院", "School of Physics and Electronic Engineering"),
    ("化学化工学院", "School of Chemistry and Chemical Engineering"),
    ("生命科学学院", "School of Life Sciences"),
    ("地理与环境科学学院", "School of Geography and Environmental Science"),
    ("计算机科学与工程学院", "School of Computer Science and Engineering"),
    ("机电工程学院", "School of Mechanical and Electrical Engineering"),
    ("土木工程学院", "School of Civil Engineering"),
    ("经济管理学院", "School of Economics and Management"),
    ("法学院", "School of Law"),
    ("马克思主义学院", "School of Marxism"),
    ("教育学院", "School of Education"),
    ("心理学院", "School of Psychology"),
    ("音乐学院", "School of Music"),
    ("美术学院", "School of Fine Arts"),
    ("体育学院", "School of Physical Education"),
    ("新闻传播学院", "School of Journalism and Communication"),
    ("农学院", "School of Agriculture"),
    ("草业学院", "School of Grassland Science"),
    ("民族学与社会学学院", "School of Ethnology and Sociology"),
)
#: Functional departments of a union: (suffix, Chinese name, English name, function).
UNION_DEPARTMENTS: tuple[tuple[str, str, str, str], ...] = (
    ("BGS", "办公室", "General Office", "other"),
    ("QY", "权益部", "Rights Department", "rights"),
    ("XX", "学习部", "Study Department", "other"),
    ("WT", "文体部", "Culture and Sports Department", "other"),
    ("SJ", "实践部", "Social Practice Department", "other"),
    ("ST", "社团部", "Clubs Department", "clubs"),
    ("XC", "宣传部", "Publicity Department", "other"),
    (
        "GJ",
        "港澳台及国际学生部",
        "Hong Kong, Macao, Taiwan and International Students",
        "hmt_international",
    ),
)
CLUBS: tuple[tuple[str, str], ...] = (
    ("书法协会", "Calligraphy Society"),
    ("摄影协会", "Photography Society"),
    ("青年志愿者协会", "Young Volunteers Association"),
    ("辩论社", "Debate Club"),
    ("花儿艺术团", "Hua'er Folk Song Troupe"),
    ("敦煌文化研究社", "Dunhuang Culture Society"),
    ("机器人社", "Robotics Club"),
    ("登山协会", "Mountaineering Club"),
    ("读书会", "Reading Club"),
    ("民族舞蹈团", "Ethnic Dance Troupe"),
    ("天文协会", "Astronomy Society"),
    ("围棋社", "Go Club"),
)


def weighted_ethnicity(rng: random.Random) -> str:
    roll = rng.randrange(1000)
    for name, weight in ETHNICITIES:
        if roll < weight:
            return name
        roll -= weight
    return ETHNICITIES[0][0]


def person_name(rng: random.Random, ethnicity: str) -> str:
    """Return an invented, plausible name for a student of the given ethnic group."""
    if ethnicity == "藏族":
        return rng.choice(TIBETAN) + rng.choice(TIBETAN)
    if ethnicity in ("回族", "东乡族", "保安族", "撒拉族"):
        surname = rng.choice(HUI_SURNAMES)
    else:
        surname = rng.choice(SURNAMES)
    given = (
        rng.choice(GIVEN)
        if rng.random() < 0.3
        else rng.choice(GIVEN) + rng.choice(GIVEN)
    )
    return surname + given
