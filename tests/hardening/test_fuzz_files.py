"""Fuzzing every reader of a file or text that comes from outside: sync bundles, receipts, identity and
township key files, certificate QR payloads and their 校验码, disclosure and certificate catalogues, and
settings.json. Whatever arrives, the program answers with a declared UserError (or accepts the input) in
bounded time, and a refused input changes nothing.

Signatures and hashes stop almost any random change at the door, so most strategies here sign what they
change with the real keys: the manifest, the archive, the events, the receipt body and the QR body are
then read as far as a genuine file would be. Inputs that once crashed a reader are kept in
tests/data/fuzz/ and replayed by ``test_regression_files_are_refused_plainly``.

    .venv/bin/python -m pytest tests/hardening/test_fuzz_files.py -p no:randomly                 # short
    CUNWU_HARDENING=long .venv/bin/python -m pytest tests/hardening/test_fuzz_files.py -p no:randomly
"""

from __future__ import annotations

import copy
import datetime as dt
import json
import sys
import time
from pathlib import Path
from typing import Any

import pytest
from hypothesis import given
from hypothesis import strategies as st

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))  # tests/: the sync builders

from hardening_profile import fuzz  # noqa: E402

from app.errors import UserError  # noqa: E402
from app.hub.service import ALREADY, IMPORTED, OLD, PENDING, REFUSED, HubError, enroll, import_bundles  # noqa: E402
from sync_helpers import Linked, Member, craft_bundle, events_file, genuine_members, hub_dump, link  # noqa: E402

REGRESSIONS = Path(__file__).resolve().parent.parent / "data" / "fuzz"
SECONDS = 10  # per input: far more than any refusal takes, far less than a hang
STATUSES = {IMPORTED, ALREADY, OLD, PENDING, REFUSED}
INT64 = 2**63 - 1

# JSON values as a hostile or broken writer would put them: numbers at and beyond 64 bits, floats,
# text with control characters and right-to-left marks, nesting.
edge_ints = st.sampled_from([0, -1, 1, 2**31, 2**53 + 1, INT64, INT64 + 1, 2**64, 10**20, -(2**63) - 1])
scalars = st.one_of(st.none(), st.booleans(), st.integers(), edge_ints, st.floats(allow_nan=False),
                    st.text(max_size=40), st.sampled_from(["", "\u202e", "\x00", "x" * 5000, "9" * 30]))
# a file that is nothing but nesting: the JSON parser gives up with RecursionError, not ValueError
deep = st.sampled_from([b"[" * 100_000 + b"]" * 100_000, b'{"a":' * 50_000 + b"1" + b"}" * 50_000])
json_values = st.recursive(scalars, lambda inner: st.one_of(st.lists(inner, max_size=4),
                                                           st.dictionaries(st.text(max_size=8), inner, max_size=4)),
                           max_leaves=12)


@pytest.fixture
def world(store, tmp_path: Path):
    lk = link(store, tmp_path)
    yield lk
    lk.hub.close()


def _paths(doc: Any, prefix: tuple = ()) -> list[tuple]:
    """Every path to a value inside a JSON document."""
    out = [prefix]
    if isinstance(doc, dict):
        for k, v in doc.items():
            out += _paths(v, prefix + (k,))
    elif isinstance(doc, list):
        for i, v in enumerate(doc):
            out += _paths(v, prefix + (i,))
    return out


def _set(doc: Any, path: tuple, value: Any) -> Any:
    if not path:
        return value
    doc = copy.deepcopy(doc)
    target = doc
    for key in path[:-1]:
        target = target[key]
    target[path[-1]] = value
    return doc


def _mutate(data: bytes, edits: list[tuple[float, int]], cut: float | None) -> bytes:
    buf = bytearray(data)
    for where, byte in edits:
        if buf:
            buf[int(where * (len(buf) - 1))] = byte
    if cut is not None:
        buf = buf[:int(cut * len(buf))]
    return bytes(buf)


def _timed(fn, *args, **kwargs):
    start = time.perf_counter()
    try:
        return fn(*args, **kwargs)
    finally:
        assert time.perf_counter() - start < SECONDS, "took too long"


def _import_checked(lk: Linked, path: Path) -> Any:
    before = hub_dump(lk.hub)
    (outcome,), _receipts = _timed(import_bundles, lk.hub, [path])
    assert outcome.status in STATUSES
    if outcome.status == REFUSED:
        assert outcome.message and hub_dump(lk.hub) == before, outcome
    assert list(lk.hub.tmp_root.iterdir()) == []
    return outcome


# ---------------------------------------------------------------- bundles

edits = st.lists(st.tuples(st.floats(0, 1), st.integers(0, 255)), max_size=6)
cuts = st.one_of(st.none(), st.floats(0, 1))


@fuzz
@given(edits=edits, cut=cuts, tail=st.binary(max_size=64))
def test_fuzz_bundle_bytes(world: Linked, tmp_path_factory, edits, cut, tail):
    """A real bundle damaged anywhere (header, signature, manifest, payload), cut short or extended."""
    if not hasattr(world, "_bundle"):
        world._bundle = world.export().read_bytes()
    path = tmp_path_factory.mktemp("b") / "x.cunwu-sync"
    data = _mutate(world._bundle, edits, cut) + tail
    path.write_bytes(data)
    o = _import_checked(world, path)
    if data != world._bundle:
        assert o.status == REFUSED


@fuzz
@given(data=st.data())
def test_fuzz_signed_manifest(world: Linked, tmp_path_factory, data):
    """A manifest with any of its values replaced, signed with the village's real key."""
    ev = events_file(world.store)
    members = genuine_members(world.store, ev)
    seen: dict[str, Any] = {}

    def tweak(manifest: dict[str, Any]) -> None:
        paths = [p for p in _paths(manifest) if p]
        path = data.draw(st.sampled_from(paths), label="path")
        seen["doc"] = _set(manifest, path, data.draw(json_values, label="value"))
        manifest.clear()
        manifest.update(seen["doc"])

    path = craft_bundle(tmp_path_factory.mktemp("m") / "x.cunwu-sync", code=world.code, key=world.village_key,
                        recipient=world.township, events=ev, members=members, tweak=tweak)
    _import_checked(world, path)


@fuzz
@given(edits=edits, cut=cuts)
def test_fuzz_signed_archive(world: Linked, tmp_path_factory, edits, cut):
    """The encrypted archive itself damaged before it was sealed and signed: the tar headers, the gzip of
    the events, an attachment."""
    from sync_helpers import tar_bytes

    ev = events_file(world.store)
    members = genuine_members(world.store, ev)
    plain = _mutate(tar_bytes(members), edits, cut)
    path = craft_bundle(tmp_path_factory.mktemp("a") / "x.cunwu-sync", code=world.code, key=world.village_key,
                        recipient=world.township, events=ev, members=members, plain=plain)
    _import_checked(world, path)


event_text = st.one_of(st.text(max_size=30), st.sampled_from(["", "\u202e", "\x00\x1f", "\\", '"', "x" * 3000]))


@fuzz
@given(first=st.one_of(st.integers(1, 5), edge_ints.filter(lambda n: n > 0)), count=st.integers(1, 4),
       fields=st.fixed_dictionaries({"time": event_text, "actor": event_text, "record_type": event_text,
                                     "record_id": event_text, "action": event_text}),
       content=st.one_of(event_text, json_values.map(lambda v: json.dumps(v, ensure_ascii=False))))
def test_fuzz_event_values(world: Linked, tmp_path_factory, first, count, fields, content):
    """Events chained and hashed correctly whose numbers and texts are anything at all."""
    from app.events import GENESIS, canonical, event_hash
    from sync_helpers import EventsFile

    import gzip

    lines, head = [], GENESIS if first == 1 else "c" * 64
    prev = head
    for i in range(count):
        seq = first + i
        ev = {"seq": seq, "content": content, **fields}
        ev["prev_hash"] = head
        ev["hash"] = head = event_hash(head, seq, ev["time"], ev["actor"], ev["record_type"], ev["record_id"],
                                       ev["action"], content)
        lines.append((canonical(ev) + "\n").encode("utf-8"))
    raw = b"".join(lines)
    ef = EventsFile(gzip.compress(raw, mtime=0), first, first + count - 1, prev, head, len(raw))
    path = craft_bundle(tmp_path_factory.mktemp("e") / "x.cunwu-sync", code=world.code, key=world.village_key,
                        recipient=world.township, events=ef, members=[Member("events.jsonl.gz", ef.gz)])
    _import_checked(world, path)


# ---------------------------------------------------------------- receipts


def _signed_receipt(lk: Linked, path: Path, doc: Any) -> Path:
    from app.events import canonical
    from app.keys import b64

    body = doc.get("body") if isinstance(doc, dict) else None
    if isinstance(doc, dict) and isinstance(body, (dict, list, str, int, float, bool, type(None))):
        try:
            doc["signature"] = b64(lk.hub.secrets.signing.sign(canonical(body).encode("utf-8")))
        except (TypeError, ValueError):  # a body canonical JSON cannot write: the signature stays as drawn
            pass
    path.write_text(json.dumps(doc, ensure_ascii=False), encoding="utf-8")
    return path


def _receipt_doc(lk: Linked) -> dict[str, Any]:
    from app.sync.export import sync_status

    head = sync_status(lk.store).head
    from sqlalchemy import select

    from app.events import Event

    with lk.store.read() as s:
        digest = s.scalar(select(Event.hash).where(Event.seq == head))
    secrets = lk.hub.secrets
    return {"format": "cunwu-receipt", "version": 1, "signature": "",
            "body": {"township": secrets.name, "township_fingerprint": secrets.public.fingerprint,
                     "village_code": lk.code, "last_seq": head, "head": digest,
                     "issued": "2026-11-24T15:00:00+08:00", "pending": [[head + 2, head + 5]]}}


def _import_receipt_checked(lk: Linked, path: Path) -> None:
    from app.sync.export import SyncError, import_receipt, sync_status

    before = sync_status(lk.store)
    try:
        _timed(import_receipt, lk.store, path)
    except SyncError as exc:
        assert str(exc)
        assert sync_status(lk.store) == before


@fuzz
@given(data=st.data())
def test_fuzz_signed_receipt(world: Linked, tmp_path_factory, data):
    """A receipt whose body (or any field of it) is anything, signed with the township's real key."""
    doc = _receipt_doc(world)
    paths = _paths(doc)
    where = data.draw(st.sampled_from(paths), label="path")
    doc = _set(doc, where, data.draw(json_values, label="value"))
    path = _signed_receipt(world, tmp_path_factory.mktemp("r") / "x.cunwu-receipt", doc)
    _import_receipt_checked(world, path)


@fuzz
@given(edits=edits, cut=cuts, raw=st.one_of(st.none(), st.binary(max_size=300), deep))
def test_fuzz_receipt_bytes(world: Linked, tmp_path_factory, edits, cut, raw):
    good = json.dumps(_receipt_doc(world)).encode("utf-8")
    path = tmp_path_factory.mktemp("rb") / "x.cunwu-receipt"
    path.write_bytes(raw if raw is not None else _mutate(good, edits, cut))
    _import_receipt_checked(world, path)


# ---------------------------------------------------------------- identity and township key files


def _public_doc(kind: str, public: bytes, box: bytes | None = None) -> dict[str, Any]:
    from app.keys import b64, fingerprint

    if kind == "identity":
        return {"format": "cunwu-village-identity", "version": 1, "village_code": "54371427CC6K57744D",
                "village_name": "李庄村", "township": "石桥镇", "ed25519": b64(public),
                "fingerprint": fingerprint(public), "created": "2026-11-24T09:30:00+08:00"}
    return {"format": "cunwu-township-key", "version": 1, "township": "石桥镇", "ed25519": b64(public),
            "x25519": b64(box or public), "fingerprint": fingerprint(public, box or public),
            "created": "2026-11-24T09:30:00+08:00"}


def _refit(doc: Any) -> Any:
    """Recompute the fingerprint when the keys in ``doc`` can be read, so a change elsewhere is read on."""
    from app.keys import fingerprint, unb64

    if not isinstance(doc, dict):
        return doc
    try:
        keys = [unb64(doc["ed25519"], 32)] + ([unb64(doc["x25519"], 32)] if "x25519" in doc else [])
    except (KeyError, ValueError, TypeError):
        return doc
    doc["fingerprint"] = fingerprint(*keys)
    return doc


@fuzz
@given(data=st.data(), kind=st.sampled_from(["identity", "township"]), refit=st.booleans())
def test_fuzz_identity_and_township_files(world: Linked, tmp_path_factory, data, kind, refit):
    """Enrolling an identity file (at the hub) or trusting a township key file (in the village) that says
    anything: a KeyFileError or HubError, or a correct enrolment."""
    from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PrivateKey

    from app.keys import KeyFileError, raw_public, trust_township, trusted_township

    public = raw_public(Ed25519PrivateKey.generate().public_key())
    doc = _public_doc(kind, public)
    where = data.draw(st.sampled_from(_paths(doc)), label="path")
    doc = _set(doc, where, data.draw(json_values, label="value"))
    if refit:
        doc = _refit(doc)
    path = tmp_path_factory.mktemp("k") / "key.json"
    path.write_text(json.dumps(doc, ensure_ascii=False), encoding="utf-8")
    if kind == "identity":
        before = hub_dump(world.hub)
        try:
            _timed(enroll, world.hub, path)
        except HubError as exc:
            assert str(exc) and hub_dump(world.hub) == before
    else:
        trusted = trusted_township(world.store.data_dir)
        try:
            _timed(trust_township, world.store.data_dir, path)
        except KeyFileError as exc:
            assert str(exc) and trusted_township(world.store.data_dir) == trusted


@fuzz
@given(raw=st.one_of(st.binary(max_size=400), deep), kind=st.sampled_from(["identity", "township"]))
def test_fuzz_key_file_bytes(tmp_path_factory, raw, kind):
    from app.keys import KeyFileError, read_identity_file, read_township_file

    path = tmp_path_factory.mktemp("kb") / "key.json"
    path.write_bytes(raw)
    with pytest.raises(KeyFileError):
        (read_identity_file if kind == "identity" else read_township_file)(path)


# ---------------------------------------------------------------- QR payloads and 校验码


qr_bodies = st.fixed_dictionaries({k: st.one_of(st.text(max_size=20), json_values) for k in "cskdnhi"})


@fuzz
@given(text=st.one_of(st.text(max_size=300), st.from_regex(r"CW1\.[A-Za-z0-9_-]{0,200}\.[A-Za-z0-9_-]{0,100}",
                                                            fullmatch=True), st.just("x" * 5000)),
       body=st.one_of(st.none(), qr_bodies), own=st.booleans(), signature=st.binary(max_size=80))
def test_fuzz_qr_payloads(world: Linked, text, body, own, signature):
    """Any scanned text, and bodies of any shape signed with the village's real key, verified in the village
    and at the township: always an answer, never an error; only a genuine certificate is called genuine."""
    from app.certificates.payload import DOMAIN, GENUINE, b64url, check_code, verify_payload
    from app.certificates.register import verify_with_store
    from app.hub.verify import verify_with_hub

    assert len(check_code(signature)) == 6
    if body is not None:
        if own:
            body = {**body, "c": world.code}
        raw = json.dumps(body, ensure_ascii=False, separators=(",", ":")).encode("utf-8")
        text = f"CW1.{b64url(raw)}.{b64url(world.village_key.sign(DOMAIN + raw))}"
    with world.store.read() as s:
        v = _timed(verify_with_store, s, world.store.data_dir, text)
    assert v.message and (v.reason != GENUINE or v.ok)
    assert v.reason != GENUINE  # no certificate was ever issued in this village
    v = _timed(verify_with_hub, world.hub, text)
    assert v.message and v.reason != GENUINE
    v = verify_payload(text, lambda code: None)
    assert not v.ok


@fuzz
@given(content=json_values, serial=st.text(max_size=12))
def test_fuzz_certificate_records_received_by_the_hub(world: Linked, content, serial):
    """The hub verifies against the certificate records a village sent, whatever they hold."""
    from app.certificates.payload import make_payload
    from app.hub.verify import verify_with_hub

    doc = content if not isinstance(content, dict) else {**content, "serial": serial}
    with world.hub.engine.begin() as conn:
        from app.hub import store as t

        conn.execute(t.records.delete())
        conn.execute(t.records.insert().values(village_code=world.code, record_type="certificate", record_id="1",
                                               seq=1, content=json.dumps(doc, ensure_ascii=False)))
    text, _code = make_payload(world.village_key, village_code=world.code, serial=serial, kind_code="SD-01",
                               issue_date=dt.date(2026, 3, 3), applicant_name="张三", digest="x" * 16)
    v = _timed(verify_with_hub, world.hub, text)
    assert v.message


check_codes = st.text(alphabet="23456789ABCDEFGHJKLMNPQRSTUVWXYZ", min_size=6, max_size=6)


@fuzz
@given(code=check_codes, content=json_values, payload=st.one_of(json_values, check_codes, st.just("CW1.a.b")),
       shape=st.sampled_from(["object", "as drawn"]))
def test_fuzz_check_codes_against_records_received_by_the_hub(world: Linked, code, content, payload, shape):
    """A 校验码 typed at the township, looked up in whatever certificate records the villages sent."""
    from app.hub import store as t
    from app.hub.verify import verify_with_hub

    doc = {"check_code": code, "qr_payload": payload, "x": content} if shape == "object" else [code, content]
    with world.hub.engine.begin() as conn:
        conn.execute(t.records.delete())
        conn.execute(t.records.insert().values(village_code=world.code, record_type="certificate", record_id="1",
                                               seq=1, content=json.dumps(doc, ensure_ascii=False)))
    v = _timed(verify_with_hub, world.hub, code)
    assert v.message and not v.ok


# ---------------------------------------------------------------- catalogues and settings.json

CATALOGUES = Path(__file__).resolve().parent.parent.parent / "resources" / "catalogues"


@fuzz
@given(data=st.data(), name=st.sampled_from(["disclosure-default.json", "disclosure-2026.1.json",
                                             "certificates-approved.json", "certificates-negative.json"]))
def test_fuzz_catalogues(tmp_path_factory, data, name):
    """A catalogue the township sends, with any value changed: read, or refused with a CatalogueError."""
    from app.certificates.catalogue import CatalogueError as CertCatalogueError
    from app.certificates.catalogue import read_catalogue
    from app.disclosure.catalogue import CatalogueError, load_catalogue_file

    doc = json.loads((CATALOGUES / name).read_text(encoding="utf-8"))
    how = data.draw(st.sampled_from(["value", "bytes", "deep"]), label="how")
    path = tmp_path_factory.mktemp("c") / name
    if how == "value":
        where = data.draw(st.sampled_from(_paths(doc)), label="path")
        path.write_text(json.dumps(_set(doc, where, data.draw(json_values, label="value")), ensure_ascii=False),
                        encoding="utf-8")
    elif how == "deep":
        path.write_bytes(data.draw(deep, label="deep"))
    else:
        raw = json.dumps(doc, ensure_ascii=False).encode("utf-8")
        path.write_bytes(_mutate(raw, data.draw(edits, label="edits"), data.draw(cuts, label="cut")))
    reader = load_catalogue_file if name.startswith("disclosure") else read_catalogue
    try:
        _timed(reader, path)
    except (CatalogueError, CertCatalogueError) as exc:
        assert str(exc)


settings_docs = st.one_of(
    json_values,
    st.fixed_dictionaries({"meetings": st.one_of(json_values, st.fixed_dictionaries(
        {"rules": st.one_of(json_values, st.dictionaries(st.sampled_from(["村民小组会议", "两委联席会议", "议事协商会议"]),
                                                         json_values, max_size=3))})),
        "disclosure": st.one_of(json_values, st.fixed_dictionaries({"items": json_values}),
                                st.dictionaries(st.sampled_from(["finance_monthly", "finance_threshold",
                                                                 "quarterly_deadline_days"]), json_values))}))


@fuzz
@given(doc=settings_docs, raw=st.one_of(st.none(), st.binary(max_size=200), deep))
def test_fuzz_settings_json(tmp_path_factory, doc, raw):
    """settings.json edited by hand or damaged: the program still starts with the law's rules and the
    catalogue's numbers, or says which setting is wrong."""
    from app.config import load_settings
    from app.disclosure.catalogue import village_catalogue
    from app.meetings.kinds import MeetingKind
    from app.meetings.service import meeting_rule

    d = tmp_path_factory.mktemp("s")
    (d / "settings.json").write_bytes(raw if raw is not None else json.dumps(doc, ensure_ascii=False).encode("utf-8"))
    assert isinstance(load_settings(d), dict)
    for kind in MeetingKind:
        assert _timed(meeting_rule, kind, d) is not None
    try:
        village_catalogue(d, dt.date(2026, 6, 1))
    except UserError as exc:
        assert str(exc)


# ---------------------------------------------------------------- regressions


def _replay(lk: Linked, case: dict[str, Any], tmp: Path) -> None:
    kind = case["kind"]
    if kind == "bundle-events":
        from sync_crafting import synthetic_events

        ef = synthetic_events(case["first"], case.get("count", 1), "a" * 64)
        path = craft_bundle(tmp / "x.cunwu-sync", code=lk.code, key=lk.village_key, recipient=lk.township,
                            events=ef, members=[Member("events.jsonl.gz", ef.gz)])
        assert _import_checked(lk, path).status == REFUSED
    elif kind == "bundle-manifest":
        ev = events_file(lk.store)

        def tweak(manifest):
            manifest.update(_set(manifest, tuple(case["path"]), case["value"]))

        path = craft_bundle(tmp / "x.cunwu-sync", code=lk.code, key=lk.village_key, recipient=lk.township,
                            events=ev, members=genuine_members(lk.store, ev), tweak=tweak)
        assert _import_checked(lk, path).status == REFUSED
    elif kind == "receipt":
        doc = _set(_receipt_doc(lk), tuple(case["path"]), case["value"])
        from app.sync.export import SyncError, import_receipt

        with pytest.raises(SyncError):
            import_receipt(lk.store, _signed_receipt(lk, tmp / "x.cunwu-receipt", doc))
    elif kind == "hub-check-code-record":
        from app.hub import store as t
        from app.hub.verify import verify_with_hub

        with lk.hub.engine.begin() as conn:
            conn.execute(t.records.insert().values(village_code=lk.code, record_type="certificate", record_id="1",
                                                   seq=1, content=json.dumps(case["content"], ensure_ascii=False)))
        assert not verify_with_hub(lk.hub, case["typed"]).ok
    elif kind == "hub-certificate-record":
        from app.certificates.payload import make_payload
        from app.hub import store as t
        from app.hub.verify import verify_with_hub

        with lk.hub.engine.begin() as conn:
            conn.execute(t.records.insert().values(village_code=lk.code, record_type="certificate", record_id="1",
                                                   seq=1, content=json.dumps(case["content"], ensure_ascii=False)))
        text, _code = make_payload(lk.village_key, village_code=lk.code, serial=case["content"]["serial"],
                                   kind_code="SD-01", issue_date=dt.date(2026, 3, 3), applicant_name="张三",
                                   digest="x" * 16)
        assert not verify_with_hub(lk.hub, text).ok
    else:
        raise AssertionError(f"unknown regression kind {kind}")


def _file_case(path: Path, tmp: Path) -> None:
    """A regression kept as the file itself (no key needed to make it)."""
    kind = path.name.split("-")[0]
    if kind == "settings":
        test_fuzz_settings_json.hypothesis.inner_test(tmp_path_factory=_Factory(tmp), doc=None,
                                                      raw=path.read_bytes())
    elif kind == "catalogue":
        from app.certificates.catalogue import CatalogueError as CertCatalogueError
        from app.certificates.catalogue import read_catalogue
        from app.disclosure.catalogue import CatalogueError, load_catalogue_file

        with pytest.raises(CatalogueError):
            load_catalogue_file(path)
        with pytest.raises(CertCatalogueError):
            read_catalogue(path)
    else:
        raise AssertionError(f"unknown regression file {path.name}")


class _Factory:
    def __init__(self, root: Path) -> None:
        self.root, self.n = root, 0

    def mktemp(self, name: str) -> Path:
        self.n += 1
        d = self.root / f"{name}{self.n}"
        d.mkdir()
        return d


CASES = sorted(REGRESSIONS.glob("*.json")) if REGRESSIONS.is_dir() else []
RECIPES = [p for p in CASES if p.name.startswith("recipe-")]
# the folder is shared with the spreadsheet fuzzing (test_fuzz_sheets.py): these are the files of this suite
FILES = [p for p in sorted(REGRESSIONS.iterdir()) if p.name.startswith(("settings-", "catalogue-"))] \
    if REGRESSIONS.is_dir() else []


@pytest.mark.parametrize("case", RECIPES, ids=[p.stem for p in RECIPES])
def test_regression_recipes_are_refused_plainly(world: Linked, tmp_path: Path, case: Path):
    """Inputs that once crashed a reader and need the test's own keys to be made: kept as a recipe."""
    _replay(world, json.loads(case.read_text(encoding="utf-8")), tmp_path)


@pytest.mark.parametrize("case", FILES, ids=[p.name for p in FILES])
def test_regression_files_are_refused_plainly(tmp_path: Path, case: Path):
    """Inputs that once crashed a reader, kept as the very file."""
    _file_case(case, tmp_path)


def test_regression_folder_holds_the_known_crashes():
    """The cases from issue 14 (a sequence number and a receipt beyond 64 bits) are kept and replayed."""
    names = {p.name for p in RECIPES}
    assert {"recipe-bundle-seq-2p63.json", "recipe-receipt-last-seq-1e20.json"} <= names
