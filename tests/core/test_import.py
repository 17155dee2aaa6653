"""Excel import of people (SPEC §1.2, §1.8): all-or-nothing by default, row/column errors in Chinese,
re-import creates no duplicates, the CLI shows the same."""

import io
import subprocess
import sys

import pytest
import xlsxwriter
from django.core.management import call_command
from django.core.management.base import CommandError

from workerhub.core.imports import HEADERS, import_people
from workerhub.core.models import AuditEntry, Job, Person

GOOD = [
    ["孙一", "330106199201013336", "13812340001", "330106", "91330106MA2B3C4D5D", "数据标注员", "本科", "在职职工",
     "2019-03-01"],
    ["周二", "330106198807078885", "", "3301", "", "快递员", "", "灵活就业", ""],
]


def ids(*firsts):
    from workerhub.core.rules import id_check_char

    return [f + id_check_char(f) for f in firsts]


def xlsx(rows, headers=HEADERS) -> io.BytesIO:
    out = io.BytesIO()
    book = xlsxwriter.Workbook(out, {"in_memory": True})
    sheet = book.add_worksheet()
    for r, row in enumerate([headers, *rows]):
        for c, value in enumerate(row):
            sheet.write_string(r, c, value)
    book.close()
    out.seek(0)
    return out


@pytest.fixture
def good_rows():
    # Valid ID numbers, computed with the GB 11643 check character, written out in GOOD above.
    assert ids("33010619920101333", "33010619880707888") == [GOOD[0][1], GOOD[1][1]]
    return GOOD


def test_a_good_file_imports_every_row(world, good_rows):
    result = import_people(xlsx(good_rows), actor=world.users["hangzhou"])
    assert (result.created, result.updated, result.errors) == (2, 0, [])
    sun = Person.objects.get(name="孙一")
    assert sun.employer == world.orgs["firm_xihu"] and sun.education == "bachelor" and sun.phone == "13812340001"
    assert str(sun.birth_date) == "1992-01-01" and sun.sex == "M"
    zhou = Person.objects.get(name="周二")
    assert zhou.region_id == "330100" and zhou.employment_type == "flexible" and zhou.phone is None


def test_reimporting_the_same_file_updates_instead_of_duplicating(world, good_rows):
    import_people(xlsx(good_rows), actor=world.users["hangzhou"])
    changed = [row[:] for row in good_rows]
    changed[0][5] = "数据安全管理员"
    result = import_people(xlsx(changed), actor=world.users["hangzhou"])
    assert (result.created, result.updated) == (0, 2)
    assert Person.objects.filter(name="孙一").count() == 1
    assert Person.objects.get(name="孙一").occupation == "数据安全管理员"


def test_a_file_with_bad_rows_changes_nothing_and_names_every_error(world, good_rows):
    before = Person.objects.count()
    bad = [
        good_rows[0],
        ["", "330106199201013335", "123", "999999", "91330106MA2B3C4D5X", "", "文盲", "临时工", "2020-13-01"],
        good_rows[0],  # the same person twice in one file
    ]
    result = import_people(xlsx(bad), actor=world.users["hangzhou"])
    assert not result.written and Person.objects.count() == before
    errors = {(e.row, e.column) for e in result.errors}
    assert errors == {
        (3, "姓名"), (3, "身份证号码"), (3, "手机号码"), (3, "所在地区代码"), (3, "工作单位统一社会信用代码"),
        (3, "学历"), (3, "就业类型"), (3, "入会日期"), (4, "身份证号码"),
    }
    messages = {(e.row, e.column): e.message for e in result.errors}
    assert "校验位" in messages[(3, "身份证号码")] and "与第2行重复" in messages[(4, "身份证号码")]


def test_keep_good_rows_imports_the_valid_ones_and_reports_the_rest(world, good_rows):
    bad = [good_rows[0], ["李三", "123", "", "330106", "", "", "", "", ""], good_rows[1]]
    result = import_people(xlsx(bad), actor=world.users["hangzhou"], keep_good_rows=True)
    assert result.written and result.created == 2 and [(e.row, e.column) for e in result.errors] == [(3, "身份证号码")]


def test_rows_outside_the_importers_region_are_refused_and_nothing_is_written(world, good_rows):
    before = Person.objects.count()
    ningbo_row = ["外市", "330206199001011118", "", "330206", "", "", "", "", ""]
    ningbo_row[1] = ids("33020619900101111")[0]
    result = import_people(xlsx([good_rows[0], ningbo_row]), actor=world.users["xihu"])
    assert not result.written and Person.objects.count() == before
    # 孙一 is in Xihu (allowed), the Ningbo row is row 3.
    assert [(e.row, e.message) for e in result.errors] == [(3, "不在您的管辖范围内")]


def test_missing_required_columns_are_reported_before_any_row(world):
    result = import_people(xlsx([["张三"]], headers=["姓名"]), actor=world.users["hangzhou"])
    assert not result.written and "缺少必填列" in result.errors[0].message


def test_web_import_runs_as_a_job_with_progress_and_an_audit_entry(world, good_rows):
    client = world.client("hangzhou")
    upload = xlsx(good_rows)
    upload.name = "people.xlsx"
    response = client.post("/people/import/", {"file": upload})
    job = Job.objects.get()
    assert response.status_code == 302 and response["Location"] == f"/jobs/{job.pk}/"
    assert job.status == "done" and job.result["created"] == 2  # the test backend runs tasks immediately
    page = client.get(f"/jobs/{job.pk}/").content.decode()
    assert "新增 2" in page
    assert AuditEntry.objects.filter(action="import", actor_name="hangzhou").exists()
    # Another officer cannot look at this job.
    assert world.client("ningbo").get(f"/jobs/{job.pk}/").status_code == 404


def test_web_import_refuses_a_non_excel_upload(world):
    upload = io.BytesIO(b"name,id\n")
    upload.name = "people.csv"
    response = world.client("hangzhou").post("/people/import/", {"file": upload})
    assert response.status_code == 400 and "xlsx" in response.content.decode()


def test_template_download_has_the_importers_headers(world):
    from python_calamine import CalamineWorkbook

    response = world.client("hangzhou").get("/people/import/template.xlsx")
    book = CalamineWorkbook.from_filelike(io.BytesIO(b"".join(response.streaming_content)))
    assert next(book.get_sheet_by_index(0).iter_rows()) == HEADERS
    assert book.sheet_names == ["人员", "说明"]


def test_cli_import_reports_errors_and_exits_2(world, tmp_path, good_rows):
    path = tmp_path / "bad.xlsx"
    path.write_bytes(xlsx([["李三", "123", "", "330106", "", "", "", "", ""]]).getvalue())
    with pytest.raises(CommandError) as exc:
        call_command("import", "people", str(path))
    assert exc.value.returncode == 2 and "未导入" in str(exc.value)
    good = tmp_path / "good.xlsx"
    good.write_bytes(xlsx(good_rows).getvalue())
    out = io.StringIO()
    call_command("import", "people", str(good), stdout=out)
    assert "新增 2" in out.getvalue()


def test_cli_bad_arguments_exit_2_with_one_line():
    run = subprocess.run([sys.executable, "-m", "workerhub.cli", "import", "people", "/nope.xlsx"],
                         capture_output=True, text=True, env={"WORKERHUB_ENV": "test", "PATH": "/usr/bin"})
    assert run.returncode == 2 and run.stderr.strip().count("\n") == 0 and "xlsx" in run.stderr
