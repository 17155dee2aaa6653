"""The root JSON API (SPEC §1.6): /api/v1/, OpenAPI at /api/v1/openapi.json, docs at /api/v1/docs.

Authentication: a personal token (``Authorization: Bearer wh_…``) or the web session (CSRF-checked for
unsafe methods). Errors are ``{"error": {"code", "message", "fields"}}`` with a 4xx status.
Each app contributes a router; region scope applies inside every endpoint through ``restrict``.
"""

from django.core.exceptions import PermissionDenied
from django.http import Http404
from ninja import NinjaAPI
from ninja.errors import AuthenticationError, HttpError, ValidationError

from .core.api import API_AUTH
from .core.api import router as core_router
from .core.services import ServiceError
from .housing.api import router as housing_router
from .skills.api import router as skills_router
from .stations.api import router as stations_router
from .talent.api import router as talent_router

api = NinjaAPI(
    title="WorkerHub API",
    version="1",
    description="职工之家 WorkerHub 接口。列表分页:?page=1&page_size=50(最大200);区域权限适用于所有接口。",
    auth=API_AUTH,
    urls_namespace="api",
)


def error(request, status: int, code: str, message: str, fields: dict | None = None):
    return api.create_response(request, {"error": {"code": code, "message": message, "fields": fields or {}}},
                               status=status)


# pydantic's error types in Chinese (the English message stays as a fallback for rare types).
MESSAGES = {
    "missing": "必填", "decimal_parsing": "应为数字", "float_parsing": "应为数字", "int_parsing": "应为整数",
    "int_from_float": "应为整数", "decimal_type": "应为数字", "bool_parsing": "应为 true 或 false",
    "date_parsing": "应为日期 YYYY-MM-DD", "date_from_datetime_parsing": "应为日期 YYYY-MM-DD",
    "datetime_parsing": "应为日期时间 YYYY-MM-DDTHH:MM", "string_type": "应为文本", "json_invalid": "JSON 格式错误",
    "string_pattern_mismatch": "格式不正确", "enum": "不是允许的取值", "literal_error": "不是允许的取值",
    "finite_number": "应为有限的数字", "model_attributes_type": "请求体格式不正确", "dict_type": "请求体应为 JSON 对象",
}


def _message(item: dict) -> str:
    ctx = item.get("ctx") or {}
    kind = item.get("type", "")
    if kind in ("greater_than_equal", "greater_than"):
        return f"应不小于 {ctx.get('ge', ctx.get('gt'))}"
    if kind in ("less_than_equal", "less_than"):
        return f"应不大于 {ctx.get('le', ctx.get('lt'))}"
    if kind == "string_too_long":
        return f"不能超过 {ctx.get('max_length')} 个字符"
    if kind == "string_too_short":
        return f"至少 {ctx.get('min_length')} 个字符"
    if kind == "enum":
        return f"应为以下之一:{ctx.get('expected', '')}"
    return MESSAGES.get(kind, item.get("msg", "无效的值"))


@api.exception_handler(ValidationError)
def _validation(request, exc):
    fields = {}
    for item in exc.errors:
        loc = [str(p) for p in item.get("loc", []) if p not in ("body", "query", "path", "payload", "data", "filters")]
        fields[".".join(loc) or "request"] = _message(item)
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
api.add_router("/", housing_router)
api.add_router("/", stations_router)
api.add_router("/", skills_router)
api.add_router("/", talent_router)
