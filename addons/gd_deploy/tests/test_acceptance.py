# This file is part of GD Station Cloud.  The COPYRIGHT file at the top
# level of this repository contains the full copyright notices and license
# terms.
"The acceptance of a switched station: its checks, its effects and access"
import datetime as dt
import re

from trytond.exceptions import UserError
from trytond.model.exceptions import AccessError
from trytond.modules.gd_documents.tests.tools import (
    pdf_fonts, pdf_text, save_png)
from trytond.pool import Pool
from trytond.tests.test_tryton import (
    TestCase, activate_module, with_transaction)
from trytond.transaction import Transaction

from .test_cutover import (
    SWITCHED, confirmed_plan, rehearse, setup_station, switch,
    switched_plan)
from .tools import as_user, create_user, on_date

WITHIN = dt.date(2020, 8, 10)
DEADLINE = dt.date(2020, 8, 15)
LATE = dt.date(2020, 8, 20)


class AcceptanceTestCase(TestCase):
    "Test the acceptance"

    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        activate_module('gd_deploy', lang='zh_CN')

    def setup_plan(self, code, city='440100'):
        "A switched plan of a new station, the station user, the association"
        station, user = setup_station(code, city)
        tech = create_user(f'tech{code}', 'group_tech_company')
        plan = switched_plan(user, station, tech)
        association = create_user(f'assoc{code}', 'group_association')
        return plan, user, association

    def create_acceptance(self, association, plan, date=WITHIN, **values):
        Acceptance = Pool().get('gd.acceptance')
        with as_user(association), on_date(date):
            acceptance, = Acceptance.create([{
                        'plan': plan.id,
                        'acceptance_date': date,
                        'inspectors': "省道协：钱七、孙八",
                        **values,
                        }])
        return Acceptance(acceptance.id)

    def set_results(self, association, acceptance, result='pass', **by_name):
        "Set every item's result, or the one given by name"
        Acceptance = Pool().get('gd.acceptance')
        with as_user(association):
            Acceptance.write([acceptance], {
                    'items': [('write', [i.id], {
                                    'result': by_name.get(i.name, result)})
                        for i in acceptance.items],
                    })
        return Acceptance(acceptance.id)

    def decide(self, association, acceptance, button, date=WITHIN):
        Acceptance = Pool().get('gd.acceptance')
        with as_user(association), on_date(date):
            getattr(Acceptance, button)([Acceptance(acceptance.id)])
        return Acceptance(acceptance.id)

    @with_transaction()
    def test_acceptance_within_the_month_passes(self):
        "The association accepts within the month; the station is accepted"
        plan, _, association = self.setup_plan('440100501')
        acceptance = self.create_acceptance(association, plan)
        self.assertEqual(acceptance.station, plan.station)
        self.assertEqual(acceptance.switch_date, SWITCHED)
        self.assertEqual(acceptance.deadline, DEADLINE)
        self.assertFalse(acceptance.late)
        self.assertEqual(
            [i.name for i in acceptance.items][:2],
            ["云系统售票正常", "实名核验正常（票、人、证一致）"])
        acceptance = self.set_results(association, acceptance)
        acceptance = self.decide(association, acceptance, 'pass_')
        self.assertEqual(acceptance.state, 'passed')
        self.assertEqual(acceptance.decided_by, association)
        self.assertEqual(plan.station.stage, 'accepted')

    @with_transaction()
    def test_certificate_of_a_passed_acceptance(self):
        """A passed acceptance prints its certificate as PDF; a draft one
        is refused"""
        Certificate = Pool().get('gd.acceptance.certificate', type='report')
        plan, user, association = self.setup_plan('440100511')
        acceptance = self.create_acceptance(association, plan)
        with as_user(association):
            with self.assertRaisesRegex(UserError, "验收合格"):
                Certificate.execute([acceptance.id], {})
        acceptance = self.set_results(association, acceptance)
        acceptance = self.decide(association, acceptance, 'pass_')

        # The station prints its own certificate
        with as_user(user):
            extension, data, _, name = Certificate.execute(
                [acceptance.id], {})
        self.assertEqual(extension, 'pdf')
        self.assertTrue(name.startswith("验收合格证书"), name)
        save_png(data, 'pdf', 'acceptance_certificate')
        text = re.sub(r'\s+', '', pdf_text(data))
        station = plan.station
        for expected in [
                "广东省道路运输协会", "客运站站务云系统验收合格证书",
                f"粤运协验〔2020〕{acceptance.id:04d}号",
                f"{station.name}（广州市，{station.grade_string}）"
                "于2020-07-15切换至全省统一的站务云系统，经2020-08-10现场验收，"
                f"{len(acceptance.items)}项检查全部合格",
                "省道协：钱七、孙八", association.name]:
            self.assertIn(expected, text)
        for item in acceptance.items:
            self.assertIn(item.name.replace(' ', '')[:10], text)
        self.assertEqual(
            text.count("通过"), len(acceptance.items) + 1)  # 准予通过验收
        fonts = pdf_fonts(data)
        self.assertTrue([f for f in fonts if 'CJK' in f[0]], fonts)

    @with_transaction()
    def test_pass_names_the_items_not_passed(self):
        "An item failed or not checked stops the acceptance from passing"
        plan, _, association = self.setup_plan('440100502')
        acceptance = self.create_acceptance(association, plan)
        acceptance = self.set_results(
            association, acceptance, **{"人员培训到位": 'fail'})
        Acceptance = Pool().get('gd.acceptance')
        with as_user(association):
            Acceptance.write([acceptance], {'items': [
                        ('write', [acceptance.items[0].id],
                            {'result': None})]})
        with self.assertRaises(UserError) as cm:
            self.decide(association, acceptance, 'pass_')
        message = cm.exception.message
        self.assertIn("人员培训到位", message)
        self.assertIn("云系统售票正常", message)
        self.assertNotIn("实名核验正常", message)
        self.assertEqual(Acceptance(acceptance.id).state, 'draft')

    @with_transaction()
    def test_acceptance_dated_before_the_switch_is_refused(self):
        "An acceptance comes after the switch"
        plan, _, association = self.setup_plan('440100503')
        Acceptance = Pool().get('gd.acceptance')
        with self.assertRaisesRegex(UserError, "2020-07-14.*2020-07-15"):
            self.create_acceptance(
                association, plan, dt.date(2020, 7, 14))
        # What the refused call wrote, the RPC call's rollback undoes
        Acceptance.delete(Acceptance.search([]))
        acceptance = self.create_acceptance(association, plan, SWITCHED)
        with as_user(association):
            with self.assertRaisesRegex(UserError, "2020-07-14"):
                Acceptance.write([acceptance], {
                        'acceptance_date': dt.date(2020, 7, 14)})

    @with_transaction()
    def test_late_acceptance_needs_a_late_reason(self):
        "After the deadline the association gives the reason"
        Acceptance = Pool().get('gd.acceptance')
        plan, _, association = self.setup_plan('440100504')
        acceptance = self.create_acceptance(association, plan, LATE)
        self.assertTrue(acceptance.late)
        acceptance = self.set_results(association, acceptance)
        with self.assertRaisesRegex(UserError, "2020-08-15"):
            self.decide(association, acceptance, 'pass_', LATE)
        self.assertEqual(Acceptance(acceptance.id).state, 'draft')
        with as_user(association):
            Acceptance.write([acceptance], {
                    'late_reason': "台风影响，验收组未能按期到站"})
        acceptance = self.decide(association, acceptance, 'pass_', LATE)
        self.assertEqual(acceptance.state, 'passed')

    @with_transaction()
    def test_acceptance_on_the_deadline_is_in_time(self):
        "The deadline itself needs no late reason"
        plan, _, association = self.setup_plan('440100505')
        acceptance = self.create_acceptance(association, plan, DEADLINE)
        self.assertFalse(acceptance.late)
        acceptance = self.set_results(association, acceptance)
        acceptance = self.decide(association, acceptance, 'pass_', DEADLINE)
        self.assertEqual(acceptance.state, 'passed')

    @with_transaction()
    def test_failed_acceptance_reopens_the_plan(self):
        """A failed acceptance sends the station back to its plan: it
        rehearses and switches again, then is accepted"""
        pool = Pool()
        Acceptance = pool.get('gd.acceptance')
        Plan = pool.get('gd.cutover.plan')
        plan, user, association = self.setup_plan('440100506')
        acceptance = self.create_acceptance(association, plan)
        acceptance = self.set_results(
            association, acceptance,
            **{"实名制数据实时上传省平台": 'fail'})
        with self.assertRaisesRegex(UserError, "结论"):
            self.decide(association, acceptance, 'fail')
        with as_user(association):
            Acceptance.write([acceptance], {
                    'conclusion': "实名制数据未实时上传，请整改后重新切换"})
        acceptance = self.decide(association, acceptance, 'fail')
        self.assertEqual(acceptance.state, 'failed')
        self.assertEqual(acceptance.switch_date, SWITCHED)
        self.assertEqual(acceptance.deadline, DEADLINE)
        plan = Plan(plan.id)
        self.assertEqual(plan.state, 'reopened')
        self.assertIsNone(plan.switch_date)
        self.assertEqual(plan.reopened_date, WITHIN)
        self.assertEqual(plan.station.stage, 'planned')

        # The failed acceptance is closed
        with as_user(association):
            with self.assertRaises(AccessError):
                Acceptance.write([acceptance], {'conclusion': "改"})

        # The old rehearsal no longer counts: the station rehearses again
        with self.assertRaisesRegex(UserError, "2020-08-10"):
            switch(user, plan, dt.date(2020, 8, 20))
        plan = rehearse(user, plan, dt.date(2020, 8, 18))
        plan = switch(user, plan, dt.date(2020, 8, 20))
        self.assertEqual(plan.state, 'switched')
        self.assertEqual(plan.station.stage, 'switched')

        again = self.create_acceptance(
            association, plan, dt.date(2020, 9, 1))
        self.assertEqual(again.deadline, dt.date(2020, 9, 20))
        again = self.set_results(association, again)
        again = self.decide(association, again, 'pass_', dt.date(2020, 9, 1))
        self.assertEqual(plan.station.stage, 'accepted')

    @with_transaction()
    def test_fail_needs_a_failed_item(self):
        "An acceptance fails on a failed item"
        plan, _, association = self.setup_plan('440100507')
        acceptance = self.create_acceptance(
            association, plan, conclusion="不通过")
        acceptance = self.set_results(association, acceptance)
        with self.assertRaisesRegex(UserError, "不通过"):
            self.decide(association, acceptance, 'fail')
        self.assertEqual(acceptance.plan.state, 'switched')

    @with_transaction()
    def test_acceptance_needs_a_switched_plan(self):
        "A plan not switched cannot be accepted, nor accepted twice"
        station, user = setup_station('440100508')
        tech = create_user('tech', 'group_tech_company')
        association = create_user('assoc', 'group_association')
        plan = confirmed_plan(user, station, tech)
        with self.assertRaisesRegex(UserError, "已确认"):
            self.create_acceptance(association, plan)
        # What the refused call wrote, the RPC call's rollback undoes
        Acceptance = Pool().get('gd.acceptance')
        Acceptance.delete(Acceptance.search([]))
        plan = switch(user, rehearse(user, plan))
        self.create_acceptance(association, plan)
        with self.assertRaises(UserError):
            self.create_acceptance(association, plan)

    @with_transaction()
    def test_only_the_association_decides(self):
        "Stations, bureaus, the tech company and the department only read"
        Acceptance = Pool().get('gd.acceptance')
        plan, user, association = self.setup_plan('440100509')
        acceptance = self.create_acceptance(association, plan)
        acceptance = self.set_results(association, acceptance)
        bureau = create_user(
            'gz_bureau', 'group_city_bureau', city=plan.station.city)
        others = [user, bureau] + [
            create_user(f'reader_{g}', g)
            for g in ['group_department', 'group_tech_company']]
        for other in others:
            with as_user(other):
                self.assertEqual(Acceptance.search([]), [acceptance])
                with self.assertRaises(AccessError):
                    Acceptance.write([acceptance], {'inspectors': "改"})
                with self.assertRaises(AccessError):
                    Acceptance.create([{'plan': plan.id}])
                with self.assertRaisesRegex(UserError, "pass_"):
                    Acceptance.pass_([acceptance])
            with Transaction().set_user(other.id):
                with self.assertRaisesRegex(AccessError, "省道路运输协会"):
                    Acceptance.pass_([Acceptance(acceptance.id)])
        self.assertEqual(Acceptance(acceptance.id).state, 'draft')

    @with_transaction()
    def test_acceptances_are_scoped_to_station_and_city(self):
        "广州 reads nothing of 深圳; a station reads only its own"
        Acceptance = Pool().get('gd.acceptance')
        Item = Pool().get('gd.acceptance.item')
        gz_plan, gz_user, association = self.setup_plan('440100510')
        sz_plan, sz_user, _ = self.setup_plan('440300510', city='440300')
        gz = self.create_acceptance(association, gz_plan)
        sz = self.create_acceptance(association, sz_plan)
        bureau = create_user(
            'gz_bureau', 'group_city_bureau', city=gz_plan.station.city)
        for user in [gz_user, bureau]:
            with as_user(user):
                self.assertEqual(Acceptance.search([]), [gz])
                self.assertEqual({i.acceptance for i in Item.search([])}, {gz})
                with self.assertRaises(AccessError):
                    Acceptance.read([sz.id], ['inspectors'])
        with as_user(sz_user):
            self.assertEqual(Acceptance.search([]), [sz])
        with as_user(association):
            self.assertEqual(set(Acceptance.search([])), {gz, sz})
