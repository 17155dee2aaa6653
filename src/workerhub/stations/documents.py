"""The printable QR plate of a station (SPEC §7.1, §7.5): A4, the station's name and code, and a QR code of
its check-in page that workers scan to check in and rate the station."""

import io

import segno
from reportlab.lib.colors import HexColor
from reportlab.lib.pagesizes import A4
from reportlab.lib.units import mm
from reportlab.pdfgen import canvas

from workerhub.core.pdf import check_glyphs, cjk_font

from .models import Station

RED = HexColor("#b3261e")
INK = HexColor("#1d2430")


def _wrap(text: str, limit: int) -> list[str]:
    """Chinese has no spaces to break at: cut a long name into lines of at most ``limit`` characters."""
    return [text[i:i + limit] for i in range(0, len(text), limit)] or [""]


def plate_pdf(station: Station, checkin_url: str) -> bytes:
    """One A4 page. The QR code is drawn module by module as vector squares (sharp at any print size) with
    error correction level M, which survives the scuffs of a plate mounted outdoors; the check-in URL is
    also printed in clear under it for phones without a scanner."""
    font = cjk_font()
    brand = station.brand_label
    name_lines = _wrap(station.name, 14)
    footer = "扫码签到 · 评价驿站  累了能歇脚、没电能充电、渴了能喝水、饭凉能加热"
    check_glyphs(station.name, brand, station.address, footer, station.code)
    qr = segno.make(checkin_url, error="m", micro=False)
    out = io.BytesIO()
    pdf = canvas.Canvas(out, pagesize=A4, pageCompression=1)
    pdf.setTitle(f"{station.name} {station.code}")
    pdf.setAuthor("职工之家 WorkerHub")
    width, height = A4

    pdf.setFillColor(RED)
    pdf.rect(0, height - 42 * mm, width, 42 * mm, stroke=0, fill=1)
    pdf.setFillColor(HexColor("#ffffff"))
    pdf.setFont(font, 20)
    pdf.drawCentredString(width / 2, height - 20 * mm, brand)
    pdf.setFont(font, 12)
    pdf.drawCentredString(width / 2, height - 32 * mm, "户外劳动者服务站点")

    pdf.setFillColor(INK)
    y = height - 62 * mm
    pdf.setFont(font, 28)
    for line in name_lines:
        pdf.drawCentredString(width / 2, y, line)
        y -= 13 * mm

    size = 110 * mm
    modules = qr.symbol_size(border=0)[0]
    cell = size / modules
    left, top = (width - size) / 2, y - 6 * mm
    for row, bits in enumerate(qr.matrix):
        for col, bit in enumerate(bits):
            if bit:
                pdf.rect(left + col * cell, top - (row + 1) * cell, cell, cell, stroke=0, fill=1)
    y = top - size - 12 * mm
    pdf.setFont(font, 22)
    pdf.drawCentredString(width / 2, y, station.code)
    pdf.setFont(font, 11)
    pdf.drawCentredString(width / 2, y - 9 * mm, station.address)
    pdf.setFont(font, 9)
    pdf.drawCentredString(width / 2, y - 16 * mm, checkin_url)
    pdf.setFillColor(RED)
    pdf.setFont(font, 12)
    pdf.drawCentredString(width / 2, 18 * mm, footer)
    pdf.save()
    return out.getvalue()
