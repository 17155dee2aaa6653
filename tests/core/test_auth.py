"""Logins (SPEC §1.3): username or mobile, lock-out after repeated failures, every attempt audited."""

from django.test import Client

from tests.conftest import PASSWORD
from workerhub.core.models import AuditEntry, Person


def login(client, username, password=PASSWORD):
    return client.post("/accounts/login/", {"username": username, "password": password})


def test_login_by_username_or_mobile(world):
    assert login(Client(), "hangzhou").status_code == 302
    # The worker's person has phone 13900139002.
    response = login(Client(), "139-0013-9002")
    assert response.status_code == 302 and response["Location"] == "/"


def test_failures_lock_the_account_out_and_are_audited(world):
    client = Client()
    statuses = [login(client, "hangzhou", "wrong-password").status_code for _ in range(6)]
    # django-axes: the 5th failure locks (AXES_FAILURE_LIMIT = 5); the right password is then refused too.
    assert statuses[:4] == [200] * 4 and statuses[4:] == [429, 429]
    assert login(client, "hangzhou").status_code == 429
    assert AuditEntry.objects.filter(action="login_failed", object_repr="hangzhou").count() >= 4


def test_successful_login_is_audited_with_the_ip(world):
    Client(REMOTE_ADDR="10.1.2.3").post("/accounts/login/", {"username": "xihu", "password": PASSWORD})
    entry = AuditEntry.objects.get(action="login")
    assert entry.actor_name == "xihu" and entry.ip == "10.1.2.3" and entry.region_id == "330106"


def test_worker_self_registers_and_an_officer_confirms_membership(world):
    response = Client().post("/accounts/register/", {
        "username": "newworker", "password": "a-long-pass-2024", "name": "吴新工",
        "id_number": "330102199505051117",  # check character 7 by GB 11643
        "phone": "13712345678", "union": world.orgs["firm_shangcheng"].pk})
    assert response.status_code == 302
    person = Person.objects.get(name="吴新工")
    assert person.membership_confirmed_at is None and person.union == world.orgs["firm_shangcheng"]
    # The Hangzhou officer sees them among the pending memberships and confirms.
    hangzhou = Client()
    hangzhou.force_login(world.users["hangzhou"])
    assert "吴新工" in hangzhou.get("/people/?membership=pending").content.decode()
    hangzhou.post(f"/people/{person.pk}/confirm/")
    person.refresh_from_db()
    assert person.membership_confirmed_at is not None
    assert AuditEntry.objects.filter(action="transition", object_id=str(person.pk)).exists()
    # The new worker can log in with the mobile number and sees their own record, masked.
    worker = Client()
    assert login(worker, "13712345678", "a-long-pass-2024").status_code == 302
    assert "137****5678" in worker.get("/").content.decode()


def test_registration_refuses_bad_input_and_writes_nothing(world):
    before = Person.objects.count()
    response = Client().post("/accounts/register/", {
        "username": "hangzhou", "password": "123", "name": "某", "id_number": "123", "phone": "1",
        "union": world.orgs["firm_shangcheng"].pk})
    assert response.status_code == 400 and Person.objects.count() == before
    text = response.content.decode()
    assert "18位" in text or "身份证" in text
