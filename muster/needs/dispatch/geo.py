"""Great-circle distances, shared by the engine, the validator and suggestions.

One function computes every distance the engine reports or compares with
``max_km``, so that the validator, the solver and ``suggest`` can never
disagree about whether a person is in range or how many metres they are away.
"""

from __future__ import annotations

import math

import numpy as np

# IUGG mean Earth radius R1 = (2a + b) / 3 for WGS-84, in metres. A sphere is
# off the ellipsoid by up to ~0.5 %, far below what matters for walking to a
# community gate, and it keeps distances symmetric and cheap.
EARTH_RADIUS_M = 6_371_008.8


def haversine_m(lat1, lon1, lat2, lon2) -> np.ndarray:
    """Great-circle distance in metres (float) between points given in degrees.

    Arguments broadcast like numpy arrays. Uses the haversine formula, which is
    well conditioned for the short distances dispatch cares about.
    """
    phi1 = np.radians(np.asarray(lat1, dtype=np.float64))
    phi2 = np.radians(np.asarray(lat2, dtype=np.float64))
    dphi = phi2 - phi1
    dlmb = np.radians(np.asarray(lon2, dtype=np.float64) - np.asarray(lon1, dtype=np.float64))
    h = np.sin(dphi * 0.5) ** 2 + np.cos(phi1) * np.cos(phi2) * np.sin(dlmb * 0.5) ** 2
    # Rounding can push h a hair above 1 for antipodal points.
    return 2.0 * EARTH_RADIUS_M * np.arcsin(np.sqrt(np.minimum(h, 1.0)))


def round_m(d) -> np.ndarray:
    """Metres rounded half up to whole metres (int64), as reported in proposals."""
    return np.floor(np.asarray(d, dtype=np.float64) + 0.5).astype(np.int64)


def unit_vectors(lat, lon) -> np.ndarray:
    """Points on the unit sphere, shape (n, 3), for the spatial grid."""
    phi = np.radians(np.asarray(lat, dtype=np.float64))
    lmb = np.radians(np.asarray(lon, dtype=np.float64))
    cphi = np.cos(phi)
    return np.stack([cphi * np.cos(lmb), cphi * np.sin(lmb), np.sin(phi)], axis=-1)


def chord_for(radius_m: float) -> float:
    """Straight-line distance on the unit sphere for a great-circle distance.

    Slightly inflated so that floating-point noise in the grid can only let in
    extra candidates (filtered out later by ``haversine_m``), never drop one.
    """
    angle = min(max(radius_m, 0.0) / EARTH_RADIUS_M, math.pi)
    return 2.0 * math.sin(angle / 2.0) * (1.0 + 1e-9) + 1e-12
