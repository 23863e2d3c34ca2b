"""Run the test OpenID provider: `python -m tests.support.oidc_provider.serve PORT`.

Makes a fresh RSA key and SQLite database, migrates, creates the users and
the client named by OIDC_PROVIDER_USERS (email:password,...),
OIDC_PROVIDER_CLIENT_ID/SECRET and OIDC_PROVIDER_REDIRECT_URI, then serves on
127.0.0.1:PORT until terminated.
"""

import os
import sys

from cryptography.hazmat.primitives import serialization
from cryptography.hazmat.primitives.asymmetric import rsa


def main(port: int) -> None:
    key = rsa.generate_private_key(public_exponent=65537, key_size=2048)
    os.environ["OIDC_PROVIDER_RSA_KEY"] = key.private_bytes(
        serialization.Encoding.PEM,
        serialization.PrivateFormat.PKCS8,
        serialization.NoEncryption(),
    ).decode()
    os.environ["DJANGO_SETTINGS_MODULE"] = "tests.support.oidc_provider.settings"

    import django

    django.setup()
    from django.contrib.auth import get_user_model
    from django.core.management import call_command
    from django.core.servers.basehttp import run
    from django.core.wsgi import get_wsgi_application
    from oauth2_provider.models import Application

    call_command("migrate", verbosity=0, interactive=False)
    for entry in filter(None, os.environ.get("OIDC_PROVIDER_USERS", "").split(",")):
        email, password = entry.split(":", 1)
        get_user_model().objects.create_user(username=email, email=email, password=password)
    Application.objects.create(
        name="analytics",
        client_id=os.environ["OIDC_PROVIDER_CLIENT_ID"],
        client_secret=os.environ["OIDC_PROVIDER_CLIENT_SECRET"],
        redirect_uris=os.environ["OIDC_PROVIDER_REDIRECT_URI"],
        client_type=Application.CLIENT_CONFIDENTIAL,
        authorization_grant_type=Application.GRANT_AUTHORIZATION_CODE,
        algorithm=Application.RS256_ALGORITHM,
        skip_authorization=True,
    )
    run("127.0.0.1", port, get_wsgi_application(), threading=True)


if __name__ == "__main__":
    main(int(sys.argv[1]))
