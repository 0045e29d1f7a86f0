"""Receipts: the township's signed answer to a village's bundles (docs/sync-format.md)."""

from __future__ import annotations

import base64
import json
import re
from dataclasses import dataclass, field
from pathlib import Path

from cryptography.exceptions import InvalidSignature

from app.errors import UserError
from app.events import canonical, now_text
from app.i18n import _
from app.keys import TownshipKey, TownshipSecrets, b64

RECEIPT_FORMAT = "cunwu-receipt"
RECEIPT_VERSION = 1
MAX_RECEIPT = 256 * 1024
MAX_SEQ = 2**63 - 1  # what the database's INTEGER holds


def _text(value: object, limit: int) -> str:
    """A text field as the township writes it: text, no longer than the village keeps."""
    if not isinstance(value, str) or len(value) > limit:
        raise TypeError("not text of at most {limit} characters".format(limit=limit))
    return value


def _list(value: object) -> list[object]:
    if not isinstance(value, list):
        raise TypeError("not a list")
    return value


def _seq(value: object, *, low: int) -> int:
    """A sequence number as the township writes it: a whole JSON number (not text, not 12.0, not true)
    that the database can hold. ValueError if it is none; OverflowError if it is too large."""
    if type(value) is not int or value < low:
        raise ValueError("not a sequence number")
    if value > MAX_SEQ:
        raise OverflowError("sequence number beyond 64 bits")
    return value


def _range(pair: object) -> list[int]:
    if not isinstance(pair, list) or len(pair) != 2:
        raise ValueError("not a range")
    first, last = _seq(pair[0], low=1), _seq(pair[1], low=1)
    if last < first:
        raise ValueError("range ends before it starts")
    return [first, last]


class ReceiptError(UserError):
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


def receipt_bytes(secrets: TownshipSecrets, *, village_code: str, last_seq: int, head: str,
                  pending: list[list[int]], issued: str) -> bytes:
    """The signed receipt file's bytes (UTF-8 JSON). Ed25519 signatures are deterministic: the same facts
    and the same ``issued`` give the same bytes."""
    body = {"township": secrets.name, "township_fingerprint": secrets.public.fingerprint,
            "village_code": village_code, "last_seq": last_seq, "head": head, "issued": issued, "pending": pending}
    signature = secrets.signing.sign(canonical(body).encode("utf-8"))
    doc = {"format": RECEIPT_FORMAT, "version": RECEIPT_VERSION, "body": body, "signature": b64(signature)}
    return json.dumps(doc, ensure_ascii=False, indent=2).encode("utf-8")


def write_receipt(secrets: TownshipSecrets, folder: Path, *, village_code: str, last_seq: int, head: str,
                  pending: list[list[int]]) -> Path:
    return write_receipts(secrets, folder, [(village_code, last_seq, head, pending)])[0]


def write_receipts(secrets: TownshipSecrets, folder: Path,
                   receipts: list[tuple[str, int, str, list[list[int]]]]) -> list[Path]:
    """Sign and write one receipt per (village code, last sequence, head, pending ranges).

    Each file is written with :func:`app.files.replacing` (a temporary name, fsync, rename), so a full or
    pulled stick never holds half a receipt nor a leftover temporary file, and the one plain message of
    :class:`app.files.WriteFailed` says what happened. The fsyncs of a batch run side by side first: the
    disk does the waiting, not Python, and the file system can commit them together (60 villages at once
    at the township); each file's own fsync then finds nothing left to write.
    """
    from concurrent.futures import ThreadPoolExecutor
    from contextlib import ExitStack

    from app.files import fsync_file, replacing, write_failed

    if not receipts:
        return []
    try:
        folder.mkdir(parents=True, exist_ok=True)
    except OSError as exc:
        raise write_failed(exc, folder / receipt_name(receipts[0][0], receipts[0][1])) from exc
    issued = now_text()
    paths: list[Path] = []
    with ExitStack() as stack:
        temps: list[Path] = []
        for village_code, last_seq, head, pending in receipts:
            path = folder / receipt_name(village_code, last_seq)
            tmp = stack.enter_context(replacing(path))
            tmp.write_bytes(receipt_bytes(secrets, village_code=village_code, last_seq=last_seq, head=head,
                                          pending=pending, issued=issued))
            temps.append(tmp)
            paths.append(path)
        if temps:
            with ThreadPoolExecutor(max_workers=min(8, len(temps))) as pool:
                list(pool.map(fsync_file, temps))
    return paths


def read_receipt(path: Path, township: TownshipKey) -> ReceiptBody:
    not_receipt = _("{path} 不是村务回执文件。请确认选对了文件(文件名以 .cunwu-receipt 结尾)。").format(path=path)
    from app.files import read_small_json

    try:
        doc = read_small_json(path, MAX_RECEIPT)
    except OSError as exc:
        raise ReceiptError(_("无法读取 {path}({reason})。").format(path=path, reason=exc.strerror or exc)) from exc
    except ValueError as exc:
        raise ReceiptError(not_receipt) from exc
    try:
        body, signature = doc["body"], base64.b64decode(doc["signature"], validate=True)
        if doc.get("format") != RECEIPT_FORMAT or not isinstance(body, dict):
            raise ValueError
    except (ValueError, KeyError, TypeError) as exc:
        raise ReceiptError(not_receipt) from exc
    if doc.get("version") != RECEIPT_VERSION:
        raise ReceiptError(_("回执格式版本 {version} 本程序不认识。请升级村务软件。").format(version=str(doc.get("version"))[:20]))
    try:
        township.verifier().verify(signature, canonical(body).encode("utf-8"))
    except InvalidSignature as exc:
        raise ReceiptError(_("回执的签名不对:它不是本村信任的乡镇({name})签发的,或者文件被改动过。"
                             "请向乡镇重新索取回执。").format(name=township.name)) from exc
    try:
        result = ReceiptBody(
            township=_text(body["township"], 200), township_fingerprint=_text(body["township_fingerprint"], 64),
            village_code=_text(body["village_code"], 18), last_seq=_seq(body["last_seq"], low=0),
            head=_text(body["head"], 64), issued=_text(body["issued"], 64),
            pending=[_range(pair) for pair in _list(body.get("pending", []))])
    except (KeyError, TypeError, ValueError) as exc:
        raise ReceiptError(not_receipt) from exc
    except OverflowError as exc:
        raise ReceiptError(_("{path} 里的记录序号超出了本程序能记录的范围,这不是本程序写的回执。"
                             "请不要导入它,并向乡镇重新索取回执。").format(path=path)) from exc
    if not re.fullmatch(r"[0-9a-f]{64}", result.head):
        raise ReceiptError(not_receipt)
    return result
