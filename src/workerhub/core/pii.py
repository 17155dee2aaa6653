"""Personal information under PIPL: encryption at rest, keyed look-up hashes, masking.

ID numbers and phones are stored Fernet-encrypted (keys from WORKERHUB_FIELD_KEYS, newest first,
so a key can be rotated by prepending a new one and re-saving) and found through an HMAC-SHA256
of the normalised value (WORKERHUB_LOOKUP_KEY), never by decrypting rows.
"""

import hashlib
import hmac
from functools import cache

from cryptography.fernet import Fernet, InvalidToken, MultiFernet
from django.conf import settings
from django.db import models


@cache
def _fernet() -> MultiFernet:
    return MultiFernet([Fernet(k) for k in settings.FIELD_KEYS])


def encrypt(value: str) -> str:
    return _fernet().encrypt(value.encode()).decode()


def decrypt(token: str) -> str:
    try:
        return _fernet().decrypt(token.encode()).decode()
    except InvalidToken as exc:  # a wrong key is a deployment error, not a user error
        raise RuntimeError("personal data cannot be decrypted: check WORKERHUB_FIELD_KEYS") from exc


def lookup_hash(value: str) -> str:
    """Keyed hash for equality look-ups; the caller normalises (upper-case ID, 11-digit phone)."""
    return hmac.new(settings.LOOKUP_KEY, value.encode(), hashlib.sha256).hexdigest()


class EncryptedTextField(models.TextField):
    """A text column stored encrypted; Python sees plain text. Not searchable: use the hash column."""

    def from_db_value(self, value, expression, connection):
        return None if value is None else decrypt(value)

    def get_prep_value(self, value):
        value = super().get_prep_value(value)
        return None if value in (None, "") else encrypt(value)


def can_view_personal_data(user) -> bool:
    """The explicit permission of SPEC §1.2; every unmasked view it allows is audited by the caller."""
    return bool(user and user.is_authenticated and user.has_perm("core.view_personal_data"))
