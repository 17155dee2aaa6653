"""PLACEHOLDER until this module is written (skills, issue #5): every page answers 404."""

from django.http import Http404
from django.views import View


def py(request, *args, **kwargs):
    raise Http404


class CertificateList(View):
    def get(self, request, *args, **kwargs):
        raise Http404


class CertificateExport(View):
    def get(self, request, *args, **kwargs):
        raise Http404


def certificate_detail(request, *args, **kwargs):
    raise Http404


def revoke(request, *args, **kwargs):
    raise Http404


def my_certificates(request, *args, **kwargs):
    raise Http404
