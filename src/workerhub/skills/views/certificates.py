"""Certificate pages (SPEC §3.4–§3.5): the register of issued certificates and its export, a certificate with its
twin, recognisers, history and the revocation form, and "我的证书" for workers. ID numbers are shown only in the
masked form the certificate itself carries."""

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import Http404
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _t
from django.utils.translation import gettext_lazy as _
from django.views.decorators.http import require_POST

from workerhub.core.generic import Column, ObjectExportView, ObjectListView
from workerhub.core.selectors import history
from workerhub.core.services import ServiceError

from .. import selectors, services
from ..certnumbers import normalise_number
from ..forms.exams import CertificateFilter, RevokeForm
from ..models import Certificate, ExamSession, Registration

CERTIFICATE_COLUMNS = [
    Column(_("证书编号"), "number", sort="number", link=True),
    Column(_("证书类型"), "get_kind_display", sort="kind"),
    Column(_("姓名"), "holder_name", sort="holder_name"),
    Column(_("证件号码"), "holder_id_masked"),
    Column(_("职业"), "occupation_name", sort="occupation_name"),
    Column(_("工种"), "work_type"),
    Column(_("等级"), "level_label", sort="level"),
    Column(_("发证单位"), "issuer_name"),
    Column(_("发证日期"), "issued_on", sort="issued_on"),
    Column(_("状态"), "get_status_display", sort="status"),
    Column(_("撤销日期"), "revoked_on"),
]


class CertificateScope:
    model = Certificate

    def search(self, qs, term):
        """A certificate number (exact, as printed) or part of the holder's name."""
        return qs.filter(number=normalise_number(term)) | qs.filter(holder_name__icontains=term)


class CertificateList(CertificateScope, ObjectListView):
    columns = CERTIFICATE_COLUMNS
    filter_form = CertificateFilter
    default_sort = ("-issued_on", "number")
    title = _("证书")
    export_url = "skills:certificate_export"


class CertificateExport(CertificateScope, ObjectExportView):
    columns = CERTIFICATE_COLUMNS
    filename = "certificates"


def _certificate(user, pk, action="view") -> Certificate:
    cert = (Certificate.objects.restrict(user, action).select_related("registration__session", "issuer")
            .filter(pk=pk).first())
    if cert is None:
        raise Http404
    return cert


def _detail(request, cert: Certificate, revoke_form=None, status=200):
    user = request.user
    can_change = Certificate.objects.restrict(user, "change").filter(pk=cert.pk).exists()
    twin = None
    if cert.registration_id:
        twin = (Certificate.objects.restrict(user, "view").filter(registration_id=cert.registration_id)
                .exclude(pk=cert.pk).first())
    session = cert.registration.session if cert.registration_id else None
    if session is not None and not ExamSession.objects.restrict(user, "view").filter(pk=session.pk).exists():
        session = None
    return render(request, "skills/certificate_detail.html", {
        "title": f"{cert.get_kind_display()} {cert.number}", "cert": cert, "twin": twin, "session": session,
        "recognisers": list(cert.recognised_by.order_by("name")), "can_change": can_change,
        "revoke_form": (revoke_form or RevokeForm()) if can_change and cert.status == "valid" else None,
        "history": history(cert)}, status=status)


@login_required
def certificate_detail(request, pk):
    return _detail(request, _certificate(request.user, pk))


@login_required
@require_POST
def revoke(request, pk):
    cert = _certificate(request.user, pk, "change")
    form = RevokeForm(request.POST)
    if form.is_valid():
        data = form.cleaned_data
        try:
            done = services.revoke_certificate(actor=request.user, certificate=cert, reason=data["reason"],
                                               document=data["document"], on=data["on"],
                                               include_twin=data["include_twin"])
        except ServiceError as exc:
            for name, message in exc.fields.items():
                form.add_error(name if name in form.fields else None, message)
            if not exc.fields:
                form.add_error(None, str(exc))
        except PermissionError as exc:
            raise Http404 from exc
        else:
            messages.success(request, _t("已撤销证书:%(numbers)s") % {"numbers": "、".join(c.number for c in done)})
            return redirect(cert.get_absolute_url())
    return _detail(request, cert, revoke_form=form, status=400)


@login_required
def my_certificates(request):
    """A worker's passes, each with both certificates, and their registrations with results (mobile first)."""
    user = request.user
    if not user.person_id:
        raise Http404
    passes, singles = {}, []
    for cert in selectors.my_certificates(user):
        if cert.registration_id:
            passes.setdefault(cert.registration_id, []).append(cert)
        else:
            singles.append([cert])
    cards = [sorted(certs, key=lambda c: c.kind != Certificate.Kind.SKILL_LEVEL)
             for certs in [*passes.values(), *singles]]
    registrations = (Registration.objects.restrict(user, "view").filter(person_id=user.person_id)
                     .select_related("session__occupation", "session__evaluator__organisation")
                     .order_by("-session__exam_date", "-pk"))
    return render(request, "skills/my_certificates.html", {
        "title": _t("我的证书"), "cards": cards, "registrations": registrations,
        "open_sessions": ExamSession.objects.restrict(user, "view").filter(status=ExamSession.Status.OPEN)
        .exclude(registrations__person_id=user.person_id).select_related("occupation").order_by("exam_date")[:20]})
