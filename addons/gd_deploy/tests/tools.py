# This file is part of GD Station Cloud.  The COPYRIGHT file at the top
# level of this repository contains the full copyright notices and license
# terms.
"Helpers for the tests of gd_deploy and the modules that depend on it"
from trytond.modules.gd_documents.tests.tools import (
    GROUP_NAMES, as_user, create_user, get_city, on_date, scenario_test_case,
    scenario_user)
from trytond.modules.gd_documents.tests.tools import (
    create_station as _create_station)
from trytond.pool import Pool
from trytond.transaction import Transaction

__all__ = [
    'GROUP_NAMES', 'create_user', 'get_city', 'create_station',
    'programme_2020', 'as_user', 'on_date', 'scenario_test_case',
    'scenario_user', 'scenario_set_stage']


def programme_2020():
    "The programme of 粤交运〔2020〕213号, shipped as data"
    pool = Pool()
    Programme = pool.get('gd.programme')
    ModelData = pool.get('ir.model.data')
    return Programme(ModelData.get_id('gd_deploy', 'programme_2020'))


def create_station(name, code, city_code, grade='2', **values):
    values.setdefault('grade_scheme', 'jtt200_2004')
    return _create_station(name, code, city_code, grade=grade, **values)


def scenario_set_stage(code, stage):
    """Put the station of code at the deployment stage, as its records would
    (for scenarios: proteus does not write a read-only field)"""
    from proteus import config as pconfig
    config = pconfig.get_config()
    with Transaction().start(config.database_name, 0) as transaction:
        Station = Pool().get('gd.station')
        Station.write(Station.search([('code', '=', code)]), {'stage': stage})
        transaction.commit()
