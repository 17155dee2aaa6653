"""The certificate API (SPEC §3.6, §1.6): public verification by number + name or by QR token, the published key
that lets anyone check a token offline (docs/examples/verify_certificate.py), the per-client rate limit, and the
scoped certificate list."""

import subprocess
import sys
from datetime import date
from pathlib import Path

import hypothesis
import pytest
from django.core.cache import caches
from django.test import Client
from hypothesis import HealthCheck, given
from hypothesis import strategies as st

from workerhub.skills import keys, services, signing
from workerhub.skills.models import Certificate, Occupation

VERIFY = "/api/v1/certificates/verify"
EXAMPLE = Path(__file__).resolve().parents[2] / "docs" / "examples" / "verify_certificate.py"
# Hand-built from the Wenzhou cast (tests/skills/conftest.py): evaluator S/0133, Zhejiang 33, site 000001, issued
# in 2024, level 4, serials in registration order; the partner's credit code for the enterprise certificates.
CHEN_SKILL, LIN_SKILL, LI_SKILL = "S013333000001244000001", "S013333000001244000002", "S013333000001244000003"
CHEN_ENTERPRISE = "QY-91330303MA2H8K1P38-24-000001"
NOT_FOUND = {"valid": False, "status": "not_found", "holder": None, "occupation": None, "level": None,
             "issuer": None, "issued_on": None, "revoked_on": None}


def publish(world, exam, people) -> dict[str, Certificate]:
    """Register, pass (80/75) and publish ``people`` in the 数据标注员 四级 session, issued 2024-03-12."""
    regs = [services.register_candidate(actor=world.users["wenzhou_eval"], session=exam["session"], person=p,
                                        declared={"years_in_trade": 6}, via="evaluator") for p in people]
    services.record_scores(actor=world.users["wenzhou_eval"], session=exam["session"],
                           rows=[services.ScoreRow(registration_id=r.pk, theory=80, practical=75) for r in regs])
    services.publish_results(actor=world.users["wenzhou_eval"], session=exam["session"], issued_on=date(2024, 3, 12))
    return {c.number: c for c in Certificate.objects.all()}


@pytest.fixture
def certs(world, exam, candidates):
    """陈晓明 and 林芳 of Wenzhou, and 李上城 of Hangzhou (the demo "worker"): two certificates each."""
    return publish(world, exam, [candidates[0], candidates[1], world.people["shangcheng"]])


@pytest.fixture(autouse=True)
def fresh_rate_limit():
    caches["ratelimit"].clear()
    yield
    caches["ratelimit"].clear()


def verify(client=None, headers=None, **params):
    response = (client or Client()).get(VERIFY, params, headers=headers)
    assert response.status_code == 200, response.content
    return response.json()


def test_a_valid_skill_certificate_by_number_and_name(certs):
    assert verify(number=CHEN_SKILL, name="陈晓明") == {
        "valid": True, "status": "valid", "number": CHEN_SKILL, "kind": "skill_level", "holder": "陈*明",
        "occupation": "数据标注员", "level": "四级/中级工", "issuer": "浙江安防职业技术学院",
        "issued_on": "2024-03-12", "revoked_on": None, "revoked_reason": None, "recognised_by": []}


def test_the_enterprise_certificate_names_who_recognises_it(certs):
    answer = verify(number=CHEN_ENTERPRISE, name="陈晓明")
    assert (answer["valid"], answer["kind"], answer["issuer"]) == (True, "enterprise", "温州数安港科技有限公司")
    # The alliance members that recognise certificates; 西湖数据科技 joined without recognising (conftest).
    assert sorted(answer["recognised_by"]) == sorted(["浙江安防职业技术学院", "温州数安港科技有限公司",
                                                      "温州数据标注服务有限公司"])


def test_typing_slips_in_number_and_name_are_forgiven(certs):
    assert verify(number=" " + CHEN_SKILL.lower(), name=" 陈 晓明 ")["status"] == "valid"


def test_a_revoked_certificate_verifies_as_revoked(world, certs):
    services.revoke_certificate(actor=world.users["wenzhou_eval"], certificate=certs[CHEN_SKILL], reason="考试作弊",
                                document="温人社鉴〔2024〕7号", on=date(2024, 4, 1))
    answer = verify(number=CHEN_SKILL, name="陈晓明")
    assert answer == {**answer, "valid": False, "status": "revoked", "revoked_on": "2024-04-01",
                      "revoked_reason": "考试作弊", "holder": "陈*明"}
    by_token = verify(token=certs[CHEN_SKILL].token)
    assert (by_token["signature"], by_token["status"], by_token["valid"]) == ("valid", "revoked", False)
    # The twin was not revoked (include_twin=False): still valid.
    assert verify(number=CHEN_ENTERPRISE, name="陈晓明")["status"] == "valid"


def test_a_wrong_name_is_indistinguishable_from_an_unknown_number(certs):
    wrong = verify(number=CHEN_SKILL, name="陈小明")
    unknown = verify(number="S013333000001244000099", name="陈晓明")
    assert wrong == {**NOT_FOUND, "number": CHEN_SKILL}
    assert unknown == {**NOT_FOUND, "number": "S013333000001244000099"}
    # Another holder's name on a real number: still nothing.
    assert verify(number=CHEN_SKILL, name="林芳") == wrong


@pytest.mark.parametrize("params", [
    {"number": CHEN_SKILL + "0" * 19, "name": "陈晓明"},           # 41 characters
    {"number": CHEN_SKILL, "name": "陈晓明" + "明" * 48},           # 51 characters
    {"number": "S" * 5000, "name": "陈" * 5000},
    {"token": "S013333000001244000001." + "A" * 138},             # 161 characters
    {"token": "x" * 5000},
    {"number": "S013333000001244000001\x00", "name": "陈晓明"},
    {"number": "Y000199000001244000001", "name": "陈晓明"},         # 99 is not a province
    {"number": "", "name": ""},
    {"token": ""},
])
def test_malformed_or_oversized_input_is_not_found_never_an_error(certs, params):
    answer = verify(**params)
    assert answer["valid"] is False and answer["status"] == "not_found" and answer["holder"] is None


def test_missing_parameters_are_a_400_with_a_chinese_message():
    response = Client().get(VERIFY, {"number": CHEN_SKILL})
    assert response.status_code == 400
    assert response.json()["error"]["message"] == "请提供证书编号和姓名，或二维码令牌"


def test_a_legacy_16_digit_certificate_on_record_verifies(world, certs):
    # A pre-2020 职业资格证书 carried over from the old system: year 12, 33 01, type 0, serial 001, level 4, 00123.
    person = world.people["xihu"]
    number = "1233010001400123"
    Certificate.objects.create(
        number=number, kind="skill_level", person=person, holder_name="王西湖",
        holder_id_masked="330106********2015", occupation=Occupation.objects.get(name="数据标注员"),
        occupation_name="数据标注员", level=4, issuer=world.orgs["hangzhou"], issuer_name="杭州市职业技能鉴定中心",
        issued_on=date(2012, 6, 30), region_id="330106", token=keys.sign(number))
    answer = verify(number="1233010001400123", name="王西湖")
    assert (answer["valid"], answer["holder"], answer["issued_on"], answer["level"]) == (
        True, "王*湖", "2012-06-30", "四级/中级工")
    assert verify(number="1233010001400124", name="王西湖") == {**NOT_FOUND, "number": "1233010001400124"}
    assert verify(number="123301000140012", name="王西湖")["status"] == "not_found"  # 15 digits


def test_a_real_token_verifies_with_its_signature(certs):
    answer = verify(token=certs[LIN_SKILL].token)
    assert (answer["signature"], answer["status"], answer["number"], answer["holder"]) == (
        "valid", "valid", LIN_SKILL, "林*")


# 86 base64url characters carry 516 bits for a 64-byte signature: the last character's 4 low bits are spare.
B64 = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_"


def non_canonical(token: str) -> list[str]:
    """Spellings of the same bytes (or near them) that a lax decoder would accept."""
    number, sig = token.split(".")
    last = B64.index(sig[-1])
    same_bytes = [sig[:-1] + B64[(last & ~0b1111) | low] for low in range(16) if low != last & 0b1111]
    std = sig.replace("-", "+").replace("_", "/")
    return ([f"{number}.{s}" for s in same_bytes] + [token + "==", token + "=", token + "\n", " " + token,
            f"{number.lower()}.{sig}", f"{number}.{std}" if std != sig else token + ".",
            f"{number}..{sig}", f"{number}.{sig[:-1]}", f"{number}.{sig}A", token.replace(".", "%2E"),
            token.encode().hex()])


@hypothesis.settings(max_examples=50, deadline=None, database=None, suppress_health_check=list(HealthCheck))
@given(data=st.data())
def test_any_changed_character_of_a_token_fails(certs, data, settings):
    settings.CERT_VERIFY_RATE = 0
    token = certs[CHEN_SKILL].token
    position = data.draw(st.integers(0, len(token) - 1), label="position")
    replacement = data.draw(st.characters(codec="utf-8").filter(lambda c: c != token[position]), label="char")
    mutated = token[:position] + replacement + token[position + 1:]
    answer = verify(token=mutated)
    assert (answer["valid"], answer["status"], answer["signature"], answer["holder"]) == (
        False, "not_found", "invalid", None)


def test_non_canonical_spellings_of_a_real_token_fail(certs, settings):
    settings.CERT_VERIFY_RATE = 0
    token = certs[CHEN_ENTERPRISE].token
    assert verify(token=token)["valid"] is True
    variants = non_canonical(token)
    assert len(variants) == 15 + 11
    for variant in variants:
        assert verify(token=variant)["status"] == "not_found", variant


def test_a_token_signed_by_another_key_fails(certs):
    stranger, _public = signing.generate_keypair()
    forged = signing.sign_token(CHEN_SKILL, stranger)
    assert verify(token=forged) == {**NOT_FOUND, "number": None, "signature": "invalid"}


# --- the published key, used offline ----------------------------------------------------------------------

def offline(key: str, token: str) -> subprocess.CompletedProcess:
    return subprocess.run([sys.executable, str(EXAMPLE), key, token], capture_output=True, text=True, timeout=60,
                          check=False)


def test_the_published_key_verifies_a_token_offline(certs):
    published = Client().get("/api/v1/certificates/public-key").json()
    assert published["algorithm"] == "Ed25519" and len(published["public_key"]) == 43
    assert published["public_key_pem"].startswith("-----BEGIN PUBLIC KEY-----")
    token = certs[CHEN_SKILL].token
    for key in (published["public_key"], published["public_key_pem"]):
        done = offline(key, token)
        assert (done.returncode, done.stdout.strip()) == (0, CHEN_SKILL), done.stderr
    qr = offline(published["public_key"], f"https://workerhub.example.org/verify/{certs[CHEN_ENTERPRISE].token}")
    assert (qr.returncode, qr.stdout.strip()) == (0, CHEN_ENTERPRISE)


def test_the_offline_verifier_refuses_a_tampered_token_and_a_stranger_key(certs):
    published = Client().get("/api/v1/certificates/public-key").json()
    token = certs[CHEN_SKILL].token
    number, sig = token.split(".")
    other_number = LIN_SKILL + "." + sig  # Chen's signature on Lin's number
    flipped = number + "." + sig[:10] + ("A" if sig[10] != "A" else "B") + sig[11:]
    for bad in (other_number, flipped, *non_canonical(token)[:3]):
        done = offline(published["public_key"], bad)
        assert done.returncode == 1 and done.stdout == "", bad
    _private, stranger = signing.generate_keypair()
    assert offline(signing.public_key_to_raw(stranger), token).returncode == 1


# --- rate limit ---------------------------------------------------------------------------------------------

def test_verification_is_rate_limited_per_client(certs, settings):
    settings.CERT_VERIFY_RATE = 3
    alice, bob = Client(REMOTE_ADDR="203.0.113.7"), Client(REMOTE_ADDR="203.0.113.8")
    for _ in range(3):
        assert verify(alice, number=CHEN_SKILL, name="陈晓明")["valid"] is True
    refused = alice.get(VERIFY, {"number": CHEN_SKILL, "name": "陈晓明"})
    assert refused.status_code == 429
    assert refused.json()["error"]["code"] == "rate_limited"
    assert refused.json()["error"]["message"] == "查询过于频繁，请稍后再试"
    assert 1 <= int(refused["Retry-After"]) <= 60
    # Tokens count against the same budget; another client is unaffected.
    assert alice.get(VERIFY, {"token": certs[CHEN_SKILL].token}).status_code == 429
    assert verify(bob, number=CHEN_SKILL, name="陈晓明")["valid"] is True


def test_behind_a_proxy_the_forwarded_client_is_limited_not_the_proxy(certs, settings):
    settings.CERT_VERIFY_RATE = 2
    settings.AXES_IPWARE_PROXY_COUNT = 1
    proxy = Client(REMOTE_ADDR="127.0.0.1")
    for _ in range(2):
        assert verify(proxy, {"X-Forwarded-For": "198.51.100.1"}, number=CHEN_SKILL, name="陈晓明")["valid"]
    # A client cannot escape by prepending addresses of its own: the proxy's appended entry counts.
    spoofed = proxy.get(VERIFY, {"number": CHEN_SKILL, "name": "陈晓明"},
                        headers={"X-Forwarded-For": "10.9.9.9, 198.51.100.1"})
    assert spoofed.status_code == 429
    assert verify(proxy, {"X-Forwarded-For": "198.51.100.2"}, number=CHEN_SKILL, name="陈晓明")["valid"]


def test_a_rate_of_zero_switches_the_limit_off(certs, settings):
    settings.CERT_VERIFY_RATE = 0
    client = Client()
    assert all(verify(client, number=CHEN_SKILL, name="陈晓明")["valid"] for _ in range(40))


def test_the_public_key_is_not_rate_limited(settings):
    settings.CERT_VERIFY_RATE = 1
    assert {Client().get("/api/v1/certificates/public-key").status_code for _ in range(5)} == {200}


# --- the certificate list ---------------------------------------------------------------------------------

def listed(world, username, query=""):
    response = world.client(username).get("/api/v1/certificates" + query)
    assert response.status_code == 200, response.content
    return response.json()


def test_the_list_has_the_fixed_fields(world, certs):
    body = listed(world, "wenzhou_eval", f"?q={CHEN_SKILL}")
    assert (body["count"], body["page"]) == (1, 1)
    assert body["results"][0] == {
        "number": CHEN_SKILL, "kind": "skill_level", "holder_name": "陈晓明", "occupation": "数据标注员",
        "level": "四级/中级工", "issuer": "浙江安防职业技术学院", "status": "valid", "issued_on": "2024-03-12",
        "revoked_on": None, "token": certs[CHEN_SKILL].token}


def test_each_role_lists_only_the_certificates_it_may_see(world, certs):
    numbers = {u: {r["number"] for r in listed(world, u)["results"]} for u in ("wenzhou_eval", "worker", "hangzhou",
                                                                                "ningbo", "nobody")}
    assert numbers["wenzhou_eval"] == set(certs) and len(certs) == 6   # its session issued all six
    li = {LI_SKILL, "QY-91330303MA2H8K1P38-24-000003"}
    assert numbers["worker"] == li                                      # 李上城 sees his own two
    assert numbers["hangzhou"] == li                                    # holder's region 330102 lies in 3301
    assert numbers["ningbo"] == set() and numbers["nobody"] == set()    # other region, no role
    assert Client().get("/api/v1/certificates").status_code == 401


def test_the_list_filters_by_kind_status_and_name(world, certs):
    services.revoke_certificate(actor=world.users["wenzhou_eval"], certificate=certs[LIN_SKILL], reason="证件造假",
                                on=date(2024, 5, 6))
    assert listed(world, "wenzhou_eval", "?kind=enterprise")["count"] == 3
    revoked = listed(world, "wenzhou_eval", "?status=revoked")["results"]
    assert [(r["number"], r["revoked_on"]) for r in revoked] == [(LIN_SKILL, "2024-05-06")]
    assert {r["number"] for r in listed(world, "wenzhou_eval", "?q=陈晓明")["results"]} == {CHEN_SKILL, CHEN_ENTERPRISE}
    page = listed(world, "wenzhou_eval", "?page=2&page_size=4")
    assert (page["count"], page["page"], len(page["results"])) == (6, 2, 2)
    assert world.client("wenzhou_eval").get("/api/v1/certificates?kind=diploma").status_code == 400


def test_a_later_change_of_the_holder_record_does_not_change_the_check(world, certs):
    # Copied at issue (models.Certificate): the certificate says what it said on the day it was handed over.
    person = certs[CHEN_SKILL].person
    person.name = "陈晓鸣"
    person.save()
    assert verify(number=CHEN_SKILL, name="陈晓明")["valid"] is True
    assert verify(number=CHEN_SKILL, name="陈晓鸣")["status"] == "not_found"
