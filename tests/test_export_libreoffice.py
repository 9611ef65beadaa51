"""Every workbook opens in LibreOffice (headless) without repair and reads
back with the same contents.  CI installs LibreOffice (.ci/run); on a
developer machine without it the test is skipped, under CI it fails."""

from __future__ import annotations

import os
import shutil
import subprocess
from pathlib import Path

import openpyxl
import pytest
from openpyxl.worksheet.worksheet import Worksheet

from scheduler.export import results_form


def soffice() -> str:
    found = shutil.which("soffice") or shutil.which("libreoffice")
    if found is None:
        if os.environ.get("CI"):
            pytest.fail("LibreOffice is missing although CI must install it (.ci/run)")
        pytest.skip("LibreOffice not installed (apt-get install libreoffice-calc-nogui); CI installs it")
    return found


def _convert(binary: str, sources: list[Path], out: Path, profile: Path) -> None:
    # LibreOffice quietly stops after a few hundred files in one call: batches.
    for start in range(0, len(sources), 40):
        result = subprocess.run(
            [binary, f"-env:UserInstallation=file://{profile}", "--headless", "--norestore", "--convert-to", "xlsx",
             "--outdir", str(out), *map(str, sources[start:start + 40])],
            capture_output=True, text=True, timeout=600, check=False,
        )
        assert result.returncode == 0, result.stderr


def _values(ws: Worksheet, columns: int) -> list[list[object]]:
    return [[c.value for c in row] for row in ws.iter_rows(max_col=columns)]


def test_every_workbook_round_trips_through_libreoffice(demo: Path, tmp_path: Path) -> None:
    """The master workbook, the results form, the public notices, every
    township workbook and every inspector workbook: LibreOffice opens and
    re-saves each, and every sheet reads back with the same values."""
    binary = soffice()
    sources = sorted((demo / "exports").rglob("*.xlsx"))
    kinds = {p.parent.name for p in sources}
    assert {"exports", "乡镇街道", "执法人员", "公示"} <= kinds and len(sources) > 250
    out = tmp_path / "converted"
    _convert(binary, sources, out, tmp_path / "profile")
    assert sorted(p.name for p in out.glob("*.xlsx")) == sorted(p.name for p in sources)
    for source in sources:
        original = openpyxl.load_workbook(source)
        converted = openpyxl.load_workbook(out / source.name)
        assert converted.sheetnames == original.sheetnames, source.name
        for ws in original:
            got = _values(converted[ws.title], ws.max_column)
            assert got[: ws.max_row] == _values(ws, ws.max_column), (source.name, ws.title)
    # The results form keeps its drop-down list of result values.
    form = openpyxl.load_workbook(out / results_form.file_name("2026年第四季度跨部门联合抽查"))[results_form.FORM_SHEET]
    (check,) = form.data_validations.dataValidation
    assert check.type == "list" and results_form.CHOICES_SHEET in str(check.formula1)
