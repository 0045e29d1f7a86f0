"""The township's public address on a village's notices (settings.json "public_address").

When the village has set it (设置 → 村务公开), a posted notice's QR code holds the address of the township's
check page carrying the notice's whole code (``<address>/check?code=...``), so a phone's camera opens the
check directly; without it the QR code holds the code alone and stays checkable offline. The township's hub
learns the address from the village's bundles (the manifest's ``public``), so the township prints the village's
notices with the same QR codes.
"""

from __future__ import annotations

import re
import unicodedata
from typing import Any
from urllib.parse import quote

from app.i18n import _

ADDRESS_SETTING = "public_address"   # village settings.json: the township's public pages, e.g. https://xz.example.gov.cn
_ADDRESS = re.compile(r"https?://[A-Za-z0-9.-]+(:[0-9]{1,5})?(/[A-Za-z0-9._~/-]*)?")


def check_address(address: str, code: str) -> str:
    """The text of a QR code that opens the check page at the township's public ``address`` for ``code``."""
    return "{base}/check?code={code}".format(base=address.strip().rstrip("/"), code=quote(code, safe=""))


def clean_address(text: str) -> str:
    """The public address as typed, checked: "" (none), or http(s)://host[:port][/path] without a trailing slash.
    FieldError (nothing saved) for anything else."""
    from app.people.service import FieldError

    value = unicodedata.normalize("NFKC", text or "").strip()
    if not value:
        return ""
    if not re.match(r"(?i)^https?://", value):
        value = "https://" + value
    if not _ADDRESS.fullmatch(value) or len(value) > 100:
        raise FieldError(ADDRESS_SETTING, _(
            "“{text}”不像网址。请照乡镇给的写,例如 https://xz.example.gov.cn;没有就空着。").format(text=text.strip()[:60]))
    return value.rstrip("/")


def village_address(data_dir: Any) -> str:
    """The township's public address the village set (settings.json), or "" when none or not a valid one."""
    from app.config import load_settings

    value = load_settings(data_dir).get(ADDRESS_SETTING, "")
    try:
        return clean_address(value) if isinstance(value, str) else ""
    except Exception:  # noqa: BLE001 - a hand-edited value that is no address: the QR codes stay offline
        return ""


def notice_qr(session: Any, payload: str) -> str:
    """The QR text printed on a posted notice: its payload, or, when the village set the township's public
    address, the check page's address carrying it (a phone's camera opens it; the payload is still all there)."""
    from pathlib import Path

    try:
        database = session.get_bind().url.database
    except Exception:  # noqa: BLE001 - no file behind the session: nothing set
        database = None
    if not database or database == ":memory:":
        return payload
    address = village_address(Path(database).parent)
    return check_address(address, payload) if address else payload
