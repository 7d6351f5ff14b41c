# This file is part of GD Station Cloud.  The COPYRIGHT file at the top
# level of this repository contains the full copyright notices and license
# terms.
from trytond.exceptions import UserError
from trytond.model.exceptions import AccessError
from trytond.pool import Pool
from trytond.tests.test_tryton import ModuleTestCase, with_transaction
from trytond.transaction import Transaction

from .tools import create_station, create_user, get_city

CHECK_ACCESS = {'_check_access': True}


class GdDocumentsTestCase(ModuleTestCase):
    "Test GD Documents module"
    module = 'gd_documents'
    language = 'zh_CN'

    def _stations(self):
        return [
            create_station("广州省汽车客运站", '4401001', '440100'),
            create_station("广州天河客运站", '4401002', '440100'),
            create_station("深圳罗湖汽车站", '4403001', '440300'),
            ]

    @with_transaction()
    def test_the_21_cities_are_shipped_with_their_codes(self):
        "The 21 cities of Guangdong are data with their GB/T 2260 codes"
        City = Pool().get('gd.city')
        cities = City.search([])
        self.assertEqual(len(cities), 21)
        self.assertEqual(len({c.code for c in cities}), 21)
        with Transaction().set_context(language='zh_CN'):
            guangzhou = City(get_city('440100').id)
            self.assertEqual(guangzhou.name, "广州市")
            self.assertEqual(City(get_city('445300').id).name, "云浮市")
        with Transaction().set_context(language='en'):
            self.assertEqual(City(get_city('440100').id).name, "Guangzhou")

    @with_transaction()
    def test_city_code_must_be_six_digits(self):
        "A city code that is not six digits is refused"
        City = Pool().get('gd.city')
        with self.assertRaisesRegex(UserError, "GB/T 2260"):
            City.create([{'name': "Test", 'code': '44A100'}])

    @with_transaction()
    def test_city_bureau_user_resolves_to_its_city_in_rule_domain(self):
        "A city-bureau user of 广州市 resolves to 广州市 in a rule domain"
        pool = Pool()
        Rule = pool.get('ir.rule')
        City = pool.get('gd.city')
        guangzhou = get_city('440100')
        user = create_user('gz_city', 'group_city_bureau', city=guangzhou)

        with Transaction().set_user(user.id), \
                Transaction().set_context(CHECK_ACCESS):
            context = Rule._get_context('gd.station')
            domain = Rule.domain_get('gd.station')
        self.assertEqual(list(context['gd_cities']), [guangzhou.id])
        self.assertEqual(list(context['gd_stations']), [])
        self.assertEqual(
            domain, ('OR', ('OR', (('city', 'in', (guangzhou.id,)),))))
        with Transaction().set_context(language='zh_CN'):
            city, = City.browse(context['gd_cities'])
            self.assertEqual(city.name, "广州市")

    @with_transaction(context=CHECK_ACCESS)
    def test_city_bureau_user_sees_only_stations_of_its_city(self):
        "A city-bureau user reads the stations of its city only"
        Station = Pool().get('gd.station')
        gz_main, gz_tianhe, sz_luohu = self._stations()
        user = create_user(
            'gz_city', 'group_city_bureau', city=get_city('440100'))

        with Transaction().set_user(user.id):
            stations = Station.search([])
            self.assertEqual(
                sorted(s.id for s in stations),
                sorted([gz_main.id, gz_tianhe.id]))
            with self.assertRaises(AccessError):
                Station.read([sz_luohu.id], ['name'])

    @with_transaction(context=CHECK_ACCESS)
    def test_user_without_organisation_sees_nothing_scoped(self):
        "A city-bureau user with no city sees no station"
        Station = Pool().get('gd.station')
        self._stations()
        user = create_user('nobody', 'group_city_bureau')

        with Transaction().set_user(user.id):
            self.assertEqual(Station.search([]), [])

    @with_transaction(context=CHECK_ACCESS)
    def test_station_user_sees_only_its_station(self):
        "A station user reads its own station only"
        Station = Pool().get('gd.station')
        gz_main, gz_tianhe, _ = self._stations()
        user = create_user('gz_station', 'group_station', station=gz_tianhe)

        with Transaction().set_user(user.id):
            self.assertEqual(Station.search([]), [gz_tianhe])
            with self.assertRaises(AccessError):
                Station.read([gz_main.id], ['name'])

    @with_transaction(context=CHECK_ACCESS)
    def test_province_roles_see_all_stations(self):
        "The department, association and tech company see every station"
        Station = Pool().get('gd.station')
        stations = self._stations()
        for group in [
                'group_department', 'group_association',
                'group_tech_company']:
            user = create_user(group, group)
            with self.subTest(group=group), \
                    Transaction().set_user(user.id):
                self.assertEqual(len(Station.search([])), len(stations))

    @with_transaction(context=CHECK_ACCESS)
    def test_moving_a_user_to_another_city_changes_its_scope(self):
        "Changing a user's city changes the stations it sees at once"
        pool = Pool()
        Station = pool.get('gd.station')
        User = pool.get('res.user')
        _, _, sz_luohu = self._stations()
        user = create_user(
            'moved', 'group_city_bureau', city=get_city('440100'))
        with Transaction().set_user(user.id):
            self.assertEqual(len(Station.search([])), 2)

        User.write([user], {'city': get_city('440300').id})
        with Transaction().set_user(user.id):
            self.assertEqual(Station.search([]), [sz_luohu])

    @with_transaction(context=CHECK_ACCESS)
    def test_station_user_cannot_write_its_station(self):
        "A station user may read its station but not change it"
        Station = Pool().get('gd.station')
        _, gz_tianhe, _ = self._stations()
        user = create_user('gz_station', 'group_station', station=gz_tianhe)

        with Transaction().set_user(user.id):
            with self.assertRaises(AccessError):
                Station.write([Station(gz_tianhe.id)], {'name': "改名"})

    @with_transaction()
    def test_user_with_city_and_station_is_refused(self):
        "A user belongs to a city or to a station, not both"
        _, gz_tianhe, _ = self._stations()
        with self.assertRaisesRegex(UserError, "二者不能同时设置"):
            create_user(
                'both', 'group_station', city=get_city('440100'),
                station=gz_tianhe)

    @with_transaction()
    def test_station_code_is_unique(self):
        "Two stations cannot share a code"
        create_station("A", 'S1', '440100')
        with self.assertRaises(UserError):
            create_station("B", 'S1', '440300')


del ModuleTestCase
