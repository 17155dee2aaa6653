"""Starting long work from a page (SPEC §1.8): keep the upload, create the Job that shows progress, enqueue."""

import uuid

from django.conf import settings

from .models import Job


def start_upload_job(*, user, kind: str, task, upload, **params) -> Job:
    """Save an uploaded file under media/imports/, create the Job and enqueue ``task(job_id)``."""
    folder = settings.MEDIA_ROOT / "imports"
    folder.mkdir(parents=True, exist_ok=True)
    path = folder / f"{uuid.uuid4().hex}.xlsx"
    with path.open("wb") as out:
        for chunk in upload.chunks():
            out.write(chunk)
    bindings = user.bindings()
    job = Job.objects.create(kind=kind, created_by=user,
                             region_id=bindings[0].organisation.region_id if bindings else None,
                             params={"path": str(path), "filename": upload.name[:200], **params})
    task.enqueue(job.pk)
    return job
