"""Server-rendered SVG line charts: no script, no inline style (the CSP forbids both).

Each day is a focusable group with a <title> (shown on hover) and a readout line that
style.css reveals on hover and on keyboard focus, so every value can be read without a mouse.
"""

from __future__ import annotations

from collections.abc import Callable
from datetime import date

from markupsafe import Markup, escape

WIDTH, HEIGHT = 640, 210
LEFT, RIGHT, TOP, BOTTOM = 52, 16, 28, 46  # room for "100%" and the readout above
COLOURS = ("#1f5fa8", "#b3261e", "#2e7d32")


def _day_month(day: date) -> str:
    return f"{day:%-d %b}"


def _value(value: float | None, percent: bool) -> str:
    if value is None:
        return "—"
    return f"{value:.0%}" if percent else f"{value:,.4g}"


def line_chart(title: str, description: str, days: list[date],
               series: list[tuple[str, list[float | None]]], *, percent: bool = False,
               day_label: Callable[[date], str] = _day_month) -> Markup:
    """An accessible SVG line chart (<title>, <desc>, a focusable group per day); None values
    leave a gap. ``day_label`` writes the days (e.g. in the reader's locale)."""
    values = [v for _, points in series for v in points if v is not None]
    top = 1.0 if percent else max(values or [0]) or 1
    plot_width, plot_height = WIDTH - LEFT - RIGHT, HEIGHT - TOP - BOTTOM
    step = plot_width / max(len(days) - 1, 1)
    base = HEIGHT - BOTTOM
    ident = f"chart-{id(series)}"

    def x_at(index: int) -> float:
        return LEFT + index * step if len(days) > 1 else LEFT + plot_width / 2

    def y_at(value: float) -> float:
        return base - plot_height * value / top

    parts = [
        f'<svg class="chart" role="group" viewBox="0 0 {WIDTH} {HEIGHT}" width="100%" '
        f'aria-labelledby="{ident}-title {ident}-desc" xmlns="http://www.w3.org/2000/svg">',
        f'<title id="{ident}-title">{escape(title)}</title>',
        f'<desc id="{ident}-desc">{escape(description)}</desc>',
        f'<line class="grid" x1="{LEFT}" y1="{TOP + plot_height / 2:.1f}" x2="{WIDTH - RIGHT}" '
        f'y2="{TOP + plot_height / 2:.1f}" stroke="#d0d7de" stroke-width="1"/>',
        f'<line x1="{LEFT}" y1="{base}" x2="{WIDTH - RIGHT}" y2="{base}" stroke="#888" '
        'stroke-width="1"/>',
        f'<line x1="{LEFT}" y1="{TOP}" x2="{LEFT}" y2="{base}" stroke="#888" stroke-width="1"/>',
    ]
    for value, y in ((top, TOP), (top / 2, TOP + plot_height / 2), (0, base)):
        parts.append(f'<text x="{LEFT - 6}" y="{y + 4:.1f}" text-anchor="end" font-size="11">'
                     f'{_value(value, percent) if value else "0"}</text>')
    if days:
        parts.append(f'<text x="{LEFT}" y="{base + 16}" font-size="11">'
                     f'{escape(day_label(days[0]))}</text>')
        parts.append(f'<text x="{WIDTH - RIGHT}" y="{base + 16}" text-anchor="end" '
                     f'font-size="11">{escape(day_label(days[-1]))}</text>')
    legend_x = LEFT
    for number, (name, points) in enumerate(series):
        colour = COLOURS[number % len(COLOURS)]
        runs: list[list[str]] = [[]]
        for index, value in enumerate(points):
            if value is None:
                runs.append([])
            else:
                runs[-1].append(f"{x_at(index):.1f},{y_at(value):.1f}")
        for run in runs:
            if len(run) > 1:
                parts.append(f'<polyline fill="none" stroke="{colour}" stroke-width="2" '
                             f'points="{" ".join(run)}"/>')
            elif run:
                x, y = run[0].split(",")
                parts.append(f'<circle cx="{x}" cy="{y}" r="2" fill="{colour}"/>')
        parts.append(f'<line x1="{legend_x}" y1="{HEIGHT - 10}" x2="{legend_x + 16}" '
                     f'y2="{HEIGHT - 10}" stroke="{colour}" stroke-width="3"/>'
                     f'<text x="{legend_x + 20}" y="{HEIGHT - 6}" font-size="11">'
                     f'{escape(name)}</text>')
        legend_x += 36 + 7 * len(name)
    parts.extend(_day_groups(days, series, percent, day_label, x_at, y_at, step))
    parts.append("</svg>")
    return Markup("".join(parts))


def _day_groups(days, series, percent, day_label, x_at, y_at, step) -> list[str]:
    """A focusable, hoverable strip per day with its values (hidden until hover or focus)."""
    groups = []
    width = max(step, 4)
    for index, day in enumerate(days):
        readings = [f"{name} {_value(points[index], percent)}" for name, points in series]
        label = escape(f"{day_label(day)}: {', '.join(readings)}")
        x = x_at(index)
        left = max(LEFT, x - width / 2)
        right = min(WIDTH - RIGHT, x + width / 2)
        markers = "".join(
            f'<circle class="marker" cx="{x:.1f}" cy="{y_at(points[index]):.1f}" r="4" '
            f'fill="{COLOURS[number % len(COLOURS)]}"/>'
            for number, (_, points) in enumerate(series) if points[index] is not None)
        groups.append(
            f'<g class="day" tabindex="0" role="img" aria-label="{label}"><title>{label}</title>'
            f'<rect class="hit" x="{left:.1f}" y="{TOP}" width="{right - left:.1f}" '
            f'height="{HEIGHT - TOP - BOTTOM}" fill="transparent"/>{markers}'
            f'<rect class="readout" x="0" y="0" width="{WIDTH}" height="{TOP - 6}" '
            f'fill="#fff"/><text class="readout" x="{LEFT}" y="{TOP - 12}" font-size="12" '
            f'font-weight="600">{label}</text></g>')
    return groups
