"""Certificate PDFs (SPEC §3.4): one certificate inline for its holder or anyone whose scope shows it, and the PDFs of
a whole exam session as a zip made by a background job with progress (SPEC §1.8). Out of scope = 404."""

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.db.models import Prefetch
from django.http import FileResponse, Http404, HttpResponse
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _t
from django.utils.translation import gettext_lazy as _

from workerhub.core import audit
from workerhub.core.models import AuditEntry, Job, Organisation
from workerhub.core.pdf import PdfError

from ..documents import certificate_pdf as render_certificate
from ..documents import filename
from ..models import Certificate, ExamSession
from ..tasks import BUNDLE_KIND, bundle_path, render_session_pdfs


def _certificate(user, pk) -> Certificate:
    """The holder's own certificate, or one inside the user's view scope."""
    certs = Certificate.objects.prefetch_related(Prefetch("recognised_by", Organisation.objects.only("name")))
    cert = certs.filter(pk=pk, person_id=user.person_id).first() if user.person_id else None
    cert = cert or certs.restrict(user, "view").filter(pk=pk).first()
    if cert is None:
        raise Http404
    return cert


@login_required
def certificate_pdf(request, pk):
    cert = _certificate(request.user, pk)
    try:
        pdf = render_certificate(cert)
    except PdfError as exc:
        messages.error(request, str(exc))
        return redirect(cert.get_absolute_url())
    response = HttpResponse(pdf, content_type="application/pdf")
    response["Content-Disposition"] = f'inline; filename="{filename(cert)}"'
    return response


@login_required
def session_pdfs(request, pk):
    """GET: how many certificates the session issued and the user's earlier bundles; POST: start a new bundle."""
    session = (ExamSession.objects.restrict(request.user, "export").select_related("occupation")
               .filter(pk=pk).first())
    if session is None:
        raise Http404
    count = Certificate.objects.filter(registration__session=session).count()
    if request.method == "POST":
        if not count:
            messages.error(request, _t("本批次尚未发证，没有可下载的证书"))
            return redirect("skills:session_pdfs", pk=session.pk)
        job = Job.objects.create(kind=BUNDLE_KIND, created_by=request.user, region_id=session.region_id,
                                 params={"session": session.pk, "filename": _t("%(session)s 证书PDF") % {
                                     "session": session}})
        audit.record(AuditEntry.Action.EXPORT, actor=request.user, obj=session, region_id=session.region_id,
                     object_repr=f"{session} 证书PDF {count} 份"[:200], changes={"job": job.pk})
        render_session_pdfs.enqueue(job.pk)
        return redirect("job_detail", pk=job.pk)
    bundles = (Job.objects.restrict(request.user, "view").filter(kind=BUNDLE_KIND, params__session=session.pk)
               .order_by("-created_at")[:20])
    return render(request, "skills/session_pdfs.html", {
        "title": _("批量下载证书PDF"), "session": session, "count": count, "bundles": bundles})


@login_required
def bundle_download(request, job):
    """The zip of a finished bundle job: only its creator gets it (core: a user sees only their own jobs)."""
    job = (Job.objects.restrict(request.user, "view")
           .filter(pk=job, kind=BUNDLE_KIND, status=Job.Status.DONE).first())
    path = bundle_path(job.pk) if job else None
    if path is None or not path.exists():
        raise Http404
    return FileResponse(path.open("rb"), as_attachment=True, content_type="application/zip",
                        filename=f"certificates-session-{job.params.get('session')}-{job.pk}.zip")
