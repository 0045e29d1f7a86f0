"""Verifying a certificate's QR text on the township hub: every enrolled village's key, and the
certificate records received from it (the village verifies on its own store: app.certificates.register)."""

from __future__ import annotations

import json
from dataclasses import dataclass
from typing import Any

from sqlalchemy import select

from app.certificates.models import Certificate
from app.certificates.payload import (PayloadError, RegisterFacts, Verification, key_id, parse_payload,
                                      typed_check_code, verify_check_code, verify_payload)
from app.certificates.register import facts_from
from app.hub import store as t
from app.i18n import _
from app.keys import unb64


def verify_with_hub(hub: Any, text: str) -> Verification:
    """Verify on the township hub: every enrolled village's key, and the records received from it."""
    from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PublicKey

    with hub.engine.connect() as conn:
        rows = conn.execute(select(t.villages.c.code, t.villages.c.name, t.villages.c.public_key,
                                   t.villages.c.last_import)).all()
    villages = {r[0]: (r[1], Ed25519PublicKey.from_public_bytes(unb64(r[2], 32))) for r in rows}
    received = {r[0]: r[3] or "" for r in rows}

    def lookup_key(code: str) -> Any:
        return villages[code][1] if code in villages else None

    def owner(kid: str) -> str | None:
        return next((name for name, key in villages.values() if key_id(key) == kid), None)

    def lookup_record(code: str, serial: str) -> RegisterFacts | None:
        doc = _certificate_record(hub, code, serial)
        return None if doc is None else _facts(doc, villages.get(code, ("", None))[0])

    code = typed_check_code(text)
    if code is not None:
        def find(c: str) -> list[str]:
            found = []
            with hub.engine.connect() as conn:
                rows = conn.execute(select(t.records.c.content).where(  # along the key (village, type): certificates only
                    t.records.c.village_code.in_(select(t.villages.c.code)),
                    t.records.c.record_type == Certificate.__record_type__, t.records.c.content.contains(c)))
                for (content,) in rows:
                    try:
                        d = json.loads(content)
                    except ValueError:
                        continue
                    # a record a village sent may hold anything: only a QR text is verified further (a
                    # "QR text" that is itself a check code would send this lookup round in circles)
                    payload = d.get("qr_payload") if isinstance(d, dict) and d.get("check_code") == c else None
                    if isinstance(payload, str) and typed_check_code(payload) is None:
                        found.append(payload)
            return found

        return verify_check_code(code, find, lambda payload: verify_with_hub(hub, payload),
                                 where=_("乡镇收到的各村台账"))

    name = as_of = ""
    try:
        code = parse_payload(text)[0].village_code
        name, as_of = villages.get(code, ("", None))[0], received.get(code, "")
    except PayloadError:
        pass
    # the register the township holds is its copy of the village's, as far as the bundles received reach
    return verify_payload(text, lookup_key, lookup_record, register_complete=False, key_owner=owner,
                          village_name=name, register_as_of=as_of)


def _facts(doc: dict[str, Any], village_name: str) -> RegisterFacts:
    """The register's facts from a record a village sent; a record the hub cannot read (a date that is no
    date, say) confirms nothing: its digest matches no certificate, so the answer is "does not agree"."""
    try:
        return facts_from(doc, village_name)
    except (ValueError, TypeError):
        return RegisterFacts(state="unreadable", digest="", kind_name="", applicant_name="", purpose="",
                             issue_date=None, village_name=village_name)



def _certificate_record(hub: Any, code: str, serial: str) -> dict[str, Any] | None:
    """The certificate record ``serial`` of village ``code`` as the hub received it, or None."""
    if not code or not serial:
        return None
    needle = json.dumps(serial, ensure_ascii=False)
    with hub.engine.connect() as conn:
        rows = conn.execute(select(t.records.c.content).where(
            t.records.c.village_code == code, t.records.c.record_type == Certificate.__record_type__,
            t.records.c.content.contains(needle)))
        for (content,) in rows:
            try:
                doc = json.loads(content)
            except ValueError:
                continue
            if isinstance(doc, dict) and doc.get("serial") == serial:
                return doc
    return None


SEEN, SEEN_VOIDED, NEVER_SEEN = "seen", "voided", "never-seen"


@dataclass(frozen=True)
class HubSighting:
    """What the township's copy of the village's register says about one serial, whatever the signature says:
    seen (issued, not voided), voided, or never seen by the hub."""

    state: str          # seen | voided | never-seen
    message: str        # one plain sentence
    village_code: str = ""
    village_name: str = ""
    serial: str = ""
    void_reason: str = ""
    received_until: str = ""  # the village's last bundle applied, "" = none yet


def hub_sighting(hub: Any, village_code: str, serial: str) -> HubSighting:
    """Has the hub seen certificate ``serial`` of village ``village_code``, and was it voided?"""
    with hub.engine.connect() as conn:
        row = conn.execute(select(t.villages.c.name, t.villages.c.last_import).where(
            t.villages.c.code == village_code)).first()
    name, until = (str(row[0] or ""), str(row[1] or "")) if row is not None else ("", "")
    who = name or village_code
    facts = dict(village_code=village_code, village_name=name, serial=serial, received_until=until)
    if row is None:
        return HubSighting(NEVER_SEEN, _(
            "乡镇没有见过编号 {serial}:统一社会信用代码为 {code} 的村没有在本乡镇登记。").format(
            serial=serial, code=village_code), **facts)
    doc = _certificate_record(hub, village_code, serial)
    if doc is None:
        received = (_("该村的记录收到 {time} 为止").format(time=until[:16].replace("T", " ")) if until
                    else _("还没有收到该村的任何同步包"))
        return HubSighting(NEVER_SEEN, _("乡镇没有见过{village}的编号 {serial}({received})。").format(
            village=who, serial=serial, received=received), **facts)
    if doc.get("state") == "voided":
        reason = str(doc.get("void_reason") or "")
        return HubSighting(SEEN_VOIDED, _("乡镇见过{village}的编号 {serial},已作废(原因:{reason})。").format(
            village=who, serial=serial, reason=reason or "-"), void_reason=reason, **facts)
    return HubSighting(SEEN, _("乡镇见过{village}的编号 {serial}:{day}开具,未作废。").format(
        village=who, serial=serial, day=str(doc.get("issue_date") or "")), **facts)
