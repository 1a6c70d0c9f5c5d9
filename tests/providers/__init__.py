"""Real identity providers the sign-on tests talk to over HTTP on 127.0.0.1 (#14).

``cas_server`` is a small Django project running django-mama-cas (CAS 1/2/3 server);
``oidc_server`` one running django-oauth-toolkit as an OpenID Connect provider (RS256,
a key generated at start). :mod:`tests.providers.serve` migrates a provider's own
SQLite file (in a temporary folder), creates the campus accounts below and serves it
on a free port; :mod:`tests.providers.fixtures` starts each once per test session.

The campus accounts: a user name (the CAS user, the OIDC ``preferred_username``) and
the attributes (CAS) or claims (OIDC) the campus sends with it.
"""

from __future__ import annotations

#: The password of every campus account.
PASSWORD = "campus-pass-2024"

#: user name -> attributes (CAS) / extra claims (OIDC). The user name of most is a
#: student number; ``zhang.san`` sends it as an attribute only, ``nobody`` sends none,
#: ``t1001`` is a teacher whose staff number is the registry's identifier.
CAMPUS_ACCOUNTS: dict[str, dict[str, str]] = {
    "20230001": {"student_number": "20230001"},
    "20230002": {"student_number": "20230002"},
    "20230003": {"student_number": "20230003"},
    "20230009": {"student_number": "20230009"},
    "20239999": {"student_number": "20239999"},
    "zhang.san": {"student_number": "20230004"},
    "nobody": {},
    "t1001": {"staff_number": "T-1001"},
}

#: The OpenID Connect client registered for Tongxue at the provider.
OIDC_CLIENT_ID = "tongxue-test"
OIDC_CLIENT_SECRET = "tongxue-test-secret-0123456789"
