"""Excel import of stations (SPEC §1.8, issue 4 §1): every row validated like the edit form — a point must lie
inside its region's box —, all-or-nothing by default with each row's and column's error in Chinese,
re-importing creates no duplicates (natural key: the station code, else region + name), an export imports back."""

import io

import pytest
import xlsxwriter
from django.core.files.uploadedfile import SimpleUploadedFile
from python_calamine import CalamineWorkbook

from tests.stations.conftest import NAMES
from workerhub import cli
from workerhub.core.models import AuditEntry, Job, Organisation
from workerhub.stations.imports import HEADERS, import_stations
from workerhub.stations.models import Station


def row(**values):
    base = {"站点编号": "", "站点名称": "拱墅区米市巷街道工会户外劳动者服务站", "品牌": "工会户外劳动者服务站点",
            "运营单位": "拱墅区总工会", "行政区划代码": "330105", "纬度": "30.2900", "经度": "120.1600",
            "地址": "浙江省杭州市拱墅区米市巷街道湖墅南路", "设施": "饮用水;手机充电;微波炉", "服务": "",
            "营业时间": "每天 06:00-20:00", "开放对象": "", "状态": "", "暂停原因": "", "容纳人数": "12",
            "联系电话": "0571-88001234", "六有核查": "有统一标识和名称;有固定场所", "称号": "", "星级": ""}
    base.update(values)
    return [base[h] for h in HEADERS]


GOOD = [
    row(),
    row(**{"站点编号": "ZJ-330102-00005-5", "站点名称": "上城区清波街道快递员驿站", "品牌": "union_outdoor",
           "运营单位": "杭州市总工会", "行政区划代码": "330102", "纬度": "30.2400", "经度": "120.1700",
           "地址": "浙江省杭州市上城区清波街道", "设施": "water;ebike_charging;seats", "营业时间": "24小时",
           "状态": "暂停开放", "暂停原因": "线路改造", "称号": "市级示范驿站", "星级": "4"}),
]


def xlsx(rows, headers=HEADERS) -> io.BytesIO:
    out = io.BytesIO()
    book = xlsxwriter.Workbook(out, {"in_memory": True})
    sheet = book.add_worksheet()
    for r, values in enumerate([headers, *rows]):
        for c, value in enumerate(values):
            sheet.write_string(r, c, str(value))
    book.close()
    out.seek(0)
    return out


def test_a_good_file_imports_every_row(sw):
    result = import_stations(xlsx(GOOD), actor=sw.users["hangzhou"])
    assert (result.created, result.updated, result.errors, result.written) == (2, 0, [], True)
    mishi = Station.objects.get(name="拱墅区米市巷街道工会户外劳动者服务站")
    # 拱墅区 had no station: serial 1; check character by ISO 7064 MOD 11-2 (data/README.md).
    assert mishi.code == "ZJ-330105-00001-8" and mishi.region_id == "330105"
    assert mishi.amenities == ["water", "phone_charging", "microwave"] and mishi.hours["sun"] == [["06:00", "20:00"]]
    assert mishi.facts == ["unified_sign", "fixed_premises"] and mishi.data_checked_at is not None
    # The operator did not exist: created as a federation in the row's region.
    assert (mishi.operator.name, mishi.operator.kind, mishi.operator.region_id) == ("拱墅区总工会", "federation",
                                                                                    "330105")
    qingbo = Station.objects.get(code="ZJ-330102-00005-5")  # a code given in the file is kept
    assert qingbo.region_id == "330102" and qingbo.operator == sw.orgs["hangzhou"]
    assert (qingbo.status, qingbo.status_reason, qingbo.titles, qingbo.stars) == (
        "temporarily_closed", "线路改造", ["city_model"], 4)
    assert AuditEntry.objects.filter(action="import", object_type="stations.station").count() == 1


def test_reimporting_the_same_file_updates_instead_of_duplicating(sw):
    import_stations(xlsx(GOOD), actor=sw.users["hangzhou"])
    before = Station.objects.count()
    changed = [list(r) for r in GOOD]
    changed[0][HEADERS.index("营业时间")] = "每天 05:00-21:00"
    result = import_stations(xlsx(changed), actor=sw.users["hangzhou"])
    assert (result.created, result.updated, result.errors) == (0, 2, [])
    assert Station.objects.count() == before
    assert Station.objects.get(name=GOOD[0][1]).hours["mon"] == [["05:00", "21:00"]]


def test_an_export_imports_back_unchanged(sw):
    export = sw.client("hangzhou").get("/stations/manage/export.xlsx")
    content = io.BytesIO(b"".join(export.streaming_content))
    before = {s.code: (s.hours, s.amenities, s.status, s.lat, s.lon) for s in Station.objects.all()}
    result = import_stations(content, actor=sw.users["hangzhou"])
    assert (result.created, result.updated, result.errors) == (0, 4, [])
    assert {s.code: (s.hours, s.amenities, s.status, s.lat, s.lon) for s in Station.objects.all()} == before


def test_bad_rows_change_nothing_and_every_error_is_reported(sw):
    bad = [
        GOOD[0],
        row(**{"站点名称": "坐标填反", "纬度": "120.16", "经度": "30.29"}),
        row(**{"站点名称": "宁波的坐标", "纬度": "29.90", "经度": "121.85"}),
        row(**{"站点名称": "时间写错", "营业时间": "周八 08:00-18:00"}),
        row(**{"站点名称": "设施写错", "设施": "饮用水;桑拿"}),
        row(**{"站点名称": "", "地址": ""}),
        row(**{"站点名称": "暂停无原因", "状态": "暂停开放"}),
        row(**{"站点名称": "编号与地区不符", "站点编号": "ZJ-331024-00009-6"}),
        row(**{"站点名称": "编号校验位错", "站点编号": "ZJ-330105-00009-0"}),
        row(**{"站点名称": "未知地区", "行政区划代码": "339999"}),
        GOOD[0],
    ]
    before = (Station.objects.count(), Organisation.objects.count())
    result = import_stations(xlsx(bad), actor=sw.users["hangzhou"])
    assert not result.written and (Station.objects.count(), Organisation.objects.count()) == before
    errors = {(e.row, e.column) for e in result.errors}
    assert {(3, "纬度"), (4, "纬度"), (5, "营业时间"), (6, "设施"), (7, "站点名称"), (7, "地址"), (8, "暂停原因"),
            (9, "站点编号"), (10, "站点编号"), (11, "行政区划代码"), (12, "站点名称")} <= errors
    messages = {(e.row, e.column): e.message for e in result.errors}
    assert "不在行政区划 330105 的范围内" in messages[(4, "纬度")]
    assert "周八" in messages[(5, "营业时间")] and "桑拿" in messages[(6, "设施")]
    assert "与第2行重复" in messages[(12, "站点名称")]
    assert str(result.errors[0]).startswith("第3行 纬度:")


def test_keep_good_rows_imports_the_valid_ones(sw):
    result = import_stations(xlsx([GOOD[0], row(**{"站点名称": "坐标填反", "纬度": "120.16", "经度": "30.29"})]),
                             actor=sw.users["hangzhou"], keep_good_rows=True)
    assert result.written and result.created == 1 and len(result.errors) == 1
    assert not Station.objects.filter(name="坐标填反").exists()


def test_rows_outside_the_officers_region_are_refused(sw):
    # 西湖区总工会 may not register a station in 拱墅区, nor update Ningbo's by its code.
    beilun = sw.stations["beilun"]
    result = import_stations(xlsx([GOOD[0]]), actor=sw.users["xihu"])
    assert not result.written and result.errors[0].message == "不在您的管辖范围内"
    update = row(**{"站点编号": beilun.code, "站点名称": NAMES["beilun"], "行政区划代码": "330206", "纬度": "29.90",
                    "经度": "121.85"})
    result = import_stations(xlsx([update]), actor=sw.users["xihu"])
    assert not result.written and "不在您的管辖范围内" in result.errors[0].message
    assert not Station.objects.filter(name=GOOD[0][1]).exists()


def test_a_missing_column_is_reported_on_the_header_row(sw):
    result = import_stations(xlsx([["x"]], headers=["站点名称"]), actor=sw.users["hangzhou"])
    assert result.errors[0].row == 1 and "营业时间" in result.errors[0].message


def test_the_web_import_runs_as_a_job_and_reports_errors(sw):
    client = sw.client("hangzhou")
    template = client.get("/stations/manage/import/template.xlsx")
    sheet = CalamineWorkbook.from_filelike(io.BytesIO(b"".join(template.streaming_content))).get_sheet_by_index(0)
    assert sheet.to_python()[0] == HEADERS
    bad = SimpleUploadedFile("stations.xlsx", xlsx([row(**{"纬度": "120.16", "经度": "30.29"})]).getvalue())
    response = client.post("/stations/manage/import/", {"file": bad})
    job = Job.objects.get(kind="import_stations")
    assert response["Location"] == f"/jobs/{job.pk}/"
    assert job.status == "failed" and job.result["errors"][0]["column"] == "纬度"
    good = SimpleUploadedFile("stations.xlsx", xlsx(GOOD).getvalue())
    client.post("/stations/manage/import/", {"file": good})
    assert Job.objects.filter(kind="import_stations", status="done").get().result["created"] == 2


def test_the_command_imports_with_a_progress_bar(sw, tmp_path, capsys, monkeypatch):
    monkeypatch.setattr("django.core.management.base.connections.close_all", lambda: None)
    path = tmp_path / "stations.xlsx"
    path.write_bytes(xlsx(GOOD).getvalue())
    with pytest.raises(SystemExit) as exit_code:
        cli.main(["stations", "import", str(path), "--user", "hangzhou"])
        raise SystemExit(0)
    assert exit_code.value.code in (0, None)
    assert "新增 2" in capsys.readouterr().out
    bad = tmp_path / "bad.xlsx"
    bad.write_bytes(xlsx([row(**{"纬度": "120.16", "经度": "30.29"})]).getvalue())
    with pytest.raises(SystemExit) as exit_code:
        cli.main(["stations", "import", str(bad), "--user", "hangzhou"])
    err = capsys.readouterr().err
    assert exit_code.value.code == 2 and "第2行 纬度" in err and "未导入任何数据" in err
