from pathlib import Path

from django.core.management.base import BaseCommand, CommandError

from workerhub.core.models import Region
from workerhub.core.regions import load_regions, read_regions


class Command(BaseCommand):
    help = "Load GB/T 2260 regions (e.g. towns and communities) from a CSV in the shipped format."

    def add_arguments(self, parser):
        parser.add_argument("file", type=Path)

    def handle(self, file, **options):
        if not file.exists():
            raise CommandError(f"文件不存在:{file}")
        try:
            created, updated = load_regions(Region, read_regions(file))
        except ValueError as exc:
            raise CommandError(str(exc)) from exc
        self.stdout.write(f"新增 {created},更新 {updated}")
