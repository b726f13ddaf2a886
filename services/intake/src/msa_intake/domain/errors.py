"""Why intake refuses a command. ``code`` is stable and machine-readable (kebab-case)."""

from __future__ import annotations


class IntakeError(Exception):
    """Base of intake's domain errors."""

    code = "intake-error"

    def __init__(self, message: str, *, field: str | None = None) -> None:
        super().__init__(message)
        self.message = message
        self.field = field


class PersonNotFound(IntakeError):
    code = "person-not-found"


class PersonGone(IntakeError):
    """The person was erased: nothing about them can be read or changed any more."""

    code = "person-erased"


class Rejected(IntakeError):
    """A command that can never succeed as sent; retrying it does not help."""

    code = "rejected"


class Implausible(Rejected):
    """The command contradicts itself or the calendar (e.g. born after allocation)."""

    code = "implausible"


class Conflicting(Rejected):
    """The command contradicts what is already recorded about the person."""

    code = "conflict"


class IdentityUnreadable(Rejected):
    """A notice's sealed identity cannot be opened with intake's keys."""

    code = "identity-unreadable"


class AlreadyRegistered(Conflicting):
    """This identity is registered already (carries the existing reference)."""

    code = "already-registered"

    def __init__(self, person_ref: str) -> None:
        super().__init__(f"this person is registered already as {person_ref}")
        self.person_ref = person_ref


def rejection(base: type[Rejected], code: str, message: str, field: str | None = None) -> Rejected:
    """A rejection of kind ``base`` with a specific ``code``."""
    error = base(message, field=field)
    error.code = code
    return error


class AccessRequestNotFound(IntakeError):
    """No access request of that id for that person."""

    code = "access-request-not-found"
