"""Draw Kindred's icon and write ``assets/icon/kindred.png`` (256×256) and ``kindred.ico``.

The picture says what the app does: two overlapping circles (two people's tastes) on a
deep-blue rounded square, and a gold star where they overlap (what they share is what gets
recommended). Drawn with Qt's QPainter offscreen, so it needs PySide6 but no display.
The ``.ico`` holds PNG-compressed images at the usual Windows sizes, written by hand
because Qt's ICO writer stores a single size.

Usage: ``python scripts/make_icon.py [OUTPUT_DIR]`` (default ``assets/icon``).
"""

from __future__ import annotations

import math
import os
import struct
import sys
from pathlib import Path

os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")

from PySide6.QtCore import QBuffer
from PySide6.QtCore import QByteArray
from PySide6.QtCore import QIODevice
from PySide6.QtCore import QPointF
from PySide6.QtCore import QRectF
from PySide6.QtCore import Qt
from PySide6.QtGui import QColor
from PySide6.QtGui import QGuiApplication
from PySide6.QtGui import QImage
from PySide6.QtGui import QLinearGradient
from PySide6.QtGui import QPainter
from PySide6.QtGui import QPainterPath
from PySide6.QtGui import QPen
from PySide6.QtGui import QPolygonF

MASTER_SIZE = 256
ICO_SIZES = (16, 24, 32, 48, 64, 128, 256)


def star_polygon(centre: QPointF, outer_radius: float, inner_radius: float) -> QPolygonF:
    """A five-pointed star, point up: vertices alternate between the two radii every 36°."""
    points = []
    for index in range(10):
        radius = outer_radius if index % 2 == 0 else inner_radius
        angle = math.radians(-90 + 36 * index)
        points.append(
            QPointF(centre.x() + radius * math.cos(angle), centre.y() + radius * math.sin(angle))
        )
    return QPolygonF(points)


def draw_icon(size: int = MASTER_SIZE) -> QImage:
    """Paint the icon at ``size`` pixels on a transparent background."""
    image = QImage(size, size, QImage.Format.Format_ARGB32_Premultiplied)
    image.fill(Qt.GlobalColor.transparent)
    unit = size / 256.0
    painter = QPainter(image)
    painter.setRenderHint(QPainter.RenderHint.Antialiasing)

    background = QLinearGradient(0, 0, size, size)
    background.setColorAt(0.0, QColor("#3b2f8f"))
    background.setColorAt(1.0, QColor("#0f6e8c"))
    tile = QPainterPath()
    margin = 8 * unit
    inner = size - 2 * margin
    tile.addRoundedRect(QRectF(margin, margin, inner, inner), 48 * unit, 48 * unit)
    painter.fillPath(tile, background)

    radius = 62 * unit
    left_centre = QPointF(98 * unit, 128 * unit)
    right_centre = QPointF(158 * unit, 128 * unit)
    painter.setPen(QPen(QColor(255, 255, 255, 235), 10 * unit))
    painter.setBrush(QColor(255, 255, 255, 40))
    painter.drawEllipse(left_centre, radius, radius)
    painter.setPen(QPen(QColor("#ffd166"), 10 * unit))
    painter.setBrush(QColor(255, 209, 102, 40))
    painter.drawEllipse(right_centre, radius, radius)

    painter.setPen(QPen(QColor("#b8860b"), 3 * unit))
    painter.setBrush(QColor("#ffd166"))
    painter.drawPolygon(star_polygon(QPointF(128 * unit, 128 * unit), 30 * unit, 12.5 * unit))
    painter.end()
    return image


def png_bytes(image: QImage) -> bytes:
    """The image encoded as PNG."""
    data = QByteArray()
    buffer = QBuffer(data)
    buffer.open(QIODevice.OpenModeFlag.WriteOnly)
    image.save(buffer, "PNG")
    buffer.close()
    return bytes(data.data())


def ico_bytes(images: list[QImage]) -> bytes:
    """An ICO file holding each image as a PNG entry (supported since Windows Vista).

    Layout: a 6-byte header (reserved 0, type 1, count), one 16-byte directory entry per image
    (width and height with 0 meaning 256, colour count, reserved, planes, bits per pixel, data
    size, data offset), then the PNG payloads in order.
    """
    payloads = [png_bytes(image) for image in images]
    header = struct.pack("<HHH", 0, 1, len(images))
    offset = len(header) + 16 * len(images)
    directory = b""
    for image, payload in zip(images, payloads, strict=True):
        side = image.width() if image.width() < 256 else 0
        directory += struct.pack("<BBBBHHII", side, side, 0, 0, 1, 32, len(payload), offset)
        offset += len(payload)
    return header + directory + b"".join(payloads)


def main(argv: list[str]) -> int:
    """Write the PNG and the ICO into the output folder."""
    default_dir = Path(__file__).resolve().parent.parent / "assets" / "icon"
    output_dir = Path(argv[1]) if len(argv) > 1 else default_dir
    output_dir.mkdir(parents=True, exist_ok=True)
    application = QGuiApplication.instance() or QGuiApplication([])
    master = draw_icon(MASTER_SIZE)
    (output_dir / "kindred.png").write_bytes(png_bytes(master))
    sized = [draw_icon(size) for size in ICO_SIZES]
    (output_dir / "kindred.ico").write_bytes(ico_bytes(sized))
    del application
    print(f"wrote {output_dir / 'kindred.png'} and {output_dir / 'kindred.ico'}")
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv))
