"""Score sheets (SPEC §1.8, §3.3): the template lists a session's candidates with masked ID numbers; an import
reports every bad row with its row number and column in Chinese and writes nothing unless every row is good; a good
import followed by publishing on the page gives each pass its two certificates."""

import io
from datetime import date

import pytest
import xlsxwriter
from django.core.files.uploadedfile import SimpleUploadedFile
from python_calamine import CalamineWorkbook

from workerhub.skills import services
from workerhub.skills.imports import import_scores, read_score_sheet
from workerhub.skills.models import Certificate, Registration

HEADERS = ["报名号", "姓名", "身份证号码", "理论知识", "操作技能", "缺考"]


def xlsx(rows, headers=HEADERS) -> io.BytesIO:
    out = io.BytesIO()
    book = xlsxwriter.Workbook(out, {"in_memory": True})
    sheet = book.add_worksheet()
    for r, values in enumerate([headers, *rows]):
        for c, value in enumerate(values):
            if isinstance(value, (int, float)):
                sheet.write_number(r, c, value)
            else:
                sheet.write_string(r, c, str(value))
    book.close()
    out.seek(0)
    return out


def upload(rows, headers=HEADERS, name="成绩.xlsx"):
    return SimpleUploadedFile(name, xlsx(rows, headers).getvalue(),
                              content_type="application/vnd.openxmlformats-officedocument.spreadsheetml.sheet")


@pytest.fixture
def regs(world, exam, candidates):
    return [services.register_candidate(actor=world.users["wenzhou_eval"], session=exam["session"], person=p,
                                        declared={"years_in_trade": 6}, via="evaluator") for p in candidates]


def good_rows(regs):
    # 陈晓明 and 林芳 pass; 黄志强 was absent.
    return [[regs[0].pk, "陈晓明", "", 75, 80.5, "否"], [regs[1].pk, "林芳", "", "60", "60", ""],
            [regs[2].pk, "黄志强", "", "", "", "是"]]


def test_the_template_lists_the_candidates_with_masked_id_numbers(world, exam, regs):
    response = world.client("wenzhou_eval").get(f"/skills/sessions/{exam['session'].pk}/scores/template.xlsx")
    assert response.status_code == 200
    book = CalamineWorkbook.from_filelike(io.BytesIO(b"".join(response.streaming_content)))
    rows = book.get_sheet_by_index(0).to_python()
    assert rows[0] == HEADERS  # 四级: no 综合评审 column
    assert [r[:3] for r in rows[1:]] == [[float(regs[0].pk), "陈晓明", "330304********1238"],
                                         [float(regs[1].pk), "林芳", "330304********2347"],
                                         [float(regs[2].pk), "黄志强", "330304********3450"]]
    assert "说明" in book.sheet_names
    assert world.client("province").get(f"/skills/sessions/{exam['session'].pk}/scores/template.xlsx"
                                         ).status_code == 404


def test_levels_one_and_two_have_the_review_column(world, exam, candidates):
    exam["session"].level = 2
    exam["session"].save()
    rows = [[1, "陈晓明", "", 90, 90, "是"]]
    _rows, errors = read_score_sheet(xlsx(rows), exam["session"])
    assert [str(e) for e in errors] == ["第1行:缺少列:综合评审;请使用本批次的成绩表模板"]
    response = world.client("wenzhou_eval").get(f"/skills/sessions/{exam['session'].pk}/scores/template.xlsx")
    header = CalamineWorkbook.from_filelike(io.BytesIO(b"".join(response.streaming_content))
                                            ).get_sheet_by_index(0).to_python()[0]
    assert header == ["报名号", "姓名", "身份证号码", "理论知识", "操作技能", "综合评审", "缺考"]


def test_a_good_sheet_records_every_row(world, exam, regs):
    result = import_scores(xlsx(good_rows(regs)), actor=world.users["wenzhou_eval"], session=exam["session"])
    assert result.written and result.errors == [] and result.updated == 3
    got = {r.person.name: (r.theory, r.practical, r.absent) for r in Registration.objects.select_related("person")}
    assert got == {"陈晓明": (75, 80.5, False), "林芳": (60, 60, False), "黄志强": (None, None, True)}


def test_every_bad_row_is_reported_with_row_and_column_and_nothing_is_written(world, exam, regs):
    rows = [[regs[0].pk, "陈晓明", "", "七十五", 80, "否"],      # row 2: not a number
            [regs[1].pk, "林芳", "", 60, 100.5, "否"],          # row 3: above 100
            ["A12", "黄志强", "", 70, 70, "否"],                # row 4: not a registration number
            [regs[2].pk, "黄志强", "", 70, 70, "缺席"]]          # row 5: 缺考 must be 是/否
    result = import_scores(xlsx(rows), actor=world.users["wenzhou_eval"], session=exam["session"])
    assert not result.written
    assert [str(e) for e in result.errors] == [
        "第2行 理论知识:理论知识应为数字,收到“七十五”",
        "第3行 操作技能:操作技能应为0–100之间、至多一位小数的数字,收到“100.5”",
        "第4行 报名号:应为报名号(整数),收到“A12”",
        "第5行 缺考:应为“是”或“否”,收到“缺席”",
    ]
    assert not Registration.objects.filter(theory__isnull=False).exists()


def test_a_shifted_name_or_a_foreign_registration_is_refused_by_the_service(world, exam, regs):
    rows = [[regs[0].pk, "林芳", "", 75, 80, "否"], [999999, "陈晓明", "", 75, 80, "否"],
            [regs[2].pk, "黄志强", "", 70, 70, "否"]]
    result = import_scores(xlsx(rows), actor=world.users["wenzhou_eval"], session=exam["session"])
    assert not result.written
    assert [str(e) for e in result.errors] == [
        f"第2行:报名号 {regs[0].pk} 的考生是 陈晓明，表中姓名为“林芳”", "第3行:报名号 999999 不属于本批次"]
    assert not Registration.objects.filter(theory__isnull=False).exists()


def test_file_level_problems(world, exam, regs):
    missing = read_score_sheet(xlsx([[regs[0].pk, "陈晓明", 75]], headers=["报名号", "姓名", "理论知识"]),
                               exam["session"])
    assert [str(e) for e in missing[1]] == ["第1行:缺少列:操作技能;请使用本批次的成绩表模板"]
    garbage = read_score_sheet(io.BytesIO(b"name,score\n"), exam["session"])
    assert "无法读取该文件" in str(garbage[1][0])
    empty = read_score_sheet(xlsx([]), exam["session"])
    assert [str(e) for e in empty[1]] == ["第1行:文件中没有成绩行"]


def test_the_import_page_lists_errors_then_a_good_sheet_and_publishing_issue_two_certificates_per_pass(
        world, exam, regs):
    client = world.client("wenzhou_eval")
    url = f"/skills/sessions/{exam['session'].pk}/scores/import/"
    assert client.get(url).status_code == 200
    wrong_type = client.post(url, {"file": SimpleUploadedFile("成绩.csv", b"a,b\n")})
    assert wrong_type.status_code == 400 and "请上传 .xlsx 格式的 Excel 文件" in wrong_type.content.decode()
    bad = client.post(url, {"file": upload([[regs[0].pk, "陈晓明", "", "abc", 80, "否"],
                                            [regs[1].pk, "林芳", "", 60, 60, "否"],
                                            [regs[2].pk, "黄志强", "", 70, -1, "否"]])})
    page = bad.content.decode()
    assert bad.status_code == 400 and "发现 2 个问题,没有导入任何成绩" in page
    assert "第2行 理论知识:理论知识应为数字,收到“abc”" in page and "第4行 操作技能" in page
    assert not Registration.objects.filter(theory__isnull=False).exists()

    good = client.post(url, {"file": upload(good_rows(regs))})
    assert good.status_code == 302 and good["Location"] == f"/skills/sessions/{exam['session'].pk}/"
    assert Registration.objects.filter(theory__isnull=False).count() == 2
    client.post(f"/skills/sessions/{exam['session'].pk}/publish/", {"confirm": "1"})
    # Two passes (陈晓明, 林芳) × two certificates; the absent candidate gets none.
    assert Certificate.objects.count() == 4
    assert set(Registration.objects.values_list("person__name", "result")) == {
        ("陈晓明", "passed"), ("林芳", "passed"), ("黄志强", "absent")}
    # Published: the import refuses, pointing at amendments.
    late = client.post(url, {"file": upload(good_rows(regs))})
    assert late.status_code == 400 and "成绩已发布并冻结" in late.content.decode()


def test_only_the_sessions_evaluator_imports(world, exam, regs):
    for role in ("province", "worker", "firm_xihu"):
        response = world.client(role).post(f"/skills/sessions/{exam['session'].pk}/scores/import/",
                                           {"file": upload(good_rows(regs))})
        assert response.status_code == 404, role
    assert not Registration.objects.filter(theory__isnull=False).exists()
    assert Certificate.objects.filter(issued_on=date(2024, 3, 12)).count() == 0
