"""Login by username or mobile number (SPEC §1.3)."""

import re

from django.contrib.auth import get_user_model
from django.contrib.auth.backends import ModelBackend

from .pii import lookup_hash
from .rules import RuleError, normalise_mobile


class UsernameOrMobileBackend(ModelBackend):
    def authenticate(self, request, username=None, password=None, **kwargs):
        if username and re.fullmatch(r"\+?[\d\s\-]{11,16}", username):
            try:
                phone = normalise_mobile(username)
            except RuleError:
                phone = None
            if phone:
                user = get_user_model().objects.filter(person__phone_hash=lookup_hash(phone)).first()
                if user and user.check_password(password) and self.user_can_authenticate(user):
                    return user
                return None
        return super().authenticate(request, username=username, password=password, **kwargs)
