"""Verify a WorkerHub certificate QR token offline, with nothing but the published public key.

    python verify_certificate.py PUBLIC_KEY TOKEN_OR_QR_URL

PUBLIC_KEY is the ``public_key`` (43 characters, base64url) or ``public_key_pem`` of
``GET /api/v1/certificates/public-key``, or a file holding either of them or that whole JSON answer.
TOKEN_OR_QR_URL is the token (``<number>.<86-character signature>``) or the URL the QR code holds
(``https://…/verify/<token>``). Prints the certificate number and exits 0 if the signature verifies;
exits 1 if it does not, 2 on bad arguments. Needs only ``pip install cryptography``.

The signature proves the platform issued a certificate with this number. Whether it is still valid
(not revoked) is only known online: ``GET /api/v1/certificates/verify?token=…``.
"""

import base64
import json
import re
import sys
from pathlib import Path
from urllib.parse import unquote, urlsplit

from cryptography.exceptions import InvalidSignature
from cryptography.hazmat.primitives import serialization
from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PublicKey

MESSAGE_PREFIX = b"workerhub-cert-v1:"  # the public-key document's message_prefix
TOKEN = re.compile(r"([A-Z0-9-]{16,40})\.([A-Za-z0-9_-]{86})", re.ASCII)


def load_key(text: str) -> Ed25519PublicKey:
    if "\n" not in text and len(text) < 4096 and Path(text).is_file():
        text = Path(text).read_text(encoding="utf-8")
    text = text.strip()
    if text.startswith("{"):
        text = json.loads(text)["public_key"]
    if text.startswith("-----BEGIN"):
        key = serialization.load_pem_public_key(text.encode("ascii"))
        if not isinstance(key, Ed25519PublicKey):
            raise ValueError("not an Ed25519 key")
        return key
    return Ed25519PublicKey.from_public_bytes(base64.urlsafe_b64decode(text + "=" * (-len(text) % 4)))


def verified_number(token: str, key: Ed25519PublicKey) -> str | None:
    """The certificate number if the token is in its one canonical spelling and the signature verifies."""
    if "/" in token:  # a QR URL: the token is the last path segment
        token = unquote(urlsplit(token).path.rstrip("/").rsplit("/", 1)[-1])
    match = TOKEN.fullmatch(token)
    if not match:
        return None
    number, sig_text = match.groups()
    signature = base64.urlsafe_b64decode(sig_text + "==")
    # 86 characters hold 516 bits for 64 bytes: spare bits must be zero, i.e. re-encoding gives the same text.
    if base64.urlsafe_b64encode(signature).rstrip(b"=").decode("ascii") != sig_text:
        return None
    try:
        key.verify(signature, MESSAGE_PREFIX + number.encode("ascii"))
    except InvalidSignature:
        return None
    return number


def main(argv: list[str]) -> int:
    if len(argv) != 2:
        print(__doc__.strip().splitlines()[2].strip(), file=sys.stderr)
        return 2
    try:
        key = load_key(argv[0])
    except (ValueError, KeyError, json.JSONDecodeError) as exc:
        print(f"bad public key: {exc}", file=sys.stderr)
        return 2
    number = verified_number(argv[1], key)
    if number is None:
        print("INVALID: the token was altered or not signed by this key", file=sys.stderr)
        return 1
    print(number)
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
