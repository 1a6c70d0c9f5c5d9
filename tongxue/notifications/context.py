"""``unread_notifications`` in every template: the signed-in user's unread count.

The count is taken when a template first uses the value (one COUNT query), never for an
anonymous visitor, and not at all on a page that does not show it. A view that reads no
session (:func:`tongxue.core.sessionless.sessionless`, the cast endpoint, whose receipt
names the voter of its ballot token) gets 0 without a query and without loading the
session's user. Use it as a number:
``{% if unread_notifications %}`` and ``{{ unread_notifications }}``.
"""

from __future__ import annotations

import operator
from typing import Any

from django.http import HttpRequest
from django.utils.functional import SimpleLazyObject, new_method_proxy

from tongxue.core.sessionless import is_sessionless
from tongxue.notifications import selectors


class LazyCount(SimpleLazyObject):
    """An int computed on first use (comparisons and int() included)."""

    __int__ = new_method_proxy(int)
    __index__ = new_method_proxy(operator.index)
    __float__ = new_method_proxy(float)
    __ge__ = new_method_proxy(operator.ge)
    __le__ = new_method_proxy(operator.le)


def unread(request: HttpRequest) -> dict[str, Any]:
    if is_sessionless(request):
        return {"unread_notifications": 0}

    def count() -> int:
        user = getattr(request, "user", None)
        if user is None or not user.is_authenticated:
            return 0
        return selectors.unread_count(user)

    return {"unread_notifications": LazyCount(count)}
