"""PLACEHOLDER until this module is written (skills, issue #5): every page answers 404."""

from django.http import Http404
from django.views import View


def py(request, *args, **kwargs):
    raise Http404


def certificate_pdf(request, *args, **kwargs):
    raise Http404


def session_pdfs(request, *args, **kwargs):
    raise Http404


def bundle_download(request, *args, **kwargs):
    raise Http404
