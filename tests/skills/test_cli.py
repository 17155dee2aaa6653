"""``workerhub certificates verify`` (SPEC §3.6, §1.7): Chinese lines or the API's JSON; exit 0 valid, 1 revoked or
not found, 2 bad arguments with one line on stderr. Run in-process through the real entry point."""

import json
from datetime import date

import pytest

from tests.skills.test_api import CHEN_ENTERPRISE, CHEN_SKILL, publish
from workerhub import cli
from workerhub.skills import services


@pytest.fixture
def certs(world, exam, candidates):
    return publish(world, exam, candidates[:1])


@pytest.fixture
def run(capsys, monkeypatch):
    # The management entry point closes every connection when a command ends; the test database must outlive it.
    monkeypatch.setattr("django.core.management.base.connections.close_all", lambda: None)

    def call(*args):
        code = 0
        try:
            cli.main(["certificates", *args])
        except SystemExit as exc:
            code = exc.code or 0
        out = capsys.readouterr()
        return code, out.out, out.err

    return call


def test_a_valid_certificate_by_number_and_name(certs, run):
    code, out, err = run("verify", "--number", CHEN_SKILL, "--name", "陈晓明")
    assert (code, err) == (0, "")
    lines = out.strip().splitlines()
    assert lines[:3] == ["证书状态:有效", "证书类型:职业技能等级证书", f"证书编号:{CHEN_SKILL}"]
    assert "姓名:陈*明" in lines and "等级:四级/中级工" in lines and "发证日期:2024-03-12" in lines


def test_json_is_the_api_answer(certs, run):
    code, out, _err = run("verify", "--token", certs[CHEN_ENTERPRISE].token, "--json")
    body = json.loads(out)
    assert code == 0
    assert (body["valid"], body["status"], body["signature"], body["number"], body["holder"]) == (
        True, "valid", "valid", CHEN_ENTERPRISE, "陈*明")
    assert sorted(body["recognised_by"]) == sorted(["浙江安防职业技术学院", "温州数安港科技有限公司",
                                                    "温州数据标注服务有限公司"])


def test_revoked_exits_1_and_says_when_and_why(world, certs, run):
    services.revoke_certificate(actor=world.users["wenzhou_eval"], certificate=certs[CHEN_SKILL], reason="考试作弊",
                                on=date(2024, 4, 1))
    code, out, _err = run("verify", "--number", CHEN_SKILL, "--name", "陈晓明")
    assert code == 1
    assert "证书状态:已撤销" in out and "撤销日期:2024-04-01" in out and "撤销原因:考试作弊" in out
    code, out, _err = run("verify", "--token", certs[CHEN_SKILL].token, "--json")
    assert code == 1 and json.loads(out)["status"] == "revoked"


def test_wrong_name_and_tampered_token_exit_1_and_reveal_nothing(certs, run):
    code, out, _err = run("verify", "--number", CHEN_SKILL, "--name", "陈小明")
    assert (code, out.strip()) == (1, "证书状态:未找到\n未找到与该证书编号和姓名相符的证书")
    token = certs[CHEN_SKILL].token
    code, out, _err = run("verify", "--token", token[:-1] + ("A" if token[-1] != "A" else "B"), "--json")
    body = json.loads(out)
    assert code == 1 and (body["status"], body["signature"], body["holder"]) == ("not_found", "invalid", None)


@pytest.mark.parametrize("args, message", [
    (("verify",), "需要 --number 和 --name"),
    (("verify", "--number", CHEN_SKILL), "需要 --number 和 --name"),
    (("verify", "--name", "陈晓明", "--number", " "), "需要 --number 和 --name"),
    (("verify", "--token", "x", "--number", CHEN_SKILL), "--token 不能与 --number/--name 同时使用"),
    (("verify", "--colour"), "unrecognized arguments"),
    (("check",), "invalid choice"),
])
def test_bad_usage_exits_2_with_one_line(db, run, args, message):
    code, out, err = run(*args)
    assert code == 2 and out == ""
    assert message in err and len(err.strip().splitlines()) == 1
