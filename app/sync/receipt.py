"""Receipts: the township's signed answer to a village's bundles (docs/sync-format.md)."""

from __future__ import annotations

import base64
import json
import re
from dataclasses import dataclass, field
from pathlib import Path

from cryptography.exceptions import InvalidSignature

from app.events import canonical, now_text
from app.i18n import _
from app.sync.keys import TownshipKey, TownshipSecrets, b64

RECEIPT_FORMAT = "cunwu-receipt"
RECEIPT_VERSION = 1
MAX_RECEIPT = 256 * 1024


class ReceiptError(Exception):
    """The receipt cannot be accepted; the message says why."""


@dataclass(frozen=True)
class ReceiptBody:
    township: str
    township_fingerprint: str
    village_code: str
    last_seq: int
    head: str
    issued: str
    pending: list[list[int]] = field(default_factory=list)


def receipt_name(village_code: str, last_seq: int) -> str:
    return f"村务回执_{village_code}_{last_seq:06d}.cunwu-receipt"


def write_receipt(secrets: TownshipSecrets, folder: Path, *, village_code: str, last_seq: int, head: str,
                  pending: list[list[int]]) -> Path:
    import os

    body = {"township": secrets.name, "township_fingerprint": secrets.public.fingerprint,
            "village_code": village_code, "last_seq": last_seq, "head": head, "issued": now_text(),
            "pending": pending}
    signature = secrets.signing.sign(canonical(body).encode("utf-8"))
    doc = {"format": RECEIPT_FORMAT, "version": RECEIPT_VERSION, "body": body, "signature": b64(signature)}
    folder.mkdir(parents=True, exist_ok=True)
    path = folder / receipt_name(village_code, last_seq)
    tmp = path.with_name("." + path.name + ".part")
    with open(tmp, "w", encoding="utf-8") as fh:
        json.dump(doc, fh, ensure_ascii=False, indent=2)
        fh.flush()
        os.fsync(fh.fileno())
    os.replace(tmp, path)
    return path


def read_receipt(path: Path, township: TownshipKey) -> ReceiptBody:
    not_receipt = _("{path} 不是村务回执文件。请确认选对了文件(文件名以 .cunwu-receipt 结尾)。").format(path=path)
    try:
        with open(path, "rb") as fh:
            data = fh.read(MAX_RECEIPT + 1)
    except OSError as exc:
        raise ReceiptError(_("无法读取 {path}({reason})。").format(path=path, reason=exc.strerror or exc)) from exc
    try:
        if len(data) > MAX_RECEIPT:
            raise ValueError
        doc = json.loads(data.decode("utf-8"))
        body, signature = doc["body"], base64.b64decode(doc["signature"], validate=True)
        if doc.get("format") != RECEIPT_FORMAT or not isinstance(body, dict):
            raise ValueError
    # anyone can hand the clerk a file: deep nesting ends the JSON parser with RecursionError
    except (ValueError, KeyError, TypeError, RecursionError) as exc:
        raise ReceiptError(not_receipt) from exc
    if doc.get("version") != RECEIPT_VERSION:
        raise ReceiptError(_("回执格式版本 {version} 本程序不认识。请升级村务软件。").format(version=doc.get("version")))
    try:
        township.verifier().verify(signature, canonical(body).encode("utf-8"))
    except InvalidSignature as exc:
        raise ReceiptError(_("回执的签名不对:它不是本村信任的乡镇({name})签发的,或者文件被改动过。"
                             "请向乡镇重新索取回执。").format(name=township.name)) from exc
    try:
        result = ReceiptBody(
            township=str(body["township"]), township_fingerprint=str(body["township_fingerprint"]),
            village_code=str(body["village_code"]), last_seq=int(body["last_seq"]), head=str(body["head"]),
            issued=str(body["issued"]), pending=[[int(a), int(b)] for a, b in body.get("pending", [])])
    except (KeyError, TypeError, ValueError) as exc:
        raise ReceiptError(not_receipt) from exc
    if result.last_seq < 0 or not re.fullmatch(r"[0-9a-f]{64}", result.head):
        raise ReceiptError(not_receipt)
    return result
