"Build the demo database on SQLite and run the system"
import base64
import datetime as dt
import hashlib
import os
import signal
import socket
import subprocess
import sys
import tempfile
import time
from contextlib import contextmanager
from decimal import Decimal
from unittest.mock import patch

from . import CONFIG, MODULES, ROOT, SAO, VAR
from .progress import run, step

DEMO_CONFIG = CONFIG / 'demo.conf'
LANGUAGE = 'zh_CN'

# login, password, role (res.group XML id in gd_documents), name,
# organisation as (field, code)
DEMO_USERS = [
    ('dept', 'demo-dept-2020', 'group_department',
        "省交通运输厅综合运输处（演示）", None),
    ('gz_bureau', 'demo-gz-bureau-2020', 'group_city_bureau',
        "广州市交通运输局（演示）", ('city', '440100')),
    ('assoc', 'demo-assoc-2020', 'group_association',
        "省道路运输协会（演示）", None),
    ('tech', 'demo-tech-2020', 'group_tech_company',
        "南粤通公司技术支持（演示）", None),
    ('gz_station', 'demo-gz-station-2020', 'group_station',
        "广州市汽车客运站站务员（演示）", ('station', '440100001')),
    ('gz_carrier', 'demo-gz-carrier-2020', 'gd_ticketing.group_carrier',
        "广州市第一巴士客运有限公司调度（演示）", ('carrier', 'GZB01')),
    ('tracer', 'demo-tracer-2020', 'gd_ticketing.group_trace',
        "省疾控中心流调员（演示）", None),
    ]
ADMIN_PASSWORD = 'demo-admin-2020'

# name, code, city code, county: the named stations of the demo users
DEMO_STATIONS = [
    ("广州市汽车客运站", '440100001', '440100', "越秀区"),
    ("广东省汽车客运站", '440100002', '440100', "越秀区"),
    ("广州天河客运站", '440100003', '440100', "天河区"),
    ("深圳罗湖汽车站", '440300001', '440300', "罗湖区"),
    ("深圳福田汽车客运站", '440300002', '440300', "福田区"),
    ]
# Every city gets these sample stations: name suffix, grade, daily departures
SAMPLE_STATIONS = [
    ("汽车客运总站", '1', 620),
    ("汽车客运东站", '2', 310),
    ("汽车客运西站", '3', 150),
    ("城北汽车站", '4', 60),
    ("乡镇客运站", 'simple', 12),
    ]
CITY_NAMES = {
    '440100': "广州", '440200': "韶关", '440300': "深圳", '440400': "珠海",
    '440500': "汕头", '440600': "佛山", '440700': "江门", '440800': "湛江",
    '440900': "茂名", '441200': "肇庆", '441300': "惠州", '441400': "梅州",
    '441500': "汕尾", '441600': "河源", '441700': "阳江", '441800': "清远",
    '441900': "东莞", '442000': "中山", '445100': "潮州", '445200': "揭阳",
    '445300': "云浮",
    }


def demo_stations():
    "Yield (name, code, city code, county, grade, daily departures)"
    for name, code, city, county in DEMO_STATIONS:
        yield name, code, city, county, '1', 500
    for city, short in CITY_NAMES.items():
        for i, (suffix, grade, departures) in enumerate(SAMPLE_STATIONS):
            yield (f"{short}{suffix}", f'{city}1{i:02d}', city, None,
                grade, departures)


def id_key():
    """The demo's key for identity numbers, made once into var/id-key: never
    in the database nor in git"""
    path = VAR / 'id-key'
    if not path.exists():
        VAR.mkdir(parents=True, exist_ok=True)
        path.touch(mode=0o600)
        path.write_text(base64.b64encode(os.urandom(32)).decode())
    return path.read_text().strip()


def environment(path, port=8000):
    "The environment that points trytond at the demo files"
    env = dict(os.environ)
    env.setdefault('GDCLOUD_ID_KEY', id_key())
    env['TRYTOND_DATABASE__PATH'] = str(path)
    env['TRYTOND_WEB__ROOT'] = str(SAO)
    env['TRYTOND_WEB__LISTEN'] = f'127.0.0.1:{port}'
    return env


def configure(args):
    """Point trytond at the database of a command's --config or, by
    default, at the demo's SQLite files in --path (var/db), then load the
    configuration"""
    if args.config:
        os.environ['TRYTOND_CONFIG'] = str(args.config)
    else:
        os.environ.update(environment((args.path or VAR / 'db').resolve()))
        os.environ.setdefault('TRYTOND_CONFIG', str(CONFIG / 'demo.conf'))
    from trytond import config
    config.update_etc(os.environ['TRYTOND_CONFIG'])


def source_hash():
    "A hash of everything that changes the database schema or its data"
    digest = hashlib.sha256()
    paths = sorted((ROOT / 'addons').rglob('*'))
    paths.append(ROOT / 'scripts' / 'gdcloud' / 'demo.py')
    for path in paths:
        if (path.is_file() and '__pycache__' not in path.parts
                and '/tests/' not in str(path)):
            digest.update(str(path.relative_to(ROOT)).encode())
            digest.update(path.read_bytes())
    return digest.hexdigest()


def _admin(path, name, *args):
    bin_ = os.path.dirname(sys.executable)
    with tempfile.NamedTemporaryFile('w', suffix='.pass') as passfile:
        passfile.write(ADMIN_PASSWORD + '\n')
        passfile.flush()
        env = environment(path)
        env['TRYTONPASSFILE'] = passfile.name
        run([os.path.join(bin_, 'trytond-admin'), '-c', str(DEMO_CONFIG),
                '-d', name, '-v', *args], env=env, label='trytond-admin')


def build(path, name, force=False):
    """Create or update the demo database NAME in folder PATH.

    Returns True when something was done."""
    path.mkdir(parents=True, exist_ok=True)
    database = path / f'{name}.sqlite'
    stamp = path / f'{name}.stamp'
    current = source_hash()
    if (not force and database.exists() and stamp.exists()
            and stamp.read_text() == current):
        step(f"Demo database {database} is up to date")
        return False
    if force and database.exists():
        database.unlink()
    if not database.exists():
        step(f"Creating the demo database {database} "
            "(modules and Chinese, a few seconds)")
        database.touch()
        _admin(path, name, '-u', *MODULES, '--activate-dependencies',
            '-l', LANGUAGE, '--email', 'admin@example.com')
    else:
        step("Updating the demo database to the modules' current code")
        _admin(path, name, '-u', *MODULES, '--activate-dependencies',
            '-l', LANGUAGE)
    step("Loading demo users and data")
    load(path, name)
    stamp.write_text(current)
    return True


def load(path, name):
    "Load the demo records; running it again changes nothing"
    os.environ.update(environment(path))
    from trytond import config
    config.update_etc(str(DEMO_CONFIG))
    from trytond.pool import Pool
    from trytond.transaction import Transaction

    pool = Pool(name)
    pool.init()
    with Transaction().start(name, 0, context={'language': 'en'}):
        _load_languages(pool)
        stations = _load_stations(pool)
        _load_users(pool, stations)
        _finish_config_wizard(pool)
        _load_history(pool)
        _refresh_deadlines(pool)
        _load_network(pool, path)
        _load_users(pool, stations)


def _load_languages(pool):
    Lang = pool.get('ir.lang')
    lang, = Lang.search([('code', '=', LANGUAGE)])
    lang.translatable = True
    lang.save()


def _load_stations(pool):
    City = pool.get('gd.city')
    Station = pool.get('gd.station')
    cities = {c.code: c for c in City.search([])}
    existing = {s.code for s in Station.search([])}
    to_create = [
        Station(
            name=name, code=code, city=cities[city], county=county,
            grade_scheme='jtt200_2004', grade=grade,
            daily_departures=departures, operator=f"{name}有限公司")
        for name, code, city, county, grade, departures in demo_stations()
        if code not in existing]
    Station.save(to_create)
    return {s.code: s for s in Station.search([])}


def _load_users(pool, stations):
    """The demo users of DEMO_USERS not yet there; a carrier's user once
    its carrier is (the network loads after the users)"""
    User = pool.get('res.user')
    City = pool.get('gd.city')
    Carrier = pool.get('gd.carrier')
    ModelData = pool.get('ir.model.data')
    Lang = pool.get('ir.lang')
    lang, = Lang.search([('code', '=', LANGUAGE)])
    organisations = {
        'city': {c.code: c for c in City.search([])},
        'station': stations,
        'carrier': {c.code: c for c in Carrier.search([])},
        }
    existing = {u.login for u in User.search([])}
    to_create = []
    for login, password, role, name, organisation in DEMO_USERS:
        if login in existing:
            continue
        module, _, role = role.rpartition('.')
        user = User(
            login=login, name=name, password=password, language=lang,
            groups=[ModelData.get_id(module or 'gd_documents', role)])
        if organisation:
            field, code = organisation
            if code not in organisations[field]:
                continue
            setattr(user, field, organisations[field][code])
        to_create.append(user)
    User.save(to_create)
    admin, = User.search([('login', '=', 'admin')])
    admin.language = lang
    admin.name = "系统管理员"
    admin.save()


# How far each sample station got, by its position in its city; the cities
# of LAGGING are behind the province
STAGES_BY_POSITION = ['accepted', 'switched', 'planned', 'surveyed']
LAGGING = {'440200', '441500', '445300'}
STAGE_ORDER = ['not_started', 'surveyed', 'planned', 'switched', 'accepted']


def sample_stage(code):
    "The stage the demo history brings a sample station to"
    city, position = code[:6], int(code[-2:])
    if code[6] != '1' or position >= len(STAGES_BY_POSITION):
        return 'not_started'
    stage = STAGES_BY_POSITION[position]
    if city in LAGGING:
        stage = STAGE_ORDER[max(0, STAGE_ORDER.index(stage) - 2)]
    return stage


@contextmanager
def on_date(pool, date):
    "Replay a step of the programme's history on the date it happened"
    Date = pool.get('ir.date')
    with patch.object(Date, 'today', return_value=date):
        yield


def _load_history(pool):
    """Replay the 2020 programme through its workflows: surveys submitted
    and accepted; the stations of the demo users left to work in"""
    Survey = pool.get('gd.station.survey')
    Station = pool.get('gd.station')
    Programme = pool.get('gd.programme')
    programme, = Programme.search([('code', '=', 'GD-2020')])
    done = {s.station.id for s in Survey.search([])}
    stations = [s for s in Station.search([('graded', '=', True)])
        if s.id not in done]
    surveyed = [s for s in stations
        if STAGE_ORDER.index(sample_stage(s.code)) >= 1]
    if not surveyed:
        return
    surveys = Survey.create([
            _survey_values(programme, s) for s in surveyed])
    with on_date(pool, dt.date(2020, 5, 22)):
        Survey.submit(surveys)
    with on_date(pool, dt.date(2020, 5, 28)):
        Survey.accept([s for s in surveys
                if sample_stage(s.station.code) != 'surveyed'])

    _load_cutover(pool, programme, stations)
    _load_reporting(pool, programme)

    # The demo station user's own survey: a draft the association allowed
    # to come late
    station, = Station.search([('code', '=', '440100001')])
    if station.id not in done:
        draft, = Survey.create([{
                    'programme': programme.id, 'station': station.id,
                    'system_name': "旧站务系统", 'system_vendor': "某软件公司",
                    }])
        Survey.extend_due_date(
            [draft], dt.date.today() + dt.timedelta(days=30),
            "演示：协会同意延期提交")


def _load_cutover(pool, programme, stations):
    """Cut-over plans confirmed by the tech company item by item, switches
    after a passed rehearsal and acceptances within the month"""
    from trytond.transaction import Transaction
    Plan = pool.get('gd.cutover.plan')
    Item = pool.get('gd.cutover.plan.item')
    Acceptance = pool.get('gd.acceptance')
    User = pool.get('res.user')
    tech, = User.search([('login', '=', 'tech')])

    def reached(station, stage):
        return (STAGE_ORDER.index(sample_stage(station.code))
            >= STAGE_ORDER.index(stage))
    planned = [s for s in stations if reached(s, 'planned')]
    plans = Plan.create([{
                'programme': programme.id, 'station': s.id,
                'planned_date': dt.date(2020, 8, 15),
                'description': "按切换方案分批切换售票、检票和实名核验业务",
                'rollback_plan': "切换失败时恢复旧系统售票，数据回传省平台",
                'contacts': "站务联系人 020-83730000",
                } for s in planned])
    items = [i for p in plans for i in p.items]
    Item.write(items, {'done': True, 'done_date': dt.date(2020, 6, 30)})
    with on_date(pool, dt.date(2020, 7, 1)):
        Plan.submit(plans)
    # The tech company confirms its items, then the plans, as its user
    with Transaction().set_user(tech.id), \
            on_date(pool, dt.date(2020, 7, 10)):
        Item.confirm([i for i in items if i.confirmer == 'tech_company'])
        Plan.confirm(plans)

    switched = [p for p in plans if reached(p.station, 'switched')]
    Plan.write(switched, {
            'switch_date': dt.date(2020, 8, 15),
            'rehearsals': [('create', [{
                            'date': dt.date(2020, 8, 1),
                            'scope': "售票、检票、实名核验全流程演练",
                            'result': 'passed'}])],
            })
    with on_date(pool, dt.date(2020, 8, 15)):
        Plan.switch(switched)

    accepted = [p for p in switched if reached(p.station, 'accepted')]
    acceptances = Acceptance.create([{
                'plan': p.id, 'acceptance_date': dt.date(2020, 9, 10),
                'inspectors': "省道路运输协会验收组",
                } for p in accepted])
    AcceptanceItem = pool.get('gd.acceptance.item')
    AcceptanceItem.write(
        [i for a in acceptances for i in a.items], {'result': 'pass'})
    with on_date(pool, dt.date(2020, 9, 10)):
        Acceptance.pass_(acceptances)


def _load_reporting(pool, programme):
    """Working groups of most cities, the monthly reports of May to
    October (some late, some missing) and the supervision they call for"""
    City = pool.get('gd.city')
    Group = pool.get('gd.working_group')
    Report = pool.get('gd.progress.report')
    Supervision = pool.get('gd.supervision')
    if Group.search([], limit=1):
        return
    cities = City.search([])
    groups = Group.create([{
                'programme': programme.id, 'city': city.id,
                'leader_name': f"{CITY_NAMES[city.code]}市交通运输局副局长",
                'leader_post': "副局长",
                'members': [('create', [
                            {'name': "综合运输科科长", 'unit': "综合运输科",
                                'post': "科长", 'phone': "020-00000001"},
                            {'name': "联网售票专员", 'unit': "运输管理科",
                                'post': "专员", 'phone': "020-00000002",
                                'contact': True}])],
                } for city in cities if city.code not in LAGGING])
    with on_date(pool, dt.date(2020, 5, 22)):
        Group.submit(groups)
    for month in range(5, 11):
        reports = Report.create([{
                    'programme': programme.id, 'city': city.id,
                    'month': dt.date(2020, month, 1),
                    'progress': f"{month} 月完成客运站调查和切换准备",
                    'problems': "部分外设接口调试进度较慢",
                    'next_plan': "组织切换演练，推进验收",
                    } for city in cities
                if not (city.code in LAGGING and month > 8)])
        for i, report in enumerate(reports):
            # Most reports come by the 10th; every fifth city a week late
            day = 17 if (i + month) % 5 == 0 else 8
            with on_date(pool, programme.report_due_date(
                        report.month).replace(day=day)):
                Report.submit([report])
    Supervision.propose(programme, dt.date(2020, 11, 15))


def _survey_values(programme, station):
    return {
        'programme': programme.id,
        'station': station.id,
        'system_name': "站务管理系统 V3",
        'system_vendor': "广东某信息技术有限公司",
        'channel_window': True,
        'channel_self_service': True,
        'channel_online': True,
        'ticket_windows': 6,
        'check_gates': 4,
        'peripherals': [('create', [
                    {'kind': 'id_card_reader', 'model': "华视 CVR-100",
                        'count': 8},
                    {'kind': 'ticket_printer', 'model': "得实 DS-1100",
                        'count': 6},
                    {'kind': 'gate', 'model': "实名制闸机", 'count': 4},
                    ])],
        'network_kind': 'dedicated',
        'bandwidth': 100,
        'server_count': 2,
        'daily_departures': station.daily_departures,
        'yearly_passengers': (station.daily_departures or 0) * 12000,
        'real_name_method': 'id_reader',
        'provincial_interface': "通过联网售票接口上传售票数据",
        'contacts': [('create', [{
                        'name': "站务联系人", 'post': "信息科科长",
                        'phone': "020-83730000"}])],
        }


def _load_network(pool, path):
    """A carrier and a route 广州 – 佛山 – 肇庆 with its fares, two daily
    schedules and their runs of the coming days open for sale, and the API
    key of the 广州市汽车客运站 seller, written to PATH/api-key"""
    Code = pool.get('gd.ticketing.code')
    Carrier = pool.get('gd.carrier')
    Vehicle = pool.get('gd.vehicle')
    Driver = pool.get('gd.driver')
    Station = pool.get('gd.station')
    Route = pool.get('gd.route')
    Fare = pool.get('gd.fare')
    Schedule = pool.get('gd.schedule')
    Run = pool.get('gd.run')
    User = pool.get('res.user')
    Application = pool.get('res.user.application')
    if Route.search([('code', '=', 'GZ-FS-ZQ')]):
        return

    def code(category, value):
        record, = Code.search([
                ('category', '=', category), ('code', '=', value)])
        return record

    carrier, = Carrier.create([{
                'name': "广州市第一巴士客运有限公司", 'code': 'GZB01'}])
    Vehicle.create([{
                'plate': '粤A12345', 'carrier': carrier.id, 'seats': 45,
                'vehicle_type': code('vehicle_type', 'large').id,
                'grade': code('vehicle_grade', 'high_1').id}])
    Driver.create([{
                'name': "陈师傅", 'certificate': '440100198001010011',
                'carrier': carrier.id}])
    stations = {s.code: s for s in Station.search([
                ('code', 'in', ['440100001', '440600100', '441200100'])])}
    route, = Route.create([{
                'code': 'GZ-FS-ZQ', 'name': "广州—佛山—肇庆",
                'route_type': code('route_type', 'inter_city').id,
                'stops': [('create', [
                            {'sequence': i, 'station': stations[c].id,
                                'distance_km': km, 'minutes': minutes}
                            for i, (c, km, minutes) in enumerate([
                                    ('440100001', 0, 0),
                                    ('440600100', 30, 50),
                                    ('441200100', 100, 120)])])],
                }])
    stops = route.stops
    Fare.create([{
                'route': route.id, 'departure': stops[d].id,
                'arrival': stops[a].id,
                'fare_type': code('fare_type', fare_type).id,
                'price': Decimal(f'{price:.2f}'),
                'price_cap': Decimal(f'{cap:.2f}'),
                } for d, a, fare_type, price, cap in [
                (0, 1, 'full', 25, 28), (0, 1, 'child', 12.5, 14),
                (0, 2, 'full', 58, 60), (0, 2, 'child', 29, 30),
                (1, 2, 'full', 40, 42), (1, 2, 'child', 20, 21)]])
    schedules = Schedule.create([{
                'number': number, 'route': route.id, 'carrier': carrier.id,
                'departure_time': time, 'seats': 41,
                'valid_from': dt.date(2020, 1, 1),
                'schedule_type': code('schedule_type', 'regular').id,
                'vehicle_type': code('vehicle_type', 'large').id,
                'gate': 'A3', 'bay': '12',
                **{day: True for day in ['monday', 'tuesday', 'wednesday',
                        'thursday', 'friday', 'saturday', 'sunday']},
                } for number, time in [
                ('K1001', dt.time(8, 0)), ('K1003', dt.time(14, 0))]])
    runs = Schedule.generate_runs(schedules)
    Run.write(runs, {'vehicle': Vehicle.search([])[0].id})
    Run.open(runs)
    seller, = User.search([('login', '=', 'gz_station')])
    application = Application(user=seller, application='gd_ticketing')
    application.save()
    Application.validate_([application])
    (path / 'api-key').write_text(application.key)
    _load_operations(pool, schedules, seller)


# Yesterday's passengers of the demo route: name, ID number without its
# check character (GB 11643), fare type, arrival stop, boards at the gate
PASSENGERS = [
    ("王小明", '44010419850312001', 'full', 2, True),
    ("李华", '44060419900101002', 'full', 1, True),
    ("陈静", '44120219781120003', 'full', 2, True),
    ("黄伟", '44010619920505004', 'full', 2, True),
    ("林小红", '44010620150808005', 'child', 2, True),
    ("周强", '44068119880215006', 'full', 1, False),
    ("吴敏", '44010219951230007', 'full', 2, True),
    ]


def _load_operations(pool, schedules, seller):
    """Replay yesterday at 广州市汽车客运站: both runs of the route sold at
    the window, one ticket refunded, the passengers checked at the gate (a
    wrong ID card refused, a passenger who did not come), the checks
    closed into waybills, the departure inspections passed, the runs
    departed, and the carrier's settlement of the day confirmed"""
    from trytond.modules.gd_ticketing import order as order_module
    from trytond.modules.gd_ticketing.identity import check_character
    from trytond.transaction import Transaction
    Date = pool.get('ir.date')
    Schedule = pool.get('gd.schedule')
    Run = pool.get('gd.run')
    Fare = pool.get('gd.fare')
    Order = pool.get('gd.order')
    Ticket = pool.get('gd.ticket')
    Check = pool.get('gd.ticket.check')
    Inspection = pool.get('gd.run.inspection')
    Settlement = pool.get('gd.settlement')
    Vehicle = pool.get('gd.vehicle')
    Driver = pool.get('gd.driver')
    Code = pool.get('gd.ticketing.code')

    fare_types = {
        c.code: c for c in Code.search([('category', '=', 'fare_type')])}
    yesterday = Date.today() - dt.timedelta(days=1)
    runs = Schedule.generate_runs(schedules, start=yesterday, days=1)
    Run.write(runs, {
            'vehicle': Vehicle.search([])[0].id,
            'driver': Driver.search([])[0].id,
            })
    Run.open(runs)
    station = seller.station
    with Transaction().set_user(seller.id):
        for run in runs:
            stops = run.route.stops
            fares = {(f.arrival, f.fare_type.code): f.price
                for f in Fare.search([
                        ('route', '=', run.route.id),
                        ('departure', '=', stops[0].id)])}
            orders = []
            for name, number, fare, arrival, _ in PASSENGERS:
                price = fares[stops[arrival], fare]
                orders.append({
                        'channel': 'window',
                        'station': station.id,
                        'payments': [{'method': 'wechat', 'amount': price}],
                        'tickets': [{
                                'passenger': {
                                    'name': name, 'id_type': 'resident',
                                    'id_number': (
                                        number + check_character(number)),
                                    },
                                'run': run.id,
                                'departure': stops[0].id,
                                'arrival': stops[arrival].id,
                                'fare_type': fare_types[fare].id,
                                }],
                        })
            with patch.object(order_module, 'now',
                    return_value=run.departure - dt.timedelta(hours=5)):
                Order.sell(orders)
            tickets = Ticket.search(
                [('run', '=', run.id)], order=[('id', 'ASC')])
            with patch.object(order_module, 'now',
                    return_value=run.departure - dt.timedelta(hours=2)):
                Ticket.refund_tickets(tickets[-1:])
            gate_opens = run.departure - dt.timedelta(minutes=20)
            # A passenger shows another's ID card: refused, then boards
            Check.check_ticket(
                run, token=tickets[1].qr_token, id_type='resident',
                id_number=tickets[0].passenger.decrypt(), at=gate_opens)
            for i, (ticket, passenger) in enumerate(
                    zip(tickets[:-1], PASSENGERS)):
                if passenger[-1]:
                    Check.check_ticket(
                        run, token=ticket.qr_token,
                        at=gate_opens + dt.timedelta(minutes=i))
        Run.close_check(runs)
        for run in runs:
            inspection, = Inspection.create([{'run': run.id}])
            for item in inspection.items:
                item.result = 'pass'
            inspection.items = inspection.items
            inspection.save()
            Inspection.pass_([inspection])
        Run.depart(runs)
        settlement, = Settlement.create([{
                    'carrier': runs[0].carrier.id,
                    'station': station.id,
                    'date_from': yesterday,
                    'date_to': yesterday,
                    }])
        Settlement.fill([settlement])
        Settlement.confirm([settlement])


def _refresh_deadlines(pool):
    "Fill the calendar of due dates as the daily cron does"
    Programme = pool.get('gd.programme')
    Deadline = pool.get('gd.deadline')
    Deadline.refresh(Programme.search([('state', '=', 'running')]))


def _finish_config_wizard(pool):
    Item = pool.get('ir.module.config_wizard.item')
    Item.write(Item.search([('state', '!=', 'done')]), {'state': 'done'})


def print_users(url, path=None):
    print()
    print(f"GD Station Cloud is running at {url}")
    print("Log in with one of these demo users (login / password):")
    print(f"  {'admin':12} {ADMIN_PASSWORD:22} 系统管理员")
    for login, password, _, name, _ in DEMO_USERS:
        print(f"  {login:12} {password:22} {name}")
    key = path / 'api-key' if path else None
    if key and key.exists():
        print("The ticketing API key of gz_station (Authorization: Bearer):")
        print(f"  {key.read_text().strip()}")
    print("Stop it with Ctrl-C.", flush=True)


def start(path, name, port=8000):
    "Start the server and its cron on the demo database"
    if not (SAO / 'index.html').exists():
        raise SystemExit(
            f"The web client is missing in {SAO}; run `make demo`.")
    bin_ = os.path.dirname(sys.executable)
    env = environment(path, port)
    conf = str(DEMO_CONFIG)
    # Each in its own process group, so that stop() ends their children too
    return [
        subprocess.Popen(
            [os.path.join(bin_, command), '-c', conf, '-d', name], env=env,
            start_new_session=True)
        for command in ['trytond', 'trytond-cron']]


def stop(processes, timeout=30):
    "Stop the processes started by start() with all their children"
    for process in processes:
        try:
            os.killpg(process.pid, signal.SIGTERM)
        except ProcessLookupError:
            pass
    for process in processes:
        try:
            process.wait(timeout=timeout)
        except subprocess.TimeoutExpired:
            os.killpg(process.pid, signal.SIGKILL)
            process.wait()


def wait_listening(port, processes, timeout=120):
    "Wait until the server answers on port"
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if any(p.poll() is not None for p in processes):
            stop(processes)
            raise SystemExit(
                f"The server stopped; is port {port} already in use? "
                "Choose another with `make demo PORT=8001`.")
        try:
            with socket.create_connection(('127.0.0.1', port), timeout=1):
                return
        except OSError:
            time.sleep(0.2)
    raise SystemExit(f"The server did not answer on port {port}.")


def serve(path, name, port=8000):
    "Run the server and its cron until interrupted"
    stopping = []

    def interrupt(signum, frame):
        stopping.append(signum)
    signal.signal(signal.SIGTERM, interrupt)
    signal.signal(signal.SIGINT, interrupt)
    processes = start(path, name, port)
    try:
        wait_listening(port, processes)
        print_users(f'http://127.0.0.1:{port}/', path)
        # Run until interrupted or until one of them ends
        while not stopping and all(p.poll() is None for p in processes):
            time.sleep(0.5)
    finally:
        stop(processes)
    if not stopping:
        print("The server or its cron stopped; see the messages above.",
            file=sys.stderr)
        return 1
    return 0


def main(args):
    path = VAR / 'db'
    build(path, args.database, force=args.reset)
    if args.no_serve:
        return 0
    return serve(path, args.database, args.port)
