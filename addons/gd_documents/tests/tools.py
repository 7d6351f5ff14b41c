# This file is part of GD Station Cloud.  The COPYRIGHT file at the top
# level of this repository contains the full copyright notices and license
# terms.
"Helpers for the tests of the modules that depend on gd_documents"
from trytond.pool import Pool


def get_city(code):
    City = Pool().get('gd.city')
    city, = City.search([('code', '=', code)])
    return city


def create_station(name, code, city_code, **values):
    Station = Pool().get('gd.station')
    station = Station(
        name=name, code=code, city=get_city(city_code), **values)
    station.save()
    return station


def create_user(login, group, **values):
    "Create a user in the group with the XML id `group` of gd_documents"
    pool = Pool()
    User = pool.get('res.user')
    ModelData = pool.get('ir.model.data')
    module, _, fs_id = group.rpartition('.')
    group_id = ModelData.get_id(module or 'gd_documents', fs_id)
    user = User(login=login, name=login, groups=[group_id], **values)
    user.save()
    return user
