"""Every write of the communities app, by job: ``geography`` (loading the
areas), ``assignments`` (officers and their tambon grants), ``producers``
(the officer's producer forms) and ``registrations`` (OTOP producer
registration, issue #19). Reads live in ``communities.selectors``."""

from communities.services.assignments import (
    ASSIGNMENT_CHECKS,
    GRANT_CHECKS,
    MANAGE_TAMBON,
    assignment_actions,
    assignment_grant,
    assignment_revoke,
)
from communities.services.geography import (
    GeographyLoadResult,
    LoadCounts,
    geography_load,
)
from communities.services.producers import (
    PRODUCER_FIELDS,
    ensure_manages_tambon,
    producer_create,
    producer_update,
)
from communities.services.registrations import (
    APPROVE_REGISTRATION,
    RECORD_CHECKS,
    REGISTRATION_CHECKS,
    ExistingRegistration,
    RegistrationScope,
    add_years,
    registration_actions,
    registration_apply,
    registration_approve,
    registration_cancel,
    registration_correct,
    registration_existing_errors,
    registration_for,
    registration_mark_renewal_due,
    registration_number_next,
    registration_record,
    registration_renew,
    registrations_record_bulk,
)

__all__ = [
    "APPROVE_REGISTRATION",
    "ASSIGNMENT_CHECKS",
    "GRANT_CHECKS",
    "MANAGE_TAMBON",
    "PRODUCER_FIELDS",
    "RECORD_CHECKS",
    "REGISTRATION_CHECKS",
    "ExistingRegistration",
    "GeographyLoadResult",
    "LoadCounts",
    "RegistrationScope",
    "add_years",
    "assignment_actions",
    "assignment_grant",
    "assignment_revoke",
    "ensure_manages_tambon",
    "geography_load",
    "producer_create",
    "producer_update",
    "registration_actions",
    "registration_apply",
    "registration_approve",
    "registration_cancel",
    "registration_correct",
    "registration_existing_errors",
    "registration_for",
    "registration_mark_renewal_due",
    "registration_number_next",
    "registration_record",
    "registration_renew",
    "registrations_record_bulk",
]
