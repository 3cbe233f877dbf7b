import pytest

from muster.core import pii
from muster.core.errors import InvalidInput


def test_resident_id_with_valid_check_digit_is_accepted():
    assert pii.validate_id(pii.IdType.RESIDENT, "11010519491231002x") == "11010519491231002X"


@pytest.mark.parametrize(
    "number, fragment",
    [
        ("110105194912310021", "check digit"),
        ("1101051949123100", "18 characters"),
        ("990105194912310026", "province"),
        ("110105194913310021", "date of birth"),
        ("", "empty"),
    ],
)
def test_bad_resident_ids_are_refused_with_a_reason(number, fragment):
    from django.utils import translation

    with translation.override("en"), pytest.raises(InvalidInput) as err:
        pii.validate_id(pii.IdType.RESIDENT, number)
    with translation.override("en"):
        assert fragment in str(err.value.message)
    assert err.value.field == "id_number"


def test_other_documents_have_their_own_formats():
    assert pii.validate_id(pii.IdType.PASSPORT, "e1234 5678") == "E12345678"
    assert pii.validate_id(pii.IdType.HK_MACAO, "H12345678") == "H12345678"
    with pytest.raises(InvalidInput):
        pii.validate_id(pii.IdType.HK_MACAO, "X1")


def test_encryption_round_trips_and_is_not_plain(settings):
    token = pii.encrypt("11010519491231002X")
    assert "11010519491231002X" not in token
    assert pii.decrypt(token) == "11010519491231002X"
    assert pii.decrypt("garbage") == ""


def test_lookup_hash_is_deterministic_keyed_and_type_bound():
    a = pii.lookup_hash(pii.IdType.RESIDENT, "11010519491231002x")
    assert a == pii.lookup_hash(pii.IdType.RESIDENT, "11010519491231002X")
    assert a != pii.lookup_hash(pii.IdType.PASSPORT, "11010519491231002X")
    import hashlib

    assert a != hashlib.sha256(b"11010519491231002X").hexdigest()


def test_masking_shows_only_prefix_and_suffix():
    assert pii.mask("110105194912311234") == "110105***********4"
    assert pii.mask("E12345678") == "E1*****78"
    assert pii.mask_phone("13800001234") == "138****1234"


def test_phone_validation():
    assert pii.validate_phone("+86 138 0000 1234") == "13800001234"
    assert pii.validate_phone("010-12345678") == "010-12345678"
    with pytest.raises(InvalidInput) as err:
        pii.validate_phone("12345")
    assert err.value.field == "phone"
