"""Signed QR tokens for public certificate verification (SPEC §3.6), Ed25519 via ``cryptography``.

Token = certificate number + "." + base64url(Ed25519 signature) without padding (64 bytes → 86 characters),
e.g. ``Y000133000001255000001.<86 chars>`` — 109 characters for a skill-level number, small enough for a
version-8 QR code (research/libraries-domain.md §6).

The signed message is ``MESSAGE_PREFIX + number`` in ASCII, so a signature can never be replayed for another
purpose. An offline verifier needs only the published 32-byte public key:
``Ed25519PublicKey.from_public_bytes(raw).verify(sig, b"workerhub-cert-v1:" + number.encode())``.

``verify_token`` accepts only the one canonical spelling of a token: any changed character or byte —
case, padding, whitespace, extra dots, non-canonical base64 trailing bits — fails.
"""

import base64
import binascii
import re

from cryptography.exceptions import InvalidSignature
from cryptography.hazmat.primitives import serialization
from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PrivateKey, Ed25519PublicKey

from workerhub.skills.certnumbers import CertNumberError, parse_number

MESSAGE_PREFIX = b"workerhub-cert-v1:"
SIGNATURE_CHARS = 86
MAX_TOKEN_CHARS = 160
_TOKEN_RE = re.compile(r"([A-Z0-9-]{16,40})\.([A-Za-z0-9_-]{86})", re.ASCII)


def _b64url(data: bytes) -> str:
    return base64.urlsafe_b64encode(data).rstrip(b"=").decode("ascii")


def generate_keypair() -> tuple[Ed25519PrivateKey, Ed25519PublicKey]:
    """A fresh key pair (development; production loads the private key from the environment)."""
    private_key = Ed25519PrivateKey.generate()
    return private_key, private_key.public_key()


def sign_token(number: str, private_key: Ed25519PrivateKey) -> str:
    """The QR token for a certificate number; the number must be canonical (see certnumbers.parse_number)."""
    parse_number(number)
    signature = private_key.sign(MESSAGE_PREFIX + number.encode("ascii"))
    return f"{number}.{_b64url(signature)}"


def verify_token(token: str | bytes, public_key: Ed25519PublicKey) -> str | None:
    """The certificate number if ``token`` is canonical and its signature verifies, else None."""
    if isinstance(token, bytes):
        if len(token) > MAX_TOKEN_CHARS:
            return None
        try:
            token = token.decode("ascii")
        except UnicodeDecodeError:
            return None
    if not isinstance(token, str) or len(token) > MAX_TOKEN_CHARS:
        return None
    m = _TOKEN_RE.fullmatch(token)
    if not m:
        return None
    number, sig_text = m.groups()
    try:
        parse_number(number)
        signature = base64.urlsafe_b64decode(sig_text + "==")
    except (CertNumberError, binascii.Error, ValueError):
        return None
    # 86 characters carry 516 bits for 512: the spare bits must be zero, so re-encoding must give the same text.
    if len(signature) != 64 or _b64url(signature) != sig_text:
        return None
    try:
        public_key.verify(signature, MESSAGE_PREFIX + number.encode("ascii"))
    except InvalidSignature:
        return None
    return number


def private_key_to_pem(private_key: Ed25519PrivateKey) -> str:
    """PKCS#8 PEM, unencrypted — for the environment variable or a development key file."""
    return private_key.private_bytes(
        serialization.Encoding.PEM, serialization.PrivateFormat.PKCS8, serialization.NoEncryption()
    ).decode("ascii")


def public_key_to_pem(public_key: Ed25519PublicKey) -> str:
    """SubjectPublicKeyInfo PEM, as published at /api/v1/certificates/public-key."""
    return public_key.public_bytes(serialization.Encoding.PEM, serialization.PublicFormat.SubjectPublicKeyInfo).decode(
        "ascii"
    )


def public_key_to_raw(public_key: Ed25519PublicKey) -> str:
    """The 32 raw public-key bytes, base64url without padding (43 characters)."""
    return _b64url(public_key.public_bytes(serialization.Encoding.Raw, serialization.PublicFormat.Raw))


def load_private_key(pem: str | bytes) -> Ed25519PrivateKey:
    """Load a PKCS#8 PEM Ed25519 private key; ValueError for anything else."""
    key = serialization.load_pem_private_key(pem.encode("ascii") if isinstance(pem, str) else pem, password=None)
    if not isinstance(key, Ed25519PrivateKey):
        raise ValueError("不是 Ed25519 私钥")
    return key


def load_public_key(text: str | bytes) -> Ed25519PublicKey:
    """Load a public key from PEM or from the 43-character raw base64url form."""
    data = text.encode("ascii") if isinstance(text, str) else text
    if data.lstrip().startswith(b"-----BEGIN"):
        key = serialization.load_pem_public_key(data)
        if not isinstance(key, Ed25519PublicKey):
            raise ValueError("不是 Ed25519 公钥")
        return key
    raw = base64.urlsafe_b64decode(data.strip() + b"=" * (-len(data.strip()) % 4))
    return Ed25519PublicKey.from_public_bytes(raw)
