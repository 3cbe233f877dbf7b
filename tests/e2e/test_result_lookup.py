"""A resident looks up their result on a phone (360 px, Chinese): name and ID number, then the SMS code."""

import re


def test_result_look_up_with_a_one_time_code_on_a_phone(phone, world, shots, sms_outbox):
    blocked = []
    phone.on("console", lambda m: blocked.append(m.text) if "Content Security Policy" in m.text else None)
    phone.goto(phone.base + "/testing/result/")
    phone.fill("#id_name", "张秀英")
    phone.fill("#id_id_number", "11010519491231002X")
    phone.screenshot(path=str(shots / "testing_result_lookup_phone.png"), full_page=True)
    phone.click("#lookup-id button[type=submit]")
    phone.wait_for_selector("#lookup-code")
    assert "短信" in phone.inner_text("main")
    phone.fill("#id_otp", "999999")  # a wrong code first
    phone.click("#lookup-code button[type=submit]")
    phone.wait_for_selector(".errorlist")
    assert "验证码不正确" in phone.inner_text("main")
    # The code reached the phone; the outbox kept only that a confidential message was sent.
    sms = sms_outbox.to("13800000001")[-1]
    phone.fill("#id_otp", re.search(r"\b\d{6}\b", sms).group(0))
    phone.screenshot(path=str(shots / "testing_result_code_phone.png"), full_page=True)
    phone.click("#lookup-code button[type=submit]")
    phone.wait_for_url(re.compile(r".*/testing/result/mine/$"))
    assert "张*英" in phone.inner_text("main")
    # Wider than the screen would mean a sideways scroll on a cheap phone.
    assert phone.evaluate("document.documentElement.scrollWidth") <= 360
    assert not blocked, blocked
