"""The loan quote endpoint (SPEC §6.5, fixed interface) and the account endpoints."""

from decimal import Decimal

import pytest
from django.test import Client

QUOTE = "/api/v1/housing/quote"


def post(body, client=None):
    return (client or Client()).post(QUOTE, body, content_type="application/json")


def test_the_spec_example_is_public_and_exact(db):
    body = post({"principal": 700000, "term_months": 360, "method": "equal_instalment", "rate": 3.1,
                 "compare_rate": 4.0}).json()
    # Seed: ¥700,000 over 30 years at 3.1% vs a commercial 4%. Payment = P·r(1+r)^n/((1+r)^n−1) with r = 3.1%/12
    # = 2,989.11; at 4%: 3,341.91. The difference × 360 = 127,008, "about ¥120,000" in the seed; the exact saving
    # with each schedule's last payment absorbing the rounding is 127,003.15.
    assert body["monthly_payment"] == "2989.11" and body["rate"] == "3.10"
    assert body["compare"] == {"rate": "4.00", "monthly_payment": "3341.91", "total_interest": "503085.52"}
    assert body["interest_saved"] == "127003.15" and body["policy"] is None and body["schedule"] is None
    assert Decimal(body["total_payment"]) == Decimal("700000") + Decimal(body["total_interest"])


def test_rate_from_the_huzhou_policy_by_date_and_term(db):
    body = post({"principal": 800000, "term_months": 312, "city": "330500", "on": "2024-03-13",
                 "home": "first"}).json()
    assert body["rate"] == "3.10" and body["policy"]["tier"] == ">5y"  # 26 years: the > 5-year tier
    after_cut = post({"principal": 800000, "term_months": 312, "city": "3305", "on": "2024-06-01"}).json()
    assert after_cut["rate"] == "2.85"  # PBOC cut of 2024-05-18
    short = post({"principal": 100000, "term_months": 60, "city": "330500", "on": "2024-03-13"}).json()
    assert short["rate"] == "2.60"  # ≤ 5 years


def test_schedule_is_returned_on_request_and_sums_to_the_loan(db):
    body = post({"principal": 123456.78, "term_months": 240, "method": "equal_principal", "rate": 2.85,
                 "schedule": True}).json()
    rows = body["schedule"]
    assert len(rows) == 240 and rows[-1]["balance"] == "0.00"
    assert sum(Decimal(r["principal"]) for r in rows) == Decimal("123456.78")
    # Equal principal: first payment = 123,456.78/240 (514.40) + 123,456.78 × 2.85%/12 (293.21) = 807.61
    assert rows[0]["payment"] == "807.61" == body["first_payment"]


@pytest.mark.parametrize(("body", "field"), [
    ({"principal": -5, "term_months": 360, "rate": 3.1}, "principal"),
    ({"principal": 0, "term_months": 360, "rate": 3.1}, "principal"),
    ({"principal": 10_000_001, "term_months": 360, "rate": 3.1}, "principal"),
    ({"principal": "abc", "term_months": 360, "rate": 3.1}, "principal"),
    ({"principal": 1000, "term_months": 361, "rate": 3.1}, "term_months"),
    ({"principal": 1000, "term_months": 0, "rate": 3.1}, "term_months"),
    ({"principal": 1000, "term_months": 12, "rate": 20.5}, "rate"),
    ({"principal": 1000, "term_months": 12, "rate": -1}, "rate"),
    ({"principal": 1000, "term_months": 12, "method": "balloon", "rate": 3}, "method"),
    ({"principal": 1000, "term_months": 12}, "rate"),
    ({"principal": 1000, "term_months": 12, "city": "999999", "on": "2024-03-13"}, "city"),
    ({"principal": 1000, "term_months": 12, "city": "330500", "on": "2001-01-01"}, "on"),
])
def test_bad_input_is_a_clear_400(db, body, field):
    response = post(body)
    assert response.status_code == 400
    error = response.json()["error"]
    assert error["code"] == "invalid" and error["message"]
    assert any(field in key for key in error["fields"]), error


def _account_client(hpf, username):
    client = Client()
    client.force_login(hpf.users[username])
    return client


def test_deposits_through_the_api_are_idempotent(hpf):
    client = _account_client(hpf, "huzhou_hpf")
    url = f"/api/v1/housing/accounts/{hpf.account.pk}/deposits"
    first = client.post(url, {"amount": "470000", "idempotency_key": "zlb-2023-09"}, content_type="application/json")
    again = client.post(url, {"amount": "470000", "idempotency_key": "zlb-2023-09"}, content_type="application/json")
    assert first.status_code == 201 and again.status_code == 201
    assert first.json()["id"] == again.json()["id"] and again.json()["balance"] == "470000.00"
    detail = client.get(f"/api/v1/housing/accounts/{hpf.account.pk}").json()
    assert detail["balance"] == "470000.00" and detail["holder"] == "赵灵活"


def test_assessment_explains_every_rule_and_limit(hpf):
    from datetime import date

    from workerhub.housing import services

    services.deposit(actor=hpf.users["huzhou_hpf"], account=hpf.account, amount=Decimal("100000"),
                     idempotency_key="z", value_date=date(2023, 9, 6))
    body = _account_client(hpf, "zhao").get(
        f"/api/v1/housing/accounts/{hpf.account.pk}/assessment?term_months=240&monthly_income=9000"
        "&house_price=1000000&on=2024-03-13").json()
    assert body["eligible"] is True
    rules = {c["rule"]: c for c in body["checks"]}
    assert rules["min_deposit_months"]["value"] == "6" and rules["min_deposit_months"]["threshold"] == "6"
    limits = {limit["factor"]: limit["value"] for limit in body["limits"]}
    # Balance multiple: 100,000 × 15 = 1,500,000 (assumed 15× for the 2023 Huzhou version, data/policy.json)
    assert limits["balance_multiple"] == "1500000.00"
    assert body["quota"] == min(limits.values(), key=Decimal)


def test_other_workers_and_other_cities_cannot_see_the_account(hpf):
    url = f"/api/v1/housing/accounts/{hpf.account.pk}"
    assert _account_client(hpf, "worker").get(url).status_code == 404
    assert _account_client(hpf, "hangzhou").get(url).status_code == 404
    assert _account_client(hpf, "province").get("/api/v1/housing/accounts").json()["count"] == 0
    assert _account_client(hpf, "huzhou_hpf").get("/api/v1/housing/accounts").json()["count"] == 1
