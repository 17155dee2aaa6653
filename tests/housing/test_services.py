"""Accounts, the ledger, interest settlement, applications and loans (SPEC §6.2–§6.6), as a clerk and a
worker would see them. Expected figures are worked out by hand in the comments."""

from datetime import date
from decimal import Decimal

import pytest
from django.db import IntegrityError

from workerhub.core.models import AuditEntry
from workerhub.core.services import ServiceError
from workerhub.housing import services, settlement
from workerhub.housing.models import HpfAccount, Loan, Posting


def test_opening_checks_base_and_ratio_against_the_policy(world):
    person, centre, clerk = world.people["huzhou_flex"], world.orgs["hpf"], world.users["huzhou_hpf"]
    with pytest.raises(ServiceError) as exc:
        services.open_account(actor=clerk, person=person, centre=centre, declared_base=Decimal("100"),
                              ratio=Decimal("50"), mode="monthly", on=date(2024, 3, 1))
    assert set(exc.value.fields) == {"declared_base", "ratio"}
    # An employee is not a flexible worker: their employer deposits for them.
    with pytest.raises(ServiceError) as exc:
        services.open_account(actor=clerk, person=world.people["huzhou_emp"], centre=centre,
                              declared_base=Decimal("5000"), ratio=Decimal("12"), mode="monthly")
    assert "person" in exc.value.fields
    assert not HpfAccount.objects.exists()


def test_a_self_opened_account_waits_for_the_clerk(world):
    from workerhub.core.models import Role, RoleBinding, User

    user = User.objects.create_user(username="zhao2", password="x" * 12, person=world.people["huzhou_flex"])
    RoleBinding.objects.create(user=user, role=Role.WORKER, organisation=world.orgs["hpf"])
    account = services.open_account(actor=user, person=world.people["huzhou_flex"], centre=world.orgs["hpf"],
                                    declared_base=Decimal("5000"), ratio=Decimal("12"), mode="monthly")
    assert account.status == "pending" and account.number.startswith("3305")
    with pytest.raises(ServiceError, match="不能缴存"):
        services.deposit(actor=user, account=account, amount=Decimal("600"), idempotency_key="k1")
    services.confirm_account(actor=world.users["huzhou_hpf"], account=account)
    account.refresh_from_db()
    assert account.status == "active"
    # Monthly deposits must be whole months: 5,000 × 12% = 600.00 a month.
    with pytest.raises(ServiceError, match="整数倍"):
        services.deposit(actor=user, account=account, amount=Decimal("700"), idempotency_key="k2")
    services.deposit(actor=user, account=account, amount=Decimal("1200"), idempotency_key="k3")
    assert services.balance(account) == Decimal("1200.00")


def test_a_repeated_idempotency_key_posts_once(hpf):
    account, clerk = hpf.account, hpf.users["huzhou_hpf"]
    first = services.deposit(actor=clerk, account=account, amount=Decimal("470000"), idempotency_key="zlb-1")
    again = services.deposit(actor=clerk, account=account, amount=Decimal("470000"), idempotency_key="zlb-1")
    assert first.pk == again.pk and Posting.objects.count() == 1
    assert services.balance(account) == Decimal("470000.00")
    with pytest.raises(ServiceError, match="另一笔业务"):
        services.deposit(actor=clerk, account=account, amount=Decimal("1"), idempotency_key="zlb-1")


def test_every_posting_balances_and_the_balance_is_the_ledger(hpf):
    account, clerk = hpf.account, hpf.users["huzhou_hpf"]
    services.deposit(actor=clerk, account=account, amount=Decimal("1000.10"), idempotency_key="a")
    services.deposit(actor=clerk, account=account, amount=Decimal("2000.20"), idempotency_key="b")
    services.withdraw(actor=clerk, account=account, amount=Decimal("500.05"), idempotency_key="c", reason="租房提取")
    for posting in Posting.objects.all():
        assert sum(e.amount for e in posting.entries.all()) == 0
    assert services.balance(account) == Decimal("2500.25")  # 1000.10 + 2000.20 − 500.05


def test_withdrawals_cannot_overdraw_and_closing_empties_the_account(hpf):
    account, clerk = hpf.account, hpf.users["huzhou_hpf"]
    services.deposit(actor=clerk, account=account, amount=Decimal("800"), idempotency_key="d")
    with pytest.raises(ServiceError, match="超过账户余额"):
        services.withdraw(actor=clerk, account=account, amount=Decimal("800.01"), idempotency_key="w", reason="购房")
    with pytest.raises(ServiceError, match="原因"):
        services.withdraw(actor=clerk, account=account, amount=Decimal("1"), idempotency_key="w2", reason=" ")
    services.withdraw(actor=clerk, account=account, amount=None, idempotency_key="close", reason="离开湖州",
                      close=True)
    account.refresh_from_db()
    assert account.status == "closed" and services.balance(account) == 0
    assert AuditEntry.objects.filter(action="transition", changes__status=["active", "closed"]).exists()


def test_a_worker_cannot_touch_someone_elses_account(hpf):
    with pytest.raises(PermissionError):
        services.deposit(actor=hpf.users["worker"], account=hpf.account, amount=Decimal("1"), idempotency_key="x")
    with pytest.raises(PermissionError):
        services.confirm_account(actor=hpf.users["hangzhou"], account=hpf.account)


# --- interest settlement -----------------------------------------------------------------------------

def test_interest_follows_the_balance_days_at_1_5_percent(hpf):
    account, clerk = hpf.account, hpf.users["huzhou_hpf"]
    # 10,000 held the whole interest year 2023-07-01 … 2024-06-30 = 366 days (2024 is a leap year):
    #   10,000 × 366 × 1.5% / 360 = 152.50
    # 3,600 deposited on 2024-06-01, held 30 days to 30 June inclusive:  3,600 × 30 × 1.5% / 360 = 4.50
    services.deposit(actor=clerk, account=account, amount=Decimal("10000"), idempotency_key="y1",
                     value_date=date(2023, 6, 15))
    services.deposit(actor=clerk, account=account, amount=Decimal("3600"), idempotency_key="y2",
                     value_date=date(2024, 6, 1))
    result = settlement.settle_interest(year=2024)
    assert result["settled"] == 1 and result["rate"] == "1.50"
    interest = Posting.objects.get(kind="interest")
    assert interest.amount == Decimal("157.00") and interest.value_date == date(2024, 6, 30)
    assert services.balance(account) == Decimal("13757.00")
    # Running it again settles nothing twice.
    assert settlement.settle_interest(year=2024)["settled"] == 0
    assert Posting.objects.filter(kind="interest").count() == 1


def test_a_failure_mid_settlement_leaves_no_account_half_settled_and_a_retry_completes(hpf):
    from tests.conftest import make_person
    from workerhub.core.rules import id_check_char

    clerk, centre = hpf.users["huzhou_hpf"], hpf.orgs["hpf"]
    accounts = [hpf.account]
    for i in range(3):
        first17 = f"33050219900101{i:03d}"
        person = make_person(f"灵活{i}", first17 + id_check_char(first17), "330502", employment="flexible")
        a = services.open_account(actor=clerk, person=person, centre=centre, declared_base=Decimal("5000"),
                                  ratio=Decimal("24"), mode="lump_sum")
        services.confirm_account(actor=clerk, account=a)
        accounts.append(a)
    for i, a in enumerate(accounts):
        services.deposit(actor=clerk, account=a, amount=Decimal("3600"), idempotency_key=f"s{i}",
                         value_date=date(2024, 6, 1))
    # A real database error in the second chunk: a stray row already holds the idempotency key that chunk's
    # second account will need, so its insert violates the unique constraint (on either database's code path).
    blocker = Posting.objects.create(account=accounts[0], kind="deposit", amount=Decimal("1"),
                                     idempotency_key=f"interest:2024:{accounts[3].pk}", value_date=date(2100, 1, 1))
    with pytest.raises(IntegrityError):
        settlement.settle_interest(year=2024, chunk=2)
    # Chunk 1 (two accounts) committed whole; chunk 2 left nothing, not even its postings.
    settled = set(Posting.objects.filter(kind="interest").values_list("account_id", flat=True))
    assert settled == {accounts[0].pk, accounts[1].pk}
    for posting in Posting.objects.filter(kind="interest"):
        assert posting.entries.count() == 2
    blocker.delete()
    assert settlement.settle_interest(year=2024, chunk=2)["settled"] == 2
    assert Posting.objects.filter(kind="interest").count() == 4
    # 3,600 × 30 days × 1.5% / 360 = 4.50 each
    assert {p.amount for p in Posting.objects.filter(kind="interest")} == {Decimal("4.50")}


# --- applications and loans ----------------------------------------------------------------------------

def zhu_terms(**overrides):
    # The Zhus: ¥800,000 over 26 years, first home, two children (seed); house price and income assumed.
    terms = {"principal": Decimal("800000"), "term_months": 312, "method": "equal_instalment", "home": "first",
             "house_price": Decimal("1200000"), "monthly_income": Decimal("12000"), "children": 2,
             "on": date(2024, 3, 8)}
    return {**terms, **overrides}


def test_six_months_of_deposits_are_needed_and_the_reason_is_given(hpf):
    services.deposit(actor=hpf.users["huzhou_hpf"], account=hpf.account, amount=Decimal("470000"),
                     idempotency_key="z", value_date=date(2023, 11, 6))
    with pytest.raises(ServiceError) as exc:
        services.apply_for_loan(actor=hpf.users["zhao"], account=hpf.account, **zhu_terms())
    assert "已缴存4个月" in str(exc.value) and "6个月" in str(exc.value)  # Nov 6 → Mar 8: 4 whole months


def test_the_zhus_two_children_raise_the_quota_to_910000(hpf):
    services.deposit(actor=hpf.users["huzhou_hpf"], account=hpf.account, amount=Decimal("470000"),
                     idempotency_key="z", value_date=date(2023, 9, 6))
    result = services.assess(hpf.account, on=date(2024, 3, 8), term_months=312, method="equal_instalment",
                             home="first", monthly_income=Decimal("12000"), children=2,
                             house_price=Decimal("1200000"))
    assert result["eligible"] and result["rate"].rate == Decimal("3.10")
    # 700,000 maximum + 30% for a two-children family = 910,000, the seed's cap.
    assert result["quota"] == "910000.00"
    application = services.apply_for_loan(actor=hpf.users["zhao"], account=hpf.account, **zhu_terms())
    assert application.state == "applied" and application.quota["amount"] == "910000.00"
    with pytest.raises(ServiceError, match="超过可贷额度"):
        services.apply_for_loan(actor=hpf.users["zhao"], account=hpf.account,
                                **zhu_terms(principal=Decimal("920000")))


def test_the_application_moves_through_its_states_in_order(hpf):
    clerk = hpf.users["huzhou_hpf"]
    services.deposit(actor=clerk, account=hpf.account, amount=Decimal("470000"), idempotency_key="z",
                     value_date=date(2023, 9, 6))
    application = services.apply_for_loan(actor=hpf.users["zhao"], account=hpf.account, **zhu_terms())
    with pytest.raises(ServiceError, match="不能执行"):
        services.disburse_loan(actor=clerk, application=application)
    with pytest.raises(ServiceError, match="拒绝原因"):
        services.refuse_application(actor=clerk, application=application, reason="")
    with pytest.raises(PermissionError):
        services.review_application(actor=hpf.users["zhao"], application=application)  # a worker cannot
    services.review_application(actor=clerk, application=application)
    services.approve_application(actor=clerk, application=application)
    loan = services.disburse_loan(actor=clerk, application=application, on=date(2024, 3, 12))
    assert loan.principal == Decimal("800000.00") and loan.state["remaining_months"] == 312
    transitions = AuditEntry.objects.filter(action="transition", object_type="housing.loanapplication")
    assert [e.changes["state"] for e in transitions.order_by("id")] == [
        ["applied", "reviewed"], ["reviewed", "approved"], ["approved", "disbursed"]]


@pytest.fixture
def zhu_loan(hpf):
    clerk = hpf.users["huzhou_hpf"]
    services.deposit(actor=clerk, account=hpf.account, amount=Decimal("470000"), idempotency_key="z",
                     value_date=date(2023, 9, 6))
    application = services.apply_for_loan(actor=hpf.users["zhao"], account=hpf.account, **zhu_terms())
    services.review_application(actor=clerk, application=application)
    services.approve_application(actor=clerk, application=application)
    return services.disburse_loan(actor=clerk, application=application, on=date(2024, 3, 12))


def test_repayments_follow_the_schedule_and_are_idempotent(hpf, zhu_loan):
    clerk = hpf.users["huzhou_hpf"]
    first = services.repay(actor=clerk, loan=zhu_loan, idempotency_key="m1", paid_on=date(2024, 4, 12))
    # Month 1 at 3.1%: interest = 800,000 × 3.1% / 12 = 2,066.67; payment 3,737.90 → principal 1,671.23
    assert (first.month, first.interest, first.principal) == (1, Decimal("2066.67"), Decimal("1671.23"))
    assert services.repay(actor=clerk, loan=zhu_loan, idempotency_key="m1").pk == first.pk
    zhu_loan.refresh_from_db()
    assert zhu_loan.state["months_paid"] == 1 and zhu_loan.state["balance"] == "798328.77"


def test_a_part_prepayment_shortens_the_term(hpf, zhu_loan):
    clerk = hpf.users["huzhou_hpf"]
    result = services.prepay_loan(actor=clerk, loan=zhu_loan, amount=Decimal("100000"), mode="shorten",
                                  idempotency_key="p1")
    assert result.balance_after == Decimal("700000.00") and result.remaining_months < 312
    assert result.payment == Decimal("3737.90")  # "shorten" keeps the payment
    zhu_loan.refresh_from_db()
    assert zhu_loan.state["remaining_months"] == result.remaining_months


def test_a_rate_cut_reprices_the_loan_from_the_next_january(hpf, zhu_loan):
    clerk = hpf.users["huzhou_hpf"]
    for month in range(1, 10):  # April … December 2024
        services.repay(actor=clerk, loan=zhu_loan, idempotency_key=f"m{month}")
    # PBOC cut the >5-year first-home rate to 2.85% on 2024-05-18; existing loans move on 2025-01-01, i.e. from
    # instalment 10 (due 2025-01-12, the first on or after 1 January).
    assert services.reprice_loans(actor=clerk, rate_change=date(2024, 5, 18)) == 1
    assert services.reprice_loans(actor=clerk, rate_change=date(2024, 5, 18)) == 0  # idempotent
    tenth = services.repay(actor=clerk, loan=zhu_loan, idempotency_key="m10")
    zhu_loan.refresh_from_db()
    assert zhu_loan.annual_rate == Decimal("2.850")
    balance_after_9 = tenth.principal + Decimal(zhu_loan.state["balance"])
    # The interest of instalment 10 is at 2.85%: balance × 2.85% / 12, rounded to the fen.
    assert tenth.interest == (balance_after_9 * Decimal("0.0285") / 12).quantize(Decimal("0.01"))
    assert Loan.objects.get().repricings.get().from_month == 10
