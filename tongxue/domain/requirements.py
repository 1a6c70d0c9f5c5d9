"""The catalogue of requirements of the two reform plans, in the project's own words.

Ids follow the project's numbering (ORG-5, CON-3 …). Clause ids name the measures of the
source plans: ``GS-n`` the n-th measure of part 二 of the Gansu provincial plan
(甘团联发〔2017〕30号), ``GS-三`` its part 三; ``CQ-n`` the n-th measure of the Chongqing
Three Gorges University plan (discussion draft). Summaries are message ids (English),
translated on the Django side.
"""

from __future__ import annotations

from dataclasses import dataclass

from tongxue.domain.findings import Obligation
from tongxue.domain.findings import gettext_noop as _

M, D, OPT = Obligation.MUST, Obligation.DEFAULT, Obligation.OPTION


@dataclass(frozen=True, slots=True)
class Requirement:
    id: str
    summary: str
    clauses: tuple[str, ...]
    obligation: Obligation


def _r(id: str, summary: str, clauses: str, obligation: Obligation) -> Requirement:
    return Requirement(id, summary, tuple(clauses.split()), obligation)


REQUIREMENTS: dict[str, Requirement] = {
    r.id: r
    for r in (
        _r(
            "ORG-1",
            _(
                "Hierarchy of federations, schools, unions, departments and classes; every organisation has a type, a parent and the number of students it serves."
            ),
            "GS-1 GS-7 CQ-2",
            M,
        ),
        _r(
            "ORG-2",
            _(
                "A school-level presidium of 1 president and 4 to 6 vice-presidents; schools with branch campuses may add vice-presidents, recorded as such."
            ),
            "GS-9 CQ-4",
            M,
        ),
        _r(
            "ORG-3",
            _(
                "One secretary-general, held concurrently by a full-time Youth League committee cadre."
            ),
            "GS-9 CQ-4",
            M,
        ),
        _r(
            "ORG-4",
            _("A functional department has at most 2 deputies."),
            "GS-9 CQ-4",
            D,
        ),
        _r(
            "ORG-5",
            _(
                "No president's assistant or minister's assistant positions, however the title is spelled."
            ),
            "GS-9 CQ-4",
            M,
        ),
        _r(
            "ORG-6",
            _(
                "Core members of a school-level union are at most one per cent of the students it serves."
            ),
            "GS-9 CQ-4",
            D,
        ),
        _r(
            "ORG-7",
            _(
                "One presidium member is responsible for student clubs and, where a club federation exists, heads it concurrently."
            ),
            "GS-6 CQ-1",
            M,
        ),
        _r("ORG-8", _("A school-level union has a rights body."), "GS-10 CQ-5", M),
        _r(
            "ORG-9",
            _("Rights officers at school, department and class level."),
            "GS-10",
            OPT,
        ),
        _r(
            "ORG-10",
            _("Departments for Hong Kong, Macao, Taiwan and international students."),
            "GS-9 CQ-4",
            OPT,
        ),
        _r(
            "ORG-11",
            _("Project-based work alongside functional departments."),
            "GS-9 CQ-4",
            M,
        ),
        _r(
            "ORG-12",
            _(
                "Secondary schools have a student union guided by the Youth League committee."
            ),
            "GS-7",
            M,
        ),
        _r(
            "ORG-13",
            _(
                "The union's position is written into the school charter; every union adopts its own charter."
            ),
            "GS-6 CQ-1",
            M,
        ),
        _r(
            "CON-1",
            _("A school-level congress at least every 2 years."),
            "GS-8 CQ-3",
            M,
        ),
        _r(
            "CON-2",
            _(
                "A department-level congress every year; a department under 400 students may hold an all-student assembly instead."
            ),
            "GS-8 CQ-3",
            D,
        ),
        _r(
            "CON-3",
            _(
                "Delegates number at least one per cent of the students the union serves."
            ),
            "GS-8 CQ-3",
            D,
        ),
        _r(
            "CON-4",
            _(
                "Seats cover every department, every grade and the main clubs; the allocation method and arithmetic are shown."
            ),
            "GS-8 CQ-3",
            M,
        ),
        _r(
            "CON-5",
            _(
                "At least 60 per cent of delegates are not school- or department-level union core members."
            ),
            "GS-8 CQ-3",
            D,
        ),
        _r(
            "CON-6",
            _(
                "Delegates are elected by classes or department unions; each records its election."
            ),
            "GS-8 CQ-3",
            M,
        ),
        _r(
            "CON-7",
            _(
                "A congress reviews the work report, elects the leadership, adopts the charter and collects students' opinions."
            ),
            "GS-8 CQ-3",
            M,
        ),
        _r(
            "CON-8",
            _(
                "Standing delegates are recommended by departments from among the congress delegates."
            ),
            "GS-8 CQ-3",
            M,
        ),
        _r(
            "CON-9",
            _(
                "In a year without a congress the standing conference meets at least once."
            ),
            "GS-8 CQ-3",
            M,
        ),
        _r(
            "CON-10",
            _(
                "The standing conference supervises and reviews but does not take over executive work such as rights cases."
            ),
            "GS-8 CQ-3",
            M,
        ),
        _r(
            "CON-11",
            _(
                "Secondary schools hold a congress at least every 2 years with delegates at least one per cent of students."
            ),
            "GS-4",
            M,
        ),
        _r(
            "CON-12",
            _(
                "A federation congress covers every school type and every county, with seats for non-cadre students balanced by region, school, ethnic group and gender."
            ),
            "GS-4",
            M,
        ),
        _r(
            "CON-13",
            _(
                "A union reports its work to the congress or the standing conference at least once a year."
            ),
            "GS-11 CQ-6",
            M,
        ),
        _r(
            "ELE-1",
            _(
                "The union committee and presidium are elected by the congress; the president by the congress or the standing conference."
            ),
            "GS-8 CQ-3",
            M,
        ),
        _r(
            "ELE-2",
            _(
                "Candidate conditions are set under Youth League guidance and approved by the Party committee before candidates stand."
            ),
            "GS-8 CQ-3",
            M,
        ),
        _r(
            "ELE-3",
            _(
                "Department presidium and president are elected by the department congress; other cadres are selected openly."
            ),
            "GS-8 CQ-3",
            M,
        ),
        _r(
            "ELE-4",
            _(
                "Selection is open and competitive; results are announced for a notice period open to objections."
            ),
            "GS-12 CQ-7",
            M,
        ),
        _r(
            "ELE-5",
            _(
                "Secret ballot; who voted is recorded but not how; electronic and paper ballots."
            ),
            "GS-8",
            M,
        ),
        _r(
            "CAD-1",
            _(
                "Main cadre candidates meet the criteria of the plan and are assessed against each."
            ),
            "GS-12 CQ-7",
            M,
        ),
        _r(
            "CAD-2",
            _("The list of main cadres and their contact details is public."),
            "GS-12 CQ-7",
            M,
        ),
        _r(
            "CAD-3",
            _("Core and main cadres are evaluated by students on five dimensions."),
            "GS-12 CQ-7",
            M,
        ),
        _r(
            "CAD-4",
            _(
                "Presidium members report on their work every semester and are rated; results are public."
            ),
            "GS-12 CQ-7",
            M,
        ),
        _r(
            "CAD-5",
            _(
                "Cadres who cannot serve are advised to resign, dismissed or recalled by a defined procedure."
            ),
            "GS-12 CQ-7",
            M,
        ),
        _r(
            "CAD-6",
            _("Two-level cadre training whose records feed evaluation."),
            "GS-12 CQ-7",
            M,
        ),
        _r(
            "CAD-7",
            _("Work style is part of selecting, evaluating and using cadres."),
            "GS-13 CQ-8",
            M,
        ),
        _r(
            "RGT-1",
            _(
                "An online and offline channel for students' concerns, reported to the school and followed up."
            ),
            "GS-10 GS-4 CQ-5",
            M,
        ),
        _r(
            "RGT-2",
            _("Links to public-interest lawyers and legal aid."),
            "GS-10 CQ-5",
            M,
        ),
        _r(
            "RGT-3",
            _("Face-to-face meetings with school leaders and departments."),
            "GS-10 GS-4 CQ-5",
            M,
        ),
        _r(
            "RGT-4",
            _("Union leaders sit on the school affairs committee."),
            "GS-10 CQ-5",
            M,
        ),
        _r(
            "RGT-5",
            _(
                "The online federation asks students for needs and ideas and answers in time."
            ),
            "GS-5",
            M,
        ),
        _r("TRN-1", _("Rules and work affairs are public."), "GS-11 CQ-6", M),
        _r(
            "TRN-2",
            _(
                "Students evaluate the union on awareness, participation and satisfaction; results are public."
            ),
            "GS-11 CQ-6",
            M,
        ),
        _r(
            "TRN-3",
            _(
                "The school union hears every department union's report at least once a year, assesses it and publishes the assessment."
            ),
            "GS-7 CQ-2",
            M,
        ),
        _r(
            "TRN-4",
            _("Standardised finances; spending is disclosed and supervised."),
            "GS-14 CQ-9",
            M,
        ),
        _r("TRN-5", _("Verified official accounts are listed."), "GS-11 CQ-6", M),
        _r(
            "FED-1",
            _(
                "The provincial presidium and committee cover every school type and every kind of union."
            ),
            "GS-1",
            M,
        ),
        _r(
            "FED-2",
            _("Regular working meetings between the provincial and city federations."),
            "GS-1",
            M,
        ),
        _r(
            "FED-3",
            _(
                "Secretariat rules: resident presidents, a deliberative committee, rotating committees."
            ),
            "GS-4",
            M,
        ),
        _r(
            "FED-4",
            _("University cadres are assigned to secondary schools."),
            "GS-4",
            M,
        ),
        _r(
            "FED-5",
            _(
                "The federation monitors every secondary school's congress dates and delegate counts."
            ),
            "GS-4",
            M,
        ),
        _r("FED-6", _("Implementation is assessed across the province."), "GS-三", M),
    )
}
