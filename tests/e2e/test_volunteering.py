"""A volunteer on a phone: registers on the public page in Chinese, signs in with the phone number, browses the
project list and signs up; a full session offers the waiting list. One pass in English. No sideways scroll."""

from __future__ import annotations

import pytest

pytestmark = pytest.mark.usefixtures("patient")


def _fits(pg, width=360):
    assert pg.evaluate("document.documentElement.scrollWidth") <= width, pg.url


@pytest.fixture
def projects(world):
    from muster.volunteering.models import Session
    from muster.volunteering.tests.helpers import project

    knock, s = project(world, title="敲门行动：蒲安里入户登记", places=3,
                       description="两人一组逐户敲门，登记近14天接触史。", risks="入户接触居民，须全程佩戴口罩。")
    kits, full = project(world, title="核酸检测包分装", category="kits", places=1, in_days=3)
    Session.objects.filter(pk=full.pk).update(taken=1)  # its one place is taken
    return knock, s, kits, full


def test_register_browse_and_sign_up_on_a_phone_in_chinese(phone, world, projects, shots):
    from muster.volunteering.tests.helpers import resident_id, years_ago

    knock, s, kits, full = projects
    phone.goto(phone.base + "/volunteer/")
    phone.wait_for_selector(f"#project-{knock.pk}")
    assert "志愿项目" in phone.content() and "余3个名额" in phone.inner_text(f"#project-{knock.pk}")
    _fits(phone)
    phone.screenshot(path=str(shots / "volunteering-list-zh.png"), full_page=True)

    phone.click("a[href='/volunteering/register/']")
    phone.fill("#id_name", "刘洋")
    phone.fill("#id_id_number", resident_id(years_ago(16), 41))
    phone.select_option("#id_district", world.fengtai.code)
    phone.fill("#id_community", "蒲安里第二社区")
    phone.fill("#id_phone", "13612345678")
    phone.check("input[name=categories][value=door_knocking]")
    phone.check("#id_consent")
    phone.fill("#id_password", "volunteer-pass-1")
    _fits(phone)
    phone.click("main button[type=submit]")
    # 16 years old and no guardian: refused on the guardian's field, nothing saved.
    phone.wait_for_selector(".errorlist")
    assert "监护人" in phone.inner_text("main")
    phone.screenshot(path=str(shots / "volunteering-register-minor-zh.png"), full_page=True)
    phone.fill("#id_id_number", resident_id(years_ago(25), 42))
    phone.fill("#id_password", "volunteer-pass-1")
    phone.check("#id_consent")
    phone.click("main button[type=submit]")
    phone.wait_for_selector("#id_username")
    assert "您已注册为志愿者" in phone.inner_text("main")
    phone.fill("#id_username", "13612345678")
    phone.fill("#id_password", "volunteer-pass-1")
    phone.click("main button[type=submit]")
    phone.wait_for_url("**/volunteering/me/")
    assert "刘洋" in phone.inner_text("main")
    _fits(phone)

    phone.goto(phone.base + "/volunteering/?q=敲门")
    phone.click(f"#project-{knock.pk} a")
    phone.wait_for_selector(f"#session-{s.pk}")
    phone.click(f"#session-{s.pk} button[type=submit]")
    phone.wait_for_selector(f"#session-{s.pk} .my-status")
    assert "场次" in phone.inner_text("main h2")
    assert "报名成功" in phone.inner_text(".messages") and "余2个名额" in phone.inner_text(f"#session-{s.pk}")
    _fits(phone)
    phone.screenshot(path=str(shots / "volunteering-signed-up-zh.png"), full_page=True)

    phone.goto(phone.base + f"/volunteering/p/{kits.pk}/")
    phone.click(f"#session-{full.pk} button[type=submit]")  # the full session: join its waiting list
    phone.wait_for_selector(f"#session-{full.pk} .my-status")
    assert "候补" in phone.inner_text(f"#session-{full.pk}")

    phone.goto(phone.base + "/volunteering/me/")
    assert "候补第1位" in phone.inner_text("main") and "已确认" in phone.inner_text("main")
    assert "取消报名" in phone.inner_text("main")
    _fits(phone)
    phone.screenshot(path=str(shots / "volunteering-me-zh.png"), full_page=True)


def test_browse_in_english_on_a_phone(browse, world, projects, shots):
    knock, s, _kits, _full = projects
    pg = browse(locale="en-US", width=360, height=740, mobile=True)
    pg.goto(pg.base + "/volunteering/")
    pg.wait_for_selector(f"#project-{knock.pk}")
    assert "Volunteer projects" in pg.inner_text("main") and "3 places open" in pg.inner_text(f"#project-{knock.pk}")
    pg.select_option("#search select[name=category]", "kits")
    pg.click("#search button[type=submit]")
    pg.wait_for_selector("#search")
    assert f"project-{knock.pk}" not in pg.content()
    _fits(pg)
    pg.goto(pg.base + f"/volunteering/p/{knock.pk}/")
    assert "3 of 3 places open" in pg.inner_text(f"#session-{s.pk}")
    assert "To sign up, sign in or register as a volunteer." in pg.inner_text("main")
    _fits(pg)
    pg.screenshot(path=str(shots / "volunteering-project-en.png"), full_page=True)
