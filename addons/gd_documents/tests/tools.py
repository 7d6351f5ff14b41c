# This file is part of GD Station Cloud.  The COPYRIGHT file at the top
# level of this repository contains the full copyright notices and license
# terms.
"Helpers for the tests of the modules that depend on gd_documents"
import doctest
import email
import email.policy
import os
import shutil
import socket
import subprocess
import tempfile
import threading
import unittest
from contextlib import contextmanager
from unittest.mock import patch

from trytond import config
from trytond.pool import Pool
from trytond.tests.test_tryton import (
    doctest_checker, doctest_setup, doctest_teardown)
from trytond.transaction import Transaction

ARTIFACTS = os.path.join(
    os.path.dirname(__file__), '..', '..', '..', 'test-artifacts')


def pdf_text(data):
    "The text of a PDF as poppler's pdftotext reads it"
    return subprocess.run(
        ['pdftotext', '-layout', '-', '-'], input=data,
        capture_output=True, check=True).stdout.decode()


def pdf_fonts(data):
    "The embedded fonts of a PDF as poppler's pdffonts lists them"
    with tempfile.NamedTemporaryFile(suffix='.pdf') as file:
        file.write(data)
        file.flush()
        output = subprocess.run(
            ['pdffonts', file.name], capture_output=True, check=True,
            ).stdout.decode()
    return [line.split() for line in output.splitlines()[2:]]


def save_png(data, extension, name):
    """Render the first page of the output to test-artifacts/name.png:
    pdftoppm for PDF, LibreOffice headless first for DOCX and XLSX"""
    os.makedirs(ARTIFACTS, exist_ok=True)
    with tempfile.TemporaryDirectory() as directory:
        path = os.path.join(directory, f'{name}.{extension}')
        with open(path, 'wb') as file:
            file.write(data)
        if extension != 'pdf':
            soffice = shutil.which('soffice')
            if not soffice:
                return None
            subprocess.run([
                    soffice, '--headless', '--norestore',
                    f'-env:UserInstallation=file://{directory}/profile',
                    '--convert-to', 'pdf', '--outdir', directory, path],
                capture_output=True, check=True, timeout=180)
            path = os.path.join(directory, f'{name}.pdf')
        target = os.path.join(ARTIFACTS, name)
        subprocess.run(
            ['pdftoppm', '-png', '-r', '80', '-f', '1', '-l', '1',
                '-singlefile', path, target],
            check=True, capture_output=True)
    return target + '.png'


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


def create_issuer(name="广东省交通运输厅", prefix="粤交运", **values):
    Issuer = Pool().get('gd.document.issuer')
    issuer = Issuer(name=name, prefix=prefix, **values)
    issuer.save()
    return issuer


def create_document(issuer, title, recipients, approvers, minimum=None,
        file=b'%PDF-1.4 test', file_name="正文.pdf", **values):
    """Create a draft document addressed to recipients (records of gd.city,
    gd.station, res.group or res.user) with the approvers in order and one
    version"""
    pool = Pool()
    Document = pool.get('gd.document')
    kinds = {
        'gd.city': 'city', 'gd.station': 'station', 'res.group': 'group',
        'res.user': 'user'}
    values.update({
            'title': title,
            'issuer': issuer.id,
            'minimum_approvals': (
                issuer.minimum_approvals if minimum is None else minimum),
            'recipients': [('create', [{
                            'kind': kinds[r.__name__],
                            kinds[r.__name__]: r.id}
                        for r in recipients])],
            'approvals': [('create', [{'sequence': i, 'user': u.id}
                        for i, u in enumerate(approvers, 1)])],
            })
    if file:
        values['versions'] = [('create', [{
                        'file': file, 'file_name': file_name}])]
    # create, not save: save() skips the access checks of RPC calls
    document, = Document.create([values])
    return document


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


# The English names of the roles, to find them with proteus
GROUP_NAMES = {
    'group_department': "Provincial Department of Transport",
    'group_city_bureau': "City Transport Bureau",
    'group_association': "Road Transport Association",
    'group_tech_company': "Technical Support Company",
    'group_station': "Passenger Station",
    }


def scenario_user(login, group, city=None, station=None, email=None):
    """Create with proteus a user of the group (an XML id of gd_documents)
    in the city or station given by its code; return its id"""
    from proteus import Model
    User = Model.get('res.user')
    Group = Model.get('res.group')
    group, = Group.find([('name', '=', GROUP_NAMES[group])])
    user = User(login=login, name=login, email=email)
    user.groups.append(group)
    if city:
        City = Model.get('gd.city')
        user.city, = City.find([('code', '=', city)])
    if station:
        Station = Model.get('gd.station')
        user.station, = Station.find([('code', '=', station)])
    user.save()
    return user.id


class Inbox:
    "An aiosmtpd handler that keeps the messages it receives"

    def __init__(self):
        self.messages = []
        self.lock = threading.Lock()

    async def handle_DATA(self, server, session, envelope):
        message = email.message_from_bytes(
            envelope.original_content, policy=email.policy.default)
        with self.lock:
            self.messages.append((envelope.rcpt_tos, message))
        return '250 OK'

    def to(self, address):
        with self.lock:
            return [m for rcpt, m in self.messages if address in rcpt]


def free_port():
    with socket.socket() as sock:
        sock.bind(('127.0.0.1', 0))
        return sock.getsockname()[1]


def start_smtp_server(test_class):
    """Start a real SMTP server on loopback for the test class, point
    trytond's e-mail at it and return the Inbox of what it receives"""
    from aiosmtpd.controller import Controller
    inbox = Inbox()
    smtp = Controller(inbox, hostname='127.0.0.1', port=free_port())
    smtp.start()
    test_class.addClassCleanup(smtp.stop)
    uri = config.get('email', 'uri', default=None)
    config.set('email', 'uri', f'smtp://127.0.0.1:{smtp.port}')
    config.set('email', 'from', 'gdcloud@example.gov.cn')
    test_class.addClassCleanup(config.set, 'email', 'uri', uri)
    return inbox
