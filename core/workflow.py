"""The one transition recipe every workflow of the portal follows:

    lock the row → check the state → check the actor's right → write →
    append an event to the object's append-only trail → side effects on commit.

Two refusals, told apart because users are told different things:

- ``InvalidTransition``: the move is not possible *now* (the state, a
  deadline, a quota); the page shows the message and stays.
- ``PermissionDenied`` (Django's own): this actor may not make the move.

A workflow declares each move's check once, in a ``Checks`` table. The
service runs it as its guard after locking the row (``checks.run``), and the
pages ask the same table which moves a user has now (``checks.passing``), so
a button shown is a move that will be accepted, and a move refused is a
button not shown.

Example::

    PLAN = Checks()

    @PLAN.check("approve")
    def _check_approve(actor, plan):
        require(plan.status == plan.Status.DRAFT, _("The plan is already approved."))
        allow(can(actor, "approve_ranking", plan.committee), _("Only the chair …"))

    @transaction.atomic
    def plan_approve(*, actor, plan):
        plan = locked(plan)
        PLAN.run("approve", actor, plan)
        …
"""

from collections.abc import Callable, Mapping
from typing import Any, TypeVar

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import models
from django.utils.translation import gettext as _

__all__ = [
    "REFUSALS",
    "Checks",
    "InvalidTransition",
    "PermissionDenied",
    "allow",
    "locked",
    "refusal_messages",
    "refusal_text",
    "require",
]

M = TypeVar("M", bound=models.Model)


class InvalidTransition(Exception):
    """The move is not possible in the current state (shown as a message)."""

    def __init__(self, message: str):
        super().__init__(message)
        self.message = message


def require(condition: object, message: str) -> None:
    """Refuse a move the state does not allow now."""
    if not condition:
        raise InvalidTransition(message)


def allow(condition: object, message: str) -> None:
    """Refuse an actor without the right."""
    if not condition:
        raise PermissionDenied(message)


def locked(obj: M, *related: str, of: tuple[str, ...] = ()) -> M:
    """``obj`` read again under a row lock (``SELECT … FOR UPDATE``), with
    ``related`` rows joined. Checks run on what this returns, never on the
    caller's copy, which may be stale. Must run inside a transaction."""
    queryset = type(obj)._default_manager.select_for_update(of=of)
    if related:
        queryset = queryset.select_related(*related)
    return queryset.get(pk=obj.pk)


Check = Callable[[Any, Any], object]


class Checks:
    """The checks of one kind of object, each declared once under the name of
    its move. A check raises ``InvalidTransition`` or ``PermissionDenied`` to
    refuse, and may return something the service needs (the committee, say)."""

    def __init__(self, checks: Mapping[str, Check] | None = None):
        self._checks: dict[str, Check] = dict(checks or {})

    def check(self, name: str) -> Callable[[Check], Check]:
        """Register the decorated function as the check of move ``name``."""

        def register(function: Check) -> Check:
            if name in self._checks:
                raise ValueError(f"the move {name!r} already has a check")
            self._checks[name] = function
            return function

        return register

    def __contains__(self, name: str) -> bool:
        return name in self._checks

    def __iter__(self):
        return iter(self._checks)

    def run(self, name: str, actor, target):
        """The guard: refuse unless ``actor`` may make move ``name`` now."""
        return self._checks[name](actor, target)

    def passing(self, actor, target) -> list[str]:
        """The moves ``actor`` may make on ``target`` now, in declared order."""
        allowed = []
        for name, check in self._checks.items():
            try:
                check(actor, target)
            except (InvalidTransition, PermissionDenied):
                continue
            allowed.append(name)
        return allowed


# What a page does with a refusal ----------------------------------------------------

REFUSALS = (InvalidTransition, PermissionDenied, ValidationError)
"""Every refusal a service raises: catch these, show ``refusal_text``."""


def refusal_text(error: Exception) -> str:
    """One line for the user, in their language (the services' messages are
    translated where they are raised)."""
    if isinstance(error, InvalidTransition):
        return error.message
    if isinstance(error, ValidationError):
        return " ".join(error.messages)
    return str(error) or _("You may not do that.")


def refusal_messages(error: Exception) -> list[str]:
    """Each problem as its own message (a form's several field errors)."""
    if isinstance(error, ValidationError):
        return list(error.messages)
    return [refusal_text(error)]
