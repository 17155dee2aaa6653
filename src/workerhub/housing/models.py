"""Housing provident fund for flexible workers (SPEC §6): accounts, an append-only double-entry ledger,
loan applications and loans. Policy figures live in data/policy.json, never in these tables."""

from decimal import Decimal

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.urls import reverse
from django.utils.translation import gettext_lazy as _

from workerhub.core.models import Organisation, Person, Region
from workerhub.core.scope import ScopedQuerySet

MONEY = {"max_digits": 14, "decimal_places": 2}


class HpfAccount(models.Model):
    """One flexible worker's account at a city's HPF centre; its balance is the sum of its ledger entries."""

    class Status(models.TextChoices):
        PENDING = "pending", _("待确认")
        ACTIVE = "active", _("正常")
        FROZEN = "frozen", _("封存")
        CLOSED = "closed", _("已销户")

    class Mode(models.TextChoices):
        MONTHLY = "monthly", _("按月缴存")
        LUMP_SUM = "lump_sum", _("一次性缴存")

    number = models.CharField(_("账号"), max_length=20, unique=True)
    person = models.ForeignKey(Person, models.PROTECT, related_name="hpf_accounts", verbose_name=_("缴存人"))
    centre = models.ForeignKey(Organisation, models.PROTECT, verbose_name=_("公积金中心"))
    region = models.ForeignKey(Region, models.PROTECT, verbose_name=_("开户地"))
    declared_base = models.DecimalField(_("缴存基数(元/月)"), **MONEY)
    ratio = models.DecimalField(_("缴存比例(%)"), max_digits=5, decimal_places=2)
    mode = models.CharField(_("缴存方式"), max_length=10, choices=Mode.choices, default=Mode.MONTHLY)
    status = models.CharField(_("状态"), max_length=10, choices=Status.choices, default=Status.PENDING)
    policy_id = models.CharField(_("适用政策版本"), max_length=60)
    opened_at = models.DateTimeField(_("申请时间"), auto_now_add=True)
    confirmed_at = models.DateTimeField(_("确认时间"), null=True, blank=True)
    confirmed_by = models.ForeignKey(settings.AUTH_USER_MODEL, models.PROTECT, null=True, blank=True,
                                     related_name="+", verbose_name=_("确认人"))
    closed_at = models.DateTimeField(_("销户时间"), null=True, blank=True)
    close_reason = models.CharField(_("销户原因"), max_length=200, blank=True)

    scope_path = "region__code"
    objects = ScopedQuerySet.as_manager()

    class Meta:
        ordering = ["-opened_at"]
        verbose_name = _("公积金账户")
        verbose_name_plural = _("公积金账户")
        constraints = [
            models.UniqueConstraint(fields=["person", "centre"], condition=~Q(status="closed"),
                                    name="one_open_account_per_person_and_centre"),
            models.CheckConstraint(condition=Q(declared_base__gt=0) & Q(ratio__gt=0) & Q(ratio__lte=100),
                                   name="account_base_and_ratio_positive"),
        ]

    def __str__(self):
        return f"{self.number} {self.person.name}"

    def get_absolute_url(self):
        return reverse("housing:account_detail", args=[self.pk])

    @property
    def monthly_deposit(self) -> Decimal:
        return (self.declared_base * self.ratio / 100).quantize(Decimal("0.01"))


class Posting(models.Model):
    """One balanced ledger transaction (a deposit, a year's interest, a withdrawal); never updated or deleted.

    The idempotency key makes a repeated request a no-op: the database refuses a second row with it."""

    class Kind(models.TextChoices):
        DEPOSIT = "deposit", _("缴存")
        INTEREST = "interest", _("结息")
        WITHDRAWAL = "withdrawal", _("提取")
        CLOSING = "closing", _("销户提取")

    account = models.ForeignKey(HpfAccount, models.PROTECT, related_name="postings", verbose_name=_("账户"))
    kind = models.CharField(_("业务类型"), max_length=12, choices=Kind.choices)
    amount = models.DecimalField(_("金额"), **MONEY)
    # Unique through Meta.constraints, not unique=True: PostgreSQL would add an unused LIKE index.
    idempotency_key = models.CharField(_("幂等键"), max_length=100)
    value_date = models.DateField(_("记账日期"))
    posted_at = models.DateTimeField(_("入账时间"), auto_now_add=True)
    memo = models.CharField(_("摘要"), max_length=200, blank=True)
    actor = models.ForeignKey(settings.AUTH_USER_MODEL, models.PROTECT, null=True, blank=True, related_name="+")
    policy_id = models.CharField(_("政策版本"), max_length=60, blank=True)

    scope_path = "account__region__code"
    objects = ScopedQuerySet.as_manager()

    class Meta:
        ordering = ["-value_date", "-id"]
        verbose_name = _("记账凭证")
        verbose_name_plural = _("记账凭证")
        constraints = [models.CheckConstraint(condition=Q(amount__gt=0), name="posting_amount_positive"),
                       models.UniqueConstraint(fields=["idempotency_key"], name="posting_idempotency_key_unique")]

    def __str__(self):
        return f"{self.get_kind_display()} {self.amount} ({self.value_date})"


class Entry(models.Model):
    """One side of a posting on one book. Amounts are signed (credit +, debit −); a posting's entries sum to 0.

    Books: ``member`` is the worker's savings (the centre owes it; its sum is the account balance),
    ``bank`` the centre's deposit account, ``interest`` the interest expense."""

    class Book(models.TextChoices):
        MEMBER = "member", _("个人账户")
        BANK = "bank", _("银行存款")
        INTEREST = "interest", _("利息支出")

    posting = models.ForeignKey(Posting, models.PROTECT, related_name="entries")
    # Served by the (account, book) index below; a single-column twin would only slow the ledger's inserts.
    account = models.ForeignKey(HpfAccount, models.PROTECT, null=True, blank=True, db_index=False,
                                related_name="entries")
    book = models.CharField(max_length=10, choices=Book.choices)
    amount = models.DecimalField(**MONEY)

    class Meta:
        verbose_name = _("分录")
        verbose_name_plural = _("分录")
        indexes = [models.Index(fields=["account", "book"])]
        constraints = [models.CheckConstraint(condition=Q(book="member", account__isnull=False) | ~Q(book="member"),
                                              name="member_entry_has_account")]

    def __str__(self):
        return f"{self.book} {self.amount}"


class LoanApplication(models.Model):
    """A flexible worker's application for an HPF loan, with the eligibility and quota results attached."""

    class State(models.TextChoices):
        APPLIED = "applied", _("已申请")
        REVIEWED = "reviewed", _("已初审")
        APPROVED = "approved", _("已批准")
        REFUSED = "refused", _("已拒绝")
        DISBURSED = "disbursed", _("已放款")

    class Home(models.TextChoices):
        FIRST = "first", _("首套")
        SECOND = "second", _("二套")

    class Method(models.TextChoices):
        EQUAL_INSTALMENT = "equal_instalment", _("等额本息")
        EQUAL_PRINCIPAL = "equal_principal", _("等额本金")

    account = models.ForeignKey(HpfAccount, models.PROTECT, related_name="applications", verbose_name=_("账户"))
    principal = models.DecimalField(_("申请金额"), **MONEY)
    term_months = models.PositiveSmallIntegerField(_("期限(月)"))
    method = models.CharField(_("还款方式"), max_length=20, choices=Method.choices)
    home = models.CharField(_("住房套数"), max_length=10, choices=Home.choices, default=Home.FIRST)
    house_price = models.DecimalField(_("房价"), **MONEY)
    monthly_income = models.DecimalField(_("家庭月收入"), **MONEY)
    children = models.PositiveSmallIntegerField(_("子女数"), default=0)
    talent = models.BooleanField(_("引进人才/新就业大学生"), default=False)
    state = models.CharField(_("状态"), max_length=10, choices=State.choices, default=State.APPLIED)
    eligibility = models.JSONField(_("资格审核"), default=list)
    quota = models.JSONField(_("额度测算"), default=dict)
    annual_rate = models.DecimalField(_("年利率(%)"), max_digits=6, decimal_places=3)
    policy_id = models.CharField(_("政策版本"), max_length=60)
    reason = models.CharField(_("拒绝原因"), max_length=300, blank=True)
    applied_at = models.DateTimeField(_("申请时间"), auto_now_add=True)
    decided_at = models.DateTimeField(_("审批时间"), null=True, blank=True)

    scope_path = "account__region__code"
    objects = ScopedQuerySet.as_manager()

    class Meta:
        ordering = ["-applied_at"]
        verbose_name = _("贷款申请")
        verbose_name_plural = _("贷款申请")
        constraints = [models.CheckConstraint(condition=Q(principal__gt=0) & Q(term_months__gte=1)
                                              & Q(term_months__lte=360), name="application_terms_in_range")]

    def __str__(self):
        return f"{self.account.person.name} {self.principal} 元 / {self.term_months} 月"

    def get_absolute_url(self):
        return reverse("housing:application_detail", args=[self.pk])


class Loan(models.Model):
    """A disbursed HPF loan; its schedule is computed from these terms, repayments are recorded against it."""

    class Status(models.TextChoices):
        ACTIVE = "active", _("还款中")
        REPAID = "repaid", _("已结清")

    application = models.OneToOneField(LoanApplication, models.PROTECT, related_name="loan")
    principal = models.DecimalField(_("贷款金额"), **MONEY)
    term_months = models.PositiveSmallIntegerField(_("期限(月)"))
    method = models.CharField(_("还款方式"), max_length=20, choices=LoanApplication.Method.choices)
    annual_rate = models.DecimalField(_("执行年利率(%)"), max_digits=6, decimal_places=3)
    disbursed_on = models.DateField(_("放款日期"))
    status = models.CharField(_("状态"), max_length=10, choices=Status.choices, default=Status.ACTIVE)
    policy_id = models.CharField(_("政策版本"), max_length=60)
    # Where the loan stands now (quotes.LoanState as JSON), rewritten in the same transaction as each
    # repayment, prepayment or repricing that changes it; those rows are the history it derives from.
    state = models.JSONField(_("当前还款状态"), default=dict)

    scope_path = "application__account__region__code"
    objects = ScopedQuerySet.as_manager()

    class Meta:
        verbose_name = _("公积金贷款")
        verbose_name_plural = _("公积金贷款")

    def __str__(self):
        return f"{self.application.account.person.name} {self.principal} 元"


class Repayment(models.Model):
    """One repayment (a scheduled instalment or a prepayment) against a loan; idempotent by key."""

    class Kind(models.TextChoices):
        SCHEDULED = "scheduled", _("按期还款")
        PREPAYMENT = "prepayment", _("提前还款")

    loan = models.ForeignKey(Loan, models.PROTECT, related_name="repayments")
    kind = models.CharField(_("类型"), max_length=12, choices=Kind.choices)
    mode = models.CharField(_("提前还款方式"), max_length=14, blank=True,
                            choices=[("shorten", _("缩短期限")), ("lower_payment", _("减少月供"))])
    month = models.PositiveSmallIntegerField(_("期数"))
    principal = models.DecimalField(_("本金"), **MONEY)
    interest = models.DecimalField(_("利息"), **MONEY)
    paid_on = models.DateField(_("还款日期"))
    idempotency_key = models.CharField(max_length=100)

    scope_path = "loan__application__account__region__code"
    objects = ScopedQuerySet.as_manager()

    class Meta:
        ordering = ["month", "id"]
        constraints = [models.UniqueConstraint(fields=["idempotency_key"], name="repayment_idempotency_key_unique")]
        verbose_name = _("还款记录")
        verbose_name_plural = _("还款记录")

    def __str__(self):
        return f"第{self.month}期 {self.principal + self.interest}"


class Repricing(models.Model):
    """A loan moved to a new national rate on 1 January after a change (SPEC §6.6)."""

    loan = models.ForeignKey(Loan, models.PROTECT, related_name="repricings")
    rate_change = models.DateField(_("利率调整日"))
    effective_on = models.DateField(_("执行日期"))
    from_month = models.PositiveSmallIntegerField(_("起始期数"))
    old_rate = models.DecimalField(_("原年利率(%)"), max_digits=6, decimal_places=3)
    new_rate = models.DecimalField(_("新年利率(%)"), max_digits=6, decimal_places=3)
    applied_at = models.DateTimeField(_("生效时间"), null=True, blank=True)

    scope_path = "loan__application__account__region__code"
    objects = ScopedQuerySet.as_manager()

    class Meta:
        verbose_name = _("利率重定价")
        verbose_name_plural = _("利率重定价")
        constraints = [models.UniqueConstraint(fields=["loan", "rate_change"], name="one_repricing_per_change")]

    def __str__(self):
        return f"{self.effective_on} {self.old_rate}% → {self.new_rate}%"
