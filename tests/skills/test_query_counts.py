"""No exam-session or certificate page's query count grows with the rows on it (SPEC §8.1); the counts are kept in
query_counts.json so that a change which adds queries shows up in review.

Each page is counted twice: with a small published session (2 candidates, the worker's one pass) and again after a
bigger one (8 more candidates, the worker's second pass) was published."""

import json
from datetime import date
from pathlib import Path

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from tests.conftest import make_person
from workerhub.core.rules import id_check_char
from workerhub.skills import services

EXPECTED = json.loads((Path(__file__).parent / "query_counts.json").read_text())


def people(count: int, start: int):
    out = []
    for i in range(start, start + count):
        first17 = f"33030419900101{i:03d}"
        out.append(make_person(f"考生{i}", first17 + id_check_char(first17), "330304"))
    return out


def published_session(world, exam, candidates, *, day: date, worker: bool):
    session = services.create_exam_session(
        actor=world.users["wenzhou_eval"], occupation=exam["occupation"], level=4, exam_date=day,
        site="中国(温州)数安港", site_code="000001", region_id="330304", evaluator=exam["evaluator"], capacity=100,
        partner=exam["partner"], alliance=exam["alliance"])
    everyone = candidates + ([world.people["shangcheng"]] if worker else [])
    regs = [services.register_candidate(actor=None, session=session, person=p, declared={"years_in_trade": 6})
            for p in everyone]
    services.record_scores(actor=world.users["wenzhou_eval"], session=session, rows=[
        services.ScoreRow(registration_id=r.pk, theory=80, practical=80) for r in regs])
    services.publish_results(actor=world.users["wenzhou_eval"], session=session, issued_on=day)
    return session


def pages(small, big):
    return {
        "session_list": ("wenzhou_eval", "/skills/sessions/?page_size=200", "/skills/sessions/?page_size=200"),
        "session_detail": ("wenzhou_eval", f"/skills/sessions/{small.pk}/", f"/skills/sessions/{big.pk}/"),
        "session_detail_officer": ("province", f"/skills/sessions/{small.pk}/", f"/skills/sessions/{big.pk}/"),
        "scores": ("wenzhou_eval", f"/skills/sessions/{small.pk}/scores/", f"/skills/sessions/{big.pk}/scores/"),
        "certificate_list": ("wenzhou_eval", "/skills/certificates/?page_size=200",
                             "/skills/certificates/?page_size=200"),
        "my_certificates": ("worker", "/skills/mine/", "/skills/mine/"),
    }


def count(client, url):
    with CaptureQueriesContext(connection) as ctx:
        assert client.get(url).status_code == 200
    return len(ctx.captured_queries)


@pytest.mark.parametrize("name", list(EXPECTED))
def test_query_count_is_constant_and_as_recorded(world, exam, name):
    small = published_session(world, exam, people(2, 1), day=date(2024, 3, 9), worker=True)
    role, small_url, _big_url = pages(small, small)[name]
    client = world.client(role)
    client.get(small_url)  # warm per-process caches (content types)
    before = count(client, small_url)
    big = published_session(world, exam, people(8, 3), day=date(2024, 6, 9), worker=True)
    after = count(client, pages(small, big)[name][2])
    assert before == after, f"{name}: {before} queries with few rows, {after} with more"
    assert after == EXPECTED[name], f"{name}: {after} queries, query_counts.json says {EXPECTED[name]}"
