"""``workerhub import people FILE.xlsx`` (SPEC §1.7): validate, import, show progress, report errors."""

import sys
from pathlib import Path

from django.core.management import call_command
from django.core.management.base import BaseCommand, CommandError
from tqdm import tqdm

from workerhub.core.imports import import_people
from workerhub.core.models import User

IMPORTERS = {"people": import_people}
# Importers of domain apps are their own commands (core imports no domain app): `import stations FILE` runs
# `stations import FILE` with the same flags.
DELEGATED = {"stations": ("stations", "import")}


class Command(BaseCommand):
    help = "Import an Excel file: workerhub import people FILE.xlsx [--keep-good-rows] [--user NAME]"

    def add_arguments(self, parser):
        parser.add_argument("kind", choices=sorted([*IMPORTERS, *DELEGATED]))
        parser.add_argument("file", type=Path)
        parser.add_argument("--keep-good-rows", action="store_true",
                            help="import the valid rows even if some rows are bad (default: all or nothing)")
        parser.add_argument("--user", help="import as this user: region scope and audit apply")

    def handle(self, kind, file, keep_good_rows, user, **options):
        if kind in DELEGATED:
            flags = [*(["--keep-good-rows"] if keep_good_rows else []), *(["--user", user] if user else [])]
            return call_command(*DELEGATED[kind], str(file), *flags, stdout=self.stdout, stderr=self.stderr)
        if not file.exists() or file.suffix.lower() != ".xlsx":
            raise CommandError(f"需要一个存在的 .xlsx 文件:{file}", returncode=2)
        actor = None
        if user:
            actor = User.objects.filter(username=user).first()
            if actor is None:
                raise CommandError(f"用户不存在:{user}", returncode=2)
        bar = tqdm(total=0, unit="行", desc="校验并导入", file=sys.stderr, disable=None)

        def progress(done, total):
            bar.total = total
            bar.update(done - bar.n)

        result = import_people(file, actor=actor, keep_good_rows=keep_good_rows, progress=progress)
        bar.close()
        for error in result.errors[:200]:
            self.stderr.write(str(error))
        if len(result.errors) > 200:
            self.stderr.write(f"……共 {len(result.errors)} 处错误")
        if not result.written:
            reason = f"有 {len(result.errors)} 处错误,未导入任何数据" if result.errors else "没有可导入的行"
            raise CommandError(reason, returncode=2)
        self.stdout.write(f"共 {result.total} 行:新增 {result.created},更新 {result.updated},"
                          f"跳过空行 {result.skipped},错误 {len(result.errors)}")
