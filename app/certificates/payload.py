"""The QR code on a certificate: a signed, offline-verifiable statement of what was issued.

Text form (docs/certificates.md)::

    CW1.<base64url(body)>.<base64url(signature)>

``body`` is compact sorted-key JSON: ``c`` village code (统一社会信用代码),
``s`` serial, ``k`` kind code, ``d`` issue date YYYYMMDD, ``n`` applicant
name as printed, ``h`` hash of the printed text, ``i`` id of the signing key.
The signature is Ed25519 by the village key over a domain prefix and the body
bytes. Base64 is checked to be canonical, so no changed character can decode
to the same bytes and pass.
"""

from __future__ import annotations

import base64
import binascii
import dataclasses
import datetime as dt
import hashlib
import re
import unicodedata
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

from cryptography.exceptions import InvalidSignature
from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PrivateKey, Ed25519PublicKey

from app.errors import UserError
from app.text import json_document
from app.events import canonical
from app.i18n import _
from app.keys import raw_public

PREFIX = "CW1"
DOMAIN = b"cunwu-certificate-v1\n"
MAX_TEXT = 2000
CHECK_ALPHABET = "23456789ABCDEFGHJKLMNPQRSTUVWXYZ"  # no 0/O or 1/I: read aloud over the phone
_B64 = re.compile(r"[A-Za-z0-9_-]+")
_KEYS = {"c", "s", "k", "d", "n", "h", "i"}

GENUINE, MALFORMED, UNKNOWN_VILLAGE, WRONG_KEY, BAD_SIGNATURE = (
    "genuine", "malformed", "unknown-village", "wrong-key", "bad-signature")
VOIDED, NOT_IN_REGISTER, MISMATCH = "voided", "not-in-register", "mismatch"
BAD_CHECK_CODE, UNKNOWN_CHECK_CODE, AMBIGUOUS_CHECK_CODE = "bad-check-code", "unknown-check-code", "ambiguous-check-code"
CHECK_LEN = 6
_TYPED_CODE = re.compile(r"[0-9A-Z]{1,12}")


def b64url(data: bytes) -> str:
    return base64.urlsafe_b64encode(data).rstrip(b"=").decode("ascii")


def unb64url(text: str) -> bytes:
    """Strict: only the URL-safe alphabet, no padding, and the canonical spelling of the bytes."""
    if not _B64.fullmatch(text) or len(text) % 4 == 1:
        raise ValueError("not base64url")
    data = base64.urlsafe_b64decode(text + "=" * (-len(text) % 4))
    if b64url(data) != text:  # unused low bits set: another spelling of the same bytes
        raise ValueError("not canonical base64url")
    return data


def key_id(public: Ed25519PublicKey) -> str:
    return b64url(hashlib.sha256(raw_public(public)).digest()[:4])


def text_digest(*, title: str, body: str, applicant_name: str, purpose: str) -> str:
    """The hash of the printed text: a register can confirm the QR belongs to this very certificate."""
    doc = canonical({"t": title, "b": body, "n": applicant_name, "p": purpose})
    return b64url(hashlib.sha256(doc.encode("utf-8")).digest()[:12])


def check_code(signature: bytes) -> str:
    """Six characters printed beside the QR code, for checking a certificate by phone."""
    n = int.from_bytes(hashlib.sha256(b"cunwu-check-code" + signature).digest()[:4], "big") >> 2
    return "".join(CHECK_ALPHABET[(n >> (5 * i)) & 31] for i in range(5, -1, -1))


@dataclass(frozen=True)
class PayloadData:
    village_code: str
    serial: str
    kind_code: str
    issue_date: dt.date
    applicant_name: str
    digest: str
    key_id: str

    def body(self) -> bytes:
        doc = {"c": self.village_code, "s": self.serial, "k": self.kind_code,
               "d": self.issue_date.strftime("%Y%m%d"), "n": self.applicant_name, "h": self.digest, "i": self.key_id}
        return canonical(doc).encode("utf-8")


def make_payload(key: Ed25519PrivateKey, *, village_code: str, serial: str, kind_code: str, issue_date: dt.date,
                 applicant_name: str, digest: str) -> tuple[str, str]:
    """The QR text and its check code."""
    data = PayloadData(village_code, serial, kind_code, issue_date, applicant_name, digest, key_id(key.public_key()))
    body = data.body()
    signature = key.sign(DOMAIN + body)
    return f"{PREFIX}.{b64url(body)}.{b64url(signature)}", check_code(signature)


class PayloadError(UserError, ValueError):
    pass


def parse_payload(text: str) -> tuple[PayloadData, bytes, bytes]:
    """(data, signed bytes, signature); PayloadError if the text is not a certificate QR code."""
    text = (text or "").strip()
    if len(text) > MAX_TEXT:
        raise PayloadError("too long")
    parts = text.split(".")
    if len(parts) != 3 or parts[0] != PREFIX:
        raise PayloadError("shape")
    try:
        body, signature = unb64url(parts[1]), unb64url(parts[2])
        doc = json_document(body)
    except (ValueError, binascii.Error, UnicodeDecodeError) as exc:
        raise PayloadError("encoding") from exc
    if len(signature) != 64 or not isinstance(doc, dict) or set(doc) != _KEYS:
        raise PayloadError("fields")
    if not all(isinstance(v, str) for v in doc.values()):
        raise PayloadError("types")
    try:
        date = dt.datetime.strptime(doc["d"], "%Y%m%d").date()
    except ValueError as exc:
        raise PayloadError("date") from exc
    data = PayloadData(doc["c"], doc["s"], doc["k"], date, doc["n"], doc["h"], doc["i"])
    return data, body, signature


@dataclass(frozen=True)
class RegisterFacts:
    """What a register (the village's, or the hub's copy) says about one serial."""

    state: str
    digest: str
    kind_name: str
    applicant_name: str
    purpose: str
    issue_date: dt.date | None
    void_reason: str = ""
    village_name: str = ""


@dataclass(frozen=True)
class Verification:
    ok: bool
    reason: str       # genuine | malformed | unknown-village | wrong-key | bad-signature | voided | ...
    message: str      # plain Chinese: what this means and what to do
    village_code: str = ""
    village_name: str = ""
    serial: str = ""
    kind_code: str = ""
    kind_name: str = ""
    issue_date: dt.date | None = None
    applicant_name: str = ""
    purpose: str = ""
    check_code: str = ""
    register_checked: bool = False
    void_reason: str = ""
    by_check_code: bool = False  # found by the 核验码 typed, not read from the QR code


KeyLookup = Callable[[str], Ed25519PublicKey | None]
RecordLookup = Callable[[str, str], RegisterFacts | None]
KeyOwner = Callable[[str], str | None]


def verify_payload(text: str, lookup_key: KeyLookup, lookup_record: RecordLookup | None = None, *,
                   register_complete: bool = False, key_owner: KeyOwner | None = None,
                   village_name: str = "", register_as_of: str = "") -> Verification:
    """Check a scanned QR text.

    ``lookup_key(village_code)`` gives the village's public key or None.
    ``lookup_record(village_code, serial)`` (where a register is at hand)
    tells whether the certificate was voided; ``register_complete`` says a
    serial missing from it means a restored old backup (the village's own store);
    otherwise the register is the township's copy, received up to ``register_as_of``,
    and a serial missing from it is not confirmed either: the certificate may be newer
    than the last bundle, or never issued. ``key_owner(key_id)`` names the village
    whose key it is, to say who really signed.
    """
    try:
        data, body, signature = parse_payload(text)
    except PayloadError:
        return Verification(False, MALFORMED, _(
            "这不是本系统证明上的二维码,或扫描不完整。请重新扫描证明左下角的二维码。"))
    facts: dict[str, Any] = dict(village_code=data.village_code, village_name=village_name, serial=data.serial,
                                 kind_code=data.kind_code, issue_date=data.issue_date,
                                 applicant_name=data.applicant_name, check_code=check_code(signature))
    key = lookup_key(data.village_code)
    if key is None:
        return Verification(False, UNKNOWN_VILLAGE, _(
            "开具证明的村(统一社会信用代码 {code})不在本机已知的村里,无法核验。请到该村所属乡镇核验。").format(
            code=data.village_code), **facts)
    if key_id(key) != data.key_id:
        owner = key_owner(data.key_id) if key_owner else None
        if owner:
            msg = _("签名用的是“{owner}”的密钥,不是该村的:这张证明不是该村开具的。").format(owner=owner)
        else:
            msg = _("签名不是用该村登记的密钥做的:可能是别的村开具的,或二维码内容被改动过。请向开具的村或乡镇核实。")
        return Verification(False, WRONG_KEY, msg, **facts)
    try:
        key.verify(signature, DOMAIN + body)
    except InvalidSignature:
        return Verification(False, BAD_SIGNATURE, _(
            "签名不符:二维码内容被改动过(哪怕只改了一个字符),这张证明不可信。请向开具的村核实。"), **facts)
    if lookup_record is None:
        return Verification(True, GENUINE, _("签名有效,是该村开具的证明。本机没有该村的台账,无法确认是否已作废。"),
                            **facts)
    record = lookup_record(data.village_code, data.serial)
    if record is None:
        if register_complete:
            return Verification(False, NOT_IN_REGISTER, _(
                "签名有效,但本村台账里没有编号 {serial}:数据可能是从旧备份恢复的。请核查台账后再使用。").format(
                serial=data.serial), **facts)
        received = (_("乡镇收到的该村记录截至 {time}").format(time=register_as_of) if register_as_of
                    else _("乡镇还没有收到该村的任何记录"))
        return Verification(False, NOT_IN_REGISTER, _(
            "签名有效,但编号 {serial} 不在乡镇持有的台账里({received})。可能是该村在那以后才开具、记录还没有送到乡镇,"
            "也可能这个编号从没有开具过。核实之前不能当作有效证明:请向开具的村核实,或等该村把最新的同步包送到乡镇后再核验。").format(
            serial=data.serial, received=received), **facts)
    facts.update(kind_name=record.kind_name, purpose=record.purpose, register_checked=True,
                 village_name=record.village_name or village_name)
    if record.state == "voided":
        return Verification(False, VOIDED, _("签名有效,但编号 {serial} 已作废(原因:{reason}),不能再使用。").format(
            serial=data.serial, reason=record.void_reason or "-"), void_reason=record.void_reason, **facts)
    if record.digest != data.digest or record.applicant_name != data.applicant_name:
        return Verification(False, MISMATCH, _(
            "签名有效,但与台账里编号 {serial} 的记录不一致。请向开具的村核实。").format(serial=data.serial), **facts)
    return Verification(True, GENUINE, _("签名有效,与台账记录一致,未作废。"), **facts)


# ---------------------------------------------------------------- the 核验码 typed by hand


def typed_check_code(text: str) -> str | None:
    """What was typed, as a check code (upper case, full-width and blanks removed), or None if it is not
    one at all (a QR text is hundreds of characters with dots). Its characters are not checked here."""
    compact = re.sub(r"[\s\-_:：]", "", unicodedata.normalize("NFKC", text or "")).upper()
    for word in ("核验码", "校验码"):  # 核验码 as printed; 校验码, its name before
        compact = compact.removeprefix(word)
    return compact if _TYPED_CODE.fullmatch(compact) else None


def _check_code_problem(code: str) -> str:
    """Why ``code`` cannot be a check code ('' if it can)."""
    wrong = [ch for ch in dict.fromkeys(code) if ch not in CHECK_ALPHABET]
    if wrong:
        return _("核验码里不会有{chars}:核验码只用数字 2-9 和字母 A-Z,不用 0、1、O、I,以免看错。"
                 "请对着证明左下角的格子一个一个核对。").format(chars="、".join("“{c}”".format(c=c) for c in wrong))
    if len(code) != CHECK_LEN:
        return _("核验码是六个字符,输入的是 {n} 个。请对着证明左下角的格子一个一个核对。").format(n=len(code))
    return ""


def verify_check_code(code: str, find_payloads: Callable[[str], list[str]],
                      verify_text: Callable[[str], Verification], *, where: str) -> Verification:
    """Verify by the 核验码: find the certificate in the register (``find_payloads(code)`` gives the QR texts
    of the certificates with that code), then check it as its QR code is checked (``verify_text``).

    ``where`` names the register searched (本村台账, 乡镇收到的台账). Six characters are only 30 bits: a
    certificate found this way is confirmed only if the paper says what the register says, and the
    message asks the reader to compare them.
    """
    problem = _check_code_problem(code)
    if problem:
        return Verification(False, BAD_CHECK_CODE, problem, check_code=code, by_check_code=True)
    payloads = find_payloads(code)
    if not payloads:
        return Verification(False, UNKNOWN_CHECK_CODE, _(
            "{where}里没有核验码为 {code} 的证明,不能认定这张证明是真的。可能是核验码抄错了(哪怕错一个字符也查不到),"
            "请对着证明左下角的格子一个一个核对后再输;仍然查不到的,请扫描二维码核验,或向开具的村核实。").format(
            where=where, code=code), check_code=code, by_check_code=True)
    if len(payloads) > 1:
        return Verification(False, AMBIGUOUS_CHECK_CODE, _(
            "{where}里有 {n} 份证明的核验码都是 {code},凭核验码分不出是哪一份。请扫描证明上的二维码核验。").format(
            where=where, n=len(payloads), code=code), check_code=code, by_check_code=True)
    v = verify_text(payloads[0])
    if v.check_code != code:  # the register's own copy of the code was changed: trust neither
        return Verification(False, MISMATCH, _(
            "{where}里核验码 {code} 对应的记录与它自己的二维码内容不一致,台账可能被改动过。请扫描证明上的二维码核验。").format(
            where=where, code=code), check_code=code, by_check_code=True)
    if v.ok:
        v = dataclasses.replace(v, message=v.message + _(
            "请核对证明上印的编号、申请人、证明种类和开具日期与下面显示的一致:一致才是这份证明。"))
    return dataclasses.replace(v, by_check_code=True)
