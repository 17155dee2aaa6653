"""PLACEHOLDER until this module is written (skills, issue #5): every page answers 404."""

from django.http import Http404
from django.views import View


def py(request, *args, **kwargs):
    raise Http404


class SessionList(View):
    def get(self, request, *args, **kwargs):
        raise Http404


class SessionExport(View):
    def get(self, request, *args, **kwargs):
        raise Http404


def session_create(request, *args, **kwargs):
    raise Http404


def session_detail(request, *args, **kwargs):
    raise Http404


def register(request, *args, **kwargs):
    raise Http404


def scores(request, *args, **kwargs):
    raise Http404


def scores_template(request, *args, **kwargs):
    raise Http404


def scores_import(request, *args, **kwargs):
    raise Http404


def results_export(request, *args, **kwargs):
    raise Http404


def session_transition(request, *args, **kwargs):
    raise Http404


def amend(request, *args, **kwargs):
    raise Http404


def withdraw(request, *args, **kwargs):
    raise Http404
