import math

import numpy as np

from muster.needs.dispatch.geo import EARTH_RADIUS_M, chord_for, haversine_m, round_m, unit_vectors


def test_mean_earth_radius_is_used():
    assert EARTH_RADIUS_M == 6_371_008.8
    # A quarter meridian on the mean sphere.
    assert abs(float(haversine_m(0, 0, 90, 0)) - math.pi / 2 * EARTH_RADIUS_M) < 1e-6


def test_one_degree_of_longitude_at_the_equator():
    assert abs(float(haversine_m(0, 0, 0, 1)) - 2 * math.pi * EARTH_RADIUS_M / 360) < 1e-6


def test_issue_example_distance():
    assert int(round_m(haversine_m(39.87, 116.41, 39.86, 116.42))) == 1402


def test_rounding_is_half_up():
    assert round_m([0.5, 1.5, 2.4999, 2.5]).tolist() == [1, 2, 2, 3]


def test_antipodes_do_not_produce_nan():
    d = float(haversine_m(10, 20, -10, -160))
    assert abs(d - math.pi * EARTH_RADIUS_M) < 1  # asin is ill-conditioned at h = 1
    assert float(haversine_m(90, 0, -90, 0)) == 2 * EARTH_RADIUS_M * math.asin(1.0)


def test_chord_bounds_the_great_circle():
    rng = np.random.default_rng(1)
    lat = rng.uniform(-90, 90, (2, 500))
    lon = rng.uniform(-180, 180, (2, 500))
    d = haversine_m(lat[0], lon[0], lat[1], lon[1])
    chord = np.linalg.norm(unit_vectors(lat[0], lon[0]) - unit_vectors(lat[1], lon[1]), axis=1)
    assert np.all(chord <= np.array([chord_for(x) for x in d]))
