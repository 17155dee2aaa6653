"""The audit log (SPEC §1.4): who, when, what, old → new, from where; nobody can edit it."""

import pytest
from django.db import DatabaseError, transaction

from workerhub.core import services
from workerhub.core.models import AuditEntry


def test_a_change_records_old_and_new_values_and_shows_on_the_record(world):
    person = world.people["xihu"]
    services.update_person(actor=world.users["hangzhou"], person=person, occupation="电工")
    entry = AuditEntry.objects.get(action="change")
    assert entry.changes == {"occupation": ["", "电工"]} and entry.actor_name == "hangzhou"
    page = world.client("hangzhou").get(f"/people/{person.pk}/").content.decode()
    assert "电工" in page and "hangzhou" in page


def test_the_database_refuses_to_update_or_delete_an_audit_row(world):
    services.update_person(actor=world.users["hangzhou"], person=world.people["xihu"], occupation="电工")
    entry = AuditEntry.objects.get(action="change")
    with pytest.raises(DatabaseError), transaction.atomic():
        AuditEntry.objects.filter(pk=entry.pk).update(actor_name="someone-else")
    with pytest.raises(DatabaseError), transaction.atomic():
        AuditEntry.objects.filter(pk=entry.pk).delete()
    with pytest.raises(PermissionError):
        entry.save()
    assert AuditEntry.objects.get(pk=entry.pk).actor_name == "hangzhou"


def test_officers_filter_the_log_and_export_it(world):
    services.update_person(actor=world.users["hangzhou"], person=world.people["xihu"], occupation="电工")
    client = world.client("hangzhou")
    page = client.get("/audit/?action=change&actor=hangzhou").content.decode()
    assert "王西湖" in page
    assert "王西湖" not in client.get("/audit/?action=delete").content.decode()
    export = client.get("/audit/export.xlsx")
    assert export.status_code == 200
    assert AuditEntry.objects.filter(action="export", actor_name="hangzhou").exists()


def test_editing_through_the_page_is_validated_and_audited(world):
    client = world.client("hangzhou")
    pk = world.people["shangcheng"].pk
    bad = client.post(f"/people/{pk}/edit/", {"name": "李上城", "region": "330102", "employment_type": "employee",
                                             "phone": "123"})
    assert bad.status_code == 400 and "手机号码" in bad.content.decode()
    good = client.post(f"/people/{pk}/edit/", {"name": "李上城", "region": "330102", "employment_type": "employee",
                                              "phone": "13911112222", "occupation": "钳工"})
    assert good.status_code == 302
    entry = AuditEntry.objects.get(action="change")
    assert entry.changes["occupation"] == ["", "钳工"] and entry.changes["phone"] == ["139****9002", "139****2222"]
    # The stored ID number was kept: the edit form left the box empty.
    world.people["shangcheng"].refresh_from_db()
    assert world.people["shangcheng"].id_number == "330102199007011235"
