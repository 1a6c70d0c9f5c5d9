"""Forms of the voting pages: they parse the POST data; :mod:`tongxue.voting.services`
decides (ELE-5 · GS-8).

The field names are the pages' own (``c0`` … ``c{n-1}`` for a ballot's cells, one per
candidate in ballot order; ``c0-yes`` … for a paper count), which the templates, the
cast endpoint's documented request and the end-to-end tests use. Whether a ballot is
filled in correctly is the service's answer (the JSON fast path calls it too), not the
form's: a cell the ballot form does not allow is parsed as it was typed and refused by
:func:`tongxue.voting.services.cast`.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

from django import forms
from django.utils.functional import lazy
from django.utils.translation import gettext, gettext_noop, pgettext_lazy
from django.utils.translation import gettext_lazy as _

from tongxue.domain.counting import VOID_REASONS

#: A cell whose field could not be parsed (a NUL byte): no ballot form allows it, so
#: the service refuses the ballot as not filled in correctly.
UNPARSED_CELL = "?"


class CellField(forms.CharField):
    """One cell of a ballot, as typed: stripped and upper case ("" when left blank)."""

    def to_python(self, value: Any) -> str:
        return str(super().to_python(value)).upper()


class BallotForm(forms.Form):
    """A ballot's marks (``c0`` … ``c{n-1}``; a missing cell is blank), the step of
    the ballot page (``review`` shows the summary to confirm) and the ballot token."""

    step = forms.CharField(required=False)
    ballot_token = forms.CharField(required=False, strip=False)

    def __init__(self, *args: Any, candidates: int, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.candidates = candidates
        for k in range(candidates):
            self.fields[f"c{k}"] = CellField(required=False)

    def cells(self) -> list[str]:
        """Return one cell per candidate, in ballot order (call after ``is_valid``)."""
        data = self.cleaned_data
        return [data.get(f"c{k}", UNPARSED_CELL) for k in range(self.candidates)]

    @property
    def review(self) -> bool:
        return self.is_valid() and self.cleaned_data["step"] == "review"

    @property
    def token(self) -> str:
        return str(self.cleaned_data.get("ballot_token") or "")


class CloseForm(forms.Form):
    """The confirmation of the close (``confirm=yes``)."""

    confirm = forms.ChoiceField(choices=[("yes", _("Yes, close the vote"))])


class ScrutineersForm(forms.Form):
    """The two scrutineers (计票人) of a paper election, by user name."""

    first = forms.CharField(label=_("First scrutineer (user name)"), required=False)
    second = forms.CharField(label=_("Second scrutineer (user name)"), required=False)

    def usernames(self) -> list[str]:
        return [self.cleaned_data["first"], self.cleaned_data["second"]]


def _count_field(label: Any) -> forms.IntegerField:
    # Left blank, a figure is 0 (a void reason with no ballot, the marks form's no and
    # abstain columns, which its page does not show).
    return forms.IntegerField(label=label, min_value=0, required=False)


#: The columns of a candidate's figures on the paper page (translated when shown).
VOTES, YES, NO, ABSTAIN = (
    gettext_noop("Votes"),
    pgettext_lazy("vote", "Yes"),
    pgettext_lazy("vote", "No"),
    gettext_noop("Abstain"),
)
#: The heading of the void ballots on the paper page.
VOID_HEADING = gettext_noop("Void ballots, by reason")


def _figure(name: str, column: Any) -> str:
    """The label of one figure in an error: "王芳 · Yes", "Void ballots … · is blank".

    ``column`` is a message id, or a lazy translation (the vote columns have a context).
    """
    return f"{name} · {gettext(column) if isinstance(column, str) else column}"


def _void_figure(reason: str) -> str:
    return _figure(gettext(VOID_HEADING), VOID_REASONS[reason])


_figure_lazy = lazy(_figure, str)
_void_figure_lazy = lazy(_void_figure, str)


class PaperCountForm(forms.Form):
    """A scrutineer's count of the paper ballots: the totals, the void ballots by
    reason (``void-<reason>``) and each candidate's yes, no and abstain
    (``c<k>-yes``, ``c<k>-no``, ``c<k>-abstain``; the marks form's page has only
    ``-yes``). A figure left blank is 0; one that is not a whole number of at least 0
    is an error naming its field."""

    present = _count_field(_("Voters present"))
    issued = _count_field(_("Ballots issued"))
    returned = _count_field(_("Ballots returned"))

    def __init__(
        self, *args: Any, names: Sequence[str], marks_form: bool, **kwargs: Any
    ) -> None:
        super().__init__(*args, **kwargs)
        self.names = list(names)
        for reason in VOID_REASONS:
            self.fields[f"void-{reason}"] = _count_field(_void_figure_lazy(reason))
        for k, name in enumerate(self.names):
            self.fields[f"c{k}-yes"] = _count_field(
                _figure_lazy(name, VOTES if marks_form else YES)
            )
            self.fields[f"c{k}-no"] = _count_field(_figure_lazy(name, NO))
            self.fields[f"c{k}-abstain"] = _count_field(_figure_lazy(name, ABSTAIN))

    def _n(self, field: str) -> int:
        return int(self.cleaned_data.get(field) or 0)

    def figures(self) -> dict[str, Any]:
        """Return the keyword arguments of
        :func:`tongxue.voting.services.enter_paper_count` (call after ``is_valid``)."""
        return {
            "present": self._n("present"),
            "issued": self._n("issued"),
            "returned": self._n("returned"),
            "void_reasons": {r: self._n(f"void-{r}") for r in VOID_REASONS},
            "candidates": {
                name: [
                    self._n(f"c{k}-yes"),
                    self._n(f"c{k}-no"),
                    self._n(f"c{k}-abstain"),
                ]
                for k, name in enumerate(self.names)
            },
        }


class TrackerForm(forms.Form):
    """The bulletin board's search, by tracker or short code (a POST, never a URL)."""

    tracker = forms.CharField(required=False, strip=False)
