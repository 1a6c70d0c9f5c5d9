"""Date fields render ISO dates whatever the language (<input type=date> takes no other).

Django formats a date for the active language (zh-hans: 2027/12/07); a browser drops a
value of <input type="date"> that is not YYYY-MM-DD, so a date the form proposes (a
justification's last day) vanished, the required field was empty, and the phone's
browser refused to submit the form.
"""

from __future__ import annotations

import datetime as dt
import importlib
import pkgutil

import pytest
from django import forms
from django.utils import translation

import tongxue


def _date_fields() -> list[tuple[str, type[forms.BaseForm], str]]:
    found = []
    for module_info in pkgutil.walk_packages(tongxue.__path__, "tongxue."):
        if not module_info.name.endswith(".forms"):
            continue
        module = importlib.import_module(module_info.name)
        for value in vars(module).values():
            if (
                isinstance(value, type)
                and issubclass(value, forms.BaseForm)
                and value.__module__ == module.__name__
            ):
                for name, field in value.base_fields.items():
                    if isinstance(field.widget, forms.DateInput):
                        found.append((module.__name__, value, name))
    return found


FIELDS = _date_fields()


def test_the_forms_have_date_fields() -> None:
    assert len(FIELDS) >= 10


@pytest.mark.parametrize(
    ("module", "form", "name"), FIELDS, ids=[f"{f.__name__}.{n}" for _m, f, n in FIELDS]
)
@pytest.mark.parametrize("language", ["zh-hans", "en"])
def test_a_date_input_shows_an_iso_date_in_every_language(
    module: str, form: type[forms.BaseForm], name: str, language: str
) -> None:
    widget = form.base_fields[name].widget
    with translation.override(language):
        html = widget.render(name, dt.date(2027, 12, 7))
    assert 'value="2027-12-07"' in html, (module, html)
