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
    kits, full = project(world, title="核酸检测包分装", category="kits", places=1, in_days=3, insurance_required=True)
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
    # The project requires accident insurance and she has none on record: told now, with where to record it.
    assert "要求投保意外险" in phone.inner_text(".messages")
    assert phone.get_attribute(".messages a[href='/volunteering/insurance/']", "href")
    _fits(phone)
    phone.screenshot(path=str(shots / "volunteering-uninsured-zh.png"), full_page=True)

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


@pytest.fixture
def served(world):
    """A volunteer (account vol-e2e) who served a 4-hour session: one captured record; and a session going on now
    with them and another volunteer confirmed, for the leader's attendance page."""
    import datetime as dt

    from django.utils import timezone

    from muster.accounts.models import User
    from muster.volunteering import actions
    from muster.volunteering.models import Session
    from muster.volunteering.tests.helpers import project, volunteer

    p, s = project(world, title="敲门行动：蒲安里入户登记", places=3, hours=4, description="逐户敲门登记")
    user = volunteer(world, name="王小明")
    other = volunteer(world, name="赵小红")
    actions.signup_create(actor=user, session=s)
    actions.attendance_scan(actor=user, code=s.code, now=s.starts_at)
    actions.attendance_scan(actor=user, code=s.code, now=s.ends_at)
    _p2, now_s = project(world, title="核酸采样点秩序维护", category="sampling_order", places=3, hours=4)
    actions.signup_create(actor=user, session=now_s)
    actions.signup_create(actor=other, session=now_s)
    start = timezone.now().replace(microsecond=0) - dt.timedelta(hours=1)
    Session.objects.filter(pk=now_s.pk).update(starts_at=start, ends_at=start + dt.timedelta(hours=4))
    User.objects.filter(pk=user.pk).update(username="vol-e2e")
    user.set_password("volunteer-pass-1")
    user.save(update_fields=["password"])
    return user, now_s


@pytest.mark.parametrize("locale", ["zh-CN", "en-US"])
def test_records_certificate_and_leaders_attendance_on_a_phone(browse, world, served, shots, locale):
    import datetime as dt

    from django.utils import timezone

    from muster.volunteering import actions
    from muster.volunteering.models import Certificate, Signup
    from tests.e2e.conftest import log_in

    user, now_s = served
    tag = "zh" if locale.startswith("zh") else "en"
    pg = browse(locale=locale, width=360, height=740, mobile=True)
    log_in(pg, "vol-e2e", "volunteer-pass-1")
    pg.goto(pg.base + "/volunteering/me/")
    pg.wait_for_selector("#hours-total")
    assert "4" in pg.inner_text("#hours-total")
    assert ("志愿服务证明" if tag == "zh" else "Certificate of service") in pg.inner_text("main")
    _fits(pg)
    pg.screenshot(path=str(shots / f"volunteering-records-{tag}.png"), full_page=True)
    # The helper's session lies two days ahead: the period must reach it.
    pg.fill("#certificate-form #id_period_to", f"{timezone.localdate() + dt.timedelta(days=10):%Y-%m-%d}")
    with pg.expect_download() as dl:
        pg.click("#certificate-form button[type=submit]")
    assert dl.value.suggested_filename.startswith("certificate-") and Certificate.objects.count() == 1
    c = Certificate.objects.get()
    pg.goto(pg.base + f"/volunteering/verify/{c.number}/?d={c.digest[:16]}")
    pg.wait_for_selector("#verdict.verdict-valid")
    _fits(pg)
    pg.screenshot(path=str(shots / f"volunteering-verify-{tag}.png"), full_page=True)
    Certificate.objects.all().delete()

    leader = browse(locale=locale, width=360, height=740, mobile=True)
    log_in(leader, "coordinator")
    leader.goto(leader.base + f"/volunteering/manage/s/{now_s.pk}/attendance/")
    leader.wait_for_selector(".vol-qr svg")
    leader.fill("#id_scan-personal", actions.personal_code(user.person))
    leader.click("form:has(#id_scan-personal) button[type=submit]")
    leader.wait_for_selector(".messages")
    other = Signup.objects.filter(session=now_s).exclude(person=user.person).get()
    leader.click(f"#att-{other.pk} button[name=no_show]")
    leader.wait_for_selector("#no-shows")
    assert "1" in leader.inner_text("#no-shows")
    _fits(leader)
    leader.screenshot(path=str(shots / f"volunteering-attendance-{tag}.png"), full_page=True)


@pytest.mark.parametrize("locale", ["zh-CN", "en-US"])
def test_a_declined_volunteer_reads_the_organisers_reason_on_a_phone(browse, world, shots, locale):
    """The organiser declines a sign-up on a phone and says why; the volunteer, on hers, reads that reason."""
    from django.urls import reverse

    from muster.accounts.models import User
    from muster.volunteering import actions
    from muster.volunteering.models import Project, Signup
    from muster.volunteering.tests.helpers import project, volunteer
    from tests.e2e.conftest import log_in

    tag = "zh" if locale.startswith("zh") else "en"
    p, s = project(world, title="敲门行动：蒲安里入户登记", places=2, approval=Project.Approval.MANUAL)
    vol = volunteer(world, name="王小明")
    row = actions.signup_create(actor=vol, session=s)
    User.objects.filter(pk=vol.pk).update(username="vol-declined")
    vol.set_password("volunteer-pass-1")
    vol.save(update_fields=["password"])
    reason = "本场需要急救证" if tag == "zh" else "This session needs a first-aid certificate"

    leader = browse(locale=locale, width=360, height=740, mobile=True)
    log_in(leader, "coordinator")
    leader.goto(leader.base + reverse("volunteering:project_manage", args=[p.pk]))
    form = f"form[action='{reverse('volunteering:decide', args=[row.pk])}']"
    leader.wait_for_selector(form)
    leader.fill(f"{form} input[name=reason]", reason)
    _fits(leader)
    leader.click(f"{form} button[value='0']")
    leader.wait_for_selector(".messages")
    assert not leader.query_selector(form), "the declined sign-up still offers a decision"
    row.refresh_from_db()
    assert (row.status, row.decision_note) == (Signup.Status.DECLINED, reason)
    leader.screenshot(path=str(shots / f"volunteering-declined-organiser-{tag}.png"), full_page=True)

    pg = browse(locale=locale, width=360, height=740, mobile=True)
    log_in(pg, "vol-declined", "volunteer-pass-1")
    pg.goto(pg.base + reverse("volunteering:me"))
    pg.wait_for_selector(".decision-note")
    note = pg.inner_text(".decision-note")
    assert reason in note and ("组织方说明" if tag == "zh" else "Organiser's reason") in note
    _fits(pg)
    pg.screenshot(path=str(shots / f"volunteering-declined-{tag}.png"), full_page=True)
