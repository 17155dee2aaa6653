"""Foundations shared by every WorkerHub app: regions, organisations, people, users and roles,
the audit log, personal API tokens and background jobs."""

import hashlib
import secrets

from django.conf import settings
from django.contrib.auth.models import AbstractUser
from django.db import models
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from . import rules
from .pii import EncryptedTextField
from .scope import ScopedQuerySet


class Region(models.Model):
    """One GB/T 2260 administrative division; retired codes are kept with their valid_to date."""

    class Level(models.TextChoices):
        PROVINCE = "province", _("省级")
        PREFECTURE = "prefecture", _("地级")
        COUNTY = "county", _("县级")
        TOWN = "town", _("乡级")
        VILLAGE = "village", _("村级")

    code = models.CharField(_("代码"), max_length=12, primary_key=True)
    name = models.CharField(_("名称"), max_length=60)
    level = models.CharField(_("级别"), max_length=12, choices=Level.choices)
    parent = models.ForeignKey("self", models.PROTECT, null=True, blank=True, related_name="children")
    valid_from = models.DateField(_("启用日期"), null=True, blank=True)
    valid_to = models.DateField(_("撤销日期"), null=True, blank=True)
    note = models.CharField(_("备注"), max_length=200, blank=True)

    scope_path = "code"
    objects = ScopedQuerySet.as_manager()

    class Meta:
        ordering = ["code"]
        verbose_name = _("行政区划")
        verbose_name_plural = _("行政区划")

    def __str__(self):
        return self.name

    @property
    def prefix(self) -> str:
        return rules.region_prefix(self.code)

    @property
    def current(self) -> bool:
        return self.valid_to is None or self.valid_to > timezone.localdate()


class Organisation(models.Model):
    """A federation, enterprise, evaluation body, college, bank, HPF centre or station operator."""

    class Kind(models.TextChoices):
        FEDERATION = "federation", _("总工会")
        ENTERPRISE = "enterprise", _("企业")
        ENTERPRISE_UNION = "enterprise_union", _("企业工会")
        EVALUATOR = "evaluator", _("评价机构")
        COLLEGE = "college", _("院校")
        BANK = "bank", _("银行")
        HPF_CENTRE = "hpf_centre", _("公积金中心")
        STATION_OPERATOR = "station_operator", _("站点运营方")
        OTHER = "other", _("其他")

    name = models.CharField(_("名称"), max_length=120)
    kind = models.CharField(_("类型"), max_length=20, choices=Kind.choices)
    region = models.ForeignKey(Region, models.PROTECT, verbose_name=_("行政区划"))
    credit_code = models.CharField(_("统一社会信用代码"), max_length=18, null=True, blank=True, unique=True)
    parent = models.ForeignKey(
        "self", models.PROTECT, null=True, blank=True, related_name="children", verbose_name=_("上级组织")
    )
    created_at = models.DateTimeField(auto_now_add=True)

    scope_path = "region__code"
    objects = ScopedQuerySet.as_manager()

    class Meta:
        ordering = ["region_id", "name"]
        verbose_name = _("组织")
        verbose_name_plural = _("组织")
        constraints = [models.UniqueConstraint(fields=["name", "region"], name="organisation_name_region")]

    def __str__(self):
        return self.name

    def get_absolute_url(self):
        return reverse("organisation_detail", args=[self.pk])


class Person(models.Model):
    """A worker or any other natural person the platform records; ID number and phone encrypted."""

    class Sex(models.TextChoices):
        MALE = "M", _("男")
        FEMALE = "F", _("女")

    class Employment(models.TextChoices):
        EMPLOYEE = "employee", _("在职职工")
        FLEXIBLE = "flexible", _("灵活就业")
        RETIRED = "retired", _("退休")

    class Education(models.TextChoices):
        NONE = "", _("未填写")
        JUNIOR = "junior", _("初中及以下")
        SENIOR = "senior", _("高中/中专/技校")
        COLLEGE = "college", _("大专")
        BACHELOR = "bachelor", _("本科")
        MASTER = "master", _("硕士")
        DOCTOR = "doctor", _("博士")

    name = models.CharField(_("姓名"), max_length=50, db_index=True)
    id_number = EncryptedTextField(_("身份证号码"))
    # Unique through Meta.constraints rather than unique=True: PostgreSQL would add a useless LIKE index.
    id_number_hash = models.CharField(max_length=64, editable=False)
    phone = EncryptedTextField(_("手机号码"), blank=True, null=True)
    phone_hash = models.CharField(max_length=64, blank=True, editable=False)
    birth_date = models.DateField(_("出生日期"), editable=False)
    sex = models.CharField(_("性别"), max_length=1, choices=Sex.choices, editable=False)
    # The composite indexes below serve these foreign keys; single-column twins would only slow imports.
    region = models.ForeignKey(Region, models.PROTECT, db_index=False, verbose_name=_("所在地区"))
    employer = models.ForeignKey(
        Organisation, models.PROTECT, null=True, blank=True, db_index=False, related_name="employees",
        verbose_name=_("工作单位")
    )
    occupation = models.CharField(_("职业(工种)"), max_length=80, blank=True)
    education = models.CharField(_("学历"), max_length=10, choices=Education.choices, blank=True)
    employment_type = models.CharField(
        _("就业类型"), max_length=10, choices=Employment.choices, default=Employment.EMPLOYEE
    )
    union_member_since = models.DateField(_("入会日期"), null=True, blank=True)
    union = models.ForeignKey(
        Organisation, models.PROTECT, null=True, blank=True, related_name="members", verbose_name=_("所属工会")
    )
    membership_confirmed_at = models.DateTimeField(_("会籍确认时间"), null=True, blank=True)
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    scope_path = "region__code"
    objects = ScopedQuerySet.as_manager()

    class Meta:
        ordering = ["region_id", "name", "id"]
        verbose_name = _("人员")
        verbose_name_plural = _("人员")
        permissions = [("view_personal_data", _("查看完整的身份证号码和手机号码"))]
        indexes = [models.Index(fields=["region", "name"]), models.Index(fields=["employer", "name"]),
                   models.Index(fields=["phone_hash"], name="person_phone_hash")]
        constraints = [models.UniqueConstraint(fields=["id_number_hash"], name="person_id_number_hash_unique")]

    def __str__(self):
        return self.name

    def get_absolute_url(self):
        return reverse("person_detail", args=[self.pk])

    @property
    def id_number_masked(self) -> str:
        return rules.mask_id_number(self.id_number)

    @property
    def phone_masked(self) -> str:
        return rules.mask_phone(self.phone or "")


class User(AbstractUser):
    """A login. Roles come from RoleBinding rows; a worker's login may point at their Person."""

    person = models.OneToOneField(
        Person, models.SET_NULL, null=True, blank=True, related_name="user", verbose_name=_("人员")
    )

    class Meta:
        verbose_name = _("用户")
        verbose_name_plural = _("用户")

    def bindings(self):
        """The user's role bindings with their organisations (cached for the request)."""
        if not hasattr(self, "_bindings_cache"):
            self._bindings_cache = list(self.role_bindings.select_related("organisation__region"))
        return self._bindings_cache

    def roles(self) -> set[str]:
        return {b.role for b in self.bindings()}


class Role(models.TextChoices):
    FEDERATION_ADMIN = "federation_admin", _("总工会管理员")
    ENTERPRISE_UNION = "enterprise_union", _("企业工会")
    EVALUATOR = "evaluator", _("评价机构")
    HPF_CLERK = "hpf_clerk", _("公积金经办员")
    STATION_KEEPER = "station_keeper", _("站点管理员")
    WORKER = "worker", _("职工")


class RoleBinding(models.Model):
    """One role a user holds, bound to one organisation whose region bounds what the role sees."""

    user = models.ForeignKey(User, models.CASCADE, related_name="role_bindings", verbose_name=_("用户"))
    role = models.CharField(_("角色"), max_length=20, choices=Role.choices)
    organisation = models.ForeignKey(Organisation, models.PROTECT, verbose_name=_("组织"))

    scope_path = "organisation__region__code"
    objects = ScopedQuerySet.as_manager()

    class Meta:
        verbose_name = _("角色授权")
        verbose_name_plural = _("角色授权")
        constraints = [
            models.UniqueConstraint(fields=["user", "role", "organisation"], name="rolebinding_unique")
        ]

    def __str__(self):
        return f"{self.get_role_display()} @ {self.organisation}"


class AuditEntry(models.Model):
    """One audited event: who did what to which record, when, from where. Never updated or deleted."""

    class Action(models.TextChoices):
        CREATE = "create", _("新建")
        CHANGE = "change", _("修改")
        DELETE = "delete", _("删除")
        TRANSITION = "transition", _("状态变更")
        EXPORT = "export", _("导出")
        IMPORT = "import", _("导入")
        VIEW_PII = "view_pii", _("查看个人信息")
        LOGIN = "login", _("登录成功")
        LOGIN_FAILED = "login_failed", _("登录失败")
        LOGOUT = "logout", _("退出")

    at = models.DateTimeField(_("时间"), default=timezone.now, db_index=True)
    actor = models.ForeignKey(
        settings.AUTH_USER_MODEL, models.SET_NULL, null=True, blank=True, verbose_name=_("操作人")
    )
    actor_name = models.CharField(_("操作人账号"), max_length=150, blank=True)
    action = models.CharField(_("操作"), max_length=20, choices=Action.choices)
    object_type = models.CharField(_("对象类型"), max_length=60, blank=True, db_index=True)
    object_id = models.CharField(_("对象编号"), max_length=64, blank=True)
    object_repr = models.CharField(_("对象"), max_length=200, blank=True)
    region = models.ForeignKey(Region, models.PROTECT, null=True, blank=True, verbose_name=_("地区"))
    changes = models.JSONField(_("变更内容"), default=dict, blank=True)
    ip = models.GenericIPAddressField(_("IP 地址"), null=True, blank=True)

    scope_path = "region__code"
    objects = ScopedQuerySet.as_manager()

    class Meta:
        ordering = ["-at", "-id"]
        verbose_name = _("审计日志")
        verbose_name_plural = _("审计日志")
        indexes = [models.Index(fields=["object_type", "object_id", "-at"])]

    def __str__(self):
        return f"{self.at:%Y-%m-%d %H:%M} {self.actor_name} {self.get_action_display()} {self.object_repr}"

    def save(self, *args, **kwargs):
        if self.pk is not None:
            raise PermissionError("audit entries are append-only")
        super().save(*args, **kwargs)

    def delete(self, *args, **kwargs):
        raise PermissionError("audit entries are append-only")


class ApiToken(models.Model):
    """A personal API token; only its SHA-256 is stored, the token is shown once at creation."""

    user = models.ForeignKey(User, models.CASCADE, related_name="api_tokens")
    name = models.CharField(_("用途"), max_length=80)
    prefix = models.CharField(max_length=8, editable=False)
    digest = models.CharField(max_length=64, unique=True, editable=False)
    created_at = models.DateTimeField(auto_now_add=True)
    expires_at = models.DateTimeField(_("有效期至"), null=True, blank=True)
    last_used_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        verbose_name = _("API 令牌")
        verbose_name_plural = _("API 令牌")

    def __str__(self):
        return f"{self.name} ({self.prefix}…)"

    @staticmethod
    def digest_of(token: str) -> str:
        return hashlib.sha256(token.encode()).hexdigest()

    @classmethod
    def issue(cls, user, name: str, expires_at=None) -> tuple["ApiToken", str]:
        token = "wh_" + secrets.token_urlsafe(32)
        row = cls.objects.create(
            user=user, name=name, prefix=token[:8], digest=cls.digest_of(token), expires_at=expires_at
        )
        return row, token


class Job(models.Model):
    """A long piece of work (an import, a bulk issue) with progress that pages and the CLI poll."""

    class Status(models.TextChoices):
        QUEUED = "queued", _("排队中")
        RUNNING = "running", _("进行中")
        DONE = "done", _("已完成")
        FAILED = "failed", _("失败")

    kind = models.CharField(_("任务"), max_length=40)
    status = models.CharField(_("状态"), max_length=10, choices=Status.choices, default=Status.QUEUED)
    done = models.PositiveIntegerField(default=0)
    total = models.PositiveIntegerField(default=0)
    message = models.TextField(blank=True)
    params = models.JSONField(default=dict, blank=True)
    result = models.JSONField(default=dict, blank=True)
    created_by = models.ForeignKey(settings.AUTH_USER_MODEL, models.SET_NULL, null=True, blank=True)
    region = models.ForeignKey(Region, models.PROTECT, null=True, blank=True)
    created_at = models.DateTimeField(auto_now_add=True)
    finished_at = models.DateTimeField(null=True, blank=True)

    scope_path = "region__code"
    objects = ScopedQuerySet.as_manager()

    class Meta:
        ordering = ["-created_at"]
        verbose_name = _("后台任务")
        verbose_name_plural = _("后台任务")

    def __str__(self):
        return f"{self.kind} #{self.pk}"

    @property
    def percent(self) -> int:
        return int(100 * self.done / self.total) if self.total else (100 if self.status == "done" else 0)
