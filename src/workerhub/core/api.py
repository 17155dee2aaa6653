"""API endpoints of the foundations: people and organisations (SPEC §1.6)."""

from datetime import date

from django.http import Http404
from django.utils import timezone
from ninja import Field, Query, Router, Schema
from ninja.security import HttpBearer, SessionAuth

from . import audit, selectors, services
from .models import ApiToken, AuditEntry, Organisation, Person, Region
from .paging import cached_count
from .pii import can_view_personal_data
from .rules import RuleError, canonical_region_code


class TokenAuth(HttpBearer):
    openapi_description = "个人 API 令牌(在“API 令牌”页面创建)"

    def authenticate(self, request, token):
        row = ApiToken.objects.select_related("user").filter(digest=ApiToken.digest_of(token)).first()
        if row is None or not row.user.is_active or (row.expires_at and row.expires_at < timezone.now()):
            return None
        ApiToken.objects.filter(pk=row.pk).update(last_used_at=timezone.now())
        request.user = row.user
        return row.user


# Token first, then the web session (CSRF-checked for unsafe methods); apps with public endpoints that show a
# logged-in caller more (stations) try the same list themselves.
API_AUTH = [TokenAuth(), SessionAuth()]

router = Router(tags=["基础"])


class ErrorBody(Schema):
    code: str
    message: str
    fields: dict[str, str] = {}


class Error(Schema):
    error: ErrorBody


class PageQuery(Schema):
    page: int = Field(1, ge=1, le=1000, description="页码,从1开始(最多1000页;更多请加筛选条件)")
    page_size: int = Field(50, ge=1, le=200, description="每页条数,最大200")


def paginate(qs, query: PageQuery) -> tuple[int, list]:
    start = (query.page - 1) * query.page_size
    return cached_count(qs), list(qs[start:start + query.page_size])


class OrgRef(Schema):
    id: int
    name: str


class PersonOut(Schema):
    id: int
    name: str
    region: str = Field(description="GB/T 2260 代码")
    id_number: str = Field(description="无“查看个人信息”权限时为掩码")
    phone: str | None
    sex: str
    birth_date: date
    employer: OrgRef | None
    occupation: str
    employment_type: str


class PersonList(Schema):
    count: int
    page: int
    results: list[PersonOut]


class PersonFilters(PageQuery):
    region: str | None = Field(None, pattern=r"^\d{2}(\d{2}(\d{2})?)?$", description="地区代码或其前缀")
    employment_type: Person.Employment | None = None
    employer: int | None = None
    q: str | None = Field(None, max_length=100, description="姓名、身份证号码或手机号")


def person_out(p: Person, unmasked: bool) -> dict:
    return {
        "id": p.pk, "name": p.name, "region": p.region_id,
        "id_number": p.id_number if unmasked else p.id_number_masked,
        "phone": (p.phone if unmasked else p.phone_masked) or None,
        "sex": p.sex, "birth_date": p.birth_date,
        "employer": {"id": p.employer_id, "name": p.employer.name} if p.employer_id else None,
        "occupation": p.occupation, "employment_type": p.employment_type,
    }


def _audit_unmasked(request, people: list[Person]) -> None:
    if people:
        audit.record(AuditEntry.Action.VIEW_PII, actor=request.user, object_type="core.person",
                     object_id=str(people[0].pk) if len(people) == 1 else "",
                     object_repr=f"API {request.path}"[:200], region_id=people[0].region_id,
                     changes={"people": [p.pk for p in people]})


@router.get("/people", response={200: PersonList, 400: Error, 401: Error}, summary="人员列表")
def list_people(request, filters: Query[PersonFilters]):
    qs = selectors.people(request.user)
    if filters.region:
        qs = qs.in_region(filters.region)
    if filters.employment_type:
        qs = qs.filter(employment_type=filters.employment_type)
    if filters.employer:
        qs = qs.filter(employer_id=filters.employer)
    if filters.q:
        qs = selectors.search_people(qs, filters.q)
    count, rows = paginate(qs.order_by("region_id", "name", "pk"), filters)
    unmasked = can_view_personal_data(request.user)
    if unmasked:
        _audit_unmasked(request, rows)
    return {"count": count, "page": filters.page, "results": [person_out(p, unmasked) for p in rows]}


@router.get("/people/{person_id}", response={200: PersonOut, 401: Error, 404: Error}, summary="人员详情")
def get_person(request, person_id: int):
    person = selectors.people(request.user).filter(pk=person_id).first()
    if person is None:
        raise Http404
    unmasked = can_view_personal_data(request.user)
    if unmasked:
        _audit_unmasked(request, [person])
    return person_out(person, unmasked)


class PersonIn(Schema):
    name: str = Field(min_length=1, max_length=50)
    id_number: str = Field(min_length=15, max_length=20)
    phone: str | None = Field(None, max_length=20)
    region: str = Field(pattern=r"^\d{2}(\d{2}(\d{2})?)?$")
    employer: int | None = None
    occupation: str = Field("", max_length=80)
    employment_type: Person.Employment = Person.Employment.EMPLOYEE


@router.post("/people", response={201: PersonOut, 400: Error, 401: Error, 403: Error}, summary="新建人员")
def create_person(request, payload: PersonIn):
    try:
        region = Region.objects.get(code=canonical_region_code(payload.region))
    except (Region.DoesNotExist, RuleError) as exc:
        raise services.ServiceError("人员信息有误", {"region": "未知的行政区划代码"}) from exc
    employer = None
    if payload.employer is not None:
        employer = Organisation.objects.restrict(request.user).filter(pk=payload.employer).first()
        if employer is None:
            raise services.ServiceError("人员信息有误", {"employer": "未知的工作单位"})
    person = services.create_person(
        actor=request.user, name=payload.name, id_number=payload.id_number, phone=payload.phone or "",
        region=region, employer=employer, occupation=payload.occupation,
        employment_type=payload.employment_type)
    return 201, person_out(person, can_view_personal_data(request.user))


class OrganisationOut(Schema):
    id: int
    name: str
    kind: str
    region: str
    credit_code: str | None
    parent: int | None


class OrganisationList(Schema):
    count: int
    page: int
    results: list[OrganisationOut]


class OrganisationFilters(PageQuery):
    region: str | None = Field(None, pattern=r"^\d{2}(\d{2}(\d{2})?)?$")
    kind: Organisation.Kind | None = None
    q: str | None = Field(None, max_length=100)


def organisation_out(o: Organisation) -> dict:
    return {"id": o.pk, "name": o.name, "kind": o.kind, "region": o.region_id, "credit_code": o.credit_code,
            "parent": o.parent_id}


@router.get("/organisations", response={200: OrganisationList, 400: Error, 401: Error}, summary="组织列表")
def list_organisations(request, filters: Query[OrganisationFilters]):
    qs = Organisation.objects.restrict(request.user)
    if filters.region:
        qs = qs.in_region(filters.region)
    if filters.kind:
        qs = qs.filter(kind=filters.kind)
    if filters.q:
        qs = qs.filter(name__icontains=filters.q)
    count, rows = paginate(qs.order_by("region_id", "name", "pk"), filters)
    return {"count": count, "page": filters.page, "results": [organisation_out(o) for o in rows]}


@router.get("/organisations/{organisation_id}", response={200: OrganisationOut, 401: Error, 404: Error},
            summary="组织详情")
def get_organisation(request, organisation_id: int):
    org = Organisation.objects.restrict(request.user).filter(pk=organisation_id).first()
    if org is None:
        raise Http404
    return organisation_out(org)
