"""The demo builder: one object per build, its parts a mixin each (records,
congresses, cadres, unions, school and province scale)."""

from __future__ import annotations

from tongxue.demo.generator.province import _Province
from tongxue.demo.generator.school import _School


class _Builder(_School, _Province):
    """Builds one snapshot: :meth:`school` or :meth:`province`, once."""
