"""Honour catalogue and nomination pages (SPEC §2.1–§2.2): the catalogue, the nominations register with filters and
Excel export, nominating, a nomination with its transitions, objections and history, and the public 公示 page."""

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.http import Http404
from django.shortcuts import redirect, render
from django.urls import path
from django.utils import timezone
from django.utils.translation import gettext as _t
from django.utils.translation import gettext_lazy as _
from django.views.decorators.http import require_POST

from workerhub.core import scope
from workerhub.core.generic import Column, ObjectExportView, ObjectListView
from workerhub.core.selectors import history
from workerhub.core.services import ServiceError

from .. import forms, rules, selectors
from ..models import Nomination, Objection
from ..services import nominations as services

# --- Catalogue --------------------------------------------------------------------------------------------------

@login_required
def honour_list(request):
    rows = list(selectors.honours())
    order = {lvl: i for i, lvl in enumerate(reversed(rules.LEVEL_ORDER))}
    rows.sort(key=lambda h: (order[h.level], h.subject, h.code))
    return render(request, "talent/honour_list.html", {"title": _t("荣誉目录"), "honours": rows})


@login_required
def honour_detail(request, code):
    honour = selectors.honours().filter(code=code).first()
    if honour is None:
        raise Http404
    return render(request, "talent/honour_detail.html", {
        "title": honour.name, "honour": honour, "rules_in_words": rules.rules_in_words(selectors.honour_rules(honour)),
        "quotas": selectors.quota_rows(honour), "assumptions": (honour.eligibility or {}).get("assumptions", []),
        "benefits": honour.benefits or {},
        "may_nominate": scope.may(request.user, "add", Nomination)})


# --- Register and export ---------------------------------------------------------------------------------------

def _subject(n):
    return n.subject_name


COLUMNS = [
    Column(_("对象"), _subject, sort="subject_name", link=True),
    Column(_("荣誉"), "honour.name", sort="honour__code"),
    Column(_("年度"), "cycle", sort="cycle"),
    Column(_("对象类型"), lambda n: {"person": _t("个人"), "team": _t("集体"), "studio": _t("工作室")}[n.subject_kind]),
    Column(_("地区"), "region.name", sort="region_id"),
    Column(_("推荐方式"), "get_route_display"),
    Column(_("类别"), lambda n: n.get_tier_display() + (_t("·直接认定") if n.direct_grant else "")),
    Column(_("状态"), "get_state_display", sort="state"),
    Column(_("公示开始"), "publicity_start", sort="publicity_start"),
    Column(_("公示结束"), "publicity_end"),
    Column(_("决定文号"), "decision_number"),
    Column(_("授予日期"), "conferred_on", sort="conferred_on"),
    Column(_("撤销日期"), "revoked_on"),
]
# The export adds the employer; never ID numbers or phones (SPEC §1.2).
EXPORT_COLUMNS = [
    Column(_("编号"), "pk"), *COLUMNS[:4],
    Column(_("工作单位"), lambda n: (selectors.employer_of(n).name if selectors.employer_of(n) else "")),
    *COLUMNS[4:], Column(_("专家评审得分"), "expert_score"), Column(_("撤销原因"), "revoke_reason"),
]


class NominationScope:
    model = Nomination
    select_related = ("honour", "region", "person__employer", "team__organisation", "studio__organisation")
    search_fields = ("subject_name", "decision_number")
    filter_form = forms.NominationFilter
    default_sort = ("-cycle", "honour__code", "state", "pk")


class NominationList(NominationScope, ObjectListView):
    columns = COLUMNS
    title = _("推荐评选")
    create_url = "talent:nomination_create"
    export_url = "talent:nomination_export"


class NominationExport(NominationScope, ObjectExportView):
    columns = COLUMNS
    export_columns = EXPORT_COLUMNS
    filename = "nominations"


# --- Nominate ------------------------------------------------------------------------------------------------

@login_required
def nomination_create(request):
    if not scope.may(request.user, "add", Nomination):
        raise PermissionDenied
    initial = {}
    if request.GET.get("honour"):
        initial["honour"] = request.GET["honour"]
    form = forms.NominationForm(request.POST or None, user=request.user, initial=initial)
    status = 200
    if request.method == "POST":
        if form.is_valid():
            try:
                n = services.create_nomination(actor=request.user, **form.service_kwargs())
            except ServiceError as exc:
                _errors_to_form(form, exc)
            except PermissionError as exc:
                raise Http404 from exc
            else:
                messages.success(request, _t("已提交推荐:%(n)s") % {"n": n})
                return redirect(n.get_absolute_url())
        status = 400
    return render(request, "talent/nomination_form.html", {"title": _t("推荐荣誉"), "form": form}, status=status)


def _errors_to_form(form, exc: ServiceError) -> None:
    placed = set()
    for name, message in exc.fields.items():
        if name in form.fields:
            form.add_error(name, message)
            placed.add(message)
    if str(exc) not in placed:  # the whole explanation, unless a field already says it
        form.add_error(None, str(exc))


# --- Detail and transitions --------------------------------------------------------------------------------

ACTIONS = {  # url action → (form class, target state; None for an objection, recorded in publicity)
    "review": (forms.ReviewForm, "reviewed"),
    "reject": (forms.ReasonForm, "rejected"),
    "withdraw": (forms.ReasonForm, "withdrawn"),
    "publicise": (forms.PubliciseForm, "publicised"),
    "confer": (forms.ConferForm, "conferred"),
    "revoke": (forms.RevokeForm, "revoked"),
    "objection": (forms.ObjectionForm, None),
}


def _nomination(user, pk, action="view") -> Nomination:
    n = selectors.nomination(user, pk, action)
    if n is None:
        raise Http404
    return n


def _detail(request, n: Nomination, bound=None, status=200):
    user = request.user
    can_change = Nomination.objects.restrict(user, "change").filter(pk=n.pk).exists()
    can_withdraw = can_change or Nomination.objects.restrict(user, "add").filter(pk=n.pk).exists()
    nexts = services.allowed_next(n)
    today = timezone.localdate()
    action_forms = []
    for action, (form_class, target) in ACTIONS.items():
        allowed = (target in nexts and (can_change or (action == "withdraw" and can_withdraw))) or (
            target is None and can_change and n.state == "publicised")
        if allowed:
            form = bound[1] if bound and bound[0] == action else form_class(initial=_initial(action, n, today))
            if action == "review" and not n.honour.has_expert_review:
                form.fields.pop("expert_score", None)
            action_forms.append((action, _action_label(action), form))
    objections = list(n.objections.all()) if can_change or n.state == "publicised" else []
    resolve_forms = [(o, forms.ResolveForm(initial={"resolved_on": today}, prefix=f"o{o.pk}"))
                     for o in objections if o.resolved_on is None and can_change and n.state == "publicised"]
    outcome = (n.eligibility or {}).get("outcome")
    preview = None
    if n.state == "nominated" and can_change:
        preview = services.outcome_json(selectors.assess(n, today))
    quota = selectors.quota_of(n)
    return render(request, "talent/nomination_detail.html", {
        "title": str(n), "n": n, "subject": selectors.subject_of(n), "employer": selectors.employer_of(n),
        "declared": (n.eligibility or {}).get("declared", {}), "outcome": outcome, "preview": preview,
        "rejected": (n.eligibility or {}).get("rejected"),
        "quota": quota, "taken": selectors.places_taken(n, today) if quota else None,
        "action_forms": action_forms, "objections": objections, "resolve_forms": resolve_forms,
        "can_change": can_change, "history": history(n)}, status=status)


def _initial(action, n, today):
    if action == "publicise":
        return {"start": today}
    if action == "confer":
        return {"conferred_on": today}
    if action == "revoke":
        return {"revoked_on": today}
    if action == "objection":
        return {"received_on": today}
    if action == "review":
        return {"on": today}
    return {}


def _action_label(action):
    return {"review": _t("审核通过"), "reject": _t("不予通过"), "withdraw": _t("撤回推荐"), "publicise": _t("公示"),
            "confer": _t("授予"), "revoke": _t("撤销荣誉"), "objection": _t("登记异议")}[action]


@login_required
def nomination_detail(request, pk):
    return _detail(request, _nomination(request.user, pk))


@login_required
@require_POST
def nomination_transition(request, pk, action):
    if action not in ACTIONS:
        raise Http404
    n = _nomination(request.user, pk)
    form = ACTIONS[action][0](request.POST)
    if form.is_valid():
        d = form.cleaned_data
        call = {
            "review": lambda: services.review_nomination(actor=request.user, nomination=n,
                                                         expert_score=d["expert_score"], on=d["on"]),
            "reject": lambda: services.reject_nomination(actor=request.user, nomination=n, reason=d["reason"]),
            "withdraw": lambda: services.withdraw_nomination(actor=request.user, nomination=n, reason=d["reason"]),
            "publicise": lambda: services.publicise_nomination(actor=request.user, nomination=n, start=d["start"],
                                                               end=d["end"]),
            "confer": lambda: services.confer_honour(actor=request.user, nomination=n,
                                                     decision_number=d["decision_number"],
                                                     conferred_on=d["conferred_on"]),
            "revoke": lambda: services.revoke_honour(actor=request.user, nomination=n, reason=d["reason"],
                                                     document=d["document"], revoked_on=d["revoked_on"]),
            "objection": lambda: services.record_objection(actor=request.user, nomination=n,
                                                           received_on=d["received_on"], summary=d["summary"]),
        }[action]
        try:
            call()
        except ServiceError as exc:
            _errors_to_form(form, exc)
        except PermissionError as exc:
            raise Http404 from exc
        else:
            messages.success(request, _t("已完成:%(step)s") % {"step": _action_label(action)})
            return redirect(n.get_absolute_url())
    return _detail(request, n, bound=(action, form), status=400)


@login_required
@require_POST
def objection_resolve(request, pk):
    objection = Objection.objects.restrict(request.user, "change").select_related("nomination").filter(pk=pk).first()
    if objection is None:
        raise Http404
    n = _nomination(request.user, objection.nomination_id)
    form = forms.ResolveForm(request.POST, prefix=f"o{objection.pk}")
    if form.is_valid():
        d = form.cleaned_data
        try:
            services.resolve_objection(actor=request.user, objection=objection, upheld=d["upheld"],
                                       resolution=d["resolution"], resolved_on=d["resolved_on"])
        except ServiceError as exc:
            messages.error(request, str(exc))
            return _detail(request, n, status=400)
        except PermissionError as exc:
            raise Http404 from exc
        messages.success(request, _t("已处理异议"))
        return redirect(n.get_absolute_url())
    messages.error(request, _t("请填写处理结论和日期"))
    return _detail(request, n, status=400)


# --- Public 公示 ----------------------------------------------------------------------------------------------

def publicity(request):
    """Public, no login: who is being publicised now, for which honour, until when, and where to object."""
    today = timezone.localdate()
    return render(request, "talent/publicity.html", {"title": _t("劳模工匠评选公示"), "rows": selectors.publicity(today),
                                                     "today": today})


urls = [
    path("honours/", honour_list, name="honour_list"),
    path("honours/<slug:code>/", honour_detail, name="honour_detail"),
    path("nominations/", NominationList.as_view(), name="nomination_list"),
    path("nominations/export.xlsx", NominationExport.as_view(), name="nomination_export"),
    path("nominations/new/", nomination_create, name="nomination_create"),
    path("nominations/<int:pk>/", nomination_detail, name="nomination_detail"),
    path("nominations/<int:pk>/<slug:action>/", nomination_transition, name="nomination_transition"),
    path("objections/<int:pk>/resolve/", objection_resolve, name="objection_resolve"),
    path("publicity/", publicity, name="publicity"),
]
