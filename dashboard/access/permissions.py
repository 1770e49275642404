"""Who may do what: the roles of the partnership and the one function every action asks (`require`).

A page hides what a role may not use, but the package refuses it too: the rule is here, not in the page."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field
from enum import StrEnum

from dashboard.access.addresses import Page, address
from dashboard.domain.names import name_key


class Role(StrEnum):
    EXECUTIVE = "executive"
    CHAIR = "chair"
    PARTNER = "partner"
    ANALYST = "analyst"
    ADMIN = "admin"


class Action(StrEnum):
    VIEW = "view"
    UPLOAD = "upload"
    ENTER_VALUE = "enter a value"
    CHANGE_TARGET = "change a target"
    EDIT_COMMENTARY = "edit commentary"
    SIGN_OFF = "sign off a quarter"
    REOPEN = "re-open a quarter"
    ROLL_BACK = "roll back a batch"
    MANAGE_USERS = "manage users"
    READ_AUDIT = "read the audit trail"
    SET_GROUPS = "set comparator groups"
    SET_RULES = "set the escalation rules"
    ANNOTATE = "annotate a target or board"


# What each role may do; a chair and a partner only for their own boards or targets (see require).
ALLOWED: dict[Role, frozenset[Action]] = {
    Role.EXECUTIVE: frozenset({Action.VIEW}),
    Role.CHAIR: frozenset({Action.VIEW, Action.EDIT_COMMENTARY, Action.SIGN_OFF, Action.REOPEN, Action.ANNOTATE}),
    Role.PARTNER: frozenset({Action.VIEW, Action.UPLOAD, Action.ENTER_VALUE, Action.EDIT_COMMENTARY}),
    Role.ANALYST: frozenset(
        {
            Action.VIEW,
            Action.UPLOAD,
            Action.ENTER_VALUE,
            Action.CHANGE_TARGET,
            Action.EDIT_COMMENTARY,
            Action.REOPEN,
            Action.ROLL_BACK,
            Action.READ_AUDIT,
            Action.SET_GROUPS,
            Action.ANNOTATE,
        }
    ),
    Role.ADMIN: frozenset(set(Action)),
}

RULES: dict[Role, str] = {
    Role.EXECUTIVE: "an executive sees everything and changes nothing",
    Role.CHAIR: "a chair edits commentary and remedial action of their own boards' targets, annotates them and their "
    "boards, and signs off and re-opens their boards' quarter",
    Role.PARTNER: "a partner updates actuals, commentary and remedial action of the targets it leads, and never "
    "targets, tolerances, polarity or other partners' rows",
    Role.ANALYST: "an analyst changes any figures, targets included, by upload or in the browser, rolls back "
    "batches, re-opens a signed-off quarter, reads the audit trail, sets the comparator groups and annotates "
    "targets and boards",
    Role.ADMIN: "an administrator manages users, roles, boards, indicator settings and targets",
}


QUARTERLY = frozenset({Action.SIGN_OFF, Action.REOPEN})
"""Actions on a board's quarter rather than on one target."""


class Change(StrEnum):
    """A kind of change to the figures or targets, as the gate (dashboard/write/importer/gate.py) sees each field
    of a plan."""

    ACTUAL = "actual"
    STATUS = "rag"
    TARGET = "target"
    COMMENTARY = "commentary"
    REMEDIAL_ACTION = "remedial_action"
    SETTING = "setting"
    """A target's name, type, lead partner, polarity, tolerance, frequency or unit."""
    BOARD = "theme_board"
    """A target's move from one theme board to another."""
    NEW_TARGET = "new target"
    NEW_BOARD = "new board"
    DISTRICT = "parent_area"
    """An area placed in a county as one of its districts."""


_FIGURES_AND_TARGETS = frozenset(Change)
MAY_CHANGE: dict[Role, frozenset[Change]] = {
    Role.EXECUTIVE: frozenset(),
    Role.CHAIR: frozenset({Change.COMMENTARY, Change.REMEDIAL_ACTION}),
    Role.PARTNER: frozenset({Change.ACTUAL, Change.COMMENTARY, Change.REMEDIAL_ACTION}),
    Role.ANALYST: _FIGURES_AND_TARGETS,
    Role.ADMIN: _FIGURES_AND_TARGETS,
}
"""What each role may change; a chair only on their boards' targets, a partner only on those it leads, both only
in quarters that have begun and are not signed off (the gate asks the rest)."""

OWNED = frozenset({Role.CHAIR, Role.PARTNER})
"""Roles that change only what they own: a chair their boards' targets, a partner the targets it leads."""


def may_change(actor: Actor, change: Change, scope: TargetScope | None = None) -> bool:
    """True when the actor's role may make this kind of change, to that target where one is named."""
    return change in MAY_CHANGE[actor.role] and (scope is None or owns(actor, scope))


def owns(actor: Actor, scope: TargetScope) -> bool:
    """True when the target is one the actor changes (My targets lists it): a chair's boards' targets, those a
    partner leads, every target for an analyst or administrator, none for an executive."""
    if not MAY_CHANGE[actor.role]:
        return False
    if actor.role not in OWNED:
        return True
    return actor.chairs(scope.theme_board) if actor.role is Role.CHAIR else actor.leads(scope.lead_partner)


def entry_action(actor: Actor) -> Action:
    """The permission entering figures in the browser asks: a chair edits commentary and remedial action only,
    anyone else enters values."""
    return Action.EDIT_COMMENTARY if actor.role is Role.CHAIR else Action.ENTER_VALUE


OPENS_WITH: dict[Page, frozenset[Action]] = {
    Page.MY_TARGETS: frozenset({Action.ENTER_VALUE, Action.EDIT_COMMENTARY}),
    Page.UPLOAD: frozenset({Action.UPLOAD}),
    Page.INDICATORS: frozenset({Action.CHANGE_TARGET}),
    Page.TARGETS: frozenset({Action.CHANGE_TARGET}),
    Page.AUDIT: frozenset({Action.READ_AUDIT}),
    Page.USERS: frozenset({Action.MANAGE_USERS}),
}
"""The pages a role sees only with one of these actions; every other page is open to everyone signed in."""


def may_open(actor: Actor, page: Page) -> bool:
    """True when the page is in the actor's navigation (its address otherwise says the role lacks it)."""
    needs = OPENS_WITH.get(page)
    return needs is None or any(allows(actor, action) for action in needs)


def landing(role: Role, boards: Sequence[str] = ()) -> str:
    """Where a sign-in without a link to follow goes: a chair to their (first) board, a partner to My targets,
    everyone else to the helicopter view."""
    if role is Role.CHAIR and boards:
        return address(Page.BOARD, board=boards[0])
    if role is Role.PARTNER:
        return address(Page.MY_TARGETS)
    return address(Page.HELICOPTER)


class PermissionDenied(PermissionError):
    """An action the user's role does not allow; the message names the rule."""


@dataclass(frozen=True)
class Actor:
    """The person acting: a signed-in user, or the command line's local administrator."""

    name: str
    role: Role
    boards: frozenset[str] = field(default_factory=frozenset)
    """Board names a chair chairs."""
    partner: str | None = None
    """The lead partner a partner speaks for."""

    def chairs(self, board: str) -> bool:
        return name_key(board) in {name_key(b) for b in self.boards}

    def leads(self, lead_partner: str | None) -> bool:
        return bool(lead_partner) and self.partner is not None and name_key(lead_partner) == name_key(self.partner)


LOCAL_ADMIN = Actor("local administrator", Role.ADMIN)
"""Who the command line acts as without --as: whoever can run it on the server holds the database already."""


@dataclass(frozen=True)
class TargetScope:
    """What an action touches: one target's board and lead partner."""

    theme_board: str
    lead_partner: str | None


def allows(actor: Actor, action: Action, scope: TargetScope | None = None) -> bool:
    """True when the actor's role allows the action, on that target where one is named."""
    if action not in ALLOWED[actor.role]:
        return False
    if scope is None or actor.role in (Role.ANALYST, Role.ADMIN) or action is Action.VIEW:
        return True
    if actor.role is Role.CHAIR:
        return actor.chairs(scope.theme_board)
    if actor.role is Role.PARTNER:
        return actor.leads(scope.lead_partner)
    return False


def require(actor: Actor, action: Action, scope: TargetScope | None = None) -> None:
    """Raises PermissionDenied, naming the rule, unless allows()."""
    if allows(actor, action, scope):
        return
    where = ""
    if scope is not None and action in ALLOWED[actor.role]:
        owner = f"lead partner {scope.lead_partner}" if actor.role is Role.PARTNER else scope.theme_board
        where = f" of {owner}" if action in QUARTERLY else f" for a target of {owner or 'no lead partner'}"
    raise PermissionDenied(f"{actor.name} ({actor.role.value}) may not {action.value}{where}: {RULES[actor.role]}")
