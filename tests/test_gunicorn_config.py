"""gunicorn.conf.py: the models are loaded in the master, the workers answer in both languages
with them, and the workers stop cleanly (their inherited onnxruntime is never torn down)."""

from __future__ import annotations

import json
import os
import shutil
import signal
import subprocess
import sys
import time
import urllib.parse
import urllib.request
from pathlib import Path

import pytest

from tests.conftest import DEMO_CONTENT, PROJECT_ROOT, free_port

GUNICORN = Path(sys.executable).parent / "gunicorn"
pytestmark = pytest.mark.skipif(not GUNICORN.exists(), reason="gunicorn is not installed")


def _search(base: str, words: str) -> dict:
    url = f"{base}/api/v1/search?q={urllib.parse.quote(words)}"
    with urllib.request.urlopen(url, timeout=60) as answer:
        return json.load(answer)


@pytest.fixture()
def server_env(tmp_path):
    shutil.copytree(DEMO_CONTENT, tmp_path / "content")
    env = {**os.environ, "DATABASE_URL": f"sqlite:///{tmp_path / 'site.db'}",
           "KB_CONTENT_DIR": str(tmp_path / "content"), "KB_INDEX_DIR": str(tmp_path / "index"),
           "SECRET_KEY": "gunicorn-test", "KB_TICKET_DELIVERY": "off"}
    flask = [sys.executable, "-m", "flask", "--app", "wsgi"]
    for step in (["db", "upgrade"], ["index", "rebuild"]):
        subprocess.run([*flask, *step], cwd=PROJECT_ROOT, env=env, check=True,
                       capture_output=True)
    return env


def _serve(env: dict, log: Path) -> tuple[subprocess.Popen, str]:
    port = free_port()
    with log.open("w") as output:
        process = subprocess.Popen([str(GUNICORN), "--workers", "2", "--bind",
                                    f"127.0.0.1:{port}", "wsgi:app"], cwd=PROJECT_ROOT,
                                   env=env, stdout=output, stderr=subprocess.STDOUT)
    base = f"http://127.0.0.1:{port}"
    deadline = time.monotonic() + 120
    while time.monotonic() < deadline:
        try:
            urllib.request.urlopen(f"{base}/healthz", timeout=5).close()
            return process, base
        except OSError:
            if process.poll() is not None:
                raise AssertionError(log.read_text()) from None
            time.sleep(0.3)
    process.kill()
    raise AssertionError(f"gunicorn did not answer:\n{log.read_text()}")


@pytest.mark.parametrize("preload", ["on", "off"])
def test_workers_answer_both_languages_and_stop_cleanly(server_env, tmp_path, preload):
    log = tmp_path / "gunicorn.log"
    process, base = _serve({**server_env, "KB_PRELOAD_MODELS": preload}, log)
    try:
        for number in range(6):  # several requests, so both workers answer
            english = _search(base, f"reset password {number}")
            chinese = _search(base, f"忘记密码 {number}")
            assert english["results"] and chinese["results"]
    finally:
        process.send_signal(signal.SIGTERM)
        code = process.wait(timeout=60)
    output = log.read_text()
    assert code == 0, output
    assert "SIGABRT" not in output and "terminate called" not in output, output
    assert "not preloaded" not in output, output
