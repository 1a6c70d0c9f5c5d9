"""Root conftest: the Django fixtures load only with pytest-django.

The domain tests (``tests/domain``) are pure Python and run without Django:
``pytest tests/domain -p no:django``. Every other test needs pytest-django, whose
fixtures and hooks live in :mod:`tests.django_plugin`.
"""

from __future__ import annotations

import pytest


def pytest_configure(config: pytest.Config) -> None:
    if config.pluginmanager.hasplugin("django"):
        from tests import django_plugin

        config.pluginmanager.register(django_plugin, "tongxue-django-fixtures")
