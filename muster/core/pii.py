"""ID numbers: validation, encryption at rest, keyed hash for look-up, masking for display.

Fernet (AES-128-CBC + HMAC) from `cryptography` encrypts; HMAC-SHA256 with a key
derived from a secret gives a deterministic look-up hash, so a clerk can find a
person by ID number without the database ever holding it in clear.

Rotation (MultiFernet): list the new key first in MUSTER_PII_KEYS ("new,old"), restart,
run `muster manage pii_rotate` (batches, progress, resumable), and once it reports nothing
left under an old key, drop that key. The look-up hash is keyed by PII_LOOKUP_KEY, which
defaults to the oldest key listed; set MUSTER_PII_LOOKUP_KEY to it before the old key is
dropped, so that every stored hash still matches (the command says so).
"""

from __future__ import annotations

import datetime as dt
import hashlib
import hmac
import re
from dataclasses import dataclass
from functools import cache

from cryptography.fernet import Fernet, InvalidToken, MultiFernet
from django.conf import settings
from django.utils.translation import gettext_lazy as _

from muster.core.errors import InvalidInput


class IdType:
    RESIDENT = "resident"  # 居民身份证, 18 characters with a check digit
    PASSPORT = "passport"
    HK_MACAO = "hk_macao"  # 港澳居民来往内地通行证
    TAIWAN = "taiwan"  # 台湾居民来往大陆通行证
    FOREIGN_PR = "foreign_pr"  # 外国人永久居留身份证
    OTHER = "other"

    CHOICES = [
        (RESIDENT, _("Resident ID card")),
        (PASSPORT, _("Passport")),
        (HK_MACAO, _("Mainland travel permit for Hong Kong and Macao residents")),
        (TAIWAN, _("Mainland travel permit for Taiwan residents")),
        (FOREIGN_PR, _("Foreign permanent resident ID card")),
        (OTHER, _("Other document")),
    ]


_WEIGHTS = (7, 9, 10, 5, 8, 4, 2, 1, 6, 3, 7, 9, 10, 5, 8, 4, 2)
_CHECK = "10X98765432"
_PROVINCES = {11, 12, 13, 14, 15, 21, 22, 23, 31, 32, 33, 34, 35, 36, 37, 41, 42, 43, 44, 45, 46, 50, 51, 52, 53, 54, 61, 62, 63, 64, 65, 71, 81, 82, 83}
_PATTERNS = {
    IdType.PASSPORT: re.compile(r"^[A-Z0-9]{5,17}$"),
    IdType.HK_MACAO: re.compile(r"^[HM]\d{8,10}$"),
    IdType.TAIWAN: re.compile(r"^\d{8}$|^\d{10}$"),
    IdType.FOREIGN_PR: re.compile(r"^[A-Z]{3}\d{12}$|^9\d{17}$"),
    IdType.OTHER: re.compile(r"^[A-Z0-9\-]{4,30}$"),
}


def resident_check_digit(first17: str) -> str:
    return _CHECK[sum(int(c) * w for c, w in zip(first17, _WEIGHTS, strict=True)) % 11]


def normalize(value: str) -> str:
    return re.sub(r"[\s\-]", "", value or "").upper()


def validate_id(id_type: str, value: str) -> str:
    """Return the normalised number or raise InvalidInput saying what is wrong."""
    number = normalize(value)
    if not number:
        raise InvalidInput(_("The ID number is empty."), field="id_number")
    if id_type == IdType.RESIDENT:
        if not re.fullmatch(r"\d{17}[\dX]", number):
            raise InvalidInput(_("A resident ID number has 18 characters: 17 digits and a final digit or X."), field="id_number")
        if int(number[:2]) not in _PROVINCES:
            raise InvalidInput(_("The ID number does not start with a valid province code."), field="id_number")
        try:
            birth = dt.date(int(number[6:10]), int(number[10:12]), int(number[12:14]))
        except ValueError:
            raise InvalidInput(_("The ID number contains an impossible date of birth."), field="id_number") from None
        if birth.year < 1890 or birth > dt.date.today():
            raise InvalidInput(_("The ID number contains an impossible date of birth."), field="id_number")
        if resident_check_digit(number[:17]) != number[17]:
            raise InvalidInput(_("The ID number's check digit is wrong; please check it was typed correctly."), field="id_number")
        return number
    pattern = _PATTERNS.get(id_type)
    if pattern is None:
        raise InvalidInput(_("Unknown document type."), field="id_type")
    if not pattern.fullmatch(number):
        raise InvalidInput(_("The document number has the wrong format for this document type."), field="id_number")
    return number


def birth_year_from_resident_id(number: str) -> int:
    return int(number[6:10])


def _keys() -> list[str]:
    return list(getattr(settings, "PII_KEYS", None) or [settings.PII_KEY])


@cache
def _fernet() -> MultiFernet:
    """Encrypts with the first key of settings.PII_KEYS, decrypts with any (rotation, see rotate())."""
    return MultiFernet([Fernet(k.encode()) for k in _keys()])


@cache
def _primary() -> Fernet:
    return Fernet(_keys()[0].encode())


@cache
def _lookup_key() -> bytes:
    # A separate key per purpose: the look-up hash must not be usable to forge tokens. Its secret
    # is settings.PII_LOOKUP_KEY, which stays the same across rotations of the encryption key.
    secret = getattr(settings, "PII_LOOKUP_KEY", "") or _keys()[-1]
    return hmac.new(secret.encode(), b"muster-id-lookup-v1", hashlib.sha256).digest()


def reset_keys() -> None:
    """Forget the cached keys (after the settings changed: tests, a rotation in one process)."""
    _fernet.cache_clear()
    _primary.cache_clear()
    _lookup_key.cache_clear()


def rotate(token: str) -> str | None:
    """The token re-encrypted under the first key, or None when it is under that key already.

    Idempotent, so a rotation interrupted anywhere is resumed by running it again. A token no
    listed key opens is left alone (None): rotation must never destroy what it cannot read.
    """
    if not token:
        return None
    try:
        _primary().decrypt(token.encode())
        return None
    except InvalidToken:
        pass
    try:
        return _fernet().rotate(token.encode()).decode()
    except InvalidToken:
        return None


def encrypt(value: str) -> str:
    return _fernet().encrypt(value.encode()).decode()


def decrypt(token: str) -> str:
    try:
        return _fernet().decrypt(token.encode()).decode()
    except InvalidToken:
        return ""


def encrypt_bytes(data: bytes) -> bytes:
    """A whole file sealed with the same keys (an uploaded import waiting for the worker holds ID numbers)."""
    return _fernet().encrypt(data)


def decrypt_bytes(token: bytes) -> bytes:
    return _fernet().decrypt(token)


def lookup_hash(id_type: str, number: str) -> str:
    """Deterministic keyed hash of a normalised document number, for exact look-up."""
    return hmac.new(_lookup_key(), f"{id_type}:{normalize(number)}".encode(), hashlib.sha256).hexdigest()


def mask(number: str) -> str:
    """`110105***********4` for resident IDs; first and last two characters for others.

    The birth year is shown beside a person (directory, API, export), so a resident mask must
    leave the birth date and the sequence number hidden together: showing the last four (as
    `110105********1234` did) left only the month and day, about 34 candidates once the check
    digit is checked. Keeping the region and the check digit alone hides month, day and the
    three sequence digits: about 365 × 1000 / 11 ≈ 33,000 valid numbers for a known region and
    year, while a clerk still tells apart two people of the same name and district.
    """
    number = normalize(number)
    if len(number) == 18:
        return number[:6] + "*" * 11 + number[-1:]
    if len(number) <= 4:
        return "*" * len(number)
    return number[:2] + "*" * (len(number) - 4) + number[-2:]


def mask_phone(phone: str) -> str:
    digits = phone or ""
    if len(digits) >= 11:
        return digits[:3] + "****" + digits[-4:]
    if len(digits) > 4:
        return "*" * (len(digits) - 4) + digits[-4:]
    return digits


@dataclass(frozen=True)
class SealedId:
    id_type: str
    cipher: str
    hash: str
    masked: str
    number: str


def seal(id_type: str, value: str) -> SealedId:
    number = validate_id(id_type, value)
    return SealedId(id_type=id_type, cipher=encrypt(number), hash=lookup_hash(id_type, number), masked=mask(number), number=number)


PHONE_RE = re.compile(r"^(1[3-9]\d{9}|0\d{2,3}-?\d{7,8})$")


def validate_phone(value: str) -> str:
    phone = re.sub(r"[\s()]", "", value or "")
    if phone.startswith("+86"):
        phone = phone[3:]
    if not phone:
        return ""
    if not PHONE_RE.fullmatch(phone):
        raise InvalidInput(_("The phone number is not a valid mainland mobile or landline number."), field="phone")
    return phone
