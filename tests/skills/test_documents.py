"""Certificate PDFs (SPEC §3.4): A4 pages with the fields of 人社鉴发〔2021〕1号 in Chinese and a QR code that opens the
signed verification link — read back with poppler's pdftotext and pdftoppm and zbar's zbarimg, as a person and a
phone would — the revocation stamp, who may download, and the bulk zip of a session made by a background job."""

import io
import os
import shutil
import subprocess
import zipfile
from datetime import date

import pytest
from django.conf import settings

from workerhub.core.models import Job, User
from workerhub.skills import documents, keys, services
from workerhub.skills.models import Certificate

ISSUED = date(2024, 3, 12)
# The alliance members that recognise its certificates (conftest: firm_xihu joined without recognising).
RECOGNISERS = ("浙江安防职业技术学院", "温州数安港科技有限公司", "温州数据标注服务有限公司")


@pytest.fixture
def published(world, exam, candidates, settings, tmp_path):
    """陈晓明 and 林芳 pass, 黄志强 fails (59.5 theory): four certificates issued on 2024-03-12."""
    settings.MEDIA_ROOT = tmp_path / "media"
    evaluator = world.users["wenzhou_eval"]
    regs = [services.register_candidate(actor=evaluator, session=exam["session"], person=p,
                                        declared={"years_in_trade": 6}, via="evaluator") for p in candidates]
    services.record_scores(actor=evaluator, session=exam["session"], rows=[
        services.ScoreRow(registration_id=r.pk, theory=t, practical=p)
        for r, (t, p) in zip(regs, [(75, 80), (60, 60), (59.5, 90)], strict=True)])
    services.publish_results(actor=evaluator, session=exam["session"], issued_on=ISSUED)
    return exam["session"]


def cert(person, kind) -> Certificate:
    return Certificate.objects.get(person=person, kind=kind)


def read(pdf: bytes, tmp_path, name="cert") -> tuple[str, str]:
    """(text, decoded QR) of a one-page PDF."""
    path = tmp_path / f"{name}.pdf"
    path.write_bytes(pdf)
    text = subprocess.run(["pdftotext", "-raw", str(path), "-"], capture_output=True, text=True, check=True).stdout
    subprocess.run(["pdftoppm", "-r", "150", "-png", "-singlefile", str(path), str(tmp_path / name)], check=True)
    decoded = subprocess.run(["zbarimg", "--quiet", "--raw", str(tmp_path / f"{name}.png")], capture_output=True,
                             text=True, check=True).stdout.strip()
    return text, decoded


def page_size_mm(pdf: bytes) -> tuple[int, int]:
    info = subprocess.run(["pdfinfo", "-"], input=pdf, capture_output=True, check=True).stdout.decode()
    line = next(x for x in info.splitlines() if x.startswith("Page size:"))
    w, h = (float(v) for v in line.split()[2:5:2])
    return round(w * 25.4 / 72), round(h * 25.4 / 72)


# CI installs the tools (.ci/run), so there a missing tool fails the test instead of skipping it.
needs_tools = pytest.mark.skipif(not (shutil.which("pdftotext") and shutil.which("zbarimg"))
                                 and os.environ.get("CI") != "true",
                                 reason="poppler-utils and zbar-tools read the PDFs back")


@needs_tools
def test_skill_certificate_says_what_the_national_rules_list_and_its_qr_verifies(published, candidates, tmp_path):
    skill = cert(candidates[0], "skill_level")
    pdf = documents.certificate_pdf(skill)
    assert page_size_mm(pdf) == (210, 297)  # A4
    text, url = read(pdf, tmp_path)
    for expected in ("职业技能等级证书", "陈晓明", "居民身份证", "330304********1238", "数据标注员", "四级/中级工",
                     "浙江安防职业技术学院", "2024年3月12日", "照片", "http://jndj.osta.org.cn"):
        assert expected in text, expected
    assert "工种/职业方向 --" in text  # the session has no 工种: "--" as the rules say
    assert skill.number in text and skill.number.startswith("S0133330000012440")  # S·0133·33·000001·24·4·…
    assert "330304199001011238" not in text  # the ID number only ever masked
    # The QR code opens our verification page with the signed token, and the token carries this number.
    assert url.startswith(f"{settings.PUBLIC_URL}/verify/")
    token = url.removeprefix(f"{settings.PUBLIC_URL}/verify/")
    assert keys.verified_number(token) == skill.number
    assert "已撤销" not in text


@needs_tools
def test_enterprise_certificate_lists_who_recognises_it(published, candidates, exam, tmp_path):
    ent = cert(candidates[1], "enterprise")
    text, url = read(documents.certificate_pdf(ent), tmp_path)
    for expected in ("企业认可证书", "林芳", "330304********2347", "数据标注员", "四级/中级工", ent.number,
                     "温州数安港科技有限公司", "2024年3月12日", "认可单位"):
        assert expected in text, expected
    flat = "".join(text.split())
    assert all(name in flat for name in RECOGNISERS)
    assert "西湖数据科技有限公司" not in flat  # an alliance member that does not recognise certificates
    assert keys.verified_number(url.rsplit("/", 1)[1]) == ent.number


@needs_tools
def test_a_revoked_certificate_carries_the_stamp_with_date_and_reason(published, candidates, world, tmp_path):
    skill = cert(candidates[0], "skill_level")
    services.revoke_certificate(actor=world.users["wenzhou_eval"], certificate=skill, reason="考试违纪，经复核取消成绩",
                                on=date(2024, 5, 6))
    skill.refresh_from_db()
    text, url = read(documents.certificate_pdf(skill), tmp_path)
    assert "已撤销" in text and "2024-05-06" in text and "考试违纪，经复核取消成绩" in text
    assert keys.verified_number(url.rsplit("/", 1)[1]) == skill.number  # still scans: verification says revoked


def test_a_name_the_font_cannot_print_refuses_the_pdf(published, candidates):
    from workerhub.core.pdf import PdfError

    skill = cert(candidates[0], "skill_level")
    skill.holder_name = "陈\U000f0000明"  # a private-use code point no font has
    with pytest.raises(PdfError, match="字体缺少字符"):
        documents.certificate_pdf(skill)


def test_holder_and_the_sessions_evaluator_may_download_others_get_404(published, candidates, world):
    skill = cert(candidates[0], "skill_level")
    holder = User.objects.create_user(username="chen", password="x-pass-123456", person=candidates[0])
    url = f"/skills/certificates/{skill.pk}/certificate.pdf"
    client = world.client(None)
    client.force_login(holder)
    response = client.get(url)
    assert response.status_code == 200 and response["Content-Type"] == "application/pdf"
    assert response["Content-Disposition"] == f'inline; filename="{skill.number}.pdf"'
    assert response.content.startswith(b"%PDF")
    assert world.client("wenzhou_eval").get(url).status_code == 200
    assert world.client("worker").get(url).status_code == 404  # another worker
    assert world.client("ningbo").get(url).status_code == 404  # an officer of another city
    assert world.client(None).get(url).status_code == 302  # anonymous: to the login page


def test_the_bulk_job_zips_two_pdfs_per_pass_for_its_creator_only(published, candidates, world):
    evaluator = world.client("wenzhou_eval")
    page = evaluator.get(f"/skills/sessions/{published.pk}/certificates/")
    assert page.status_code == 200
    assert '<div class="stat" id="certificate-count"><span>4</span>' in page.content.decode()
    response = evaluator.post(f"/skills/sessions/{published.pk}/certificates/")
    job = Job.objects.get(kind="skills.certificate_pdfs")
    assert response.status_code == 302 and response["Location"] == f"/jobs/{job.pk}/"
    assert (job.status, job.done, job.total, job.region_id) == ("done", 4, 4, "330304")
    job_page = evaluator.get(f"/jobs/{job.pk}/").content.decode()
    assert f"/skills/bundles/{job.pk}/download/" in job_page

    download = evaluator.get(f"/skills/bundles/{job.pk}/download/")
    assert download.status_code == 200
    bundle = zipfile.ZipFile(io.BytesIO(b"".join(download.streaming_content)))
    expected = {f"{c.number}.pdf" for c in Certificate.objects.filter(registration__session=published)}
    assert set(bundle.namelist()) == expected and len(expected) == 4  # 2 passes × 2 certificates
    assert all(bundle.read(name).startswith(b"%PDF") for name in expected)
    assert not list((settings.MEDIA_ROOT / "bundles").glob("*.part"))

    # Only the job's creator downloads it, even an officer who may export the session.
    assert world.client("province").get(f"/skills/bundles/{job.pk}/download/").status_code == 404
    assert world.client("worker").get(f"/skills/sessions/{published.pk}/certificates/").status_code == 404
    assert world.client("ningbo").post(f"/skills/sessions/{published.pk}/certificates/").status_code == 404
    assert Job.objects.count() == 1


def test_a_failed_bundle_leaves_no_zip_and_says_why(published, candidates):
    # A holder name the font cannot print stops the whole bundle (nothing half-written).
    Certificate.objects.filter(person=candidates[1]).update(holder_name="林\U000f0000芳")
    job = Job.objects.create(kind="skills.certificate_pdfs", params={"session": published.pk})
    from workerhub.skills.tasks import render_session_pdfs

    render_session_pdfs.enqueue(job.pk)
    job.refresh_from_db()
    assert job.status == "failed" and "字体缺少字符" in job.message
    assert not any((settings.MEDIA_ROOT / "bundles").iterdir())


def test_a_session_without_certificates_offers_nothing_to_bundle(world, exam, settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path
    response = world.client("wenzhou_eval").post(f"/skills/sessions/{exam['session'].pk}/certificates/")
    assert response.status_code == 302 and not Job.objects.exists()
