"""Colour-blind safe palettes, one per kind of thing, so that a colour means one thing a page.

Variants take Okabe and Ito's eight colours (less black, kept for limits); suppliers and parts
take Paul Tol's "muted" and "bright" sets; utilisation is the sequential Viridis scale. Limits
(capacity) are black, demand dark grey, each with its own dash.
"""

from __future__ import annotations

VARIANTS = ("#0072B2", "#E69F00", "#009E73", "#CC79A7", "#56B4E9", "#D55E00", "#F0E442")
"""Okabe & Ito (2008), "Color Universal Design"."""
SUPPLIERS = (
    "#332288",
    "#88CCEE",
    "#44AA99",
    "#117733",
    "#999933",
    "#DDCC77",
    "#CC6677",
    "#882255",
    "#AA4499",
)
"""Paul Tol's muted scheme."""
PARTS = ("#4477AA", "#EE6677", "#228833", "#CCBB44", "#66CCEE", "#AA3377", "#BBBBBB")
"""Paul Tol's bright scheme."""
UTILISATION = "Viridis"

LIMIT = "#000000"
DEMAND = "#52606d"
BASE = "#9aa5b1"
"""The base plan under the risk report's percentiles: light, so that P50 shows on top."""
MEDIAN = "#0072B2"
BAND = "rgba(86, 180, 233, 0.35)"
"""P10 to P90: Okabe & Ito's sky blue, translucent."""
LOST = "#D55E00"
LATE = "#CC79A7"


def pick(palette: tuple[str, ...], n: int) -> str:
    return palette[n % len(palette)]
