"""Profile endpoint (SPEC §2.5, fixed interface): ``GET /api/v1/people/{id}/profile`` — region scope applies (an
out-of-scope person is a 404 like a missing one); a person in scope whose profile has not been computed yet is a
404 with code ``not_computed``."""

from datetime import datetime

from django.http import Http404, JsonResponse
from ninja import Field, Router, Schema

from workerhub.core.api import Error

from .services import profiles

router = Router(tags=["劳模工匠"])


class PeerGroupOut(Schema):
    region: str = Field(description="同类人群所在城市的 GB/T 2260 代码(六位)")
    occupation_group: str = Field(description="职业类别:本人填报的职业(工种归入所属职业),否则最高等级证书的职业,否则“其他”")


class DimensionsOut(Schema):
    skill: int = Field(ge=0, le=100, description="技能")
    honours: int = Field(ge=0, le=100, description="荣誉")
    innovation: int = Field(ge=0, le=100, description="创新(暂以创新工作室计)")
    mentoring: int = Field(ge=0, le=100, description="带徒")
    service: int = Field(ge=0, le=100, description="服务企业")
    growth: int = Field(ge=0, le=100, description="成长")


class ProfileOut(Schema):
    person: int
    computed_at: datetime = Field(description="这些数值最近一次被计算(且与之前不同)的时间;之后的重算若结果相同则不改写")
    peer_group: PeerGroupOut
    dimensions: DimensionsOut = Field(description="各维度在同类人员中的百分位 round(100 × percent_rank()),0–100 的整数")
    tags: list[str]
    explanations: dict[str, str] = Field(description="每个维度一句话说明:原始分的构成和在同类人员中的位置")


@router.get("/people/{person_id}/profile", response={200: ProfileOut, 401: Error, 404: Error},
            summary="精准画像")
def get_profile(request, person_id: int):
    view = profiles.profile_for(request.user, person_id)
    if view is None:
        raise Http404
    if view.profile is None:
        return JsonResponse({"error": {"code": "not_computed", "message": "尚未计算此人的精准画像", "fields": {}}},
                            status=404)
    return view.as_api()
