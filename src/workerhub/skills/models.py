"""Skills (SPEC §3): occupations, training, competitions, exam sessions and the one-exam-two-certificates scheme
(一试双证) — every pass yields a signed skill-level certificate and an enterprise-recognition certificate."""

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.urls import reverse
from django.utils.translation import gettext_lazy as _

from workerhub.core.models import Organisation, Person, Region
from workerhub.core.rules import mask_name
from workerhub.core.scope import ScopedQuerySet

from .certnumbers import level_label

LEVEL_CHOICES = [(n, level_label(n)) for n in (5, 4, 3, 2, 1)]


class Occupation(models.Model):
    """One occupation (or 工种) of the national classification, with the levels evaluated; loaded from data."""

    code = models.CharField(_("职业编码"), max_length=20, blank=True)
    name = models.CharField(_("职业名称"), max_length=60, unique=True)
    parent_name = models.CharField(_("所属职业"), max_length=60, blank=True)
    levels = models.JSONField(_("开设等级"), default=list)
    digital = models.BooleanField(_("数字职业"), default=False)
    proposed = models.BooleanField(_("拟新增"), default=False)
    verified = models.BooleanField(_("编码已核实"), default=False)
    note = models.CharField(_("说明"), max_length=300, blank=True)
    eligibility = models.JSONField(_("申报条件"), default=dict, blank=True)

    class Meta:
        ordering = ["name"]
        verbose_name = _("职业")
        verbose_name_plural = _("职业")

    def __str__(self):
        return self.name

    def as_rule_data(self) -> dict:
        """The dict rules.check_eligibility reads."""
        return {"name": self.name, "levels": self.levels, "eligibility": self.eligibility or None}


class Evaluator(models.Model):
    """An organisation recorded as a skill-evaluation body: its issuer type and 4-digit institution code."""

    class IssuerType(models.TextChoices):
        EMPLOYER = "Y", _("用人单位")
        SOCIAL = "S", _("社会培训评价组织")

    organisation = models.OneToOneField(Organisation, models.PROTECT, related_name="evaluator",
                                        verbose_name=_("评价机构"))
    issuer_type = models.CharField(_("机构类型"), max_length=1, choices=IssuerType.choices)
    institution_code = models.CharField(_("机构代码"), max_length=4)
    query_url = models.CharField(_("证书查询网址"), max_length=200, blank=True)

    scope_path = "organisation__region__code"
    objects = ScopedQuerySet.as_manager()

    class Meta:
        verbose_name = _("评价机构备案")
        verbose_name_plural = _("评价机构备案")
        constraints = [models.UniqueConstraint(fields=["issuer_type", "institution_code"],
                                               name="evaluator_code_unique")]

    def __str__(self):
        return f"{self.organisation.name} ({self.issuer_type}{self.institution_code})"


class Alliance(models.Model):
    """A co-training alliance (协同培育联盟) of colleges, enterprises and training bodies."""

    name = models.CharField(_("联盟名称"), max_length=120)
    region = models.ForeignKey(Region, models.PROTECT, verbose_name=_("行政区划"))
    lead = models.ForeignKey(Organisation, models.PROTECT, related_name="led_alliances", verbose_name=_("牵头单位"))
    founded_on = models.DateField(_("成立日期"), null=True, blank=True)
    description = models.TextField(_("简介"), blank=True)

    scope_path = "region__code"
    objects = ScopedQuerySet.as_manager()

    class Meta:
        ordering = ["region_id", "name"]
        verbose_name = _("协同培育联盟")
        verbose_name_plural = _("协同培育联盟")

    def __str__(self):
        return self.name

    def get_absolute_url(self):
        return reverse("skills:alliance_detail", args=[self.pk])


class AllianceMember(models.Model):
    """One organisation's membership of an alliance and whether it recognises the alliance's certificates."""

    class Kind(models.TextChoices):
        COLLEGE = "college", _("院校")
        ENTERPRISE = "enterprise", _("企业")
        TRAINING = "training", _("培训机构")
        EVALUATOR = "evaluator", _("评价机构")
        UNION = "union", _("工会")

    alliance = models.ForeignKey(Alliance, models.CASCADE, related_name="members", verbose_name=_("联盟"))
    organisation = models.ForeignKey(Organisation, models.PROTECT, related_name="alliance_memberships",
                                     verbose_name=_("成员单位"))
    kind = models.CharField(_("成员类型"), max_length=12, choices=Kind.choices)
    recognises = models.BooleanField(_("认可联盟证书"), default=True)
    joined_on = models.DateField(_("加入日期"), null=True, blank=True)

    scope_path = "alliance__region__code"
    objects = ScopedQuerySet.as_manager()

    class Meta:
        ordering = ["alliance_id", "kind", "id"]
        verbose_name = _("联盟成员")
        verbose_name_plural = _("联盟成员")
        constraints = [models.UniqueConstraint(fields=["alliance", "organisation"], name="alliance_member_unique")]

    def __str__(self):
        return f"{self.alliance} · {self.organisation}"


class Course(models.Model):
    """A training course (e.g. Ningbo's CAD制图), run by an organiser, possibly shared in an alliance."""

    title = models.CharField(_("课程名称"), max_length=120)
    occupation = models.ForeignKey(Occupation, models.PROTECT, null=True, blank=True, verbose_name=_("对应职业"))
    organiser = models.ForeignKey(Organisation, models.PROTECT, related_name="courses", verbose_name=_("主办单位"))
    region = models.ForeignKey(Region, models.PROTECT, verbose_name=_("行政区划"))
    alliance = models.ForeignKey(Alliance, models.SET_NULL, null=True, blank=True, related_name="courses",
                                 verbose_name=_("共享联盟"))
    hours = models.PositiveSmallIntegerField(_("学时"), default=0)
    capacity = models.PositiveIntegerField(_("名额"), null=True, blank=True)
    # Share of sessions a learner must attend to complete the course (training practice: 80%).
    completion_ratio = models.DecimalField(_("结业出勤比例"), max_digits=3, decimal_places=2, default=0.8)
    description = models.TextField(_("课程简介"), blank=True)

    scope_path = "region__code"
    objects = ScopedQuerySet.as_manager()

    class Meta:
        ordering = ["region_id", "title"]
        verbose_name = _("培训课程")
        verbose_name_plural = _("培训课程")

    def __str__(self):
        return self.title

    def get_absolute_url(self):
        return reverse("skills:course_detail", args=[self.pk])


class CourseSession(models.Model):
    """One class meeting of a course."""

    course = models.ForeignKey(Course, models.CASCADE, related_name="sessions", verbose_name=_("课程"))
    starts_at = models.DateTimeField(_("开始时间"))
    ends_at = models.DateTimeField(_("结束时间"))
    venue = models.CharField(_("地点"), max_length=120, blank=True)
    topic = models.CharField(_("内容"), max_length=120, blank=True)

    scope_path = "course__region__code"
    objects = ScopedQuerySet.as_manager()

    class Meta:
        ordering = ["course_id", "starts_at"]
        verbose_name = _("课次")
        verbose_name_plural = _("课次")
        constraints = [models.CheckConstraint(condition=Q(ends_at__gt=models.F("starts_at")),
                                              name="course_session_ends_after_start")]

    def __str__(self):
        return f"{self.course} {self.starts_at:%Y-%m-%d %H:%M}"


class Enrolment(models.Model):
    """One person's place on a course, with completion once enough sessions were attended."""

    class Status(models.TextChoices):
        ENROLLED = "enrolled", _("在学")
        COMPLETED = "completed", _("已结业")
        WITHDRAWN = "withdrawn", _("已退出")

    course = models.ForeignKey(Course, models.CASCADE, related_name="enrolments", verbose_name=_("课程"))
    person = models.ForeignKey(Person, models.PROTECT, related_name="enrolments", verbose_name=_("学员"))
    status = models.CharField(_("状态"), max_length=10, choices=Status.choices, default=Status.ENROLLED)
    enrolled_on = models.DateField(_("报名日期"))
    completed_on = models.DateField(_("结业日期"), null=True, blank=True)
    attended = models.ManyToManyField(CourseSession, blank=True, related_name="attendees",
                                      verbose_name=_("出勤课次"))

    scope_path = "course__region__code"
    objects = ScopedQuerySet.as_manager()

    class Meta:
        ordering = ["course_id", "id"]
        verbose_name = _("报名")
        verbose_name_plural = _("报名")
        constraints = [models.UniqueConstraint(fields=["course", "person"], name="enrolment_unique")]

    def __str__(self):
        return f"{self.person} · {self.course}"


class Competition(models.Model):
    """A skills competition with its tier and class (一类 cross-industry / 二类 single-industry)."""

    class Tier(models.TextChoices):
        NATIONAL = "national", _("国家级")
        PROVINCIAL = "provincial", _("省级")
        CITY = "city", _("市级")
        COUNTY = "county", _("县级")
        ENTERPRISE = "enterprise", _("企业级")

    class ContestClass(models.IntegerChoices):
        CROSS_INDUSTRY = 1, _("一类")
        SINGLE_INDUSTRY = 2, _("二类")

    name = models.CharField(_("竞赛名称"), max_length=160)
    tier = models.CharField(_("级别"), max_length=12, choices=Tier.choices)
    contest_class = models.PositiveSmallIntegerField(_("类别"), choices=ContestClass.choices, null=True, blank=True)
    organiser = models.ForeignKey(Organisation, models.PROTECT, related_name="competitions",
                                  verbose_name=_("主办单位"))
    region = models.ForeignKey(Region, models.PROTECT, verbose_name=_("行政区划"))
    held_on = models.DateField(_("举办日期"))

    scope_path = "region__code"
    objects = ScopedQuerySet.as_manager()

    class Meta:
        ordering = ["-held_on", "name"]
        verbose_name = _("技能竞赛")
        verbose_name_plural = _("技能竞赛")

    def __str__(self):
        return self.name

    def get_absolute_url(self):
        return reverse("skills:competition_detail", args=[self.pk])


class CompetitionEvent(models.Model):
    """One event of a competition, for one occupation (individual or team of 2–3)."""

    competition = models.ForeignKey(Competition, models.CASCADE, related_name="events", verbose_name=_("竞赛"))
    name = models.CharField(_("赛项"), max_length=120)
    occupation = models.ForeignKey(Occupation, models.PROTECT, null=True, blank=True, verbose_name=_("对应职业"))
    team_size = models.PositiveSmallIntegerField(_("每队人数"), default=1)

    scope_path = "competition__region__code"
    objects = ScopedQuerySet.as_manager()

    class Meta:
        ordering = ["competition_id", "name"]
        verbose_name = _("赛项")
        verbose_name_plural = _("赛项")

    def __str__(self):
        return f"{self.competition} · {self.name}"


class CompetitionResult(models.Model):
    """One contestant's placing in an event."""

    event = models.ForeignKey(CompetitionEvent, models.CASCADE, related_name="results", verbose_name=_("赛项"))
    person = models.ForeignKey(Person, models.PROTECT, related_name="competition_results", verbose_name=_("选手"))
    rank = models.PositiveIntegerField(_("名次"), null=True, blank=True)
    score = models.DecimalField(_("成绩"), max_digits=6, decimal_places=2, null=True, blank=True)
    award = models.CharField(_("奖项"), max_length=20, blank=True)

    scope_path = "event__competition__region__code"
    objects = ScopedQuerySet.as_manager()

    class Meta:
        ordering = ["event_id", "rank", "id"]
        verbose_name = _("竞赛成绩")
        verbose_name_plural = _("竞赛成绩")
        constraints = [models.UniqueConstraint(fields=["event", "person"], name="competition_result_unique")]

    def __str__(self):
        return f"{self.person} · {self.event} · {self.rank or self.award}"


class Credit(models.Model):
    """What a competition result earned by policy (a title or a level promotion), applied by a service."""

    class Kind(models.TextChoices):
        TITLE = "title", _("荣誉称号")
        PROMOTION = "promotion", _("等级晋升")

    class Status(models.TextChoices):
        GRANTED = "granted", _("已认定")
        PENDING = "pending", _("待审核")
        REFUSED = "refused", _("审核未通过")

    result = models.ForeignKey(CompetitionResult, models.CASCADE, related_name="credits", verbose_name=_("竞赛成绩"))
    kind = models.CharField(_("类型"), max_length=10, choices=Kind.choices)
    title = models.CharField(_("内容"), max_length=40)
    level = models.PositiveSmallIntegerField(_("晋升等级"), choices=LEVEL_CHOICES, null=True, blank=True)
    status = models.CharField(_("状态"), max_length=10, choices=Status.choices)
    basis = models.CharField(_("依据"), max_length=200)
    decided_at = models.DateTimeField(_("认定时间"), null=True, blank=True)

    scope_path = "result__event__competition__region__code"
    objects = ScopedQuerySet.as_manager()

    class Meta:
        ordering = ["result_id", "kind"]
        verbose_name = _("竞赛积分")
        verbose_name_plural = _("竞赛积分")
        constraints = [models.UniqueConstraint(fields=["result", "kind", "title"], name="credit_unique")]

    def __str__(self):
        return f"{self.result.person} · {self.title}"


class ExamSession(models.Model):
    """One sitting of a skill-level exam: occupation, level, date, site, evaluator, partner enterprise."""

    class Status(models.TextChoices):
        OPEN = "open", _("报名中")
        CLOSED = "closed", _("报名截止")
        PUBLISHED = "published", _("已发布成绩")

    occupation = models.ForeignKey(Occupation, models.PROTECT, verbose_name=_("职业"))
    work_type = models.CharField(_("工种"), max_length=60, blank=True)
    level = models.PositiveSmallIntegerField(_("等级"), choices=LEVEL_CHOICES)
    exam_date = models.DateField(_("考试日期"))
    site = models.CharField(_("考点"), max_length=120)
    # 6-digit 评价站点 serial of the certificate number (人社鉴发〔2019〕2号).
    site_code = models.CharField(_("考点编码"), max_length=6)
    region = models.ForeignKey(Region, models.PROTECT, verbose_name=_("考点所在地"))
    evaluator = models.ForeignKey(Evaluator, models.PROTECT, related_name="sessions", verbose_name=_("评价机构"))
    alliance = models.ForeignKey(Alliance, models.SET_NULL, null=True, blank=True, related_name="exam_sessions",
                                 verbose_name=_("联盟"))
    partner = models.ForeignKey(Organisation, models.PROTECT, null=True, blank=True, related_name="partner_sessions",
                                verbose_name=_("合作企业(颁发企业认可证书)"))
    capacity = models.PositiveIntegerField(_("名额"))
    status = models.CharField(_("状态"), max_length=10, choices=Status.choices, default=Status.OPEN)
    published_at = models.DateTimeField(_("发布时间"), null=True, blank=True)
    issued_on = models.DateField(_("发证日期"), null=True, blank=True)

    scope_path = "region__code"
    objects = ScopedQuerySet.as_manager()

    class Meta:
        ordering = ["-exam_date", "id"]
        verbose_name = _("考试批次")
        verbose_name_plural = _("考试批次")
        constraints = [models.CheckConstraint(condition=Q(level__gte=1, level__lte=5), name="exam_session_level")]

    def __str__(self):
        return f"{self.exam_date:%Y-%m-%d} {self.occupation} {level_label(self.level)}"

    def get_absolute_url(self):
        return reverse("skills:session_detail", args=[self.pk])

    @property
    def level_label(self) -> str:
        return level_label(self.level)


class Registration(models.Model):
    """One candidate in an exam session: the eligibility explanation, scores and, once published, the result."""

    class Result(models.TextChoices):
        PENDING = "pending", _("待发布")
        PASSED = "passed", _("合格")
        FAILED = "failed", _("不合格")
        ABSENT = "absent", _("缺考")

    session = models.ForeignKey(ExamSession, models.PROTECT, related_name="registrations", verbose_name=_("考试批次"))
    person = models.ForeignKey(Person, models.PROTECT, related_name="exam_registrations", verbose_name=_("考生"))
    registered_by = models.ForeignKey(settings.AUTH_USER_MODEL, models.SET_NULL, null=True, blank=True,
                                      verbose_name=_("报名人"))
    via = models.CharField(_("报名方式"), max_length=20)  # self | enterprise_union | evaluator | import
    declared = models.JSONField(_("申报信息"), default=dict)
    eligibility = models.JSONField(_("资格审核"), default=dict)
    theory = models.DecimalField(_("理论知识"), max_digits=4, decimal_places=1, null=True, blank=True)
    practical = models.DecimalField(_("操作技能"), max_digits=4, decimal_places=1, null=True, blank=True)
    review_passed = models.BooleanField(_("综合评审通过"), null=True, blank=True)
    absent = models.BooleanField(_("缺考"), default=False)
    result = models.CharField(_("结果"), max_length=10, choices=Result.choices, default=Result.PENDING)
    created_at = models.DateTimeField(auto_now_add=True)

    scope_path = "session__region__code"
    objects = ScopedQuerySet.as_manager()

    class Meta:
        ordering = ["session_id", "id"]
        verbose_name = _("考生报名")
        verbose_name_plural = _("考生报名")
        constraints = [
            models.UniqueConstraint(fields=["session", "person"], name="registration_unique"),
            models.CheckConstraint(condition=Q(theory__isnull=True) | Q(theory__gte=0, theory__lte=100),
                                   name="registration_theory_range"),
            models.CheckConstraint(condition=Q(practical__isnull=True) | Q(practical__gte=0, practical__lte=100),
                                   name="registration_practical_range"),
        ]

    def __str__(self):
        return f"{self.person} · {self.session}"


class ScoreAmendment(models.Model):
    """An audited correction of a published score (scores are otherwise frozen after publishing)."""

    registration = models.ForeignKey(Registration, models.PROTECT, related_name="amendments",
                                     verbose_name=_("考生报名"))
    field = models.CharField(_("项目"), max_length=20)
    old_value = models.CharField(_("原值"), max_length=20, blank=True)
    new_value = models.CharField(_("新值"), max_length=20, blank=True)
    reason = models.CharField(_("更正原因"), max_length=300)
    actor = models.ForeignKey(settings.AUTH_USER_MODEL, models.SET_NULL, null=True, blank=True,
                              verbose_name=_("操作人"))
    at = models.DateTimeField(_("时间"), auto_now_add=True)

    scope_path = "registration__session__region__code"
    objects = ScopedQuerySet.as_manager()

    class Meta:
        ordering = ["registration_id", "at"]
        verbose_name = _("成绩更正")
        verbose_name_plural = _("成绩更正")

    def __str__(self):
        return f"{self.registration} {self.field}: {self.old_value} → {self.new_value}"


class Serial(models.Model):
    """The last serial handed out in one numbering series (certificate numbers); rows are locked to count."""

    key = models.CharField(max_length=80, unique=True)
    last = models.PositiveIntegerField(default=0)

    def __str__(self):
        return f"{self.key}: {self.last}"


class Certificate(models.Model):
    """One issued certificate — skill-level (职业技能等级证书) or enterprise recognition (企业认可证书).

    Holder, occupation and issuer are copied at issue: a certificate says what it said on the day it was
    handed over, whatever later happens to the person's record. ``region`` is the holder's region then.
    """

    class Kind(models.TextChoices):
        SKILL_LEVEL = "skill_level", _("职业技能等级证书")
        ENTERPRISE = "enterprise", _("企业认可证书")

    class Status(models.TextChoices):
        VALID = "valid", _("有效")
        REVOKED = "revoked", _("已撤销")

    number = models.CharField(_("证书编号"), max_length=40, unique=True)
    kind = models.CharField(_("证书类型"), max_length=12, choices=Kind.choices)
    registration = models.ForeignKey(Registration, models.PROTECT, null=True, blank=True,
                                     related_name="certificates", verbose_name=_("考生报名"))
    person = models.ForeignKey(Person, models.PROTECT, related_name="certificates", verbose_name=_("持证人"))
    holder_name = models.CharField(_("姓名"), max_length=50)
    holder_id_masked = models.CharField(_("证件号码"), max_length=30)
    occupation = models.ForeignKey(Occupation, models.PROTECT, verbose_name=_("职业"))
    occupation_name = models.CharField(_("职业名称"), max_length=60)
    work_type = models.CharField(_("工种"), max_length=60, blank=True)
    level = models.PositiveSmallIntegerField(_("等级"), choices=LEVEL_CHOICES)
    issuer = models.ForeignKey(Organisation, models.PROTECT, related_name="issued_certificates",
                               verbose_name=_("发证单位"))
    issuer_name = models.CharField(_("发证单位名称"), max_length=120)
    issued_on = models.DateField(_("发证日期"))
    recognised_by = models.ManyToManyField(Organisation, blank=True, related_name="recognised_certificates",
                                           verbose_name=_("认可单位"))
    region = models.ForeignKey(Region, models.PROTECT, verbose_name=_("持证人所在地区"))
    token = models.CharField(_("签名令牌"), max_length=160)
    status = models.CharField(_("状态"), max_length=10, choices=Status.choices, default=Status.VALID)
    revoked_on = models.DateField(_("撤销日期"), null=True, blank=True)
    revoked_reason = models.CharField(_("撤销原因"), max_length=300, blank=True)
    revoked_document = models.CharField(_("撤销文号"), max_length=80, blank=True)
    created_at = models.DateTimeField(auto_now_add=True)

    scope_path = "region__code"
    objects = ScopedQuerySet.as_manager()

    class Meta:
        ordering = ["-issued_on", "number"]
        verbose_name = _("证书")
        verbose_name_plural = _("证书")
        indexes = [models.Index(fields=["person", "kind"]), models.Index(fields=["region", "issued_on"])]
        constraints = [
            # The database itself refuses a second certificate of a kind for one pass: publishing is idempotent.
            models.UniqueConstraint(fields=["registration", "kind"], name="certificate_one_per_kind"),
            models.CheckConstraint(
                condition=Q(status="valid", revoked_on__isnull=True)
                | Q(status="revoked", revoked_on__isnull=False) & ~Q(revoked_reason=""),
                name="certificate_revocation_complete",
            ),
        ]

    def __str__(self):
        return f"{self.number} {self.holder_name}"

    def get_absolute_url(self):
        return reverse("skills:certificate_detail", args=[self.pk])

    @property
    def level_label(self) -> str:
        return level_label(self.level)

    @property
    def holder_masked(self) -> str:
        """"张*明": what the public verification shows."""
        return mask_name(self.holder_name)
