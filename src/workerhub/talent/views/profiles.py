"""Profile pages (精准画像, SPEC §2.5) and the cultivation ladder (SPEC §2.6). Thin: each parses input, calls one
service or read of talent/services/profiles.py, renders."""

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.http import FileResponse, Http404, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import path, reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from workerhub.core import audit
from workerhub.core.excel import write_xlsx
from workerhub.core.generic import region_choices
from workerhub.core.models import AuditEntry, Job
from workerhub.core.pdf import PdfError
from workerhub.core.services import ServiceError

from .. import rules_profile as R
from ..profile_documents import profile_pdf
from ..services import profiles

TIER_LABELS = [("national", "国家级"), ("provincial", "省级"), ("city", "市级"), ("county", "县级"),
               ("enterprise", "企业级")]


def _view_or_404(request, pk):
    view = profiles.profile_for(request.user, pk)
    if view is None:
        raise Http404
    return view


@login_required
def profile(request, pk):
    view = _view_or_404(request, pk)
    radar = {"indicators": [{"name": R.DIMENSION_LABELS[d], "max": 100} for d in R.DIMENSIONS],
             "values": [row["score"] for row in view.dimensions], "name": view.person.name}
    return render(request, "talent/profile.html", {
        "title": _("精准画像") + " · " + view.person.name, "view": view, "radar": radar,
        "percentile_text": R.PERCENTILE_TEXT, "tag_rules": R.TAG_RULES,
        "may_recompute": profiles.may_recompute(request.user)})


@login_required
def profile_pdf_download(request, pk):
    view = _view_or_404(request, pk)
    if view.profile is None:
        messages.error(request, _("尚未计算精准画像,暂不能生成 PDF"))
        return redirect("talent:profile", pk=pk)
    try:
        pdf = profile_pdf(view)
    except PdfError as exc:
        messages.error(request, str(exc))
        return redirect("talent:profile", pk=pk)
    response = HttpResponse(pdf, content_type="application/pdf")
    response["Content-Disposition"] = f'attachment; filename="profile-{view.person.pk}.pdf"'
    return response


def _ladder_user(request):
    if not profiles.may_recompute(request.user):
        raise PermissionDenied
    return request.user


def _region_arg(request, user) -> str | None:
    region = request.GET.get("region", "").strip()
    allowed = {code for code, _label in region_choices(user)}
    return region if region in allowed else None


@login_required
def ladder(request):
    user = _ladder_user(request)
    region = _region_arg(request, user)
    rung = request.GET.get("rung", "competition")
    if rung not in R.RUNG_INDEX:
        rung = "competition"
    counts = profiles.ladder_counts(user, region=region)
    candidates = list(profiles.ladder_candidates(user, rung, region=region)[:200])
    details = profiles.candidate_details(candidates)
    chart = {"areas": [row["name"] for row in counts["rows"]],
             "series": [{"name": r.label, "data": [row["counts"][i] for row in counts["rows"]]}
                        for i, r in enumerate(R.RUNGS)]}
    current = next(r for r in R.RUNGS if r.code == rung)
    job = (Job.objects.restrict(user).filter(kind=profiles.JOB_KIND).order_by("-created_at").first())
    return render(request, "talent/ladder.html", {
        "title": _("培养阶梯"), "counts": counts, "chart": chart, "rungs": R.RUNGS, "rung": current,
        "candidates": [(p, details[p.pk]) for p in candidates], "regions": region_choices(user),
        "region": region or "", "job": job, "tiers": dict(TIER_LABELS)})


@login_required
def ladder_export(request):
    user = _ladder_user(request)
    region = _region_arg(request, user)
    rung = request.GET.get("rung", "")
    if rung not in R.RUNG_INDEX:
        raise Http404
    current = next(r for r in R.RUNGS if r.code == rung)
    people = list(profiles.ladder_candidates(user, rung, region=region))
    details = profiles.candidate_details(people)
    tiers = dict(TIER_LABELS)
    rows = ([p.name, p.region.name, p.employer.name if p.employer else "", p.occupation, current.label,
             current.next_hint, tiers.get(details[p.pk]["tier"], ""), "、".join(details[p.pk]["honours"])]
            for p in people)
    out = write_xlsx([_("姓名"), _("地区"), _("工作单位"), _("职业(工种)"), _("所在阶梯"), _("下一阶梯"),
                      _("最高竞赛获奖级别"), _("有效荣誉")], rows, sheet=_("培养阶梯候选人"))
    audit.record(AuditEntry.Action.EXPORT, actor=user, object_type="talent.profile",
                 object_repr=f"培养阶梯候选人 {current.label} {region or ''}"[:200],
                 changes={"rung": rung, "region": region or "", "rows": len(people)})
    stamp = timezone.localtime().strftime("%Y%m%d-%H%M")
    return FileResponse(out, as_attachment=True, filename=f"ladder-{rung}-{stamp}.xlsx")


@login_required
@require_POST
def recompute(request):
    try:
        job = profiles.start_recompute(actor=request.user, region=request.POST.get("region") or None)
    except ServiceError as exc:
        if not profiles.may_recompute(request.user):
            raise PermissionDenied from exc
        messages.error(request, str(exc))
        return redirect("talent:ladder")
    return redirect("talent:profile_job", pk=job.pk)


@login_required
def profile_job(request, pk):
    job = get_object_or_404(Job.objects.restrict(request.user).filter(kind=profiles.JOB_KIND), pk=pk)
    template = "talent/profile_job.html#progress" if request.headers.get("HX-Request") else "talent/profile_job.html"
    return render(request, template, {"job": job, "title": _("重算精准画像"),
                                      "poll": reverse("talent:profile_job", args=[job.pk])})


urls = [
    path("people/<int:pk>/profile/", profile, name="profile"),
    path("people/<int:pk>/profile.pdf", profile_pdf_download, name="profile_pdf"),
    path("ladder/", ladder, name="ladder"),
    path("ladder/export.xlsx", ladder_export, name="ladder_export"),
    path("profiles/recompute/", recompute, name="profiles_recompute"),
    path("profiles/jobs/<int:pk>/", profile_job, name="profile_job"),
]
