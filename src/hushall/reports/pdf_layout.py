"""Page layout of Hushåll's PDF documents (fpdf2): A4, a Unicode font, running header and footer with page
numbers, a table of contents, headings, paragraphs, tables and charts.

Only layout lives here; :mod:`hushall.reports.document` decides what goes on the pages.

The font is DejaVu Sans Condensed (``hushall/reports/fonts``, free licence in ``LICENSE-DejaVu.txt``): it has
å, ä, ö, the minus sign ``−``, the en dash ``–`` and the no-break space that :mod:`hushall.formatting`
writes, and is narrow enough for tables of ten years. fpdf2 embeds only the glyphs used.

Everything is black on white with grey rules and fills, so the document reads the same on a black-and-white
printer.
"""

from __future__ import annotations

import unicodedata
from collections.abc import Sequence
from importlib import resources
from pathlib import Path

from fpdf import FPDF
from fpdf.enums import Align
from fpdf.outline import OutlineSection

FONT = "DejaVu"
FONT_FILES = {"": "DejaVuSansCondensed.ttf", "B": "DejaVuSansCondensed-Bold.ttf"}
#: Drawn for a character the font does not have (U+FFFD is not in DejaVu Sans Condensed either).
MISSING_GLYPH = "?"

#: Grey levels (0 black … 255 white) used instead of colour.
TEXT_GREY = 90
RULE_GREY = 150
HEADING_FILL = 225
ZEBRA_FILL = 244
NOTE_FILL = 238

MM_PER_PX = 25.4 / 96  # a CSS pixel of a chart


def font_dir() -> Path:
    """The folder of the bundled fonts."""
    return Path(str(resources.files("hushall.reports").joinpath("fonts")))


class PlanPDF(FPDF):
    """An A4 document with a running title, ``Sida n av N`` in the footer and a table of contents.

    Parameters
    ----------
    running_title
        Printed at the top of every page after the first.
    footer_note
        Printed at the bottom left of every page (e.g. the municipality and the date).
    """

    def __init__(self, running_title: str, footer_note: str = "") -> None:
        super().__init__(orientation="P", unit="mm", format="A4")
        self.running_title = running_title
        self.footer_note = footer_note
        folder = font_dir()
        for style, name in FONT_FILES.items():
            self.add_font(FONT, style, str(folder / name))
        self.set_margins(18, 18, 18)
        self.set_auto_page_break(True, margin=18)
        self.set_font(FONT, size=10)
        self.set_creator("Hushåll")
        self.set_lang("sv-SE")
        self.alias_nb_pages()
        self.figure_count = 0

    def normalize_text(self, text: str) -> str:
        """Text as the font can draw it: composed (NFC), and each character the font lacks (an emoji, a script
        DejaVu does not cover) replaced by :data:`MISSING_GLYPH`, so the document never has empty boxes and fpdf2
        never warns (in English) about missing glyphs."""
        text = super().normalize_text(text)
        cmap = getattr(self.current_font, "cmap", None)
        if not cmap:
            return text
        text = unicodedata.normalize("NFC", text)
        if all(ord(c) in cmap or c in "\n\r\t" for c in text):
            return text
        return "".join(c if ord(c) in cmap or c in "\n\r\t" else MISSING_GLYPH for c in text)

    # --- running header and footer -------------------------------------------------------------------------

    def header(self) -> None:
        if self.page_no() == 1:
            return
        self.set_font(FONT, size=8)
        self.set_text_color(TEXT_GREY)
        self.set_y(9)
        self.cell(0, 4, self.running_title, align=Align.L)
        self.set_draw_color(RULE_GREY)
        self.set_line_width(0.2)
        self.line(self.l_margin, 14, self.w - self.r_margin, 14)
        self.set_text_color(0)
        self.set_y(18)
        self.set_font(FONT, size=10)

    def footer(self) -> None:
        self.set_y(-12)
        self.set_font(FONT, size=8)
        self.set_text_color(TEXT_GREY)
        self.cell(0, 4, self.footer_note, align=Align.L)
        self.set_x(self.l_margin)
        self.cell(0, 4, f"Sida {self.page_no()} av {{nb}}", align=Align.R)
        self.set_text_color(0)

    # --- text ----------------------------------------------------------------------------------------------

    @property
    def content_width(self) -> float:
        return self.w - self.l_margin - self.r_margin

    @property
    def space_left(self) -> float:
        return self.page_break_trigger - self.get_y()

    def ensure_space(self, height: float) -> None:
        """Start a new page (same orientation) unless ``height`` mm fit on this one."""
        if self.space_left < height:
            self.add_page(orientation=str(self.cur_orientation.value))

    def chapter(self, title: str, *, landscape: bool = False, new_page: bool = True) -> None:
        """A numbered chapter on a new page (``new_page=False``: on the current, empty one), listed in the table of
        contents."""
        if new_page:
            self.add_page(orientation="L" if landscape else "P")
        self.start_section(title, level=0)
        self.set_font(FONT, "B", 17)
        self.multi_cell(0, 8, title, align=Align.L, new_x="LMARGIN", new_y="NEXT")
        self.ln(3)
        self.set_font(FONT, size=10)

    def section(self, title: str, *, min_space: float = 40, new_page: bool = False,
                landscape: bool | None = None) -> None:
        """A section heading listed in the table of contents; moves to a new page when fewer than ``min_space`` mm
        are left (so a heading never ends a page)."""
        if new_page:
            orientation = str(self.cur_orientation.value) if landscape is None else ("L" if landscape else "P")
            self.add_page(orientation=orientation)
        else:
            self.ensure_space(min_space)
            self.ln(2)
        self.start_section(title, level=1)
        self.set_font(FONT, "B", 13)
        self.multi_cell(0, 6.5, title, align=Align.L, new_x="LMARGIN", new_y="NEXT")
        self.ln(1.5)
        self.set_font(FONT, size=10)

    def subheading(self, title: str) -> None:
        self.ensure_space(25)
        self.set_font(FONT, "B", 10.5)
        self.multi_cell(0, 5.5, title, align=Align.L, new_x="LMARGIN", new_y="NEXT")
        self.set_font(FONT, size=10)

    def paragraph(self, text: str, *, size: float = 10, height: float = 5, grey: bool = False) -> None:
        self.set_font(FONT, size=size)
        if grey:
            self.set_text_color(TEXT_GREY)
        self.multi_cell(0, height, text, align=Align.L, new_x="LMARGIN", new_y="NEXT")
        self.set_text_color(0)
        self.ln(1.5)

    def bullets(self, items: Sequence[str], *, size: float = 10, height: float = 5) -> None:
        self.set_font(FONT, size=size)
        for item in items:
            x = self.l_margin
            self.set_x(x)
            self.cell(5, height, "•")
            self.multi_cell(self.content_width - 5, height, item, align=Align.L, new_x="LMARGIN", new_y="NEXT")
        self.ln(1.5)

    def note(self, title: str, text: str) -> None:
        """A grey box with a bold title: for what is missing or must be read with care."""
        self.ensure_space(22)
        self.set_fill_color(NOTE_FILL)
        self.set_draw_color(RULE_GREY)
        self.set_font(FONT, "B", 10)
        self.multi_cell(0, 6, title, border="LTR", fill=True, align=Align.L, new_x="LMARGIN", new_y="NEXT",
                        padding=(1, 3, 0, 3))
        self.set_font(FONT, size=9.5)
        self.multi_cell(0, 5, text, border="LBR", fill=True, align=Align.L, new_x="LMARGIN", new_y="NEXT",
                        padding=(0, 3, 2, 3))
        self.ln(3)

    # --- tables and figures --------------------------------------------------------------------------------

    def data_table(
        self,
        header: Sequence[str],
        rows: Sequence[Sequence[str]],
        *,
        widths: Sequence[float],
        align: Sequence[str],
        bold_rows: Sequence[bool] | None = None,
        size: float = 8.5,
        line_height: float | None = None,
        caption: str | None = None,
        zebra: bool = True,
        keep_together: bool = False,
    ) -> None:
        """A table with a grey header row repeated on every page, horizontal rules and light zebra rows.

        ``widths`` in mm (scaled to the content width when they add up to more), ``align`` per column
        (``"L"``, ``"R"``, ``"C"``), ``bold_rows`` marks sums and results. Text wraps within its column; a row is
        never split over two pages. ``keep_together`` moves a whole table that would not fit what is left of the
        page to the next page.
        """
        total = float(sum(widths))
        scale = min(1.0, self.content_width / total) if total else 1.0
        col_w = [w * scale for w in widths]
        lh = line_height if line_height is not None else size * 0.46
        pad_x, pad_y = 1.2, 0.9
        bold = list(bold_rows) if bold_rows is not None else [False] * len(rows)

        def lines_of(text: str, width: float, style: str) -> list[str]:
            self.set_font(FONT, style, size)
            if "\n" not in text and self.get_string_width(text) <= width - 2 * pad_x:
                return [text]
            out = self.multi_cell(width - 2 * pad_x, lh, text, dry_run=True, output="LINES", padding=0)
            return [str(x) for x in out] if isinstance(out, list) and out else [""]

        def layout(cells: Sequence[str], style: str) -> tuple[list[list[str]], float]:
            wrapped = [lines_of(str(c), w, style) for c, w in zip(cells, col_w, strict=True)]
            height = max(len(x) for x in wrapped) * lh + 2 * pad_y
            return wrapped, height

        head, head_h = layout(header, "B")
        body = [layout(r, "B" if bold[i] else "") for i, r in enumerate(rows)]
        if keep_together:
            self.ensure_space(head_h + sum(h for _, h in body) + (6 if caption else 0) + 3)
        if caption:
            self.ensure_space(head_h + (body[0][1] if body else 0) + 8)
            self.set_font(FONT, "B", 9)
            self.multi_cell(0, 5, caption, align=Align.L, new_x="LMARGIN", new_y="NEXT")
        else:
            self.ensure_space(head_h + (body[0][1] if body else 0) + 3)
        self.set_draw_color(RULE_GREY)
        self.set_line_width(0.15)

        def draw(wrapped: list[list[str]], height: float, style: str, fill: int | None) -> None:
            x0, y0 = self.l_margin, self.get_y()
            if fill is not None:
                self.set_fill_color(fill)
                self.rect(x0, y0, sum(col_w), height, style="F")
            self.set_font(FONT, style, size)
            x = x0
            for lines, w, a in zip(wrapped, col_w, align, strict=True):
                for k, text in enumerate(lines):
                    self.set_xy(x + pad_x, y0 + pad_y + k * lh)
                    self.cell(w - 2 * pad_x, lh, text, align=a)
                x += w
            self.line(x0, y0 + height, x0 + sum(col_w), y0 + height)
            self.set_xy(x0, y0 + height)

        draw(head, head_h, "B", HEADING_FILL)
        for i, (wrapped, height) in enumerate(body):
            if self.get_y() + height > self.page_break_trigger:
                self.add_page(orientation=str(self.cur_orientation.value))
                draw(head, head_h, "B", HEADING_FILL)
            draw(wrapped, height, "B" if bold[i] else "", ZEBRA_FILL if zebra and i % 2 else None)
        self.ln(3)
        self.set_font(FONT, size=10)

    def figure(self, png: str | Path, *, size_px: tuple[float, float], caption: str | None = None,
               max_width: float | None = None, max_height: float | None = None, new_page_if_needed: bool = True
               ) -> None:
        """Place a chart rendered at ``size_px`` CSS pixels (any PNG scale), at its natural size when it fits, else
        scaled down to the content width and ``max_height``; a new page when it does not fit what is left."""
        width_px, height_px = size_px
        w = width_px * MM_PER_PX
        h = height_px * MM_PER_PX
        limit_w = min(self.content_width, max_width or self.content_width)
        limit_h = max_height or (self.page_break_trigger - self.t_margin - 12)
        k = min(1.0, limit_w / w, limit_h / h)
        w, h = w * k, h * k
        extra = 7 if caption else 2
        if new_page_if_needed and self.space_left < h + extra:
            self.add_page(orientation=str(self.cur_orientation.value))
        self.figure_count += 1
        alt_text = caption or f"Diagram {self.figure_count}"
        self.image(str(png), x=self.l_margin, w=w, h=h, alt_text=alt_text)
        if caption:
            self.set_font(FONT, size=8.5)
            self.set_text_color(TEXT_GREY)
            self.multi_cell(0, 4.2, f"Figur {self.figure_count}. {caption}", align=Align.L, new_x="LMARGIN",
                            new_y="NEXT")
            self.set_text_color(0)
        self.ln(3)
        self.set_font(FONT, size=10)


def render_toc(pdf: FPDF, outline: list[OutlineSection]) -> None:
    """The table of contents: chapters in bold, sections indented, dot leaders and page numbers (linked)."""
    pdf.set_x(pdf.l_margin)
    pdf.set_font(FONT, "B", 17)
    pdf.cell(0, 10, "Innehåll", new_x="LMARGIN", new_y="NEXT")
    pdf.ln(4)
    width = pdf.w - pdf.l_margin - pdf.r_margin
    for section in outline:
        level = int(section.level)
        size = 11 if level == 0 else 10
        pdf.set_font(FONT, "B" if level == 0 else "", size)
        if level == 0:
            pdf.ln(1.5)
        indent = 6 * level
        page = str(section.page_number)
        link = pdf.add_link(page=section.page_number)
        name = str(section.name)
        available = width - indent - pdf.get_string_width(page) - 4
        dot_w = pdf.get_string_width(".")
        dots = max(2, int((available - pdf.get_string_width(name) - 2) / dot_w))
        pdf.set_x(pdf.l_margin + indent)
        pdf.cell(available, 6.2, f"{name} " + "." * dots, link=link)
        pdf.cell(0, 6.2, page, align=Align.R, link=link, new_x="LMARGIN", new_y="NEXT")


def png_size(path: str | Path, scale: float) -> tuple[float, float]:
    """The CSS-pixel size of a PNG rendered at ``scale``."""
    with open(path, "rb") as f:
        head = f.read(24)
    width = int.from_bytes(head[16:20], "big")
    height = int.from_bytes(head[20:24], "big")
    return width / scale, height / scale


__all__ = ["FONT", "PlanPDF", "font_dir", "png_size", "render_toc"]

