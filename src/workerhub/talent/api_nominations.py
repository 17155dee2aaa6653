"""Nomination endpoints (SPEC §2.2, fixed interface): ``GET /api/v1/nominations`` — region scope applies; filters
``honour`` (catalogue code), ``cycle``, ``state``, ``region``."""

from datetime import date

from ninja import Field, Query, Router, Schema

from workerhub.core.api import Error, PageQuery, paginate

from . import selectors
from .models import Nomination

router = Router(tags=["劳模工匠"])


class SubjectOut(Schema):
    kind: str = Field(description="person | team | studio")
    id: int
    name: str


class NominationOut(Schema):
    id: int
    honour: str = Field(description="荣誉目录代码,如 hz_craftsman")
    cycle: int
    subject: SubjectOut
    region: str = Field(description="推荐对象所在地区的 GB/T 2260 代码")
    state: str = Field(description="nominated | reviewed | publicised | conferred | revoked | rejected | withdrawn")
    publicity_start: date | None
    publicity_end: date | None
    decision_number: str | None
    conferred_on: date | None
    revoked_on: date | None


class NominationList(Schema):
    count: int
    page: int
    results: list[NominationOut]


class NominationFilters(PageQuery):
    honour: str | None = Field(None, max_length=40, description="荣誉目录代码")
    cycle: int | None = Field(None, ge=1900, le=2100, description="年度")
    state: Nomination.State | None = None
    region: str | None = Field(None, pattern=r"^\d{2}(\d{2}(\d{2})?)?$", description="地区代码或其前缀")


def nomination_out(n: Nomination) -> dict:
    subject_id = n.person_id or n.team_id or n.studio_id
    return {
        "id": n.pk, "honour": n.honour.code, "cycle": n.cycle,
        "subject": {"kind": n.subject_kind, "id": subject_id, "name": n.subject_name},
        "region": n.region_id, "state": n.state, "publicity_start": n.publicity_start,
        "publicity_end": n.publicity_end, "decision_number": n.decision_number or None,
        "conferred_on": n.conferred_on, "revoked_on": n.revoked_on,
    }


@router.get("/nominations", response={200: NominationList, 400: Error, 401: Error}, summary="推荐评选列表")
def list_nominations(request, filters: Query[NominationFilters]):
    qs = selectors.nominations(request.user).select_related(None).select_related("honour")
    if filters.honour:
        qs = qs.filter(honour__code=filters.honour)
    if filters.cycle:
        qs = qs.filter(cycle=filters.cycle)
    if filters.state:
        qs = qs.filter(state=filters.state)
    if filters.region:
        qs = qs.in_region(filters.region)
    count, rows = paginate(qs.order_by("-cycle", "honour_id", "pk"), filters)
    return {"count": count, "page": filters.page, "results": [nomination_out(n) for n in rows]}
