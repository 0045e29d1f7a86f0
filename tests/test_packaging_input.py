"""Chinese input in the frozen program on UOS and Kylin, whose desktops set QT_IM_MODULE=fcitx: the build
cannot carry fcitx's Qt plugin (it is built against the system's Qt), and without it Qt gives no input method
at all, so the clerk could not type a name. The frozen program's entry (installer/frozen_main.py) asks for
the IBus plugin it carries instead, which fcitx 5 also answers."""

from __future__ import annotations

import importlib.util
import os
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[1]


@pytest.fixture
def frozen_main():
    spec = importlib.util.spec_from_file_location("frozen_main", ROOT / "installer" / "frozen_main.py")
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


def build_with(tmp_path: Path, *plugins: str) -> Path:
    folder = tmp_path / "PySide6" / "Qt" / "plugins" / "platforminputcontexts"
    folder.mkdir(parents=True)
    for name in plugins:
        (folder / name).write_bytes(b"")
    return tmp_path


@pytest.mark.parametrize("setting", ["fcitx", "fcitx5"])
def test_fcitx_without_its_plugin_in_the_build_is_reached_through_ibus(frozen_main, tmp_path, monkeypatch, setting):
    monkeypatch.setattr(sys, "_MEIPASS", str(build_with(tmp_path, "libibusplatforminputcontextplugin.so")),
                        raising=False)
    monkeypatch.setenv("QT_IM_MODULE", setting)
    frozen_main.input_method()
    assert os.environ["QT_IM_MODULE"] == "ibus"


def test_a_build_with_the_fcitx_plugin_and_other_input_methods_are_left_alone(frozen_main, tmp_path, monkeypatch):
    monkeypatch.setattr(sys, "_MEIPASS", str(build_with(tmp_path, "libfcitx5platforminputcontextplugin.so")),
                        raising=False)
    monkeypatch.setenv("QT_IM_MODULE", "fcitx")
    frozen_main.input_method()
    assert os.environ["QT_IM_MODULE"] == "fcitx"
    for setting in ("ibus", "compose"):
        monkeypatch.setenv("QT_IM_MODULE", setting)
        frozen_main.input_method()
        assert os.environ["QT_IM_MODULE"] == setting
