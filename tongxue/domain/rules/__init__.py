"""The rules of the plan, one module per area. Importing this package registers them."""

from tongxue.domain.rules import organisation  # noqa: F401
