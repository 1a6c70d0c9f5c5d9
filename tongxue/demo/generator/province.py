"""Province scale: the provincial federation (FED-1), its city federations, and the
secondary schools and universities of a Gansu-like province (:func:`build_province`)."""

from __future__ import annotations

import math
from datetime import timedelta
from typing import Any

from tongxue.demo import names
from tongxue.demo.generator.constants import (
    ASSISTANT_TITLES,
    DEFAULT_PROFILE,
    DEPARTMENT_PROBLEM_RATE,
    DEPARTMENT_PROBLEMS,
    PROVINCE_CODE,
    PROVINCE_SCHOOLS,
    SECONDARY_PROBLEM_RATE,
    SECONDARY_PROBLEMS,
    SECONDARY_TYPES,
    UNION_PROBLEM_RATE,
    UNION_PROBLEMS,
    UNIVERSITY_TYPES,
)
from tongxue.demo.generator.helpers import numeral
from tongxue.demo.generator.unions import _Unions


class _Province(_Unions):
    def province(self, scale: float) -> dict[str, Any]:
        rng, root = self.rng, PROVINCE_CODE
        self.org(
            root,
            "甘肃省学生联合会",
            "provincial_federation",
            None,
            name_en="Gansu Provincial Students' Federation",
            profile=DEFAULT_PROFILE,
        )
        counties: list[tuple[str, str]] = []  # (city code, county)
        city_codes: dict[str, str] = {}
        for ccode, cname, cname_en, county_names in names.CITIES:
            code = self.org(
                f"GS-{ccode}",
                f"{cname}学生联合会",
                "city_federation",
                root,
                name_en=f"{cname_en} Students' Federation",
            )
            city_codes[ccode] = code
            for county in county_names or (cname,):
                counties.append((ccode, county))
        city_name = {c[0]: c[1] for c in names.CITIES}
        schools: list[tuple[str, str, str]] = []  # (type, city code, county)
        for stype in SECONDARY_TYPES:
            n = max(1, round(PROVINCE_SCHOOLS[stype] * scale))
            for i in range(n):
                ccode, county = (
                    counties[i] if i < len(counties) else rng.choice(counties)
                )
                schools.append((stype, ccode, county))
        seats = {c[0]: (c[0], c[3][0] if c[3] else c[1]) for c in names.CITIES}
        for stype in UNIVERSITY_TYPES:
            n = max(1, round(PROVINCE_SCHOOLS[stype] * scale))
            for _ in range(n):
                ccode = "LZ" if rng.random() < 0.55 else rng.choice(list(seats))
                schools.append((stype, *seats[ccode]))
        counters: dict[tuple[str, str], int] = {}
        used_names: set[str] = set()
        served_by_city: dict[str, int] = dict.fromkeys(city_codes.values(), 0)
        federation_seats: list[str] = []
        for n, (stype, ccode, county) in enumerate(schools, start=1):
            code = f"GS-{ccode}-{n:04d}"
            parent = city_codes[ccode]
            if stype in SECONDARY_TYPES:
                served = self.secondary_school(
                    code,
                    parent,
                    stype,
                    city_name[ccode],
                    county,
                    counters,
                    federation_seats,
                )
            else:
                served = self.university(
                    code,
                    parent,
                    stype,
                    city_name[ccode],
                    county,
                    used_names,
                    federation_seats,
                )
            served_by_city[parent] += served
        for org in self.organisations:
            if org["code"] in served_by_city:
                org["students_served"] = served_by_city[org["code"]]
        self.organisations[0]["students_served"] = sum(served_by_city.values())
        self.federation(root, federation_seats)
        return self.snapshot()

    def federation(self, root: str, seats: list[str]) -> None:
        """The provincial presidium and committee and the latest congress (delegates
        from schools).

        FED-1 · GS-1: the presidium (a president and six vice-presidents) are presidents
        of school unions, one of each school type first; the committee's members (委员)
        the presidents of the next two school unions of each type. No graduate union
        sits on the committee: the demo's FED-1 deviation (力争).
        """
        start = self.as_of - timedelta(days=self.rng.randint(300, 500))
        heads = self.union_presidents()
        types = (*UNIVERSITY_TYPES, *SECONDARY_TYPES)
        firsts = [heads[t][0] for t in types if heads.get(t)]
        presidium = (firsts + [p for t in types for p in heads.get(t, [])[1:]])[:7]
        for i, person in enumerate(presidium):
            self.position(
                root,
                person,
                "president" if i == 0 else "vice_president",
                "主席" if i == 0 else "副主席",
                start,
                contact=self.contact(root, i + 1),
            )
        for t in types:
            for person in [p for p in heads.get(t, []) if p not in presidium][:2]:
                self.position(root, person, "member", "委员", start)
        self.position(root, self.new_staff(root), "secretary_general", "秘书长", start)
        self.meeting(
            f"{root}-M01",
            root,
            "congress",
            start,
            session=self.rng.randint(8, 12),
            report=True,
            delegates=seats,
        )

    def union_presidents(self) -> dict[str, list[str]]:
        """The presidents of the schools' school unions by school type, in school order."""
        out: dict[str, list[str]] = {}
        for org in self.organisations:
            if org["kind"] != "school":
                continue
            stype = org["school_type"]
            union = f"{org['code']}-{'U' if stype in SECONDARY_TYPES else 'XSH'}"
            head = next(
                (
                    p["person"]
                    for p in self.positions_of.get(union, ())
                    if p["role"] == "president"
                ),
                None,
            )
            if head is not None:
                out.setdefault(stype, []).append(head)
        return out

    def secondary_school(
        self,
        code: str,
        parent: str,
        stype: str,
        city: str,
        county: str,
        counters: dict[tuple[str, str], int],
        seats: list[str],
    ) -> int:
        rng = self.rng
        served = (
            rng.randint(600, 3000)
            if stype == "middle_school"
            else rng.randint(300, 2500)
        )
        name = self._secondary_school_name(stype, city, county, counters)
        self.org(
            code,
            name,
            "school",
            parent,
            served=served,
            school_type=stype,
            county=county,
        )
        problems = self.draws(
            SECONDARY_PROBLEMS, SECONDARY_PROBLEM_RATE, force=SECONDARY_PROBLEMS
        )
        if "no_union" in problems:
            return served
        union = self.org(
            f"{code}-U",
            f"{name}学生会",
            "school_union",
            code,
            served=None if "served_missing" in problems else served,
        )
        president, cadres = self._secondary_union_cadres(union, problems)
        self.union_guidance(union, problems=True)
        self._secondary_congresses(union, served, problems, cadres)
        if len(seats) < 400 and rng.random() < 0.2:
            seats.append(president)
        return served

    def _secondary_school_name(
        self, stype: str, city: str, county: str, counters: dict[tuple[str, str], int]
    ) -> str:
        """A secondary school's name: its county's (or city's) n-th of its type."""
        place = county if self.rng.random() < 0.7 else city
        counters[stype, place] = n = counters.get((stype, place), 0) + 1
        if stype == "middle_school":
            return f"{place}第{numeral(n)}中学"
        return f"{place}第{numeral(n)}中等职业学校" if n > 1 else f"{place}职业教育中心"

    def _secondary_union_cadres(
        self, union: str, problems: set[str]
    ) -> tuple[str, list[str]]:
        """A secondary school union's presidium and three departments; returns its
        president and its presidium."""
        rng = self.rng
        start = self.as_of - timedelta(days=rng.randint(60, 500))
        president = self.new_student(union)
        self.position(
            union, president, "president", "主席", start, contact=self.contact(union, 1)
        )
        cadres = [president]
        for i in range(rng.randint(2, 4)):
            vp = self.new_student(union)
            cadres.append(vp)
            self.position(
                union,
                vp,
                "vice_president",
                "副主席",
                start,
                contact=self.contact(union, i + 2),
            )
        crowded = rng.randrange(3) if "deputies3" in problems else -1
        for k, (suffix, dname, dname_en, function) in enumerate(
            (
                names.UNION_DEPARTMENTS[1],
                names.UNION_DEPARTMENTS[2],
                names.UNION_DEPARTMENTS[3],
            )
        ):
            dcode = self.org(
                f"{union}-{suffix}",
                dname,
                "functional_department",
                union,
                name_en=dname_en,
                function=function,
            )
            self.position(
                dcode, self.new_student(union), "department_head", "部长", start
            )
            for _ in range(3 if k == crowded else rng.randint(0, 1)):
                self.position(
                    dcode, self.new_student(union), "department_deputy", "副部长", start
                )
        if "assistant" in problems:
            self.position(
                union,
                self.new_student(union),
                "member",
                rng.choice(ASSISTANT_TITLES),
                start,
            )
        return president, cadres

    def _secondary_congresses(
        self, union: str, served: int, problems: set[str], cadres: list[str]
    ) -> None:
        """A secondary school union's congresses (CON-11) and their delegates."""
        rng = self.rng
        year = self.as_of.year
        offset = rng.choice((0, 1))
        years = [year - offset - 2, year - offset]
        if "sec_overdue" in problems:
            years = [year - 5, year - 3]
        if "sec_never" in problems:
            years = []
        need = math.ceil(served / 100)
        count = need + rng.randint(0, 3)
        if "sec_delegates_few" in problems:
            count = max(1, need // 2)
        delegates = cadres[: min(len(cadres), count // 3)]
        if years:
            delegates += [
                self.new_student(union) for _ in range(count - len(delegates))
            ]
        for k, y in enumerate(years, start=1):
            self.meeting(
                f"{union}-M{k:02d}",
                union,
                "congress",
                self.day_in(y),
                session=k + rng.randint(2, 6),
                report=True,
                delegates=delegates,
            )

    def university(
        self,
        code: str,
        parent: str,
        stype: str,
        city: str,
        county: str,
        used_names: set[str],
        seats: list[str],
    ) -> int:
        rng = self.rng
        name = self._university_name(stype, city, used_names)
        served = {
            "general_university": (8_000, 30_000),
            "higher_vocational": (4_000, 15_000),
            "private_university": (5_000, 12_000),
            "independent_college": (4_000, 10_000),
        }[stype]
        students = rng.randint(*served)
        campuses = 1 if rng.random() < 0.15 else 0
        self.org(
            code,
            name,
            "school",
            parent,
            served=students,
            school_type=stype,
            county=county,
            branch_campuses=campuses,
        )
        problems = self.draws(UNION_PROBLEMS, UNION_PROBLEM_RATE, force=UNION_PROBLEMS)
        union = f"{code}-XSH"
        self.org(
            union,
            f"{name}学生会",
            "school_union",
            code,
            served=None if "served_missing" in problems else students,
        )
        fed = self.clubs(code, 4)
        led = self.union(
            union,
            served=students,
            problems=problems,
            departments=6,
            branch_campuses=campuses,
            club_federation=fed,
        )
        self.union_guidance(union, problems=True)
        dept_codes = self._university_departments(code, union, students)
        self.reviews_of(union, dept_codes, problems)
        if stype == "general_university":
            self._graduate_union(code, name, dept_codes)
        self.delegate_elections(union, dept_codes)
        seats.append(led["core"][0])
        return students

    def _university_name(self, stype: str, city: str, used_names: set[str]) -> str:
        """A name for a university of type ``stype`` not in ``used_names`` (which
        gains it)."""
        rng = self.rng
        while True:
            prefix = rng.choice(names.UNIVERSITY_PREFIXES)
            if stype == "general_university":
                name = prefix + rng.choice(names.UNIVERSITY_SUFFIXES)
            elif stype == "higher_vocational":
                base = (
                    city.removesuffix("回族自治州")
                    .removesuffix("藏族自治州")
                    .removesuffix("市")
                )
                name = rng.choice(
                    (
                        f"{base}职业技术学院",
                        f"{prefix}职业技术学院",
                        f"{base}{rng.choice(('工业', '农业', '卫生', '交通'))}职业学院",
                    )
                )
            elif stype == "private_university":
                name = prefix + rng.choice(names.PRIVATE_SUFFIXES)
            else:
                name = f"{prefix}大学{rng.choice(('博文', '知行', '天华', '明德'))}学院"
            if name not in used_names:
                used_names.add(name)
                return name

    def _university_departments(
        self, code: str, union: str, students: int
    ) -> list[str]:
        """A university's four to six department unions; their codes."""
        rng = self.rng
        n_dept = rng.randint(4, 6)
        weights = [rng.uniform(0.5, 1.5) for _ in range(n_dept)]
        sizes = [int(students * w / sum(weights)) for w in weights]
        sizes[0] += students - sum(sizes)
        dept_codes = []
        for i, ((dname, dname_en), size) in enumerate(
            zip(rng.sample(names.DEPARTMENTS, n_dept), sizes, strict=True), start=1
        ):
            dcode = f"{code}-D{i:02d}"
            dept_codes.append(dcode)
            self.department_union(
                dcode,
                dname,
                dname_en,
                union,
                served=size,
                problems=self.draws(
                    DEPARTMENT_PROBLEMS,
                    DEPARTMENT_PROBLEM_RATE,
                    force=DEPARTMENT_PROBLEMS,
                ),
            )
        return dept_codes

    def _graduate_union(self, code: str, name: str, dept_codes: list[str]) -> None:
        """A general university's graduate union, its guidance and its delegates."""
        rng = self.rng
        grad = f"{code}-YJSH"
        grad_served = rng.randint(2_000, 6_000)
        grad_problems = self.draws(UNION_PROBLEMS, UNION_PROBLEM_RATE)
        self.org(
            grad,
            f"{name}研究生会",
            "graduate_union",
            code,
            served=None if "served_missing" in grad_problems else grad_served,
        )
        grad_problems -= {
            "club_head_differs",
            "reviews_missing",
            "review_unpublished",
        }
        self.union(
            grad,
            served=grad_served,
            problems=grad_problems,
            departments=4,
            deputies=(1, 1),
        )
        self.union_guidance(grad, problems=True)
        self.delegate_elections(grad, dept_codes)
