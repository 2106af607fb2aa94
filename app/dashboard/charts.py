"""Server-rendered SVG line charts: no script, no inline style (the CSP forbids both)."""

from __future__ import annotations

from collections.abc import Callable
from datetime import date

from markupsafe import Markup, escape

WIDTH, HEIGHT, PAD = 640, 180, 32
COLOURS = ("#1f5fa8", "#b3261e", "#2e7d32")


def _day_month(day: date) -> str:
    return f"{day:%-d %b}"


def line_chart(title: str, description: str, days: list[date],
               series: list[tuple[str, list[float | None]]], *, percent: bool = False,
               day_label: Callable[[date], str] = _day_month) -> Markup:
    """An accessible SVG line chart (<title>, <desc>); None values leave a gap.

    ``day_label`` writes the first and last day under the axis (e.g. in the reader's locale).
    """
    values = [v for _, points in series for v in points if v is not None]
    top = 1.0 if percent else max(values or [0]) or 1
    step = (WIDTH - 2 * PAD) / max(len(days) - 1, 1)

    def xy(index: int, value: float) -> str:
        y = HEIGHT - PAD - (HEIGHT - 2 * PAD) * value / top
        return f"{PAD + index * step:.1f},{y:.1f}"

    label = f"{top:.0%}" if percent else f"{top:g}"
    parts = [
        f'<svg class="chart" role="img" viewBox="0 0 {WIDTH} {HEIGHT}" width="100%" '
        f'aria-labelledby="chart-title-{id(series)} chart-desc-{id(series)}" '
        'xmlns="http://www.w3.org/2000/svg">',
        f'<title id="chart-title-{id(series)}">{escape(title)}</title>',
        f'<desc id="chart-desc-{id(series)}">{escape(description)}</desc>',
        f'<line x1="{PAD}" y1="{HEIGHT - PAD}" x2="{WIDTH - PAD}" y2="{HEIGHT - PAD}" '
        'stroke="#888" stroke-width="1"/>',
        f'<line x1="{PAD}" y1="{PAD}" x2="{PAD}" y2="{HEIGHT - PAD}" stroke="#888" '
        'stroke-width="1"/>',
        f'<text x="{PAD - 4}" y="{PAD + 4}" text-anchor="end" font-size="11">{label}</text>',
        f'<text x="{PAD - 4}" y="{HEIGHT - PAD}" text-anchor="end" font-size="11">0</text>',
    ]
    if days:
        parts.append(f'<text x="{PAD}" y="{HEIGHT - 10}" font-size="11">'
                     f'{escape(day_label(days[0]))}</text>')
        parts.append(f'<text x="{WIDTH - PAD}" y="{HEIGHT - 10}" text-anchor="end" '
                     f'font-size="11">{escape(day_label(days[-1]))}</text>')
    for number, (name, points) in enumerate(series):
        colour = COLOURS[number % len(COLOURS)]
        runs: list[list[str]] = [[]]
        for index, value in enumerate(points):
            if value is None:
                runs.append([])
            else:
                runs[-1].append(xy(index, value))
        for run in runs:
            if len(run) > 1:
                parts.append(f'<polyline fill="none" stroke="{colour}" stroke-width="2" '
                             f'points="{" ".join(run)}"/>')
            elif run:
                x, y = run[0].split(",")
                parts.append(f'<circle cx="{x}" cy="{y}" r="2" fill="{colour}"/>')
        parts.append(f'<text x="{WIDTH - PAD}" y="{PAD - 12 + 12 * number}" text-anchor="end" '
                     f'font-size="11" fill="{colour}">{escape(name)}</text>')
    parts.append("</svg>")
    return Markup("".join(parts))
