"""The scope matrix (SPEC §0, §8.2): every page, export and API endpoint × every role shows no record
outside the role's region, and anonymous users are refused where a login is required."""

import io

import pytest
from django.urls import URLPattern, URLResolver, get_resolver
from python_calamine import CalamineWorkbook

from tests.conftest import VISIBLE_PEOPLE

ROLES = list(VISIBLE_PEOPLE)

NAMES = {"xihu": "王西湖", "shangcheng": "李上城", "ningbo": "张北仑", "huzhou_flex": "赵灵活", "huzhou_emp": "钱湖州"}

VISIBLE_ORGS = {
    "province": {"province", "hangzhou", "xihu", "ningbo", "firm_xihu", "firm_shangcheng", "firm_ningbo", "hpf",
                 "college", "station"},
    "hangzhou": {"hangzhou", "xihu", "firm_xihu", "firm_shangcheng"},
    "xihu": {"xihu", "firm_xihu"},
    "ningbo": {"ningbo", "firm_ningbo"},
    "firm_xihu": {"firm_xihu"},
    "huzhou_hpf": {"hpf"},
    "wenzhou_eval": {"college"},
    "xianju_keeper": {"station"},
    "worker": set(),
    "nobody": set(),
    None: set(),
}


def names_in(text: str) -> set[str]:
    return {key for key, name in NAMES.items() if name in text}


def xlsx_text(response) -> str:
    content = b"".join(response.streaming_content)
    sheet = CalamineWorkbook.from_filelike(io.BytesIO(content)).get_sheet_by_index(0)
    return "\n".join(",".join(str(c) for c in row) for row in sheet.iter_rows())


@pytest.mark.parametrize("role", ROLES)
def test_people_list_page_shows_exactly_the_roles_people(world, role):
    response = world.client(role).get("/people/?page_size=200")
    if role is None:
        assert response.status_code == 302 and "/accounts/login/" in response["Location"]
        return
    assert response.status_code == 200
    assert names_in(response.content.decode()) == VISIBLE_PEOPLE[role]


@pytest.mark.parametrize("role", ROLES)
def test_people_search_and_filters_stay_in_scope(world, role):
    client = world.client(role)
    for query in ("q=王", "q=330102199007011235", "q=13700137003", "region=33", "employment_type=flexible",
                  "membership=pending"):
        response = client.get(f"/people/?{query}")
        if role is None:
            assert response.status_code == 302
            continue
        assert names_in(response.content.decode()) <= VISIBLE_PEOPLE[role], query


@pytest.mark.parametrize("role", ROLES)
def test_people_export_contains_only_the_roles_people(world, role):
    response = world.client(role).get("/people/export.xlsx")
    allowed = role in {"province", "hangzhou", "xihu", "ningbo", "firm_xihu"}
    if role is None:
        assert response.status_code == 302
    elif not allowed:
        # Roles without the export right get an empty workbook, never someone else's rows.
        assert response.status_code == 200 and names_in(xlsx_text(response)) == set()
    else:
        assert response.status_code == 200
        assert names_in(xlsx_text(response)) == VISIBLE_PEOPLE[role]


@pytest.mark.parametrize("role", ROLES)
def test_person_detail_edit_and_actions_404_outside_scope(world, role):
    client = world.client(role)
    for key, person in world.people.items():
        for url in (f"/people/{person.pk}/", f"/api/v1/people/{person.pk}"):
            response = client.get(url)
            if role is None:
                assert response.status_code in (302, 401), url
            elif key in VISIBLE_PEOPLE[role]:
                assert response.status_code == 200, (url, role)
            else:
                assert response.status_code == 404, (url, role)
        edit = client.get(f"/people/{person.pk}/edit/")
        confirm = client.post(f"/people/{person.pk}/confirm/")
        if role is not None and key not in VISIBLE_PEOPLE[role]:
            assert edit.status_code == 404 and confirm.status_code == 404


@pytest.mark.parametrize("role", ROLES)
def test_people_api_list_returns_exactly_the_roles_people(world, role):
    response = world.client(role).get("/api/v1/people?page_size=200")
    if role is None:
        assert response.status_code == 401
        assert response.json()["error"]["code"] == "unauthenticated"
        return
    body = response.json()
    assert {r["name"] for r in body["results"]} == {NAMES[k] for k in VISIBLE_PEOPLE[role]}
    assert body["count"] == len(VISIBLE_PEOPLE[role])


@pytest.mark.parametrize("role", ROLES)
def test_organisations_everywhere_show_exactly_the_roles_organisations(world, role):
    client = world.client(role)
    names = {key: org.name for key, org in world.orgs.items()}
    expected = {names[k] for k in VISIBLE_ORGS[role]}
    api = client.get("/api/v1/organisations?page_size=200")
    page = client.get("/organisations/?page_size=200")
    export = client.get("/organisations/export.xlsx")
    if role is None:
        assert api.status_code == 401 and page.status_code == 302 and export.status_code == 302
        return
    assert {r["name"] for r in api.json()["results"]} == expected
    # A row links to its record; the parent federation's name may appear as a label, never as a row.
    rows = {key for key, org in world.orgs.items() if f'href="/organisations/{org.pk}/"' in page.content.decode()}
    assert rows == VISIBLE_ORGS[role]
    first_column = {line.split(",")[0] for line in xlsx_text(export).splitlines()[1:]}
    exported = first_column & set(names.values())
    assert exported == (expected if role == "province" or role in {"hangzhou", "xihu", "ningbo"} else set())
    for key, org in world.orgs.items():
        for url in (f"/organisations/{org.pk}/", f"/api/v1/organisations/{org.pk}"):
            status = client.get(url).status_code
            assert status == (200 if key in VISIBLE_ORGS[role] else 404), (url, role)


@pytest.mark.parametrize("role", ROLES)
def test_audit_log_shows_only_entries_of_the_roles_region(world, role):
    # One audited change in Xihu and one in Ningbo, made by the province officer.
    from workerhub.core import services

    services.update_person(actor=world.users["province"], person=world.people["xihu"], occupation="电工")
    services.update_person(actor=world.users["province"], person=world.people["ningbo"], occupation="焊工")
    response = world.client(role).get("/audit/?page_size=200")
    if role is None:
        assert response.status_code == 302
        return
    text = response.content.decode()
    seen = {k for k in ("xihu", "ningbo") if NAMES[k] in text}
    expected = {"province": {"xihu", "ningbo"}, "hangzhou": {"xihu"}, "xihu": {"xihu"}, "ningbo": {"ningbo"}}
    assert seen == expected.get(role, set())


def test_home_page_counts_are_the_roles_own(world):
    # 杭州市总工会 sees the two Hangzhou people; 西湖区总工会 only its one.
    assert world.client("hangzhou").get("/").context["counts"]["people"] == 2
    assert world.client("xihu").get("/").context["counts"]["people"] == 1
    assert world.client("huzhou_hpf").get("/").context["counts"]["flexible"] == 1


def test_writes_outside_scope_are_refused_and_change_nothing(world):
    client = world.client("xihu")
    before = world.people["shangcheng"].occupation
    response = client.post(f"/people/{world.people['shangcheng'].pk}/edit/", {"name": "改名", "region": "330102"})
    assert response.status_code == 404
    # Creating a person in a region outside Xihu: the region is not even offered, and the API refuses.
    api = client.post("/api/v1/people", {"name": "外区", "id_number": "330102199007011235", "region": "330102"},
                      content_type="application/json")
    assert api.status_code == 400
    world.people["shangcheng"].refresh_from_db()
    assert world.people["shangcheng"].occupation == before and world.people["shangcheng"].name == "李上城"


# Every URL the project serves must appear here: a new page or endpoint has to be added to the matrix
# (or declared public) before the suite passes, so none can skip the scope rule unseen.
COVERED = {
    "home", "login", "logout", "register", "tokens", "token_delete", "person_list", "person_create",
    "person_export", "person_import", "person_template", "person_detail", "person_edit", "person_reveal",
    "person_confirm", "organisation_list", "organisation_create", "organisation_export", "organisation_detail",
    "organisation_edit", "audit_list", "audit_export", "job_detail", "healthz", "set_language",
    "api:list_people", "api:get_person", "api:create_person", "api:list_organisations", "api:get_organisation",
    "api:api-root", "api:openapi-json", "api:openapi-view",
    # housing — tests/housing/test_views.py and test_api.py
    "housing:home", "housing:calculator", "housing:calculator_download", "housing:account_list",
    "housing:account_export", "housing:account_open", "housing:account_detail", "housing:account_confirm",
    "housing:account_deposit", "housing:account_assess", "housing:account_withdraw", "housing:application_list", "housing:application_detail",
    "housing:application_transition", "housing:loan_repay", "housing:statistics", "housing:settle",
    "api:quote", "api:list_accounts", "api:get_account", "api:deposit", "api:assessment",
    # stations — tests/stations/test_views.py, test_api.py, test_visits_ratings.py, test_import.py
    "stations:finder", "stations:list", "stations:export", "stations:create", "stations:import",
    "stations:import_template", "stations:ratings", "stations:rating_moderate", "stations:network", "stations:photo",
    "stations:detail", "stations:edit", "stations:plate", "stations:checkin", "stations:rate", "stations:events",
    "stations:event_delete", "stations:photo_add", "stations:photo_delete",
    "api:nearest_stations", "api:list_stations", "api:get_station",
    # skills — tests/skills/test_scope.py (the matrix for certificates and sessions), test_views.py,
    # test_training.py, test_documents.py, test_verify_views.py, test_api.py
    "skills:session_list", "skills:session_export", "skills:session_create", "skills:session_detail",
    "skills:register", "skills:scores", "skills:scores_template", "skills:scores_import", "skills:results_export",
    "skills:session_transition", "skills:amend", "skills:withdraw", "skills:certificate_list",
    "skills:certificate_export", "skills:certificate_detail", "skills:certificate_revoke", "skills:my_certificates",
    "skills:certificate_pdf", "skills:session_pdfs", "skills:bundle_download", "skills:occupations",
    "skills:alliance_list", "skills:alliance_detail", "skills:course_list", "skills:course_detail",
    "skills:course_enrol", "skills:course_attendance", "skills:course_complete", "skills:competition_list",
    "skills:competition_detail", "skills:result_add", "skills:credit_decide", "verify:form", "verify:token",
    # skills — tests/skills/test_training_forms.py (create courses, competitions, alliances)
    "skills:course_create", "skills:course_session_add", "skills:competition_create", "skills:competition_event_add",
    "skills:alliance_create", "skills:alliance_member_add", "skills:alliance_member_recognition",
    "api:verify_certificate", "api:public_key", "api:list_certificates",
    # talent nominations — tests/talent/test_nomination_views.py, test_nomination_api.py
    "talent:honour_list", "talent:honour_detail", "talent:nomination_list", "talent:nomination_export",
    "talent:nomination_create", "talent:nomination_detail", "talent:nomination_transition", "talent:objection_resolve",
    "talent:publicity", "api:list_nominations",
    # talent people — tests/talent/test_people_views.py (teams, studios, mentoring, timelines per role)
    "talent:team_list", "talent:team_export", "talent:team_create", "talent:team_detail", "talent:team_edit",
    "talent:team_member_add", "talent:team_member_remove", "talent:team_timeline", "talent:team_event_add",
    "talent:studio_list", "talent:studio_export", "talent:studio_create", "talent:studio_detail", "talent:studio_edit",
    "talent:studio_member_add", "talent:studio_member_remove", "talent:mentorship_list", "talent:mentorship_export",
    "talent:mentorship_create", "talent:mentorship_detail", "talent:mentorship_close", "talent:master_detail",
    "talent:person_timeline", "talent:person_event_add", "talent:event_attachment", "talent:event_delete",
    # talent profiles and ladder — tests/talent/test_profile_views.py, test_ladder.py (per role)
    "talent:profile", "talent:profile_pdf", "talent:ladder", "talent:ladder_export", "talent:profiles_recompute",
    "talent:profile_job", "api:get_profile",
    # talent negative list — tests/talent/test_compliance.py (per role)
    "talent:compliance_list", "talent:compliance_export", "talent:compliance_create", "talent:compliance_end",
}


def _names(resolver, prefix=""):
    for entry in resolver.url_patterns:
        if isinstance(entry, URLResolver):
            if entry.app_name == "admin":
                continue  # Django admin: superusers only, staff flag never given to role users
            ns = f"{entry.namespace}:" if entry.namespace else ""
            yield from _names(entry, prefix + ns)
        elif isinstance(entry, URLPattern) and entry.name:
            yield prefix + entry.name


def test_every_url_is_in_the_scope_matrix():
    served = set(_names(get_resolver()))
    assert served - COVERED == set(), "add these URLs to the scope matrix tests"
