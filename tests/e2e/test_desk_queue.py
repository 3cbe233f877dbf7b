"""The desk's ordered queue in a real browser: nothing queued is lost, nothing is recorded twice.

One flow per way the desk used to lose swabs (issue 9 §1): a session that ended while the desk
was offline, a CSRF token rotated by signing in again elsewhere, a close that overtook the scans
before it, a walk-in taking the last place of a tube; and a page reload and server faults (5xx)
while items wait.
"""

import re

from playwright.sync_api import expect


def scan(page, text):
    page.fill("#scan", text)
    page.press("#scan", "Enter")


def fill_tube(page, ps, tube="T000000001"):
    """Scan a tube, then each person in `ps`."""
    from muster.testing.tests.factories import resident_id_of

    scan(page, tube)
    for p in ps:
        scan(page, resident_id_of(p))


def queued(page, n, timeout=20_000):
    expect(page.locator("#queued")).to_have_text(str(n), timeout=timeout)


def alert(page, reason, timeout=20_000):
    expect(page.locator("#alert")).to_have_attribute("data-reason", reason, timeout=timeout)
    return page.inner_text("#alert-text")


def _tube(barcode="T000000001"):
    from muster.testing.models import Tube

    t = Tube.objects.filter(barcode=barcode).first()
    return (t.count, t.status) if t else None


def _samples(c):
    from muster.testing.models import Sample

    return Sample.objects.filter(campaign=c).count()


def test_session_ended_while_offline_keeps_the_queue_and_sends_it_after_signing_in(phone, desk, shots):
    """A tube and 5 people queued offline; the session ends on the server meanwhile."""
    from django.contrib.sessions.models import Session

    c, point, ps = desk(phone, 5)
    phone.context.set_offline(True)
    fill_tube(phone, ps)
    queued(phone, 6)
    Session.objects.all().delete()  # expired, or signed out elsewhere
    phone.context.set_offline(False)
    text = alert(phone, "signedOut")
    assert "6" in text and "重新登录" in text
    assert phone.is_visible("#signin")
    assert phone.inner_text("#queued") == "6" and _samples(c) == 0 and _tube() is None
    phone.screenshot(path=str(shots / "testing_desk_signed_out_phone.png"), full_page=True)
    # Sign in again from the desk's own link: it comes back to the desk, which sends the queue.
    phone.click("#signin")
    phone.wait_for_selector("#id_username")
    phone.fill("#id_username", "clerk")
    from muster.testworld import PASSWORD

    phone.fill("#id_password", PASSWORD)
    phone.click("main button[type=submit]")
    phone.wait_for_url(re.compile(rf".*/testing/desk/{point.pk}/$"))
    queued(phone, 0)
    assert _samples(c) == 5 and _tube() == (5, "closed")
    assert phone.is_hidden("#alert")
    phone.screenshot(path=str(shots / "testing_desk_signed_in_again_phone.png"), full_page=True)


def test_csrf_token_rotated_while_offline_loses_nothing(page, desk):
    """Signing in again elsewhere rotates the CSRF token; the queued items go out with the new one."""
    from muster.testworld import PASSWORD

    c, _point, ps = desk(page, 3)
    page.context.set_offline(True)
    fill_tube(page, ps)
    queued(page, 4)
    before = {k["name"]: k["value"] for k in page.context.cookies()}["csrftoken"]
    # Another tab signs in again (the context's own HTTP client shares its cookies; the desk stays offline).
    login = page.context.request.get(page.base + "/login/")
    token = re.search(r'name="csrfmiddlewaretoken" value="([^"]+)"', login.text()).group(1)
    r = page.context.request.post(page.base + "/login/", form={"username": "clerk", "password": PASSWORD,
                                                               "csrfmiddlewaretoken": token},
                                  headers={"Referer": page.base + "/login/"})
    assert r.ok
    after = {k["name"]: k["value"] for k in page.context.cookies()}["csrftoken"]
    assert after != before
    page.context.set_offline(False)
    queued(page, 0)
    assert _samples(c) == 3 and _tube() == (3, "open")
    assert page.locator("#log li.bad").count() == 0
    # The token the page was served with is refused now (a JSON 403 "csrf"): the desk sent with the cookie's.
    stale = page.evaluate("""() => fetch(document.getElementById('desk').dataset.scan, {method: 'POST',
        headers: {'Content-Type': 'application/json', 'X-CSRFToken': document.getElementById('desk').dataset.csrf},
        body: '{}'}).then(r => r.json().then(j => [r.status, j.type]))""")
    assert stale == [403, "csrf"]


def test_close_tube_waits_behind_the_queued_scans(page, desk):
    c, _point, ps = desk(page, 3)
    page.context.set_offline(True)
    fill_tube(page, ps)
    page.click("#close-tube")
    queued(page, 5)  # open, 3 scans, close: in that order
    assert page.inner_text("#tube") == "—"
    page.context.set_offline(False)
    queued(page, 0)
    assert _samples(c) == 3 and _tube() == (3, "closed")
    assert page.locator("#log li.bad").count() == 0
    assert "T000000001" in page.inner_text("#flash")


def test_walkin_taking_the_last_place_fills_and_closes_the_tube(page, desk):
    from muster.testing.tests.factories import resident_id

    c, _point, ps = desk(page, 4)
    fill_tube(page, ps)
    queued(page, 0)
    stranger = resident_id(950)
    scan(page, stranger)  # the fifth and last place: the desk counts the tube as full
    page.wait_for_selector("#walkin:not([hidden])")
    # Refused as unknown: the place was not taken, so the tube is back, open at 4/5.
    expect(page.locator("#tube")).to_have_text("T000000001")
    assert page.inner_text("#count") == "4"
    page.fill("#walkin-name", "路人甲")
    page.click("#walkin button[type=submit]")
    queued(page, 0)
    expect(page.locator("#done")).to_have_text("5")
    assert _samples(c) == 5 and _tube() == (5, "closed")
    assert page.inner_text("#tube") == "—"
    assert "已满" in page.inner_text("#flash")


def test_queue_survives_a_page_reload(page, desk):
    c, _point, ps = desk(page, 3)

    def unreachable(route):
        route.abort("internetdisconnected")

    # Only the desk's calls fail (the page itself must load again to show the reload).
    page.route("**/api/v1/testing/**", unreachable)
    fill_tube(page, ps)
    queued(page, 4)
    page.reload()
    page.wait_for_selector("#scan")
    queued(page, 4)
    assert page.inner_text("#tube") == "T000000001" and page.inner_text("#count") == "3"
    page.unroute("**/api/v1/testing/**", unreachable)
    queued(page, 0)
    assert _samples(c) == 3 and _tube() == (3, "open")


def test_server_faults_keep_the_items_and_resend_them(page, desk, monkeypatch):
    """A proxy's 502 page, then the database away (503 problem), then the server is back."""
    from django.db import OperationalError

    from muster.core import api as core_api
    from muster.core import http
    from muster.testing import actions
    from muster.testing.tests.factories import resident_id_of

    c, _point, ps = desk(page, 3)
    monkeypatch.setattr(core_api, "RETRY_AFTER_SECONDS", 1)
    monkeypatch.setattr(http, "RETRY_AFTER_SECONDS", 1)
    faults = {"db": 2}

    def flaky(real):
        # Both ways a scan reaches the database (the one-statement path on PostgreSQL, the full path) fail.
        def call(**kwargs):
            if faults["db"]:
                faults["db"] -= 1
                raise OperationalError("the database system is shutting down")
            return real(**kwargs)
        return call

    scan(page, "T000000001")
    queued(page, 0)
    proxy = {"left": 2}

    def bad_gateway(route):
        if proxy["left"]:
            proxy["left"] -= 1
            route.fulfill(status=502, content_type="text/html", body="<html><body>502 Bad Gateway</body></html>")
        else:
            route.continue_()

    page.route("**/api/v1/testing/points/*/scan", bad_gateway)
    monkeypatch.setattr(actions, "desk_scan", flaky(actions.desk_scan))
    monkeypatch.setattr(actions, "desk_scan_direct", flaky(actions.desk_scan_direct))
    for p in ps:
        scan(page, resident_id_of(p))
    text = alert(page, "server")
    assert "3" in text
    assert _samples(c) == 0
    queued(page, 0, timeout=40_000)
    assert proxy["left"] == 0 and faults["db"] == 0
    assert _samples(c) == 3 and _tube() == (3, "open")
    assert page.is_hidden("#alert")
    assert page.locator("#log li.bad").count() == 0

