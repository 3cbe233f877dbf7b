"""Browser flows in real headless Chromium (Debian's package), driven by Playwright."""

import os
import shutil

import pytest

# Playwright's sync API runs an event loop in the test thread; the ORM calls made by
# fixtures in the same thread are still synchronous and safe.
os.environ.setdefault("DJANGO_ALLOW_ASYNC_UNSAFE", "true")

CHROMIUM = os.environ.get("CHROMIUM", shutil.which("chromium") or "/usr/bin/chromium")


def pytest_collection_modifyitems(items):
    # The hook sees every collected item, not only this folder's: mark the browser flows alone,
    # or `-m "not e2e"` (make test-fast) deselects the whole suite.
    here = os.path.dirname(os.path.abspath(__file__))
    for item in items:
        if str(item.path).startswith(here + os.sep):
            item.add_marker(pytest.mark.e2e)


@pytest.fixture(scope="session")
def browser():
    from playwright.sync_api import sync_playwright

    if not os.path.exists(CHROMIUM):
        pytest.fail(f"Chromium not found at {CHROMIUM}: run `make browser` (apt-get install chromium)")
    with sync_playwright() as p:
        b = p.chromium.launch(
            executable_path=CHROMIUM,
            headless=True,
            args=["--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run", "--disable-background-networking",
                  "--disable-component-update", "--disable-sync"],
        )
        yield b
        b.close()


class Browse:
    """Pages on the live server, each in a browser context of its own, made on demand; all closed at the end."""

    def __init__(self, browser, base):
        self.browser, self.base = browser, base
        self.timeout = 15_000
        self.pages = []

    def __call__(self, locale="zh-CN", width=1280, height=900, mobile=False):
        context = self.browser.new_context(locale=locale, viewport={"width": width, "height": height},
                                           is_mobile=mobile, has_touch=mobile)
        pg = context.new_page()
        pg.set_default_timeout(self.timeout)
        pg.base = self.base
        self.pages.append(pg)
        return pg

    def wait_longer(self, timeout):
        """Every page, made already or later, waits `timeout` ms before an action fails."""
        self.timeout = timeout
        for pg in self.pages:
            pg.set_default_timeout(timeout)

    def close(self):
        for pg in self.pages:
            pg.context.close()


@pytest.fixture
def browse(browser, live_server):
    """browse(locale, width, height, mobile=False): a new page, for a test that needs several or other locales."""
    pages = Browse(browser, live_server.url)
    yield pages
    pages.close()


@pytest.fixture
def page(browse):
    """A desktop page in Chinese."""
    return browse()


@pytest.fixture
def phone(browse):
    """A phone's page in Chinese (360 × 740, touch)."""
    return browse(width=360, height=740, mobile=True)


@pytest.fixture
def patient(browse):
    """Six engineers share two cores: every page of the test gets 40 s instead of the default 15 s.

    A module asks for it with `pytestmark = pytest.mark.usefixtures("patient")`."""
    browse.wait_longer(40_000)


@pytest.fixture
def world(transactional_db):
    from muster.testworld import build_world

    return build_world()


def log_in(page, username, password=None):
    from muster.testworld import PASSWORD

    page.goto(page.base + "/login/")
    page.fill("#id_username", username)
    page.fill("#id_password", password or PASSWORD)
    page.click("main button[type=submit]")
    page.wait_for_url(page.base + "/")


@pytest.fixture
def desk(world):
    """desk(pg, n, pool_size=5): a campaign with a collection point and n people of the world to sample;
    the clerk signed in on `pg` at the point's desk. Returns (campaign, point, people)."""
    from muster.testing.tests.factories import campaign, people

    def at_desk(pg, n, pool_size=5):
        c, point = campaign(world, pool_size=pool_size)
        ps = people(world, n)
        log_in(pg, "clerk")
        pg.goto(pg.base + f"/testing/desk/{point.pk}/")
        pg.wait_for_selector("#scan")
        return c, point, ps

    return at_desk


@pytest.fixture
def shots():
    """Where screenshots go (var/screenshots), for a person to look at."""
    from pathlib import Path

    path = Path(__file__).resolve().parents[2] / "var" / "screenshots"
    path.mkdir(parents=True, exist_ok=True)
    return path
