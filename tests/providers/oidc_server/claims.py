"""The claims the test provider releases: the campus ones with the ``profile`` scope."""

from __future__ import annotations

from typing import Any

from oauth2_provider.oauth2_validators import OAuth2Validator

from tests.providers import CAMPUS_ACCOUNTS


class CampusValidator(OAuth2Validator):
    oidc_claim_scope = {
        **OAuth2Validator.oidc_claim_scope,
        "student_number": "profile",
        "staff_number": "profile",
    }

    def get_additional_claims(self, request: Any) -> dict[str, str]:
        username = request.user.get_username()
        return {"preferred_username": username, **CAMPUS_ACCOUNTS.get(username, {})}
