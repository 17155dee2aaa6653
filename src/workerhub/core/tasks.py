"""Background work of the foundations, run by ``workerhub db_worker`` (django-tasks-db).

A task records its progress on a Job row that pages poll (HTMX) and the CLI prints.
"""

from pathlib import Path

from django.tasks import task
from django.utils import timezone

from .imports import import_people
from .models import Job, User


def job_progress(job: Job):
    def update(done: int, total: int) -> None:
        Job.objects.filter(pk=job.pk).update(done=done, total=total, status=Job.Status.RUNNING)

    return update


def run_import_job(job_id: int, importer) -> dict:
    """Run an Excel ``importer(path, actor=, keep_good_rows=, progress=)`` for a Job, recording its progress and
    outcome; the importer writes in one transaction, so a failure leaves nothing and the job can be re-run."""
    job = Job.objects.get(pk=job_id)
    Job.objects.filter(pk=job.pk).update(status=Job.Status.RUNNING)
    path = Path(job.params["path"])
    actor = User.objects.get(pk=job.created_by_id) if job.created_by_id else None
    try:
        result = importer(path, actor=actor, keep_good_rows=job.params.get("keep_good_rows", False),
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


@task
def run_people_import(job_id: int) -> dict:
    return run_import_job(job_id, import_people)
