"""Cadres held to account: the elections of a union's presidium and its semesters'
work reports (ELE-1, CAD-4), the evaluations of cadres (CAD-3), the guidance of the
Party and League committees (GOV-1, GOV-2) and the reviews of department unions
(TRN-3)."""

from __future__ import annotations

import math
from datetime import date, timedelta
from typing import Any

from tongxue.demo import names
from tongxue.demo.generator.constants import (
    CADRE_ROLES,
    EVALUATION_PROBLEM_RATE,
    EVALUATION_PROBLEMS,
    GUIDANCE_PROBLEM_RATE,
    GUIDANCE_TEXTS,
)
from tongxue.demo.generator.helpers import finished_semesters, review
from tongxue.demo.generator.records import _Records
from tongxue.domain.evaluation import DIMENSIONS


class _Cadres(_Records):
    def union_records(self, code: str, meetings: dict[str, Any], start: date) -> None:
        """The elections of a school-level union's presidium and its last two semesters.

        The president and the vice-presidents are elected by the last congress (the
        president by the newest standing-conference meeting when there has been no
        congress); rarely the vice-presidents by a standing-conference meeting (ELE-1).
        Every presidium member reports in each of the last two finished semesters
        (:func:`finished_semesters`), except, rarely, one (CAD-4).
        """
        congress = meetings["congresses"][-1][0] if meetings["congresses"] else None
        standing = meetings["standing"][-1] if meetings["standing"] else None
        if congress is not None:
            self.election(code, congress, "president")
            vp_body = congress
            if standing is not None and self.record_problem("vp_by_standing"):
                vp_body = standing
            self.election(code, vp_body, "vice_president")
            if self.record_problem("vp_appointed"):
                self.unelected(code, "vice_president")
        elif standing is not None:
            self.election(code, standing, "president")
        for first, last in finished_semesters(self.as_of):
            presidium = sorted(
                p["person"]
                for p in self.positions
                if p["organisation"] == code
                and p["role"] in ("president", "vice_president")
                and date.fromisoformat(p["start"]) <= last
                and (p["end"] is None or date.fromisoformat(p["end"]) >= last)
            )
            finished = last < self.as_of
            # Two draws whatever the presidium, so the stream (and every later union's
            # problems) does not depend on the reference date.
            missing = self.record_problem("report_missing")
            pick = self.records_rng.random()
            if finished and presidium and missing:
                presidium.pop(int(pick * len(presidium)))
            self.semesters.append(
                {
                    "organisation": code,
                    "code": f"{first.year}-{first.month:02d}",
                    "start": first.isoformat(),
                    "end": last.isoformat(),
                    "closed": finished,
                    "reports": presidium if finished else [],
                }
            )

    def union_evaluations(self, code: str, *, department: bool = False) -> None:
        """The evaluations of a union's cadres by students (CAD-3), in counts.

        One in each of the last two finished semesters, with the semester's code (in
        Tongxue a period is the semester in which cadres are rated and the presidium
        reports, CAD-4): the five dimensions, the union's and its functional
        departments' core and main cadres, 40 to 90 raters on the
        list of whom 60% or more took part, results published. A department union
        may have a problem: no evaluation at all, the newest without discipline and
        work style, or the newest unpublished — each at one of the first three
        department unions built, then rarely. The same draws whatever happens, so the
        stream does not depend on as_of.
        """
        rng = self.evaluations_rng
        drawn = [rng.random() < EVALUATION_PROBLEM_RATE for _ in EVALUATION_PROBLEMS]
        problem = None
        if department:
            index = self._evaluated_departments
            self._evaluated_departments += 1
            if index < len(EVALUATION_PROBLEMS):
                problem = EVALUATION_PROBLEMS[index]
            else:
                problem = next(
                    (
                        p
                        for p, hit in zip(EVALUATION_PROBLEMS, drawn, strict=True)
                        if hit
                    ),
                    None,
                )
        semesters = finished_semesters(self.as_of)
        for n, (first, last) in enumerate(semesters):
            eligible = rng.randint(40, 90)
            participants = rng.randint(math.ceil(eligible * 0.6), eligible)
            if problem == "evaluation_missing":
                continue
            newest = n == len(semesters) - 1
            dimensions = list(DIMENSIONS)
            if newest and problem == "dimension_missing":
                dimensions.remove("discipline")
            self.evaluations.append(
                {
                    "organisation": code,
                    "code": f"{first.year}-{first.month:02d}",
                    "start": first.isoformat(),
                    "end": last.isoformat(),
                    "dimensions": dimensions,
                    "cadres": self._cadres(code),
                    "participants": participants,
                    "eligible": eligible,
                    "published": not (newest and problem == "results_unpublished"),
                }
            )

    def _cadres(self, code: str) -> int:
        """The core and main cadres of a union and its functional departments (the
        posts a period of Tongxue rates; the holders of an earlier semester, not
        recorded, held as many)."""
        units = [code, *(f"{code}-{d[0]}" for d in names.UNION_DEPARTMENTS)]
        return sum(
            1
            for unit in units
            for p in self.positions_of.get(unit, ())
            if p["role"] in CADRE_ROLES
        )

    def union_guidance(self, code: str, *, problems: bool) -> None:
        """The records of guidance of a school-level union (GOV-1, GOV-2).

        The Party committee heard the union's report, and the League committee guided
        it, once in each of the last three years; the newest 20 to 300 days before
        as_of (within the 12 months of the profiles, whatever the day). With
        ``problems`` (the province), rarely the newest of a kind is 400 to 600 days old
        (GOV-1, GOV-2 overdue) or a League cadre heads one of the union's departments
        (GOV-2: League roles do not run the union's daily work); the first union to ask
        has each. The same draws whatever happens, so the stream does not depend on
        as_of.
        """
        rng = self.guidance_rng
        for kind, texts in GUIDANCE_TEXTS.items():
            late = self._guidance_problem(kind, problems)
            recent, old = rng.randint(20, 300), rng.randint(400, 600)
            first = old if late else recent
            for k in range(3):
                by, summary = texts[rng.randrange(len(texts))]
                held = self.as_of - timedelta(days=first + 365 * k + rng.randint(0, 30))
                self.guidance.append(
                    {
                        "organisation": code,
                        "kind": kind,
                        "held": held.isoformat(),
                        "by": by,
                        "summary": summary,
                        "public": k == 0,
                    }
                )
        if not self._guidance_problem("league_head", problems):
            return
        for suffix, *_rest in names.UNION_DEPARTMENTS:
            heads = [
                r["person"]
                for r in self.positions_of.get(f"{code}-{suffix}", ())
                if r["role"] == "department_head"
            ]
            if heads:
                person = next(p for p in reversed(self.people) if p["id"] == heads[0])
                person.update(kind="league_cadre", student_number="", grade=None)
                return

    def _guidance_problem(self, name: str, problems: bool) -> bool:
        """Draw a guidance problem (always one draw); the first union to ask has it."""
        drawn = self.guidance_rng.random() < GUIDANCE_PROBLEM_RATE
        if not problems:
            return False
        key = f"guidance:{name}"
        if key not in self._forced:
            self._forced[key] = 1
            return True
        return drawn

    def reviews_of(
        self, reviewer: str, departments: list[str], problems: set[str]
    ) -> None:
        rng = self.rng
        skipped = rng.choice(departments) if "reviews_missing" in problems else None
        unpublished = (
            rng.choice(departments) if "review_unpublished" in problems else None
        )
        for n, dcode in enumerate(departments):
            if dcode == skipped:
                continue
            # One review in each of the two calendar years before as_of: TRN-3 judges
            # the last year that is over, whatever day of the year as_of is.
            previous = date(self.as_of.year - 2, 1, 1) + timedelta(
                days=rng.randint(60, 330)
            )
            self.reviews.append(review(reviewer, dcode, previous, published=True, n=n))
            held = date(self.as_of.year - 1, 1, 1) + timedelta(
                days=rng.randint(60, 330)
            )
            self.reviews.append(
                review(reviewer, dcode, held, published=dcode != unpublished, n=n + 1)
            )
