"""Exam score sheets (SPEC §1.8, §3.3): the template an evaluator downloads for a session (one row per candidate,
pre-filled with the scores recorded so far) and the reader that turns a filled-in sheet into ``ScoreRow``s.

Every bad row is reported with its row number and column in Chinese, and nothing is written if any row is bad:
the reader checks the file and each cell, then ``services.record_scores`` (all-or-nothing itself) checks that each
报名号 belongs to the session and matches the name.

A score sheet holds at most one session's candidates (its capacity: hundreds, at most a few thousand rows), so it
is read and written inline in the request, without the background job the 100k-row people import needs.
"""

from decimal import Decimal, InvalidOperation

from python_calamine import CalamineError

from workerhub.core.excel import cell_text, read_xlsx, write_xlsx
from workerhub.core.imports import ImportResult, RowError

from . import rules, services
from .models import ExamSession

REGISTRATION, NAME, ID_NUMBER, THEORY, PRACTICAL, REVIEW, ABSENT = (
    "报名号", "姓名", "身份证号码", "理论知识", "操作技能", "综合评审", "缺考")
REVIEW_WORDS = {"通过": True, "不通过": False}
ABSENT_WORDS = {"是": True, "否": False}


def headers_for(session: ExamSession) -> list[str]:
    """The sheet's columns; 综合评审 only for levels 一级/二级 (rules.REVIEW_LEVELS)."""
    review = [REVIEW] if session.level in rules.REVIEW_LEVELS else []
    return [REGISTRATION, NAME, ID_NUMBER, THEORY, PRACTICAL, *review, ABSENT]


def score_cell(value) -> str | float | int:
    if value is None:
        return ""
    return int(value) if value == int(value) else float(value)


def template_rows(session: ExamSession, registrations) -> list[list]:
    review = session.level in rules.REVIEW_LEVELS
    rows = []
    for reg in registrations:
        row = [reg.pk, reg.person.name, reg.person.id_number_masked, score_cell(reg.theory),
               score_cell(reg.practical)]
        if review:
            row.append({True: "通过", False: "不通过"}.get(reg.review_passed, ""))
        row.append("是" if reg.absent else "否")
        rows.append(row)
    return rows


def score_template(session: ExamSession, registrations):
    """The .xlsx for ``session``: its candidates with the scores recorded so far, and a notes sheet."""
    notes = [
        f"{session} 成绩表(第一行为表头,请勿修改表头和报名号、姓名两列):",
        f"{THEORY}、{PRACTICAL}:0–100 之间的数字,至多一位小数;两项均不低于 60 分为合格。",
        f"{ID_NUMBER}:仅供核对(已打码),导入时不读取。",
        f"{ABSENT}:是 / 否;缺考的考生成绩留空。",
        "成绩留空表示尚未录入;发布成绩前每位未缺考的考生都须有两项成绩。",
        "导入时任何一行有误则全部不导入,并列出每一行、每一列的错误。",
    ]
    if session.level in rules.REVIEW_LEVELS:
        notes.insert(3, f"{REVIEW}:通过 / 不通过;{session.level_label} 须综合评审通过方为合格。")
    return write_xlsx(headers_for(session), template_rows(session, registrations), sheet="成绩表", notes=notes)


def _score(value, column: str) -> Decimal | None:
    text = cell_text(value)
    if text == "":
        return None
    try:
        d = Decimal(text)
    except InvalidOperation:
        raise ValueError(f"{column}应为数字,收到“{text}”") from None
    if not d.is_finite() or not Decimal(0) <= d <= Decimal(100) or d != d.quantize(Decimal("0.1")):
        raise ValueError(f"{column}应为0–100之间、至多一位小数的数字,收到“{text}”")
    return d


def read_score_sheet(source, session: ExamSession) -> tuple[list[services.ScoreRow], list[RowError]]:
    """Parse a filled-in score sheet; returns the rows and every problem found (file-level ones as row 1)."""
    try:
        headers, raw_rows = read_xlsx(source)
        raw_rows = list(raw_rows)
    except (CalamineError, ValueError, OSError):
        return [], [RowError(1, "", "无法读取该文件,请上传 .xlsx 格式的 Excel 文件(可先下载成绩表模板)")]
    review = session.level in rules.REVIEW_LEVELS
    required = [REGISTRATION, NAME, THEORY, PRACTICAL] + ([REVIEW] if review else [])
    missing = [h for h in required if h not in headers]
    if missing:
        return [], [RowError(1, "", f"缺少列:{'、'.join(missing)};请使用本批次的成绩表模板")]
    index = {h: headers.index(h) for h in headers_for(session) if h in headers}
    errors: list[RowError] = []
    if not review and REVIEW in headers:
        index[REVIEW] = headers.index(REVIEW)
    rows = []
    for line, raw in enumerate(raw_rows, start=2):
        def cell(header, raw=raw):
            j = index.get(header)
            return raw[j] if j is not None and j < len(raw) else None

        if all(cell_text(v) == "" for v in raw):
            continue
        row_errors = []
        reg_text = cell_text(cell(REGISTRATION))
        if not reg_text.isdigit():
            row_errors.append(RowError(line, REGISTRATION, f"应为报名号(整数),收到“{reg_text}”" if reg_text
                                       else "不能为空"))
        name = cell_text(cell(NAME))
        if not name:
            row_errors.append(RowError(line, NAME, "不能为空"))
        scores = {}
        for column in (THEORY, PRACTICAL):
            try:
                scores[column] = _score(cell(column), column)
            except ValueError as exc:
                row_errors.append(RowError(line, column, str(exc)))
        review_text = cell_text(cell(REVIEW))
        if review_text and not review:
            row_errors.append(RowError(line, REVIEW, f"{session.level_label} 无综合评审,请留空"))
        elif review_text not in ("", *REVIEW_WORDS):
            row_errors.append(RowError(line, REVIEW, f"应为“通过”或“不通过”,收到“{review_text}”"))
        absent_text = cell_text(cell(ABSENT))
        if absent_text not in ("", *ABSENT_WORDS):
            row_errors.append(RowError(line, ABSENT, f"应为“是”或“否”,收到“{absent_text}”"))
        if row_errors:
            errors.extend(row_errors)
            continue
        rows.append(services.ScoreRow(registration_id=int(reg_text), name=name, row=line,
                                      theory=scores[THEORY], practical=scores[PRACTICAL],
                                      review_passed=REVIEW_WORDS.get(review_text),
                                      absent=ABSENT_WORDS.get(absent_text, False)))
    if not rows and not errors:
        errors.append(RowError(1, "", "文件中没有成绩行"))
    return rows, errors


def import_scores(source, *, actor, session: ExamSession) -> ImportResult:
    """Read a score sheet and record it: all rows or none. Errors are RowErrors (row, column, message) from the
    reader, or the service's messages (which carry the row number) as RowErrors without a column."""
    result = ImportResult()
    rows, errors = read_score_sheet(source, session)
    result.total = len(rows) + len({e.row for e in errors if e.row > 1})
    if errors:
        result.errors = errors
        return result
    recorded = services.record_scores(actor=actor, session=session, rows=rows)
    if recorded.errors:
        result.errors = [_service_error(message) for message in recorded.errors]
        return result
    result.updated, result.written = recorded.written, True
    return result


def _service_error(message: str) -> RowError:
    """record_scores says "第N行：…"; keep N as the row so that the errors sort and print like the reader's."""
    if message.startswith("第") and "行：" in message:
        head, _sep, rest = message.partition("行：")
        if head[1:].isdigit():
            return RowError(int(head[1:]), "", rest)
    return RowError(0, "", message)


def error_text(error: RowError) -> str:
    return str(error) if error.row else error.message
