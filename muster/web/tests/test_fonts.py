"""What the PDF font cannot draw is replaced by what it can: ℃ is not a blank on a duty record."""

from reportlab.pdfbase import pdfmetrics

from muster.web import fonts


def _has(ch: str) -> bool:
    # The built-in CID font (no CJK font file on the machine) has no glyph table: printable() then
    # substitutes, as it must not assume the viewer's font draws ℃.
    glyphs = getattr(getattr(pdfmetrics.getFont(fonts.cjk_font()), "face", None), "charToGlyph", None)
    return glyphs is not None and ord(ch) in glyphs


def test_a_character_the_font_lacks_is_substituted_and_one_it_has_is_kept():
    text = fonts.printable("体温 37.4 ℃，复测 ✓")
    for ch, stand_in in (("℃", "°C"), ("✓", "√")):
        assert (ch in text) == _has(ch)
        assert (stand_in in text) == (not _has(ch))
    assert text.startswith("体温 37.4 ")
    assert fonts.printable("no special characters") == "no special characters"


def test_the_roster_pdf_prints_a_note_with_a_degree_sign(world, login):
    from muster.rosters import actions as rosters
    from muster.rosters.tests.test_pages import this_monday
    from muster.web.tests.pdftext import pdf_text

    post = rosters.post_create(actor=world.coordinator, site=world.gate, name="南门帐篷")
    rosters.duty_note_add(actor=world.coordinator, post=post, kind="incident", text="居民体温 37.4 ℃，已登记")
    r = login(world.coordinator).get(f"/rosters/{post.pk}/week/{this_monday().isoformat()}.pdf")
    text = pdf_text(r.content)
    assert "37.4 °C" in text or (_has("℃") and "37.4 ℃" in text)
