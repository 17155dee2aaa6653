"""Printable certificates (SPEC §3.4): one A4 PDF per certificate, Chinese text in the embedded CJK font, a QR
code of the signed verification link, and a red "已撤销" stamp on a revoked one.

A page is drawn from plain values (``CertificatePage``), so that the single download, the bulk job of a whole
exam session and the benchmark's bare-generation baseline all run the same drawing code. The bulk path reads
certificates in chunks with the recognising organisations prefetched (three queries per chunk, none per
certificate) and draws each on its own canvas; the font is registered once per process (core.pdf).
"""

import io
from collections.abc import Callable, Iterable, Iterator
from dataclasses import dataclass
from datetime import date

import segno
from django.conf import settings
from django.db.models import Prefetch
from reportlab.lib.colors import Color, HexColor
from reportlab.lib.pagesizes import A4
from reportlab.lib.units import mm
from reportlab.pdfbase.pdfmetrics import stringWidth
from reportlab.pdfgen import canvas

from workerhub.core.models import Organisation
from workerhub.core.pdf import PdfError, check_glyphs, cjk_font

from .models import Certificate

# The national query addresses printed on every skill-level certificate (人社鉴发〔2021〕1号; research/union.md
# §5.5–5.6): "技能人才评价证书全国联网查询" at jndj.osta.org.cn, evaluation bodies at pjjg.osta.org.cn.
NATIONAL_QUERY = "http://jndj.osta.org.cn"
INSTITUTION_QUERY = "http://pjjg.osta.org.cn"

INK = HexColor("#1d2430")
MUTED = HexColor("#5b6472")
SKILL_COLOUR = HexColor("#9c2a1c")  # the red of the national certificate's frame
ENTERPRISE_COLOUR = HexColor("#1f4e79")
STAMP = Color(0.8, 0.1, 0.1, alpha=0.9)
VEIL = Color(1, 1, 1, alpha=0.8)
WIDTH, HEIGHT = A4


@dataclass(frozen=True)
class CertificatePage:
    """What one printed certificate says: plain values, no database."""

    kind: str  # "skill_level" | "enterprise"
    number: str
    holder_name: str
    holder_id_masked: str
    occupation_name: str
    work_type: str
    level_label: str
    issuer_name: str
    issued_on: date
    verify_url: str
    recognised_by: tuple[str, ...] = ()
    revoked_on: date | None = None
    revoked_reason: str = ""


def verify_url(token: str) -> str:
    """What the QR code opens: the public verification page of the signed token (SPEC §3.6)."""
    return f"{settings.PUBLIC_URL}/verify/{token}"


def page_of(cert: Certificate) -> CertificatePage:
    """The page of a certificate row (``recognised_by`` should be prefetched when rendering many)."""
    recognised = ()
    if cert.kind == Certificate.Kind.ENTERPRISE:
        recognised = tuple(sorted(o.name for o in cert.recognised_by.all()))
    return CertificatePage(
        kind=cert.kind, number=cert.number, holder_name=cert.holder_name, holder_id_masked=cert.holder_id_masked,
        occupation_name=cert.occupation_name, work_type=cert.work_type, level_label=cert.level_label,
        issuer_name=cert.issuer_name, issued_on=cert.issued_on, verify_url=verify_url(cert.token),
        recognised_by=recognised, revoked_on=cert.revoked_on if cert.status == Certificate.Status.REVOKED else None,
        revoked_reason=cert.revoked_reason)


def chinese_date(day: date) -> str:
    """"2024年3月12日": how 发证日期 is written on the certificate."""
    return f"{day.year}年{day.month}月{day.day}日"


NO_LINE_START = frozenset("，。、；：！？）》」』”’·")


def _lines(text: str, font: str, size: float, width: float) -> list[str]:
    """Greedy wrap by measured width (Chinese has no spaces to break at); at least one line. Closing punctuation
    never starts a line: it stays at the end of the previous one (禁则)."""
    lines, current = [], ""
    for char in text:
        if current and char not in NO_LINE_START and stringWidth(current + char, font, size) > width:
            lines.append(current)
            current = ""
        current += char
    return [*lines, current]


def _qr(pdf: canvas.Canvas, url: str, left: float, bottom: float, size: float) -> None:
    """The QR code as vector squares, one rectangle per horizontal run of dark modules (a few hundred path
    operators instead of one per module); error correction M, as on the station plates."""
    qr = segno.make(url, error="m", micro=False)
    rows = [bytes(row) for row in qr.matrix]
    cell = size / len(rows)
    path = pdf.beginPath()
    for r, row in enumerate(rows):
        y = bottom + size - (r + 1) * cell
        c, n = 0, len(row)
        while c < n:
            if row[c]:
                start = c
                while c < n and row[c]:
                    c += 1
                path.rect(left + start * cell, y, (c - start) * cell, cell)
            else:
                c += 1
    pdf.drawPath(path, stroke=0, fill=1)


def _frame(pdf: canvas.Canvas, colour) -> None:
    pdf.setStrokeColor(colour)
    pdf.setLineWidth(2.2)
    pdf.rect(12 * mm, 12 * mm, WIDTH - 24 * mm, HEIGHT - 24 * mm)
    pdf.setLineWidth(0.6)
    pdf.rect(15 * mm, 15 * mm, WIDTH - 30 * mm, HEIGHT - 30 * mm)


def _fields(pdf: canvas.Canvas, font: str, rows: list[tuple[str, str]], top: float, value_width: float) -> float:
    """Label/value rows from ``top`` downwards; long values wrap under themselves. Returns the next free y."""
    y = top
    for label, value in rows:
        pdf.setFillColor(MUTED)
        pdf.setFont(font, 11)
        pdf.drawString(30 * mm, y, label)
        pdf.setFillColor(INK)
        pdf.setFont(font, 13)
        for line in _lines(value, font, 13, value_width):
            pdf.drawString(66 * mm, y, line)
            y -= 6.5 * mm
        y -= 4.5 * mm
    return y


def _stamp(pdf: canvas.Canvas, font: str, page: CertificatePage) -> None:
    """The revocation stamp: a red frame turned 12° across the page below the fields, on a veil that keeps its
    own text legible over whatever it covers."""
    reason = _lines(f"原因：{page.revoked_reason}", font, 12, 100 * mm)[:3]
    pdf.saveState()
    pdf.translate(WIDTH / 2, HEIGHT / 2 - 20 * mm)
    pdf.rotate(12)
    height = (30 + 7 * len(reason)) * mm
    pdf.setFillColor(VEIL)
    pdf.rect(-60 * mm, -height / 2, 120 * mm, height, stroke=0, fill=1)
    pdf.setStrokeColor(STAMP)
    pdf.setFillColor(STAMP)
    pdf.setLineWidth(3)
    pdf.rect(-60 * mm, -height / 2, 120 * mm, height, stroke=1, fill=0)
    y = height / 2 - 15 * mm
    pdf.setFont(font, 30)
    pdf.drawCentredString(0, y, "已撤销")
    y -= 10 * mm
    pdf.setFont(font, 14)
    pdf.drawCentredString(0, y, f"撤销日期 {page.revoked_on:%Y-%m-%d}")
    pdf.setFont(font, 12)
    for line in reason:
        y -= 7 * mm
        pdf.drawCentredString(0, y, line)
    pdf.restoreState()


def _footer(pdf: canvas.Canvas, font: str, page: CertificatePage, lines: list[str], colour) -> None:
    """QR code bottom left with its caption, issuer and date bottom right, query addresses along the bottom."""
    qr_size = 42 * mm
    pdf.setFillColor(INK)
    _qr(pdf, page.verify_url, 28 * mm, 52 * mm, qr_size)
    pdf.setFont(font, 9)
    pdf.setFillColor(MUTED)
    pdf.drawCentredString(28 * mm + qr_size / 2, 47 * mm, "扫码验证证书真伪")

    pdf.setFillColor(INK)
    right = WIDTH - 30 * mm
    y = 86 * mm
    issuer_label = "评价机构" if page.kind == Certificate.Kind.SKILL_LEVEL else "颁发单位"
    pdf.setFont(font, 11)
    pdf.drawRightString(right, y, issuer_label)
    pdf.setFont(font, 13)
    for line in _lines(page.issuer_name, font, 13, 95 * mm):
        y -= 7 * mm
        pdf.drawRightString(right, y, line)
    y -= 10 * mm
    pdf.setFont(font, 11)
    pdf.drawRightString(right, y, "发证日期")
    pdf.setFont(font, 13)
    pdf.drawRightString(right, y - 7 * mm, chinese_date(page.issued_on))

    pdf.setStrokeColor(colour)
    pdf.setLineWidth(0.5)
    pdf.line(25 * mm, 40 * mm, WIDTH - 25 * mm, 40 * mm)
    pdf.setFillColor(MUTED)
    pdf.setFont(font, 8.5)
    y = 34 * mm
    for line in lines:
        pdf.drawString(25 * mm, y, line)
        y -= 4.8 * mm


def _skill_page(pdf: canvas.Canvas, font: str, page: CertificatePage) -> None:
    """职业技能等级证书, content as 人社鉴发〔2021〕1号 lists it: title, body text, evaluation body, issue date, name,
    ID type and masked number, occupation, 工种 or "--", level "四级/中级工", number, photo, QR code, query URLs."""
    _frame(pdf, SKILL_COLOUR)
    pdf.setFillColor(SKILL_COLOUR)
    pdf.setFont(font, 30)
    pdf.drawCentredString(WIDTH / 2, HEIGHT - 45 * mm, "职业技能等级证书")
    pdf.setFillColor(INK)
    pdf.setFont(font, 11)
    y = HEIGHT - 62 * mm
    body = (f"本证书由{page.issuer_name}颁发，表明持证人通过本机构组织的职业技能等级认定，"
            "具备该职业（工种）相应技能等级水平。")
    for line in _lines(body, font, 11, WIDTH - 60 * mm):
        pdf.drawString(30 * mm, y, line)
        y -= 6 * mm

    # Photo box, right of the fields (a 2-inch photo is 35 × 49 mm; no photos are stored: a framed placeholder).
    photo_top = y - 4 * mm
    pdf.setStrokeColor(MUTED)
    pdf.setLineWidth(0.6)
    pdf.rect(WIDTH - 30 * mm - 35 * mm, photo_top - 49 * mm, 35 * mm, 49 * mm)
    pdf.setFillColor(MUTED)
    pdf.setFont(font, 12)
    pdf.drawCentredString(WIDTH - 30 * mm - 17.5 * mm, photo_top - 26 * mm, "照片")

    _fields(pdf, font, [
        ("姓名", page.holder_name),
        ("证件类型", "居民身份证"),
        ("证件号码", page.holder_id_masked),
        ("职业名称", page.occupation_name),
        ("工种/职业方向", page.work_type or "--"),
        ("职业技能等级", page.level_label),
        ("证书编号", page.number),
    ], y - 12 * mm, 72 * mm)

    base = settings.PUBLIC_URL
    _footer(pdf, font, page, [
        f"技能人才评价证书全国联网查询：{NATIONAL_QUERY}    评价机构查询：{INSTITUTION_QUERY}",
        f"本平台验证：{base}/verify/（扫描二维码，或输入证书编号和姓名）",
    ], SKILL_COLOUR)


def _enterprise_page(pdf: canvas.Canvas, font: str, page: CertificatePage) -> None:
    """企业认可证书: the partner enterprise recognises the skill level the same exam evaluated, together with the
    alliance members listed under 认可单位 (SPEC §3.4–3.5). Not in the national query: verified here."""
    _frame(pdf, ENTERPRISE_COLOUR)
    pdf.setFillColor(ENTERPRISE_COLOUR)
    pdf.setFont(font, 30)
    pdf.drawCentredString(WIDTH / 2, HEIGHT - 45 * mm, "企业认可证书")
    pdf.setFillColor(INK)
    pdf.setFont(font, 11)
    y = HEIGHT - 62 * mm
    body = (f"持证人通过职业技能等级认定考核，其{page.occupation_name}职业技能等级获{page.issuer_name}"
            "及下列认可单位认可，特发此证。")
    for line in _lines(body, font, 11, WIDTH - 60 * mm):
        pdf.drawString(30 * mm, y, line)
        y -= 6 * mm
    _fields(pdf, font, [
        ("姓名", page.holder_name),
        ("证件号码", page.holder_id_masked),
        ("认可职业", page.occupation_name),
        ("工种/职业方向", page.work_type or "--"),
        ("认可等级", page.level_label),
        ("证书编号", page.number),
        ("认可单位", "、".join(page.recognised_by) or page.issuer_name),
    ], y - 12 * mm, WIDTH - 96 * mm)
    base = settings.PUBLIC_URL
    _footer(pdf, font, page, [
        f"本证书由企业颁发，不在技能人才评价证书全国联网查询（{NATIONAL_QUERY}）范围内。",
        f"证书验证：{base}/verify/（扫描二维码，或输入证书编号和姓名）",
    ], ENTERPRISE_COLOUR)


def render(page: CertificatePage) -> bytes:
    """One A4 PDF of one certificate. Refuses (PdfError) rather than print a name with a missing glyph."""
    font = cjk_font()
    try:
        check_glyphs(page.holder_name, page.issuer_name, page.occupation_name, page.work_type,
                     page.revoked_reason, *page.recognised_by)
    except PdfError as exc:
        raise PdfError(f"证书 {page.number}：{exc}") from None
    out = io.BytesIO()
    pdf = canvas.Canvas(out, pagesize=A4, pageCompression=1)
    title = "职业技能等级证书" if page.kind == Certificate.Kind.SKILL_LEVEL else "企业认可证书"
    pdf.setTitle(f"{title} {page.number}")
    pdf.setAuthor(page.issuer_name)
    pdf.setCreator("职工之家 WorkerHub")
    if page.kind == Certificate.Kind.SKILL_LEVEL:
        _skill_page(pdf, font, page)
    else:
        _enterprise_page(pdf, font, page)
    if page.revoked_on:
        _stamp(pdf, font, page)
    pdf.showPage()
    pdf.save()
    return out.getvalue()


def certificate_pdf(cert: Certificate) -> bytes:
    return render(page_of(cert))


def filename(cert_or_page) -> str:
    return f"{cert_or_page.number}.pdf"


def session_certificates(session_id: int):
    """Every certificate a session issued, with what the pages need prefetched, in number order."""
    names = Prefetch("recognised_by", queryset=Organisation.objects.only("name"))
    return (Certificate.objects.filter(registration__session_id=session_id)
            .prefetch_related(names).order_by("kind", "number"))


def render_many(certs: Iterable[Certificate], *, progress: Callable[[int], None] | None = None,
                every: int = 50) -> Iterator[tuple[str, bytes]]:
    """(file name, PDF) for each certificate, in order; ``progress(done)`` every ``every`` certificates."""
    done = 0
    for cert in certs:
        yield filename(cert), certificate_pdf(cert)
        done += 1
        if progress and done % every == 0:
            progress(done)
    if progress and done % every:
        progress(done)


def session_pdfs(session_id: int, *, progress: Callable[[int, int], None] | None = None,
                 chunk: int = 500) -> Iterator[tuple[str, bytes]]:
    """The bulk path of the session download: (file name, PDF) for every certificate of the session, read in
    chunks of ``chunk`` rows (prefetch included). ``progress(done, total)`` as in core.tasks.job_progress."""
    qs = session_certificates(session_id)
    total = qs.count()
    tick = (lambda done: progress(done, total)) if progress else None
    if progress:
        progress(0, total)
    yield from render_many(qs.iterator(chunk_size=chunk), progress=tick)
