"""Who may answer a survey (TRN-2): every student the union serves, or a sample.

A sample is drawn from the students' identifiers with a published seed
(:func:`tongxue.domain.evaluation.draw_sample`: each ranked by SHA-256 of
``"seed:id"``): the same seed and the same students give the same sample, whatever
their order, so anyone holding the seed and the list can repeat the draw.
"""

from __future__ import annotations

import enum
from collections.abc import Iterable, Mapping

from tongxue.domain.evaluation import draw_sample
from tongxue.domain.findings import gettext_noop as _


class Eligibility(enum.StrEnum):
    ALL = "all"  # every student the union serves
    SAMPLE = "sample"  # a sample drawn with a published seed


ELIGIBILITY_LABELS: Mapping[str, str] = {
    Eligibility.ALL: _("Every student the union serves"),
    Eligibility.SAMPLE: _("A sample drawn with a published seed"),
}


def eligible(
    idents: Iterable[str], *, eligibility: str, sample_size: int = 0, seed: str = ""
) -> list[str]:
    """Return the identifiers of those who may answer, sorted.

    ``Eligibility.ALL``: every one of ``idents``. ``Eligibility.SAMPLE``:
    ``sample_size`` of them drawn with ``seed`` (all of them when there are fewer).
    """
    unique = sorted(set(idents))
    if eligibility == Eligibility.ALL:
        return unique
    if eligibility != Eligibility.SAMPLE:
        raise ValueError(f"unknown eligibility {eligibility!r}")
    if not seed:
        raise ValueError("a sample needs a seed")
    return draw_sample(unique, sample_size, seed)
