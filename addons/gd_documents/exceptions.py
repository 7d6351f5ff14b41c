# This file is part of GD Station Cloud.  The COPYRIGHT file at the top
# level of this repository contains the full copyright notices and license
# terms.
from trytond.model.exceptions import AccessError, ValidationError


class OrganisationError(ValidationError):
    pass


class IssuerPatternError(ValidationError):
    pass


class DocumentCirculationError(ValidationError):
    pass


class DocumentImmutableError(AccessError):
    pass


class DocumentAccessError(AccessError):
    pass


class RequestClosedError(AccessError):
    pass


class RequestError(ValidationError):
    pass
