# This file is part of GD Station Cloud.  The COPYRIGHT file at the top
# level of this repository contains the full copyright notices and license
# terms.
"Helpers for the tests of gd_deploy and the modules that depend on it"
from contextlib import contextmanager
from unittest.mock import patch

from trytond.modules.gd_documents.tests.tools import (
    create_station as _create_station)
from trytond.modules.gd_documents.tests.tools import create_user, get_city
from trytond.pool import Pool
from trytond.transaction import Transaction

__all__ = [
    'create_user', 'get_city', 'create_station', 'programme_2020',
    'as_user', 'on_date']


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
