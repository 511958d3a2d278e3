"""The completion report as HR opens it: LibreOffice Calc reads the CSV and the workbook (each
converted headless to XLSX, then read back), with the right columns, numbers, dates and letters."""

import shutil
import subprocess
from datetime import datetime
from pathlib import Path

import openpyxl
import pytest

from tests.reporting.test_completions import export, people  # noqa: F401  (a fixture)

SOFFICE = shutil.which("soffice")
# Semicolon, double quotes, UTF-8, from line 1, Norwegian (1044) numbers, detect dates
NORWEGIAN_CSV = "CSV:59,34,76,1,,1044,false,false,true"


def through_calc(source: Path, infilter: str | None = None) -> list[tuple]:  # type: ignore[type-arg]
    """Open ``source`` in LibreOffice Calc and save it as XLSX; the rows it holds then."""
    if SOFFICE is None:
        pytest.skip("LibreOffice is not installed (apt-get install libreoffice-calc-nogui)")
    out = source.parent / "calc"
    command = [SOFFICE, f"-env:UserInstallation=file://{source.parent / 'profile'}",
               "--headless", "--convert-to", "xlsx", "--outdir", str(out), str(source)]  # fmt: skip
    if infilter:
        command[2:2] = [f"--infilter={infilter}"]
    subprocess.run(command, check=True, capture_output=True, timeout=120)
    sheet = openpyxl.load_workbook(out / f"{source.stem}.xlsx").active
    return list(sheet.iter_rows(values_only=True))


def test_calc_reads_the_norwegian_csv_and_the_swedish_workbook(people, tmp_path):  # noqa: F811
    org, _who = people
    (tmp_path / "rapport.csv").write_bytes(export(org, "csv", "nb"))
    rows = through_calc(tmp_path / "rapport.csv", NORWEGIAN_CSV)
    assert rows[0][:5] == ("Ansattnummer", "Navn", "E-post", "Enhet", "Leder")
    assert len(rows) == 5 and all(len(row) == 20 for row in rows)
    ase, bo = rows[2], rows[3]
    assert ase[1:4] == ("Åse Ærø", "ase@vik.test", "Helse og omsorg/Sykehjem Nord")
    assert ase[10:14] == (4, 4, 1, 1)  # numbers, "1,0000" read with the Norwegian comma
    assert ase[14:16] == (datetime(2026, 3, 2, 8, 0), datetime(2026, 3, 2, 8, 3))
    assert (bo[0], bo[1], bo[18], bo[19]) == ("'+102", "'=Bo Berg", datetime(2026, 3, 3), "ja")

    (tmp_path / "rapport.xlsx").write_bytes(export(org, "xlsx", "sv"))
    rows = through_calc(tmp_path / "rapport.xlsx")
    assert rows[0][:5] == ("Anställningsnummer", "Namn", "E-post", "Enhet", "Chef")
    ase, bo = rows[2], rows[3]
    assert ase[1] == "Åse Ærø" and ase[10:13] == (4, 4, 1)
    assert ase[14] == datetime(2026, 3, 2, 8, 0)
    # text stays text ("+102", "=Bo Berg"); Calc saves a boolean as the formula TRUE()
    assert (bo[0], bo[1], bo[18], bo[19]) == ("+102", "=Bo Berg", datetime(2026, 3, 3), "=TRUE()")
