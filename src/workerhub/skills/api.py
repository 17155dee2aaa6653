"""Certificate endpoints: public verification and the published key (SPEC §3.6, fixed interface), and the scoped
certificate list (SPEC §1.6).

Verification never says whether a number exists: an unknown number, a wrong name, a malformed or oversized
parameter and a token that does not verify all answer 200 with ``status: not_found``. It is rate-limited per client
IP (``WORKERHUB_VERIFY_RATE`` per minute, shared with the /verify/ pages; see core/ratelimit.py).
"""

from datetime import date

from django.conf import settings
from django.db.models import Q
from django.http import JsonResponse
from ninja import Field, Query, Router, Schema

from workerhub.core import ratelimit
from workerhub.core.api import Error, PageQuery, paginate

from . import keys, selectors
from .certnumbers import normalise_number
from .models import Certificate

router = Router(tags=["技能证书"])

# One counter for the API and the /verify/ pages (views/verify.py uses the same scope).
RATE_SCOPE = "certificate-verify"


class VerifyQuery(Schema):
    number: str | None = Field(None, description="证书编号(职业技能等级证书 22 位、企业认可证书或旧版 16 位职业资格证书);"
                                                 "超过 40 个字符按“未找到”处理")
    name: str | None = Field(None, description="持证人姓名(全名);超过 50 个字符按“未找到”处理")
    token: str | None = Field(None, description="二维码中的签名令牌(代替 number + name);超过 160 个字符按“未找到”处理")


class VerifyOut(Schema):
    valid: bool = Field(description="证书存在、姓名一致(或签名有效)且未撤销")
    status: str = Field(description="valid | revoked | not_found")
    number: str | None
    kind: str | None = Field(None, description="skill_level | enterprise")
    holder: str | None = Field(description="姓名(脱敏),如 张*明")
    occupation: str | None
    level: str | None = Field(description="如 四级/中级工")
    issuer: str | None
    issued_on: date | None
    revoked_on: date | None
    revoked_reason: str | None = None
    recognised_by: list[str] = Field([], description="认可该企业认可证书的联盟成员")
    signature: str | None = Field(None, description="按令牌查询时:valid | invalid")


@router.get("/certificates/verify", auth=None, response={200: VerifyOut, 400: Error, 429: Error},
            summary="证书查验(公开)")
def verify_certificate(request, query: Query[VerifyQuery]):
    refusal = ratelimit.hit(request, RATE_SCOPE, settings.CERT_VERIFY_RATE)
    if refusal:
        return ratelimit.refusal_response(refusal)
    if query.token is not None:
        answer = selectors.verify_by_token(query.token)
    elif query.number is not None and query.name is not None:
        answer = selectors.verify_by_number(query.number, query.name)
    else:
        return JsonResponse({"error": {"code": "invalid", "message": "请提供证书编号和姓名，或二维码令牌",
                                       "fields": {"number": "必填", "name": "必填"}}}, status=400)
    # The answer is built by the selector in the documented shape (VerifyOut, checked by the tests and
    # schemathesis); validating it again would cost a share of a sub-millisecond request.
    return JsonResponse(answer)


class PublicKeyOut(Schema):
    algorithm: str = Field(description="Ed25519")
    public_key: str = Field(description="32 字节公钥,base64url 无填充(43 个字符)")
    public_key_pem: str = Field(description="同一公钥,SubjectPublicKeyInfo PEM")
    retired_keys: list[str] = Field(description="已停用但仍可验证旧令牌的公钥(base64url)")
    message_prefix: str = Field(description="签名消息 = message_prefix + 证书编号(ASCII)")
    token_format: str


@router.get("/certificates/public-key", auth=None, response={200: PublicKeyOut}, summary="证书签名公钥(公开)")
def public_key(request):
    return keys.published()


class CertificateOut(Schema):
    number: str
    kind: str = Field(description="skill_level | enterprise")
    holder_name: str
    occupation: str
    level: str = Field(description="如 四级/中级工")
    issuer: str
    status: str = Field(description="valid | revoked")
    issued_on: date
    revoked_on: date | None
    token: str = Field(description="二维码中的签名令牌")


class CertificateList(Schema):
    count: int
    page: int
    results: list[CertificateOut]


class CertificateFilters(PageQuery):
    kind: Certificate.Kind | None = None
    status: Certificate.Status | None = None
    q: str | None = Field(None, max_length=100, description="证书编号(或其开头)或持证人姓名")


def certificate_out(c: Certificate) -> dict:
    return {"number": c.number, "kind": c.kind, "holder_name": c.holder_name, "occupation": c.occupation_name,
            "level": c.level_label, "issuer": c.issuer_name, "status": c.status, "issued_on": c.issued_on,
            "revoked_on": c.revoked_on, "token": c.token}


@router.get("/certificates", response={200: CertificateList, 400: Error, 401: Error}, summary="证书列表")
def list_certificates(request, filters: Query[CertificateFilters]):
    qs = selectors.certificates_for(request.user)
    if filters.kind:
        qs = qs.filter(kind=filters.kind)
    if filters.status:
        qs = qs.filter(status=filters.status)
    q = (filters.q or "").replace("\x00", "").strip()
    if q:
        qs = qs.filter(Q(number__startswith=normalise_number(q)) | Q(holder_name__contains=q))
    count, rows = paginate(qs, filters)
    return {"count": count, "page": filters.page, "results": [certificate_out(c) for c in rows]}
