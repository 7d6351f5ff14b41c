# This file is part of GD Station Cloud.  The COPYRIGHT file at the top
# level of this repository contains the full copyright notices and license
# terms.
"Two documents issued at the same time never share a number"
import datetime as dt
import threading
import time
import unittest
from unittest.mock import patch

from trytond import backend
from trytond.pool import Pool
from trytond.tests.test_tryton import (
    DB_NAME, TestCase, activate_module, drop_db)
from trytond.transaction import Transaction

from .tools import create_document, create_issuer, create_user, get_city

ISSUE_DATE = dt.date(2020, 4, 29)


@unittest.skipUnless(
    backend.name == 'postgresql', "concurrent transactions need PostgreSQL")
class NumberingTestCase(TestCase):
    "Test the serial under concurrent issues"

    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        # Its records are committed: a database of its own
        drop_db()
        activate_module('gd_documents', lang='zh_CN')

    @classmethod
    def tearDownClass(cls):
        super().tearDownClass()
        drop_db()

    def issue(self, document_id, user_id, commit=None):
        """Issue the document in a transaction of its own; commit it when
        the event commit is set"""
        with Transaction().start(
                DB_NAME, user_id, context={'_check_access': True}
                ) as transaction:
            Document = Pool().get('gd.document')
            Document.issue([Document(document_id)])
            number = Document(document_id).number
            if commit is not None:
                commit.wait(10)
            transaction.commit()
        return number

    def test_two_issues_at_once_never_share_a_number(self):
        "The second issue waits for the first and is retried, never doubled"
        # Both threads issue on the date of the notice
        Date = Pool(DB_NAME).get('ir.date')
        with patch.object(Date, 'today', return_value=ISSUE_DATE):
            self._test_two_issues_at_once()

    def _test_two_issues_at_once(self):
        with Transaction().start(DB_NAME, 0) as transaction:
            Document = Pool().get('gd.document')
            drafter = create_user('drafter', 'group_department')
            issuer = create_issuer(minimum_approvals=1)
            ids = []
            for title in ["首份", "甲", "乙"]:
                document = create_document(
                    issuer, title, [get_city('440100')], [drafter])
                Document.submit([document])
                with Transaction().set_user(drafter.id):
                    Document.approve([document])
                ids.append(document.id)
            transaction.commit()
        first, a, b = ids
        self.assertEqual(self.issue(first, drafter.id), "粤交运〔2020〕1号")

        commit = threading.Event()
        result = {}

        def issue_b():
            try:
                result['b'] = self.issue(b, drafter.id)
            except backend.DatabaseOperationalError as exception:
                result['b'] = exception

        thread_a = threading.Thread(
            target=lambda: result.setdefault(
                'a', self.issue(a, drafter.id, commit)))
        thread_a.start()
        time.sleep(1)  # a has taken serial 2 and holds its row
        thread_b = threading.Thread(target=issue_b)
        thread_b.start()
        time.sleep(1)
        self.assertTrue(thread_b.is_alive(), "b must wait for a")
        commit.set()
        thread_a.join(10)
        thread_b.join(10)

        self.assertEqual(result['a'], "粤交运〔2020〕2号")
        # b could not take the serial a took: Tryton retries such a
        # request, and then it takes the next one
        self.assertIsInstance(result['b'], backend.DatabaseOperationalError)
        self.assertEqual(self.issue(b, drafter.id), "粤交运〔2020〕3号")
