"""The one-page profile PDF (精准画像, SPEC §2.5): who, peer group, a radar chart of the six scores, each score with
its explanation and definition, the tags, and how percentiles are computed — A4, Chinese text in the embedded CJK
font (core.pdf refuses a document rather than drop a glyph)."""

import io

from reportlab.graphics import renderPDF
from reportlab.graphics.charts.spider import SpiderChart
from reportlab.graphics.shapes import Drawing
from reportlab.lib.colors import Color, HexColor
from reportlab.lib.pagesizes import A4
from reportlab.lib.units import mm
from reportlab.pdfbase.pdfmetrics import stringWidth
from reportlab.pdfgen import canvas

from workerhub.core.pdf import check_glyphs, cjk_font

from . import rules_profile as R

INK = HexColor("#1d2430")
MUTED = HexColor("#5b6472")
RED = HexColor("#b3261e")
WIDTH, HEIGHT = A4


def _lines(text: str, font: str, size: float, width: float) -> list[str]:
    """Break Chinese text by width (no spaces to break at)."""
    out, line = [], ""
    for ch in text:
        if stringWidth(line + ch, font, size) > width:
            out.append(line)
            line = ch
        else:
            line += ch
    return out + ([line] if line else [])


def _radar(font: str, scores: list[int]) -> Drawing:
    d = Drawing(78 * mm, 70 * mm)
    chart = SpiderChart()
    chart.x, chart.y, chart.width, chart.height = 8 * mm, 6 * mm, 62 * mm, 58 * mm
    chart.data = [scores]
    chart.labels = [R.DIMENSION_LABELS[x] for x in R.DIMENSIONS]
    chart.strands[0].fillColor = Color(0.7, 0.15, 0.12, alpha=0.25)
    chart.strands[0].strokeColor = RED
    chart.strands[0].strokeWidth = 1.2
    chart.strandLabels.fontName = font
    chart.spokeLabels.fontName = font
    chart.spokeLabels.fontSize = 9
    chart.spokes.strokeColor = HexColor("#c9ced6")
    # A fixed 0–100 scale: SpiderChart otherwise scales to the largest score.
    chart.data = [scores, [100] * len(scores)]
    chart.strands[1].strokeColor = HexColor("#c9ced6")
    chart.strands[1].fillColor = None
    chart.strands[1].strokeWidth = 0.5
    d.add(chart)
    return d


def profile_pdf(view) -> bytes:
    """One A4 page for a ``services.profiles.ProfileView`` that has a computed profile."""
    font = cjk_font()
    person, prof, dims = view.person, view.profile, view.dimensions
    peer = view.peer_region.name if view.peer_region else prof.region_id
    texts = [person.name, peer, prof.occupation_group, *(d["explanation"] for d in dims),
             *(d["definition"] for d in dims), *prof.tags, R.PERCENTILE_TEXT,
             person.employer.name if person.employer else "", person.region.name]
    check_glyphs(*texts)
    buf = io.BytesIO()
    pdf = canvas.Canvas(buf, pagesize=A4, pageCompression=1)
    pdf.setTitle(f"精准画像 {person.name}")
    left, right = 18 * mm, WIDTH - 18 * mm
    y = HEIGHT - 22 * mm
    pdf.setFillColor(RED)
    pdf.setFont(font, 20)
    pdf.drawString(left, y, f"劳模工匠精准画像 · {person.name}")
    y -= 9 * mm
    pdf.setFillColor(MUTED)
    pdf.setFont(font, 10)
    employer = person.employer.name if person.employer else "—"
    pdf.drawString(left, y, f"所在地区:{person.region.name}  工作单位:{employer}")
    y -= 5.5 * mm
    pdf.drawString(left, y, f"同类人员:{peer} · {prof.occupation_group}({prof.raw.get('peers', 0)} 人)  "
                            f"画像更新时间:{prof.computed_at.astimezone().strftime('%Y-%m-%d %H:%M')}")
    y -= 4 * mm
    renderPDF.draw(_radar(font, [d["score"] for d in dims]), pdf, left - 6 * mm, y - 70 * mm)
    # Scores beside the chart.
    sx, sy = left + 80 * mm, y - 8 * mm
    pdf.setFillColor(INK)
    for d in dims:
        pdf.setFont(font, 12)
        pdf.drawString(sx, sy, d["label"])
        pdf.setFont(font, 16)
        pdf.drawRightString(sx + 40 * mm, sy, str(d["score"]))
        pdf.setFont(font, 8)
        pdf.setFillColor(MUTED)
        pdf.drawString(sx + 43 * mm, sy, f"原始分 {d['value']}")
        pdf.setFillColor(INK)
        sy -= 9 * mm
    pdf.setFont(font, 11)
    pdf.drawString(sx, sy - 2 * mm, "标签:" + ("、".join(prof.tags) if prof.tags else "暂无"))
    y -= 76 * mm
    pdf.setFont(font, 13)
    pdf.setFillColor(RED)
    pdf.drawString(left, y, "得分说明")
    y -= 7 * mm
    for d in dims:
        pdf.setFillColor(INK)
        pdf.setFont(font, 10)
        for i, line in enumerate(_lines(f"{d['label']} {d['score']} 分:{d['explanation']}", font, 10, right - left)):
            pdf.drawString(left + (4 * mm if i else 0), y, line)
            y -= 5 * mm
        pdf.setFillColor(MUTED)
        pdf.setFont(font, 8.5)
        for line in _lines("计分:" + d["definition"], font, 8.5, right - left - 4 * mm):
            pdf.drawString(left + 4 * mm, y, line)
            y -= 4.2 * mm
        y -= 1.5 * mm
    y -= 2 * mm
    pdf.setFillColor(RED)
    pdf.setFont(font, 13)
    pdf.drawString(left, y, "怎样计算")
    y -= 6 * mm
    pdf.setFillColor(INK)
    pdf.setFont(font, 9)
    for line in _lines(R.PERCENTILE_TEXT, font, 9, right - left):
        pdf.drawString(left, y, line)
        y -= 4.6 * mm
    pdf.setFillColor(MUTED)
    pdf.setFont(font, 8)
    pdf.drawString(left, 12 * mm, "本画像由职工之家 WorkerHub 根据证书、竞赛、荣誉、工作室、师带徒和助企服务记录自动计算,不接受手工填写。")
    pdf.showPage()
    pdf.save()
    return buf.getvalue()
