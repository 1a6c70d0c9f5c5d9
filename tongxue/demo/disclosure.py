"""Demo: the public page (公开) of the demo school union (TRN-1, TRN-5, TRN-6).

For the school union of the demo accounts (``LYDX-XSH`` at school scale), through the
services as a system command (``actor=None``):

* two rules: 学生会工作制度 in two versions (the second changes two articles, in force
  since the start of the last term) and 学生会财务管理办法;
* work affairs: the last term's work plan, a 主席团 meeting's minutes, an activity
  report with its poster (a PNG made here), and this term's plan; the items of the
  last term are dated back into it afterwards (the services date a publication now),
  so the audit finds the last term published (TRN-1);
* its official accounts: a real-name verified 微信公众号 and 微博 (TRN-5); the register
  of self-media: a club's 抖音 and a department's 视频号, not verified (TRN-6).

Idempotent: nothing is added when the union has a rule already.
"""

from __future__ import annotations

import datetime as dt
import io

from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _
from PIL import Image

from tongxue.demo.voice import demo_union
from tongxue.disclosure import services
from tongxue.disclosure.files import clean_file
from tongxue.disclosure.models import RuleDocument, RuleVersion, WorkEntry
from tongxue.domain.rules.disclosure import previous_term, term_end
from tongxue.organisations.models import Organisation, OrgKind

WORKING_V1 = """第一条 为规范学生会工作，根据学生会章程，制定本制度。
第二条 学生会主席团每两周召开一次工作例会，研究部署日常工作。
第三条 学生会每学期公开工作计划、重要决定和活动情况。
第四条 学生会工作人员应当遵守学校规章制度，服务同学。
第五条 本制度自公布之日起施行。"""

WORKING_V2 = """第一条 为规范学生会工作，根据学生会章程，制定本制度。
第二条 学生会主席团每周召开一次工作例会，研究部署日常工作。
第三条 学生会每学期公开工作计划、重要决定、会议纪要和活动情况，接受同学监督。
第四条 学生会工作人员应当遵守学校规章制度，服务同学。
第五条 本制度自公布之日起施行。"""

FINANCE = """第一条 学生会经费来源于学校拨款和社会赞助，专款专用。
第二条 每笔支出由经办人填报，经财务委员审核、主席团审批；超过学校规定额度的，报团委指导老师审批。
第三条 学生会每学期公开经费收支情况，接受同学监督。
第四条 本办法自公布之日起施行。"""


def _poster() -> bytes:
    out = io.BytesIO()
    Image.new("RGB", (320, 200), (196, 30, 58)).save(out, "PNG")
    return out.getvalue()


def _back(pk: int, day: dt.date, model: type[WorkEntry] | type[RuleVersion]) -> None:
    """Date a publication back to ``day`` (10:00 in the site's time zone)."""
    moment = timezone.make_aware(dt.datetime.combine(day, dt.time(10, 0)))
    model.objects.filter(pk=pk).update(published_at=moment)


def _child(union: Organisation, kind: str) -> Organisation | None:
    return (
        Organisation.objects.filter(path__startswith=union.path, kind=kind)
        .exclude(pk=union.pk)
        .order_by("path")
        .first()
    )


def seed(*, scale: str, as_of: dt.date) -> str:
    union = demo_union(scale)
    if union is None:
        return ""
    if RuleDocument.objects.filter(union=union).exists():
        return _("public page already seeded")
    last = previous_term(as_of)
    start, end = last.start, min(term_end(last), as_of)
    with transaction.atomic():
        v1 = services.publish_rule(
            actor=None,
            union=union,
            kind="working",
            title="学生会工作制度",
            text=WORKING_V1,
            in_force_from=start - dt.timedelta(days=365),
        )
        _back(v1.pk, start - dt.timedelta(days=365), RuleVersion)
        v2 = services.publish_rule(
            actor=None,
            union=union,
            document=v1.document,
            text=WORKING_V2,
            in_force_from=start,
            note="例会改为每周一次；公开范围增加会议纪要",
        )
        _back(v2.pk, start, RuleVersion)
        finance = services.publish_rule(
            actor=None,
            union=union,
            kind="finance",
            title="学生会财务管理办法",
            text=FINANCE,
            in_force_from=start,
        )
        _back(finance.pk, start, RuleVersion)
        dated = [
            (
                "plan",
                "学期工作计划",
                "本学期重点做好迎新、学风建设和权益服务三项工作。",
                start,
            ),
            (
                "minutes",
                "主席团第三次工作例会纪要",
                "会议研究了校园歌手大赛筹备工作，决定由文艺部牵头，宣传部配合。",
                start + dt.timedelta(days=30),
            ),
        ]
        for kind, title, body, day in dated:
            e = services.publish_entry(
                actor=None, union=union, kind=kind, title=title, body=body, dated=day
            )
            _back(e.pk, min(day + dt.timedelta(days=1), end), WorkEntry)
        report_day = min(start + dt.timedelta(days=60), end)
        report = services.publish_entry(
            actor=None,
            union=union,
            kind="activity",
            title="校园歌手大赛活动报告",
            body="大赛共有 126 名同学报名，决赛现场观众约 800 人。",
            dated=report_day,
            files=[clean_file(_poster_upload())],
        )
        _back(report.pk, report_day, WorkEntry)
        services.publish_entry(
            actor=None,
            union=union,
            kind="plan",
            title="本学期工作计划",
            body="本学期重点做好学生代表大会筹备、学风建设和校园文化活动。",
            dated=as_of,
        )
        verified = as_of - dt.timedelta(days=400)
        for platform, name, account_id, link in (
            ("wechat", f"{union.name}", "lydx_xsh", "https://mp.weixin.qq.com/"),
            ("weibo", f"{union.name}", "lydxxsh", "https://weibo.com/"),
        ):
            services.save_account(
                actor=None,
                union=union,
                owner=union,
                platform=platform,
                name=name,
                account_id=account_id,
                link=link,
                verified=True,
                verified_on=verified,
                verified_as=union.parent.name if union.parent else union.name,
                responsible="宣传部部长",
            )
        club = _child(union, OrgKind.CLUB) or _child(union, OrgKind.CLUB_FEDERATION)
        dept = _child(union, OrgKind.FUNCTIONAL_DEPARTMENT)
        for owner, platform, suffix in (
            (club, "douyin", "dy"),
            (dept, "channels", "sph"),
        ):
            if owner is None:
                continue
            services.save_account(
                actor=None,
                union=union,
                owner=owner,
                platform=platform,
                name=owner.name,
                account_id=f"{owner.code.lower()}_{suffix}",
                responsible=f"{owner.name}负责人",
            )
    return _(
        "{union}: public page /open/{union}/ (2 rules, 4 entries, 2 verified accounts)"
    ).format(union=union.code)


class _Upload(io.BytesIO):
    name = "校园歌手大赛海报.png"


def _poster_upload() -> _Upload:
    return _Upload(_poster())
