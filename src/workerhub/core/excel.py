"""Excel in and out (SPEC §1.8): XlsxWriter in constant-memory mode for exports and templates,
python-calamine for reading (10× faster than openpyxl on 100k rows, research/libraries-infra.md §4)."""

import tempfile
from collections.abc import Iterable, Sequence
from datetime import date, datetime

import xlsxwriter
from python_calamine import CalamineWorkbook


def write_xlsx(headers: Sequence[str], rows: Iterable[Sequence], *, sheet: str = "Sheet1",
               notes: Sequence[str] = ()) -> tempfile.SpooledTemporaryFile:
    """Write rows into a temporary .xlsx (rows streamed, never all in memory) and return it rewound."""
    out = tempfile.SpooledTemporaryFile(max_size=8 * 1024 * 1024)  # noqa: SIM115 (returned to the caller)
    book = xlsxwriter.Workbook(out, {"constant_memory": True, "in_memory": False,
                                      "default_date_format": "yyyy-mm-dd", "strings_to_numbers": False})
    ws = book.add_worksheet(sheet[:31])
    bold = book.add_format({"bold": True, "bg_color": "#E8EEF7", "border": 1})
    ws.freeze_panes(1, 0)
    for col, header in enumerate(headers):
        ws.write_string(0, col, str(header), bold)
        ws.set_column(col, col, max(10, min(40, len(str(header)) * 2 + 4)))
    row_no = 0
    for row_no, row in enumerate(rows, start=1):
        for col, value in enumerate(row):
            if value is None or value == "":
                continue
            if isinstance(value, datetime):
                ws.write_datetime(row_no, col, value.replace(tzinfo=None))
            elif isinstance(value, date):
                ws.write_datetime(row_no, col, datetime(value.year, value.month, value.day))
            elif isinstance(value, (int, float)) and not isinstance(value, bool):
                ws.write_number(row_no, col, value)
            else:
                ws.write_string(row_no, col, str(value))
    if notes:
        info = book.add_worksheet("说明")
        for i, line in enumerate(notes):
            info.write_string(i, 0, line)
        info.set_column(0, 0, 100)
    book.close()
    out.seek(0)
    return out


def read_xlsx(path_or_file) -> tuple[list[str], Iterable[list]]:
    """Headers of the first sheet and an iterator over its data rows (values as calamine gives them)."""
    book = CalamineWorkbook.from_object(path_or_file)
    rows = book.get_sheet_by_index(0).iter_rows()
    try:
        headers = [str(h).strip() for h in next(rows)]
    except StopIteration:
        return [], iter(())
    return headers, rows


def cell_text(value) -> str:
    """A cell as text: calamine gives numbers as floats (``13800000000.0``), which must not leak."""
    if value is None:
        return ""
    if isinstance(value, float) and value.is_integer():
        return str(int(value))
    if isinstance(value, datetime):
        return value.date().isoformat()
    if isinstance(value, date):
        return value.isoformat()
    return str(value).strip()
