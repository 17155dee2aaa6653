"""The root JSON API (SPEC §1.6): /api/v1/, OpenAPI at /api/v1/openapi.json, docs at /api/v1/docs.

Authentication: a personal token (``Authorization: Bearer wh_…``) or the web session (CSRF-checked for
unsafe methods). Errors are ``{"error": {"code", "message", "fields"}}`` with a 4xx status.
Each app contributes a router; region scope applies inside every endpoint through ``restrict``.
"""

from django.core.exceptions import PermissionDenied
from django.http import Http404
from django.utils import timezone
from ninja import NinjaAPI
from ninja.errors import AuthenticationError, HttpError, ValidationError
from ninja.security import HttpBearer, SessionAuth

from .core.api import router as core_router
from .core.models import ApiToken
from .core.services import ServiceError


class TokenAuth(HttpBearer):
    openapi_description = "个人 API 令牌(在“API 令牌”页面创建)"

    def authenticate(self, request, token):
        row = ApiToken.objects.select_related("user").filter(digest=ApiToken.digest_of(token)).first()
        if row is None or not row.user.is_active or (row.expires_at and row.expires_at < timezone.now()):
            return None
        ApiToken.objects.filter(pk=row.pk).update(last_used_at=timezone.now())
        request.user = row.user
        return row.user


api = NinjaAPI(
    title="WorkerHub API",
    version="1",
    description="职工之家 WorkerHub 接口。列表分页:?page=1&page_size=50(最大200);区域权限适用于所有接口。",
    auth=[TokenAuth(), SessionAuth()],
    urls_namespace="api",
)


def error(request, status: int, code: str, message: str, fields: dict | None = None):
    return api.create_response(request, {"error": {"code": code, "message": message, "fields": fields or {}}},
                               status=status)


@api.exception_handler(ValidationError)
def _validation(request, exc):
    fields = {}
    for item in exc.errors:
        loc = [str(p) for p in item.get("loc", []) if p not in ("body", "query", "path", "payload", "data")]
        fields[".".join(loc) or "request"] = item.get("msg", "无效的值")
    return error(request, 400, "invalid", "请求参数有误", fields)


@api.exception_handler(ServiceError)
def _service(request, exc):
    return error(request, 400, "invalid", str(exc), exc.fields)


@api.exception_handler(AuthenticationError)
def _unauthenticated(request, exc):
    return error(request, 401, "unauthenticated", "需要登录或有效的 API 令牌")


@api.exception_handler(PermissionDenied)
def _forbidden(request, exc):
    return error(request, 403, "forbidden", "无权执行此操作")


@api.exception_handler(PermissionError)
def _forbidden_service(request, exc):
    return error(request, 403, "forbidden", "无权执行此操作")


@api.exception_handler(Http404)
def _not_found(request, exc):
    return error(request, 404, "not_found", "记录不存在")


@api.exception_handler(HttpError)
def _http(request, exc):
    return error(request, exc.status_code, {429: "throttled"}.get(exc.status_code, "error"), str(exc))


api.add_router("/", core_router)
