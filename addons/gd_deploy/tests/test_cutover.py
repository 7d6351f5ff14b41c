# This file is part of GD Station Cloud.  The COPYRIGHT file at the top
# level of this repository contains the full copyright notices and license
# terms.
"The cut-over plan (annex 3): its items, workflow, checks and access"
import datetime as dt

from trytond.exceptions import UserError
from trytond.model.exceptions import AccessError
from trytond.pool import Pool
from trytond.tests.test_tryton import (
    TestCase, activate_module, with_transaction)
from trytond.transaction import Transaction

from .tools import (
    as_user, create_station, create_user, on_date, programme_2020)

WRITTEN = dt.date(2020, 6, 20)
SUBMITTED = dt.date(2020, 6, 25)
CONFIRMED = dt.date(2020, 7, 1)
REHEARSED = dt.date(2020, 7, 10)
SWITCHED = dt.date(2020, 7, 15)

PLAN_VALUES = {
    'planned_date': SWITCHED,
    'description': (
        "7月15日凌晨2:00停售旧系统，导入班次数据，6:00启用云系统售票"),
    'rollback_plan': "启用失败时30分钟内切回原站务系统，补录已售车票",
    'contacts': "站方：王五 020-86661234；南粤通：赵六 020-38881234",
    }


def setup_station(code, city='440100'):
    "A graded station and one of its users"
    station = create_station(f"客运站{code}", code, city)
    user = create_user(f'user{code}', 'group_station', station=station)
    return station, user


def create_plan(user, station, **values):
    "Create the plan as the station user"
    Plan = Pool().get('gd.cutover.plan')
    with as_user(user), on_date(WRITTEN):
        plan, = Plan.create([{
                    'programme': programme_2020().id,
                    'station': station.id,
                    **values,
                    }])
    return Plan(plan.id)


def tick_items(user, plan, items=None, date=WRITTEN):
    "The station ticks items (all by default) as done"
    Plan = Pool().get('gd.cutover.plan')
    items = plan.items if items is None else items
    with as_user(user), on_date(date):
        Plan.write([Plan(plan.id)], {
                'items': [('write', [i.id for i in items], {'done': True})],
                })
    return Plan(plan.id)


def submit(user, plan, date=SUBMITTED):
    Plan = Pool().get('gd.cutover.plan')
    with as_user(user), on_date(date):
        Plan.submit([Plan(plan.id)])
    return Plan(plan.id)


def tech_items(plan):
    return [i for i in plan.items if i.confirmer == 'tech_company']


def confirm_items(tech, items, date=CONFIRMED):
    Item = Pool().get('gd.cutover.plan.item')
    with as_user(tech), on_date(date):
        Item.confirm([Item(i.id) for i in items])


def confirm(tech, plan, date=CONFIRMED):
    Plan = Pool().get('gd.cutover.plan')
    with as_user(tech), on_date(date):
        Plan.confirm([Plan(plan.id)])
    return Plan(plan.id)


def confirmed_plan(user, station, tech):
    "A plan the station wrote and the tech company confirmed"
    plan = create_plan(user, station, **PLAN_VALUES)
    plan = tick_items(user, plan)
    plan = submit(user, plan)
    confirm_items(tech, tech_items(plan))
    return confirm(tech, plan)


def rehearse(user, plan, date=REHEARSED, result='passed'):
    Plan = Pool().get('gd.cutover.plan')
    with as_user(user), on_date(date):
        Plan.write([Plan(plan.id)], {
                'rehearsals': [('create', [{
                                'date': date,
                                'scope': "售票、实名核验、检票、数据上传",
                                'result': result,
                                }])],
                })
    return Plan(plan.id)


def switch(user, plan, date=SWITCHED, today=None):
    Plan = Pool().get('gd.cutover.plan')
    with as_user(user), on_date(today or date):
        Plan.write([Plan(plan.id)], {'switch_date': date})
        Plan.switch([Plan(plan.id)])
    return Plan(plan.id)


def switched_plan(user, station, tech):
    "A plan confirmed, rehearsed and switched on SWITCHED"
    plan = confirmed_plan(user, station, tech)
    plan = rehearse(user, plan)
    return switch(user, plan)


class CutoverTestCase(TestCase):
    "Test the cut-over plan"

    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        activate_module('gd_deploy', lang='zh_CN')

    def tech(self):
        return create_user('tech', 'group_tech_company')

    @with_transaction()
    def test_plan_items_default_to_the_annex_3_templates(self):
        "A new plan lists annex 3, one item per kind of peripheral"
        pool = Pool()
        Template = pool.get('gd.cutover.item.template')
        Plan = pool.get('gd.cutover.plan')
        station, user = setup_station('440100401')
        with as_user(user):
            defaults = Plan.default_get(['station', 'programme', 'items'])
        self.assertEqual(defaults['station'], station.id)
        self.assertEqual(defaults['programme'], programme_2020().id)
        plan = create_plan(user, station)
        self.assertEqual(len(plan.items), Template.search([], count=True))
        names = [i.name for i in plan.items]
        self.assertEqual(names[0], "站内网络环境就绪")
        peripherals = [i for i in plan.items if i.kind == 'peripheral']
        self.assertEqual(len(peripherals), 6)
        self.assertTrue(
            all(i.confirmer == 'tech_company' for i in peripherals))
        self.assertEqual(
            {i.kind for i in tech_items(plan)},
            {'schedule', 'peripheral', 'test_account', 'production_account'})
        self.assertEqual(plan.city, station.city)

    @with_transaction()
    def test_plan_templates_are_data(self):
        "A template deactivated under Configuration leaves new plans"
        pool = Pool()
        Template = pool.get('gd.cutover.item.template')
        ModelData = pool.get('ir.model.data')
        scanner = Template(ModelData.get_id(
                'gd_deploy', 'cutover_item_template_security_scanner'))
        department = create_user('dept', 'group_department')
        with as_user(department):
            Template.write([scanner], {'active': False})
        station, user = setup_station('440100402')
        plan = create_plan(user, station)
        self.assertNotIn("安检仪接口调试完成", [i.name for i in plan.items])
        self.assertEqual(len(plan.items), 13)

    @with_transaction()
    def test_plan_submit_names_the_items_not_done(self):
        "The station cannot declare ready a plan with items not done"
        station, user = setup_station('440100403')
        plan = create_plan(user, station)
        with self.assertRaisesRegex(UserError, "回退方案") as cm:
            submit(user, plan)
        self.assertIn("计划切换日期", cm.exception.message)

        Plan = Pool().get('gd.cutover.plan')
        with as_user(user):
            Plan.write([plan], PLAN_VALUES)
        not_done = [i for i in plan.items
            if i.name in {"人员培训完成", "检票闸机接口调试完成"}]
        plan = tick_items(
            user, plan, [i for i in plan.items if i not in not_done])
        with self.assertRaises(UserError) as cm:
            submit(user, plan)
        message = cm.exception.message
        self.assertIn("人员培训完成", message)
        self.assertIn("检票闸机接口调试完成", message)
        self.assertNotIn("站内网络环境就绪", message)
        self.assertEqual(Plan(plan.id).state, 'draft')

        plan = tick_items(user, plan, not_done)
        plan = submit(user, plan)
        self.assertEqual(plan.state, 'ready')
        self.assertEqual(plan.submitted_date, SUBMITTED)
        self.assertEqual(plan.items[0].done_date, WRITTEN)

    @with_transaction()
    def test_plan_confirm_names_the_items_not_confirmed(self):
        "The tech company confirms the plan only once all its items are"
        station, user = setup_station('440100404')
        tech = self.tech()
        plan = create_plan(user, station, **PLAN_VALUES)
        plan = submit(user, tick_items(user, plan))
        items = tech_items(plan)
        confirm_items(tech, items[:-2])
        with self.assertRaises(UserError) as cm:
            confirm(tech, plan)
        message = cm.exception.message
        self.assertIn("测试账号已开通", message)
        self.assertIn("生产账号已开通", message)
        self.assertNotIn("与技术支持单位核对班次数据", message)
        self.assertEqual(station.stage, 'not_started')

        confirm_items(tech, items[-2:])
        plan = confirm(tech, plan)
        self.assertEqual(plan.state, 'confirmed')
        self.assertEqual(plan.confirmed_by, tech)
        self.assertEqual(plan.confirmed_date, CONFIRMED)
        self.assertTrue(all(i.confirmed_by == tech for i in items))
        self.assertEqual(station.stage, 'planned')

    @with_transaction()
    def test_tech_company_confirms_only_its_items_once_done(self):
        "A station's own item or one not done cannot be confirmed"
        station, user = setup_station('440100405')
        tech = self.tech()
        plan = create_plan(user, station)
        network = plan.items[0]
        with self.assertRaisesRegex(UserError, "站内网络环境就绪"):
            confirm_items(tech, [network])
        schedule, = [i for i in plan.items if i.kind == 'schedule']
        with self.assertRaisesRegex(UserError, "与技术支持单位核对班次数据"):
            confirm_items(tech, [schedule])
        tick_items(user, plan, [schedule])
        confirm_items(tech, [schedule])
        Item = Pool().get('gd.cutover.plan.item')
        self.assertEqual(Item(schedule.id).confirmed_by, tech)

        # Once confirmed, the station can no longer change it
        with as_user(user):
            with self.assertRaises(AccessError):
                Item.write([Item(schedule.id)], {'done': False})
            with self.assertRaises(AccessError):
                Item.delete([Item(schedule.id)])

    @with_transaction()
    def test_station_cannot_confirm_its_own_items_or_plan(self):
        "Confirming is the tech company's step, by button and on the server"
        pool = Pool()
        Plan = pool.get('gd.cutover.plan')
        Item = pool.get('gd.cutover.plan.item')
        station, user = setup_station('440100406')
        plan = create_plan(user, station, **PLAN_VALUES)
        plan = submit(user, tick_items(user, plan))
        items = tech_items(plan)
        with as_user(user):
            with self.assertRaisesRegex(UserError, "confirm"):
                Item.confirm(items)
            with self.assertRaisesRegex(UserError, "confirm"):
                Plan.confirm([plan])
            with self.assertRaises(AccessError):
                Item.write(items, {'confirmed_by': user.id})
        # Even where the button's groups are not checked
        with Transaction().set_user(user.id):
            with self.assertRaisesRegex(AccessError, "技术支持单位"):
                Item.confirm(items)
            with self.assertRaisesRegex(AccessError, "技术支持单位"):
                Plan.confirm([plan])
        self.assertFalse(any(Item(i.id).confirmed_by for i in items))
        self.assertEqual(Plan(plan.id).state, 'ready')

    @with_transaction()
    def test_tech_company_cannot_edit_the_stations_fields(self):
        "The tech company reads the plan but writes nothing of the station's"
        pool = Pool()
        Plan = pool.get('gd.cutover.plan')
        Item = pool.get('gd.cutover.plan.item')
        station, user = setup_station('440100407')
        tech = self.tech()
        plan = create_plan(user, station, **PLAN_VALUES)
        with as_user(tech):
            self.assertEqual(Plan.search([]), [plan])
            with self.assertRaises(AccessError):
                Plan.write([plan], {'description': "改写"})
            with self.assertRaises(AccessError):
                Item.write([plan.items[0]], {'done': True})
            with self.assertRaisesRegex(UserError, "submit"):
                Plan.submit([plan])
            with self.assertRaises(AccessError):
                Plan.create([{
                            'programme': programme_2020().id,
                            'station': station.id,
                            }])
        with Transaction().set_user(tech.id):
            with self.assertRaisesRegex(AccessError, "客运站440100407"):
                Plan.cancel([Plan(plan.id)])
        self.assertEqual(Plan(plan.id).state, 'draft')

    @with_transaction()
    def test_plan_fields_are_locked_by_state(self):
        "A ready plan is locked; a confirmed one takes the switch only"
        pool = Pool()
        Plan = pool.get('gd.cutover.plan')
        Item = pool.get('gd.cutover.plan.item')
        station, user = setup_station('440100408')
        tech = self.tech()
        plan = create_plan(user, station, **PLAN_VALUES)
        with as_user(user):
            with self.assertRaisesRegex(AccessError, "切换日期"):
                Plan.write([plan], {'switch_date': SWITCHED})
            with self.assertRaises(AccessError):
                Plan.write([plan], {'state': 'confirmed'})
        plan = submit(user, tick_items(user, plan))
        with as_user(user):
            with self.assertRaisesRegex(AccessError, "准备就绪"):
                Plan.write([plan], {'description': "改写"})
            with self.assertRaises(AccessError):
                Item.write([plan.items[0]], {'remarks': "补充"})
            with self.assertRaises(AccessError):
                Plan.delete([plan])
        confirm_items(tech, tech_items(plan))
        plan = confirm(tech, plan)
        with as_user(user):
            with self.assertRaisesRegex(AccessError, "回退方案"):
                Plan.write([plan], {'rollback_plan': "改写"})
            Plan.write([plan], {'switch_date': SWITCHED})
        self.assertEqual(Plan(plan.id).switch_date, SWITCHED)

    @with_transaction()
    def test_switch_without_passed_rehearsal_is_refused(self):
        "The station switches only after a passed rehearsal"
        station, user = setup_station('440100409')
        plan = confirmed_plan(user, station, self.tech())
        with self.assertRaisesRegex(UserError, "演练"):
            switch(user, plan)
        plan = rehearse(user, plan, result='failed')
        with self.assertRaisesRegex(UserError, "演练"):
            switch(user, plan)
        self.assertEqual(plan.state, 'confirmed')
        plan = rehearse(user, plan, dt.date(2020, 7, 12))
        plan = switch(user, plan)
        self.assertEqual(plan.state, 'switched')
        self.assertEqual(plan.switch_date, SWITCHED)
        self.assertEqual(station.stage, 'switched')

    @with_transaction()
    def test_switch_dated_before_the_rehearsal_is_refused(self):
        "A switch dated before the plan's rehearsal is refused"
        Plan = Pool().get('gd.cutover.plan')
        station, user = setup_station('440100410')
        plan = confirmed_plan(user, station, self.tech())
        plan = rehearse(user, plan, dt.date(2020, 7, 5))
        plan = rehearse(user, plan, REHEARSED)
        with self.assertRaisesRegex(UserError, "2020-07-09.*2020-07-10"):
            switch(user, plan, dt.date(2020, 7, 9), today=SWITCHED)
        self.assertEqual(Plan(plan.id).state, 'confirmed')
        # The day of the rehearsal itself is fine
        plan = switch(user, plan, REHEARSED, today=SWITCHED)
        self.assertEqual(plan.state, 'switched')

    @with_transaction()
    def test_switch_needs_a_switch_date_not_in_the_future(self):
        "The switch is recorded with its date, once it happened"
        Plan = Pool().get('gd.cutover.plan')
        station, user = setup_station('440100411')
        plan = rehearse(user, confirmed_plan(user, station, self.tech()))
        with as_user(user), on_date(SWITCHED):
            with self.assertRaisesRegex(UserError, "切换日期"):
                Plan.switch([plan])
        with self.assertRaisesRegex(UserError, "2020-07-20"):
            switch(user, plan, dt.date(2020, 7, 20), today=SWITCHED)
        self.assertEqual(Plan(plan.id).state, 'confirmed')

    @with_transaction()
    def test_tech_company_sends_a_confirmed_plan_back(self):
        "Sent back to draft, the station may change it; the stage drops"
        Plan = Pool().get('gd.cutover.plan')
        station, user = setup_station('440100412')
        tech = self.tech()
        plan = confirmed_plan(user, station, tech)
        self.assertEqual(station.stage, 'planned')
        with as_user(user):
            with self.assertRaisesRegex(UserError, "draft"):
                Plan.draft([plan])
        with as_user(tech):
            Plan.draft([plan])
        plan = Plan(plan.id)
        self.assertEqual(plan.state, 'draft')
        self.assertIsNone(plan.confirmed_by)
        self.assertEqual(station.stage, 'not_started')
        with as_user(user):
            Plan.write([plan], {'description': "调整切换步骤"})

    @with_transaction()
    def test_one_active_plan_per_station_and_programme(self):
        "A second plan is refused until the first is cancelled"
        Plan = Pool().get('gd.cutover.plan')
        station, user = setup_station('440100413')
        plan = create_plan(user, station)
        with as_user(user):
            Plan.cancel([plan])
        self.assertEqual(Plan(plan.id).state, 'cancelled')
        with as_user(user):
            with self.assertRaisesRegex(UserError, "cancel"):
                Plan.cancel([Plan(plan.id)])
        other = create_plan(user, station)
        self.assertEqual(other.state, 'draft')
        # Last: PostgreSQL aborts the transaction on the constraint
        with self.assertRaisesRegex(UserError, "未取消的切换计划"):
            create_plan(user, station)

    @with_transaction()
    def test_required_items_cannot_be_deleted(self):
        "The station adds its own items but keeps those of annex 3"
        pool = Pool()
        Plan = pool.get('gd.cutover.plan')
        Item = pool.get('gd.cutover.plan.item')
        station, user = setup_station('440100414')
        plan = create_plan(user, station)
        with as_user(user):
            with self.assertRaisesRegex(AccessError, "站内网络环境就绪"):
                Item.delete([plan.items[0]])
            Plan.write([plan], {'items': [('create', [{
                                'name': "广播系统接入", 'kind': 'other'}])]})
            extra, = Item.search([('template', '=', None)])
            Item.delete([extra])

    @with_transaction()
    def test_station_cannot_read_or_write_another_stations_plan(self):
        "Station A sees nothing of station B's plan"
        pool = Pool()
        Plan = pool.get('gd.cutover.plan')
        Item = pool.get('gd.cutover.plan.item')
        station_a, user_a = setup_station('440100415')
        station_b, user_b = setup_station('440100416')
        station_c, _ = setup_station('440100417')
        plan_b = create_plan(user_b, station_b, **PLAN_VALUES)
        with as_user(user_a):
            self.assertEqual(Plan.search([]), [])
            self.assertEqual(Item.search([]), [])
            with self.assertRaises(AccessError):
                Plan.read([plan_b.id], ['description'])
            with self.assertRaises(AccessError):
                Plan.write([Plan(plan_b.id)], {'description': "篡改"})
            with self.assertRaises(AccessError):
                Item.write([Item(plan_b.items[0].id)], {'done': True})
            with self.assertRaises(AccessError):
                Plan.submit([Plan(plan_b.id)])
            with self.assertRaises(AccessError):
                Plan.create([{
                            'programme': programme_2020().id,
                            'station': station_c.id,
                            }])
        # Nor can it move its own plan onto another station
        station_d, _ = setup_station('440100419')
        plan_a = create_plan(user_a, station_a)
        with as_user(user_a):
            with self.assertRaises(AccessError):
                Plan.write([plan_a], {'station': station_d.id})
        self.assertEqual(
            Plan(plan_b.id).description, PLAN_VALUES['description'])

    @with_transaction()
    def test_city_bureau_reads_only_its_citys_plans(self):
        "广州 bureau reads 广州 plans and nothing of 深圳"
        pool = Pool()
        Plan = pool.get('gd.cutover.plan')
        Item = pool.get('gd.cutover.plan.item')
        gz, gz_user = setup_station('440100418')
        sz, sz_user = setup_station('440300418', city='440300')
        gz_plan = create_plan(gz_user, gz)
        sz_plan = create_plan(sz_user, sz)
        bureau = create_user('gz_bureau', 'group_city_bureau', city=gz.city)
        with as_user(bureau):
            self.assertEqual(Plan.search([]), [gz_plan])
            self.assertEqual(
                {i.plan for i in Item.search([])}, {gz_plan})
            with self.assertRaises(AccessError):
                Plan.read([sz_plan.id], ['description'])
            with self.assertRaises(AccessError):
                Plan.write([gz_plan], {'description': "改写"})
        for group in ['group_department', 'group_association',
                'group_tech_company']:
            reader = create_user(f'reader_{group}', group)
            with as_user(reader):
                self.assertEqual(set(Plan.search([])), {gz_plan, sz_plan})
