"""The demo generator's constants: codes, the sizes of the province, the problems
planted and their rates, and the texts the records carry."""

from __future__ import annotations

from datetime import date

DEFAULT_SEED = 20171030
#: A fixed reference date, for tests and examples that need reproducible output
#: (``tongxue demo --today 2026-11-01``); the demo itself is built as of today.
PINNED_AS_OF = date(2026, 11, 1)
FORMAT = "tongxue-snapshot"
VERSION = 1
DEFAULT_PROFILE = "gansu-2017"

#: Code of the university built by :func:`build_school`.
SCHOOL_CODE = "LYDX"
#: Code of the provincial federation built by :func:`build_province`.
PROVINCE_CODE = "GSXL"

#: Rate of the election and semester problems (ELE-1, ELE-3, CAD-4), per union.
RECORD_PROBLEM_RATE = 0.03
#: Rate of the guidance problems (GOV-1, GOV-2), per school-level union of the province.
GUIDANCE_PROBLEM_RATE = 0.03
#: Rate of the cadre-evaluation problems (CAD-3), per department union; each problem
#: is also planted at one of the first department unions built (in this order).
EVALUATION_PROBLEM_RATE = 0.01
EVALUATION_PROBLEMS = ("evaluation_missing", "dimension_missing", "results_unpublished")
#: The roles a period rates (the profiles' ``core_roles`` and ``main_cadre_roles``).
CADRE_ROLES = frozenset(
    {
        "president",
        "vice_president",
        "department_head",
        "department_deputy",
        "core_member",
    }
)
#: Who gave the guidance and what was said (GOV-1: 党委听取汇报; GOV-2: 团委指导).
GUIDANCE_TEXTS = {
    "party_hearing": (
        (
            "校党委常委会",
            "听取学生会年度工作汇报，要求加强思想引领、精简机构、从严管理学生干部。",
        ),
        ("校党委", "听取学生会改革推进情况汇报，要求落实代表大会制度，做好权益服务。"),
    ),
    "league_guidance": (
        (
            "校团委",
            "就学生会政治方向、组织机制和骨干培养给予指导，日常工作由学生会自主开展。",
        ),
        ("校团委书记办公会", "指导学生会完善学生代表大会筹备和主席团成员述职评议。"),
    ),
}

#: Number of schools of each type in the full province (scale 1.0).
PROVINCE_SCHOOLS: dict[str, int] = {
    "middle_school": 1400,
    "secondary_vocational": 560,
    "general_university": 22,
    "higher_vocational": 20,
    "private_university": 5,
    "independent_college": 3,
}
UNIVERSITY_TYPES = (
    "general_university",
    "higher_vocational",
    "private_university",
    "independent_college",
)
SECONDARY_TYPES = ("middle_school", "secondary_vocational")

#: Problems of a university's school-level union, each drawn at ``UNION_PROBLEM_RATE``.
UNION_PROBLEMS = (
    "vp_many",
    "vp_few",
    "branch_vp_bad",
    "sg_student",
    "sg_missing",
    "deputies3",
    "assistant",
    "core_over",
    "no_club_resp",
    "club_head_differs",
    "no_rights",
    "congress_overdue",
    "congress_never",
    "delegates_few",
    "delegates_cadres",
    "standing_gap",
    "no_work_report",
    "no_contact",
    "reviews_missing",
    "review_unpublished",
    "served_missing",
)
UNION_PROBLEM_RATE = 0.07
DEPARTMENT_PROBLEMS = ("dept_overdue", "dept_assembly_large", "dept_delegates_few")
DEPARTMENT_PROBLEM_RATE = 0.06
SECONDARY_PROBLEMS = (
    "no_union",
    "sec_overdue",
    "sec_never",
    "sec_delegates_few",
    "assistant",
    "deputies3",
    "served_missing",
)
SECONDARY_PROBLEM_RATE = 0.05

# Titles of the forbidden assistant posts (ORG-5), in several spellings.
ASSISTANT_TITLES = ("主席助理", "執行主席助理", "部长助理", "部長助理", "执行主席助理")
JUSTIFIERS = ("校团委", "校党委学生工作部", "市团委学校部")
