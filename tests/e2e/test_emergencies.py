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
