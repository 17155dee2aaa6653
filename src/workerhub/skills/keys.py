"""The certificate signing key pair (SPEC §3.6): the private key comes from ``WORKERHUB_CERT_SIGNING_KEY``
(generated once into var/dev-secrets.json for development), the public key is published for offline checks.

Rotation: set the new private key and list the old public keys (raw base64url or PEM, comma-separated) in
``WORKERHUB_CERT_RETIRED_KEYS``; tokens signed by a listed key keep verifying. New tokens use the new key.
"""

import os
from functools import cache

from django.conf import settings

from . import signing


@cache
def private_key():
    # An EnvironmentFile cannot hold a multi-line value: accept the PEM with literal "\n" escapes too.
    return signing.load_private_key(settings.CERT_SIGNING_KEY.replace("\\n", "\n").strip())


@cache
def public_keys() -> tuple:
    """The current public key first, then retired ones that still verify old tokens."""
    retired = [k for k in os.environ.get("WORKERHUB_CERT_RETIRED_KEYS", "").split(",") if k.strip()]
    return (private_key().public_key(), *(signing.load_public_key(k.replace("\\n", "\n")) for k in retired))


def sign(number: str) -> str:
    return signing.sign_token(number, private_key())


def verified_number(token) -> str | None:
    """The certificate number a token carries if any published key signed it; None otherwise."""
    for key in public_keys():
        number = signing.verify_token(token, key)
        if number is not None:
            return number
    return None


def published() -> dict:
    """What /api/v1/certificates/public-key returns."""
    current = public_keys()[0]
    return {
        "algorithm": "Ed25519",
        "public_key": signing.public_key_to_raw(current),
        "public_key_pem": signing.public_key_to_pem(current),
        "retired_keys": [signing.public_key_to_raw(k) for k in public_keys()[1:]],
        "message_prefix": signing.MESSAGE_PREFIX.decode("ascii"),
        "token_format": "<certificate number>.<base64url(Ed25519 signature over message_prefix + number), "
                        "no padding, 86 characters>",
    }
