"""Background work of stations, run by ``workerhub db_worker`` like core's people import: an Excel import
records its progress on a core Job row that the job page polls."""

from django.tasks import task

from workerhub.core.tasks import run_import_job

from .imports import import_stations


@task
def run_station_import(job_id: int) -> dict:
    return run_import_job(job_id, import_stations)
