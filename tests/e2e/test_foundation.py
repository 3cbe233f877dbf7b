"""The foundation's main flows, as a coordinator works them, in real Chromium."""

from tests.e2e.conftest import log_in


def test_log_in_and_out(page, world, shots):
    page.goto(page.base + "/people/")
    assert "/login/" in page.url
    page.fill("#id_username", "coordinator")
    page.fill("#id_password", "wrong password")
    page.click("main button[type=submit]")
    assert page.locator(".errorlist").is_visible()
    log_in(page, "coordinator")
    assert page.locator("h1").inner_text().startswith("欢迎")
    page.screenshot(path=shots / "home.png", full_page=True)
    page.click("button.logout")
    page.wait_for_url("**/login/")


def test_browse_regions_and_search(page, world, shots):
    log_in(page, "fengtai")
    page.click("nav.main >> text=地区")
    page.wait_for_url("**/regions/110106000000/")
    assert page.locator("h1").inner_text().startswith("丰台区")
    page.click("text=东铁匠营街道")
    page.click("text=蒲安里第二社区")
    assert "蒲安里第二社区" in page.locator("h1").inner_text()
    assert page.locator(".crumbs").inner_text().startswith("丰台区")
    page.screenshot(path=shots / "region.png", full_page=True)
    page.fill("input[name=q]", "八角")
    page.click("form[role=search] button")
    # Shijingshan is outside Fengtai command's scope: the search must not reveal it.
    assert page.locator("text=未找到匹配的地区").is_visible()
    page.fill("input[name=q]", "110106007")
    page.click("form[role=search] button")
    assert page.locator("td >> text=蒲安里第一社区").is_visible()


def test_find_a_person_and_reveal_the_id(page, world, shots):
    log_in(page, "coordinator")
    page.click("nav.main >> text=人员")
    page.fill("input[name=q]", "秀英")
    page.wait_for_function("() => !document.body.innerText.includes('李建国') && document.body.innerText.includes('张秀英')")
    page.click("text=张秀英")
    assert page.locator("#id-number").inner_text() == "110105***********X"
    page.click("text=显示完整号码")
    page.wait_for_function("() => document.querySelector('#id-number').innerText.includes('11010519491231002X')")
    page.screenshot(path=shots / "person.png", full_page=True)
    from muster.core.models import AuditEvent

    assert AuditEvent.objects.filter(action="person.reveal_id", actor__username="coordinator").count() == 1


def test_import_with_an_error_shows_the_report_and_saves_nothing(page, world, shots, tmp_path):
    from muster.people.models import Person

    before = Person.objects.count()
    bad = tmp_path / "people.csv"
    bad.write_text(
        "姓名,社区代码,手机,身份证号\n"
        "赵一,110106007005,13900000001,110105194912310021\n"
        "钱二,110106007004,13900000002,\n"
        "孙三,110106007005,13900000003,\n",
        encoding="utf-8",
    )
    log_in(page, "coordinator")
    page.goto(page.base + "/people/import/")
    page.set_input_files("input[type=file]", str(bad))
    page.click("main button[type=submit]")
    report = page.locator("#import-report")
    assert report.is_visible()
    text = report.inner_text()
    assert "2" in text and "校验位" in text and "不在您的辖区" in text
    page.screenshot(path=shots / "import-report.png", full_page=True)
    assert Person.objects.count() == before

    good = tmp_path / "good.csv"
    good.write_text("name,community_code,phone,sex\n孙三,110106007005,13900000003,女\n", encoding="utf-8")
    page.set_input_files("input[type=file]", str(good))
    page.click("main button[type=submit]")
    page.wait_for_url("**/people/")
    assert Person.objects.count() == before + 1


def test_directory_on_a_phone(phone, world, shots):
    log_in(phone, "coordinator")
    phone.goto(phone.base + "/people/")
    assert phone.locator("text=张秀英").is_visible()
    width = phone.evaluate("document.documentElement.scrollWidth")
    assert width <= 360, f"page is {width}px wide on a 360px screen"
    # Every section of the menu is on the screen, the last one too (a sideways scroll used to hide it).
    boxes = phone.eval_on_selector_all("nav.main a", "els => els.map(e => [e.textContent, e.getBoundingClientRect().right])")
    assert len(boxes) >= 6 and all(right <= 360 for _label, right in boxes), boxes
    phone.screenshot(path=shots / "people-phone.png", full_page=True)


def test_language_switch_to_english(page, world):
    log_in(page, "coordinator")
    with page.expect_navigation():
        page.select_option("select[name=language]", "en")
    page.locator("nav.main >> text=People").wait_for()
    assert page.locator("html").get_attribute("lang") == "en"
