"""Background work of skills, run by ``workerhub db_worker``: the PDFs of every certificate of an exam session in
one zip, with progress on a core Job row that the job page polls (SPEC §1.8)."""

import os
import zipfile
from pathlib import Path

from django.conf import settings
from django.tasks import task
from django.urls import reverse
from django.utils import timezone

from workerhub.core.models import Job
from workerhub.core.tasks import job_progress

from . import documents

BUNDLE_KIND = "skills.certificate_pdfs"


def bundle_path(job_id: int) -> Path:
    return Path(settings.MEDIA_ROOT) / "bundles" / f"{job_id}.zip"


@task
def render_session_pdfs(job_id: int) -> dict:
    """Write ``bundles/<job>.zip`` with one ``<number>.pdf`` per certificate of ``params["session"]``.

    The zip is written under a temporary name and renamed when complete, so a failure (a missing glyph, a full
    disk) leaves no half zip: the job is marked failed with the reason, and can be started again. PDFs are
    already compressed, so they are stored, not deflated again."""
    job = Job.objects.get(pk=job_id)
    Job.objects.filter(pk=job.pk).update(status=Job.Status.RUNNING)
    final = bundle_path(job.pk)
    final.parent.mkdir(parents=True, exist_ok=True)
    partial = final.with_name(f".{final.name}.part")
    count = 0
    try:
        with zipfile.ZipFile(partial, "w", zipfile.ZIP_STORED) as bundle:
            for name, pdf in documents.session_pdfs(job.params["session"], progress=job_progress(job)):
                bundle.writestr(name, pdf)
                count += 1
        os.replace(partial, final)
    except Exception as exc:
        partial.unlink(missing_ok=True)
        Job.objects.filter(pk=job.pk).update(status=Job.Status.FAILED, message=str(exc)[:2000],
                                             finished_at=timezone.now())
        raise
    result = {"certificates": count, "bytes": final.stat().st_size,
              "download": reverse("skills:bundle_download", args=[job.pk]),
              "summary": f"共 {count} 份证书 PDF"}
    Job.objects.filter(pk=job.pk).update(status=Job.Status.DONE, result=result, done=count, total=count,
                                         finished_at=timezone.now())
    return result
