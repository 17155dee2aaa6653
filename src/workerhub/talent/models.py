"""Talent (SPEC §2): model workers and craftsmen (劳模工匠) — the honour catalogue, nominations through publicity to
conferral and revocation, teams and innovation studios, mentoring, each person's timeline and precise profile."""

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.urls import reverse
from django.utils.translation import gettext_lazy as _

from workerhub.core.models import Organisation, Person, Region
from workerhub.core.scope import ScopedQuerySet

LEVELS = [("national", _("国家级")), ("provincial", _("省级")), ("city", _("市级")), ("county", _("县级")),
          ("enterprise", _("企业级"))]


class Honour(models.Model):
    """One honour of the catalogue (data/honours.json, loaded by a migration): who awards it, to whom, how often,
    how many per region and cycle, who may be nominated (``eligibility``) and what it brings (``benefits``)."""

    class Subject(models.TextChoices):
        PERSON = "person", _("个人")
        TEAM = "team", _("集体")
        STUDIO = "studio", _("创新工作室")

    code = models.CharField(_("代码"), max_length=40, unique=True)
    name = models.CharField(_("荣誉名称"), max_length=80)
    level = models.CharField(_("级别"), max_length=12, choices=LEVELS)
    awarding_body = models.CharField(_("授予机关"), max_length=120)
    subject = models.CharField(_("授予对象"), max_length=8, choices=Subject.choices)
    cycle_years = models.PositiveSmallIntegerField(_("评选周期(年)"), default=1)
    # Places per cycle keyed by the selecting region's code, e.g. {"330100": 60}; "*" applies to any region not
    # listed. A region with no entry has no published quota (the data file says so for each honour).
    quotas = models.JSONField(_("名额"), default=dict, blank=True)
    criteria = models.TextField(_("评选条件"), blank=True)
    eligibility = models.JSONField(_("资格规则"), default=dict, blank=True)
    benefits = models.JSONField(_("待遇"), default=dict, blank=True)
    has_nominee_tier = models.BooleanField(_("设提名奖"), default=False)
    has_expert_review = models.BooleanField(_("专家评审"), default=False)
    source = models.CharField(_("依据"), max_length=400, blank=True)

    class Meta:
        ordering = ["level", "code"]
        verbose_name = _("荣誉")
        verbose_name_plural = _("荣誉目录")

    def __str__(self):
        return self.name


class Team(models.Model):
    """A team (车间, 班组, 科室 …) that can hold a collective honour such as 工人先锋号."""

    name = models.CharField(_("集体名称"), max_length=120)
    organisation = models.ForeignKey(Organisation, models.PROTECT, related_name="teams", verbose_name=_("所在单位"))
    region = models.ForeignKey(Region, models.PROTECT, verbose_name=_("行政区划"))
    kind = models.CharField(_("类型"), max_length=20, blank=True)
    front_line = models.BooleanField(_("一线集体"), default=True)
    members = models.ManyToManyField(Person, blank=True, related_name="teams", verbose_name=_("成员"))

    scope_path = "region__code"
    objects = ScopedQuerySet.as_manager()

    class Meta:
        ordering = ["region_id", "name"]
        verbose_name = _("集体")
        verbose_name_plural = _("集体")

    def __str__(self):
        return self.name


class Studio(models.Model):
    """An innovation studio (劳模和工匠人才创新工作室) named after its leader, with members."""

    name = models.CharField(_("工作室名称"), max_length=120)
    level = models.CharField(_("级别"), max_length=12, choices=LEVELS, blank=True)
    leader = models.ForeignKey(Person, models.PROTECT, related_name="led_studios", verbose_name=_("领衔人"))
    organisation = models.ForeignKey(Organisation, models.PROTECT, related_name="studios", verbose_name=_("所在单位"))
    region = models.ForeignKey(Region, models.PROTECT, verbose_name=_("行政区划"))
    founded_on = models.DateField(_("成立日期"), null=True, blank=True)
    members = models.ManyToManyField(Person, blank=True, related_name="studios", verbose_name=_("成员"))

    scope_path = "region__code"
    objects = ScopedQuerySet.as_manager()

    class Meta:
        ordering = ["region_id", "name"]
        verbose_name = _("创新工作室")
        verbose_name_plural = _("创新工作室")

    def __str__(self):
        return self.name


class ComplianceFlag(models.Model):
    """A fact on an employer's negative list (wage arrears, unpaid social insurance, no union …) for a period."""

    class Flag(models.TextChoices):
        WAGE_ARREARS = "wage_arrears", _("拖欠工资")
        SOCIAL_INSURANCE = "social_insurance", _("欠缴社会保险")
        NO_UNION = "no_union", _("未建工会")
        NO_CONGRESS = "no_congress", _("未建职代会")
        NO_COLLECTIVE_CONTRACT = "no_collective_contract", _("未签集体合同")
        SAFETY_INCIDENT = "safety_incident", _("重大安全事故")
        DISHONEST = "dishonest", _("重大失信")

    organisation = models.ForeignKey(Organisation, models.CASCADE, related_name="compliance_flags",
                                     verbose_name=_("单位"))
    flag = models.CharField(_("情形"), max_length=24, choices=Flag.choices)
    since = models.DateField(_("发生日期"))
    until = models.DateField(_("消除日期"), null=True, blank=True)
    note = models.CharField(_("说明"), max_length=200, blank=True)

    scope_path = "organisation__region__code"
    objects = ScopedQuerySet.as_manager()

    class Meta:
        ordering = ["organisation_id", "-since"]
        verbose_name = _("负面清单情形")
        verbose_name_plural = _("负面清单情形")

    def __str__(self):
        return f"{self.organisation} · {self.get_flag_display()}"


class Nomination(models.Model):
    """One subject nominated for one honour in one cycle, through review and publicity to conferral (or not)."""

    class State(models.TextChoices):
        NOMINATED = "nominated", _("已推荐")
        REVIEWED = "reviewed", _("已审核")
        PUBLICISED = "publicised", _("公示中")
        CONFERRED = "conferred", _("已授予")
        REVOKED = "revoked", _("已撤销")
        REJECTED = "rejected", _("未通过")
        WITHDRAWN = "withdrawn", _("已撤回")

    class Route(models.TextChoices):
        ENTERPRISE_UNION = "enterprise_union", _("企业工会推荐")
        FEDERATION = "federation", _("下级工会推荐")
        SELF = "self", _("个人自荐")
        PUBLIC = "public", _("公众推荐")

    class Tier(models.TextChoices):
        AWARD = "award", _("正式")
        NOMINEE = "nominee", _("提名奖")

    honour = models.ForeignKey(Honour, models.PROTECT, related_name="nominations", verbose_name=_("荣誉"))
    cycle = models.PositiveSmallIntegerField(_("年度"))
    person = models.ForeignKey(Person, models.PROTECT, null=True, blank=True, related_name="nominations",
                               verbose_name=_("个人"))
    team = models.ForeignKey(Team, models.PROTECT, null=True, blank=True, related_name="nominations",
                             verbose_name=_("集体"))
    studio = models.ForeignKey(Studio, models.PROTECT, null=True, blank=True, related_name="nominations",
                               verbose_name=_("工作室"))
    subject_name = models.CharField(_("对象名称"), max_length=120)
    # The subject's own region (so the district federation and the enterprise union see it); the quota it counts
    # against is the honour's quota for the selecting region containing it (rules.quota_for, services/nominations).
    region = models.ForeignKey(Region, models.PROTECT, verbose_name=_("推荐地区"))
    route = models.CharField(_("推荐方式"), max_length=20, choices=Route.choices)
    nominated_by = models.ForeignKey(Organisation, models.PROTECT, null=True, blank=True,
                                     related_name="nominations_made", verbose_name=_("推荐单位"))
    tier = models.CharField(_("类别"), max_length=8, choices=Tier.choices, default=Tier.AWARD)
    direct_grant = models.BooleanField(_("直接认定(不占名额)"), default=False)
    deeds = models.TextField(_("主要事迹"), blank=True)
    state = models.CharField(_("状态"), max_length=12, choices=State.choices, default=State.NOMINATED)
    eligibility = models.JSONField(_("资格审核"), default=dict, blank=True)
    expert_score = models.DecimalField(_("专家评审得分"), max_digits=5, decimal_places=2, null=True, blank=True)
    publicity_start = models.DateField(_("公示开始"), null=True, blank=True)
    publicity_end = models.DateField(_("公示结束"), null=True, blank=True)
    decision_number = models.CharField(_("决定文号"), max_length=80, blank=True)
    conferred_on = models.DateField(_("授予日期"), null=True, blank=True)
    revoked_on = models.DateField(_("撤销日期"), null=True, blank=True)
    revoke_reason = models.CharField(_("撤销原因"), max_length=300, blank=True)
    revoke_document = models.CharField(_("撤销文号"), max_length=80, blank=True)
    created_by = models.ForeignKey(settings.AUTH_USER_MODEL, models.SET_NULL, null=True, blank=True,
                                   verbose_name=_("录入人"))
    created_at = models.DateTimeField(auto_now_add=True)

    scope_path = "region__code"
    objects = ScopedQuerySet.as_manager()

    class Meta:
        ordering = ["-cycle", "honour_id", "id"]
        verbose_name = _("推荐评选")
        verbose_name_plural = _("推荐评选")
        indexes = [models.Index(fields=["honour", "cycle", "region", "state"])]
        constraints = [
            models.CheckConstraint(
                condition=(Q(person__isnull=False, team__isnull=True, studio__isnull=True)
                           | Q(person__isnull=True, team__isnull=False, studio__isnull=True)
                           | Q(person__isnull=True, team__isnull=True, studio__isnull=False)),
                name="nomination_one_subject"),
            # One live nomination per subject, honour and cycle (refused or withdrawn ones do not count).
            models.UniqueConstraint(fields=["honour", "cycle", "person"], condition=~Q(state__in=["rejected", "withdrawn"]),
                                    name="nomination_unique_person"),
            models.UniqueConstraint(fields=["honour", "cycle", "team"], condition=~Q(state__in=["rejected", "withdrawn"]),
                                    name="nomination_unique_team"),
            models.UniqueConstraint(fields=["honour", "cycle", "studio"], condition=~Q(state__in=["rejected", "withdrawn"]),
                                    name="nomination_unique_studio"),
            models.CheckConstraint(condition=Q(publicity_end__isnull=True) | Q(publicity_end__gte=models.F("publicity_start")),
                                   name="nomination_publicity_order"),
        ]

    def __str__(self):
        return f"{self.cycle} {self.honour} · {self.subject_name}"

    def get_absolute_url(self):
        return reverse("talent:nomination_detail", args=[self.pk])

    @property
    def subject_kind(self) -> str:
        return "person" if self.person_id else ("team" if self.team_id else "studio")


class Objection(models.Model):
    """An objection raised during publicity (公示异议) and how it was resolved."""

    nomination = models.ForeignKey(Nomination, models.CASCADE, related_name="objections", verbose_name=_("推荐"))
    received_on = models.DateField(_("收到日期"))
    summary = models.TextField(_("异议内容"))
    resolution = models.TextField(_("处理结果"), blank=True)
    upheld = models.BooleanField(_("异议成立"), null=True, blank=True)
    resolved_on = models.DateField(_("处理日期"), null=True, blank=True)

    scope_path = "nomination__region__code"
    objects = ScopedQuerySet.as_manager()

    class Meta:
        ordering = ["nomination_id", "received_on", "id"]
        verbose_name = _("公示异议")
        verbose_name_plural = _("公示异议")

    def __str__(self):
        return f"{self.nomination} · {self.received_on}"


class Mentorship(models.Model):
    """A master–apprentice pair (师带徒) with its goal and outcome."""

    class Goal(models.TextChoices):
        LEVEL = "level", _("达到技能等级")
        COMPETITION = "competition", _("竞赛获奖")
        OTHER = "other", _("其他")

    class Status(models.TextChoices):
        ACTIVE = "active", _("带徒中")
        ACHIEVED = "achieved", _("已达成")
        ENDED = "ended", _("已结束")

    master = models.ForeignKey(Person, models.PROTECT, related_name="apprenticeships_given", verbose_name=_("师傅"))
    apprentice = models.ForeignKey(Person, models.PROTECT, related_name="apprenticeships", verbose_name=_("徒弟"))
    region = models.ForeignKey(Region, models.PROTECT, verbose_name=_("行政区划"))
    started_on = models.DateField(_("结对日期"))
    goal = models.CharField(_("目标"), max_length=12, choices=Goal.choices, default=Goal.LEVEL)
    goal_level = models.PositiveSmallIntegerField(_("目标等级"), null=True, blank=True)
    goal_text = models.CharField(_("目标说明"), max_length=200, blank=True)
    status = models.CharField(_("状态"), max_length=10, choices=Status.choices, default=Status.ACTIVE)
    ended_on = models.DateField(_("结束日期"), null=True, blank=True)
    outcome = models.CharField(_("成果"), max_length=300, blank=True)

    scope_path = "region__code"
    objects = ScopedQuerySet.as_manager()

    class Meta:
        ordering = ["-started_on", "id"]
        verbose_name = _("师带徒")
        verbose_name_plural = _("师带徒")
        constraints = [
            models.CheckConstraint(condition=~Q(master=models.F("apprentice")), name="mentorship_not_self"),
            models.UniqueConstraint(fields=["master", "apprentice"], condition=Q(status="active"),
                                    name="mentorship_one_active_pair"),
        ]

    def __str__(self):
        return f"{self.master} → {self.apprentice}"


class TimelineEvent(models.Model):
    """A manual event on a person's or a team's timeline (care given, an enterprise visit, a promotion …), with an
    optional attachment; other events are read from each module's own records."""

    class Kind(models.TextChoices):
        CARE = "care", _("关爱服务")
        VISIT = "visit", _("助企服务")
        PROMOTION = "promotion", _("岗位晋升")
        RETIREMENT = "retirement", _("退休")
        OTHER = "other", _("其他")

    person = models.ForeignKey(Person, models.CASCADE, null=True, blank=True, related_name="timeline_events",
                               verbose_name=_("人员"))
    team = models.ForeignKey(Team, models.CASCADE, null=True, blank=True, related_name="timeline_events",
                             verbose_name=_("集体"))
    region = models.ForeignKey(Region, models.PROTECT, verbose_name=_("行政区划"))
    kind = models.CharField(_("类型"), max_length=12, choices=Kind.choices)
    on = models.DateField(_("日期"))
    title = models.CharField(_("事项"), max_length=120)
    detail = models.TextField(_("说明"), blank=True)
    attachment = models.FileField(_("附件"), upload_to="timeline/%Y/", blank=True)
    created_by = models.ForeignKey(settings.AUTH_USER_MODEL, models.SET_NULL, null=True, blank=True,
                                   verbose_name=_("录入人"))
    created_at = models.DateTimeField(auto_now_add=True)

    scope_path = "region__code"
    objects = ScopedQuerySet.as_manager()

    class Meta:
        ordering = ["-on", "-id"]
        verbose_name = _("成长记录")
        verbose_name_plural = _("成长记录")
        constraints = [models.CheckConstraint(condition=Q(person__isnull=False) | Q(team__isnull=False),
                                              name="timeline_event_has_subject")]

    def __str__(self):
        return f"{self.on} {self.title}"


class Profile(models.Model):
    """A person's computed precise profile (精准画像): six percentile scores among peers, tags, explanations."""

    person = models.OneToOneField(Person, models.CASCADE, related_name="talent_profile", verbose_name=_("人员"))
    region = models.ForeignKey(Region, models.PROTECT, verbose_name=_("同类人群地区"))
    occupation_group = models.CharField(_("职业类别"), max_length=40, blank=True)
    skill = models.PositiveSmallIntegerField(_("技能"), default=0)
    honours = models.PositiveSmallIntegerField(_("荣誉"), default=0)
    innovation = models.PositiveSmallIntegerField(_("创新"), default=0)
    mentoring = models.PositiveSmallIntegerField(_("带徒"), default=0)
    service = models.PositiveSmallIntegerField(_("服务企业"), default=0)
    growth = models.PositiveSmallIntegerField(_("成长"), default=0)
    raw = models.JSONField(_("原始指标"), default=dict)
    tags = models.JSONField(_("标签"), default=list)
    computed_at = models.DateTimeField(_("计算时间"))

    scope_path = "person__region__code"
    objects = ScopedQuerySet.as_manager()

    class Meta:
        verbose_name = _("精准画像")
        verbose_name_plural = _("精准画像")
        indexes = [models.Index(fields=["region", "occupation_group"])]

    def __str__(self):
        return f"{self.person} 画像"
