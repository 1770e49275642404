"""Who gets e-mail about an area, and the letters' words: plain text, never HTML."""

from __future__ import annotations

from dataclasses import dataclass

from sqlalchemy import Connection, select

from dashboard.access.addresses import Page, address
from dashboard.access.permissions import Role
from dashboard.domain.names import name_key
from dashboard.store.models import ThemeBoard, User, UserBoard


@dataclass(frozen=True)
class Letter:
    """One e-mail to one user, as it will be queued and sent."""

    kind: str
    """digest or reminder."""
    area: str
    user_name: str
    address: str
    subject: str
    body: str


@dataclass(frozen=True)
class Recipient:
    """A user with an e-mail address who follows some of an area's targets: a chair their boards', a partner
    those it leads."""

    name: str
    address: str
    role: Role
    boards: tuple[str, ...] = ()
    partner: str | None = None

    def follows(self, theme_board: str, lead_partner: str | None) -> bool:
        if self.role is Role.CHAIR:
            return name_key(theme_board) in {name_key(b) for b in self.boards}
        return bool(lead_partner) and self.partner is not None and name_key(lead_partner) == name_key(self.partner)

    def because(self) -> str:
        """Why this user gets the e-mail, in the words of its closing line."""
        if self.role is Role.CHAIR:
            return f"you chair {' and '.join(self.boards)}"
        return f"you lead targets for {self.partner}"


def recipients(conn: Connection, area_id: int) -> list[Recipient]:
    """The chairs of the area's boards and every partner, each enabled and with an e-mail address, by name."""
    users = conn.execute(
        select(User.id, User.name, User.email, User.role, User.partner)
        .where(User.disabled_at.is_(None), User.email.is_not(None), User.role.in_([Role.CHAIR, Role.PARTNER]))
        .order_by(User.name)
    ).all()
    chaired: dict[int, list[str]] = {}
    rows = conn.execute(
        select(UserBoard.user_id, ThemeBoard.name)
        .join(ThemeBoard, ThemeBoard.id == UserBoard.theme_board_id)
        .where(ThemeBoard.area_id == area_id)
        .order_by(ThemeBoard.position)
    )
    for user_id, board in rows:
        chaired.setdefault(user_id, []).append(board)
    out = []
    for user in users:
        role = Role(user.role)
        if role is Role.CHAIR and user.id in chaired:
            out.append(Recipient(user.name, user.email, role, tuple(chaired[user.id])))
        elif role is Role.PARTNER and user.partner:
            out.append(Recipient(user.name, user.email, role, partner=user.partner))
    return out


def link(public_url: str | None, page: Page, **query: str) -> str | None:
    """The page's full address when the dashboard's public address is set."""
    return public_url.rstrip("/") + address(page, **query) if public_url else None


def closing(recipient: Recipient, when: str) -> str:
    return (
        f"You get this e-mail because {recipient.because()} in the LAA performance dashboard; it is sent {when}.\n"
        "Your dashboard administrator can change which e-mail address it goes to."
    )
