"`gdcloud exchange`: a day's data exchange export, into a folder"
import datetime as dt
import hashlib
import io
import json
import subprocess
import zipfile

from .conftest import BIN, DATABASE


def exchange(demo_path, *args):
    return subprocess.run(
        [BIN / 'gdcloud', 'exchange', *args, '--path', demo_path,
            '--database', DATABASE],
        capture_output=True, text=True)


def test_exchange_writes_the_day_s_files(demo_path, tmp_path):
    """The association exports a day: the JSON file and the ZIP of CSV
    files, with the SHA-256 printed; a second run makes the next version"""
    day = dt.date.today() - dt.timedelta(days=1)
    result = exchange(
        demo_path, day.isoformat(), '--out', tmp_path, '--user', 'assoc')
    assert result.returncode == 0, result.stderr
    files = {p.name: p.read_bytes() for p in tmp_path.iterdir()}
    # The demo's cron may have exported the day already
    name = min(files).rsplit('.', 1)[0]
    prefix = f'exchange-{day:%Y%m%d}-province-v'
    assert name.startswith(prefix)
    version = int(name[len(prefix):])
    assert sorted(files) == [f'{name}.json', f'{name}.zip']
    for file_name, data in files.items():
        assert (f'{hashlib.sha256(data).hexdigest()}  {tmp_path / file_name}'
            in result.stdout)
    data = json.loads(files[f'{name}.json'])
    assert data['header']['date'] == day.isoformat()
    assert set(data) == {
        'header', 'sales', 'refunds', 'changes', 'checks', 'totals'}
    # The demo replays yesterday: 2 runs of 7 passengers sold, one refunded
    # on each, 5 boarded on each and one refused ID card on each
    totals = data['totals']
    assert totals['sale']['count'] == len(data['sales']) == 14
    assert totals['refund']['count'] == len(data['refunds']) == 2
    assert (totals['check']['count'], totals['check']['passed'],
        totals['check']['refused']) == (12, 10, 2)
    assert all('*' in sale['id_number_masked'] for sale in data['sales'])
    with zipfile.ZipFile(io.BytesIO(files[f'{name}.zip'])) as archive:
        assert sorted(archive.namelist()) == [
            'changes.csv', 'checks.csv', 'refunds.csv', 'sales.csv',
            'totals.csv']
        header = archive.read('sales.csv').decode('utf-8-sig').splitlines()[0]
    assert header.startswith('ticket_number,order_number,station_code')

    again = exchange(
        demo_path, day.isoformat(), '--out', tmp_path, '--user', 'assoc')
    assert again.returncode == 0, again.stderr
    assert (tmp_path / f'{prefix}{version + 1}.json').exists()


def test_exchange_refuses_a_day_in_the_future(demo_path, tmp_path):
    "A day after today is refused with the translated reason"
    day = dt.date.today() + dt.timedelta(days=2)
    result = exchange(demo_path, day.isoformat(), '--out', tmp_path)
    assert result.returncode == 1
    assert "晚于今天" in result.stderr
    assert not list(tmp_path.iterdir())


def test_exchange_refuses_a_malformed_date(demo_path, tmp_path):
    "A date that is not YYYY-MM-DD is refused with the format to use"
    result = exchange(demo_path, '2026-11', '--out', tmp_path)
    assert result.returncode == 2
    assert "give it as YYYY-MM-DD" in result.stderr
