# This file is part of GD Station Cloud.  The COPYRIGHT file at the top
# level of this repository contains the full copyright notices and license
# terms.
"The departure inspection (出站稽查): a failed item blocks the departure"
import datetime as dt

from trytond.model.exceptions import AccessError
from trytond.model.modelview import AccessButtonError
from trytond.modules.gd_ticketing.exceptions import (
    InspectionError, RunAccessError)
from trytond.pool import Pool
from trytond.tests.test_tryton import (
    TestCase, activate_module, with_transaction)

from .tools import as_user, create_network, create_user


class InspectionTestCase(TestCase):
    "Test the departure inspection of runs"

    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        activate_module('gd_ticketing', lang='zh_CN')

    def setup_run(self, prefix='I1'):
        pool = Pool()
        Schedule = pool.get('gd.schedule')
        Run = pool.get('gd.run')
        network = create_network(prefix)
        run, = Schedule.generate_runs(
            [network['schedule']], start=dt.date(2026, 11, 26), days=1)
        Run.open([run])
        inspector = create_user(
            f'{prefix}_inspector', 'group_station',
            station=network['stations'][0])
        return network, run, inspector

    def inspect(self, run, results):
        """Create the run's inspection with results {item sequence: (result,
        remark)}, every other item passed"""
        Inspection = Pool().get('gd.run.inspection')
        inspection, = Inspection.create([{'run': run.id}])
        for item in inspection.items:
            result, remark = results.get(item.sequence, ('pass', None))
            item.result = result
            item.remark = remark
        inspection.items = inspection.items
        inspection.save()
        return Inspection(inspection.id)

    @with_transaction()
    def test_checklist_comes_from_the_templates(self):
        "A new inspection lists the seven items kept as data, in order"
        Inspection = Pool().get('gd.run.inspection')
        _, run, inspector = self.setup_run()
        with as_user(inspector):
            inspection, = Inspection.create([{'run': run.id}])
            names = [i.name for i in inspection.items]
        self.assertEqual(len(names), 7)
        self.assertEqual(
            names[0], "核定载客人数内，且与检票人数一致（无超员）")
        self.assertIn("驾驶员已签署出站登记表", names)

    @with_transaction()
    def test_run_departs_after_a_passed_inspection(self):
        "Every item passed: the inspection passes and the run departs"
        pool = Pool()
        Inspection = pool.get('gd.run.inspection')
        Run = pool.get('gd.run')
        _, run, inspector = self.setup_run()
        with as_user(inspector):
            with self.assertRaisesRegex(InspectionError, "出站稽查") as cm:
                Run.depart([Run(run.id)])
            self.assertIn("尚未稽查", str(cm.exception))
            inspection = self.inspect(run, {})
            Inspection.pass_([inspection])
            Run.depart([Run(run.id)])
        inspection = Inspection(inspection.id)
        self.assertEqual(inspection.state, 'passed')
        self.assertEqual(inspection.inspector, inspector)
        self.assertTrue(inspection.inspected_at)
        self.assertEqual(Run(run.id).state, 'departed')

    @with_transaction()
    def test_failed_item_blocks_the_departure(self):
        """An inspection with a failed item cannot pass; once failed, the run
        cannot depart until a new inspection passes"""
        pool = Pool()
        Inspection = pool.get('gd.run.inspection')
        Run = pool.get('gd.run')
        _, run, inspector = self.setup_run()
        with as_user(inspector):
            inspection = self.inspect(run, {30: ('fail', None)})
            with self.assertRaisesRegex(InspectionError, "车辆安全例检"):
                Inspection.pass_([inspection])
            # A failed item needs what was found
            with self.assertRaisesRegex(InspectionError, "备注"):
                Inspection.fail([Inspection(inspection.id)])
            inspection.items[2].remark = "例检过期"
            inspection.items = inspection.items
            inspection.save()
            Inspection.fail([Inspection(inspection.id)])
            with self.assertRaisesRegex(InspectionError, "车辆安全例检"):
                Run.depart([Run(run.id)])
            self.assertEqual(Run(run.id).state, 'open')

            again = self.inspect(run, {})
            Inspection.pass_([again])
            Run.depart([Run(run.id)])
        self.assertEqual(Run(run.id).state, 'departed')
        self.assertEqual(
            [i.state for i in Run(run.id).inspections], ['passed', 'failed'])

    @with_transaction()
    def test_every_item_needs_a_result(self):
        "Deciding with an item left blank is refused, naming the item"
        Inspection = Pool().get('gd.run.inspection')
        _, run, inspector = self.setup_run()
        with as_user(inspector):
            inspection = self.inspect(run, {70: (None, None)})
            with self.assertRaisesRegex(InspectionError, "旅客已系好安全带"):
                Inspection.pass_([inspection])
            with self.assertRaisesRegex(InspectionError, "旅客已系好安全带"):
                Inspection.fail([inspection])
            inspection.items[-1].result = 'pass'
            inspection.items = inspection.items
            inspection.save()
            # Failing needs a failed item
            with self.assertRaisesRegex(InspectionError, "没有不合格"):
                Inspection.fail([Inspection(inspection.id)])

    @with_transaction()
    def test_decided_inspection_never_changes(self):
        "A decided inspection, its items and its state are locked"
        pool = Pool()
        Inspection = pool.get('gd.run.inspection')
        Item = pool.get('gd.run.inspection.item')
        _, run, inspector = self.setup_run()
        with as_user(inspector):
            inspection = self.inspect(run, {})
            Inspection.pass_([inspection])
            with self.assertRaises(RunAccessError):
                Item.write(list(inspection.items), {'result': 'fail'})
            with self.assertRaises(RunAccessError):
                Inspection.delete([inspection])
            # Its buttons are gone
            with self.assertRaises(AccessButtonError):
                Inspection.fail([inspection])
        # Nor is one created decided (the call is refused, and its
        # transaction rolled back)
        _, run, inspector = self.setup_run('I2')
        with as_user(inspector), self.assertRaises(RunAccessError):
            Inspection.create([{'run': run.id, 'state': 'passed'}])

    @with_transaction()
    def test_only_the_origin_station_inspects(self):
        "Another station neither sees nor inspects the run; a carrier reads"
        pool = Pool()
        Inspection = pool.get('gd.run.inspection')
        network, run, inspector = self.setup_run()
        other = create_user(
            'other_station', 'group_station',
            station=network['stations'][1])
        carrier = create_user(
            'carrier_user', 'gd_ticketing.group_carrier',
            carrier=network['carrier'])
        with as_user(inspector):
            inspection = self.inspect(run, {})
        with as_user(other):
            self.assertEqual(Inspection.search([]), [])
        with as_user(carrier):
            self.assertEqual(Inspection.search([]), [inspection])
            with self.assertRaises(AccessButtonError):
                Inspection.pass_([inspection])
        # Nor inspects a run of another station
        _, other_run, _ = self.setup_run('I3')
        with as_user(other), self.assertRaises(AccessError):
            Inspection.create([{'run': other_run.id}])
