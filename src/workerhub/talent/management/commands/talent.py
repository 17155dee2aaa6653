"""``workerhub talent recompute-profiles`` (SPEC §1.7, §2.5): recompute the precise profiles of everyone, or of the
cities inside ``--region``, with a progress bar; ``--json`` prints the result as JSON. Bad arguments exit 2 with one
line on stderr. The profile page's "recompute" button runs the same service as a background job."""

import json
import sys
from datetime import date

from tqdm import tqdm

from workerhub.core.commandline import OneLineCommand, OneLineParser, fail
from workerhub.core.models import User
from workerhub.core.services import ServiceError


class Command(OneLineCommand):
    help = "劳模工匠:重算精准画像(recompute-profiles)"

    def add_arguments(self, parser):
        sub = parser.add_subparsers(dest="verb", required=True, parser_class=OneLineParser)
        r = sub.add_parser("recompute-profiles", help="recompute every precise profile (or one region's cities)")
        r.add_argument("--region", help="a GB/T 2260 code or prefix, e.g. 3301; a county widens to its city")
        r.add_argument("--as-of", help="compute as on this date (YYYY-MM-DD; default today)")
        r.add_argument("--chunk", default="200000", help="people per chunk of whole cities (default 200000)")
        r.add_argument("--user", help="record the recompute in the audit log as this user")
        r.add_argument("--json", action="store_true")

    def handle(self, verb, **options):
        return getattr(self, "do_" + verb.replace("-", "_"))(**options)

    def do_recompute_profiles(self, region, as_of, chunk, user, json, **_):
        from workerhub.talent.services.profiles import recompute_profiles

        try:
            on = date.fromisoformat(as_of) if as_of else None
        except ValueError:
            fail(f"--as-of 应为 YYYY-MM-DD 格式的日期,而不是 {as_of!r}")
        if not chunk.isdigit() or int(chunk) < 1:
            fail(f"--chunk 应为正整数,而不是 {chunk!r}")
        if region is not None and not (region.isdigit() and len(region) in (2, 4, 6)):
            fail(f"--region 应为 2、4 或 6 位地区代码,而不是 {region!r}")
        actor = None
        if user:
            actor = User.objects.filter(username=user).first()
            if actor is None:
                fail(f"用户不存在:{user}")
        bar = tqdm(total=0, unit="人", desc="重算精准画像", file=sys.stderr, disable=None)

        def progress(done, total):
            bar.total = total
            bar.update(done - bar.n)

        try:
            result = recompute_profiles(actor=actor, as_of=on, region=region, chunk_people=int(chunk),
                                        progress=progress)
        except ServiceError as exc:
            bar.close()
            fail(str(exc))
        bar.close()
        if json:
            self.stdout.write(_dumps(result.as_dict()))
            return
        self.stdout.write(f"已计算 {result.people} 人的画像(分 {result.chunks} 批,截至 {result.as_of})")


def _dumps(value) -> str:
    return json.dumps(value, ensure_ascii=False, indent=2)
