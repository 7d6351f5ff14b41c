"`make demo`: the demo database, its users and the running server"
import sqlite3
import subprocess
from decimal import Decimal

import pytest

from gdcloud import MODULES, demo

from .conftest import BIN, DATABASE

MENU_ROOTS = {"公文管理", "部署推进", "联网售票"}
ROLES = {
    'dept': "省交通运输厅",
    'gz_bureau': "市交通运输局",
    'assoc': "省道路运输协会",
    'tech': "技术支持单位",
    'gz_station': "客运站",
    'gz_carrier': "客运企业",
    'tracer': "流调查询员",
    }
# The roles of ticketing alone see its menu only
TICKETING_ONLY = {'gz_carrier', 'tracer'}


def test_demo_database_has_the_modules_activated(demo_path):
    "The three modules are activated in the demo database"
    with sqlite3.connect(demo_path / f'{DATABASE}.sqlite') as connection:
        activated = {name for name, in connection.execute(
                "SELECT name FROM ir_module WHERE state = 'activated'")}
        wizard = connection.execute(
            "SELECT COUNT(*) FROM ir_module_config_wizard_item "
            "WHERE state != 'done'").fetchone()[0]
    assert set(MODULES) <= activated
    assert wizard == 0, "the admin's first-login wizard is not done"


def test_second_build_reuses_the_database(demo_path):
    "Building again leaves an up-to-date database as it is"
    database = demo_path / f'{DATABASE}.sqlite'
    before = database.stat().st_mtime_ns
    result = subprocess.run(
        [BIN / 'gdcloud', 'build-demo', demo_path, '--database', DATABASE],
        check=True, capture_output=True, text=True)
    assert "up to date" in result.stdout
    assert database.stat().st_mtime_ns == before


def test_loading_the_demo_again_duplicates_nothing(tmp_path, demo_path):
    "Loading the demo records twice changes nothing"
    database = demo_path / f'{DATABASE}.sqlite'
    copy = tmp_path / f'{DATABASE}.sqlite'
    copy.write_bytes(database.read_bytes())

    def counts():
        with sqlite3.connect(copy) as connection:
            return [connection.execute(
                    f"SELECT COUNT(*) FROM {table}").fetchone()[0]
                for table in ['res_user', 'gd_station', 'gd_city',
                    '"res_user-res_group"']]
    before = counts()
    subprocess.run(
        [BIN / 'python', '-c',
            'import sys, pathlib; from gdcloud import demo; '
            'demo.load(pathlib.Path(sys.argv[1]), sys.argv[2])',
            tmp_path, DATABASE],
        check=True)
    assert counts() == before


@pytest.mark.parametrize('login', [u[0] for u in demo.DEMO_USERS])
def test_each_demo_user_logs_in_and_works_in_chinese(rpc, login):
    "Each role's demo user logs in with its printed password"
    password = {u[0]: u[1] for u in demo.DEMO_USERS}[login]
    client = rpc(login, password)
    preferences = client.call('model.res.user.get_preferences', True, {})
    assert preferences['language'] == 'zh_CN'
    groups = client.call(
        'model.res.user.read', [client.user_id], ['groups'],
        {'language': 'zh_CN'})[0]['groups']
    names = {g['name'] for g in client.call(
            'model.res.group.read', groups, ['name'], {'language': 'zh_CN'})}
    assert ROLES[login] in names
    menus = client.call(
        'model.ir.ui.menu.search_read', [('parent', '=', None)], 0, None,
        None, ['name'], {'language': 'zh_CN'})
    roots = {"联网售票"} if login in TICKETING_ONLY else MENU_ROOTS
    assert roots <= {m['name'] for m in menus}


def test_demo_users_are_in_their_organisations(rpc):
    "The city-bureau user sees only the stations of 广州市"
    client = rpc('gz_bureau', 'demo-gz-bureau-2020')
    stations = client.call(
        'model.gd.station.search_read', [], 0, None, None,
        ['name', 'city.name'], {'language': 'zh_CN'})
    assert stations
    assert {s['city.']['name'] for s in stations} == {"广州市"}


def test_cron_runs_beside_the_server(server):
    "make demo runs trytond-cron together with the server"
    assert all(p.poll() is None for p in server['processes'])
    assert [p.args[0].name if hasattr(p.args[0], 'name')
        else p.args[0].rsplit('/', 1)[-1] for p in server['processes']] \
        == ['trytond', 'trytond-cron']


def test_demo_has_stations_in_every_city_and_their_due_dates(demo_path):
    "Every city has sample stations; the calendar of due dates is filled"
    with sqlite3.connect(demo_path / f'{DATABASE}.sqlite') as connection:
        cities = connection.execute(
            "SELECT COUNT(DISTINCT city) FROM gd_station").fetchone()[0]
        surveys_due = connection.execute(
            "SELECT COUNT(*) FROM gd_deadline WHERE kind = 'survey'"
            ).fetchone()[0]
        graded = connection.execute(
            "SELECT COUNT(*) FROM gd_station "
            "WHERE grade IN ('1', '2', '3', '4', '5')").fetchone()[0]
    assert cities == 21
    assert surveys_due == graded > 0


def amount(value):
    "A Decimal as trytond's JSON-RPC sends it"
    return Decimal(value['decimal'])


def test_demo_replays_yesterday_s_operations(rpc):
    """Yesterday's runs were sold, checked, closed into waybills, inspected,
    departed and settled: the carrier reads its waybills and settlement,
    the station its checks, with masked identities"""
    carrier = rpc('gz_carrier', 'demo-gz-carrier-2020')
    waybills = carrier.call(
        'model.gd.waybill.search_read', [], 0, None, [('number', 'ASC')],
        ['number', 'state', 'headcount', 'fares', 'fees', 'amount_due',
            'inspection_result', 'hash_verified'], {'language': 'zh_CN'})
    assert [w['number'] for w in waybills] == [
        '440100001-A3-000001', '440100001-A3-000002']
    for waybill in waybills:
        assert waybill['state'] == 'settled'
        assert waybill['inspection_result'] == 'passed'
        assert waybill['hash_verified']
        # Five of the seven passengers boarded: one refunded, one absent
        assert waybill['headcount'] == 5
        assert (amount(waybill['fares']) - amount(waybill['fees'])
            == amount(waybill['amount_due']) > 0)
    settlement, = carrier.call(
        'model.gd.settlement.search_read', [], 0, None, None,
        ['state', 'amount_due'], {'language': 'zh_CN'})
    assert settlement['state'] == 'confirmed'
    assert amount(settlement['amount_due']) == sum(
        amount(w['amount_due']) for w in waybills)

    station = rpc('gz_station', 'demo-gz-station-2020')
    checks = station.call(
        'model.gd.ticket.check.search_read', [], 0, None, None,
        ['result', 'passenger'], {'language': 'zh_CN'})
    assert sorted({c['result'] for c in checks}) == ['passed', 'refused']
    passengers = station.call(
        'model.gd.passenger.search_read', [], 0, None, None,
        ['id_masked'], {'language': 'zh_CN'})
    assert passengers and all(
        '********' in p['id_masked'] for p in passengers)
