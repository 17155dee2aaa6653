"""HPF pages for every role (scope matrix, SPEC §8.2), the calculator, a clerk's and a worker's journey."""

from datetime import date
from decimal import Decimal

import pytest
from django.test import Client

from tests.conftest import VISIBLE_PEOPLE
from workerhub.housing import services

ROLES = [*VISIBLE_PEOPLE, "zhao"]


def client_for(hpf, role):
    client = Client()
    if role:
        client.force_login(hpf.users[role])
    return client


@pytest.mark.parametrize("role", ROLES)
def test_account_pages_show_the_account_only_to_its_clerk_and_its_holder(hpf, role):
    client = client_for(hpf, role)
    pk = hpf.account.pk
    allowed = role in ("huzhou_hpf", "zhao")
    detail = client.get(f"/housing/accounts/{pk}/")
    listing = client.get("/housing/accounts/")
    export = client.get("/housing/accounts/export.xlsx")
    api = client.get("/api/v1/housing/accounts")
    if role is None:
        assert detail.status_code == listing.status_code == export.status_code == 302
        assert api.status_code == 401
        return
    assert detail.status_code == (200 if allowed else 404)
    assert ("赵灵活" in listing.content.decode()) == allowed
    assert api.json()["count"] == (1 if allowed else 0)
    # Confirming is the clerk's; depositing and assessing are the holder's too; everyone else gets a 404.
    for url, may in ((f"/housing/accounts/{pk}/confirm/", role == "huzhou_hpf"),
                     (f"/housing/accounts/{pk}/deposit/", allowed), (f"/housing/accounts/{pk}/assess/", allowed)):
        status = client.post(url, {}).status_code
        assert (status != 404) == may, (url, status)


@pytest.mark.parametrize("role", ROLES)
def test_statistics_are_for_clerks_and_federations_of_the_region(hpf, role):
    services.deposit(actor=hpf.users["huzhou_hpf"], account=hpf.account, amount=Decimal("1000"), idempotency_key="s")
    response = client_for(hpf, role).get("/housing/statistics/")
    if role is None:
        assert response.status_code == 302
    elif role in ("huzhou_hpf", "province"):
        assert response.status_code == 200 and response.context["stats"]["totals"]["accounts"] == 1
    elif role in ("hangzhou", "xihu", "ningbo"):
        assert response.status_code == 200 and response.context["stats"]["totals"]["accounts"] == 0
    else:
        assert response.status_code == 403


def test_the_public_calculator_works_without_login(db):
    query = ("principal=700000&years=30&method=equal_instalment&rate_source=manual&rate=3.1&compare_rate=4"
             "&city=&home=first")
    page = Client().get(f"/housing/calculator/?{query}")
    text = page.content.decode()
    assert page.status_code == 200 and "2,989.11" in text and "127,003.15" in text
    xlsx = Client().get(f"/housing/calculator/schedule.xlsx?{query}")
    assert xlsx.status_code == 200 and xlsx["Content-Type"].startswith("application/vnd.openxmlformats")
    pdf = Client().get(f"/housing/calculator/schedule.pdf?{query}")
    assert pdf.status_code == 200 and pdf.content.startswith(b"%PDF")
    bad = Client().get("/housing/calculator/?principal=-1&years=40&method=equal_instalment&rate_source=manual")
    assert bad.status_code == 200 and "error" in bad.content.decode()


def test_the_schedule_pdf_has_chinese_text_and_every_month(db, tmp_path):
    import shutil
    import subprocess

    query = "principal=100000&years=5&method=equal_principal&rate_source=manual&rate=2.6&home=first"
    pdf = Client().get(f"/housing/calculator/schedule.pdf?{query}").content
    if not shutil.which("pdftotext"):
        pytest.skip("pdftotext (poppler-utils) not installed")
    path = tmp_path / "s.pdf"
    path.write_bytes(pdf)
    text = subprocess.run(["pdftotext", str(path), "-"], capture_output=True, text=True).stdout
    assert "住房公积金贷款还款计划" in text and "等额本金" in text
    # 100,000 over 60 months, equal principal at 2.6%: month 60 repays the last 1,666.60 … the balance ends at 0.00
    assert "60" in text and "0.00" in text


def test_a_clerk_confirms_an_account_and_records_a_deposit_on_the_page(hpf):
    from workerhub.core.models import Role, RoleBinding, User
    from workerhub.housing.models import HpfAccount

    HpfAccount.objects.filter(pk=hpf.account.pk).update(status="pending")
    clerk = client_for(hpf, "huzhou_hpf")
    page = clerk.get(f"/housing/accounts/{hpf.account.pk}/").content.decode()
    assert "确认开户" in page
    clerk.post(f"/housing/accounts/{hpf.account.pk}/confirm/")
    page = clerk.get(f"/housing/accounts/{hpf.account.pk}/")
    form = page.context["deposit_form"]
    key = form.fields["idempotency_key"].initial
    for _ in range(2):  # a double click posts once
        clerk.post(f"/housing/accounts/{hpf.account.pk}/deposit/", {"amount": "2400", "idempotency_key": key})
    assert services.balance(hpf.account) == Decimal("2400.00")
    assert User.objects.filter(username="zhao").exists() and RoleBinding.objects.filter(role=Role.WORKER).exists()


def test_a_worker_assesses_and_applies_then_the_clerk_decides(hpf):
    services.deposit(actor=hpf.users["huzhou_hpf"], account=hpf.account, amount=Decimal("470000"),
                     idempotency_key="z", value_date=date(2023, 9, 6))
    worker = client_for(hpf, "zhao")
    form = {"principal": "800000", "years": "26", "method": "equal_instalment", "home": "first",
            "house_price": "1200000", "monthly_income": "12000", "children": "2"}
    assessment = worker.get(f"/housing/accounts/{hpf.account.pk}/assess/", form, headers={"HX-Request": "true"})
    text = assessment.content.decode()
    assert "910000.00" in text and "按此提交贷款申请" in text
    applied = worker.post(f"/housing/accounts/{hpf.account.pk}/assess/", form, headers={"HX-Request": "true"})
    assert applied.status_code == 204
    application_url = applied["HX-Redirect"]
    clerk = client_for(hpf, "huzhou_hpf")
    assert worker.post(application_url + "review/").status_code == 404  # a worker cannot decide
    for step in ("review", "approve", "disburse"):
        clerk.post(application_url + f"{step}/")
    page = clerk.get(application_url).content.decode()
    assert "已放款" in page and "800000.00" in page
    clerk.post(application_url + "loan/repay/")
    assert "第1期" in clerk.get(application_url).content.decode()
    refused = clerk.post(application_url + "refuse/", {"reason": ""})
    assert refused.status_code == 302  # not allowed after disbursement; the page explains


def test_a_clerk_runs_the_yearly_settlement_as_a_job_with_progress(hpf):
    from workerhub.core.models import Job
    from workerhub.housing.models import Posting

    services.deposit(actor=hpf.users["huzhou_hpf"], account=hpf.account, amount=Decimal("3600"),
                     idempotency_key="s", value_date=date(2024, 6, 1))
    response = client_for(hpf, "huzhou_hpf").post("/housing/settle/", {"year": "2024"})
    job = Job.objects.get(kind="hpf_interest")
    assert response["Location"] == f"/jobs/{job.pk}/"
    assert job.status == "done" and job.done == job.total == 1  # the test backend runs tasks at once
    assert Posting.objects.get(kind="interest").amount == Decimal("4.50")  # 3,600 × 30 days × 1.5% / 360
    assert "4.50" in client_for(hpf, "huzhou_hpf").get(f"/jobs/{job.pk}/").content.decode()
    assert client_for(hpf, "hangzhou").post("/housing/settle/", {"year": "2024"}).status_code == 403


def test_a_clerk_records_a_withdrawal_and_closes_the_account_on_the_page(hpf):
    services.deposit(actor=hpf.users["huzhou_hpf"], account=hpf.account, amount=Decimal("1000"), idempotency_key="d")
    clerk = client_for(hpf, "huzhou_hpf")
    url = f"/housing/accounts/{hpf.account.pk}/withdraw/"
    clerk.post(url, {"amount": "1000.01", "reason": "租房", "idempotency_key": "w0"})
    assert services.balance(hpf.account) == Decimal("1000.00")  # refused: more than the balance
    clerk.post(url, {"amount": "300", "reason": "租房", "idempotency_key": "w1"})
    clerk.post(url, {"amount": "300", "reason": "租房", "idempotency_key": "w1"})  # resubmitted: once
    assert services.balance(hpf.account) == Decimal("700.00")
    clerk.post(url, {"reason": "离开湖州", "close": "on", "idempotency_key": "w2"})
    hpf.account.refresh_from_db()
    assert hpf.account.status == "closed" and services.balance(hpf.account) == 0
    assert client_for(hpf, "zhao").post(url, {"amount": "1", "reason": "x", "idempotency_key": "w3"}).status_code == 404
