"""``workerhub certificates verify --number N --name NAME | --token TOKEN [--json]`` (SPEC §1.7, §3.6).

Prints the verification answer in Chinese (or the API's JSON with ``--json``). Exit status: 0 the certificate is
valid, 1 revoked or not found (a wrong name is "not found", as on the public page), 2 bad arguments (one line on
stderr). The same selectors as the public API answer, without its rate limit (this is an operator's tool).
"""

import json
import sys

from workerhub.core.commandline import OneLineCommand, OneLineParser, fail
from workerhub.skills import selectors
from workerhub.skills.models import Certificate

STATUS = {"valid": "有效", "revoked": "已撤销", "not_found": "未找到"}


class Command(OneLineCommand):
    help = "技能证书:查验证书真伪与状态(verify)"

    def add_arguments(self, parser):
        sub = parser.add_subparsers(dest="verb", required=True, parser_class=OneLineParser)
        v = sub.add_parser("verify", help="verify a certificate by number and holder name, or by its QR token")
        v.add_argument("--number", help="certificate number (22-character skill-level, QY-… enterprise, or legacy)")
        v.add_argument("--name", help="the holder's full name")
        v.add_argument("--token", help="the signed token from the certificate's QR code (instead of number + name)")
        v.add_argument("--json", action="store_true", help="print the API's JSON answer")

    def handle(self, verb, **options):
        return getattr(self, f"do_{verb}")(**options)

    def do_verify(self, number, name, token, json, **_):
        if token is not None and (number is not None or name is not None):
            fail("--token 不能与 --number/--name 同时使用")
        if token is None and (not (number or "").strip() or not (name or "").strip()):
            fail("需要 --number 和 --name(证书编号和持证人姓名),或 --token")
        answer = selectors.verify_by_token(token) if token is not None else selectors.verify_by_number(number, name)
        if json:
            self.stdout.write(_dumps(answer))
        else:
            self._human(answer)
        if not answer["valid"]:
            sys.exit(1)

    def _human(self, a: dict):
        lines = []
        if "signature" in a:
            lines.append(f"二维码签名:{'有效' if a['signature'] == 'valid' else '无效'}")
        lines.append(f"证书状态:{STATUS[a['status']]}")
        if a["status"] == "not_found":
            lines.append("二维码无效或证书不存在" if "signature" in a else "未找到与该证书编号和姓名相符的证书")
            self.stdout.write("\n".join(lines))
            return
        lines += [f"证书类型:{dict(Certificate.Kind.choices).get(a['kind'], a['kind'])}",
                  f"证书编号:{a['number']}", f"姓名:{a['holder']}", f"职业(工种):{a['occupation']}",
                  f"等级:{a['level']}", f"发证单位:{a['issuer']}", f"发证日期:{a['issued_on']}"]
        if a.get("kind") == Certificate.Kind.ENTERPRISE:
            lines.append(f"认可单位:{'、'.join(a['recognised_by']) or '—'}")
        if a["status"] == "revoked":
            lines += [f"撤销日期:{a['revoked_on']}", f"撤销原因:{a.get('revoked_reason') or '—'}"]
        self.stdout.write("\n".join(lines))


def _dumps(value) -> str:
    return json.dumps(value, ensure_ascii=False, indent=2, default=str)
