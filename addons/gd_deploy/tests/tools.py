# This file is part of GD Station Cloud.  The COPYRIGHT file at the top
# level of this repository contains the full copyright notices and license
# terms.
"Helpers for the tests of gd_deploy and the modules that depend on it"
import doctest
import os
import unittest
from contextlib import contextmanager
from unittest.mock import patch

from trytond.modules.gd_documents.tests.tools import (
    create_station as _create_station)
from trytond.modules.gd_documents.tests.tools import create_user, get_city
from trytond.pool import Pool
from trytond.tests.test_tryton import (
    doctest_checker, doctest_setup, doctest_teardown)
from trytond.transaction import Transaction

__all__ = [
    'create_user', 'get_city', 'create_station', 'programme_2020',
    'as_user', 'on_date', 'scenario_test_case']


def programme_2020():
    "The programme of 粤交运〔2020〕213号, shipped as data"
    pool = Pool()
    Programme = pool.get('gd.programme')
    ModelData = pool.get('ir.model.data')
    return Programme(ModelData.get_id('gd_deploy', 'programme_2020'))


def create_station(name, code, city_code, grade='2', **values):
    values.setdefault('grade_scheme', 'jtt200_2004')
    return _create_station(name, code, city_code, grade=grade, **values)


@contextmanager
def as_user(user):
    "Run as user with access checks, as an RPC call does"
    transaction = Transaction()
    with transaction.set_user(user.id), \
            transaction.set_context(_check_access=True):
        yield


@contextmanager
def on_date(date):
    "Make ir.date.today() return date"
    Date = Pool().get('ir.date')
    with patch.object(Date, 'today', return_value=date):
        yield


def scenario_test_case(filename, test_file):
    """Return a TestCase that runs the doctest scenario filename beside
    test_file, as trytond's load_doc_tests does (pytest ignores
    load_tests)"""
    path = os.path.join(os.path.dirname(test_file), filename)

    class ScenarioTestCase(unittest.TestCase):
        def test_scenario(self):
            suite = doctest.DocFileSuite(
                path, module_relative=False, setUp=doctest_setup,
                tearDown=doctest_teardown, encoding='utf-8',
                checker=doctest_checker,
                optionflags=doctest.REPORT_ONLY_FIRST_FAILURE)
            result = unittest.TestResult()
            suite.run(result)
            problems = result.failures + result.errors
            self.assertFalse(
                problems, '\n'.join(text for _, text in problems))
    ScenarioTestCase.__name__ = ScenarioTestCase.__qualname__ = (
        'Scenario' + ''.join(
            w.capitalize() for w in filename[:-4].split('_')[1:])
        + 'TestCase')
    ScenarioTestCase.test_scenario.__doc__ = f"Scenario {filename}"
    return ScenarioTestCase


# The English names of the roles of gd_documents, to find them with proteus
GROUP_NAMES = {
    'group_department': "Provincial Department of Transport",
    'group_city_bureau': "City Transport Bureau",
    'group_association': "Road Transport Association",
    'group_tech_company': "Technical Support Company",
    'group_station': "Passenger Station",
    }


def scenario_user(login, group, city=None, station=None):
    """Create with proteus a user of the group (an XML id of gd_documents)
    in the city or station given by its code; return its id"""
    from proteus import Model
    User = Model.get('res.user')
    Group = Model.get('res.group')
    group, = Group.find([('name', '=', GROUP_NAMES[group])])
    user = User(login=login, name=login)
    user.groups.append(group)
    if city:
        City = Model.get('gd.city')
        user.city, = City.find([('code', '=', city)])
    if station:
        Station = Model.get('gd.station')
        user.station, = Station.find([('code', '=', station)])
    user.save()
    return user.id


def scenario_set_stage(code, stage):
    """Put the station of code at the deployment stage, as its records would
    (for scenarios: proteus does not write a read-only field)"""
    from proteus import config as pconfig
    config = pconfig.get_config()
    with Transaction().start(config.database_name, 0) as transaction:
        Station = Pool().get('gd.station')
        Station.write(Station.search([('code', '=', code)]), {'stage': stage})
        transaction.commit()
