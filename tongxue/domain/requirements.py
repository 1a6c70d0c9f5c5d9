"""The catalogue of requirements of the two reform plans, in the project's own words (v2).

Ids follow the project's numbering (ORG-5, CON-3 …). Clause ids name the measures of the
source plans: ``GS-n`` the n-th measure of part 二 of the Gansu provincial plan
(甘团联发〔2017〕30号), ``GS-三`` its part 三 and ``GS-一(三)`` the goals of its part 一;
``CQ-n`` the n-th measure of the Chongqing Three Gorges University plan (discussion
draft), ``CQ-一(三)`` its goals. Summaries and remedies are message ids (English),
translated on the Django side; each requirement keeps, per clause, a short quote of the
plan's own Chinese words (``……`` marks a cut), which findings show.

An obligation comes from the plan's wording: M (须 / 不得 / 应), D (原则上 / 一般: a
departure needs a recorded justification), O (可 / 探索 / 推动). A requirement may be
split into parts with different obligations ("M / D"): :data:`RULES` says which part each
audit rule judges, so that the rule's findings carry that part's severity. "O→M" marks a
requirement optional to adopt and binding once adopted (rules report only after the
adoption). Where a plan words a requirement differently from the other plan (CQ-9 pushes
where GS-14 requires), ``by_plan`` gives the obligation under that plan's profiles.

The ``guarded``, ``note``, ``planned`` and ``differs`` texts are English prose for
docs/requirements.md, which ``tongxue requirements --format md`` generates from this
module (see :mod:`tongxue.domain.catalogue_doc`).
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field

from tongxue.domain.findings import Obligation
from tongxue.domain.findings import gettext_noop as _

M, D, OPT = Obligation.MUST, Obligation.DEFAULT, Obligation.OPTION


@dataclass(frozen=True, slots=True)
class Part:
    """One part of a split requirement: its obligation and what it covers (English)."""

    obligation: Obligation
    covers: str


@dataclass(frozen=True, slots=True)
class Requirement:
    id: str
    summary: str  # message id
    clauses: tuple[str, ...]
    #: The obligation of the requirement's main part: the one its rules judge unless
    #: :data:`RULES` names another part.
    obligation: Obligation
    #: Clause id → the plan's own words (a short quote, ``……`` where cut).
    quotes: Mapping[str, str] = field(default_factory=dict)
    #: What to do about a finding (message id), unless the rule has its own.
    remedy: str = ""
    #: Split obligations, main part first: part name → Part. Empty when not split.
    parts: Mapping[str, Part] = field(default_factory=dict)
    #: Optional to adopt, binding once adopted ("O→M").
    adoptable: bool = False
    #: Plan prefix ("GS", "CQ") → obligation, where one plan words it differently.
    by_plan: Mapping[str, Obligation] = field(default_factory=dict)
    guarded: str = ""  # how a write is refused that would break it (doc)
    note: str = ""  # how the audit reads it, or where else it shows (doc)
    planned: str = ""  # what is planned when nothing checks it yet (doc)
    differs: str = ""  # where the plans' words differ from the catalogue (doc)

    @property
    def label(self) -> str:
        """Return the obligation as the catalogue writes it: "M", "M / D", "O→M"."""
        if self.adoptable:
            return f"{OPT.value}→{self.obligation.value}"
        if self.parts:
            return " / ".join(p.obligation.value for p in self.parts.values())
        return self.obligation.value

    def obligation_of(self, part: str = "", *, plans: Iterable[str] = ()) -> Obligation:
        """Return the obligation of ``part`` (the main one when empty) under ``plans``.

        ``plans`` are the clause prefixes of the governing profile ("GS", "CQ"); a plan
        that words the requirement differently (``by_plan``) decides.
        """
        for plan in plans:
            if plan in self.by_plan:
                return self.by_plan[plan]
        if part:
            return self.parts[part].obligation
        return self.obligation

    def quotes_of(self, clauses: Iterable[str]) -> dict[str, str]:
        """Return the quotes of ``clauses`` (those the requirement has), in order."""
        return {c: self.quotes[c] for c in clauses if c in self.quotes}


@dataclass(frozen=True, slots=True)
class RuleText:
    """What the catalogue says about one audit rule id (``ORG-2.vice-presidents-max``)."""

    remedy: str = ""  # message id; empty: the requirement's remedy
    part: str = ""  # the part of a split requirement the rule judges
    #: The rule reports only that the data cannot answer (severity ``incomplete``).
    incomplete: bool = False


def _r(
    id: str,
    summary: str,
    clauses: str,
    obligation: Obligation,
    *,
    quotes: Mapping[str, str],
    remedy: str,
    parts: Mapping[str, Part] | None = None,
    adoptable: bool = False,
    by_plan: Mapping[str, Obligation] | None = None,
    guarded: str = "",
    note: str = "",
    planned: str = "",
    differs: str = "",
) -> Requirement:
    return Requirement(
        id,
        summary,
        tuple(clauses.split()),
        obligation,
        quotes=dict(quotes),
        remedy=remedy,
        parts=dict(parts or {}),
        adoptable=adoptable,
        by_plan=dict(by_plan or {}),
        guarded=guarded,
        note=note,
        planned=planned,
        differs=differs,
    )


REQUIREMENTS: dict[str, Requirement] = {
    r.id: r
    for r in (
        # ORG: organisation structure
        _r(
            "ORG-1",
            _(
                "Hierarchy of federations, schools, unions, departments and classes; every organisation has a type, a parent and the number of students it serves."
            ),
            "GS-1 GS-7 CQ-2",
            M,
            quotes={
                "GS-1": "坚持完善党领导下、团指导下的各级学联组织体系",
                "GS-7": "切实建立“学校、院系、班级”三级联动的工作格局",
                "CQ-2": "切实建立“学校、院系、班级”三级联动的工作格局",
            },
            remedy=_(
                "Record each organisation under its parent with its type and the number of students it serves."
            ),
            guarded="`create_organisation` and the snapshot import require a code, a name and a valid kind, and file each organisation under its parent; a missing number of students served is reported by the rules that need it as *incomplete data*",
        ),
        _r(
            "ORG-2",
            _(
                "A school-level presidium of 1 president and 4 to 6 vice-presidents; a school with branch campuses may add vice-presidents for them."
            ),
            "GS-9 CQ-4",
            M,
            quotes={
                "GS-9": "校级学生会组织须设立主席团，由主席1名、副主席4至6名组成，有分校区的高校可酌情增加副主席人数",
                "CQ-4": "校级学生会组织须设立主席团，由主席1名、副主席4至6名组成，有分校区的高校可酌情增加副主席人数",
            },
            remedy=_(
                "Bring the presidium to 1 president and 4 to 6 vice-presidents, elected by the congress."
            ),
            guarded="`appoint` refuses a 7th vice-president without a branch campus; `update_organisation` refuses fewer branch campuses while a branch-campus vice-president depends on them",
        ),
        _r(
            "ORG-3",
            _(
                "One secretary-general, held concurrently by a full-time Youth League committee cadre."
            ),
            "GS-9 CQ-4",
            M,
            quotes={
                "GS-9": "聘任秘书长1名，由团委专职干部兼任",
                "CQ-4": "聘任秘书长1名，由团委专职干部兼任",
            },
            remedy=_(
                "Appoint one secretary-general from the full-time cadres of the Youth League committee."
            ),
            guarded="`appoint` refuses a student (not a League cadre) as secretary-general, or a second one",
        ),
        _r(
            "ORG-4",
            _("A functional department has at most 2 deputies."),
            "GS-9 CQ-4",
            D,
            quotes={
                "GS-9": "学生会组织各职能部门副职原则上不超过2名",
                "CQ-4": "学生会组织各职能部门副职原则上不超过2名",
            },
            remedy=_(
                "End the extra deputy posts, or record why the department needs them and who approved it."
            ),
        ),
        _r(
            "ORG-5",
            _(
                "No assistant posts (president's assistant, minister's assistant and the like), however the title is spelled."
            ),
            "GS-9 CQ-4",
            M,
            quotes={
                "GS-9": "不得设置主席助理、部长助理等岗位",
                "CQ-4": "不得设置主席助理、部长助理等岗位",
            },
            remedy=_(
                "Abolish the assistant post: end it and give the work to a department or a project."
            ),
            guarded="`appoint` refuses an assistant title, however spelled",
        ),
        _r(
            "ORG-6",
            _(
                "Core members of a school-level union are at most one per cent of the students it serves."
            ),
            "GS-9 CQ-4",
            D,
            quotes={
                "GS-9": "校级学生会组织的骨干成员原则上不得超过联系服务学生总人数的1%",
                "CQ-4": "校级学生会组织的骨干成员原则上不得超过联系服务学生总人数的1%",
            },
            remedy=_(
                "Reduce the core members to at most the profile's share of the students served, or record why and who approved it."
            ),
        ),
        _r(
            "ORG-7",
            _(
                "One presidium member is responsible for student clubs and, where a club federation exists, heads it concurrently."
            ),
            "GS-6 CQ-1",
            M,
            quotes={
                "GS-6": "校级学生会组织须明确1名主席团成员负责学校学生社团工作……其主要负责人须由校级学生会组织负责学生社团工作的同学兼任",
                "CQ-1": "校级学生会组织须明确1名主席团成员负责学校学生社团工作……其主要负责人须由校级学生会组织负责学生社团工作的同学兼任",
            },
            remedy=_(
                "Name one presidium member responsible for clubs and make them the head of the club federation."
            ),
        ),
        _r(
            "ORG-8",
            _("A school-level union has a rights body."),
            "GS-10 CQ-5",
            M,
            quotes={
                "GS-10": "校级学生会组织成立权益工作机构或部门",
                "CQ-5": "校级学生会组织成立权益工作机构或部门",
            },
            remedy=_(
                "Set up a rights department (or body) and record its function as rights."
            ),
        ),
        _r(
            "ORG-9",
            _("Rights officers at school, department and class level."),
            "GS-10",
            OPT,
            quotes={
                "GS-10": "探索在学校、院系、班级等团组织中设立权益部长(委员)",
            },
            remedy=_(
                "Consider rights officers in the Youth League organisations of the school, its departments and classes."
            ),
            planned="later",
        ),
        _r(
            "ORG-10",
            _("Departments for Hong Kong, Macao, Taiwan and international students."),
            "GS-9 CQ-4",
            OPT,
            quotes={
                "GS-9": "可视实际情况设置负责港澳台学生、留学生工作的部门或机构",
                "CQ-4": "可视需要设置负责港澳台学生、留学生工作的部门或机构",
            },
            remedy=_(
                "Consider a department for Hong Kong, Macao, Taiwan and international students."
            ),
            planned="later",
        ),
        _r(
            "ORG-11",
            _("Project-based work alongside functional departments."),
            "GS-9 CQ-4",
            M,
            quotes={
                "GS-9": "在职能部门分工的基础上实施项目化工作模式",
                "CQ-4": "在职能部门分工的基础上实施项目化工作模式",
            },
            remedy=_(
                "Run work as projects with an owner, members, dates and participants."
            ),
            guarded="a union's projects ([projects.md](projects.md)): an owner among the union's cadres, the functional departments involved, members (cadres and students of the school), dates, a budget line of the union's ledger; planned, running, concluded with a written outcome report published on the union's public page (`/open/CODE/`), or cancelled; events where participants check in once by a signed QR code that expires; participation counted per project and per union and term, shown publicly, and a cadre's projects on their record (CAD-3)",
            note="every school-level union of a university, from the projects recorded in Tongxue (a snapshot carries none: not judged): at least `projects_min_per_term` projects carried out (running or concluded) in the last term that is over (Tongxue's default: 1)",
        ),
        _r(
            "ORG-12",
            _(
                "Secondary schools have a student union guided by the Youth League committee."
            ),
            "GS-7",
            M,
            quotes={"GS-7": "中等学校层面，要普遍设置学生会，由校团委归口指导"},
            remedy=_(
                "Set up a student union at the school under the guidance of its Youth League committee."
            ),
        ),
        _r(
            "ORG-13",
            _(
                "Every union adopts its own charter; the union pushes the school to write its role and the congress's into the school charter."
            ),
            "GS-6 CQ-1",
            D,
            parts={
                "own-charter": Part(D, "every union adopts its own charter (普遍制订)"),
                "school-charter": Part(
                    OPT,
                    "the union pushes (推动) the school to write its role into the school charter, recorded",
                ),
            },
            quotes={
                "GS-6": "推动学校将学生会组织的定位职能和学生代表大会的功能作用写入学校章程……各类学校学生会组织普遍制订出台自身工作章程",
                "CQ-1": "推动学校将学生会组织的定位职能和学生代表大会的功能作用写入学校章程……各类学校学生会组织普遍制订出台自身工作章程",
            },
            remedy=_(
                "Have the congress adopt the union's charter, and record the union's requests to write its role into the school charter."
            ),
            note="a union without a charter its congress adopted is also a `CON-7.charter` finding",
            planned="later",
        ),
        _r(
            "ORG-14",
            _(
                "Unions help the League guide, manage and serve student clubs: club activities are registered and reviewed, and clubs' daily activities are regular."
            ),
            "GS-6 GS-14 CQ-1 CQ-9",
            M,
            quotes={
                "GS-6": "各级学生会组织要配合团组织加强对学生社团的引导、管理和服务",
                "GS-14": "协助团组织加强对学生社团的管理，把好学生社团活动的政治关……规范日常活动，促进有序发展",
                "CQ-1": "各级学生会组织要配合团组织加强对学生社团的引导、管理和服务",
                "CQ-9": "协助团组织加强对学生社团的管理，把好学生社团活动的政治关……规范日常活动，促进有序发展",
            },
            remedy=_(
                "Register the clubs' activities and have them reviewed under the Youth League's guidance."
            ),
            parts={
                "review": Part(
                    M,
                    "every club activity registered with the union and reviewed under the League's guidance before it is held (把好学生社团活动的政治关)",
                ),
                "regular": Part(
                    D,
                    "clubs' daily activities are regular: at least `club_activities_min_per_term` approved activities a term (规范日常活动; no number in the plans)",
                ),
            },
            guarded="the union's register of clubs and their activities ([clubs.md](clubs.md)): an activity (with its outside speakers and sponsors) is submitted by the union and decided by the League advisor of the union or its school: approved, returned with reasons and resubmitted, or rejected with reasons; who decided, when and why is recorded; only an approved activity is recorded as held; a suspended or dissolved club registers none; approved and held activities are listed publicly",
            note="from the records of Tongxue (a snapshot carries none: not judged), at a school-level union with clubs on its register: an activity held without an approving review before it began (violation); an active club registered before the last finished term that registered fewer than `club_activities_min_per_term` (1, Tongxue's default: the plans give no number) approved activities in it (deviation)",
        ),
        _r(
            "ORG-15",
            _(
                "A flat structure: no management layers under a functional department; fewer documents and meetings."
            ),
            "GS-9 CQ-4",
            D,
            quotes={
                "GS-9": "按照扁平化方式改革职能部门设置，减少管理层次，提升管理效能，减少发文、会议等推动工作的形式",
                "CQ-4": "按照扁平化方式改革职能部门设置，减少管理层次，提升管理效能，减少发文、会议等推动工作的形式",
            },
            remedy=_(
                "Attach the sub-units of a functional department to the department itself, or record why the layer is needed."
            ),
            note="every layer of units below a topmost functional department, groups or sub-departments alike, counts against the profile's `department_sub_layers_max`: 0, Tongxue's reading of 扁平化",
            differs="The sentence has no obligation word of its own (neither 须 nor 原则上): it states the direction of the reform (遵循……原则，按照扁平化方式改革). The catalogue's D is kept: a union may depart from it with a recorded reason.",
        ),
        # CON: congresses and the standing delegate conference
        _r(
            "CON-1",
            _("A school-level congress at least every 2 years."),
            "GS-8 CQ-3",
            M,
            quotes={
                "GS-8": "校级层面，学生代表大会召开周期不得超过两年",
                "CQ-3": "校级层面，学生代表大会召开周期不得超过两年",
            },
            remedy=_(
                "Convene the school-level congress; hold one at most every 2 years from now on."
            ),
        ),
        _r(
            "CON-2",
            _(
                "A department-level congress every year; a department under 400 students may hold an all-student assembly instead."
            ),
            "GS-8 CQ-3",
            D,
            quotes={
                "GS-8": "院（系）层面，原则上全部实行学生代表大会制度，会议召开周期为一年……学生人数低于400人的院（系）可召开全体学生大会并选举学生干部",
                "CQ-3": "院（系）层面，原则上全部实行学生代表大会制度，会议召开周期为一年……学生人数低于400人的院（系）可召开全体学生大会并选举学生干部",
            },
            remedy=_(
                "Hold the department congress (or, under 400 students, the all-student assembly), or record why not and who approved it."
            ),
        ),
        _r(
            "CON-3",
            _(
                "At school level, delegates number at least one per cent of the students the union serves."
            ),
            "GS-8 CQ-3",
            D,
            quotes={
                "GS-8": "代表名额一般不低于学生会组织所联系学生人数的1%",
                "CQ-3": "代表名额一般不低于学生会组织所联系学生人数的1%",
            },
            remedy=_(
                "Allocate at least the profile's share of seats at the next congress, or record why not and who approved it."
            ),
        ),
        _r(
            "CON-4",
            _(
                "Seats cover every department, every grade and the main clubs; the allocation method and arithmetic are shown."
            ),
            "GS-8 CQ-3",
            M,
            quotes={
                "GS-8": "名额分配要覆盖各个院系、年级及主要社团",
                "CQ-3": "名额分配要覆盖各个院系、年级及主要社团",
            },
            remedy=_(
                "Allocate the seats by department and grade with the main clubs, and publish the allocation."
            ),
            guarded="the department × grade allocation (the default; every main club ticked) gives every department, grade and chosen main club at least one seat by a published method, a tie broken only by a lot with a published seed (refusals `CON-4.*`); the allocation is frozen with its explanation and a delegate for a full or unknown seat is refused. The audit reports a congress whose seats leave out a department, a grade (an allocation by department only) or every club ([congresses.md](congresses.md), [apportionment.md](apportionment.md))",
        ),
        _r(
            "CON-5",
            _(
                "At school level, at least 60 per cent of delegates are not school- or department-level union core members."
            ),
            "GS-8 CQ-3",
            D,
            quotes={
                "GS-8": "其中非校、院（系）级学生会骨干的学生代表一般不低于60%",
                "CQ-3": "其中非校、院（系）级学生会骨干的学生代表一般不低于60%",
            },
            remedy=_(
                "Elect more delegates who are not union core members at the next congress, or record why not and who approved it."
            ),
        ),
        _r(
            "CON-6",
            _(
                "Delegates are elected by classes or department unions; each records its election."
            ),
            "GS-8 CQ-3",
            M,
            quotes={
                "GS-8": "大会代表经班级、院（系）学生会组织选举产生",
                "CQ-3": "大会代表经班级、院（系）学生会组织选举产生",
            },
            remedy=_(
                "Record, for each delegate, the class or department election that elected them."
            ),
            guarded="a delegate is entered only with the class or department election that elected them (unit, date, electorate, votes; refusals `CON-6.*`), shown one click away on the public delegate list ([congresses.md](congresses.md)); a snapshot's delegate rows carry the same election and are checked alike on import",
            note="Judged on the newest congress of each school-level union (校级层面, as CON-3 and CON-5) and on any whose delegates were elected and which has not convened: every delegate has a recorded election by a class or department union of the union (a main club for its own seat, CON-4; a union without department unions of its own takes its school's). A congress that records no delegate's election at all (an older snapshot) is incomplete data, not a violation ([congresses.md](congresses.md))",
        ),
        _r(
            "CON-7",
            _(
                "A congress reviews the work report, elects the leadership, adopts the charter and collects students' opinions."
            ),
            "GS-8 CQ-3",
            M,
            quotes={
                "GS-8": "其主要任务是：审议学生会组织工作报告；选举产生新一届领导机构；制定及修订组织章程；征求广大同学对学校工作的意见和建议",
                "CQ-3": "其主要任务是：审议学生会组织工作报告；选举产生新一届领导机构；制定及修订组织章程；征求广大同学对学校工作的意见和建议",
            },
            remedy=_("Put the missing business on the agenda of the next congress."),
            note="the newest congress with a recorded agenda, [business.md](business.md)",
            guarded="charter motions only at a congress or assembly",
        ),
        _r(
            "CON-8",
            _(
                "A union may adopt a standing delegate conference; once adopted, standing delegates are recommended by departments from among the congress delegates."
            ),
            "GS-8 CQ-3 GS-11",
            M,
            adoptable=True,
            quotes={
                "GS-8": "探索实行常任代表会议制度（简称“常代会”）……常任代表由各院系从学生代表大会代表中推荐产生",
                "CQ-3": "探索实行常任代表会议制度（简称“常代会”）……常任代表由各院系从学生代表大会代表中推荐产生",
                "GS-11": "在学校党委领导下、团委指导下探索实行常任代表会议制度",
            },
            remedy=_(
                "Have each department recommend its standing delegates from among its congress delegates."
            ),
            guarded="`recommend_standing_delegate` refuses anyone who is not a delegate of the union's latest congress or not of the recommending department",
        ),
        _r(
            "CON-9",
            _(
                "Once a standing conference is adopted: in a year without a congress it meets at least once."
            ),
            "GS-8 CQ-3",
            M,
            adoptable=True,
            quotes={
                "GS-8": "在不召开学生代表大会的年度，应每年至少召集1次会议",
                "CQ-3": "在不召开学生代表大会的年度，应每年至少召集1次会议",
            },
            remedy=_(
                "Convene the standing conference at least once in every year without a congress."
            ),
        ),
        _r(
            "CON-10",
            _(
                "Once a standing conference is adopted: it supervises and reviews the union but does not take over executive work such as rights cases."
            ),
            "GS-8 CQ-3",
            M,
            adoptable=True,
            quotes={
                "GS-8": "负责监督评议学生会组织工作……常代会不得代替学生会组织行使权益维护等日常执行功能",
                "CQ-3": "负责监督评议学生会组织工作……常代会不得代替学生会组织行使权益维护等日常执行功能",
            },
            remedy=_(
                "Leave executive work to the union; put only supervision, reports and elections on the standing conference's agenda."
            ),
            guarded="`add_agenda_item` refuses executive items (rights cases, events, daily work) and congress-only business at a standing-conference meeting",
        ),
        _r(
            "CON-11",
            _(
                "Secondary schools hold a congress at least every 2 years, with the League congress; delegates generally at least one per cent of students."
            ),
            "GS-4",
            M,
            parts={
                "interval": Part(
                    M,
                    "a congress at least every 2 years, with the League congress (按时召开)",
                ),
                "delegates": Part(D, "delegates at least 1% of the students (一般)"),
            },
            quotes={
                "GS-4": "督促各市（州）团委指导辖区内中职中学按时召开团学两代会，严格按照学生代表大会召开周期不得超过两年，代表名额一般不低于学生会组织所联系学生人数的1%的要求",
            },
            remedy=_(
                "Convene the school's congress together with the League congress; hold one at most every 2 years from now on."
            ),
        ),
        _r(
            "CON-12",
            _(
                "A federation congress covers every school type and every county, with a share of seats for non-cadre students balanced by region, school, ethnic group and gender."
            ),
            "GS-4",
            M,
            quotes={
                "GS-4": "覆盖到省内或所辖范围内各类高校，确保每个县级区域有中学中职代表，并针对不同区域、学校、民族、性别学生，设置一定比例非校、院（系）级学生会干部的学生代表席位",
            },
            remedy=_(
                "Give seats at the next federation congress to the school types, counties and non-cadre students it misses."
            ),
            note="balance report on the congress's balance page ([federation.md](federation.md))",
        ),
        _r(
            "CON-13",
            _(
                "A union reports its work to the congress or its standing body at least once a year, at a meeting or in writing."
            ),
            "GS-11 CQ-6",
            M,
            quotes={
                "GS-11": "每年应至少1次通过集中会议或书面形式，向学生代表大会或其常设机构报告工作开展情况",
                "CQ-6": "每年应至少1次通过集中会议或书面形式，向学生代表大会或其常设机构报告工作开展情况",
            },
            remedy=_(
                "Report the union's work to the congress or its standing body, at a meeting or in writing, at least once a year."
            ),
        ),
        _r(
            "CON-14",
            _("Federations hold their congresses regularly."),
            "GS-4",
            M,
            quotes={"GS-4": "规范各级学联定期召开代表大会"},
            remedy=_(
                "Convene the federation's congress within the profile's interval."
            ),
            note="provincial and city federations; only congresses that took place count; the interval is the profile's `federation_congress_max_interval_months`: 60 months, Tongxue's default as the plan gives none; cqtgu-2017 has no federation and no interval",
        ),
        # ELE: elections
        _r(
            "ELE-1",
            _(
                "The union committee and presidium are elected by the congress; the president by the congress or the standing conference."
            ),
            "GS-8 CQ-3",
            M,
            quotes={
                "GS-8": "校级学生会委员会、主席团成员须由学生代表大会选举产生。校学生会主席由学生代表大会或常任代表会议选举产生",
                "CQ-3": "校级学生会委员会、主席团成员须由学生代表大会选举产生。校学生会主席由学生代表大会或常任代表会议选举产生",
            },
            remedy=_(
                "Have the congress (for the president, the congress or the standing conference) elect the post."
            ),
            note="every recorded election not cancelled or void, at a school-level union: the electing meeting's kind against the post; `ELE-1.not-elected` carries requirement ELE-3",
            guarded="`create_election` refuses the same (`tongxue/domain/rules/elections.py`, [elections.md](elections.md))",
        ),
        _r(
            "ELE-2",
            _(
                "Candidate conditions are set under Youth League guidance and approved by the Party committee before candidates stand."
            ),
            "GS-8 CQ-3",
            M,
            quotes={
                "GS-8": "主席团成员和主席候选人的资格条件应在学校团委的指导下予以确定并报学校党委批准",
                "CQ-3": "主席团成员和主席候选人的资格条件应在学校团委的指导下予以确定并报学校党委批准",
            },
            remedy=_(
                "Have the Youth League committee set the candidate conditions and the Party committee approve them before nominations."
            ),
            guarded="`set_conditions` only by the Youth League committee (`GUIDE`), `approve_candidates` only by the Party committee (`APPROVE`), each with comments and times; the ballot cannot open before the approval, the candidate notice and the 差额 margin ([elections.md](elections.md))",
        ),
        _r(
            "ELE-3",
            _(
                "Department presidium and president are elected by the department congress; other cadres are selected openly."
            ),
            "GS-8 CQ-3",
            M,
            quotes={
                "GS-8": "院（系）学生会主席团成员、主席人选由学生代表大会选举产生，其他学生会干部的选拔产生也须面向广大同学",
                "CQ-3": "院（系）学生会主席团成员、主席人选由学生代表大会选举产生，其他学生会干部的选拔产生也须面向广大同学",
            },
            remedy=_(
                "Have the department congress (or the all-student assembly) elect the post; select other cadres openly."
            ),
            note="every recorded election not cancelled or void, at a department union: the department congress or the all-student assembly",
            guarded="`create_election` refuses the same, and a post filled by open selection",
        ),
        _r(
            "ELE-4",
            _(
                "Selection is open and competitive; results are announced for a notice period open to objections."
            ),
            "GS-12 CQ-7",
            M,
            quotes={
                "GS-12": "面向广大同学进行选拔，选拔过程公开透明、公平竞争……选拔结果进行公示，接受广大同学监督",
                "CQ-7": "面向广大同学进行选拔，选拔过程公开透明、公平竞争……选拔结果进行公示，接受广大同学监督",
            },
            remedy=_(
                "Publish the result as a notice for the full notice period and answer every objection before it takes effect."
            ),
            guarded="candidate lists, results, shortlists, appointments and exit decisions are published as notices of at least the profile's `notice_period_working_days` (a shorter one is refused); a result or an appointment takes effect only after the period, with every objection answered and none upheld ([publicity.md](publicity.md))",
        ),
        _r(
            "ELE-5",
            _(
                "Secret ballot; who voted is recorded but not how; electronic and paper ballots."
            ),
            "GS-8 CQ-3",
            M,
            quotes={
                "GS-8": "须由学生代表大会选举产生",
                "CQ-3": "须由学生代表大会选举产生",
            },
            remedy=_("Vote by secret ballot: record who voted, never how."),
            guarded="the participation is stored apart from the ballot with nothing linking the two, one ballot per voter by a database constraint, a receipt and a public bulletin board; paper ballots entered independently by two scrutineers until they agree ([voting.md](voting.md))",
            differs="The plans ask for elections (选举产生) but say nothing of how votes are cast: the secret ballot is common electoral practice, which Tongxue holds every election to. The catalogue cites GS-8 only; CQ-3 has the same words, so a profile of the Chongqing plan cites CQ-3.",
        ),
        # CAD: student cadres
        _r(
            "CAD-1",
            _(
                "Main cadre candidates meet the criteria of the plan and are assessed against each."
            ),
            "GS-12 CQ-7",
            M,
            quotes={
                "GS-12": "主要学生干部候选人必须符合政治合格、学习优秀、品德良好、作风过硬、群众基础好、奉献意识强等标准",
                "CQ-7": "主要学生干部候选人必须符合政治合格、学习优秀、品德良好、作风过硬、群众基础好等标准",
            },
            remedy=_(
                "Assess every candidate against each criterion of the profile, with evidence."
            ),
            guarded="`publish_shortlist` and `decide` refuse an application not assessed on every criterion of the profile's `cadre_criteria`; open selection with evidence and 公示 in `tongxue/cadres` ([cadres.md](cadres.md))",
        ),
        _r(
            "CAD-2",
            _("The list of main cadres and their contact details is public."),
            "GS-12 CQ-7",
            M,
            quotes={
                "GS-12": "主要学生干部名单及联系方式应予以公布",
                "CQ-7": "主要学生干部名单及联系方式应予以公布",
            },
            remedy=_("Publish a contact for every main cadre."),
        ),
        _r(
            "CAD-3",
            _("Core and main cadres are evaluated by students on five dimensions."),
            "GS-12 CQ-7",
            M,
            quotes={
                "GS-12": "从政治素质、道德品质、知识学习、履职能力、纪律作风等维度设置评价考核指标，广泛吸纳广大同学参与，评价考核意见作为学生干部任免的重要依据",
                "CQ-7": "从政治素质、道德品质、知识学习、履职能力、纪律作风等维度设置评价考核指标，广泛吸纳广大同学参与，评价考核意见作为学生干部任免的重要依据",
            },
            remedy=_(
                "Open an evaluation period rating core and main cadres on the five dimensions, with students taking part."
            ),
            guarded="evaluation periods rate core and main cadres on the five dimensions by the presidium, delegates and a seeded sample of students, one rating per rater and cadre enforced by the database, anonymous, published only above `evaluation_min_raters` ([evaluations.md](evaluations.md))",
            note="every school-level and department union of a university: at least one evaluation that rated cadres and had raters, finished within `cadre_evaluation_max_interval_months`; each one rates the five dimensions and its results are published; its participation (raters who took part of those on the list) is reported, and judged only against a profile's `cadre_evaluation_min_participation_share`",
            differs='The catalogue names the dimensions learning (学习成绩), performance of duties (履职情况) and discipline and work style; the plans say 知识学习, 履职能力 and 纪律作风 — the same five, which Tongxue rates (`political`, `moral`, `learning`, `duties`, `discipline`). The plans name no level ("学生会组织骨干"), no interval and no share for "广泛吸纳广大同学参与": every union of a university is audited (the 述职 of CAD-4 alone names the school level), the interval is Tongxue\'s (`cadre_evaluation_max_interval_months`, with its note), and participation is reported, not judged, unless a profile sets a share. The plans do not ask that these results be made public (the 公示 of the same clause is the 述职\'s, CAD-4); Tongxue asks that they be produced — a period closed, which publishes them — since results never produced cannot be "学生干部任免的重要依据".',
        ),
        _r(
            "CAD-4",
            _(
                "Presidium members report on their work every semester to the delegates and are rated; results are announced."
            ),
            "GS-12 CQ-7",
            M,
            quotes={
                "GS-12": "校级学生会组织主席团成员每学期要向学生代表和一定比例非校级学生会干部的学生代表述职，接受学生代表和广大同学的评价，考核结果进行公示",
                "CQ-7": "校级学生会组织主席团成员每学期要向学生代表和一定比例非校级学生会干部的学生代表述职，接受学生代表和广大同学的评价，考核结果进行公示",
            },
            remedy=_(
                "Have each presidium member file a work report (述职) for the semester and open it to rating."
            ),
            note="a presidium member without a 述职 report in a finished semester; rating and publication in `tongxue/evaluations` ([evaluations.md](evaluations.md))",
            differs='The catalogue says presidium members report "to the delegates and to a share of non-cadre students"; the plans say to the delegates and to a share of *delegates* who are not school-level cadres (一定比例非校级学生会干部的学生代表), rated by the delegates and the student body (接受学生代表和广大同学的评价), results announced (公示). The summary follows the plans; the rater sample of `report_non_cadre_rater_share` still draws from non-cadre students and is to follow in the evaluations issue.',
        ),
        _r(
            "CAD-5",
            _(
                "Cadres who cannot serve are advised to resign, dismissed or recalled by a defined procedure."
            ),
            "GS-12 CQ-7",
            M,
            quotes={
                "GS-12": "对于无法正常完成学业的、考核不合格的、违法违纪的以及其他无法正常履行职责的学生干部，应按照规定和程序予以劝退、免职或罢免",
                "CQ-7": "对于无法正常完成学业的、考核不合格的、违法违纪的以及其他无法正常履行职责的学生干部，应按照规定和程序予以劝退、免职或罢免",
            },
            remedy=_(
                "Open an exit case for the cadre and follow its procedure to a published decision."
            ),
            guarded="exit cases follow the `exit-case` lifecycle (notice, the cadre's statement, decision, publication, appeal window `exit_appeal_days`); a recall needs more than `recall_threshold` of the electing body's members; the post is ended through the registry ([cadres.md](cadres.md))",
        ),
        _r(
            "CAD-6",
            _("Two-level (school and department) cadre training with courses."),
            "GS-12 CQ-7",
            M,
            quotes={
                "GS-12": "健全校、院两级学生干部培训体系，建设完善培训课程",
                "CQ-7": "健全校、院两级学生干部培训体系，建设完善培训课程",
            },
            remedy=_(
                "Offer training courses for cadres at school and department level and record who completed them."
            ),
            guarded="courses only at school-level and department unions; a post may require a completed course (criterion `training`); training shows on the cadre's record ([cadres.md](cadres.md))",
            differs='The catalogue adds "records feed evaluation"; the plans ask for a two-level training system with courses (健全校、院两级学生干部培训体系，建设完善培训课程) and nothing more. The summary follows the plans; Tongxue still shows training on the cadre\'s record.',
        ),
        _r(
            "CAD-7",
            _("Work style is part of selecting, evaluating and using cadres."),
            "GS-13 CQ-8",
            M,
            quotes={
                "GS-13": "将作风建设列入学生干部选拔、考核、使用等相关工作的评价体系，作为学生干部任免的重要依据",
                "CQ-8": "将作风建设列入学生干部选拔、考核、使用等相关工作的评价体系，作为学生干部任免的重要依据",
            },
            remedy=_("Assess work style when selecting and evaluating cadres."),
            guarded="`work_style` is one of the `cadre_criteria` every shortlisted application is assessed on ([cadres.md](cadres.md))",
        ),
        _r(
            "CAD-8",
            _(
                "Students supervise cadres: a complaint about a cadre is recorded, answered and can lead to an exit case."
            ),
            "GS-13 CQ-8",
            M,
            quotes={
                "GS-13": "建立健全学生干部监督约束机制，促进学生干部严格自律，接受广大同学监督",
                "CQ-8": "建立健全学生干部监督约束机制，促进学生干部严格自律，接受广大同学监督",
            },
            remedy=_(
                "Record every complaint about a cadre, answer it, and open an exit case where it is founded."
            ),
            guarded="a concern about a cadre (a category about cadres, or naming the cadre) goes to the handlers the union names for such concerns and the League advisor, never to the cadre concerned, with the answer deadline of any concern; a decision can open an exit case, linked both ways (`tongxue/voice`)",
            note="every school-level union of a university, from the concerns recorded in Tongxue (a snapshot carries none and is not judged on them); an open concern about a cadre past its answer deadline on the audit day is a finding, one per union with how many and the earliest deadline, never the cadre or the concern",
        ),
        _r(
            "CAD-9",
            _(
                "A cadre's certified record of service may support internship, employment and award recommendations."
            ),
            "GS-12 CQ-7",
            OPT,
            quotes={
                "GS-12": "其开展学生工作的表现可作为推荐实习、就业和评优推优的重要参考",
                "CQ-7": "其开展学生工作的表现可作为推荐实习、就业和评优推优的重要参考",
            },
            remedy=_("Consider issuing cadres a certified record of their service."),
            planned="a later issue (certified record of service)",
        ),
        # RGT: rights and students' voice
        _r(
            "RGT-1",
            _(
                "An online and offline channel for students' concerns, reported to the school and followed up."
            ),
            "GS-10 GS-4 CQ-5",
            M,
            quotes={
                "GS-10": "建立日常调研机制，搭建网络新媒体平台，及时收集、听取涉及广大同学切身利益和普遍诉求的问题，形成报告提交学校党政部门，并进行跟进",
                "GS-4": "建立线上线下相结合的日常权益维护工作机制，及时收集和反映广大同学的呼声",
                "CQ-5": "建立日常调研机制，搭建网络新媒体平台，及时收集、听取涉及广大同学切身利益和普遍诉求的问题，形成报告提交学校党政部门，并进行跟进",
            },
            remedy=_(
                "Collect students' concerns online and offline, report them to the school and follow each up until resolved."
            ),
            guarded="concerns raised online or entered by a rights officer from a mailbox, a reception day or a call (the channel recorded), each with deadlines in working days of the 公示 calendar: acknowledged within `concern_acknowledge_working_days` and answered within `concern_answer_working_days` (shorter for sensitive concerns, RGT-7; a category may set its own), escalated one level when overdue, rated by the student within `concern_rating_days` (`tongxue/voice`)",
            note="every school-level union of a university, from the concerns recorded in Tongxue (a snapshot carries none and is not judged on them); a channel, i.e. an active category of concern or a concern ever raised; and at most `concern_overdue_max_share` (1/5, Tongxue's default: the plans give no number) of its open concerns past their acknowledge or answer deadline on the audit day, exactly the share complying; and a report on concerns submitted to the school's Party and administrative departments (形成报告提交学校党政部门) within `concern_report_interval_months` (6, Tongxue's default: the plans give no interval) once its first concern is that old (reports: [voice.md](voice.md#reports-to-the-school))",
        ),
        _r(
            "RGT-2",
            _("Links to public-interest lawyers and legal aid."),
            "GS-10 CQ-5",
            M,
            quotes={
                "GS-10": "与相关公益律师机构、法律援助机构建立经常性联系",
                "CQ-5": "与相关公益律师机构、法律援助机构建立经常性联系",
            },
            remedy=_(
                "Record the public-interest lawyers and legal aid bodies the union works with."
            ),
            guarded="the school-level union keeps a public directory of public-interest lawyers and legal aid bodies (its administrators, its rights officers and the League advisor edit it, under the League's guidance); a handler refers a concern to an entry only with the student's consent recorded (how and on which day), as a step of the concern's timeline ([advocacy.md](advocacy.md))",
            note="every school-level union of a university, from the records of Tongxue (a snapshot carries none: not judged): an active entry of its legal-aid directory or a concern referred to legal aid (经常性联系 read as a link on record)",
        ),
        _r(
            "RGT-3",
            _(
                "Face-to-face meetings: the union pushes the school to hold leaders' reception days and department exchange meetings; federations meet people's congress deputies and CPPCC members."
            ),
            "GS-10 GS-4 CQ-5",
            M,
            parts={
                "federation-channel": Part(
                    M,
                    "a federation's channel to the government and the school departments (构建……沟通协调渠道, GS-4)",
                ),
                "school-mechanisms": Part(
                    OPT,
                    "the union pushes (推动) the school to set up reception days and exchange meetings, recorded",
                ),
            },
            quotes={
                "GS-10": "推动学校设立“校领导接待日”“职能部门交流会”等机制，搭建学生与学校党政领导、职能部门面对面沟通的常态化机制",
                "GS-4": "借助“与人大代表、政协委员面对面”等途径，构建与政府、学校职能部门的沟通协调渠道",
                "CQ-5": "推动学校设立“校领导接待日”“职能部门交流会”等机制，搭建学生与学校党政领导、职能部门面对面沟通的常态化机制",
            },
            remedy=_(
                "Record the face-to-face meetings held and the union's requests to the school to hold them."
            ),
            guarded="reception days, exchange meetings with the school's offices and a federation's meetings with deputies, CPPCC members and government departments are scheduled with their place and who attends; signed-in students of the organisation sign up with a topic up to the places offered; the minutes are recorded afterwards and each point raised becomes a concern (channel: face-to-face meeting) or joins an existing one; the union's written requests to the school are recorded with the school's answer ([advocacy.md](advocacy.md))",
            note="from the records of Tongxue (a snapshot carries none: not judged): a federation with no meeting with deputies, CPPCC members or government departments within `federation_dialogue_interval_months` (6, Tongxue's default: the plans give no interval) is a violation; a school-level union of a university with no reception day or exchange meeting, and no written request to the school for one, within `reception_day_interval_months` (6, Tongxue's default) a recommendation",
            differs="The catalogue marks RGT-3 M as a whole. At school level the plans word it as something the union pushes the school to do (推动学校设立“校领导接待日”……), as they do for RGT-4's committee seats and ORG-13's school charter, which v2 reads as O: Tongxue reads the school mechanisms as O (the union's requests are recorded) and keeps M for the federation's channel of GS-4 (构建与政府、学校职能部门的沟通协调渠道).",
        ),
        _r(
            "RGT-4",
            _(
                "The school-level union takes part in the school's decisions on teaching, logistics, rewards and discipline, each participation recorded; it pushes for its leaders to sit on the school affairs committee."
            ),
            "GS-10 CQ-5",
            M,
            parts={
                "participation": Part(
                    M,
                    "taking part in the school's decisions, each participation recorded (应合理参与)",
                ),
                "committee-seats": Part(
                    OPT, "pushing for seats on the school affairs committee (推动)"
                ),
            },
            quotes={
                "GS-10": "推动校级学生会组织负责人成为校务委员会等学校咨询议事监督机构成员……校级学生会组织应合理参与学校在涉及教育教学、后勤管理、学生奖惩等同学关切事务的决策、管理和评价工作",
                "CQ-5": "推动校级学生会组织负责人成为校务委员会等学校咨询议事监督机构成员……校级学生会组织应合理参与学校在涉及教育教学、后勤管理、学生奖惩等同学关切事务的决策、管理和评价工作",
            },
            remedy=_(
                "Record each participation in the school's decisions, and the union's requests for seats on its committees."
            ),
            guarded="the committees and meetings of the school the union sits on (校务委员会, 膳食委员会, 奖助评审 …) with the seat it holds; each meeting attended with the students' position it carried and the outcome; its written requests for seats ([advocacy.md](advocacy.md))",
            note="every school-level union of a university, from the records of Tongxue (a snapshot carries none: not judged): no meeting of a school committee attended within `participation_interval_months` (6, Tongxue's default: the plans give no interval) is a violation; no seat on the school affairs committee on the audit day and no written request for a committee seat a recommendation",
        ),
        _r(
            "RGT-5",
            _(
                "The online federation asks students for needs and ideas and answers in time."
            ),
            "GS-5",
            M,
            parts={
                "response": Part(
                    M,
                    "answering students' ideas in time (及时收集、回应广大同学的意见建议)",
                ),
                "asking": Part(
                    D,
                    "asking students at an interval the plan does not name (问需问计于广大同学)",
                ),
            },
            quotes={
                "GS-5": "依托微信、微博、网站、“青年之声”等网络平台，问需问计于广大同学，及时收集、回应广大同学的意见建议",
            },
            remedy=_(
                "Ask students for their needs and ideas online and answer each in time."
            ),
            guarded="a provincial or city federation's administrators open a consultation (a question, an opening and a closing day; the public response is due `consultation_answer_working_days` working days of the 公示 calendar after it closes, holidays and 调休 counted); while it is open, signed-in students of any school under the federation send ideas, each a concern of their school union handled by the federation and linked to the consultation (the same visibility, masking, 同意/我也遇到, answer, rating and public timeline as any concern); once it has closed the federation publishes its dated public response, which answers every idea still waiting, and may answer ideas one by one; the consultation's public page shows the question, the public ideas without any identity, the response and whether it came in time ([voice.md](voice.md))",
            note="every provincial and city federation, from the records of Tongxue (a snapshot carries none: not judged): a consultation closed whose public response is missing after its due date on the audit day is a violation (published on the due date is in time; `consultation_answer_working_days` 10, Tongxue's default: the plan says 及时 without a number); no consultation opened within `consultation_interval_months` (12, Tongxue's default: the plan names no interval) is a deviation, which a federation that asked students on other platforms justifies",
            differs="The catalogue marks RGT-5 M as a whole. Tongxue keeps M for answering in time (及时……回应) and reads asking at an interval as D: the plan names no interval and lets the federation ask on platforms Tongxue does not see (微信、微博、网站、“青年之声”), so a federation that asked there records a justification rather than being in violation.",
        ),
        _r(
            "RGT-6",
            _(
                "Delegates and cadres are in direct contact with the students they represent and hear their opinions."
            ),
            "GS-一(三) CQ-一(三)",
            M,
            quotes={
                "GS-一(三)": "建立学生代表、学生干部直接联系同学、听取意见的制度",
                "CQ-一(三)": "建立学生代表、学生干部直接联系同学、听取意见的制度",
            },
            remedy=_(
                "Make each delegate and cadre reachable by the students they represent and log their contacts."
            ),
            guarded="a signed-in student writes to a delegate of the union's current congress or a cadre of its roster who represents them (the delegate's department where the seat or the electing unit says so, else the union's students) through Tongxue's relay; the recipient reads it in their Tongxue inbox with the sender's name, which nobody else sees (not the union's administrators, not the operator), and replies through the relay; `relay_messages_per_day_max` messages a day per sender (5, Tongxue's default: the plans give no number); the contacts are counted publicly per person and term, never who or what; the audit log records that a message was relayed to the person, never its sender ([voice.md](voice.md#contact-your-delegate-or-cadre-rgt-6))",
            note="every school-level union of a university, from the accounts recorded in Tongxue (a snapshot carries none and is not judged): each delegate of its current congress (the newest congress whose delegates are elected) and each cadre of its roster (CAD-2) has a contact route, an active account linked to them (or, for a cadre, the post's official contact); one finding per union listing those without",
            differs='The catalogue cites "GS 一(三), CQ": the sentence is among the goals (主要目标, part 一(三)) of both plans, cited here as GS-一(三) and CQ-一(三). It is a goal of the reform (通过改革……建立……制度) rather than a numbered measure; the catalogue\'s M is kept.',
        ),
        _r(
            "RGT-7",
            _(
                "Rights work pays attention to vulnerable students and to common interests."
            ),
            "GS-4 GS-10 CQ-5",
            M,
            quotes={
                "GS-4": "关注校园弱势群体，关注普遍性利益诉求",
                "GS-10": "及时收集、听取涉及广大同学切身利益和普遍诉求的问题",
                "CQ-5": "及时收集、听取涉及广大同学切身利益和普遍诉求的问题",
            },
            remedy=_(
                "Record concerns of vulnerable students and common interests as such and follow them up."
            ),
            planned="a later issue (rights workflow)",
            differs="The catalogue cites GS-4 and GS-10. Vulnerable students (关注校园弱势群体) are named only in GS-4, the federations' daily rights work; GS-10 speaks of common concerns (普遍诉求) only, and CQ-5 has the same words as GS-10, so it is cited too.",
        ),
        # TRN: transparency and evaluation
        _r(
            "TRN-1",
            _("Rules and work affairs are public."),
            "GS-11 CQ-6",
            M,
            quotes={
                "GS-11": "校级学生会组织要建立各项规章制度、工作事务的公开制度",
                "CQ-6": "校级学生会组织要建立各项规章制度、工作事务的公开制度",
            },
            remedy=_("Publish the union's rules and work affairs."),
            guarded="every union has a public page (公开, `/open/CODE/`): its rules as versioned documents with their days in force and the differences between versions (the charter is the congress business's, linked), its work affairs as dated entries with attachments, its annual work report (filed to the congress or its standing body in writing, it counts for CON-13); its administrators publish, everyone reads, students subscribe ([disclosure.md](disclosure.md))",
            note="every school-level union of a university, from the records of Tongxue (a snapshot carries none: not judged): a rule in force (a charter version or a published rule) on the audit day, and at least `disclosure_entries_min_per_term` items published in the last term that is over (Tongxue's default: 1)",
        ),
        _r(
            "TRN-2",
            _(
                "Students evaluate the union on awareness, participation and satisfaction; results are public."
            ),
            "GS-11 CQ-6",
            M,
            quotes={
                "GS-11": "从学生知晓度、参与度、满意度等维度评价学生会组织工作，评价结果面向全体同学公开",
                "CQ-6": "从学生知晓度、参与度、满意度等维度评价学生会组织工作，评价结果面向全体同学公开",
            },
            remedy=_(
                "Run a student evaluation of the union on awareness, participation and satisfaction and publish its results."
            ),
            guarded="a survey engine ([surveys.md](surveys.md)): the union's evaluation from the standard template (知晓度, 参与度, 满意度: scales, choices and a short text), answered by every student the union serves or a sample drawn with a published seed; one response per student, anonymous like a ballot (who answered is stored apart from what, nothing links them after the close); the results public to everyone at the close, per question and dimension, by department and grade only for groups of `survey_min_group_size` responses (10, Tongxue's default), texts grouped by keyword, trends over earlier evaluations",
            note="every school-level union of a university, from the surveys run in Tongxue (a snapshot carries none: not judged): an evaluation opened within `union_evaluation_interval_months` months (12, Tongxue's default: the plans give no interval); every evaluation closed `survey_results_publish_days` days before the audit day (14, Tongxue's default) with its results public",
        ),
        _r(
            "TRN-3",
            _(
                "The school union hears every department union's report and opinions at least once a year, assesses it and publishes the assessment."
            ),
            "GS-7 CQ-2",
            M,
            quotes={
                "GS-7": "建立健全校级学生会组织每年至少1次通过集中会议或书面形式听取全部院（系）学生会组织工作报告及意见建议的制度……考核结果进行公开",
                "CQ-2": "建立健全校级学生会组织每年至少1次通过集中会议或书面形式听取全部院（系）学生会组织工作报告及意见建议的制度……考核结果进行公开",
            },
            remedy=_(
                "Hear the missing department unions' reports and opinions, assess them and publish the assessment."
            ),
        ),
        _r(
            "TRN-4",
            _("Standardised finances; spending is disclosed and supervised."),
            "GS-14 CQ-9",
            M,
            quotes={
                "GS-14": "学校团组织要指导学生会组织进一步规范财务制度，健全经费执行的公开和监督机制",
                "CQ-9": "校团委要指导学生会组织进一步规范财务制度，健全经费执行的公开和监督机制",
            },
            remedy=_("Publish the union's spending and have it supervised."),
            guarded="a ledger per union and school year ([finances.md](finances.md)): budget lines by category, income (school allocation, sponsorship naming its sponsor) and expenditure in exact amounts (元 to 分); every entry submitted by one person and approved by another: not the person who entered it or handles its money, and the League advisor above the threshold the school sets; an approved entry is never changed, a correction is a reversing entry; the public disclosure page of each term (totals, budget against actual, every approved entry, students' names masked), delegates' questions answered publicly, and the finance office's Excel layout",
            note="from the records of Tongxue (a snapshot carries none: not judged): a school-level union of a university that did not disclose its finances of the last finished term; an expenditure still not approved more than `finance_approval_days` (30, Tongxue's default: the plans give no number) after its date; an entry approved by the person who entered it or handles its money",
        ),
        _r(
            "TRN-5",
            _(
                "Every union sets up real-name verified official accounts, listed, through which students reach and evaluate it."
            ),
            "GS-11 CQ-6",
            M,
            quotes={
                "GS-11": "学生会组织应建立实名认证的官方微博、微信账号等互联网平台……接受广大同学监督和评议",
                "CQ-6": "学生会组织应建立实名认证的官方微博、微信账号等互联网平台……接受广大同学监督和评议",
            },
            remedy=_(
                "Set up real-name verified official accounts and list them on the union's page."
            ),
            guarded="the union's public page lists its official accounts (platform, account, real-name verification and its day, the person responsible, a QR code) ([disclosure.md](disclosure.md))",
            note="every school-level union of a university, from the records of Tongxue (a snapshot carries none: not judged): an account of the union's own, real-name verified by the audit day and not closed",
        ),
        _r(
            "TRN-6",
            _(
                "The online federation and union: online opinion gathering and analysis, a register of the self-media of unions and clubs, exchange of experience and exemplars."
            ),
            "GS-5 GS-11 CQ-6",
            M,
            quotes={
                "GS-5": "加强工作经验交流，宣传推广先进典型……加强网络舆情搜集研判，规范自媒体管理",
                "GS-11": "注重“网上学生会”建设，充分运用网络技术和新媒体平台，实现信息扁平化传递",
                "CQ-6": "注重“网上学生会”建设，充分运用网络技术和新媒体平台，实现信息扁平化传递",
            },
            remedy=_(
                "Register the self-media of the union and its clubs and record the online opinion gathered."
            ),
            planned="the register of the self-media of a union's clubs and departments is kept on its public page (`/open/CODE/accounts/`, [disclosure.md](disclosure.md)); online opinion gathering and the exchange of exemplars are a later issue, and no rule judges TRN-6 yet",
            differs='The catalogue cites GS-5 and GS-11; CQ-6 has the same words as GS-11 (注重“网上学生会”建设), so it is cited too. "A register of self-media" is the catalogue\'s reading of 规范自媒体管理 (regulating the management of self-media).',
        ),
        # GOV: the Party's leadership and the League's guidance
        _r(
            "GOV-1",
            _(
                "The school's Party committee hears the union's reports regularly and gives guidance; reports and guidance are recorded."
            ),
            "GS-14 CQ-9",
            M,
            by_plan={"CQ": OPT},
            quotes={
                "GS-14": "各学校党组织要把学生会组织工作纳入党群工作整体格局中进行谋划……定期听取相关汇报，提出指导要求",
                "CQ-9": "推动学校各级党组织把学生会组织工作纳入党群工作整体格局中进行谋划……定期听取相关汇报，提出指导要求",
            },
            remedy=_(
                "Report to the school's Party committee within the profile's interval and record its guidance."
            ),
            note="Judged at every school-level union, secondary schools' included (各学校党组织), from the records of guidance (the union's guidance page, or the snapshot table `guidance`): a report heard by the Party committee within `party_hearing_interval_months` (12, Tongxue's default: the plans say 定期 without a number) before the audit day; exactly that many months before is in time.",
            differs="The catalogue marks GOV-1 M. GS-14 requires it of the schools' Party organisations (各学校党组织要……定期听取相关汇报); CQ-9 words it as something pushed for (推动学校各级党组织……定期听取相关汇报). Under a profile of the Chongqing plan (clauses CQ) the requirement is therefore O: a missing record is a recommendation.",
        ),
        _r(
            "GOV-2",
            _(
                "The League committee guides the union's political direction, organisation and cadres, and respects its autonomy in daily work; guidance is recorded."
            ),
            "GS-14 CQ-9",
            M,
            quotes={
                "GS-14": "重点从政治方向、组织机制、骨干培养等方面给予指导和监督，在具体业务工作和活动开展中，充分尊重学生会组织的积极性、创造性和自主性",
                "CQ-9": "重点从政治方向、组织机制、骨干培养等方面给予指导和监督，在具体业务工作和活动开展中，充分尊重学生会组织的积极性、创造性和自主性",
            },
            remedy=_(
                "Record the League committee's guidance, and leave the union's daily executive work to the union."
            ),
            note="Judged at every school-level union, secondary schools' included (学校团组织): a record of the League committee's guidance within `league_guidance_interval_months` (12, Tongxue's default: the plans name no interval) before the audit day; and no League cadre or teacher in one of the union's executive posts (president, vice-president, head or deputy head of a department, core member). The secretary-general is a League cadre by the plans (ORG-3) and is not one of them.",
            guarded="`appoint` refuses a League cadre or teacher in one of the union's executive posts (the guards: a new GOV-2 violation)",
        ),
        # FED: federations
        _r(
            "FED-1",
            _(
                "The provincial presidium covers every type of school; the committee strives to cover university, graduate and secondary-school unions."
            ),
            "GS-1",
            M,
            parts={
                "presidium": Part(
                    M,
                    "the presidium covers general universities, higher vocational, secondary vocational, middle schools, private universities and independent colleges",
                ),
                "committee": Part(
                    D,
                    "the committee strives to cover (力争) university, graduate and secondary-school unions",
                ),
            },
            quotes={
                "GS-1": "主席团涵盖省内的普通高校、高职、中职、中学、民办高校与独立学院学生会代表；委员会团体力争涵盖高等学校学生会、研究生会、中等学校学生会等群体",
            },
            remedy=_(
                "At the next election, give the presidium a member from each school type it misses and the committee the unions it misses."
            ),
            note="provincial federations only, on the audit day; a school type (a group of unions) with no school (no such union) in the federation's area is not required; a member's school is the school above their department (else their class, else their union post); the committee is read as the federation's posts of member (委员) and core member together with the presidium (主席单位 are among the 委员单位), a member representing the graduate union or else the school union of their school; cqtgu-2017 has no federation",
        ),
        _r(
            "FED-2",
            _("Regular working meetings between the provincial and city federations."),
            "GS-1",
            M,
            quotes={
                "GS-1": "建立省学联与设立学联组织的（州）一级学联的定期工作会议制度",
            },
            remedy=_(
                "Hold and record regular working meetings with the city federations."
            ),
            planned="a later issue (federation workflow)",
            differs='The plan\'s text reads "设立学联组织的（州）一级学联": the 市 of 市（州） is missing in the source; read as the city (prefecture) federations, as the next paragraph of GS-1 says.',
        ),
        _r(
            "FED-3",
            _(
                "Secretariat rules: resident presidents, a deliberative committee, rotating committees."
            ),
            "GS-4",
            M,
            quotes={
                "GS-4": "制定出台《甘肃省学联秘书处驻会主席选拔规则》和《甘肃省学联秘书处议事委员会管理办法》……制定专项委员会轮值制度",
            },
            remedy=_(
                "Adopt and publish the secretariat's rules for resident presidents, the deliberative committee and rotating committees."
            ),
            planned="a later issue (federation workflow)",
        ),
        _r(
            "FED-4",
            _("University cadres are assigned to secondary schools."),
            "GS-4",
            M,
            quotes={
                "GS-4": "制定出台《高校学生干部到中职中学报到制度》……为中学中职团员上团课",
            },
            remedy=_(
                "Assign university cadres to secondary schools and record their visits and classes."
            ),
            planned="a later issue (federation workflow)",
        ),
        _r(
            "FED-5",
            _(
                "The federation monitors every secondary school's congress dates and delegate counts."
            ),
            "GS-4",
            M,
            quotes={"GS-4": "督促各市（州）团委指导辖区内中职中学按时召开团学两代会"},
            remedy=_(
                "Follow up each secondary school whose congress is overdue or short of delegates."
            ),
            planned="later (meanwhile CON-11 audits every secondary school below a federation)",
        ),
        _r(
            "FED-6",
            _(
                "Implementation is assessed across the province and in each school: a compliance view, a scored assessment per school and the reform's timetable and road map."
            ),
            "GS-三 GS-4 CQ-10",
            M,
            quotes={
                "GS-三": "方案落实执行情况将纳入各级党委、团委和教育行政部门的考核内容",
                "GS-4": "为学联学生会改革的深入推进制定时间表、路线图",
                "CQ-10": "方案落实执行情况将纳入各级党团组织和学生会的考核内容",
            },
            remedy=_(
                "Assess each school's implementation and publish the reform's timetable and road map."
            ),
            planned="a later issue (federation workflow; the compliance pages already show every member organisation)",
        ),
        _r(
            "FED-7",
            _(
                "A federation works under its own charter and guides the city federations."
            ),
            "GS-1",
            M,
            quotes={
                "GS-1": "依照国家的法律、法规和本组织的章程开展工作……加强省学联对设立学联组织的市（州）一级学联的统筹指导",
            },
            remedy=_(
                "Adopt the federation's charter and record its guidance to the city federations."
            ),
            planned="a later issue (federation workflow)",
        ),
        _r(
            "FED-8",
            _(
                "Exchanges with Hong Kong, Macao, Taiwan and foreign student organisations; special working committees."
            ),
            "GS-1",
            OPT,
            quotes={
                "GS-1": "加强与港澳台学生组织的联系交流……注重与国外学校学生会组织的交流合作……适时设立相关专门工作委员会",
            },
            remedy=_(
                "Consider exchanges with student organisations of Hong Kong, Macao, Taiwan and abroad, and special working committees."
            ),
            planned="a later issue (federation workflow)",
        ),
    )
}


#: Every audit rule id, with its own remedy where it differs from its requirement's and
#: the part of a split requirement it judges. docs/requirements.md lists these ids as
#: the rules that audit each requirement; a test keeps the table equal to the ids the
#: rule modules produce.
RULES: dict[str, RuleText] = {
    "ORG-2.president-count": RuleText(
        _(
            "Have the congress elect exactly one president and end any other president's post."
        )
    ),
    "ORG-2.vice-presidents-min": RuleText(
        _("Have the congress elect vice-presidents up to the profile's minimum.")
    ),
    "ORG-2.vice-presidents-max": RuleText(
        _(
            "End the posts of vice-presidents above the maximum, or record those who serve a branch campus as such."
        )
    ),
    "ORG-2.branch-campus-vice-presidents": RuleText(
        _(
            "Record the school's branch campuses, or end the branch-campus mark of vice-presidents the school has no campus for."
        )
    ),
    "ORG-3.secretary-general-count": RuleText(),
    "ORG-3.data-missing": RuleText(
        _("Enter the secretary-general in the register of people with their kind."),
        incomplete=True,
    ),
    "ORG-3.secretary-general-not-cadre": RuleText(
        _(
            "Appoint a full-time Youth League committee cadre as secretary-general instead of the present holder."
        )
    ),
    "ORG-4.department-deputies": RuleText(),
    "ORG-5.assistant-title": RuleText(),
    "ORG-6.core-members": RuleText(),
    "ORG-6.data-missing": RuleText(
        _("Enter the number of students the union serves."), incomplete=True
    ),
    "ORG-7.clubs-responsible": RuleText(
        _("Mark exactly one presidium member as responsible for student clubs.")
    ),
    "ORG-7.club-federation-head": RuleText(
        _(
            "Make the presidium member responsible for clubs the head of the club federation."
        )
    ),
    "ORG-8.rights-body": RuleText(),
    "ORG-11.no-project": RuleText(
        _(
            "Run the union's work as projects: plan a project with an owner, the departments involved and members, start it and conclude it with its outcome report."
        )
    ),
    "ORG-12.no-union": RuleText(),
    "ORG-15.department-layers": RuleText(),
    "CON-1.no-congress": RuleText(
        _("Convene the school-level congress and record it once held.")
    ),
    "CON-1.congress-overdue": RuleText(),
    "CON-2.data-missing": RuleText(
        _("Enter the number of students the department union serves."), incomplete=True
    ),
    "CON-2.assembly-not-allowed": RuleText(
        _(
            "Hold a department congress: an all-student assembly replaces it only below the profile's number of students."
        )
    ),
    "CON-2.congress-overdue": RuleText(),
    "CON-3.data-missing": RuleText(
        _(
            "Enter the number of students the union serves and the congress's delegates."
        ),
        incomplete=True,
    ),
    "CON-3.delegates-too-few": RuleText(),
    "CON-4.departments-uncovered": RuleText(
        _("Give every department union at least one seat at the next allocation.")
    ),
    "CON-4.grades-not-allocated": RuleText(
        _(
            "Allocate the seats by department and grade (the biproportional allocation), so that every grade has seats."
        )
    ),
    "CON-4.grades-uncovered": RuleText(
        _("Give every grade at least one seat at the next allocation.")
    ),
    "CON-4.clubs-uncovered": RuleText(
        _("Give the main clubs a seat each at the next allocation.")
    ),
    "CON-4.data-missing": RuleText(
        _(
            "Record the congress's seat allocation, or the department and grade of its delegates."
        ),
        incomplete=True,
    ),
    "CON-5.data-missing": RuleText(
        _("Enter the congress's delegates."), incomplete=True
    ),
    "CON-5.non-core-share": RuleText(),
    "CON-6.election-missing": RuleText(),
    "CON-6.electing-body": RuleText(
        _(
            "Have the delegates elected by their classes or department unions, and record those elections."
        )
    ),
    "CON-6.data-missing": RuleText(
        _(
            "Record, for each delegate of the congress, the class or department election that elected them (electing unit, date, electorate, votes)."
        ),
        incomplete=True,
    ),
    "CON-7.work-report": RuleText(
        _("Put the union's work report on the agenda of the next congress.")
    ),
    "CON-7.leadership": RuleText(
        _("Have the congress that opens a new session elect the leadership.")
    ),
    "CON-7.charter": RuleText(_("Have the congress adopt the union's charter.")),
    "CON-7.opinions": RuleText(
        _("Collect students' opinions on the school at the next congress.")
    ),
    "CON-9.standing-conference": RuleText(),
    "CON-11.no-congress": RuleText(
        _("Convene the school's congress together with the League congress."),
        part="interval",
    ),
    "CON-11.congress-overdue": RuleText(part="interval"),
    "CON-11.data-missing": RuleText(
        _(
            "Enter the number of students the union serves and the congress's delegates."
        ),
        part="delegates",
        incomplete=True,
    ),
    "CON-11.delegates-too-few": RuleText(
        _(
            "Elect at least the profile's share of delegates at the next congress, or record why not and who approved it."
        ),
        part="delegates",
    ),
    "CON-12.data-missing": RuleText(
        _("Enter the federation congress's delegates."), incomplete=True
    ),
    "CON-12.school-data-missing": RuleText(
        _(
            "Enter the type of every member school and the county of every secondary school."
        ),
        incomplete=True,
    ),
    "CON-12.delegate-school-unknown": RuleText(
        _("Enter the school of every delegate."), incomplete=True
    ),
    "CON-12.school-type-uncovered": RuleText(
        _("Give seats at the next federation congress to the school types it misses.")
    ),
    "CON-12.county-uncovered": RuleText(
        _(
            "Give seats at the next federation congress to a middle or secondary vocational school of each county it misses."
        )
    ),
    "CON-12.non-cadre-share": RuleText(
        _(
            "Give more seats at the next federation congress to students who are not school- or department-level cadres."
        )
    ),
    "CON-13.work-report-overdue": RuleText(),
    "CON-14.no-congress": RuleText(
        _("Convene the federation's congress and record it once held.")
    ),
    "CON-14.congress-overdue": RuleText(),
    "ELE-1.wrong-body": RuleText(),
    "ELE-1.not-elected": RuleText(
        _(
            "Fill the post by an election of the congress, not by selection or appointment."
        )
    ),
    "ELE-1.meeting-unknown": RuleText(
        _("Record the meeting that held the election."), incomplete=True
    ),
    "ELE-3.wrong-body": RuleText(),
    "ELE-3.not-elected": RuleText(
        _(
            "Fill the post by an election of the department congress, not by selection or appointment."
        )
    ),
    "ELE-3.meeting-unknown": RuleText(
        _("Record the meeting that held the election."), incomplete=True
    ),
    "ELE-1.no-election": RuleText(
        _(
            "Fill the presidium post by a certified election of the congress (for the president, the congress or the standing conference), or end the post."
        )
    ),
    "ELE-1.election-unknown": RuleText(
        _("Record the election that filled the post."), incomplete=True
    ),
    "ELE-1.election-not-certified": RuleText(
        _(
            "Certify the election's result after its notice period before the post is filled."
        )
    ),
    "ELE-1.election-mismatch": RuleText(
        _("Record the election of this post at this organisation that filled it.")
    ),
    "ELE-3.no-election": RuleText(
        _(
            "Fill the presidium post by a certified election of the department congress (or the all-student assembly), or end the post."
        )
    ),
    "ELE-3.election-unknown": RuleText(
        _("Record the election that filled the post."), incomplete=True
    ),
    "ELE-3.election-not-certified": RuleText(
        _(
            "Certify the election's result after its notice period before the post is filled."
        )
    ),
    "ELE-3.election-mismatch": RuleText(
        _("Record the election of this post at this organisation that filled it.")
    ),
    "CAD-2.contact-missing": RuleText(),
    "CAD-3.no-evaluation": RuleText(),
    "CAD-3.evaluation-overdue": RuleText(),
    "CAD-3.dimension-missing": RuleText(
        _(
            "Rate the cadres on every dimension of the plans: political quality, moral character, learning, performance of duties, discipline and work style."
        )
    ),
    "CAD-3.dimensions-unknown": RuleText(
        _("Record the dimensions the cadres were rated on."), incomplete=True
    ),
    "CAD-3.results-unpublished": RuleText(
        _("Close the evaluation period so that its results are published.")
    ),
    "CAD-3.participation-share": RuleText(
        _(
            "Reach the raters on the list so that at least the profile's share of them take part."
        )
    ),
    "CAD-3.participation-unknown": RuleText(
        _("Record how many raters were on the list and how many took part."),
        incomplete=True,
    ),
    "CAD-4.report-missing": RuleText(),
    "CAD-8.concern-unanswered": RuleText(
        _(
            "Answer the concerns about cadres that are past their deadline, and open an exit case where one is founded."
        )
    ),
    "RGT-1.no-channel": RuleText(
        _(
            "Open the channel for students' concerns: list the categories students may raise a concern in, and enter those received offline."
        )
    ),
    "RGT-1.overdue-share": RuleText(
        _(
            "Acknowledge and answer the overdue concerns, and have the offices that hold them answer."
        )
    ),
    "RGT-1.no-report": RuleText(
        _(
            "Generate the report on students' concerns, submit it to the school's Party and administrative departments and record its submission."
        )
    ),
    "RGT-2.no-legal-aid": RuleText(
        _(
            "Record in the union's legal-aid directory the public-interest lawyers and legal aid bodies it keeps in touch with."
        )
    ),
    "RGT-3.no-government-meeting": RuleText(
        _(
            "Meet people's congress deputies, CPPCC members or government departments with students, and record the meeting and its minutes."
        ),
        part="federation-channel",
    ),
    "RGT-3.no-reception-day": RuleText(
        _(
            "Ask the school in writing to hold a leaders' reception day or an exchange meeting with its offices, and record those held."
        ),
        part="school-mechanisms",
    ),
    "RGT-4.no-participation": RuleText(
        _(
            "Take part in the school's committees that decide on teaching, logistics, rewards and discipline, and record each meeting attended with the students' position and the outcome."
        ),
        part="participation",
    ),
    "RGT-4.no-committee-seat": RuleText(
        _(
            "Ask the school in writing for a seat for the union's leaders on the school affairs committee."
        ),
        part="committee-seats",
    ),
    "RGT-5.response-missing": RuleText(
        _(
            "Publish the public response to each closed consultation of students, with what the federation will do about their ideas."
        ),
        part="response",
    ),
    "RGT-5.no-consultation": RuleText(
        _(
            "Open a consultation asking students for their needs and ideas, or record where the federation asked them."
        ),
        part="asking",
    ),
    "RGT-6.no-contact-route": RuleText(
        _(
            "Give each delegate and cadre listed an active Tongxue account (an invitation or an activation code), so that the students they represent can write to them through the relay."
        )
    ),
    "TRN-1.no-rules": RuleText(
        _(
            "Publish the union's rules on its public page: record the charter in force, and its working and finance rules."
        )
    ),
    "TRN-1.nothing-published": RuleText(
        _(
            "Publish the union's work affairs (plans, decisions, minutes, activity reports) on its public page every term."
        )
    ),
    "TRN-2.no-evaluation": RuleText(),
    "TRN-2.results-unpublished": RuleText(
        _(
            "Publish the results of the students' evaluation to all students: per question and dimension, by department and grade where the groups are large enough."
        )
    ),
    "TRN-3.department-reviews-missing": RuleText(),
    "TRN-3.opinions-not-heard": RuleText(
        _(
            "Hear the department union's opinions and suggestions, at a meeting or in writing, and record them with its review."
        )
    ),
    "TRN-3.assessment-unpublished": RuleText(
        _("Publish the school union's assessment of the department union.")
    ),
    "TRN-3.opinions-not-recorded": RuleText(
        _(
            "Record on the review whether the department union's opinions and suggestions were heard."
        ),
        incomplete=True,
    ),
    "TRN-5.no-verified-account": RuleText(
        _(
            "Have the union's official account verified under its real name and record it, with the day, on the union's public page."
        )
    ),
    "ORG-14.unreviewed-activity": RuleText(
        _(
            "Have every club activity reviewed by the League advisor before it is held; record held only approved activities."
        ),
        part="review",
    ),
    "ORG-14.inactive-club": RuleText(
        _(
            "Help the club plan and register its activities each term, suspend or dissolve a club that no longer runs, or record why it paused."
        ),
        part="regular",
    ),
    "TRN-4.no-disclosure": RuleText(
        _(
            "Disclose the term's finances on the union's finance page: totals by category, budget against actual and every approved entry."
        )
    ),
    "TRN-4.unapproved-spending": RuleText(
        _(
            "Have the expenditures approved by the union's finance approver or the League advisor, or reject them."
        )
    ),
    "TRN-4.self-approved": RuleText(
        _(
            "Have another person approve: nobody approves an entry they entered or whose money they handle; record a reversing entry and enter it again."
        )
    ),
    "GOV-1.party-hearing-overdue": RuleText(),
    "GOV-2.league-guidance-overdue": RuleText(
        _(
            "Have the League committee guide the union (political direction, organisation, cadres) and record its guidance."
        )
    ),
    "GOV-2.league-executive": RuleText(
        _(
            "Give the executive post to a student: League cadres and teachers guide the union but do not run its daily work."
        )
    ),
    "FED-1.presidium-school-type-uncovered": RuleText(
        _(
            "At the next election, give the presidium a member from each school type it misses."
        ),
        part="presidium",
    ),
    "FED-1.presidium-school-unknown": RuleText(
        _("Enter the department (and so the school) of every presidium member."),
        part="presidium",
        incomplete=True,
    ),
    "FED-1.school-data-missing": RuleText(
        _("Enter the type of every school in the federation's area."),
        part="presidium",
        incomplete=True,
    ),
    "FED-1.committee-union-uncovered": RuleText(
        _(
            "At the next election, give the committee a member from each group of unions it misses, or record why not and who approved it."
        ),
        part="committee",
    ),
    "FED-1.committee-union-unknown": RuleText(
        _("Enter the department or the union post of every committee member."),
        part="committee",
        incomplete=True,
    ),
}


def requirement_of(rule: str) -> Requirement:
    """Return the requirement a rule id belongs to (its prefix before the dot)."""
    return REQUIREMENTS[rule.split(".", 1)[0]]


def rule_obligation(rule: str, *, plans: Iterable[str] = ()) -> Obligation:
    """Return the obligation a rule judges: its part's, under the governing ``plans``."""
    text = RULES.get(rule)
    return requirement_of(rule).obligation_of(text.part if text else "", plans=plans)


def remedy_of(rule: str) -> str:
    """Return what to do about a finding of ``rule`` (a message id)."""
    text = RULES.get(rule)
    if text is not None and text.remedy:
        return text.remedy
    req = REQUIREMENTS.get(rule.split(".", 1)[0])
    return req.remedy if req is not None else ""


def quotes_of(requirement: str, clauses: Iterable[str]) -> dict[str, str]:
    """Return the plan's own words for ``clauses`` of ``requirement`` (clause → quote)."""
    req = REQUIREMENTS.get(requirement)
    return req.quotes_of(clauses) if req is not None else {}


def rules_of(requirement: str) -> list[str]:
    """Return the rule ids of ``requirement`` in :data:`RULES`, sorted."""
    prefix = f"{requirement}."
    return sorted(r for r in RULES if r.startswith(prefix))
