# This file is part of GD Station Cloud.  The COPYRIGHT file at the top
# level of this repository contains the full copyright notices and license
# terms.
"""The register of official documents (公文): issuers and their numbers,
circulation through ordered approvals, immutable versions and receipts"""
import datetime as dt
import hashlib
import string

from sql import Literal
from sql.aggregate import Max

from trytond.i18n import gettext
from trytond.model import (
    DeactivableMixin, ModelSQL, ModelView, Unique, Workflow, fields,
    sequence_ordered)
from trytond.pool import Pool
from trytond.pyson import Eval
from trytond.transaction import Transaction
from trytond.wizard import (
    Button, StateAction, StateTransition, StateView, Wizard)

from . import style
from .exceptions import (
    DocumentAccessError, DocumentCirculationError, DocumentImmutableError,
    IssuerPatternError)
from .report import DocxReport, HtmlReport, XlsxReport

KINDS = [
    ('notice', "Notice"),
    ('request', "Request"),
    ('report', "Report"),
    ('minutes', "Minutes"),
    ('other', "Other"),
    ]
DISCLOSURES = [
    ('public', "Proactive Disclosure"),
    ('on_request', "Disclosure on Request"),
    ('restricted', "Not Disclosed"),
    ]
PATTERN_FIELDS = {'prefix', 'year', 'serial'}


class Issuer(DeactivableMixin, ModelSQL, ModelView):
    __name__ = 'gd.document.issuer'
    __string__ = "Document Issuer"

    name = fields.Char("Name", required=True)
    prefix = fields.Char(
        "Prefix", required=True,
        help="The issuer's abbreviation at the head of its numbers, "
        "such as 粤交运.")
    pattern = fields.Char(
        "Number Pattern", required=True,
        help="How numbers are written, with {prefix}, {year} and "
        "{serial} (the serial restarts each year), "
        "such as {prefix}〔{year}〕{serial}号.")
    minimum_approvals = fields.Integer(
        "Minimum Approvals", required=True,
        domain=[('minimum_approvals', '>=', 0)],
        help="The approvals a document needs before it may be issued.")
    city = fields.Many2One(
        'gd.city', "City", ondelete='RESTRICT',
        help="For a city bureau: the city whose bureau issues under it.")
    serials = fields.One2Many(
        'gd.document.issuer.serial', 'issuer', "Serials", readonly=True)

    @classmethod
    def default_pattern(cls):
        return '{prefix}〔{year}〕{serial}号'

    @classmethod
    def default_minimum_approvals(cls):
        return 1

    @classmethod
    def validate_fields(cls, issuers, field_names):
        super().validate_fields(issuers, field_names)
        if not field_names or 'pattern' in field_names:
            for issuer in issuers:
                issuer.check_pattern()

    def check_pattern(self):
        "Refuse a pattern that could give two documents one number"
        try:
            names = {
                n.split('.')[0].split('[')[0]
                for _, n, _, _ in string.Formatter().parse(self.pattern)
                if n is not None}
            self.format_number(2020, 1)
        except (ValueError, KeyError, IndexError):
            names = None
        if names is None or not names <= PATTERN_FIELDS:
            raise IssuerPatternError(gettext(
                    'gd_documents.msg_issuer_pattern_invalid',
                    issuer=self.rec_name, pattern=self.pattern))
        if not {'serial', 'year'} <= names:
            raise IssuerPatternError(gettext(
                    'gd_documents.msg_issuer_pattern_repeats',
                    issuer=self.rec_name, pattern=self.pattern))

    def format_number(self, year, serial):
        return self.pattern.format(
            prefix=self.prefix, year=year, serial=serial)

    def next_number(self, date):
        """Take the next serial of the year of date and return the number.
        The serial row is updated in place, so that concurrent transactions
        wait for each other and never share a serial."""
        pool = Pool()
        Serial = pool.get('gd.document.issuer.serial')
        table = Serial.__table__()
        cursor = Transaction().connection.cursor()
        year = date.year
        where = (table.issuer == self.id) & (table.year == year)
        cursor.execute(*table.update(
                [table.last], [table.last + Literal(1)], where=where))
        if not cursor.rowcount:
            # First document of the year: the unique constraint refuses a
            # second row created at the same time
            Serial.create([{'issuer': self.id, 'year': year, 'last': 1}])
        cursor.execute(*table.select(Max(table.last), where=where))
        serial, = cursor.fetchone()
        return self.format_number(year, serial)


class IssuerSerial(ModelSQL, ModelView):
    __name__ = 'gd.document.issuer.serial'
    __string__ = "Document Issuer Serial"

    issuer = fields.Many2One(
        'gd.document.issuer', "Issuer", required=True, ondelete='CASCADE',
        readonly=True)
    year = fields.Integer("Year", required=True, readonly=True)
    last = fields.Integer(
        "Last Serial", required=True, readonly=True,
        help="The serial of the last document issued in the year.")

    @classmethod
    def __setup__(cls):
        super().__setup__()
        cls.__access__.add('issuer')
        t = cls.__table__()
        cls._sql_constraints += [
            ('issuer_year_unique', Unique(t, t.issuer, t.year),
                'gd_documents.msg_issuer_serial_unique'),
            ]
        cls._order = [('year', 'DESC'), ('id', 'DESC')]


_states = {
    'readonly': Eval('state') != 'draft',
    }


class Document(Workflow, ModelSQL, ModelView):
    __name__ = 'gd.document'
    __string__ = "Document"
    _rec_name = 'title'

    number = fields.Char(
        "Number", readonly=True,
        help="Given when the document is issued.")
    title = fields.Char("Title", required=True, states=_states)
    kind = fields.Selection(KINDS, "Kind", required=True, states=_states)
    issuer = fields.Many2One(
        'gd.document.issuer', "Issuer", required=True, ondelete='RESTRICT',
        states=_states)
    city = fields.Many2One(
        'gd.city', "Drafting City", readonly=True, ondelete='RESTRICT',
        help="The city of the bureau that drafted the document.")
    drafter = fields.Many2One(
        'res.user', "Drafter", readonly=True, ondelete='RESTRICT')
    disclosure = fields.Selection(
        DISCLOSURES, "Disclosure", required=True, states=_states)
    date = fields.Date(
        "Issue Date", readonly=True,
        help="Given when the document is issued.")
    contact = fields.Char("Contact", states=_states)
    summary = fields.Text("Summary", states=_states)
    recipients = fields.One2Many(
        'gd.document.recipient', 'document', "Recipients", states=_states)
    minimum_approvals = fields.Integer(
        "Minimum Approvals", required=True, states=_states,
        domain=[('minimum_approvals', '>=', 0)])
    approvals = fields.One2Many(
        'gd.document.approval', 'document', "Approvals", states=_states)
    approval_count = fields.Function(
        fields.Integer("Approvals Given"), 'get_approval_count')
    versions = fields.One2Many(
        'gd.document.version', 'document', "Versions",
        states={
            'readonly': Eval('state').in_(['issued', 'archived']),
            })
    receipts = fields.One2Many(
        'gd.document.receipt', 'document', "Receipts", readonly=True)
    unacknowledged = fields.Function(fields.Many2Many(
            'gd.document.recipient', None, None, "Not Acknowledged",
            states={
                'invisible': ~Eval('state').in_(['issued', 'archived']),
                }),
        'get_unacknowledged')
    unacknowledged_count = fields.Function(
        fields.Integer("Not Acknowledged"), 'get_unacknowledged_count')
    state = fields.Selection([
            ('draft', "Draft"),
            ('in_review', "In Review"),
            ('approved', "Approved"),
            ('issued', "Issued"),
            ('archived', "Archived"),
            ], "State", required=True, readonly=True, sort=False)
    state_string = state.translated('state')
    kind_string = kind.translated('kind')
    disclosure_string = disclosure.translated('disclosure')

    @classmethod
    def __setup__(cls):
        super().__setup__()
        t = cls.__table__()
        cls._sql_constraints += [
            ('number_unique', Unique(t, t.number),
                'gd_documents.msg_document_number_unique'),
            ]
        cls._order = [('date', 'DESC NULLS FIRST'), ('id', 'DESC')]
        cls._transitions |= {
            ('draft', 'in_review'),
            ('in_review', 'draft'),
            ('approved', 'draft'),
            ('in_review', 'approved'),
            ('approved', 'issued'),
            ('issued', 'archived'),
            }
        cls._buttons.update({
                'submit': {
                    'invisible': Eval('state') != 'draft',
                    'icon': 'tryton-forward',
                    'depends': ['state'],
                    },
                'draft': {
                    'invisible': ~Eval('state').in_(
                        ['in_review', 'approved']),
                    'icon': 'tryton-back',
                    'depends': ['state'],
                    },
                'approve': {
                    'invisible': ~Eval('state').in_(
                        ['in_review', 'approved']),
                    'icon': 'tryton-ok',
                    'depends': ['state'],
                    },
                'reject': {
                    'invisible': Eval('state') != 'in_review',
                    'icon': 'tryton-cancel',
                    'depends': ['state'],
                    },
                'issue': {
                    'invisible': ~Eval('state').in_(
                        ['in_review', 'approved']),
                    'icon': 'tryton-send',
                    'depends': ['state'],
                    },
                'acknowledge': {
                    'invisible': Eval('state') != 'issued',
                    'icon': 'tryton-ok',
                    'depends': ['state'],
                    },
                'archive': {
                    'invisible': Eval('state') != 'issued',
                    'icon': 'tryton-archive',
                    'depends': ['state'],
                    },
                })

    @classmethod
    def default_state(cls):
        return 'draft'

    @classmethod
    def default_kind(cls):
        return 'notice'

    @classmethod
    def default_disclosure(cls):
        return 'public'

    @classmethod
    def default_minimum_approvals(cls):
        return 1

    @classmethod
    def default_drafter(cls):
        return Transaction().user or None

    @classmethod
    def default_city(cls):
        pool = Pool()
        User = pool.get('res.user')
        user = Transaction().user
        if user:
            city = User(user).city
            return city.id if city else None

    @fields.depends('issuer')
    def on_change_issuer(self):
        if self.issuer:
            self.minimum_approvals = self.issuer.minimum_approvals

    def get_rec_name(self, name):
        if self.number:
            return f'{self.number} {self.title}'
        return self.title

    @classmethod
    def search_rec_name(cls, name, clause):
        _, operator, operand, *extra = clause
        if operator.startswith('!') or operator.startswith('not '):
            bool_op = 'AND'
        else:
            bool_op = 'OR'
        return [bool_op,
            ('title', operator, operand, *extra),
            ('number', operator, operand, *extra),
            ]

    def get_approval_count(self, name):
        return len([a for a in self.approvals if a.decision == 'approved'])

    def get_unacknowledged(self, name):
        if self.state not in {'issued', 'archived'}:
            return []
        return [r.id for r in self.recipients if not r.receipt]

    def get_unacknowledged_count(self, name):
        return len(self.get_unacknowledged(name))

    @classmethod
    def check_modification(cls, mode, documents, values=None, external=False):
        super().check_modification(
            mode, documents, values=values, external=external)
        if mode == 'write':
            values = values or {}
            for document in documents:
                if document.state in {'issued', 'archived'}:
                    allowed = (set(values) <= {'state'}
                        and values.get('state', 'archived') == 'archived')
                elif document.state == 'draft':
                    allowed = not set(values) & {'number', 'date'}
                else:
                    allowed = (set(values) <= {'state', 'number', 'date'}
                        and (values.get('state') == 'issued'
                            or not set(values) & {'number', 'date'}))
                if not allowed:
                    raise DocumentImmutableError(gettext(
                            'gd_documents.msg_document_locked',
                            document=document.rec_name,
                            state=document.state_string))
        elif mode == 'delete':
            for document in documents:
                if document.state != 'draft':
                    raise DocumentImmutableError(gettext(
                            'gd_documents.msg_document_delete_not_draft',
                            document=document.rec_name))

    @classmethod
    def copy(cls, documents, default=None):
        default = default.copy() if default is not None else {}
        default.setdefault('number', None)
        default.setdefault('date', None)
        default.setdefault('receipts', None)
        default.setdefault('versions', None)
        default.setdefault('drafter', cls.default_drafter())
        default.setdefault('city', cls.default_city())
        return super().copy(documents, default=default)

    @classmethod
    @ModelView.button
    @Workflow.transition('in_review')
    def submit(cls, documents):
        Approval = Pool().get('gd.document.approval')
        for document in documents:
            if len(document.approvals) < document.minimum_approvals:
                raise DocumentCirculationError(gettext(
                        'gd_documents.msg_document_too_few_approvers',
                        document=document.rec_name,
                        count=len(document.approvals),
                        minimum=document.minimum_approvals))
            if not document.recipients:
                raise DocumentCirculationError(gettext(
                        'gd_documents.msg_document_no_recipient',
                        document=document.rec_name))
        Approval.write(
            [a for d in documents for a in d.approvals],
            {'decision': 'pending', 'date': None})

    @classmethod
    @ModelView.button
    @Workflow.transition('draft')
    def draft(cls, documents):
        pass

    @classmethod
    def _current_approvals(cls, documents):
        """Return the approval line of the current user on each document,
        refusing a user who is not the next approver"""
        pool = Pool()
        User = pool.get('res.user')
        user = User(Transaction().user)
        approvals = []
        for document in documents:
            if document.state not in {'in_review', 'approved'}:
                raise DocumentCirculationError(gettext(
                        'gd_documents.msg_document_not_in_review',
                        document=document.rec_name))
            lines = sorted(
                document.approvals, key=lambda a: (a.sequence or 0, a.id))
            mine = [a for a in lines if a.user == user]
            if not mine:
                raise DocumentCirculationError(gettext(
                        'gd_documents.msg_document_not_approver',
                        document=document.rec_name, user=user.rec_name))
            pending = [a for a in mine if a.decision == 'pending']
            if not pending:
                raise DocumentCirculationError(gettext(
                        'gd_documents.msg_document_already_decided',
                        document=document.rec_name, user=user.rec_name))
            approval = pending[0]
            for earlier in lines:
                if earlier == approval:
                    break
                if earlier.decision != 'approved':
                    raise DocumentCirculationError(gettext(
                            'gd_documents.msg_document_approval_order',
                            document=document.rec_name,
                            user=user.rec_name,
                            earlier=earlier.user.rec_name))
            approvals.append(approval)
        return approvals

    @classmethod
    @ModelView.button
    def approve(cls, documents):
        "Record the approval of the current user, the next approver"
        pool = Pool()
        Approval = pool.get('gd.document.approval')
        now = dt.datetime.now()
        Approval.write(cls._current_approvals(documents), {
                'decision': 'approved',
                'date': now,
                })
        cls._approved([d for d in cls.browse(documents)
                if d.state == 'in_review'
                and d.approval_count >= d.minimum_approvals])

    @classmethod
    @Workflow.transition('approved')
    def _approved(cls, documents):
        pass

    @classmethod
    @ModelView.button
    @Workflow.transition('draft')
    def reject(cls, documents):
        "Record the rejection of the current user; back to the drafter"
        pool = Pool()
        Approval = pool.get('gd.document.approval')
        Approval.write(cls._current_approvals(documents), {
                'decision': 'rejected',
                'date': dt.datetime.now(),
                })

    @classmethod
    @ModelView.button
    def issue(cls, documents):
        """Issue the approved documents: each takes the next number of its
        issuer and the date of the day"""
        pool = Pool()
        User = pool.get('res.user')
        Date = pool.get('ir.date')
        user = User(Transaction().user)
        today = Date.today()
        for document in documents:
            if user.city and document.city != user.city:
                raise DocumentAccessError(gettext(
                        'gd_documents.msg_document_issue_not_own',
                        document=document.rec_name, city=user.city.rec_name))
            if document.approval_count < document.minimum_approvals:
                raise DocumentCirculationError(gettext(
                        'gd_documents.msg_document_too_few_approvals',
                        document=document.rec_name,
                        count=document.approval_count,
                        minimum=document.minimum_approvals))
            if document.state != 'approved':
                raise DocumentCirculationError(gettext(
                        'gd_documents.msg_document_not_approved',
                        document=document.rec_name))
            if not document.versions:
                raise DocumentCirculationError(gettext(
                        'gd_documents.msg_document_no_version',
                        document=document.rec_name))
        for document in documents:
            document.number = document.issuer.next_number(today)
            document.date = today
            document.state = 'issued'
        cls.save(documents)

    @classmethod
    @ModelView.button
    def acknowledge(cls, documents):
        """Acknowledge receipt for the current user's organisation on each
        recipient line that addresses it"""
        pool = Pool()
        Receipt = pool.get('gd.document.receipt')
        User = pool.get('res.user')
        user = User(Transaction().user)
        groups = set(User.get_groups())
        now = dt.datetime.now()
        receipts = []
        for document in documents:
            if document.state != 'issued':
                raise DocumentCirculationError(gettext(
                        'gd_documents.msg_document_acknowledge_not_issued',
                        document=document.rec_name))
            lines = [r for r in document.recipients if r.addresses(
                    user, groups)]
            if not lines:
                raise DocumentAccessError(gettext(
                        'gd_documents.msg_document_not_recipient',
                        document=document.rec_name, user=user.rec_name))
            for line in lines:
                if not line.receipt:
                    receipts.append(Receipt(
                            document=document, recipient=line, user=user,
                            date=now))
        Receipt.save(receipts)

    @classmethod
    @ModelView.button
    @Workflow.transition('archived')
    def archive(cls, documents):
        pass


class Recipient(sequence_ordered(), ModelSQL, ModelView):
    __name__ = 'gd.document.recipient'
    __string__ = "Document Recipient"

    document = fields.Many2One(
        'gd.document', "Document", required=True, ondelete='CASCADE')
    kind = fields.Selection([
            ('city', "City"),
            ('station', "Station"),
            ('group', "Role"),
            ('user', "User"),
            ], "Kind", required=True)
    city = fields.Many2One(
        'gd.city', "City", ondelete='RESTRICT',
        states={
            'required': Eval('kind') == 'city',
            'invisible': Eval('kind') != 'city',
            })
    station = fields.Many2One(
        'gd.station', "Station", ondelete='RESTRICT',
        states={
            'required': Eval('kind') == 'station',
            'invisible': Eval('kind') != 'station',
            })
    group = fields.Many2One(
        'res.group', "Role", ondelete='RESTRICT',
        states={
            'required': Eval('kind') == 'group',
            'invisible': Eval('kind') != 'group',
            })
    user = fields.Many2One(
        'res.user', "User", ondelete='RESTRICT',
        states={
            'required': Eval('kind') == 'user',
            'invisible': Eval('kind') != 'user',
            })
    receipt = fields.Function(
        fields.Many2One('gd.document.receipt', "Receipt"), 'get_receipt')
    acknowledged = fields.Function(
        fields.Boolean("Acknowledged"), 'get_acknowledged')
    acknowledged_date = fields.Function(
        fields.DateTime("Acknowledged on"), 'get_acknowledged')
    acknowledged_by = fields.Function(
        fields.Many2One('res.user', "Acknowledged by"), 'get_acknowledged')

    kind_string = kind.translated('kind')

    @classmethod
    def __setup__(cls):
        super().__setup__()
        cls.__access__.add('document')

    @classmethod
    def default_kind(cls):
        return 'city'

    @fields.depends('kind', 'city', 'station', 'group', 'user')
    def on_change_kind(self):
        for name in ['city', 'station', 'group', 'user']:
            if name != self.kind:
                setattr(self, name, None)

    def get_rec_name(self, name):
        target = getattr(self, self.kind, None)
        return target.rec_name if target else ''

    def addresses(self, user, groups):
        "Whether the line addresses the user (a res.user) in groups"
        if self.kind == 'city':
            return bool(user.city) and user.city == self.city
        if self.kind == 'station':
            return bool(user.station) and user.station == self.station
        if self.kind == 'group':
            return self.group.id in groups
        return user == self.user

    @classmethod
    def get_receipt(cls, recipients, name):
        pool = Pool()
        Receipt = pool.get('gd.document.receipt')
        result = {r.id: None for r in recipients}
        for receipt in Receipt.search([
                    ('recipient', 'in', [r.id for r in recipients]),
                    ]):
            result[receipt.recipient.id] = receipt.id
        return result

    @classmethod
    def get_acknowledged(cls, recipients, names):
        result = {n: {} for n in names}
        for recipient in recipients:
            receipt = recipient.receipt
            values = {
                'acknowledged': bool(receipt),
                'acknowledged_date': receipt.date if receipt else None,
                'acknowledged_by': (
                    receipt.user.id if receipt and receipt.user else None),
                }
            for name in names:
                result[name][recipient.id] = values[name]
        return result

    @classmethod
    def check_modification(cls, mode, recipients, values=None,
            external=False):
        super().check_modification(
            mode, recipients, values=values, external=external)
        for recipient in recipients:
            if recipient.document.state != 'draft':
                raise DocumentImmutableError(gettext(
                        'gd_documents.msg_document_lines_locked',
                        document=recipient.document.rec_name))


class Approval(sequence_ordered(), ModelSQL, ModelView):
    __name__ = 'gd.document.approval'
    __string__ = "Document Approval"

    document = fields.Many2One(
        'gd.document', "Document", required=True, ondelete='CASCADE')
    user = fields.Many2One(
        'res.user', "Approver", required=True, ondelete='RESTRICT')
    decision = fields.Selection([
            ('pending', "Pending"),
            ('approved', "Approved"),
            ('rejected', "Rejected"),
            ], "Decision", required=True, readonly=True)
    date = fields.DateTime("Date", readonly=True)
    comment = fields.Text("Comment")

    decision_string = decision.translated('decision')

    @classmethod
    def __setup__(cls):
        super().__setup__()
        cls.__access__.add('document')

    @classmethod
    def default_decision(cls):
        return 'pending'

    @classmethod
    def check_modification(cls, mode, approvals, values=None,
            external=False):
        super().check_modification(
            mode, approvals, values=values, external=external)
        for approval in approvals:
            # The approvers' decisions come from the buttons, never from
            # an edit; the list itself only changes in draft
            if (external and mode == 'write'
                    and set(values or {}) & {'decision', 'date'}):
                raise DocumentImmutableError(gettext(
                        'gd_documents.msg_document_decision_by_button',
                        document=approval.document.rec_name))
            if (approval.document.state != 'draft'
                    and (external or mode != 'write'
                        or set(values or {}) - {'decision', 'date'})):
                raise DocumentImmutableError(gettext(
                        'gd_documents.msg_document_lines_locked',
                        document=approval.document.rec_name))


class Version(ModelSQL, ModelView):
    __name__ = 'gd.document.version'
    __string__ = "Document Version"

    document = fields.Many2One(
        'gd.document', "Document", required=True, ondelete='CASCADE')
    file = fields.Binary(
        "File", required=True, file_id='file_id', filename='file_name')
    file_id = fields.Char("File ID", readonly=True)
    file_name = fields.Char("File Name", required=True)
    size = fields.Integer("Size", readonly=True)
    sha256 = fields.Char(
        "SHA-256", readonly=True, size=64,
        help="The SHA-256 digest of the file, computed when it is saved: "
        "compare it with the file's to prove its integrity.")
    document_state = fields.Function(
        fields.Selection('get_document_states', "Document State"),
        'on_change_with_document_state')
    report = fields.Many2One(
        'ir.action.report', "Generated by", readonly=True,
        ondelete='RESTRICT',
        help="The report that wrote the file, when it was generated.")
    source_model = fields.Char(
        "Source Model", readonly=True,
        help="The model of the records the file was generated from.")
    source_ids = fields.Char(
        "Source Records", readonly=True,
        help="The ids of the records the file was generated from.")

    @classmethod
    def __setup__(cls):
        super().__setup__()
        cls.__access__.add('document')
        cls._order = [('create_date', 'DESC'), ('id', 'DESC')]
        readonly = Eval('document_state').in_(['issued', 'archived'])
        for name in ['document', 'file', 'file_name']:
            field = getattr(cls, name)
            field.states = {'readonly': readonly}

    @classmethod
    def get_document_states(cls):
        Document = Pool().get('gd.document')
        return Document.fields_get(['state'])['state']['selection']

    @fields.depends('document', '_parent_document.state')
    def on_change_with_document_state(self, name=None):
        return self.document.state if self.document else None

    @classmethod
    def preprocess_values(cls, mode, values):
        values = super().preprocess_values(mode, values)
        if values.get('file') is not None:
            data = bytes(values['file'])
            values['sha256'] = hashlib.sha256(data).hexdigest()
            values['size'] = len(data)
        return values

    @classmethod
    def generate(cls, document, action, records, data=None):
        """Write the report of action for records and add the file as a
        new version of document; return the version

        The report runs as the current user, with its access checks: a
        user registers only what it may print, into a document it may
        change."""
        pool = Pool()
        Report = pool.get(action.report_name, type='report')
        ids = [r.id for r in records]
        model = action.model or (records[0].__name__ if records else None)
        data = dict(data or {}, model=model, ids=ids,
            id=ids[0] if ids else None, action_id=action.id)
        extension, content, _, name = Report.execute(ids, data)
        version, = cls.create([{
                    'document': document.id,
                    'file': content,
                    'file_name': f'{name}.{extension}',
                    'report': action.id,
                    'source_model': model,
                    'source_ids': ','.join(map(str, ids)),
                    }])
        return version

    @classmethod
    def check_modification(cls, mode, versions, values=None, external=False):
        # Whoever asks, the administrator included: a version of an issued
        # document is the signed record
        super().check_modification(
            mode, versions, values=values, external=external)
        for version in versions:
            if version.document.state in {'issued', 'archived'}:
                raise DocumentImmutableError(gettext(
                        'gd_documents.msg_version_issued',
                        version=version.file_name,
                        document=version.document.rec_name))


class VersionRegisterStart(ModelView):
    __name__ = 'gd.document.version.register.start'
    __string__ = "Register a Generated File"

    model = fields.Char("Model", readonly=True)
    record_count = fields.Integer("Records", readonly=True)
    report = fields.Many2One(
        'ir.action.report', "Report", required=True,
        domain=[('model', '=', Eval('model', ''))],
        help="The document to generate from the selected records.")
    document = fields.Many2One(
        'gd.document', "Document", required=True,
        domain=[('state', 'in', ['draft', 'review', 'approved'])],
        help="The document that receives the file as a new version; "
        "an issued document can no longer change.")


class VersionRegister(Wizard):
    """Generate a report of the selected records and keep the file as a
    version of a document (登记为公文版本), so what was sent is provable"""
    __name__ = 'gd.document.version.register'

    start = StateView(
        'gd.document.version.register.start',
        'gd_documents.document_version_register_start_view_form', [
            Button("Cancel", 'end', 'tryton-cancel'),
            Button("Register", 'register_', 'tryton-ok', default=True),
            ])
    register_ = StateTransition()
    open_ = StateAction('gd_documents.act_document_form')

    def default_start(self, fields):
        pool = Pool()
        ActionReport = pool.get('ir.action.report')
        values = {
            'model': self.model.__name__,
            'record_count': len(self.records),
            }
        reports = ActionReport.search([('model', '=', self.model.__name__)])
        if len(reports) == 1:
            values['report'] = reports[0].id
        return values

    def transition_register_(self):
        pool = Pool()
        Version = pool.get('gd.document.version')
        Version.generate(self.start.document, self.start.report, self.records)
        return 'open_'

    def do_open_(self, action):
        action['res_id'] = [self.start.document.id]
        action['views'].reverse()
        return action, {}


class Receipt(ModelSQL, ModelView):
    __name__ = 'gd.document.receipt'
    __string__ = "Document Receipt"

    document = fields.Many2One(
        'gd.document', "Document", required=True, ondelete='CASCADE',
        readonly=True)
    recipient = fields.Many2One(
        'gd.document.recipient', "Recipient", required=True,
        ondelete='CASCADE', readonly=True,
        domain=[('document', '=', Eval('document', -1))])
    user = fields.Many2One(
        'res.user', "Acknowledged by", required=True, readonly=True,
        ondelete='RESTRICT')
    date = fields.DateTime("Date", required=True, readonly=True)

    @classmethod
    def __setup__(cls):
        super().__setup__()
        cls.__access__.add('document')
        t = cls.__table__()
        cls._sql_constraints += [
            ('recipient_unique', Unique(t, t.recipient),
                'gd_documents.msg_receipt_unique'),
            ]
        cls._order = [('date', 'DESC'), ('id', 'DESC')]

    @classmethod
    def check_modification(cls, mode, receipts, values=None, external=False):
        super().check_modification(
            mode, receipts, values=values, external=external)
        if external:
            # Receipts come from the acknowledge button only
            raise DocumentImmutableError(gettext(
                    'gd_documents.msg_receipt_by_button'))


def _user_organisation():
    "The text of the current user's organisation for report footers"
    User = Pool().get('res.user')
    user = User(Transaction().user)
    organisation = user.city or user.station
    return organisation.rec_name if organisation else user.rec_name


class DocumentCoverReport(HtmlReport):
    "The issue sheet (发文稿纸) of documents, as PDF"
    __name__ = 'gd.document.cover'

    @classmethod
    def get_context(cls, records, header, data):
        context = super().get_context(records, header, data)
        context['acknowledgement_chart'] = cls.acknowledgement_chart
        return context

    @classmethod
    def acknowledgement_chart(cls, document):
        acknowledged = len(document.recipients) - document.unacknowledged_count
        return style.Chart(
            title=gettext('gd_documents.msg_report_receipt_chart'),
            categories=[
                gettext('gd_documents.msg_report_acknowledged'),
                gettext('gd_documents.msg_report_unacknowledged')],
            series=[(gettext('gd_documents.msg_report_recipients'),
                    [acknowledged, document.unacknowledged_count])],
            kind='bar')


class DocumentRegisterReport(XlsxReport):
    "The register of documents, one row each, as XLSX"
    __name__ = 'gd.document.register'

    @classmethod
    def get_content(cls, records, data):
        pool = Pool()
        Document = pool.get('gd.document')
        Date = pool.get('ir.date')
        fields_ = Document.fields_get([
                'number', 'title', 'kind', 'issuer', 'date', 'disclosure',
                'state', 'recipients', 'unacknowledged_count'])
        records = sorted(records, key=lambda d: (
                d.date or dt.date.max, d.number or '', d.id))
        columns = [
            style.Column(
                gettext('gd_documents.msg_report_row'), 6, 'integer'),
            style.Column(fields_['number']['string'], 22),
            style.Column(fields_['title']['string'], 40),
            style.Column(fields_['kind']['string'], 8),
            style.Column(fields_['issuer']['string'], 22),
            style.Column(fields_['date']['string'], 14, 'date'),
            style.Column(fields_['disclosure']['string'], 12),
            style.Column(fields_['state']['string'], 10),
            style.Column(fields_['recipients']['string'], 8, 'integer'),
            style.Column(
                fields_['unacknowledged_count']['string'], 10, 'integer'),
            ]
        rows = []
        for i, document in enumerate(records, 1):
            rows.append([
                    i, document.number or '', document.title,
                    document.kind_string,
                    document.issuer.rec_name, document.date,
                    document.disclosure_string, document.state_string,
                    len(document.recipients),
                    document.unacknowledged_count])
        months = sorted({d.date.strftime('%Y-%m') for d in records
                if d.date})
        per_month = [len([d for d in records
                    if d.date and d.date.strftime('%Y-%m') == m])
            for m in months]
        title = gettext('gd_documents.msg_report_register_title')
        return style.Content(
            title=title,
            sheet=title,
            subtitle=gettext('gd_documents.msg_report_printed',
                organisation=_user_organisation(),
                date=Date.today().isoformat()),
            blocks=[
                style.Table(columns=columns, rows=rows,
                    totals=['', gettext('gd_documents.msg_report_total'),
                        len(records), '', '', None, '', '',
                        sum(len(d.recipients) for d in records),
                        sum(d.unacknowledged_count for d in records)]),
                style.Chart(
                    title=gettext('gd_documents.msg_report_per_month'),
                    categories=months,
                    series=[(gettext('gd_documents.msg_report_documents'),
                            per_month)],
                    x_title=gettext('gd_documents.msg_report_month'),
                    y_title=gettext('gd_documents.msg_report_documents')),
                ])


class DocumentReceiptReport(DocxReport):
    "Who has acknowledged a document and who not, as DOCX"
    __name__ = 'gd.document.receipt_status'

    @classmethod
    def get_content(cls, records, data):
        pool = Pool()
        Recipient = pool.get('gd.document.recipient')
        Date = pool.get('ir.date')
        document, = records
        fields_ = Recipient.fields_get([
                'kind', 'acknowledged', 'acknowledged_date',
                'acknowledged_by'])
        title = pool.get('gd.document').fields_get(['title'])['title']
        rows = []
        for i, recipient in enumerate(document.recipients, 1):
            rows.append([
                    i, recipient.kind_string, recipient.rec_name,
                    gettext('gd_documents.msg_report_yes')
                    if recipient.acknowledged
                    else gettext('gd_documents.msg_report_no'),
                    recipient.acknowledged_date.strftime('%Y-%m-%d %H:%M')
                    if recipient.acknowledged_date else '',
                    recipient.acknowledged_by.rec_name
                    if recipient.acknowledged_by else ''])
        acknowledged = len(document.recipients) - document.unacknowledged_count
        return style.Content(
            title=gettext('gd_documents.msg_report_receipt_title'),
            number=document.number or '',
            subtitle=document.issuer.name,
            blocks=[
                style.KeyValues(items=[
                        (title['string'], document.title),
                        (gettext('gd_documents.msg_report_issue_date'),
                            document.date.isoformat()
                            if document.date else ''),
                        (gettext('gd_documents.msg_report_summary'),
                            gettext('gd_documents.msg_report_receipt_summary',
                                total=len(document.recipients),
                                acknowledged=acknowledged,
                                missing=document.unacknowledged_count)),
                        ]),
                style.Table(
                    title=gettext('gd_documents.msg_report_recipients'),
                    columns=[
                        style.Column(
                            gettext('gd_documents.msg_report_row'), 6,
                            'integer'),
                        style.Column(fields_['kind']['string'], 8),
                        style.Column(
                            gettext('gd_documents.msg_report_recipient'),
                            24),
                        style.Column(fields_['acknowledged']['string'], 8),
                        style.Column(
                            fields_['acknowledged_date']['string'], 18),
                        style.Column(
                            fields_['acknowledged_by']['string'], 14),
                        ],
                    rows=rows),
                DocumentCoverReport.acknowledgement_chart(document),
                style.Paragraph(gettext('gd_documents.msg_report_printed',
                        organisation=_user_organisation(),
                        date=Date.today().isoformat()), align='right'),
                ])

