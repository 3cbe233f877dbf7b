"""Command declares an emergency and runs a purge dry run, in Chinese."""

from tests.e2e.conftest import log_in


def test_command_declares_an_emergency_and_dry_runs_the_purge(page, world, shots):
    from muster.emergencies.models import Emergency
    from muster.emergencies.tests.helpers import old_campaign
    from muster.people.models import Person

    _c, _point, residents = old_campaign(world, n=3)
    log_in(page, "command")
    page.click("nav.main >> text=事件响应")
    page.fill("#id_name", "新发地聚集性疫情")
    page.fill("#id_region_code", world.fengtai.code)
    page.select_option("#id_level", "2")
    page.fill("#id_purpose", "核酸筛查、隔离管控与社区防控")
    page.click("#declare button[type=submit]")
    page.wait_for_selector("text=已宣布启动响应。")
    assert page.locator("h1").inner_text().startswith("新发地聚集性疫情")
    assert "Ⅱ级（重大）" in page.content() and "响应中" in page.locator("h1").inner_text()
    assert Emergency.objects.get().status == Emergency.Status.ACTIVE

    page.click("text=清除")
    page.click("#dry-run")
    page.wait_for_selector("#purge-report")
    report = page.locator("#purge-report").inner_text()
    assert "人员信息" in report and "通行登记（体温、健康码）" in report and "3 匿名化" in report
    page.screenshot(path=str(shots / "emergencies-dry-run.png"), full_page=True)
    # A dry run changes nothing.
    assert set(Person.objects.filter(pk__in=[p.pk for p in residents]).values_list("name", flat=True)) == {p.name for p in residents}


def test_command_attaches_work_begun_before_the_declaration(browse, world, shots):
    """On a phone, in Chinese then English: the work set up before the emergency is listed and attached."""
    from django.utils import timezone

    from muster.emergencies import actions
    from muster.needs.models import Need
    from muster.needs.tests.helpers import post as need_post

    need = need_post(world)
    e = actions.emergency_declare(actor=world.command, name="新发地聚集性疫情", region=world.fengtai, level="2",
                                  purpose="核酸筛查与社区防控", started_at=timezone.now())
    for locale, title, button, done in (("zh-CN", "辖区内尚未归入本事件的工作", "将所选归入本事件", "已将 1 项归入本事件。"),
                                        ("en-US", "Work in its region that belongs elsewhere", "Attach the chosen to this emergency",
                                         "1 attached to this emergency.")):
        if locale == "en-US":
            Need.objects.filter(pk=need.pk).update(emergency=None)
        pg = browse(locale=locale, width=360, height=740, mobile=True)
        log_in(pg, "command")
        pg.goto(pg.base + f"/emergencies/{e.pk}/")
        assert title in pg.content()
        assert pg.evaluate("document.documentElement.scrollWidth") <= 360
        pg.screenshot(path=str(shots / f"emergency-attach-{locale}.png"), full_page=True)
        pg.check(f"input[name=ids][value='{need.pk}']")
        pg.click(f"text={button}")
        pg.wait_for_selector(f"text={done}")
        assert Need.objects.get(pk=need.pk).emergency_id == e.pk
