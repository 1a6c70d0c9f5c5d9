"""The demo's concerns of the term before (RGT-1, "Route"): enough concluded concerns,
forwarded to the office that solved them, for the routing suggestion to show.

The suggestion where to forward a concern (:mod:`tongxue.voice.routing`) learns from the
union's concluded concerns and says nothing before
:data:`~tongxue.domain.rights.routing.MIN_EXAMPLES` (20) of them. The demo's term of
concerns (:mod:`tongxue.demo.voice_texts`) concludes about twenty-five: just enough, and
few of them of the category 其他, which no office takes first and where a suggestion
helps most. These are generated from a few typical problems of the term before (raised
four to five months before the demo's day): the category 其他, received by the union's
rights officer, forwarded to the office that can act (后勤处, 网络信息中心, 教务处,
学生处), answered there and rated 满意 or 基本满意 — each through the services like the
others, on its own days. Deterministic (its own random stream), so the demo's other
concerns are unchanged; a few keep ``tongxue up`` fast (a quarter of a second each).
"""

from __future__ import annotations

import random

from tongxue.demo.voice_texts import Text

#: Its own random stream: the voice demo's (``voice.SEED``) is left untouched.
SEED = 20261108
#: The days before the demo's day the term before's concerns are raised within: before
#: the demo's term of concerns (36 to 118 days), inside the public figures' six months.
OLDEST, NEWEST = 148, 122

#: Typical problems of the category 其他 by the office that solves them: (place, what,
#: the student's detail, the office's answer). ``{n}`` is a number of days or times.
PROBLEMS: dict[str, tuple[tuple[str, str, str, str], ...]] = {
    "HQC": (
        (
            "东区自习室",
            "空调不制冷",
            "东区自习室的空调开了也不凉，下午室内三十多度，根本坐不住，已经持续{n}天了。",
            "后勤处已派维修人员检修东区自习室空调，更换了压缩机，并安排每周巡检一次。",
        ),
        (
            "快递驿站",
            "取快递排队太久",
            "快递驿站只有两个取件窗口，晚饭后排队要{n}十分钟，希望增加窗口或自助柜。",
            "后勤处已协调快递驿站增加两个取件窗口，并在宿舍区增设三组自助快递柜。",
        ),
        (
            "教学楼",
            "饮水机没有热水",
            "教学楼三楼和四楼的饮水机经常没有热水，冬天只能喝凉水，希望及时维修。",
            "后勤处已更换教学楼三、四楼的饮水机加热模块，并在每层张贴报修电话。",
        ),
        (
            "宿舍楼",
            "楼道灯坏了没人修",
            "宿舍楼五楼楼道的灯坏了{n}天，晚上回宿舍一片漆黑，报修后一直没人来。",
            "后勤处已修复该楼道照明，并将楼道灯纳入宿管员每日巡查项目。",
        ),
        (
            "洗浴中心",
            "热水时冷时热",
            "洗浴中心的热水忽冷忽热，洗到一半突然变成冷水，希望检修热水系统。",
            "后勤处已检修洗浴中心的恒温阀门，更换了老化管道，水温已恢复稳定。",
        ),
    ),
    "WXZX": (
        (
            "宿舍",
            "校园网晚上频繁断线",
            "宿舍的校园网晚上十点以后每隔{n}分钟就断一次，重新登录也很慢，影响上网课。",
            "网络信息中心已对宿舍区交换机扩容，并调整了认证服务器，晚间断线问题已解决。",
        ),
        (
            "图书馆",
            "无线网络登录不上",
            "图书馆的无线网络认证页面经常打不开，手机和电脑都连不上校园网。",
            "网络信息中心已更换图书馆的无线接入点并升级认证系统，连接已恢复正常。",
        ),
        (
            "校外访问",
            "VPN经常连不上",
            "放假在家查文献，学校的VPN每次连上{n}分钟就断开，图书馆的数据库根本下载不了论文。",
            "网络信息中心已扩容VPN服务器并延长会话时间，校外访问图书馆数据库已恢复正常。",
        ),
        (
            "校园网",
            "认证系统经常掉线",
            "校园网认证客户端每天都要重复登录好几次，有时提示账号在别处登录。",
            "网络信息中心已修复认证系统的会话超时设置，并开放自助下线功能。",
        ),
    ),
    "JWC": (
        (
            "选课系统",
            "选课时系统崩溃",
            "选课第一天系统崩溃了{n}个小时，很多同学选不上必修课，希望分批次选课。",
            "教务处已将选课改为按年级分批进行，并扩容选课服务器，未选上必修课的同学可补选。",
        ),
        (
            "教务系统",
            "成绩录入太慢",
            "期末考试结束{n}周了，教务系统里还查不到好几门课的成绩，影响申请奖学金。",
            "教务处已督促相关学院在规定时间内完成成绩录入，并在系统中公布成绩录入截止时间。",
        ),
    ),
    "XSC": (
        (
            "学生事务中心",
            "在读证明开具要等太久",
            "开在读证明要先预约，再等{n}个工作日才能拿到，申请实习时很着急。",
            "学生处已开通在读证明网上申请，自助打印机可即时打印带电子签章的证明。",
        ),
        (
            "勤工助学",
            "岗位信息不公开",
            "勤工助学的岗位都是内部推荐，普通同学不知道有哪些岗位，希望公开招聘。",
            "学生处已在学生事务平台统一发布勤工助学岗位，公开报名和录用结果。",
        ),
    ),
}
#: How many of each office's problems the term before had (a few each).
PER_OFFICE = {"HQC": 3, "WXZX": 4, "JWC": 1}


def texts() -> list[Text]:
    """The term before's concerns of the category 其他, each with the office that
    solved it (deterministic)."""
    rng = random.Random(SEED)
    out = []
    for office, n in PER_OFFICE.items():
        for i, (place, what, body, answer) in enumerate(
            rng.sample(PROBLEMS[office], n)
        ):
            out.append(
                Text(
                    f"history-{office.lower()}-{i}",
                    "other",
                    f"{place}{what}",
                    body.format(n=rng.choice((3, 4, 5, 6))),
                    place,
                    answer,
                    office=office,
                )
            )
    return out


def days_back(n: int) -> list[int]:
    """The days before the demo's day ``n`` such concerns are raised, oldest first,
    a week or so apart (deterministic)."""
    rng = random.Random(SEED + 1)
    step = (OLDEST - NEWEST) // max(n - 1, 1)
    return [OLDEST - i * step - rng.randrange(0, 3) for i in range(n)]
