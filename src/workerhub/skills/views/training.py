"""Occupations, alliances, training courses and competitions (SPEC §3.1, §3.2, §3.5). Thin: each page reads
through ``restrict(user, action)`` and each write calls one service; out of scope is a 404 like a missing row."""

from functools import partial

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.db.models import Count, Prefetch, Q
from django.http import Http404
from django.shortcuts import redirect, render
from django.utils import timezone
from django.utils.translation import gettext as _t
from django.utils.translation import gettext_lazy as _
from django.views.decorators.http import require_POST

from workerhub.core import scope
from workerhub.core.generic import Column, ObjectListView
from workerhub.core.models import Person
from workerhub.core.selectors import history
from workerhub.core.services import ServiceError

from .. import rules, services
from ..certnumbers import level_label
from ..forms.training import (
    AllianceFilter,
    AllianceForm,
    AllianceMemberForm,
    AttendanceForm,
    CompetitionEventForm,
    CompetitionFilter,
    CompetitionForm,
    CourseFilter,
    CourseForm,
    CourseSessionForm,
    EnrolForm,
    OccupationFilter,
    ResultForm,
)
from ..models import (
    Alliance,
    AllianceMember,
    Certificate,
    Competition,
    CompetitionEvent,
    CompetitionResult,
    Course,
    Credit,
    Enrolment,
    ExamSession,
    Occupation,
)


def _one(model, user, pk, action="view", **select):
    rows = model.objects.restrict(user, action).filter(pk=pk)
    obj = (rows.select_related(*select["related"]) if select.get("related") else rows).first()
    if obj is None:
        raise Http404
    return obj


def _may(model, user, pk, action="change") -> bool:
    return model.objects.restrict(user, action).filter(pk=pk).exists()


def _form_errors(form) -> str:
    return ";".join(str(e) for errors in form.errors.values() for e in errors)


def _errors_into(form, exc: ServiceError) -> None:
    """A service's refusal, shown on the form: by field where the service names one, else above the form."""
    for name, message in exc.fields.items():
        form.add_error(name if name in form.fields else None, message)
    if not exc.fields:
        form.add_error(None, str(exc))


def _form_page(request, form, title):
    return render(request, "core/object_form.html", {"form": form, "title": title},
                  status=400 if request.method == "POST" else 200)


def _add_to(request, form, write, done, title):
    """An "add to this record" page (a class session, an event, a member): the service writes and audits, its refusal
    is shown on the form, an out-of-scope write is a 404, success goes to ``done(new row)``'s redirect."""
    if request.method == "POST" and form.is_valid():
        try:
            obj = write(actor=request.user, **form.cleaned_data)
        except ServiceError as exc:
            _errors_into(form, exc)
        except PermissionError as exc:
            raise Http404 from exc
        else:
            return done(obj)
    return _form_page(request, form, title)


def _create(request, model, form_class, create, title, done):
    """A create page: 404 for a user who may add none (permissions.py "add"); the form offers only organisations
    and regions of the user's scope; the service validates and audits, and its refusal is shown on the form."""
    if not scope.may(request.user, "add", model):
        raise Http404
    form = form_class(request.POST or None, user=request.user)
    if request.method == "POST" and form.is_valid():
        data = dict(form.cleaned_data)
        try:
            obj = create(actor=request.user, region_id=data.pop("region"), **data)
        except ServiceError as exc:
            _errors_into(form, exc)
        except PermissionError:
            form.add_error(None, _t("所选单位或地区不在您的管辖范围内"))
        else:
            messages.success(request, done % {"name": obj})
            return redirect(obj.get_absolute_url())
    return _form_page(request, form, title)


# --- Occupations --------------------------------------------------------------------------------------------

REQUIREMENT_WORDING = {
    "years_in_trade": lambda r: _t("从事本职业满 %(n)s 年") % {"n": r["years"]},
    "apprenticeship": lambda r: _t("本职业学徒期满"),
    "level_held": lambda r: _t("取得 %(level)s 或以上证书满 %(n)s 年") % {"level": level_label(r["level"]),
                                                                   "n": r["years"]},
    "education": lambda r: _t("学历为 %(list)s%(field)s") % {"list": "/".join(r["in"]),
                                                          "field": _t("(本专业)") if r.get("in_field") else ""},
}


def _routes(occupation: Occupation) -> list[dict]:
    """Per level offered, the ways to qualify for the exam (rules.eligibility_routes), worded for an officer."""
    out = []
    for level in sorted(occupation.levels, reverse=True):
        routes = rules.eligibility_routes(level, occupation.as_rule_data())
        out.append({"level": level_label(level), "routes": [
            {"name": r["name"], "requires": [REQUIREMENT_WORDING[q["type"]](q) for q in r["requires"]]}
            for r in routes]})
    return out


@login_required
def occupations(request):
    """The occupation catalogue (SPEC §3.1): codes marked 未核实 when not checked against a source, the levels
    offered and the eligibility routes per level — what an officer shows a worker asking "may I sit this exam?"."""
    form = OccupationFilter(request.GET or None)
    qs = Occupation.objects.order_by("-digital", "code", "name")
    if form.is_valid():
        term = form.cleaned_data["q"].strip()
        if term:
            qs = qs.filter(Q(name__icontains=term) | Q(code__startswith=term) | Q(parent_name__icontains=term))
        if form.cleaned_data["digital"]:
            qs = qs.filter(digital=True)
    rows = [{"occupation": o, "levels": [level_label(n) for n in sorted(o.levels, reverse=True)],
             "routes": _routes(o), "own_rules": bool(o.eligibility)} for o in qs]
    return render(request, "skills/occupations.html", {"title": _("职业目录"), "form": form, "rows": rows})


# --- Alliances ----------------------------------------------------------------------------------------------

class AllianceList(ObjectListView):
    model = Alliance
    select_related = ("region", "lead")
    filter_form = AllianceFilter
    default_sort = ("region_id", "name")
    search_fields = ("name", "lead__name")
    title = _("协同培育联盟")
    create_url = "skills:alliance_create"
    columns = [
        Column(_("联盟名称"), "name", sort="name", link=True),
        Column(_("牵头单位"), "lead.name"),
        Column(_("行政区划"), "region.name", sort="region_id"),
        Column(_("成员单位"), "member_count", sort="member_count"),
        Column(_("认可证书的成员"), "recognising"),
        Column(_("共享课程"), "course_count"),
        Column(_("考试批次"), "session_count"),
        Column(_("成立日期"), "founded_on", sort="founded_on"),
    ]

    def get_queryset(self):
        return super().get_queryset().annotate(
            member_count=Count("members", distinct=True),
            recognising=Count("members", filter=Q(members__recognises=True), distinct=True),
            course_count=Count("courses", distinct=True), session_count=Count("exam_sessions", distinct=True))


@login_required
def alliance_detail(request, pk):
    """Members by kind with their 认可联盟证书 flag and how many certificates list each as a recogniser, the shared
    courses and the alliance's exam sessions (SPEC §3.5)."""
    user = request.user
    alliance = _one(Alliance, user, pk, related=("region", "lead"))
    can_change = _may(Alliance, user, pk)
    members = list(AllianceMember.objects.restrict(user, "view").filter(alliance=alliance)
                   .select_related("organisation__region").order_by("kind", "-recognises", "organisation__name"))
    certs = Certificate.objects.restrict(user, "view").filter(status=Certificate.Status.VALID)
    through = Certificate.recognised_by.through
    recognised = dict(through.objects.filter(certificate__in=certs.values("pk"),
                                             organisation_id__in=[m.organisation_id for m in members])
                      .values_list("organisation_id").annotate(n=Count("id")).values_list("organisation_id", "n"))
    kinds = []
    for value, label in AllianceMember.Kind.choices:
        rows = [(m, recognised.get(m.organisation_id, 0)) for m in members if m.kind == value]
        if rows:
            kinds.append({"label": label, "rows": rows})
    sessions = (ExamSession.objects.restrict(user, "view").filter(alliance=alliance)
                .select_related("occupation", "evaluator__organisation", "partner")
                .annotate(registered=Count("registrations", distinct=True),
                          passed=Count("registrations", filter=Q(registrations__result="passed"), distinct=True))
                .order_by("-exam_date"))
    courses = (Course.objects.restrict(user, "view").filter(alliance=alliance).select_related("organiser")
               .annotate(n_sessions=Count("sessions", distinct=True), n_enrolled=Count("enrolments", distinct=True))
               .order_by("title"))
    enterprise_certs = certs.filter(kind=Certificate.Kind.ENTERPRISE, registration__session__alliance=alliance)
    return render(request, "skills/alliance_detail.html", {
        "title": alliance.name, "alliance": alliance, "kinds": kinds, "sessions": sessions, "courses": courses,
        "member_count": len(members), "recognising": sum(1 for m in members if m.recognises),
        "enterprise_certs": enterprise_certs.count(), "history": history(alliance), "can_change": can_change,
        "member_form": AllianceMemberForm(user=user) if can_change else None})


@login_required
def alliance_create(request):
    return _create(request, Alliance, AllianceForm, services.create_alliance, _t("新建协同培育联盟"),
                   _t("联盟“%(name)s”已建立,牵头单位已列为成员"))


@login_required
def alliance_member_add(request, pk):
    alliance = _one(Alliance, request.user, pk, "change")

    def done(member):
        messages.success(request, _t("%(org)s 已加入联盟") % {"org": member.organisation.name})
        return redirect(alliance.get_absolute_url() + f"#member-{member.organisation_id}")

    return _add_to(request, AllianceMemberForm(request.POST or None, user=request.user),
                   partial(services.add_alliance_member, alliance=alliance), done,
                   _t("添加成员单位 · %(name)s") % {"name": alliance.name})


@login_required
@require_POST
def alliance_member_recognition(request, pk):
    """Set one member's 认可联盟证书 flag (``recognises`` = 1 or 0); certificates already issued keep theirs."""
    member = _one(AllianceMember, request.user, pk, "change", related=("alliance", "organisation"))
    recognises = request.POST.get("recognises") == "1"
    try:
        services.set_member_recognition(actor=request.user, member=member, recognises=recognises)
    except PermissionError as exc:
        raise Http404 from exc
    messages.success(request, (_t("%(org)s 认可本联盟证书") if recognises else _t("%(org)s 不再认可本联盟证书"))
                     % {"org": member.organisation.name})
    return redirect(member.alliance.get_absolute_url() + f"#member-{member.organisation_id}")


# --- Courses ------------------------------------------------------------------------------------------------

class CourseList(ObjectListView):
    model = Course
    select_related = ("occupation", "organiser", "region", "alliance")
    filter_form = CourseFilter
    default_sort = ("region_id", "title")
    search_fields = ("title", "organiser__name")
    title = _("培训课程")
    create_url = "skills:course_create"
    columns = [
        Column(_("课程名称"), "title", sort="title", link=True),
        Column(_("对应职业"), "occupation.name"),
        Column(_("主办单位"), "organiser.name"),
        Column(_("行政区划"), "region.name", sort="region_id"),
        Column(_("共享联盟"), "alliance.name"),
        Column(_("学时"), "hours", sort="hours"),
        Column(_("课次"), "n_sessions"),
        Column(_("报名"), "n_enrolled", sort="n_enrolled"),
        Column(_("已结业"), "n_completed"),
    ]

    def get_queryset(self):
        return super().get_queryset().annotate(
            n_sessions=Count("sessions", distinct=True), n_enrolled=Count("enrolments", distinct=True),
            n_completed=Count("enrolments", filter=Q(enrolments__status="completed"), distinct=True))


@login_required
def course_detail(request, pk):
    """Sessions, learners (ID numbers masked) with their attendance per session, and completion by the course's
    rule: attended at least ceil(completion share × sessions)."""
    user = request.user
    course = _one(Course, user, pk, related=("occupation", "organiser", "region", "alliance"))
    can_change = _may(Course, user, pk)
    sessions = list(course.sessions.all())
    enrolments = list(Enrolment.objects.restrict(user, "view").filter(course=course).select_related("person")
                      .prefetch_related("attended").order_by("id"))
    total = len(sessions)
    need = rules.sessions_needed(total, course.completion_ratio) if total else 0
    rows = []
    for e in enrolments:
        attended = {s.pk for s in e.attended.all()}
        rows.append({"enrolment": e, "id_masked": e.person.id_number_masked,
                     "cells": [(s, s.pk in attended) for s in sessions], "count": len(attended),
                     "enough": total > 0 and len(attended) >= need})
    mine = next((e for e in enrolments if user.person_id and e.person_id == user.person_id), None)
    may_enrol_others = can_change or Person.objects.restrict(user, "change").exists()
    return render(request, "skills/course_detail.html", {
        "title": course.title, "course": course, "sessions": sessions, "rows": rows, "can_change": can_change,
        "total": total, "need": need, "percent": round(course.completion_ratio * 100),
        "completed": sum(1 for e in enrolments if e.status == Enrolment.Status.COMPLETED),
        "ready": sum(1 for r in rows if r["enough"] and r["enrolment"].status == Enrolment.Status.ENROLLED),
        "may_self_enrol": bool(user.person_id) and mine is None, "mine": mine,
        "enrol_form": EnrolForm(user=user) if may_enrol_others else None, "history": history(course),
        "session_form": CourseSessionForm() if can_change else None})


@login_required
def course_create(request):
    return _create(request, Course, CourseForm, services.create_course, _t("新建培训课程"),
                   _t("课程“%(name)s”已创建,请添加课次"))


@login_required
def course_session_add(request, pk):
    course = _one(Course, request.user, pk, "change")

    def done(session):
        when = timezone.localtime(session.starts_at)
        messages.success(request, _t("已添加课次 %(when)s") % {"when": f"{when:%Y-%m-%d %H:%M}"})
        return redirect(course.get_absolute_url())

    return _add_to(request, CourseSessionForm(request.POST or None), partial(services.add_course_session, course=course),
                   done, _t("添加课次 · %(name)s") % {"name": course.title})


@login_required
@require_POST
def enrol(request, pk):
    """A worker enrols themself (no form fields); an officer or the organiser enrols a person named by full name and
    ID number."""
    user = request.user
    course = _one(Course, user, pk)
    if "id_number" in request.POST:
        form = EnrolForm(request.POST, user=user, organiser=_may(Course, user, pk))
        if not form.is_valid():
            messages.error(request, _form_errors(form))
            return redirect("skills:course_detail", pk=pk)
        person = form.cleaned_data["person"]
    else:
        person = Person.objects.filter(pk=user.person_id).first()
        if person is None:
            raise Http404
    try:
        services.enrol(actor=user, course=course, person=person)
        messages.success(request, _t("%(name)s 已报名“%(course)s”") % {"name": person.name, "course": course.title})
    except ServiceError as exc:
        messages.error(request, str(exc))
    except PermissionError as exc:
        raise Http404 from exc
    return redirect("skills:course_detail", pk=pk)


@login_required
@require_POST
def attendance(request, pk, session):
    course = _one(Course, request.user, pk, "change")
    meeting = course.sessions.filter(pk=session).first()
    if meeting is None:
        raise Http404
    form = AttendanceForm(request.POST, course=course)
    if not form.is_valid():
        messages.error(request, _t("考勤数据无效:") + _form_errors(form))
        return redirect("skills:course_detail", pk=pk)
    try:
        n = services.record_attendance(actor=request.user, session=meeting, present=form.cleaned_data["present"])
        messages.success(request, _t("已记录 %(when)s 考勤:出勤 %(n)s 人") % {
            "when": f"{meeting.starts_at:%m-%d}", "n": n})
    except ServiceError as exc:
        messages.error(request, str(exc))
    return redirect("skills:course_detail", pk=pk)


@login_required
@require_POST
def complete(request, pk):
    course = _one(Course, request.user, pk, "change")
    try:
        done = services.complete_course(actor=request.user, course=course)
        messages.success(request, _t("结业 %(n)s 人") % {"n": len(done)})
    except ServiceError as exc:
        messages.error(request, str(exc))
    return redirect("skills:course_detail", pk=pk)


# --- Competitions -------------------------------------------------------------------------------------------

def _class_label(comp) -> str:
    return comp.get_contest_class_display() if comp.contest_class else "—"


class CompetitionList(ObjectListView):
    model = Competition
    template_name = "skills/competition_list.html"
    select_related = ("organiser", "region")
    filter_form = CompetitionFilter
    default_sort = ("-held_on", "name")
    search_fields = ("name", "organiser__name")
    title = _("技能竞赛")
    create_url = "skills:competition_create"
    columns = [
        Column(_("竞赛名称"), "name", sort="name", link=True),
        Column(_("级别"), "get_tier_display", sort="tier"),
        Column(_("类别"), _class_label),
        Column(_("主办单位"), "organiser.name"),
        Column(_("行政区划"), "region.name", sort="region_id"),
        Column(_("举办日期"), "held_on", sort="held_on"),
        Column(_("赛项"), "n_events"),
        Column(_("参赛成绩"), "n_results"),
    ]

    def get_queryset(self):
        return super().get_queryset().annotate(n_events=Count("events", distinct=True),
                                               n_results=Count("events__results", distinct=True))

    def get_context_data(self, **kwargs):
        ctx = super().get_context_data(**kwargs)
        # Credits earned per kind and status across the listed competitions (the chart under the list).
        credits = (Credit.objects.restrict(self.request.user, "view")
                   .filter(result__event__competition__in=self.filtered().values("pk"))
                   .values_list("kind", "status").annotate(n=Count("id")).order_by("kind", "status"))
        kinds, statuses = dict(Credit.Kind.choices), dict(Credit.Status.choices)
        ctx["credit_chart"] = [{"name": f"{kinds[k]}·{statuses[s]}", "value": n} for k, s, n in credits]
        return ctx


@login_required
def competition_detail(request, pk):
    """Events and results with the credits each result earned by policy (title / promotion, status, basis)."""
    user = request.user
    comp = _one(Competition, user, pk, related=("organiser", "region"))
    can_change = _may(Competition, user, pk)
    results = (CompetitionResult.objects.restrict(user, "view").filter(event__competition=comp)
               .select_related("person").order_by("event_id", "rank", "id")
               .prefetch_related(Prefetch("credits", Credit.objects.order_by("-kind", "id"))))  # titles first
    by_event: dict[int, list] = {}
    for r in results:
        by_event.setdefault(r.event_id, []).append(r)
    national = comp.tier == Competition.Tier.NATIONAL
    events = [{"event": ev, "results": by_event.get(ev.pk, []),
               "form": ResultForm(user=user, national=national, prefix=f"ev{ev.pk}") if can_change else None}
              for ev in comp.events.select_related("occupation").order_by("name")]
    decidable = set(Credit.objects.restrict(user, "change").filter(result__event__competition=comp,
                                                                   status=Credit.Status.PENDING)
                    .values_list("pk", flat=True))
    return render(request, "skills/competition_detail.html", {
        "title": comp.name, "competition": comp, "events": events, "can_change": can_change,
        "class_label": _class_label(comp), "decidable": decidable, "history": history(comp),
        "event_form": CompetitionEventForm() if can_change else None})


@login_required
def competition_create(request):
    return _create(request, Competition, CompetitionForm, services.create_competition, _t("新建技能竞赛"),
                   _t("竞赛“%(name)s”已创建,请添加赛项"))


@login_required
def competition_event_add(request, pk):
    comp = _one(Competition, request.user, pk, "change")

    def done(event):
        messages.success(request, _t("已添加赛项“%(name)s”") % {"name": event.name})
        return redirect(comp.get_absolute_url() + f"#event-{event.pk}")

    return _add_to(request, CompetitionEventForm(request.POST or None),
                   partial(services.add_competition_event, competition=comp), done,
                   _t("添加赛项 · %(name)s") % {"name": comp.name})


@login_required
@require_POST
def result_add(request, pk):
    event = _one(CompetitionEvent, request.user, pk, "change", related=("competition",))
    comp = event.competition
    form = ResultForm(request.POST, user=request.user, national=comp.tier == Competition.Tier.NATIONAL,
                      organiser=True, prefix=f"ev{event.pk}")
    if not form.is_valid():
        messages.error(request, _form_errors(form))
        return redirect("skills:competition_detail", pk=comp.pk)
    d = form.cleaned_data
    try:
        result = services.record_result(actor=request.user, event=event, person=d["person"], rank=d.get("rank"),
                                        score=d.get("score"), award=d.get("award") or "")
        earned = "、".join(f"{c.title}({c.get_status_display()})" for c in result.credits.all())
        messages.success(request, _t("已登记 %(name)s 的成绩;%(credits)s") % {
            "name": d["person"].name, "credits": _t("获得:") + earned if earned else _t("该名次不产生政策积分")})
    except ServiceError as exc:
        messages.error(request, str(exc))
    return redirect("skills:competition_detail", pk=comp.pk)


@login_required
@require_POST
def credit_decide(request, pk, decision):
    if decision not in ("approve", "refuse"):
        raise Http404
    credit = _one(Credit, request.user, pk, "change", related=("result__event", "result__person"))
    try:
        services.decide_credit(actor=request.user, credit=credit, approve=decision == "approve")
        messages.success(request, _t("%(name)s 的“%(title)s”:%(status)s") % {
            "name": credit.result.person.name, "title": credit.title,
            "status": _t("已认定") if decision == "approve" else _t("审核未通过")})
    except ServiceError as exc:
        messages.error(request, str(exc))
    return redirect("skills:competition_detail", pk=credit.result.event.competition_id)
