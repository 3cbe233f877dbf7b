"""Every page a member, volunteer, clerk or coordinator reaches from the nav fits a 360-px phone, in Chinese and English.

"Fits" is what a person sees: no sideways scroll (the document is no wider than the screen), and
the nav shows each of the role's main pages on screen (not cut off past the right edge).
"""

from __future__ import annotations

import pytest
from django.urls import reverse

from tests.e2e.conftest import log_in

pytestmark = pytest.mark.usefixtures("patient")

WIDTH = 360

# The pages each role works from: the nav must show every one of them.
MAIN = {
    "member": ["needs:open", "needs:mine", "rosters:mine", "notifications:mine", "people:detail"],
    "volunteer": ["needs:open", "needs:mine", "rosters:mine", "notifications:mine", "people:detail"],
    "clerk": ["testing:desks", "testing:campaigns", "checkpoints:index", "rosters:posts"],
    "coordinator": ["needs:board", "needs:dispatch", "rosters:posts", "people:directory", "checkpoints:index",
                    "testing:campaigns", "accounts:audit"],
}


def _url(name: str, user) -> str:
    return reverse(name, args=[user.person_id]) if name == "people:detail" else reverse(name)


@pytest.fixture
def busy_world(world):
    """The world with something on each page: a need with a report, a post with a team and a roster week, a campaign."""
    from muster.needs import actions as needs
    from muster.needs.tests.helpers import post as post_need
    from muster.rosters import actions as rosters
    from muster.rosters.actions import MemberData
    from muster.testing.tests.factories import campaign

    need = post_need(world, headcount=3, title="南门值守（夜间）")
    needs.report_create(actor=world.member, need=need)
    post = rosters.post_create(actor=world.coordinator, site=world.gate, name="南门帐篷")
    rosters.team_add(actor=world.coordinator, post=post, person=world.alice, data=MemberData())
    campaign(world)
    world.need, world.post = need, post
    return world


def _overflow(pg) -> int:
    return pg.evaluate("document.documentElement.scrollWidth")


def _wide_elements(pg) -> list[str]:
    return pg.evaluate("""() => Array.from(document.querySelectorAll('main *'))
        .filter(e => e.getBoundingClientRect().right > document.documentElement.clientWidth + 0.5)
        .slice(0, 5).map(e => e.tagName + '.' + e.className + ': ' + (e.innerText || '').slice(0, 40))""")


@pytest.mark.parametrize("lang", ["zh-CN", "en"])
@pytest.mark.parametrize("username", ["member", "volunteer", "clerk", "coordinator"])
def test_every_nav_page_fits_a_phone_and_the_nav_shows_the_main_pages(browse, busy_world, shots, username, lang):
    user = getattr(busy_world, username)
    pg = browse(locale=lang, width=WIDTH, height=740, mobile=True)
    log_in(pg, username)
    links = pg.eval_on_selector_all("nav.main a", """els => els.map(e => {
        const r = e.getBoundingClientRect();
        return {href: e.getAttribute('href'), right: r.right, visible: r.width > 0 && r.height > 0};
    })""")
    by_href = {link["href"]: link for link in links}
    for name in MAIN[username]:
        href = _url(name, user)
        assert href in by_href, f"{username}'s nav lacks {name} ({href}): {list(by_href)}"
        assert by_href[href]["visible"] and by_href[href]["right"] <= WIDTH, f"{href} is off screen: {by_href[href]}"
    pages = ["/", *by_href]
    if username == "member":
        pages.append(f"/needs/{busy_world.need.pk}/")
    too_wide = {}
    for path in dict.fromkeys(pages):
        response = pg.goto(pg.base + path)
        assert response.status == 200, (path, response.status)
        pg.wait_for_load_state()
        if _overflow(pg) > WIDTH:
            too_wide[path] = (_overflow(pg), _wide_elements(pg))
            pg.screenshot(path=shots / f"phone-overflow-{username}-{lang}-{path.strip('/').replace('/', '-') or 'home'}.png",
                          full_page=True)
    assert not too_wide, too_wide
    pg.goto(pg.base + _url(MAIN[username][0], user))
    pg.screenshot(path=shots / f"phone-{username}-{lang}.png", full_page=True)


def test_the_member_reads_no_codes_on_their_pages(browse, busy_world):
    """The member's own pages in Chinese: the report's status in words, never its code."""
    pg = browse(width=WIDTH, height=740, mobile=True)
    log_in(pg, "member")
    pg.goto(pg.base + reverse("needs:open"))
    text = pg.locator("main").inner_text()
    assert "已报到" in text
    for code in ("reported", "accepted", "need.post", "OPTIMAL"):
        assert code not in text
