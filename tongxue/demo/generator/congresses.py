"""Congresses and their delegates: the meetings of a school-level union (CON-1,
CON-9, CON-13), its delegates (CON-3, CON-5) and their elections (CON-6), the seats'
plans (CON-4), the city federations' congresses (CON-14), and the snapshot dict."""

from __future__ import annotations

import math
from collections.abc import Sequence
from datetime import date, timedelta
from typing import Any

from tongxue.demo.generator.constants import (
    DEFAULT_PROFILE,
    FORMAT,
    RECORD_PROBLEM_RATE,
    VERSION,
)
from tongxue.demo.generator.records import _Records


class _Congresses(_Records):
    def snapshot(self) -> dict[str, Any]:
        self.seat_plans()
        self.city_congresses()
        return {
            "format": FORMAT,
            "version": VERSION,
            "default_profile": DEFAULT_PROFILE,
            "organisations": self.organisations,
            "people": self.people,
            "positions": self.positions,
            "meetings": self.meetings,
            "delegates": self.delegates,
            "reviews": self.reviews,
            "justifications": self.justifications,
            "elections": self.elections,
            "semesters": self.semesters,
            "guidance": self.guidance,
            "evaluations": self.evaluations,
        }

    def city_congresses(self) -> None:
        """The newest congress of each city federation (CON-14, CON-12): its delegates
        the presidents of the unions of the schools in the city (every school type and
        every county covered). Held within the last five years, but for one city
        whose congress is a little older (a sprinkled CON-14 problem). Drawn from
        nothing random: the rest of the demo is unchanged."""
        cities = [o for o in self.organisations if o["kind"] == "city_federation"]
        if not cities:
            return
        heads: dict[str, str] = {}
        for p in self.positions:
            if p["role"] == "president" and p["organisation"] not in heads:
                heads[p["organisation"]] = p["person"]
        unions: dict[str, list[str]] = {}
        for o in self.organisations:
            if o["kind"] in ("school_union", "graduate_union"):
                unions.setdefault(o["parent"], []).append(o["code"])
        for i, city in enumerate(cities):
            delegates = [
                heads[u]
                for school in self.organisations
                if school["kind"] == "school" and school["parent"] == city["code"]
                for u in unions.get(school["code"], [])
                if u in heads
            ]
            if not delegates:
                continue
            days = 62 * 30 if i == 3 else 200 + (97 * i) % 1200
            self.meeting(
                f"{city['code']}-M01",
                city["code"],
                "congress",
                self.as_of - timedelta(days=days),
                session=3 + i % 5,
                report=True,
                delegates=delegates,
            )

    def seat_plans(self) -> None:
        """Record how each school-level union's congresses shared their seats (CON-4):
        by department × grade over its department unions, the grades of their enrolled
        students and the first club of its club federation. Drawn from nothing
        random: the rest of the demo is unchanged."""
        kids: dict[str | None, list[dict[str, Any]]] = {}
        for o in self.organisations:
            kids.setdefault(o["parent"], []).append(o)
        grades: dict[str, set[int]] = {}
        for p in self.people:
            if (
                p.get("department")
                and p.get("grade")
                and p.get("kind", "student") == "student"
            ):
                grades.setdefault(p["department"], set()).add(p["grade"])
        kind = {o["code"]: o for o in self.organisations}
        # A sprinkled problem (CON-4): every 15th union with several department unions,
        # from the 5th, left its last department out of its seats.
        several = 0
        left_out: dict[str, bool] = {}
        for m in self.meetings:
            union = kind.get(m["organisation"])
            if (
                m["kind"] != "congress"
                or union is None
                or union["kind"] not in ("school_union", "graduate_union")
            ):
                continue
            units = [
                o["code"]
                for o in kids.get(union["code"], [])
                if o["kind"] == "department_union"
            ]
            if not units:
                units = [
                    o["code"]
                    for o in kids.get(union["parent"], [])
                    if o["kind"] == "department_union"
                ]
            federations = [
                o["code"]
                for o in kids.get(union["code"], []) + kids.get(union["parent"], [])
                if o["kind"] == "club_federation"
            ]
            clubs = [
                o["code"]
                for f in federations
                for o in kids.get(f, [])
                if o["kind"] == "club"
            ][:1]
            if len(units) > 1 and union["code"] not in left_out:
                several += 1
                left_out[union["code"]] = several % 15 == 5
            if left_out.get(union["code"]):
                units = units[:-1]
            m["seats_by_grade"] = True
            m["seat_departments"] = units
            m["seat_grades"] = [
                str(g) for g in sorted({g for u in units for g in grades.get(u, ())})
            ]
            m["seat_clubs"] = clubs

    def delegate_elections(self, union: str, departments: Sequence[str]) -> None:
        """Record the election that elected each delegate of a union's congresses (CON-6).

        A delegate with a class is elected by it (the school's roll); the others by the
        union's department unions in turn (``departments``: a graduate union without
        its own takes the school union's). One election per congress and unit, a
        fortnight before the congress opened, with an electorate of 35 to 54; rarely
        (``RECORD_PROBLEM_RATE``, the first union always) the last delegate of each of
        the union's congresses has no election on record.
        """
        if not departments:
            return
        missing = "delegates_unrecorded" not in self._forced
        self._forced["delegates_unrecorded"] = 1
        missing = missing or self.delegates_rng.random() < RECORD_PROBLEM_RATE
        units: dict[str, int] = {}
        for meeting in self.meetings:
            if meeting["organisation"] != union or meeting["kind"] != "congress":
                continue
            held = (
                date.fromisoformat(meeting["opened"]) - timedelta(days=14)
            ).isoformat()
            rows = self.delegate_rows.get(meeting["code"], [])
            for i, row in enumerate(rows):
                if missing and i == len(rows) - 1:
                    continue
                unit = (
                    self.class_of.get(row["person"])
                    or departments[i % len(departments)]
                )
                n = units.setdefault(unit, len(units))
                electorate = 35 + (n * 7) % 20
                cast = electorate - n % 4
                row.update(
                    electing_unit=unit,
                    election_date=held,
                    electorate=electorate,
                    votes_cast=cast,
                    votes=cast - i % 5,
                )

    def union_meetings(self, code: str, problems: set[str]) -> dict[str, Any]:
        """Plan the congresses and standing-conference meetings of a school-level union."""
        rng, year = self.rng, self.as_of.year
        offset = rng.choice((0, 1))
        congress_years = [
            y for y in range(year - 5, year + 1) if (year - y) % 2 == offset
        ]
        if "congress_overdue" in problems:
            congress_years = [year - 3, year - 5]
        if "congress_never" in problems:
            congress_years = []
        standing_years = [
            y for y in range(year - 4, year + 1) if y not in congress_years
        ]
        if "standing_gap" in problems:
            gaps = [y for y in standing_years if year - 4 <= y < year]
            if congress_years and gaps:
                standing_years.remove(rng.choice(gaps))
        plan: list[tuple[date, str]] = [
            (self.day_in(y), "congress") for y in congress_years
        ]
        plan += [(self.day_in(y), "standing_conference") for y in standing_years]
        plan.sort()
        session = rng.randint(3, 9)
        out: dict[str, Any] = {"congresses": [], "standing": [], "last_congress": None}
        for n, (opened, kind) in enumerate(plan):
            # The meetings of the judged year (CON-13) and of the year in progress.
            report = not (
                "no_work_report" in problems and opened.year >= self.as_of.year - 1
            )
            mcode = f"{code}-M{n + 1:02d}"
            if kind == "congress":
                session += 1
                out["congresses"].append((mcode, opened, session, report))
                out["last_congress"] = opened
            else:
                self.meeting(mcode, code, kind, opened, session=session, report=report)
                out["standing"].append(mcode)
        return out

    def union_delegates(
        self,
        code: str,
        meetings: dict[str, Any],
        served: int,
        problems: set[str],
        core: list[str],
    ) -> None:
        rng = self.rng
        if not meetings["congresses"]:
            return
        need = math.ceil(served / 100)
        count = need + rng.randint(0, 4)
        if "delegates_few" in problems:
            count = max(1, int(need * rng.uniform(0.4, 0.8)))
        core_share = rng.uniform(0.15, 0.3)
        if "delegates_cadres" in problems:
            core_share = rng.uniform(0.45, 0.6)
        n_core = min(len(core), round(count * core_share))
        seats = rng.sample(core, n_core)
        seats += [self.new_student(code) for _ in range(count - n_core)]
        for mcode, opened, session, report in meetings["congresses"]:
            self.meeting(
                mcode,
                code,
                "congress",
                opened,
                session=session,
                report=report,
                delegates=seats,
            )
        if (
            "delegates_few" in problems
            and "served_missing" not in problems
            and rng.random() < 0.4
        ):
            self.justify(
                code,
                "CON-3.delegates-too-few",
                "本届代表由各院系按比例推选，部分院系选举延期，已报校团委备案。",
            )
