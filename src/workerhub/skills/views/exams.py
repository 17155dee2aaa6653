"""Exam-session pages (SPEC §3.3): the list and its export, creating a session (evaluators), registration (a worker
for themself, an enterprise union for its workers, the evaluator for anyone found by ID number and name), score
entry and import, publishing, amendments. Thin: each parses input, calls one service or selector, renders.

Out-of-scope sessions and registrations are 404s, exactly like missing ones; so is a page the role has no use for.
"""

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.db.models import Count
from django.http import FileResponse, Http404
from django.shortcuts import redirect, render
from django.utils import timezone
from django.utils.translation import gettext as _t
from django.utils.translation import gettext_lazy as _
from django.views.decorators.http import require_POST

from workerhub.core import audit, scope
from workerhub.core.excel import write_xlsx
from workerhub.core.generic import Column, ObjectExportView, ObjectListView
from workerhub.core.models import AuditEntry, Person
from workerhub.core.pii import lookup_hash
from workerhub.core.selectors import history
from workerhub.core.services import ServiceError

from .. import imports, rules, selectors, services
from ..forms.exams import (
    AmendForm,
    DeclaredForm,
    LookupRegisterForm,
    ScoreImportForm,
    ScoresForm,
    SessionFilter,
    SessionForm,
    UnionRegisterForm,
)
from ..models import Evaluator, ExamSession, Registration, ScoreAmendment

VIA_LABELS = {"self": _("本人报名"), "enterprise_union": _("企业工会代报"), "evaluator": _("评价机构登记"),
              "import": _("批量导入")}


def _session(user, pk, action="view") -> ExamSession:
    session = (ExamSession.objects.restrict(user, action)
               .select_related("occupation", "evaluator__organisation", "partner", "alliance", "region")
               .filter(pk=pk).first())
    if session is None:
        raise Http404
    return session


def _may(user, session, action) -> bool:
    return ExamSession.objects.restrict(user, action).filter(pk=session.pk).exists()


def _evaluator(user) -> Evaluator | None:
    """The evaluation organisation an evaluator login acts for."""
    for binding in user.bindings():
        if binding.role == "evaluator":
            return Evaluator.objects.select_related("organisation").filter(organisation=binding.organisation).first()
    return None


def explanation(exc: ServiceError) -> tuple[str, list[str]]:
    """A refusal as a headline and its reasons: the services write "结论。途径一：…；途径二：…"."""
    head, _sep, rest = str(exc).partition("。")
    return head, [part for part in rest.split("；") if part]


# --- The list ---------------------------------------------------------------------------------------------

SESSION_COLUMNS = [
    Column(_("考试日期"), "exam_date", sort="exam_date", link=True),
    Column(_("职业"), "occupation.name", sort="occupation__name"),
    Column(_("工种"), "work_type"),
    Column(_("等级"), "level_label", sort="level"),
    Column(_("考点"), "site"),
    Column(_("评价机构"), "evaluator.organisation.name"),
    Column(_("合作企业"), "partner.name"),
    Column(_("名额"), "capacity"),
    Column(_("已报名"), "registered"),
    Column(_("状态"), "get_status_display", sort="status"),
]


class SessionScope:
    model = ExamSession
    select_related = ("occupation", "evaluator__organisation", "partner")
    search_fields = ("site", "occupation__name", "work_type")

    def get_queryset(self):
        return super().get_queryset().annotate(registered=Count("registrations"))


class SessionList(SessionScope, ObjectListView):
    columns = SESSION_COLUMNS
    filter_form = SessionFilter
    default_sort = ("-exam_date", "pk")
    title = _("考试批次")
    create_url = "skills:session_create"
    export_url = "skills:session_export"


class SessionExport(SessionScope, ObjectExportView):
    columns = SESSION_COLUMNS
    filename = "exam-sessions"


# --- Creating a session -----------------------------------------------------------------------------------

@login_required
def session_create(request):
    evaluator = _evaluator(request.user)
    if evaluator is None or not scope.may(request.user, "add", ExamSession):
        raise Http404
    form = SessionForm(request.POST or None, user=request.user, evaluator=evaluator)
    if request.method == "POST" and form.is_valid():
        data = dict(form.cleaned_data)
        try:
            session = services.create_exam_session(actor=request.user, evaluator=evaluator,
                                                    region_id=data.pop("region"), **data)
        except ServiceError as exc:
            _errors_into(form, exc)
        except PermissionError as exc:
            raise Http404 from exc
        else:
            messages.success(request, _t("考试批次已创建,开始接受报名"))
            return redirect(session.get_absolute_url())
    return render(request, "core/object_form.html", {"form": form, "title": _t("新建考试批次"),
                                                        "evaluator": evaluator},
                  status=400 if request.method == "POST" else 200)


def _errors_into(form, exc: ServiceError):
    for name, message in exc.fields.items():
        form.add_error(name if name in form.fields else None, message)
    if not exc.fields:
        form.add_error(None, str(exc))


# --- The session page -------------------------------------------------------------------------------------

@login_required
def session_detail(request, pk):
    user = request.user
    session = _session(user, pk)
    can_change = _may(user, session, "change")
    published = session.status == ExamSession.Status.PUBLISHED
    registrations = list(selectors.session_registrations(session, user))
    own_or_union = bool(user.person_id) or "enterprise_union" in user.roles()
    rows = [{"reg": r, "via": VIA_LABELS.get(r.via, r.via),
             "certificates": sorted(r.certificates.all(), key=lambda c: c.kind != "skill_level"),
             "may_withdraw": not published and (can_change or own_or_union)} for r in registrations]
    counts = selectors.registration_counts(session)
    return render(request, "skills/session_detail.html", {
        "title": str(session), "session": session, "rows": rows, "counts": counts,
        "review": session.level in rules.REVIEW_LEVELS, "published": published, "can_change": can_change,
        "can_export": _may(user, session, "export"),
        "can_register": session.status == ExamSession.Status.OPEN and _register_mode(user, session) is not None,
        "pass_mark": rules.PASS_MARK,
        "history": history(session) if can_change or scope.may(user, "export", ExamSession) else None})


# --- Registration -----------------------------------------------------------------------------------------

def _register_mode(user, session) -> str | None:
    """Who registers whom on this page: the session's evaluator anyone (found by ID number and name), an enterprise
    union its own workers, a worker themself."""
    if _may(user, session, "change"):
        return "evaluator"
    if "enterprise_union" in user.roles():
        return "enterprise_union"
    if user.person_id:
        return "self"
    return None


def _find_person(id_number: str, name: str) -> Person | None:
    """Both must match: a wrong name answers exactly like an unknown ID number, so the page reveals nothing."""
    return Person.objects.filter(id_number_hash=lookup_hash(id_number), name=name.strip()).first()


@login_required
def register(request, pk):
    user = request.user
    session = _session(user, pk)
    mode = _register_mode(user, session)
    if mode is None:
        raise Http404
    data = request.POST or None
    form = {"evaluator": lambda: LookupRegisterForm(data), "enterprise_union": lambda: UnionRegisterForm(data, user=user),
            "self": lambda: DeclaredForm(data)}[mode]()
    refusal = None
    if request.method == "POST" and form.is_valid():
        if mode == "evaluator":
            person = _find_person(form.cleaned_data["id_number"], form.cleaned_data["name"])
        elif mode == "enterprise_union":
            person = form.cleaned_data["person"]
        else:
            person = Person.objects.get(pk=user.person_id)
        if person is None:
            form.add_error(None, _t("未找到身份证号码与姓名相符的人员,请核对后重试"))
        else:
            try:
                services.register_candidate(actor=user, session=session, person=person,
                                            declared=form.declared(), via=mode)
            except ServiceError as exc:
                refusal = explanation(exc)
                for name, message in exc.fields.items():
                    if name in form.fields:
                        form.add_error(name, message)
            except PermissionError as exc:
                raise Http404 from exc
            else:
                messages.success(request, _t("%(name)s 已报名 %(session)s") % {"name": person.name,
                                                                              "session": session})
                if mode == "self":
                    return redirect("skills:my_certificates")
                return redirect(session.get_absolute_url())
    return render(request, "skills/register.html", {
        "title": _t("考试报名"), "session": session, "form": form, "mode": mode, "refusal": refusal,
        "me": Person.objects.filter(pk=user.person_id).first() if mode == "self" else None},
        status=400 if request.method == "POST" else 200)


@login_required
@require_POST
def withdraw(request, pk):
    registration = (Registration.objects.restrict(request.user, "view").select_related("session", "person")
                    .filter(pk=pk).first())
    if registration is None:
        raise Http404
    session = registration.session
    try:
        services.withdraw_registration(actor=request.user, registration=registration)
    except PermissionError as exc:
        raise Http404 from exc
    except ServiceError as exc:
        messages.error(request, str(exc))
    else:
        messages.success(request, _t("已撤销 %(name)s 的报名") % {"name": registration.person.name})
    if registration.person_id == request.user.person_id and not _may(request.user, session, "change"):
        return redirect("skills:my_certificates")
    return redirect(session.get_absolute_url())


# --- Scores -----------------------------------------------------------------------------------------------

@login_required
def scores(request, pk):
    session = _session(request.user, pk, "change")
    registrations = list(selectors.session_registrations(session, request.user))
    published = session.status == ExamSession.Status.PUBLISHED
    form = ScoresForm(None if published else request.POST or None, session=session, registrations=registrations)
    errors = []
    if request.method == "POST" and not published and form.is_valid():
        try:
            result = services.record_scores(actor=request.user, session=session, rows=form.score_rows())
        except ServiceError as exc:
            errors = [str(exc)]
        else:
            if not result.errors:
                messages.success(request, _t("已保存 %(n)s 名考生的成绩") % {"n": result.written})
                return redirect(session.get_absolute_url())
            errors = result.errors
    return render(request, "skills/scores.html", {
        "title": _t("录入成绩"), "session": session, "form": form, "errors": errors, "published": published,
        "review": form.review}, status=400 if errors else 200)


@login_required
def scores_template(request, pk):
    session = _session(request.user, pk, "change")
    out = imports.score_template(session, selectors.session_registrations(session, request.user))
    return FileResponse(out, as_attachment=True, filename=f"scores-{session.pk}.xlsx")


@login_required
def scores_import(request, pk):
    session = _session(request.user, pk, "change")
    form = ScoreImportForm(request.POST or None, request.FILES or None)
    errors = []
    if request.method == "POST" and form.is_valid():
        # Inline, not a background job: a sheet holds one session's candidates (module docstring of imports.py).
        try:
            result = imports.import_scores(form.cleaned_data["file"], actor=request.user, session=session)
        except ServiceError as exc:
            errors = [str(exc)]
        else:
            if result.written:
                messages.success(request, _t("已导入 %(n)s 名考生的成绩") % {"n": result.updated})
                return redirect(session.get_absolute_url())
            errors = [imports.error_text(e) for e in result.errors]
    return render(request, "skills/scores_import.html", {
        "title": _t("导入成绩"), "session": session, "form": form, "errors": errors,
        "columns": imports.headers_for(session), "published": session.status == ExamSession.Status.PUBLISHED},
        status=400 if request.method == "POST" else 200)


AMENDED_FIELDS = {"theory": _("理论知识"), "practical": _("操作技能"), "review_passed": _("综合评审"),
                  "absent": _("缺考")}
RESULT_HEADERS = [_("报名号"), _("姓名"), _("身份证号码"), _("报名方式"), _("理论知识"), _("操作技能"), _("综合评审"),
                  _("缺考"), _("结果"), _("职业技能等级证书编号"), _("企业认可证书编号")]


@login_required
def results_export(request, pk):
    session = _session(request.user, pk, "export")
    regs = (Registration.objects.restrict(request.user, "export").filter(session=session)
            .select_related("person").prefetch_related("certificates").order_by("pk"))

    def rows():
        for r in regs:
            numbers = {c.kind: c.number for c in r.certificates.all()}
            yield [r.pk, r.person.name, r.person.id_number_masked, str(VIA_LABELS.get(r.via, r.via)),
                   imports.score_cell(r.theory), imports.score_cell(r.practical),
                   {True: "通过", False: "不通过"}.get(r.review_passed, ""), "是" if r.absent else "否",
                   r.get_result_display(), numbers.get("skill_level", ""), numbers.get("enterprise", "")]

    out = write_xlsx([str(h) for h in RESULT_HEADERS], rows(), sheet="考试结果")
    audit.record(AuditEntry.Action.EXPORT, actor=request.user, obj=session, object_repr=f"{session} 考试结果"[:200],
                 region_id=session.region_id)
    stamp = timezone.localtime().strftime("%Y%m%d-%H%M")
    return FileResponse(out, as_attachment=True, filename=f"results-{session.pk}-{stamp}.xlsx")


# --- Transitions and amendments ---------------------------------------------------------------------------

@login_required
@require_POST
def session_transition(request, pk, action):
    session = _session(request.user, pk, "change")
    try:
        if action == "close":
            services.close_registration(actor=request.user, session=session)
            messages.success(request, _t("报名已截止"))
        elif action == "reopen":
            services.reopen_registration(actor=request.user, session=session)
            messages.success(request, _t("已重新开放报名"))
        elif action == "publish":
            if request.POST.get("confirm") != "1":
                raise ServiceError(_t("请勾选“已核对全部成绩”后再发布:发布后成绩冻结,只能通过成绩更正修改"))
            out = services.publish_results(actor=request.user, session=session)
            if out.already_published:
                messages.info(request, _t("成绩此前已发布,没有重复发证"))
            else:
                messages.success(request, _t("成绩已发布:合格 %(passed)s 人,不合格 %(failed)s 人,缺考 %(absent)s 人;"
                                             "颁发证书 %(issued)s 本") % out.__dict__)
        else:
            raise Http404
    except ServiceError as exc:
        messages.error(request, str(exc))
    except PermissionError as exc:
        raise Http404 from exc
    return redirect(session.get_absolute_url())


@login_required
def amend(request, pk):
    registration = (Registration.objects.restrict(request.user, "view")
                    .select_related("person", "session__occupation").filter(pk=pk).first())
    if registration is None or not _may(request.user, registration.session, "change"):
        raise Http404
    session = registration.session
    if session.status != ExamSession.Status.PUBLISHED:
        messages.info(request, _t("成绩尚未发布,请直接修改成绩"))
        return redirect("skills:scores", pk=session.pk)
    form = AmendForm(request.POST or None, session=session)
    if request.method == "POST" and form.is_valid():
        try:
            services.amend_score(actor=request.user, registration=registration, **form.changes())
        except ServiceError as exc:
            _errors_into(form, exc)
        except PermissionError as exc:
            raise Http404 from exc
        else:
            registration.refresh_from_db()
            messages.success(request, _t("成绩已更正,结果:%(result)s") % {"result": registration.get_result_display()})
            return redirect(session.get_absolute_url())
    amendments = list(ScoreAmendment.objects.restrict(request.user, "view").filter(registration=registration)
                      .select_related("actor").order_by("-at"))
    for a in amendments:
        a.label = AMENDED_FIELDS.get(a.field, a.field)
    return render(request, "skills/amend.html", {
        "title": _t("成绩更正"), "session": session, "registration": registration, "form": form,
        "amendments": amendments, "review": session.level in rules.REVIEW_LEVELS},
        status=400 if request.method == "POST" else 200)
