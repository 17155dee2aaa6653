"""The public verification pages (SPEC §3.6): /verify/ by number and holder name, /verify/<token> as opened from a
certificate's QR code — what a stranger holding a phone sees, never more than the API answers."""

from datetime import date

import pytest
from django.core.cache import caches
from django.test import Client

from tests.skills.test_api import CHEN_ENTERPRISE, CHEN_SKILL, publish
from workerhub.skills import services


@pytest.fixture
def certs(world, exam, candidates):
    return publish(world, exam, candidates[:1])  # 陈晓明: S013333000001244000001 and QY-…-24-000001


@pytest.fixture(autouse=True)
def fresh_rate_limit():
    caches["ratelimit"].clear()
    yield
    caches["ratelimit"].clear()


def page(url, params=None, status=200, client=None):
    response = (client or Client()).get(url, params)
    assert response.status_code == status, response.content.decode()[:500]
    return response.content.decode()


def test_the_form_is_public_and_mobile_ready():
    html = page("/verify/")
    assert 'name="viewport" content="width=device-width, initial-scale=1"' in html
    assert '<label for="id_number">证书编号</label>' in html and '<label for="id_name">持证人姓名</label>' in html
    assert "查验结果" not in html and "未找到" not in html


def test_number_and_name_show_the_certificate_with_the_holder_masked(certs):
    html = page("/verify/", {"number": CHEN_SKILL, "name": "陈晓明"})
    assert "职业技能等级证书" in html and '<span class="badge done" data-testid="status">有效</span>' in html
    for text in (CHEN_SKILL, "陈*明", "数据标注员", "四级/中级工", "浙江安防职业技术学院", "2024-03-12"):
        assert f"<dd>{text}</dd>" in html
    assert "陈晓明" not in html.replace('value="陈晓明"', "")  # only in the form field the visitor typed into


def test_a_wrong_name_finds_nothing_and_shows_nothing(certs):
    html = page("/verify/", {"number": CHEN_SKILL, "name": "陈小明"})
    assert '<span class="badge " data-testid="status">未找到</span>' in html
    assert "未找到与该证书编号和姓名相符的证书" in html
    assert "数据标注员" not in html and "浙江安防职业技术学院" not in html and "陈*明" not in html


def test_the_enterprise_certificate_page_lists_who_recognises_it(certs):
    html = page("/verify/", {"number": CHEN_ENTERPRISE, "name": "陈晓明"})
    assert "企业认可证书" in html and "<dt>认可单位</dt>" in html
    recognisers = html.split("<dt>认可单位</dt><dd>")[1].split("</dd>")[0].split("、")
    assert sorted(recognisers) == sorted(["浙江安防职业技术学院", "温州数安港科技有限公司", "温州数据标注服务有限公司"])


def test_an_empty_field_is_explained_not_looked_up(certs):
    html = page("/verify/", {"number": CHEN_SKILL, "name": ""})
    assert 'class="field invalid"' in html and "这个字段是必填项" in html and "查验结果" not in html


def test_the_qr_page_shows_a_valid_signed_certificate(certs):
    token = certs[CHEN_SKILL].token
    html = page(f"/verify/{token}")
    assert "二维码签名有效" in html and '<span class="badge done" data-testid="status">有效</span>' in html
    assert f"<dd>{CHEN_SKILL}</dd>" in html and "<dd>陈*明</dd>" in html


def test_a_revoked_certificate_says_so_with_date_and_reason(world, certs):
    services.revoke_certificate(actor=world.users["wenzhou_eval"], certificate=certs[CHEN_SKILL], reason="考试作弊",
                                document="温人社鉴〔2024〕7号", on=date(2024, 4, 1))
    html = page(f"/verify/{certs[CHEN_SKILL].token}")
    assert '<span class="badge failed" data-testid="status">已撤销</span>' in html
    assert "此证书已于 2024-04-01 撤销,不再有效。" in html
    assert "<dt>撤销日期</dt><dd>2024-04-01</dd>" in html and "<dt>撤销原因</dt><dd>考试作弊</dd>" in html
    assert "已撤销" in page("/verify/", {"number": CHEN_SKILL, "name": "陈晓明"})


@pytest.mark.parametrize("mangle", [
    lambda t: t[:-1] + ("A" if t[-1] != "A" else "B"),   # last character changed
    lambda t: t.lower(),                                 # the number in lower case
    lambda t: t[:-5],                                    # cut short (a torn QR sticker)
    lambda t: "S013333000001244000002" + t[22:],         # another certificate's number on this signature
    lambda t: "not-a-token",
])
def test_a_tampered_qr_code_is_a_404_with_a_clear_page(certs, mangle):
    html = page("/verify/" + mangle(certs[CHEN_SKILL].token), status=404)
    assert "二维码无效或证书不存在" in html and "没有通过签名校验" in html
    assert "陈*明" not in html and "数据标注员" not in html


def test_the_pages_share_the_api_rate_limit(certs, settings):
    settings.CERT_VERIFY_RATE = 2
    client = Client()
    assert client.get("/api/v1/certificates/verify", {"number": CHEN_SKILL, "name": "陈晓明"}).status_code == 200
    page("/verify/", {"number": CHEN_SKILL, "name": "陈晓明"}, client=client)
    html = page("/verify/", {"number": CHEN_SKILL, "name": "陈晓明"}, status=429, client=client)
    assert "查询过于频繁,请稍后再试。" in html and "<dd>陈*明</dd>" not in html
    limited = client.get(f"/verify/{certs[CHEN_SKILL].token}")
    assert limited.status_code == 429 and 1 <= int(limited["Retry-After"]) <= 60
    # Opening the empty form is not a look-up and is never refused.
    page("/verify/", client=client)
