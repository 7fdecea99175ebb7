"""Drawing labels: barcodes encoded by `zxing-cpp`, laid out once, drawn as PDF (`reportlab`),
PNG (Pillow) or SVG.

The layout is computed in dots of 300 dpi, and every barcode module is a whole number of dots
(at least 2 for a linear symbol, 3 for a 2D one), so the PNG is exact and the PDF and SVG —
vector drawings of the same rectangles — print sharp on any printer. A label:

    +--------------------------------------+
    | DRILL  Cordless drill     [DataMatrix]|   text on the left, 2D symbols on the right
    | SN S-00001                [  / QR    ]|
    | EXP 2027-01-31                        |
    | ||||||||||||||||||||||||||||||||||||| |   GS1-128 / Code 128 across the width,
    | (01)09506000134352(21)S-00001         |   its human-readable text under it
    +--------------------------------------+

A linear symbol too long for the label's width is left out (the 2D symbol carries the same data).
"""

from __future__ import annotations

import io
from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any, cast
from xml.sax.saxutils import escape

import zxingcpp

from itemtrace.adapters import gs1
from itemtrace.domain.errors import ValidationFailed
from itemtrace.domain.labels import Label, Paper, Symbol, Symbology

DPI = 300
MM = DPI / 25.4  # dots per millimetre
_FORMATS = {
    Symbology.GS1_128: zxingcpp.BarcodeFormat.Code128,
    Symbology.CODE_128: zxingcpp.BarcodeFormat.Code128,
    Symbology.GS1_DATAMATRIX: zxingcpp.BarcodeFormat.DataMatrix,
    Symbology.QR: zxingcpp.BarcodeFormat.QRCode,
}
_QUIET = {Symbology.GS1_128: 10, Symbology.CODE_128: 10, Symbology.GS1_DATAMATRIX: 1, Symbology.QR: 4}
# A PNG or SVG stacks its labels in one image: beyond this many, a PDF (pages) is the way.
MAX_IMAGE_LABELS = 100
MEDIA_TYPES = {"pdf": "application/pdf", "png": "image/png", "svg": "image/svg+xml"}


def symbols(label: Label, *, digital_link_base: str = "") -> list[Symbol]:
    """The barcodes of a label: GS1-128 and GS1 DataMatrix of its GS1 fields, and a GS1 Digital
    Link QR code when a base URL is set; Code 128 and QR of the number when it has no GS1 fields
    (or a number GS1 cannot carry, such as one with a space)."""
    fields = label.fields()
    if fields:
        try:
            data = gs1.element_string(fields)
        except ValidationFailed:
            fields = []
        else:
            found = [Symbol(Symbology.GS1_128, data), Symbol(Symbology.GS1_DATAMATRIX, data)]
            if digital_link_base:
                found.append(Symbol(Symbology.QR, gs1.digital_link(fields, digital_link_base)))
            return found
    return [Symbol(Symbology.CODE_128, label.number), Symbol(Symbology.QR, label.number)]


@dataclass(frozen=True, slots=True)
class _Modules:
    """A symbol's dark modules, row by row (one row for a linear symbol)."""

    symbol: Symbol
    width: int
    rows: tuple[tuple[tuple[int, int], ...], ...]  # per row: (start, length) of each dark run


def _encode(symbol: Symbol) -> _Modules:
    options = {"gs1": True} if symbol.symbology in (Symbology.GS1_128, Symbology.GS1_DATAMATRIX) else {}
    if symbol.symbology is Symbology.GS1_DATAMATRIX:
        options["forceSquare"] = True  # GS1 asks for square DataMatrix symbols
    try:
        barcode = zxingcpp.create_barcode(symbol.data, _FORMATS[symbol.symbology], **options)
    except Exception as error:  # zxing-cpp says what it cannot encode in its message
        raise ValidationFailed(f"cannot draw {symbol.symbology} of {symbol.data!r}: {error}") from None
    image = memoryview(cast(Any, barcode.to_image(scale=1, add_quiet_zones=False)))
    height, width = cast(tuple[int, int], image.shape)
    pixels = image.tobytes()
    rows = [_runs(pixels[r * width : (r + 1) * width]) for r in range(1 if symbol.linear else height)]
    return _Modules(symbol, width, tuple(rows))


def _runs(row: bytes) -> tuple[tuple[int, int], ...]:
    runs: list[tuple[int, int]] = []
    start = None
    for i, value in enumerate([*row, 255]):
        if value < 128 and start is None:
            start = i
        elif value >= 128 and start is not None:
            runs.append((start, i - start))
            start = None
    return tuple(runs)


# -- layout, in dots ---------------------------------------------------------------------------


@dataclass(frozen=True, slots=True)
class Box:
    x: int
    y: int  # from the top
    w: int
    h: int


@dataclass(frozen=True, slots=True)
class Text:
    x: int
    y: int  # baseline, from the top
    size: int  # font size in dots
    text: str


def layout(
    label: Label, width_mm: float, height_mm: float, *, digital_link_base: str = ""
) -> tuple[list[Box], list[Text]]:
    """The dark rectangles and the text of one label, in dots from its top left corner."""
    width, height = int(width_mm * MM), int(height_mm * MM)
    margin = max(int(min(width, height) * 0.06), int(1 * MM))
    encoded = [_encode(s) for s in symbols(label, digital_link_base=digital_link_base)]
    linear = next((m for m in encoded if m.symbol.linear), None)
    matrices = [m for m in encoded if not m.symbol.linear]
    boxes: list[Box] = []
    texts: list[Text] = []

    # The linear symbol across the bottom, if its modules can be 2 dots wide.
    bottom = height - margin
    if linear is not None:
        module = (width - 2 * margin) // (linear.width + 2 * _QUIET[linear.symbol.symbology])
        if module >= 2:
            hri_size = max(int(height * 0.07), int(1.6 * MM))
            bar_height = max(int(height * 0.28), int(5 * MM))
            top = bottom - hri_size - bar_height - hri_size // 3
            left = margin + _QUIET[linear.symbol.symbology] * module
            boxes += [Box(left + s * module, top, n * module, bar_height) for s, n in linear.rows[0]]
            texts.append(Text(left, bottom - hri_size // 5, hri_size, linear.symbol.data))
            bottom = top - margin // 2

    # 2D symbols on the right, side by side, as large as the space above the linear one allows.
    area = bottom - margin
    right = width - margin
    side = min(area, int((width - 2 * margin) * 0.5) // max(len(matrices), 1))
    for matrix in reversed(matrices):
        quiet = _QUIET[matrix.symbol.symbology]
        module = side // (matrix.width + 2 * quiet)
        if module < 3:
            raise ValidationFailed(
                f"a {width_mm:g}x{height_mm:g} mm label is too small for the {matrix.symbol.symbology} "
                f"of {label.number!r}: choose a bigger --size"
            )
        size = module * (matrix.width + 2 * quiet)
        left, top = right - size, margin
        for r, runs in enumerate(matrix.rows):
            boxes += [
                Box(left + (quiet + s) * module, top + (quiet + r) * module, n * module, module)
                for s, n in runs
            ]
        right = left - margin // 2

    # The text on the left, as many lines as fit.
    text_width = right - margin
    lines = label.text()
    size = max(min(int(area / (len(lines) * 1.3)), int(2.6 * MM)), int(1.4 * MM))
    fits = max(int(text_width / (size * 0.56)), 4)
    y = margin + size
    for line in lines:
        if y > bottom:
            break
        texts.append(Text(margin, y, size, line if len(line) <= fits else line[: fits - 1] + "…"))
        y += int(size * 1.3)
    return boxes, texts


# -- surfaces ----------------------------------------------------------------------------------


def render(labels: Sequence[Label], paper: Paper, fmt: str, *, digital_link_base: str = "") -> bytes:
    """The labels as one file: a PDF of pages (one label per page, or a grid per sheet), or a PNG
    or SVG with the labels one under the other."""
    if not labels:
        raise ValidationFailed(
            "no labels to print: name serials, lots or packages, or a document that has them"
        )
    if fmt in ("png", "svg") and len(labels) > MAX_IMAGE_LABELS:
        raise ValidationFailed(
            f"{len(labels)} labels in one {fmt} image: at most {MAX_IMAGE_LABELS}; print more as a pdf"
        )
    drawn = [layout(label, *paper.label_mm, digital_link_base=digital_link_base) for label in labels]
    if fmt == "pdf":
        return _pdf(drawn, paper)
    if fmt == "png":
        return _png(drawn, paper)
    if fmt == "svg":
        return _svg(drawn, paper)
    raise ValidationFailed(f"format {fmt!r} must be pdf, png or svg")


def _dots(value: float) -> int:
    return int(value * MM)


def _pdf(drawn: Sequence[tuple[list[Box], list[Text]]], paper: Paper) -> bytes:
    from reportlab.pdfgen.canvas import Canvas

    point = 72 / DPI  # a dot in PDF points
    page_w, page_h = paper.page_mm[0] * 72 / 25.4, paper.page_mm[1] * 72 / 25.4
    out = io.BytesIO()
    canvas = Canvas(out, pagesize=(page_w, page_h), invariant=True)
    canvas.setTitle("itemtrace labels")
    for index, (boxes, texts) in enumerate(drawn):
        if index and index % paper.per_page == 0:
            canvas.showPage()
        slot = index % paper.per_page
        ox = (slot % paper.columns) * paper.label_mm[0] * 72 / 25.4
        oy = (slot // paper.columns) * paper.label_mm[1] * 72 / 25.4
        for box in boxes:
            canvas.rect(
                ox + box.x * point,
                page_h - oy - (box.y + box.h) * point,
                box.w * point,
                box.h * point,
                stroke=0,
                fill=1,
            )
        for text in texts:
            canvas.setFont("Helvetica", text.size * point)
            canvas.drawString(ox + text.x * point, page_h - oy - text.y * point, text.text)
    canvas.showPage()
    canvas.save()
    return out.getvalue()


def _png(drawn: Sequence[tuple[list[Box], list[Text]]], paper: Paper) -> bytes:
    from PIL import Image, ImageDraw, ImageFont

    width, height = _dots(paper.label_mm[0]), _dots(paper.label_mm[1])
    image = Image.new("L", (width, height * len(drawn)), 255)
    draw = ImageDraw.Draw(image)
    fonts: dict[int, ImageFont.FreeTypeFont | ImageFont.ImageFont] = {}
    for index, (boxes, texts) in enumerate(drawn):
        oy = index * height
        for box in boxes:
            draw.rectangle((box.x, oy + box.y, box.x + box.w - 1, oy + box.y + box.h - 1), fill=0)
        for text in texts:
            font = fonts.setdefault(text.size, ImageFont.load_default(size=text.size))
            draw.text((text.x, oy + text.y), text.text, fill=0, font=font, anchor="ls")
    out = io.BytesIO()
    image.save(out, format="PNG", dpi=(DPI, DPI))
    return out.getvalue()


def _svg(drawn: Sequence[tuple[list[Box], list[Text]]], paper: Paper) -> bytes:
    width, height = _dots(paper.label_mm[0]), _dots(paper.label_mm[1])
    total = height * len(drawn)
    parts = [
        '<?xml version="1.0" encoding="UTF-8"?>',
        f'<svg xmlns="http://www.w3.org/2000/svg" width="{paper.label_mm[0]:g}mm" '
        f'height="{paper.label_mm[1] * len(drawn):g}mm" viewBox="0 0 {width} {total}" shape-rendering="crispEdges">',
        f'<rect width="{width}" height="{total}" fill="#fff"/>',
    ]
    for index, (boxes, texts) in enumerate(drawn):
        oy = index * height
        parts.append(f'<g transform="translate(0 {oy})">')
        parts += [f'<rect x="{b.x}" y="{b.y}" width="{b.w}" height="{b.h}"/>' for b in boxes]
        parts += [
            f'<text x="{t.x}" y="{t.y}" font-family="Helvetica, Arial, sans-serif" font-size="{t.size}">'
            f"{escape(t.text)}</text>"
            for t in texts
        ]
        parts.append("</g>")
    parts.append("</svg>")
    return "\n".join(parts).encode()
