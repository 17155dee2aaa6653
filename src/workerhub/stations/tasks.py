"""Background work of stations, run by ``workerhub db_worker`` like core's people import: an Excel import
records its progress on a core Job row that the job page polls."""

from pathlib import Path

from django.tasks import task
from django.utils import timezone

from workerhub.core.models import Job, User
from workerhub.core.tasks import job_progress

from .imports import import_stations


@task
def run_station_import(job_id: int) -> dict:
    job = Job.objects.get(pk=job_id)
    Job.objects.filter(pk=job.pk).update(status=Job.Status.RUNNING)
    path = Path(job.params["path"])
    actor = User.objects.get(pk=job.created_by_id) if job.created_by_id else None
    try:
        result = import_stations(path, actor=actor, keep_good_rows=job.params.get("keep_good_rows", False),
                                 progress=job_progress(job))
    except Exception as exc:  # the import's own transaction has rolled back; record why, allow a retry
        Job.objects.filter(pk=job.pk).update(status=Job.Status.FAILED, message=str(exc)[:2000],
                                             finished_at=timezone.now())
        raise
    status = Job.Status.DONE if result.written else Job.Status.FAILED
    Job.objects.filter(pk=job.pk).update(status=status, result=result.as_dict(), done=result.total,
                                         total=result.total, finished_at=timezone.now())
    path.unlink(missing_ok=True)
    return result.as_dict()
