# This file is part of GD Station Cloud.  The COPYRIGHT file at the top
# level of this repository contains the full copyright notices and license
# terms.
"""The import of routes and schedules from CSV files, as the least
privileged role that may create them (the administrators' group)"""
import datetime as dt
import os
from decimal import Decimal

from trytond.model.exceptions import AccessError
from trytond.modules.gd_ticketing.exceptions import ImportFileError
from trytond.pool import Pool
from trytond.tests.test_tryton import (
    TestCase, activate_module, with_transaction)

from .tools import (
    as_user, create_carrier, create_route, create_schedule, create_station,
    create_user)

HERE = os.path.dirname(__file__)


def sample(name):
    with open(os.path.join(HERE, name), 'rb') as file:
        return file.read()


def replace_line(data, number, line):
    "data with its line number (from 1) replaced by line"
    lines = data.decode('utf-8').splitlines()
    lines[number - 1] = line
    return ('\n'.join(lines) + '\n').encode('utf-8')


def run_import(kind, data, skip_rejected=False):
    "Run the wizard on data; return the values of its result"
    Import = Pool().get('gd.ticketing.import', type='wizard')
    session_id, _, _ = Import.create()
    result = Import.execute(session_id, {
            'start': {
                'kind': kind,
                'file': data,
                'file_name': f'{kind}.csv',
                'skip_rejected': skip_rejected,
                },
            }, 'import_')
    Import.delete(session_id)
    return result['view']['defaults']


class ImportTestCase(TestCase):
    "Test the import of routes and schedules"

    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        activate_module('gd_ticketing', lang='zh_CN')

    def setup_network(self):
        "The stations and the carrier of the sample files, and the importer"
        self.stations = {
            code: create_station(name, code, code[:6])
            for name, code in [
                ("广州省汽车客运站", '440100001'),
                ("佛山汽车站", '440600001'),
                ("肇庆粤西客运站", '441200001'),
                ("深圳罗湖汽车站", '440300001'),
                ]}
        self.carrier = create_carrier("广东粤运", 'C001')
        # Other tests may have committed records (on PostgreSQL)
        self.before = {
            name: {r.id for r in Pool().get(name).search([])}
            for name in ['gd.route', 'gd.schedule']}
        return create_user('import_admin', 'res.group_admin')

    def created(self, name):
        "The records of name created since setup_network"
        return [
            r for r in Pool().get(name).search([])
            if r.id not in self.before[name]]

    def routes(self):
        return {r.code: r for r in self.created('gd.route')}

    def schedules(self):
        return {s.number: s for s in self.created('gd.schedule')}

    @with_transaction()
    def test_good_files_import_routes_stops_and_schedules(self):
        "The sample files import two routes with their stops, 3 schedules"
        user = self.setup_network()
        with as_user(user):
            result = run_import('routes', sample('routes.csv'))
            self.assertEqual(
                (result['rows_read'], result['rows_imported'],
                    result['rows_rejected'], result['records_created']),
                (5, 5, 0, 2))
            self.assertFalse(result['rejected'])
            self.assertEqual(result['summary'], "所有行均已导入。")

            routes = self.routes()
            self.assertEqual(set(routes), {'GZ-ZQ', 'GZ-SZ'})
            route = routes['GZ-ZQ']
            self.assertEqual(route.name, "广州—肇庆")
            self.assertEqual(route.route_type.code, 'inter_city')
            self.assertEqual(
                [(s.station.code, s.distance_km, s.minutes)
                    for s in route.stops],
                [('440100001', Decimal('0.0'), 0),
                    ('440600001', Decimal('32.5'), 50),
                    ('441200001', Decimal('110.0'), 120)])
            self.assertEqual(route.origin_station.code, '440100001')

            result = run_import('schedules', sample('schedules.csv'))
            self.assertEqual(
                (result['rows_read'], result['rows_imported'],
                    result['rows_rejected'], result['records_created']),
                (3, 3, 0, 3))
            schedules = self.schedules()
            k101, k102, k201 = (
                schedules['K101'], schedules['K102'], schedules['K201'])
            self.assertEqual(k101.route, route)
            self.assertEqual(k101.carrier, self.carrier)
            self.assertEqual(k101.departure_time, dt.time(8, 30))
            self.assertEqual(k101.valid_from, dt.date(2026, 12, 1))
            self.assertIsNone(k101.valid_to)
            self.assertEqual(k101.vehicle_type.code, 'large')
            self.assertEqual(
                (k101.seats, k101.sale_open_days, k101.sale_close_minutes,
                    k101.gate, k101.bay),
                (45, 7, 10, '3', '12'))
            self.assertEqual(
                [k102.monday, k102.friday, k102.saturday, k102.sunday],
                [True, True, False, False])
            self.assertEqual(k102.valid_to, dt.date(2027, 6, 30))
            self.assertIsNone(k102.vehicle_type)
            # Empty sale windows take the defaults
            self.assertEqual(
                (k102.sale_open_days, k102.sale_close_minutes), (7, 10))
            self.assertEqual(k201.schedule_type.code, 'extra')
            self.assertEqual(
                [k201.friday, k201.saturday, k201.sunday],
                [False, True, True])
            self.assertIsNone(k201.gate)

    @with_transaction()
    def test_one_broken_row_imports_nothing(self):
        "A file with one broken row imports nothing and names the row"
        user = self.setup_network()
        data = replace_line(
            sample('routes.csv'), 3,
            'GZ-ZQ,广州—肇庆,inter_city,2,449999999,32.5,50')
        with as_user(user):
            result = run_import('routes', data)
            self.assertEqual(self.routes(), {})
        self.assertEqual(
            (result['rows_read'], result['rows_imported'],
                result['rows_rejected'], result['records_created']),
            (5, 0, 3, 0))
        self.assertIn("未导入任何数据", result['summary'])
        lines = result['rejected'].splitlines()
        self.assertEqual(
            [line.split('：')[0] for line in lines],
            ["第 2 行", "第 3 行", "第 4 行"])
        self.assertIn("没有编码为“449999999”的客运站", lines[1])
        self.assertIn("客运站列表", lines[1])
        # The correct rows of the route say why they are left out
        self.assertIn("因第 3 行有误，线路“GZ-ZQ”整条不导入", lines[0])

    @with_transaction()
    def test_only_correct_rows_imports_the_good_and_lists_the_bad(self):
        "With the box ticked the good rows are imported, the bad listed"
        user = self.setup_network()
        routes = replace_line(
            sample('routes.csv'), 6,
            'GZ-SZ,广州—深圳,inter_city,2,440300001,140.2,abc')
        with as_user(user):
            result = run_import('routes', routes, skip_rejected=True)
            self.assertEqual(set(self.routes()), {'GZ-ZQ'})
            self.assertEqual(
                (result['rows_read'], result['rows_imported'],
                    result['rows_rejected'], result['records_created']),
                (5, 3, 2, 1))
            self.assertIn("正确的行已导入", result['summary'])
            lines = result['rejected'].splitlines()
            self.assertEqual(len(lines), 2)
            self.assertTrue(lines[1].startswith("第 6 行："))
            self.assertIn("“minutes”列须为整数，而不是“abc”", lines[1])

            schedules = replace_line(
                sample('schedules.csv'), 3,
                'K102,GZ-ZQ,C001,25:00,12345,2026-12-01,,regular,,39,,,3,13')
            result = run_import('schedules', schedules, skip_rejected=True)
            self.assertEqual(set(self.schedules()), {'K101'})
            self.assertEqual(
                (result['rows_read'], result['rows_imported'],
                    result['rows_rejected']), (3, 1, 2))
            lines = result['rejected'].splitlines()
            self.assertTrue(lines[0].startswith("第 3 行："))
            self.assertIn("HH:MM", lines[0])
            self.assertIn("25:00", lines[0])
            self.assertTrue(lines[1].startswith("第 4 行："))
            self.assertIn("没有编码为“GZ-SZ”的线路", lines[1])

    @with_transaction()
    def test_gb18030_and_bom_files_are_read(self):
        "A GB18030 file and a UTF-8 file with BOM read as UTF-8 does"
        user = self.setup_network()
        text = sample('routes.csv').decode('utf-8')
        with as_user(user):
            result = run_import('routes', text.encode('gb18030'))
            self.assertEqual(result['records_created'], 2)
            self.assertEqual(self.routes()['GZ-ZQ'].name, "广州—肇庆")
            result = run_import(
                'schedules', sample('schedules.csv').decode().encode(
                    'utf-8-sig'))
            self.assertEqual(result['records_created'], 3)

    @with_transaction()
    def test_chinese_headers(self):
        "The columns may be named by their Chinese labels, in any order"
        user = self.setup_network()
        routes = (
            "线路编码,线路名称,线路类型,序号,客运站编码,里程(公里),运行分钟\n"
            "GZ-FS,广州—佛山,inter_city,1,440100001,0,0\n"
            "GZ-FS,广州—佛山,inter_city,2,440600001,28,45\n")
        schedules = (
            "班次号,线路编码,客运企业编码,发车时刻,班期,生效日期,"
            "班次类型,售票座位数,检票口\n"
            "F1,GZ-FS,C001,07:00,1234567,2026-12-01,regular,20,5\n")
        # The full header as in the README, with half-width brackets too
        all_columns = (
            "班次号,线路编码,客运企业编码,发车时刻,班期,生效日期,失效日期,"
            "班次类型,车型,售票座位数,提前开售（天）,发车前停售(分钟),"
            "检票口,发车位\n"
            "F2,GZ-FS,C001,07:30,67,2026-12-01,2027-01-31,regular,small,"
            "19,3,5,6,7\n")
        with as_user(user):
            result = run_import('routes', routes.encode('utf-8'))
            self.assertEqual(result['records_created'], 1, result['rejected'])
            result = run_import('schedules', schedules.encode('gb18030'))
            self.assertEqual(result['records_created'], 1, result['rejected'])
            schedule = self.schedules()['F1']
            self.assertEqual(schedule.gate, '5')
            self.assertEqual(schedule.route.code, 'GZ-FS')
            result = run_import('schedules', all_columns.encode('utf-8'))
            self.assertEqual(result['records_created'], 1, result['rejected'])
            schedule = self.schedules()['F2']
            self.assertEqual(
                (schedule.valid_to, schedule.vehicle_type.code,
                    schedule.sale_open_days, schedule.sale_close_minutes,
                    schedule.bay),
                (dt.date(2027, 1, 31), 'small', 3, 5, '7'))

    @with_transaction()
    def test_duplicate_schedule_number_is_refused(self):
        "A number used at the origin station, in the base or file, is refused"
        user = self.setup_network()
        stations = self.stations
        route = create_route('OLD', "旧线", [
                (stations['440100001'], 0, 0),
                (stations['440300001'], 140, 150)])
        create_schedule('K101', route, self.carrier, active=False)
        with as_user(user):
            run_import('routes', sample('routes.csv'))
            data = sample('schedules.csv') + (
                b'K102,GZ-SZ,C001,18:00,1234567,2026-12-01,,regular,,20,,,,\n')
            result = run_import('schedules', data)
            self.assertEqual(set(self.schedules()), set())
        lines = result['rejected'].splitlines()
        self.assertEqual(len(lines), 2)
        self.assertTrue(lines[0].startswith("第 2 行："))
        self.assertIn(
            "客运站“广州省汽车客运站”已有班次号为“K101”的班次计划",
            lines[0])
        self.assertTrue(lines[1].startswith("第 5 行："))
        self.assertIn("已在第 3 行使用", lines[1])

    @with_transaction()
    def test_route_rows_are_checked(self):
        "Each kind of bad route row is reported on its line"
        user = self.setup_network()
        create_route('GZ-FS', "广州—佛山", [
                (self.stations['440100001'], 0, 0),
                (self.stations['440600001'], 28, 45)])
        data = '\n'.join([
                'route_code,route_name,route_type,sequence,station_code,'
                'distance_km,minutes',
                # 2-3: distances not increasing
                'A,甲线,inter_city,1,440100001,0,0',
                'A,甲线,inter_city,2,440600001,0,30',
                # 4-5: minutes decreasing, origin not at 0
                'B,乙线,inter_city,1,440100001,5,10',
                'B,乙线,inter_city,2,440600001,20,5',
                # 6: a single stop
                'C,丙线,inter_city,1,440100001,0,0',
                # 7-8: unknown route type, another name
                'D,丁线,no_such_type,1,440100001,0,0',
                'D,丁二线,inter_city,2,440600001,10,10',
                # 9-10: the code exists
                'GZ-FS,广佛线,inter_city,1,440100001,0,0',
                'GZ-FS,广佛线,inter_city,2,440600001,28,45',
                # 11-12: a station twice, a distance with two decimals
                'E,戊线,inter_city,1,440100001,0,0',
                'E,戊线,inter_city,2,440100001,1.25,10',
                # 13: a missing value
                'F,己线,inter_city,,440100001,0,0',
                ]).encode('utf-8')
        with as_user(user):
            result = run_import('routes', data, skip_rejected=True)
            self.assertEqual(set(self.routes()), {'GZ-FS'})
        self.assertEqual(result['rows_rejected'], 12)
        rejected = dict(
            line.split('：', 1) for line in result['rejected'].splitlines())
        self.assertIn(
            "里程 0.0 公里不大于上一停靠站（第 2 行）", rejected["第 3 行"])
        self.assertIn("设为 0", rejected["第 4 行"])
        self.assertIn("运行分钟 5 少于", rejected["第 5 行"])
        self.assertIn("只有一个停靠站", rejected["第 6 行"])
        self.assertIn("代码“no_such_type”不存在", rejected["第 7 行"])
        self.assertIn("inter_city", rejected["第 7 行"])
        self.assertIn("“丁二线”", rejected["第 8 行"])
        self.assertIn("线路“GZ-FS”已存在", rejected["第 9 行"])
        self.assertIn("已在第 11 行", rejected["第 12 行"])
        self.assertIn("最多 1 位小数", rejected["第 12 行"])
        self.assertIn("“sequence”列为空", rejected["第 13 行"])

    @with_transaction()
    def test_schedule_rows_are_checked(self):
        "Each kind of bad schedule row is reported on its line"
        user = self.setup_network()
        header = sample('schedules.csv').decode().splitlines()[0]
        data = '\n'.join([
                header,
                'S1,GZ-ZQ,C999,08:00,12345,2026-12-01,,regular,,45,,,,',
                'S2,GZ-ZQ,C001,08:00,1289,2026-12-01,,regular,,45,,,,',
                'S3,GZ-ZQ,C001,08:00,12345,2026/12/01,,regular,,45,,,,',
                'S4,GZ-ZQ,C001,08:00,12345,2026-12-01,2026-11-01,regular,,'
                '45,,,,',
                'S5,GZ-ZQ,C001,08:00,12345,2026-12-01,,regular,bus,0,-1,,,',
                'S6,GZ-ZQ,C001,08:00,12345,2026-12-01,,regular,,45,,,,,x',
                ]).encode('utf-8')
        with as_user(user):
            run_import('routes', sample('routes.csv'))
            result = run_import('schedules', data)
        rejected = dict(
            line.split('：', 1) for line in result['rejected'].splitlines())
        self.assertEqual(len(rejected), 6)
        self.assertIn("没有编码为“C999”的客运企业", rejected["第 2 行"])
        self.assertIn("1（周一）至 7（周日）", rejected["第 3 行"])
        self.assertIn("YYYY-MM-DD", rejected["第 4 行"])
        self.assertIn("失效日期 2026-11-01 早于", rejected["第 5 行"])
        self.assertIn("代码“bus”不存在", rejected["第 6 行"])
        self.assertIn("“seats”列须大于 0", rejected["第 6 行"])
        self.assertIn(
            "“sale_open_days”列须大于或等于 0", rejected["第 6 行"])
        self.assertIn("多于标题行的 14 列", rejected["第 7 行"])

    @with_transaction()
    def test_unreadable_files_are_refused(self):
        "Unknown or missing columns and a file without rows are refused"
        user = self.setup_network()
        with as_user(user):
            with self.assertRaises(ImportFileError) as context:
                run_import('routes', b'route_code,name\nA,B\n')
            self.assertIn("“name”", str(context.exception))
            self.assertIn("route_name（线路名称）", str(context.exception))
            with self.assertRaises(ImportFileError) as context:
                run_import('routes', b'route_code,route_name\nA,B\n')
            self.assertIn("station_code（客运站编码）", str(context.exception))
            with self.assertRaises(ImportFileError):
                run_import(
                    'routes', sample('routes.csv').splitlines()[0] + b'\n')
            with self.assertRaises(ImportFileError):
                run_import('routes', b'')

    @with_transaction()
    def test_role_without_create_access_cannot_import(self):
        "A station user, who may not create routes, cannot run the import"
        self.setup_network()
        user = create_user(
            'import_station', 'group_station',
            station=self.stations['440100001'])
        with as_user(user):
            with self.assertRaises(AccessError):
                run_import('routes', sample('routes.csv'))
        self.assertEqual(self.routes(), {})
