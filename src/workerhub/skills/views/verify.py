"""PLACEHOLDER until this module is written (skills, issue #5): every page answers 404."""

from django.http import Http404
from django.views import View


def verify_form(request, *args, **kwargs):
    raise Http404


def verify_token(request, *args, **kwargs):
    raise Http404
