"""Joining a team that approves its members, on a 360-px phone in Chinese: a volunteer finds the team and asks
to join; the team's manager (a volunteer too) sees the request in the inbox, approves one and refuses another with
a reason; each volunteer sees their state. No sideways scroll; screenshots in var/screenshots."""

from __future__ import annotations

import pytest

pytestmark = pytest.mark.usefixtures("patient")

PASS = "volunteer-pass-1"


def _fits(pg, width=360):
    assert pg.evaluate("document.documentElement.scrollWidth") <= width, pg.url


@pytest.fixture
def team(world):
    from muster.accounts.models import User
    from muster.volunteering import actions
    from muster.volunteering.models import Team
    from muster.volunteering.tests.helpers import volunteer

    def account(name, username):
        user = volunteer(world, name=name)
        User.objects.filter(pk=user.pk).update(username=username)
        return user

    manager = account("陈队长", "vol-manager")
    account("刘洋", "vol-asker")
    account("孙丽", "vol-other")
    t = actions.team_create(actor=world.coordinator, name="蒲安里第二社区志愿服务队", region=world.puanli,
                            join_mode=Team.JoinMode.APPROVAL, managers=[manager.person])
    return t


def _ask(browse, username, team, shots=None):
    from tests.e2e.conftest import log_in

    pg = browse(width=360, height=740, mobile=True)
    log_in(pg, username, PASS)
    pg.goto(pg.base + "/volunteering/me/")
    pg.click("a[href='/volunteering/teams/']")
    pg.fill("input[name=q]", "蒲安里")
    pg.click("form.vol-search button[type=submit]")
    pg.wait_for_selector(f"#team-{team.pk}")
    assert "申请审核" in pg.inner_text(f"#team-{team.pk}") and "申请加入" in pg.inner_text(f"#team-{team.pk} button")
    _fits(pg)
    if shots:
        pg.screenshot(path=str(shots / "volunteering-team-find-zh.png"), full_page=True)
    pg.click(f"#team-{team.pk} button[type=submit]")
    pg.wait_for_selector(".messages")
    assert "申请已提交给团体负责人" in pg.inner_text(".messages")
    assert "已申请加入" in pg.inner_text(".vol-membership")
    _fits(pg)
    return pg


def test_join_by_approval_on_a_phone_in_chinese(browse, world, team, shots):
    from muster.volunteering.models import Membership
    from tests.e2e.conftest import log_in

    asker = _ask(browse, "vol-asker", team, shots)
    asker.screenshot(path=str(shots / "volunteering-team-asked-zh.png"), full_page=True)
    # Asking again is refused: the button is gone, the state stays.
    assert asker.locator(f"#team-{team.pk} button").count() == 0
    other = _ask(browse, "vol-other", team)

    mgr = browse(width=360, height=740, mobile=True)
    log_in(mgr, "vol-manager", PASS)
    mgr.goto(mgr.base + "/notifications/inbox/")
    mgr.wait_for_selector("main")
    assert "2个加入蒲安里第二社区志愿服务队的申请" in mgr.inner_text("main")
    mgr.goto(mgr.base + f"/volunteering/manage/teams/{team.pk}/requests/")
    ask_row = Membership.objects.get(team=team, person__name="刘洋")
    other_row = Membership.objects.get(team=team, person__name="孙丽")
    assert "刘洋" in mgr.inner_text(f"#request-{ask_row.pk}")
    _fits(mgr)
    mgr.screenshot(path=str(shots / "volunteering-team-requests-zh.png"), full_page=True)
    mgr.click(f"#request-{ask_row.pk} button[name=approve][value='1']")
    mgr.wait_for_selector(".messages")
    assert "刘洋已成为成员" in mgr.inner_text(".messages")
    # A refusal needs a reason: without one nothing changes.
    mgr.click(f"#request-{other_row.pk} summary")
    mgr.click(f"#request-{other_row.pk} button[name=approve][value='0']")
    mgr.wait_for_selector(".messages")
    assert "请填写拒绝的原因" in mgr.inner_text(".messages")
    mgr.click(f"#request-{other_row.pk} summary")
    mgr.fill(f"#request-{other_row.pk} input[name=refuse-reason]", "本队只招本楼居民，请联系您所在楼的志愿队")
    mgr.click(f"#request-{other_row.pk} button[name=approve][value='0']")
    mgr.wait_for_selector(".messages")
    assert "已拒绝申请" in mgr.inner_text(".messages")
    assert "没有待处理的申请或邀请" in mgr.inner_text("main")
    _fits(mgr)
    mgr.screenshot(path=str(shots / "volunteering-team-decided-zh.png"), full_page=True)

    asker.goto(asker.base + "/volunteering/teams/")
    assert "成员" in asker.inner_text(f"#membership-{ask_row.pk}")
    assert "退出团体" in asker.inner_text(f"#membership-{ask_row.pk}")
    _fits(asker)
    asker.screenshot(path=str(shots / "volunteering-team-member-zh.png"), full_page=True)
    other.goto(other.base + "/volunteering/teams/")
    assert "申请未通过" in other.inner_text(f"#membership-{other_row.pk}")
    assert "本队只招本楼居民" in other.inner_text(f"#membership-{other_row.pk}")
    _fits(other)
    other.screenshot(path=str(shots / "volunteering-team-refused-zh.png"), full_page=True)
    assert Membership.objects.get(pk=ask_row.pk).status == Membership.Status.ACTIVE
    assert Membership.objects.get(pk=other_row.pk).reason.startswith("本队只招本楼居民")


def test_the_teams_page_in_english_on_a_phone(browse, world, team, shots):
    from tests.e2e.conftest import log_in

    pg = browse(locale="en-US", width=360, height=740, mobile=True)
    log_in(pg, "vol-asker", PASS)
    pg.goto(pg.base + "/volunteering/teams/?q=%E8%92%B2")
    pg.wait_for_selector(f"#team-{team.pk}")
    assert "My teams" in pg.inner_text("main") and "Ask to join" in pg.inner_text(f"#team-{team.pk}")
    _fits(pg)
    pg.screenshot(path=str(shots / "volunteering-team-find-en.png"), full_page=True)
