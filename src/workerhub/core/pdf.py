"""Printable PDFs with Chinese text: reportlab with an embedded TrueType CJK font.

The font is Debian's ``fonts-babelstone-han`` (TrueType outlines, 63k code points including Ext-B names),
found through fontconfig or WORKERHUB_CJK_FONT. reportlab silently drops glyphs a font lacks, so text is
checked first and a missing glyph refuses the document instead of printing a wrong name
(research/libraries-domain.md §5)."""

import os
import subprocess
from functools import cache

from reportlab.pdfbase import pdfmetrics
from reportlab.pdfbase.ttfonts import TTFont

FONT = "CJK"


class PdfError(RuntimeError):
    """The PDF cannot be made correctly; ``str()`` is a zh-Hans message for the user."""


@cache
def cjk_font() -> str:
    path = os.environ.get("WORKERHUB_CJK_FONT")
    if not path:
        try:
            path = subprocess.run(["fc-match", "-f", "%{file}", "BabelStone Han"], capture_output=True, text=True,
                                  timeout=10).stdout.strip()
        except (OSError, subprocess.SubprocessError):
            path = ""
    if not path or not path.lower().endswith(".ttf") or not os.path.exists(path):
        raise PdfError("服务器缺少中文字体(请安装 fonts-babelstone-han 或设置 WORKERHUB_CJK_FONT),暂不能生成 PDF")
    font = TTFont(FONT, path)
    # reportlab copies the whole 'glyf' table (49 MB in BabelStone Han) each time it subsets the font for a
    # document, only to slice the few glyphs used out of it: hand it a window on the loaded bytes instead
    # (certificates: 49 → 20 ms per PDF). Nothing else reads 'glyf' through get_table.
    face, table = font.face, font.face.get_table
    start = face.get_table_pos("glyf")[0]

    class GlyphWindow:
        def __getitem__(self, part: slice) -> bytes:
            return face._ttf_data[start + part.start:start + part.stop]

    face.get_table = lambda tag: GlyphWindow() if tag == "glyf" else table(tag)
    pdfmetrics.registerFont(font)
    return FONT


def check_glyphs(*texts: str) -> None:
    face = pdfmetrics.getFont(cjk_font()).face
    missing = {c for text in texts for c in text if c.strip() and ord(c) not in face.charToGlyph}
    if missing:
        raise PdfError(f"字体缺少字符 {''.join(sorted(missing))},为避免打印错误,未生成 PDF")
