"""The negative list (负面清单) of employers, kept by federation officers (SPEC §2.2): the list with filters and an
Excel export, a form to record a fact and a button to record the date it was remedied. Nomination review reads
these facts. Thin: reads start from ``restrict(user, action)``, each write calls one service; a role that may not
see the list (enterprise unions, workers …) gets a 404, like an out-of-scope row."""

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import Http404
from django.shortcuts import redirect, render
from django.urls import path
from django.utils.translation import gettext as _t
from django.utils.translation import gettext_lazy as _
from django.views.decorators.http import require_POST

from workerhub.core import scope
from workerhub.core.generic import Column, ObjectExportView, ObjectListView
from workerhub.core.services import ServiceError

from ..forms_compliance import ComplianceFilter, ComplianceForm, EndFlagForm
from ..models import ComplianceFlag
from ..services import compliance as services


def _errors_into(form, exc: ServiceError) -> None:
    for name, message in exc.fields.items():
        form.add_error(name if name in form.fields else None, message)
    if not exc.fields:
        form.add_error(None, str(exc))


class ComplianceList(ObjectListView):
    model = ComplianceFlag
    template_name = "talent/compliance_list.html"
    select_related = ("organisation__region",)
    filter_form = ComplianceFilter
    default_sort = ("organisation__region_id", "organisation__name", "-since", "pk")
    search_fields = ("organisation__name",)
    title = _("负面清单")
    create_url = "talent:compliance_create"
    export_url = "talent:compliance_export"
    columns = [
        Column(_("单位"), "organisation.name", sort="organisation__name"),
        Column(_("行政区划"), "organisation.region.name", sort="organisation__region_id"),
        Column(_("情形"), "get_flag_display", sort="flag"),
        Column(_("发生日期"), "since", sort="since"),
        Column(_("消除日期"), lambda f: f.until or _t("未消除"), sort="until"),
        Column(_("说明"), "note"),
    ]

    def dispatch(self, request, *args, **kwargs):
        if request.user.is_authenticated and not scope.may(request.user, "view", ComplianceFlag):
            raise Http404
        return super().dispatch(request, *args, **kwargs)

    def get_template_names(self):
        return [f"{self.template_name}#results"] if self.fragment() else [self.template_name]

    def get_context_data(self, **kwargs):
        ctx = super().get_context_data(**kwargs)
        ctx["can_end"] = self.may("change")
        ctx["today"] = services._today().isoformat()
        return ctx


class ComplianceExport(ObjectExportView, ComplianceList):
    filename = "negative-list"


@login_required
def compliance_create(request):
    """Record a negative-list fact for an enterprise of the officer's scope."""
    if not scope.may(request.user, "add", ComplianceFlag):
        raise Http404
    form = ComplianceForm(request.POST or None, user=request.user)
    if request.method == "POST" and form.is_valid():
        try:
            row = services.record_flag(actor=request.user, **form.cleaned_data)
        except ServiceError as exc:
            _errors_into(form, exc)
        except PermissionError:
            form.add_error("organisation", _t("所选单位不在您的管辖范围内"))
        else:
            messages.success(request, _t("已登记负面清单情形:%(row)s") % {"row": row})
            return redirect("talent:compliance_list")
    return render(request, "core/object_form.html", {"form": form, "title": _t("登记负面清单情形")},
                  status=400 if request.method == "POST" else 200)


@login_required
@require_POST
def compliance_end(request, pk):
    """Record the date the fact was remedied (消除); refusals are shown above the list."""
    row = ComplianceFlag.objects.restrict(request.user, "change").select_related("organisation").filter(pk=pk).first()
    if row is None:
        raise Http404
    form = EndFlagForm(request.POST)
    if not form.is_valid():
        messages.error(request, _t("请填写有效的消除日期"))
        return redirect("talent:compliance_list")
    try:
        services.end_flag(actor=request.user, flag=row, until=form.cleaned_data["until"])
    except ServiceError as exc:
        messages.error(request, str(exc))
    except PermissionError as exc:
        raise Http404 from exc
    else:
        messages.success(request, _t("已登记消除:%(row)s") % {"row": row})
    return redirect("talent:compliance_list")


urls = [
    path("compliance/", ComplianceList.as_view(), name="compliance_list"),
    path("compliance/export.xlsx", ComplianceExport.as_view(), name="compliance_export"),
    path("compliance/new/", compliance_create, name="compliance_create"),
    path("compliance/<int:pk>/end/", compliance_end, name="compliance_end"),
]
