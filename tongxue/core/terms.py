"""A school term's name in the reader's language, wherever a term is shown (#18).

Terms are keyed ``2026-autumn`` (:class:`tongxue.domain.terms.Term`): the key stays in
URLs, data attributes and JSON; pages show :func:`term_label` (2026年秋季学期, "2026
autumn term"), in templates through the ``term_label`` filter of the ``tongxue`` tag
library.
"""

from __future__ import annotations

from django.utils.translation import gettext

from tongxue.domain.terms import AUTUMN, Term, parse_term


def term_label(term: Term | str) -> str:
    """Return a term (or its key) in the active language; a key that is not a term's
    is returned as it is."""
    if not isinstance(term, Term):
        try:
            term = parse_term(str(term))
        except ValueError:
            return str(term)
    if term.season == AUTUMN:
        return gettext("%(year)s autumn term") % {"year": term.year}
    return gettext("%(year)s spring term") % {"year": term.year}
