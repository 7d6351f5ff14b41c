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
