"""The sync commands as the README walks a newcomer through them."""

from __future__ import annotations

import re

import pytest

from app.cli import main
from conftest import village_code

FINGERPRINT = re.compile(r"\d{4}( \d{4}){5}")


def run(capsys, *argv: str) -> tuple[int, str, str]:
    code = main(list(argv))
    out, err = capsys.readouterr()
    return code, out, err


@pytest.fixture
def world(tmp_path, capsys):
    v, t, stick = str(tmp_path / "village"), str(tmp_path / "township"), tmp_path / "stick"
    stick.mkdir()
    code, out, _ = run(capsys, "--data-dir", v, "init", "--name", "柳林村", "--code", village_code(),
                       "--township", "石桥镇")
    assert code == 0 and FINGERPRINT.search(out)
    return v, t, stick


def _link(capsys, v: str, t: str, tmp_path, db: str | None = None) -> None:
    extra = ["--db", db] if db else []
    assert run(capsys, "--data-dir", t, "hub", "init", "--name", "石桥镇", *extra)[0] == 0
    assert run(capsys, "--data-dir", v, "keys", "export-public", str(tmp_path / "village-id.json"))[0] == 0
    assert run(capsys, "--data-dir", t, "hub", "key", "export", str(tmp_path / "township-key.json"))[0] == 0
    assert run(capsys, "--data-dir", t, "hub", "enroll", str(tmp_path / "village-id.json"))[0] == 0
    assert run(capsys, "--data-dir", v, "township", "trust", str(tmp_path / "township-key.json"))[0] == 0


@pytest.mark.parametrize("use_pg", [False, True], ids=["sqlite", "postgresql"])
def test_walkthrough(world, tmp_path, capsys, request, use_pg):
    v, t, stick = world
    db = request.getfixturevalue("pg_url") if use_pg else None
    _link(capsys, v, t, tmp_path, db)

    code, out, _ = run(capsys, "--data-dir", v, "keys", "show")
    village_fp = FINGERPRINT.search(out).group(0)
    code, out, _ = run(capsys, "--data-dir", t, "hub", "enroll", str(tmp_path / "village-id.json"))
    assert village_fp in out  # the township reads back the same digits the village sees

    code, out, _ = run(capsys, "--data-dir", v, "bundle", "export", "--to", str(stick))
    bundle = out.strip().splitlines()[-1]
    assert code == 0 and bundle.endswith(".cunwu-sync") and (stick / bundle.split("/")[-1]).exists()

    code, out, _ = run(capsys, "--data-dir", v, "bundle", "export", "--to", str(stick))
    assert code == 0 and "没有新的变动" in out and len(list(stick.glob("*.cunwu-sync"))) == 1

    code, out, err = run(capsys, "--data-dir", t, "hub", "import", bundle, "--receipts", str(stick))
    assert code == 0 and "已导入" in out and err == ""
    code, out, _ = run(capsys, "--data-dir", t, "hub", "import", bundle)
    assert code == 0 and "已导入过" in out

    code, out, _ = run(capsys, "--data-dir", t, "hub", "villages")
    assert "柳林村" in out and "无" in out

    (receipt,) = stick.glob("*.cunwu-receipt")
    code, out, _ = run(capsys, "--data-dir", v, "receipt", "import", str(receipt))
    assert code == 0 and "石桥镇" in out and "已确认" in out


def test_refused_files_get_one_line_each_and_non_zero_exit(world, tmp_path, capsys):
    v, t, stick = world
    _link(capsys, v, t, tmp_path)
    run(capsys, "--data-dir", v, "bundle", "export", "--to", str(stick))
    (good,) = stick.glob("*.cunwu-sync")
    bad = stick / "damaged.cunwu-sync"
    data = bytearray(good.read_bytes())
    data[-5] ^= 0xFF
    bad.write_bytes(bytes(data))
    junk = stick / "photo.jpg"
    junk.write_bytes(b"\xff\xd8 not a bundle")

    code, out, err = run(capsys, "--data-dir", t, "hub", "import", str(good), str(bad), str(junk))
    assert code == 1
    lines = err.strip().splitlines()
    assert len(lines) == 2
    assert "damaged.cunwu-sync" in lines[0] and "不符" in lines[0]
    assert "photo.jpg" in lines[1] and "不是村务同步包" in lines[1]
    assert "已导入" in out


def test_export_before_township_key_says_what_to_do(world, capsys):
    v, _t, stick = world
    code, _out, err = run(capsys, "--data-dir", v, "bundle", "export", "--to", str(stick))
    assert code == 1 and "cunwu township trust" in err and not list(stick.iterdir())


def test_hub_commands_before_init_say_what_to_do(tmp_path, capsys):
    code, _out, err = run(capsys, "--data-dir", str(tmp_path / "t"), "hub", "villages")
    assert code == 1 and "cunwu hub init" in err


def test_unreachable_postgresql_is_a_plain_message(tmp_path, capsys):
    code, _out, err = run(capsys, "--data-dir", str(tmp_path / "t"), "hub", "init", "--name", "石桥镇",
                          "--db", "postgresql+psycopg://nobody:secret@127.0.0.1:1/none")
    assert code == 1 and "无法连接" in err and "secret" not in err
