"""Charts as inline SVG drawn on the server: no script, nothing from another origin.

Only presentation attributes are used (no style attributes), which the strict CSP allows.
"""

from collections.abc import Sequence
from dataclasses import dataclass

from django.utils.html import format_html
from django.utils.safestring import SafeString, mark_safe

BAR = "#0b5cad"
PREVIOUS = "#9db8d9"
INK = "#1d2330"
MUTED = "#5b6475"


@dataclass(frozen=True)
class Bar:
    label: str
    value: float | None  # None: suppressed or not available, drawn as no bar
    text: str  # what is written beside it ("12", "<5", "x")


def bar_chart(bars: Sequence[Bar], title: str) -> SafeString:
    """Horizontal bars, one row per label, scaled to the largest value."""
    row, label_width, width = 26, 220, 640
    height = row * len(bars) + 8
    top = max((b.value or 0 for b in bars), default=0) or 1
    span = width - label_width - 60
    parts = [
        format_html(
            '<svg xmlns="http://www.w3.org/2000/svg" viewBox="0 0 {} {}" width="100%" '
            'role="img" aria-label="{}" font-size="13" font-family="sans-serif">'
            "<title>{}</title>",
            width,
            height,
            title,
            title,
        )
    ]
    for i, bar in enumerate(bars):
        y = i * row + 4
        length = round(span * (bar.value or 0) / top, 1)
        parts.append(
            format_html(
                '<text x="{}" y="{}" text-anchor="end" fill="{}">{}</text>'
                '<rect x="{}" y="{}" width="{}" height="{}" fill="{}"/>'
                '<text x="{}" y="{}" fill="{}">{}</text>',
                label_width - 8,
                y + 16,
                INK,
                _clip(bar.label),
                label_width,
                y + 4,
                length,
                row - 8,
                BAR,
                label_width + length + 6,
                y + 16,
                MUTED if bar.value is None else INK,
                bar.text,
            )
        )
    parts.append(mark_safe("</svg>"))
    return mark_safe("".join(parts))  # noqa: S308 -- every part above is escaped


def column_chart(labels: Sequence[str], values: Sequence[int | str], title: str) -> SafeString:
    """Vertical columns (months of a year), with each value written above its column. A value
    given as text (a suppressed count, "<5") gets no column, only its text."""
    width, height, bottom = 640, 220, 40
    slot = width / max(len(values), 1)
    top = max((v for v in values if isinstance(v, int)), default=0) or 1
    usable = height - bottom - 24
    parts = [
        format_html(
            '<svg xmlns="http://www.w3.org/2000/svg" viewBox="0 0 {} {}" width="100%" '
            'role="img" aria-label="{}" font-size="12" font-family="sans-serif">'
            "<title>{}</title>",
            width,
            height,
            title,
            title,
        )
    ]
    for i, (label, value) in enumerate(zip(labels, values, strict=True)):
        x = round(i * slot + slot * 0.15, 1)
        h = round(usable * value / top, 1) if isinstance(value, int) else 0
        y = height - bottom - h
        parts.append(
            format_html(
                '<rect x="{}" y="{}" width="{}" height="{}" fill="{}"/>'
                '<text x="{}" y="{}" text-anchor="middle" fill="{}">{}</text>'
                '<text x="{}" y="{}" text-anchor="middle" fill="{}">{}</text>',
                x,
                y,
                round(slot * 0.7, 1),
                h,
                BAR,
                round(x + slot * 0.35, 1),
                y - 4,
                INK,
                value,
                round(x + slot * 0.35, 1),
                height - bottom + 16,
                MUTED,
                _clip(label, 8),
            )
        )
    parts.append(mark_safe("</svg>"))
    return mark_safe("".join(parts))  # noqa: S308 -- every part above is escaped


def _clip(text: str, limit: int = 30) -> str:
    text = str(text)
    return text if len(text) <= limit else text[: limit - 1] + "…"  # format_html escapes it
