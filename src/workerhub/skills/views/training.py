"""PLACEHOLDER until this module is written (skills, issue #5): every page answers 404."""

from django.http import Http404
from django.views import View


def py(request, *args, **kwargs):
    raise Http404


def occupations(request, *args, **kwargs):
    raise Http404


class AllianceList(View):
    def get(self, request, *args, **kwargs):
        raise Http404


def alliance_detail(request, *args, **kwargs):
    raise Http404


class CourseList(View):
    def get(self, request, *args, **kwargs):
        raise Http404


def course_detail(request, *args, **kwargs):
    raise Http404


def enrol(request, *args, **kwargs):
    raise Http404


def attendance(request, *args, **kwargs):
    raise Http404


def complete(request, *args, **kwargs):
    raise Http404


class CompetitionList(View):
    def get(self, request, *args, **kwargs):
        raise Http404


def competition_detail(request, *args, **kwargs):
    raise Http404


def result_add(request, *args, **kwargs):
    raise Http404


def credit_decide(request, *args, **kwargs):
    raise Http404
