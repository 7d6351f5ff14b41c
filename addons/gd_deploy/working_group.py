# This file is part of GD Station Cloud.  The COPYRIGHT file at the top
# level of this repository contains the full copyright notices and license
# terms.
"The working group of each city (annex 1)"
from trytond.i18n import gettext
from trytond.model import (
    ModelSQL, ModelView, Unique, Workflow, fields, sequence_ordered)
from trytond.pool import Pool
from trytond.pyson import Eval
from trytond.transaction import Transaction

from .exceptions import ModificationError, WorkflowError


def default_city():
    "The city of the current user, if any"
    User = Pool().get('res.user')
    cities = User.get_gd_cities() if Transaction().user else ()
    return cities[0] if cities else None


def default_programme():
    Programme = Pool().get('gd.programme')
    programme = Programme.get_running()
    return programme.id if programme else None


class WorkingGroup(Workflow, ModelSQL, ModelView):
    __name__ = 'gd.working_group'
    __string__ = "Working Group"

    _states = {'readonly': Eval('state') != 'draft'}

    programme = fields.Many2One(
        'gd.programme', "Programme", required=True, ondelete='RESTRICT',
        states=_states)
    city = fields.Many2One(
        'gd.city', "City", required=True, ondelete='RESTRICT',
        states=_states)
    leader_name = fields.Char(
        "Leading Official", required=True, states=_states,
        help="The official of the bureau who leads the working group.")
    leader_post = fields.Char("Leader's Post", states=_states)
    members = fields.One2Many(
        'gd.working_group.member', 'group', "Members", states=_states)
    due_date = fields.Function(fields.Date("Due Date"), 'get_due_date')
    submitted_date = fields.Date("Submitted Date", readonly=True)
    state = fields.Selection([
            ('draft', "Draft"),
            ('submitted', "Submitted"),
            ], "State", readonly=True, required=True, sort=False)

    @classmethod
    def __setup__(cls):
        super().__setup__()
        t = cls.__table__()
        cls._sql_constraints += [
            ('city_programme_unique', Unique(t, t.programme, t.city),
                'gd_deploy.msg_working_group_unique'),
            ]
        cls._transitions |= {
            ('draft', 'submitted'),
            ('submitted', 'draft'),
            }
        cls._buttons.update({
                'submit': {
                    'invisible': Eval('state') != 'draft',
                    'depends': ['state'],
                    },
                'reopen': {
                    'invisible': Eval('state') != 'submitted',
                    'depends': ['state'],
                    },
                })

    @classmethod
    def default_state(cls):
        return 'draft'

    @classmethod
    def default_city(cls):
        return default_city()

    @classmethod
    def default_programme(cls):
        return default_programme()

    def get_rec_name(self, name):
        return gettext(
            'gd_deploy.msg_working_group_name', city=self.city.rec_name)

    def get_due_date(self, name):
        milestone = self.programme.milestone('roster')
        return milestone.due_date if milestone else None

    @classmethod
    def check_modification(cls, mode, groups, values=None, external=False):
        super().check_modification(
            mode, groups, values=values, external=external)
        if external and mode in {'write', 'delete'}:
            for group in groups:
                if group.state != 'draft':
                    raise ModificationError(gettext(
                            'gd_deploy.msg_working_group_submitted',
                            group=group.rec_name))

    def check_complete(self):
        contacts = [m for m in self.members if m.contact]
        if not self.members or len(contacts) != 1 or not contacts[0].phone:
            raise WorkflowError(gettext(
                    'gd_deploy.msg_working_group_contact',
                    group=self.rec_name))

    @classmethod
    @ModelView.button
    @Workflow.transition('submitted')
    def submit(cls, groups):
        Date = Pool().get('ir.date')
        for group in groups:
            group.check_complete()
        cls.write(groups, {'submitted_date': Date.today()})

    @classmethod
    @ModelView.button
    @Workflow.transition('draft')
    def reopen(cls, groups):
        cls.write(groups, {'submitted_date': None})

    @classmethod
    def get_deadlines(cls, programme):
        "Each city submits its working group by the roster milestone"
        pool = Pool()
        City = pool.get('gd.city')
        milestone = programme.milestone('roster')
        if not milestone:
            return []
        groups = {g.city.id: g for g in cls.search([
                    ('programme', '=', programme.id)])}
        deadlines = []
        for city in City.search([]):
            group = groups.get(city.id)
            deadlines.append({
                    'key': f'roster:{city.id}',
                    'kind': 'roster',
                    'role': 'city_bureau',
                    'due_date': milestone.due_date,
                    'done': bool(group) and group.state == 'submitted',
                    'city': city,
                    'origin': group,
                    })
        return deadlines


class Member(sequence_ordered(), ModelSQL, ModelView):
    __name__ = 'gd.working_group.member'
    __string__ = "Working Group Member"

    group = fields.Many2One(
        'gd.working_group', "Working Group", required=True,
        ondelete='CASCADE')
    name = fields.Char("Name", required=True)
    unit = fields.Char("Unit", required=True)
    post = fields.Char("Post")
    phone = fields.Char("Phone")
    email = fields.Char("E-Mail")
    contact = fields.Boolean(
        "Contact Person",
        help="The one member the department and the association call.")

    @classmethod
    def __setup__(cls):
        super().__setup__()
        cls.__access__.add('group')

    @classmethod
    def check_modification(cls, mode, members, values=None, external=False):
        super().check_modification(
            mode, members, values=values, external=external)
        if external:
            for member in members:
                if member.group.state != 'draft':
                    raise ModificationError(gettext(
                            'gd_deploy.msg_working_group_submitted',
                            group=member.group.rec_name))
