# This file is part of GD Station Cloud.  The COPYRIGHT file at the top
# level of this repository contains the full copyright notices and license
# terms.
from trytond.exceptions import UserError, UserWarning
from trytond.model.exceptions import AccessError, ValidationError


class ProgrammeError(ValidationError):
    pass


class StationError(ValidationError):
    pass


class WorkflowError(UserError):
    "A step of a workflow that is refused"


class StepAccessError(AccessError):
    "A role that tries a step of another role"


class DeadlineWarning(UserWarning):
    pass


class ModificationError(AccessError):
    "A change the record's state does not allow"


class AcceptanceError(ValidationError):
    pass
