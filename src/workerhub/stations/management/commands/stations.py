"""``workerhub stations nearest|import|reindex`` (SPEC §1.7, §7.3).

``nearest`` prints a table (or JSON with ``--json``) and exits 0; bad arguments exit 2 with one line on stderr.
``import`` validates and imports an Excel file with a progress bar and the error report (the same importer as
the web page; ``workerhub import stations FILE.xlsx`` routes here too).
"""

import json
import sys
from pathlib import Path

from tqdm import tqdm

from workerhub.core.commandline import OneLineCommand, OneLineParser, fail
from workerhub.core.models import User
from workerhub.core.services import ServiceError
from workerhub.stations import selectors
from workerhub.stations.api import parse_at


class Command(OneLineCommand):
    help = "户外劳动者服务站点:最近的站点(nearest)、Excel 导入(import)、重算设施位与达标得分(reindex)"

    def add_arguments(self, parser):
        sub = parser.add_subparsers(dest="verb", required=True, parser_class=OneLineParser)
        n = sub.add_parser("nearest", help="the nearest public stations to a WGS-84 point")
        n.add_argument("--lat", required=True)
        n.add_argument("--lon", required=True)
        n.add_argument("--amenity", default="", help="comma-separated codes, all required, e.g. water,charging")
        n.add_argument("--open-now", action="store_true", help="only stations open at --at (default now)")
        n.add_argument("--at", help="ISO 8601 moment, e.g. 2024-03-13T12:00 (Beijing time when naive)")
        n.add_argument("--limit", default="10", help="1 to 100 (default 10)")
        n.add_argument("--json", action="store_true")
        i = sub.add_parser("import", help="import stations from an .xlsx in the template's format")
        i.add_argument("file", type=Path)
        i.add_argument("--keep-good-rows", action="store_true",
                       help="import the valid rows even if some rows are bad (default: all or nothing)")
        i.add_argument("--user", help="import as this user: region scope and audit apply")
        sub.add_parser("reindex", help="recompute amenity bits and compliance scores after a catalogue change")

    def handle(self, verb, **options):
        return getattr(self, f"do_{verb}")(**options)

    def do_nearest(self, lat, lon, amenity, open_now, at, limit, json, **_):
        try:
            limit_n = int(limit)
        except ValueError:
            fail(f"--limit 应为 1 到 {selectors.MAX_LIMIT} 之间的整数,而不是 {limit!r}")
        try:
            results = selectors.nearest_stations(lat, lon, amenities=amenity, open_now=open_now, at=parse_at(at),
                                                 limit=limit_n)
        except ServiceError as exc:
            fail(";".join(f"--{name.replace('_', '-')}: {message}" for name, message in exc.fields.items())
                 or str(exc))
        if json:
            self.stdout.write(_dumps({"results": results}))
            return
        self._table(results)

    def _table(self, results):
        if not results:
            self.stdout.write("没有符合条件的站点")
            return
        self.stdout.write("序号\t距离(米)\t开放\t今日时间\t编号\t名称\t地址")
        flags = {True: "是", False: "否", None: "未知"}
        for i, r in enumerate(results, start=1):
            state = "暂停" if r["status"] == "temporarily_closed" else flags[r["open_now"]]
            self.stdout.write(f"{i}\t{r['distance_m']}\t{state}\t{r['hours_today'] or '—'}\t{r['code']}\t{r['name']}\t"
                              f"{r['address']}")

    def do_import(self, file, keep_good_rows, user, **_):
        from workerhub.stations.imports import import_stations

        if not file.exists() or file.suffix.lower() != ".xlsx":
            fail(f"需要一个存在的 .xlsx 文件:{file}")
        actor = None
        if user:
            actor = User.objects.filter(username=user).first()
            if actor is None:
                fail(f"用户不存在:{user}")
        bar = tqdm(total=0, unit="行", desc="校验并导入", file=sys.stderr, disable=None)

        def progress(done, total):
            bar.total = total
            bar.update(done - bar.n)

        result = import_stations(file, actor=actor, keep_good_rows=keep_good_rows, progress=progress)
        bar.close()
        for error in result.errors[:200]:
            self.stderr.write(str(error))
        if len(result.errors) > 200:
            self.stderr.write(f"……共 {len(result.errors)} 处错误")
        if not result.written:
            fail(f"有 {len(result.errors)} 处错误,未导入任何数据" if result.errors else "没有可导入的行")
        self.stdout.write(f"共 {result.total} 行:新增 {result.created},更新 {result.updated},"
                          f"跳过空行 {result.skipped},错误 {len(result.errors)}")

    def do_reindex(self, **_):
        from workerhub.stations.services import reindex_stations

        self.stdout.write(f"已更新 {reindex_stations()} 个站点")


def _dumps(value) -> str:
    return json.dumps(value, ensure_ascii=False, indent=2, default=str)
