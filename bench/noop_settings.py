"""Settings for the HTTP benches: the site's own settings plus an authenticated no-op endpoint (noop_urls)."""

from muster.settings import *  # noqa: F403

ROOT_URLCONF = "noop_urls"
