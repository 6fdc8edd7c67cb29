"""`make scaleout-demo` as a test: two app servers and task workers behind nginx, on a
throwaway PostgreSQL of its own (never the test database). Slow: `pytest -m slow`."""

import os
import re
import shutil
import subprocess
import sys
from pathlib import Path

import pytest

BASE_DIR = Path(__file__).resolve().parent.parent


@pytest.mark.slow
def test_the_app_scales_out_to_two_servers_and_two_workers_behind_nginx():
    if not (shutil.which("nginx") or Path("/usr/sbin/nginx").exists()):
        if os.environ.get("CI"):
            pytest.fail("nginx is missing: `make nginx` installs it")
        pytest.skip("nginx is not installed (make nginx)")
    env = {k: v for k, v in os.environ.items() if k != "DATABASE_URL"}
    demo = subprocess.run([sys.executable, "-m", "config.scaleout"], cwd=BASE_DIR, env=env,
                          capture_output=True, text=True, timeout=300)
    assert demo.returncode == 0, demo.stdout[-4000:] + demo.stderr[-4000:]
    assert "OK: every check passed." in demo.stdout
    for check in ("session across servers", "import across servers",
                  "autosave across servers", "reminders, two workers",
                  "login throttling across servers", "one server killed mid-load"):
        assert re.search(rf"^{check} +PASS ", demo.stdout, re.M), check
