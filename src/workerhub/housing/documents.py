"""Printable repayment schedule (A4 PDF, Chinese) for the calculator and loan pages."""

import io

from reportlab.lib.pagesizes import A4
from reportlab.lib.units import mm
from reportlab.pdfgen import canvas

from workerhub.core.pdf import check_glyphs, cjk_font

from . import quotes

ROWS_PER_PAGE = 44


def schedule_pdf(q: quotes.Quote, title: str, lines: list[str]) -> bytes:
    """A4 pages: a header with the loan terms, then the schedule rows, streamed from the engine."""
    font = cjk_font()
    check_glyphs(title, *lines)
    out = io.BytesIO()
    pdf = canvas.Canvas(out, pagesize=A4, pageCompression=1)
    pdf.setTitle(title)
    width, height = A4
    columns = [("期数", 20 * mm), ("还款额", 55 * mm), ("本金", 95 * mm), ("利息", 135 * mm), ("剩余本金", 175 * mm)]

    def header(page_no: int) -> float:
        pdf.setFont(font, 15)
        pdf.drawString(20 * mm, height - 20 * mm, title)
        pdf.setFont(font, 9)
        y = height - 28 * mm
        if page_no == 1:
            for line in lines:
                pdf.drawString(20 * mm, y, line)
                y -= 5 * mm
        pdf.drawRightString(width - 20 * mm, 12 * mm, f"第 {page_no} 页 · 职工之家 WorkerHub")
        y -= 3 * mm
        for label, x in columns:
            pdf.drawRightString(x + (0 if label == "期数" else 0), y, label)
        pdf.line(15 * mm, y - 2 * mm, width - 15 * mm, y - 2 * mm)
        return y - 7 * mm

    page_no = 1
    y = header(page_no)
    for i, row in enumerate(quotes.schedule(q.principal, q.term_months, q.method, q.rate)):
        if y < 20 * mm or (i and i % ROWS_PER_PAGE == 0 and page_no > 1 and y < 30 * mm):
            pdf.showPage()
            page_no += 1
            y = header(page_no)
        pdf.setFont(font, 9)
        for (_label, x), value in zip(columns, (str(row.month), f"{row.payment:,.2f}", f"{row.principal:,.2f}",
                                                f"{row.interest:,.2f}", f"{row.balance:,.2f}"), strict=True):
            pdf.drawRightString(x, y, value)
        y -= 5.4 * mm
    pdf.save()
    return out.getvalue()
