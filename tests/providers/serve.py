"""Run one test identity provider: migrate its database, create the accounts, serve.

``python -m tests.providers.serve cas|oidc --db FILE --port-file FILE
[--redirect-uri URL]`` (from the project root). It listens on a free port of
127.0.0.1 and writes the port to ``--port-file`` once listening; it serves until
killed. ``--redirect-uri`` is the relying party's OIDC callback (the client
registered at the provider may only send codes there).
"""

from __future__ import annotations

import argparse
import os
import sys

SETTINGS = {
    "cas": "tests.providers.cas_server.settings",
    "oidc": "tests.providers.oidc_server.settings",
}


def _seed(kind: str, redirect_uri: str) -> None:
    from django.contrib.auth import get_user_model

    from tests.providers import (
        CAMPUS_ACCOUNTS,
        OIDC_CLIENT_ID,
        OIDC_CLIENT_SECRET,
        PASSWORD,
    )

    User = get_user_model()
    for username in CAMPUS_ACCOUNTS:
        User.objects.create_user(username, password=PASSWORD)
    if kind == "oidc":
        from oauth2_provider.models import Application

        Application.objects.create(
            name="Tongxue",
            client_id=OIDC_CLIENT_ID,
            client_secret=OIDC_CLIENT_SECRET,
            client_type=Application.CLIENT_CONFIDENTIAL,
            authorization_grant_type=Application.GRANT_AUTHORIZATION_CODE,
            redirect_uris=redirect_uri,
            algorithm=Application.RS256_ALGORITHM,
            # no consent page: the campus has already agreed to the union's use
            skip_authorization=True,
        )


def main(argv: list[str] | None = None) -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("kind", choices=sorted(SETTINGS))
    parser.add_argument("--db", required=True)
    parser.add_argument("--port-file", required=True)
    parser.add_argument("--redirect-uri", default="")
    args = parser.parse_args(argv)

    os.environ["DJANGO_SETTINGS_MODULE"] = SETTINGS[args.kind]
    os.environ["PROVIDER_DB"] = args.db
    import django

    django.setup()
    from django.core.management import call_command
    from django.core.servers.basehttp import ThreadedWSGIServer, WSGIRequestHandler
    from django.core.wsgi import get_wsgi_application

    call_command("migrate", verbosity=0)
    _seed(args.kind, args.redirect_uri)

    httpd = ThreadedWSGIServer(("127.0.0.1", 0), WSGIRequestHandler)
    httpd.set_app(get_wsgi_application())
    tmp = args.port_file + ".tmp"
    with open(tmp, "w") as f:
        f.write(str(httpd.server_address[1]))
    os.replace(tmp, args.port_file)
    sys.stdout.flush()
    httpd.serve_forever()


if __name__ == "__main__":
    main()
