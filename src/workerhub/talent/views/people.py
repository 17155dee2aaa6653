"""Teams (工人先锋号), innovation studios, mentoring (师带徒) and timelines (SPEC §2.3, §2.4). Thin: each page reads
through ``restrict(user, action)`` or a selector that starts there, and each write calls one service; out of scope
is a 404 like a missing row."""

import mimetypes
from functools import partial

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import FileResponse, Http404
from django.shortcuts import redirect, render
from django.urls import path, reverse
from django.utils.translation import gettext as _t
from django.utils.translation import gettext_lazy as _
from django.views.decorators.http import require_POST

from workerhub.core import scope
from workerhub.core.generic import Column, ObjectEditView, ObjectExportView, ObjectListView
from workerhub.core.models import Person
from workerhub.core.selectors import history
from workerhub.core.services import ServiceError

from .. import selectors as reads
from .. import timeline as tl
from ..forms_people import (
    CloseMentorshipForm,
    MemberForm,
    MentorshipFilter,
    MentorshipForm,
    StudioFilter,
    StudioForm,
    TeamFilter,
    TeamForm,
    TimelineEventForm,
    TimelineFilter,
)
from ..models import Mentorship, Studio, Team, TimelineEvent
from ..services import people as services


def _one(qs, pk):
    obj = qs.filter(pk=pk).first()
    if obj is None:
        raise Http404
    return obj


def _may(model, user, pk, action="change") -> bool:
    return model.objects.restrict(user, action).filter(pk=pk).exists()


class _Linked:
    """List rows link to their detail page (the models carry no ``get_absolute_url`` of their own)."""

    detail_url_name = ""

    def get_context_data(self, **kwargs):
        ctx = super().get_context_data(**kwargs)
        for obj, _values in ctx["rows"]:
            obj.get_absolute_url = partial(reverse, self.detail_url_name, args=[obj.pk])
        return ctx


# --- Teams -------------------------------------------------------------------------------------------------------

class TeamList(_Linked, ObjectListView):
    model = Team
    detail_url_name = "talent:team_detail"
    filter_form = TeamFilter
    default_sort = ("region_id", "name")
    search_fields = ("name", "organisation__name")
    title = _("集体(工人先锋号)")
    create_url = "talent:team_create"
    export_url = "talent:team_export"
    columns = [
        Column(_("集体名称"), "name", sort="name", link=True),
        Column(_("所在单位"), "organisation.name"),
        Column(_("行政区划"), "region.name", sort="region_id"),
        Column(_("类型"), "kind"),
        Column(_("一线集体"), "front_line"),
        Column(_("成员"), "member_count", sort="member_count"),
        Column(_("所获荣誉"), "honour_count", sort="honour_count"),
    ]

    def get_queryset(self):
        return reads.teams(self.request.user, self.action)


class TeamExport(ObjectExportView, TeamList):
    filename = "teams"


class TeamEdit(ObjectEditView):
    model = Team
    form_class = TeamForm
    template_name = "talent/team_form.html"
    success_url_name = "talent:team_detail"


def _member_rows(subject):
    return [(p, p.id_number_masked) for p in subject.members.select_related("employer").order_by("name", "pk")]


@login_required
def team_detail(request, pk):
    """Members, the honours the team holds or is nominated for, its latest timeline entries and its history."""
    user = request.user
    team = _one(reads.teams(user), pk)
    can_change = _may(Team, user, pk)
    return render(request, "talent/team_detail.html", {
        "title": team.name, "team": team, "members": _member_rows(team), "can_change": can_change,
        "honours": reads.subject_honours(team=team), "recent": tl.team_timeline(team, user=user)[:5],
        "member_form": MemberForm(user=user) if can_change else None, "history": history(team)})


def _member_add(request, model, pk, url_name):
    subject = _one(model.objects.restrict(request.user, "change"), pk)
    form = MemberForm(request.POST, user=request.user)
    if form.is_valid():
        try:
            services.add_members(actor=request.user, subject=subject, people=[form.cleaned_data["person"]])
        except ServiceError as exc:
            messages.error(request, str(exc))
        except PermissionError as exc:
            raise Http404 from exc
        else:
            messages.success(request, _t("%(name)s 已加入") % {"name": form.cleaned_data["person"].name})
    else:
        messages.error(request, ";".join(str(e) for errs in form.errors.values() for e in errs))
    return redirect(reverse(url_name, args=[pk]) + "#members")


def _member_remove(request, model, pk, person, url_name):
    subject = _one(model.objects.restrict(request.user, "change"), pk)
    member = _one(subject.members.all(), person)
    try:
        services.remove_member(actor=request.user, subject=subject, person=member)
    except ServiceError as exc:
        messages.error(request, str(exc))
    else:
        messages.success(request, _t("%(name)s 已移出") % {"name": member.name})
    return redirect(reverse(url_name, args=[pk]) + "#members")


@login_required
@require_POST
def team_member_add(request, pk):
    return _member_add(request, Team, pk, "talent:team_detail")


@login_required
@require_POST
def team_member_remove(request, pk, person):
    return _member_remove(request, Team, pk, person, "talent:team_detail")


# --- Studios -----------------------------------------------------------------------------------------------------

class StudioList(_Linked, ObjectListView):
    model = Studio
    detail_url_name = "talent:studio_detail"
    filter_form = StudioFilter
    default_sort = ("region_id", "name")
    search_fields = ("name", "leader__name", "organisation__name")
    title = _("劳模和工匠人才创新工作室")
    create_url = "talent:studio_create"
    export_url = "talent:studio_export"
    columns = [
        Column(_("工作室名称"), "name", sort="name", link=True),
        Column(_("级别"), "get_level_display", sort="level"),
        Column(_("领衔人"), "leader.name"),
        Column(_("所在单位"), "organisation.name"),
        Column(_("行政区划"), "region.name", sort="region_id"),
        Column(_("成员"), "member_count", sort="member_count"),
        Column(_("成立日期"), "founded_on", sort="founded_on"),
    ]

    def get_queryset(self):
        return reads.studios(self.request.user, self.action)


class StudioExport(ObjectExportView, StudioList):
    filename = "studios"


class StudioEdit(ObjectEditView):
    model = Studio
    form_class = StudioForm
    success_url_name = "talent:studio_detail"


@login_required
def studio_detail(request, pk):
    user = request.user
    studio = _one(reads.studios(user), pk)
    can_change = _may(Studio, user, pk)
    return render(request, "talent/studio_detail.html", {
        "title": studio.name, "studio": studio, "members": _member_rows(studio), "can_change": can_change,
        "honours": reads.subject_honours(studio=studio), "history": history(studio),
        "member_form": MemberForm(user=user) if can_change else None})


@login_required
@require_POST
def studio_member_add(request, pk):
    return _member_add(request, Studio, pk, "talent:studio_detail")


@login_required
@require_POST
def studio_member_remove(request, pk, person):
    return _member_remove(request, Studio, pk, person, "talent:studio_detail")


# --- Mentoring ---------------------------------------------------------------------------------------------------

class MentorshipList(_Linked, ObjectListView):
    model = Mentorship
    detail_url_name = "talent:mentorship_detail"
    filter_form = MentorshipFilter
    default_sort = ("-started_on", "pk")
    search_fields = ("master__name", "apprentice__name")
    title = _("师带徒")
    create_url = "talent:mentorship_create"
    export_url = "talent:mentorship_export"
    columns = [
        Column(_("师傅"), "master.name", link=True),
        Column(_("徒弟"), "apprentice.name"),
        Column(_("行政区划"), "region.name", sort="region_id"),
        Column(_("结对日期"), "started_on", sort="started_on"),
        Column(_("目标"), tl.goal_label),
        Column(_("状态"), "get_status_display", sort="status"),
        Column(_("结束日期"), "ended_on", sort="ended_on"),
        Column(_("成果"), "outcome"),
    ]

    def get_queryset(self):
        return reads.mentorships(self.request.user, self.action)


class MentorshipExport(ObjectExportView, MentorshipList):
    filename = "mentoring"


@login_required
def mentorship_create(request):
    if not scope.may(request.user, "add", Mentorship):
        raise Http404
    form = MentorshipForm(request.POST or None, user=request.user)
    if request.method == "POST" and form.is_valid():
        pair = form.save(actor=request.user)
        if pair is not None:
            messages.success(request, _t("%(master)s 与 %(apprentice)s 已结对") % {
                "master": pair.master.name, "apprentice": pair.apprentice.name})
            return redirect("talent:mentorship_detail", pk=pair.pk)
    return render(request, "core/object_form.html", {"form": form, "title": _t("新建师徒结对")},
                  status=400 if request.method == "POST" else 200)


@login_required
def mentorship_detail(request, pk):
    user = request.user
    pair = _one(reads.mentorships(user), pk)
    can_close = pair.status == Mentorship.Status.ACTIVE and _may(Mentorship, user, pk)
    return render(request, "talent/mentorship_detail.html", {
        "title": str(pair), "pair": pair, "goal": tl.goal_label(pair), "history": history(pair),
        "close_form": CloseMentorshipForm(user=user) if can_close else None,
        "master_visible": Person.objects.restrict(user, "view").filter(pk=pair.master_id).exists()})


@login_required
@require_POST
def mentorship_close(request, pk):
    user = request.user
    pair = _one(reads.mentorships(user, "change"), pk)
    form = CloseMentorshipForm(request.POST, user=user)
    if form.is_valid():
        try:
            services.close_mentorship(actor=user, pair=pair, **form.cleaned_data)
        except ServiceError as exc:
            form.refuse(exc)
        except PermissionError as exc:
            raise Http404 from exc
        else:
            messages.success(request, _t("师徒结对已结束:%(status)s") % {"status": pair.get_status_display()})
            return redirect("talent:mentorship_detail", pk=pk)
    return render(request, "talent/mentorship_detail.html", {
        "title": str(pair), "pair": pair, "goal": tl.goal_label(pair), "history": history(pair),
        "close_form": form, "master_visible": True}, status=400)


@login_required
def master_detail(request, person):
    """徒弟成果: a master's apprentices and what each achieved after the pair's start, with the credit counts the
    profile uses (how they are counted is stated on the page)."""
    master = _one(Person.objects.restrict(request.user, "view").select_related("employer"), person)
    credits = reads.mentoring_credits([master.pk]).get(master.pk, {"apprentices": 0, "promoted": 0, "awards": 0})
    return render(request, "talent/mentorship_master.html", {
        "title": _t("%(name)s 的徒弟成果") % {"name": master.name}, "master": master, "credits": credits,
        "rows": reads.apprentice_achievements(master)})


# --- Timelines ---------------------------------------------------------------------------------------------------

def _timeline_page(request, *, subject, events, form, template_extra):
    user = request.user
    return render(request, "talent/timeline.html", {
        "subject": subject, "events": events, "form": form, "can_add": scope.may(user, "add", TimelineEvent),
        "can_delete": scope.may(user, "delete", TimelineEvent), **template_extra})


@login_required
def person_timeline(request, person):
    """One person's full-lifecycle timeline (SPEC §2.3), filterable by kind."""
    user = request.user
    subject = _one(Person.objects.restrict(user, "view").select_related("union", "employer"), person)
    form = TimelineFilter(request.GET or None)
    events = tl.person_timeline(subject, user=user, kinds=form.kinds())
    credits = reads.mentoring_credits([subject.pk]).get(subject.pk)
    return _timeline_page(request, subject=subject, events=events, form=form, template_extra={
        "title": _t("%(name)s 的成长档案") % {"name": subject.name}, "credits": credits,
        "add_url": reverse("talent:person_event_add", args=[subject.pk]),
        "back_url": subject.get_absolute_url(), "back_label": _t("人员信息")})


@login_required
def team_timeline(request, pk):
    user = request.user
    team = _one(Team.objects.restrict(user, "view").select_related("organisation"), pk)
    form = TimelineFilter(request.GET or None, team=True)
    events = tl.team_timeline(team, user=user, kinds=form.kinds())
    return _timeline_page(request, subject=team, events=events, form=form, template_extra={
        "title": _t("%(name)s 的成长档案") % {"name": team.name},
        "add_url": reverse("talent:team_event_add", args=[team.pk]),
        "back_url": reverse("talent:team_detail", args=[team.pk]), "back_label": _t("集体信息")})


def _event_add(request, *, person=None, team=None, back):
    if not scope.may(request.user, "add", TimelineEvent):
        raise Http404
    form = TimelineEventForm(request.POST or None, request.FILES or None, user=request.user)
    if request.method == "POST" and form.is_valid():
        try:
            services.add_timeline_event(actor=request.user, person=person, team=team, **form.cleaned_data)
        except ServiceError as exc:
            form.refuse(exc)
        except PermissionError:
            # The subject is visible but the "add" rule does not cover it (permissions.py: an enterprise union adds
            # events about its own workers, not about teams).
            form.add_error(None, _t("您无权为该对象添加成长记录,请联系所在地区总工会"))
        else:
            messages.success(request, _t("已添加成长记录"))
            return redirect(back)
    subject = person or team
    return render(request, "talent/timeline_event_form.html", {
        "form": form, "back": back, "title": _t("添加成长记录 · %(name)s") % {"name": subject.name},
        "suggestions": [_t("疗休养"), _t("健康体检"), _t("困难帮扶"), _t("走访慰问"), _t("助企服务"), _t("岗位晋升")]},
        status=400 if request.method == "POST" else 200)


@login_required
def person_event_add(request, person):
    subject = _one(Person.objects.restrict(request.user, "view"), person)
    return _event_add(request, person=subject, back=reverse("talent:person_timeline", args=[subject.pk]))


@login_required
def team_event_add(request, pk):
    team = _one(Team.objects.restrict(request.user, "view"), pk)
    return _event_add(request, team=team, back=reverse("talent:team_timeline", args=[team.pk]))


@login_required
def event_attachment(request, pk):
    """A manual event's attachment, for users who may see the timeline it is on (there is no public media URL)."""
    event = TimelineEvent.objects.filter(pk=pk).exclude(attachment="").first()
    if event is None or not tl.event_subject_visible(event, request.user):
        raise Http404
    ext = event.attachment.name.rsplit(".", 1)[-1].lower()
    try:
        handle = event.attachment.open("rb")
    except FileNotFoundError as exc:
        raise Http404 from exc
    return FileResponse(handle, as_attachment=ext == "pdf", filename=f"{event.title}.{ext}",
                        content_type=mimetypes.types_map.get(f".{ext}", "application/octet-stream"))


@login_required
@require_POST
def event_delete(request, pk):
    event = _one(TimelineEvent.objects.restrict(request.user, "delete"), pk)
    back = (reverse("talent:person_timeline", args=[event.person_id]) if event.person_id
            else reverse("talent:team_timeline", args=[event.team_id]))
    try:
        services.delete_timeline_event(actor=request.user, event=event)
    except PermissionError as exc:
        raise Http404 from exc
    messages.success(request, _t("已删除成长记录“%(title)s”") % {"title": event.title})
    return redirect(back)


urls = [
    path("teams/", TeamList.as_view(), name="team_list"),
    path("teams/export.xlsx", TeamExport.as_view(), name="team_export"),
    path("teams/new/", TeamEdit.as_view(), name="team_create"),
    path("teams/<int:pk>/", team_detail, name="team_detail"),
    path("teams/<int:pk>/edit/", TeamEdit.as_view(), name="team_edit"),
    path("teams/<int:pk>/members/", team_member_add, name="team_member_add"),
    path("teams/<int:pk>/members/<int:person>/remove/", team_member_remove, name="team_member_remove"),
    path("teams/<int:pk>/timeline/", team_timeline, name="team_timeline"),
    path("teams/<int:pk>/timeline/new/", team_event_add, name="team_event_add"),
    path("studios/", StudioList.as_view(), name="studio_list"),
    path("studios/export.xlsx", StudioExport.as_view(), name="studio_export"),
    path("studios/new/", StudioEdit.as_view(), name="studio_create"),
    path("studios/<int:pk>/", studio_detail, name="studio_detail"),
    path("studios/<int:pk>/edit/", StudioEdit.as_view(), name="studio_edit"),
    path("studios/<int:pk>/members/", studio_member_add, name="studio_member_add"),
    path("studios/<int:pk>/members/<int:person>/remove/", studio_member_remove, name="studio_member_remove"),
    path("mentoring/", MentorshipList.as_view(), name="mentorship_list"),
    path("mentoring/export.xlsx", MentorshipExport.as_view(), name="mentorship_export"),
    path("mentoring/new/", mentorship_create, name="mentorship_create"),
    path("mentoring/<int:pk>/", mentorship_detail, name="mentorship_detail"),
    path("mentoring/<int:pk>/close/", mentorship_close, name="mentorship_close"),
    path("mentoring/masters/<int:person>/", master_detail, name="master_detail"),
    path("people/<int:person>/timeline/", person_timeline, name="person_timeline"),
    path("people/<int:person>/timeline/new/", person_event_add, name="person_event_add"),
    path("timeline/events/<int:pk>/attachment/", event_attachment, name="event_attachment"),
    path("timeline/events/<int:pk>/delete/", event_delete, name="event_delete"),
]
