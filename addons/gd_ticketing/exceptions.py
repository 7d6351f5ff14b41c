# This file is part of GD Station Cloud.  The COPYRIGHT file at the top
# level of this repository contains the full copyright notices and license
# terms.
from trytond.exceptions import UserError
from trytond.model.exceptions import AccessError, ValidationError


class OrganisationError(ValidationError):
    pass


class NetworkError(ValidationError):
    "Routes, stops and fares that contradict each other"
    pass


class ScheduleError(ValidationError):
    "Schedules and runs whose data contradict each other"
    pass


class RunAccessError(AccessError):
    "A role changes what is not its to change"
    pass


class SaleError(UserError):
    "Seats that cannot be sold"
    pass


class ApiError(UserError):
    "A call of the API with missing or malformed input"
    pass


class InspectionError(UserError):
    "A departure inspection decided against its items"
    pass


class ImportFileError(UserError):
    "A file to import that cannot be read as a whole"


class PassengerError(ValidationError):
    "An identity that is not valid or not to be shown"
    pass


class OrderError(UserError):
    "Tickets that cannot be sold, refunded or changed"
    pass


class TraceError(UserError):
    "A trace query or export that cannot be made as asked"
    pass


class WaybillError(UserError):
    "A waybill that cannot be generated, voided or settled"
    pass


class SettlementError(UserError):
    "A carrier settlement that cannot be filled or confirmed"
    pass


class ExchangeExportError(UserError):
    "A data exchange export that cannot be generated as asked"
    pass


class CustomTravelError(UserError):
    "Customized travel requests that cannot be made, planned or ticketed"
    pass
