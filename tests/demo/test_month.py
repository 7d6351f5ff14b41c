"`gdcloud month`: a month's documents for every city, into a folder"
import io
import subprocess

import docx
import openpyxl

from .conftest import BIN, DATABASE


def month(demo_path, *args):
    return subprocess.run(
        [BIN / 'gdcloud', 'month', *args, '--path', demo_path,
            '--database', DATABASE],
        capture_output=True, text=True)


def test_month_writes_the_summary_and_every_city_s_report(
        demo_path, tmp_path):
    """The department generates September 2020: the province summary and
    the report of each city that filed one, with a progress bar"""
    result = month(
        demo_path, '2020-09', '--out', tmp_path, '--user', 'dept')
    assert result.returncode == 0, result.stderr
    # tqdm draws its bar on stderr: 2 summaries + 2 files for 18 cities
    assert '38/38' in result.stderr
    assert "38 documents written" in result.stdout
    # The demo's lagging cities stopped reporting after August
    assert ("No report for 2020-09 from: 韶关市、汕尾市、云浮市"
        in result.stdout)

    files = sorted(p.name for p in tmp_path.iterdir())
    assert len(files) == 38
    assert len([f for f in files if f.endswith('.docx')]) == 18
    assert len([f for f in files if f.endswith('.pdf')]) == 19
    summary, = [p for p in tmp_path.iterdir() if p.suffix == '.xlsx']
    assert summary.name == "全省月度进展汇总表（Excel）-GD-2020 2020-09.xlsx"

    sheet = openpyxl.load_workbook(io.BytesIO(summary.read_bytes())).active
    rows = list(sheet.iter_rows(values_only=True))
    header = next(i for i, r in enumerate(rows) if r[0] == "序号")
    body = rows[header + 1:header + 23]
    assert body[0][1] == "广州市"
    assert body[21][1] == "全省合计"
    assert body[21][2] == sum(r[2] for r in body[:21])
    states = {r[1]: r[8] for r in body[:21]}
    assert states["韶关市"] == "未报送"
    assert states["广州市"] in {"按时报送", "逾期报送"}

    report = tmp_path / "进展月报（Word）-广州市 2020-09 月度工作进展报告.docx"
    document = docx.Document(io.BytesIO(report.read_bytes()))
    assert document.paragraphs[0].text == (
        "广州市站务云系统推广应用工作进展月报")


def test_month_refuses_a_malformed_month(demo_path, tmp_path):
    "A month that is not YYYY-MM is refused with the format to use"
    result = month(demo_path, '2020-9-1', '--out', tmp_path)
    assert result.returncode == 2
    assert "give it as YYYY-MM" in result.stderr
    assert not list(tmp_path.iterdir())
