"""The figures at the top of the dashboard, each beside the previous period of equal length.

Only presentation: every value comes from app/metrics (definitions in docs/metrics.md).
"""

from __future__ import annotations

from dataclasses import dataclass

from app.metrics.deflection import SiteMetrics, resolution_rate

# How a change reads: for these a rise is good news, for the others bad.
HIGHER_IS_BETTER = {"sessions": None, "self_service_ratio": True, "resolution_rate": True,
                    "deflection_rate": True, "tickets": False, "time_to_answer": False}
RATES = {"resolution_rate", "deflection_rate"}


@dataclass(frozen=True)
class Tile:
    key: str  # also the name of the figure in docs/metrics.md
    value: float | None
    previous: float | None

    @property
    def is_rate(self) -> bool:
        return self.key in RATES

    @property
    def change(self) -> float | None:
        """Rates: the difference (points as a fraction); other figures: relative change."""
        if self.value is None or self.previous is None:
            return None
        if self.is_rate:
            return self.value - self.previous
        if not self.previous:
            return None
        return (self.value - self.previous) / self.previous

    @property
    def verdict(self) -> str | None:
        """better, worse or same; None when neither direction is good news."""
        change = self.change
        if change is None:
            return None
        if abs(change) < 0.005:
            return "same"
        good = HIGHER_IS_BETTER[self.key]
        if good is None:
            return None
        return "better" if (change > 0) == good else "worse"


def tiles(site: SiteMetrics, before: SiteMetrics, views: tuple[int, int],
          tickets_after_view: tuple[int, int]) -> list[Tile]:
    """``views`` and ``tickets_after_view``: the articles' sums (this period, previous)."""
    return [
        Tile("sessions", site.sessions, before.sessions),
        Tile("self_service_ratio", site.self_service_ratio, before.self_service_ratio),
        Tile("resolution_rate", resolution_rate(views[0], tickets_after_view[0]),
             resolution_rate(views[1], tickets_after_view[1])),
        Tile("tickets", site.tickets, before.tickets),
        Tile("time_to_answer", site.median_time_to_answer, before.median_time_to_answer),
        Tile("deflection_rate", site.deflection_rate, before.deflection_rate),
    ]
