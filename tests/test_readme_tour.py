"""The README's tour, run as written: every output it shows is what the commands print now."""

from __future__ import annotations

import shutil
import subprocess
import sys
from pathlib import Path

import pytest

SCRIPT = Path(__file__).resolve().parent.parent / "scripts" / "readme_tour.py"


@pytest.mark.slow
@pytest.mark.skipif(shutil.which("curl") is None, reason="the tour calls the API with curl")
def test_the_readme_tour_prints_what_the_readme_shows():
    done = subprocess.run(
        [sys.executable, str(SCRIPT), "--check"], capture_output=True, text=True, timeout=600, check=False
    )

    assert done.returncode == 0, done.stdout + done.stderr
    assert done.stdout.endswith("commands, outputs as shown\n")
