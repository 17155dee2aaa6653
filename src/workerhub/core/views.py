"""Pages of the foundations: thin — parse input, call one service or selector, render."""


from django.contrib import messages
from django.contrib.auth import views as auth_views
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.db import connection
from django.http import FileResponse, Http404, JsonResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.utils.translation import gettext_lazy as _
from django.views.decorators.http import require_POST

from . import scope, selectors, services
from .context import person_links
from .excel import write_xlsx
from .forms import (
    AuditFilter,
    ImportForm,
    LoginForm,
    OrganisationFilter,
    OrganisationForm,
    PersonFilter,
    PersonForm,
    RegisterForm,
    TokenForm,
)
from .generic import Column, ObjectDetailView, ObjectEditView, ObjectExportView, ObjectListView
from .imports import PEOPLE_COLUMNS
from .jobs import start_upload_job
from .models import ApiToken, AuditEntry, Job, Organisation, Person
from .pii import can_view_personal_data
from .tasks import run_people_import


def healthz(request):
    try:
        with connection.cursor() as cursor:
            cursor.execute("SELECT 1")
        return JsonResponse({"status": "ok", "database": "ok"})
    except Exception:  # report, never raise: this is what the load balancer polls
        return JsonResponse({"status": "error", "database": "unavailable"}, status=503)


class LoginView(auth_views.LoginView):
    form_class = LoginForm
    template_name = "core/login.html"
    redirect_authenticated_user = True


def register(request):
    form = RegisterForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            services.register_worker(**form.cleaned_data)
        except services.ServiceError as exc:
            for name, message in exc.fields.items():
                form.add_error(name if name in form.fields else None, message)
        else:
            messages.success(request, _("注册成功,请登录。工会确认会籍后,您的会员信息将显示在个人主页。"))
            return redirect("login")
    return render(request, "core/register.html", {"form": form, "title": _("职工注册")},
                  status=400 if request.method == "POST" else 200)


@login_required
def home(request):
    user = request.user
    roles = user.roles()
    ctx = {"title": _("首页"), "counts": selectors.home_counts(user), "bindings": user.bindings()}
    if "federation_admin" in roles or user.is_superuser:
        ctx["chart"] = selectors.people_by_subregion(user)
    if "worker" in roles and user.person_id:
        ctx["me"] = Person.objects.select_related("region", "employer", "union").get(pk=user.person_id)
    return render(request, "core/home.html", ctx)


# --- People -------------------------------------------------------------------------------------

PERSON_COLUMNS = [
    Column(_("姓名"), "name", sort="name", link=True),
    Column(_("身份证号码"), "id_number_masked"),
    Column(_("手机号码"), "phone_masked"),
    Column(_("性别"), "get_sex_display"),
    Column(_("出生日期"), "birth_date", sort="birth_date"),
    Column(_("所在地区"), "region.name", sort="region_id"),
    Column(_("工作单位"), "employer.name"),
    Column(_("职业(工种)"), "occupation", sort="occupation"),
    Column(_("就业类型"), "get_employment_type_display"),
]


class PersonScope:
    model = Person
    select_related = ("region", "employer")

    def search(self, qs, term):
        return selectors.search_people(qs, term)


class PersonList(PersonScope, ObjectListView):
    columns = PERSON_COLUMNS
    filter_form = PersonFilter
    default_sort = ("region_id", "name", "pk")
    title = _("人员")
    create_url = "person_create"
    export_url = "person_export"
    import_url = "person_import"


class PersonExport(PersonScope, ObjectExportView):
    filename = "people"

    @property
    def export_columns(self):
        # Unmasked only for the explicit permission; the export itself is audited either way.
        if can_view_personal_data(self.request.user):
            return [Column(_("身份证号码(完整)"), "id_number"), Column(_("手机号码(完整)"), "phone"),
                    *PERSON_COLUMNS]
        return PERSON_COLUMNS + [Column(_("行政区划代码"), "region_id")]


class PersonDetail(PersonScope, ObjectDetailView):
    template_name = "core/person_detail.html"
    select_related = ("region", "employer", "union")
    edit_url_name = "person_edit"
    fields = [
        Column(_("身份证号码"), "id_number_masked"), Column(_("手机号码"), "phone_masked"),
        Column(_("性别"), "get_sex_display"), Column(_("出生日期"), "birth_date"),
        Column(_("所在地区"), lambda p: f"{p.region.name}({p.region_id})"),
        Column(_("工作单位"), "employer.name"), Column(_("职业(工种)"), "occupation"),
        Column(_("学历"), "get_education_display"), Column(_("就业类型"), "get_employment_type_display"),
        Column(_("所属工会"), "union.name"), Column(_("入会日期"), "union_member_since"),
        Column(_("会籍确认"), lambda p: p.membership_confirmed_at or (_("待确认") if p.union_id else "")),
    ]

    def get_context_data(self, **kwargs):
        ctx = super().get_context_data(**kwargs)
        ctx["can_reveal"] = can_view_personal_data(self.request.user)
        ctx["can_confirm"] = bool(ctx["edit_url"]) and self.object.union_id and not self.object.membership_confirmed_at
        ctx["person_links"] = person_links(self.request.user, self.object.pk)
        return ctx


class PersonEdit(ObjectEditView):
    model = Person
    form_class = PersonForm
    success_url_name = "person_detail"


def _scoped(user, model, action, pk):
    try:
        return model.objects.restrict(user, action).get(pk=pk)
    except model.DoesNotExist as exc:
        raise Http404 from exc


@login_required
@require_POST
def person_reveal(request, pk):
    """HTMX: the unmasked ID number and phone, for the permitted role only; audited."""
    person = _scoped(request.user, Person, "view", pk)
    try:
        values = services.reveal_personal_data(actor=request.user, person=person)
    except PermissionError as exc:
        raise PermissionDenied from exc
    return render(request, "core/person_detail.html#revealed", {"values": values})


@login_required
@require_POST
def person_confirm(request, pk):
    person = _scoped(request.user, Person, "change", pk)
    try:
        services.confirm_membership(actor=request.user, person=person)
        messages.success(request, _("已确认 %s 的会籍") % person.name)
    except services.ServiceError as exc:
        messages.error(request, str(exc))
    return redirect("person_detail", pk=pk)


@login_required
def person_template(request):
    headers = [c[0] for c in PEOPLE_COLUMNS]
    example = ["张三", "11010519491231002X", "13800138000", "330106", "", "数据标注员", "本科", "在职职工",
               "2020-05-01"]
    notes = ["人员导入模板说明(每列一项,第一行为表头,请勿修改表头):"] + [
        f"{h}:{'必填' if req else '选填'}。{hint}" for h, _f, req, hint in PEOPLE_COLUMNS] + [
        "同一身份证号码再次导入时更新原记录,不会重复创建。",
        "默认:文件中有任何错误则全部不导入,并列出每一行的错误。"]
    out = write_xlsx(headers, [example], sheet="人员", notes=notes)
    return FileResponse(out, as_attachment=True, filename="people-template.xlsx")


@login_required
def person_import(request):
    if not scope.may(request.user, "add", Person):
        raise PermissionDenied
    form = ImportForm(request.POST or None, request.FILES or None)
    if request.method == "POST" and form.is_valid():
        job = start_upload_job(user=request.user, kind="import_people", task=run_people_import,
                               upload=form.cleaned_data["file"], keep_good_rows=form.cleaned_data["keep_good_rows"])
        return redirect("job_detail", pk=job.pk)
    return render(request, "core/import.html", {"form": form, "title": _("导入人员"),
                                                "template_url": "person_template"},
                  status=400 if request.method == "POST" else 200)


@login_required
def job_detail(request, pk):
    job = get_object_or_404(Job.objects.restrict(request.user), pk=pk)
    template = "core/job.html#progress" if request.headers.get("HX-Request") else "core/job.html"
    return render(request, template, {"job": job, "title": _("后台任务")})


# --- Organisations ------------------------------------------------------------------------------

ORG_COLUMNS = [
    Column(_("名称"), "name", sort="name", link=True),
    Column(_("类型"), "get_kind_display", sort="kind"),
    Column(_("行政区划"), "region.name", sort="region_id"),
    Column(_("统一社会信用代码"), "credit_code"),
    Column(_("上级组织"), "parent.name"),
]


class OrganisationScope:
    model = Organisation
    select_related = ("region", "parent")
    search_fields = ("name", "credit_code")


class OrganisationList(OrganisationScope, ObjectListView):
    columns = ORG_COLUMNS
    filter_form = OrganisationFilter
    default_sort = ("region_id", "name")
    create_url = "organisation_create"
    export_url = "organisation_export"


class OrganisationExport(OrganisationScope, ObjectExportView):
    columns = ORG_COLUMNS + [Column(_("行政区划代码"), "region_id")]
    filename = "organisations"


class OrganisationDetail(OrganisationScope, ObjectDetailView):
    template_name = "core/organisation_detail.html"
    edit_url_name = "organisation_edit"
    fields = ORG_COLUMNS[1:] + [Column(_("行政区划代码"), "region_id")]

    def get_context_data(self, **kwargs):
        ctx = super().get_context_data(**kwargs)
        ctx.update(selectors.organisation_related(self.request.user, self.object))
        return ctx


class OrganisationEdit(ObjectEditView):
    model = Organisation
    form_class = OrganisationForm
    success_url_name = "organisation_detail"


# --- Audit log ----------------------------------------------------------------------------------

AUDIT_COLUMNS = [
    Column(_("时间"), "at", sort="at"),
    Column(_("操作人"), "actor_name", sort="actor_name"),
    Column(_("操作"), "get_action_display", sort="action"),
    Column(_("对象类型"), "object_type"),
    Column(_("对象"), "object_repr"),
    Column(_("变更内容"), "changes"),
    Column(_("IP 地址"), "ip"),
]


class AuditScope:
    model = AuditEntry
    search_fields = ("object_repr", "actor_name")


class AuditList(AuditScope, ObjectListView):
    columns = AUDIT_COLUMNS
    filter_form = AuditFilter
    default_sort = ("-at", "-id")
    title = _("审计日志")
    export_url = "audit_export"


class AuditExport(AuditScope, ObjectExportView):
    columns = AUDIT_COLUMNS
    filename = "audit"


# --- Personal API tokens ------------------------------------------------------------------------

@login_required
def tokens(request):
    form = TokenForm(request.POST or None)
    new_token = None
    if request.method == "POST" and form.is_valid():
        _row, new_token = ApiToken.issue(request.user, form.cleaned_data["name"])
    return render(request, "core/tokens.html", {
        "form": form, "new_token": new_token, "title": _("API 令牌"),
        "tokens": ApiToken.objects.filter(user=request.user).order_by("-created_at")})


@login_required
@require_POST
def token_delete(request, pk):
    ApiToken.objects.filter(user=request.user, pk=pk).delete()
    return redirect("tokens")
