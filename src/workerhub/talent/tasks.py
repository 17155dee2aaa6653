"""Background work of talent, run by ``workerhub db_worker`` (django-tasks-db), with progress on a core Job row
that the job page polls and the CLI prints (SPEC §1.8)."""

from django.tasks import task
from django.utils import timezone

from workerhub.core.models import Job, User
from workerhub.core.tasks import job_progress


@task
def recompute_profiles_task(job_id: int) -> dict:
    """Recompute the precise profiles of ``params["region"]`` (empty: everyone), one chunk of cities at a time;
    a failure marks the job failed with the reason (finished chunks stay computed, a retry redoes all)."""
    from .services.profiles import recompute_profiles

    job = Job.objects.get(pk=job_id)
    Job.objects.filter(pk=job.pk).update(status=Job.Status.RUNNING)
    actor = User.objects.filter(pk=job.created_by_id).first() if job.created_by_id else None
    try:
        result = recompute_profiles(actor=actor, region=job.params.get("region") or None, progress=job_progress(job))
    except Exception as exc:
        Job.objects.filter(pk=job.pk).update(status=Job.Status.FAILED, message=str(exc)[:2000],
                                             finished_at=timezone.now())
        raise
    out = result.as_dict()
    Job.objects.filter(pk=job.pk).update(status=Job.Status.DONE, result=out, done=result.people, total=result.people,
                                         finished_at=timezone.now())
    return out
