"""design.md: app/ never imports PySide6. Import every module of app/ with Qt blocked."""

import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent


def test_every_app_module_imports_without_qt():
    code = r"""
import importlib, pkgutil, sys
class Block:
    def find_spec(self, name, path=None, target=None):
        if name.split('.')[0] in ('PySide6', 'shiboken6', 'PyQt5', 'PyQt6'):
            raise ImportError('Qt is blocked in the core: ' + name)
sys.meta_path.insert(0, Block())
import app
names = [m.name for m in pkgutil.walk_packages(app.__path__, 'app.') if not m.name.endswith('__main__')]
for n in names:
    importlib.import_module(n)
assert not any(k.startswith('PySide6') for k in sys.modules)
print(len(names))
"""
    out = subprocess.run([sys.executable, "-c", code], cwd=ROOT, capture_output=True, text=True, timeout=120)
    assert out.returncode == 0, out.stderr
    assert int(out.stdout.strip()) >= 10


def test_cli_start_does_not_load_heavy_libraries():
    # start-up speed: pandas, openpyxl and reportlab load only when first needed
    code = "import sys, app.cli, app.storage, app.people.service, app.demo; " \
           "print(sorted(m for m in ('pandas','openpyxl','reportlab') if m in sys.modules))"
    out = subprocess.run([sys.executable, "-c", code], cwd=ROOT, capture_output=True, text=True, timeout=120)
    assert out.returncode == 0, out.stderr
    assert out.stdout.strip() == "[]"
