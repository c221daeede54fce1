"""report.html in a real headless Chromium: it renders, and it asks the network for nothing.

Chromium's network log records every URL request with its initiator; requests
made by the page carry the page's origin (``null`` for a file), while the
browser's own background requests carry ``not an origin``.  A control page with
external references proves the check sees page requests.
"""

from __future__ import annotations

import json
import os
import shutil
import struct
import subprocess
from pathlib import Path

import pytest

from mktsim.report import write_report
from mktsim.report.sections import LAYOUT
from report_fixtures import write_results

CHROMIUM = shutil.which("chromium") or "/usr/bin/chromium"
pytestmark = pytest.mark.skipif(
    not Path(CHROMIUM).exists(),
    reason="chromium is not installed (apt-get install -y chromium); CI installs it",
)
FLAGS = [
    "--headless",
    "--no-sandbox",
    "--disable-gpu",
    "--disable-quic",
    "--no-first-run",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    "--hide-scrollbars",
    "--host-resolver-rules=MAP * ~NOTFOUND",
]


def chromium(page: Path, work: Path, *extra: str) -> tuple[str, Path]:
    """Run Chromium on ``page``; return stdout and the path of its network log."""
    work.mkdir(parents=True, exist_ok=True)
    netlog = work / "netlog.json"
    cmd = [
        CHROMIUM,
        *FLAGS,
        f"--user-data-dir={work / 'profile'}",
        f"--log-net-log={netlog}",
        *extra,
        page.resolve().as_uri(),
    ]
    env = {**os.environ, "HOME": str(work)}
    done = subprocess.run(cmd, capture_output=True, text=True, timeout=120, env=env, check=False)
    assert done.returncode == 0, done.stderr[-2000:]
    return done.stdout, netlog


def page_requests(netlog: Path) -> list[str]:
    """http(s) URLs requested by the page itself (not by the browser's own services)."""
    log = json.loads(netlog.read_text(encoding="utf-8"))
    start = log["constants"]["logEventTypes"]["URL_REQUEST_START_JOB"]
    urls = []
    for event in log["events"]:
        params = event.get("params") or {}
        url = str(params.get("url", ""))
        by_page = params.get("initiator") != "not an origin"
        if event["type"] == start and url.startswith(("http:", "https:")) and by_page:
            urls.append(url)
    return urls


@pytest.fixture(scope="module")
def report(tmp_path_factory: pytest.TempPathFactory) -> Path:
    folder = tmp_path_factory.mktemp("browser")
    write_results(folder, reps=60, track=True)
    (path,) = write_report(folder, ["html"])
    return path


def test_dom_has_every_section_and_no_request_leaves(report: Path, tmp_path: Path) -> None:
    dom, netlog = chromium(report, tmp_path, "--dump-dom")
    for _, heading, _ in LAYOUT:
        assert f"<h2>{heading}</h2>" in dom
    assert dom.count("<img ") == report.read_text(encoding="utf-8").count("<img ") >= 10
    assert not (report.parent / "report_files").exists()
    assert page_requests(netlog) == []


def test_screenshot_renders(report: Path, tmp_path: Path) -> None:
    shot = tmp_path / "shot.png"
    chromium(report, tmp_path, "--window-size=1280,2400", f"--screenshot={shot}")
    data = shot.read_bytes()
    assert data[:8] == b"\x89PNG\r\n\x1a\n"
    assert struct.unpack(">II", data[16:24]) == (1280, 2400)
    assert len(data) > 50_000  # text, tables and charts, not a blank page


def test_control_page_with_external_references_is_caught(tmp_path: Path) -> None:
    page = tmp_path / "control.html"
    page.write_text(
        '<!DOCTYPE html><html><body><h1>x</h1><img src="http://example.com/a.png">'
        '<link rel="stylesheet" href="https://cdn.example.org/x.css"></body></html>',
        encoding="utf-8",
    )
    _, netlog = chromium(page, tmp_path / "run", "--dump-dom")
    assert sorted(page_requests(netlog)) == [
        "http://example.com/a.png",
        "https://cdn.example.org/x.css",
    ]


@pytest.fixture(scope="module")
def report_zh(tmp_path_factory: pytest.TempPathFactory) -> Path:
    folder = tmp_path_factory.mktemp("browser_zh")
    write_results(folder, reps=60, track=True)
    (path,) = write_report(folder, ["html"], lang="zh")
    return path


def test_chinese_report_has_every_section_and_no_request_leaves(report_zh: Path,
                                                                 tmp_path: Path) -> None:
    """The zh report renders in Chromium with every section, its headings in Chinese, its
    charts embedded, and asks the network for nothing."""
    from mktsim.i18n import _, use_language

    dom, netlog = chromium(report_zh, tmp_path, "--dump-dom")
    assert '<html lang="zh-CN">' in dom
    with use_language("zh"):
        headings = [_(heading) for _key, heading, _tables in LAYOUT]
    for heading in headings:
        assert f"<h2>{heading}</h2>" in dom
    assert "<h2>摘要</h2>" in dom and "结论：" in dom and "万元" in dom
    assert dom.count("<img ") == report_zh.read_text(encoding="utf-8").count("<img ") >= 10
    assert page_requests(netlog) == []
    shot = tmp_path / "shot.png"
    chromium(report_zh, tmp_path / "shot", "--window-size=1280,2400", f"--screenshot={shot}")
    assert shot.read_bytes()[:8] == b"\x89PNG\r\n\x1a\n" and shot.stat().st_size > 50_000
