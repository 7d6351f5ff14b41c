"Browser smoke test: the web client in Chromium, as a city-bureau user"
import subprocess
from pathlib import Path

from .conftest import DATABASE

ROOT = Path(__file__).resolve().parents[2]
ARTIFACTS = ROOT / 'test-artifacts'


def test_city_bureau_user_sees_the_chinese_menu(server):
    "The 广州市 bureau user logs in with sao and sees the three modules"
    ARTIFACTS.mkdir(exist_ok=True)
    screenshot = ARTIFACTS / 'smoke-gz_bureau-menu.png'
    screenshot.unlink(missing_ok=True)
    result = subprocess.run(
        ['node', Path(__file__).with_name('smoke.mjs'), server['url'],
            DATABASE, 'gz_bureau', 'demo-gz-bureau-2020', screenshot,
            "公文管理", "部署推进", "联网售票"],
        cwd=ROOT, capture_output=True, text=True, timeout=180)
    print(result.stdout, result.stderr)
    assert result.returncode == 0, result.stderr
    assert screenshot.stat().st_size > 10_000


def test_carrier_reads_its_settled_waybill(server):
    """The carrier's dispatcher opens 电子路单 in sao, finds yesterday's
    settled waybill of the demo and opens its form"""
    ARTIFACTS.mkdir(exist_ok=True)
    screenshot = ARTIFACTS / 'waybill-gz_carrier.png'
    screenshot.unlink(missing_ok=True)
    result = subprocess.run(
        ['node', Path(__file__).with_name('waybill.mjs'), server['url'],
            DATABASE, 'gz_carrier', 'demo-gz-carrier-2020', screenshot,
            '440100001-A3-000001'],
        cwd=ROOT, capture_output=True, text=True, timeout=180)
    print(result.stdout, result.stderr)
    assert result.returncode == 0, result.stderr
    assert "form opened" in result.stdout
    assert screenshot.stat().st_size > 10_000
