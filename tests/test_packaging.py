"""The wheel carries the stylesheets the app loads."""

from __future__ import annotations

import subprocess
import sys
import zipfile
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]


def test_wheel_contains_the_styles(tmp_path: Path) -> None:
    subprocess.run(
        [sys.executable, "-m", "pip", "wheel", "--no-deps", "-q", "-w", str(tmp_path), str(ROOT)],
        check=True,
        capture_output=True,
        timeout=300,
    )
    (wheel,) = tmp_path.glob("optui-*.whl")
    names = set(zipfile.ZipFile(wheel).namelist())
    sheets = {p.name for p in (ROOT / "styles").glob("*.tcss")}
    missing = {name for name in sheets if f"optui/styles/{name}" not in names}
    assert not missing, (
        f'{sorted(missing)} are not in the wheel: keep `"styles" = "optui/styles"` under '
        "[tool.hatch.build.targets.wheel.force-include] in pyproject.toml"
    )
    assert "optui/demo/app.py" in names
