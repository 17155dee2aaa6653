"""Background work of the HPF centre, run by ``workerhub db_worker``: the yearly interest settlement,
with its progress on a core Job row that the job page polls."""

from django.tasks import task
from django.utils import timezone

from workerhub.core.models import Job, User

from .settlement import settle_interest


@task
def run_interest_settlement(job_id: int) -> dict:
    job = Job.objects.get(pk=job_id)
    Job.objects.filter(pk=job.pk).update(status=Job.Status.RUNNING)
    actor = User.objects.filter(pk=job.created_by_id).first()

    def progress(done, total):
        Job.objects.filter(pk=job.pk).update(done=done, total=total)

    try:
        result = settle_interest(year=job.params["year"], region=job.params.get("region"), actor=actor,
                                 progress=progress)
    except Exception as exc:  # settled chunks stay settled; running the job again completes the rest
        Job.objects.filter(pk=job.pk).update(status=Job.Status.FAILED, message=str(exc)[:2000],
                                             finished_at=timezone.now())
        raise
    Job.objects.filter(pk=job.pk).update(status=Job.Status.DONE, result=result, finished_at=timezone.now(),
                                         message=f"{result['year']}年度结息:{result['settled']} 户,利息合计 "
                                                 f"{result['interest']} 元(年利率 {result['rate']}%)")
    return result
