"""Users (administrators): every account with its role, boards, lead partner, e-mail, last sign-in, and whether
it is locked or disabled; adding a user with a one-time password shown once, changing a role, resetting a
password, unlocking, disabling and enabling. Each change is dashboard.access.accounts' (the same as `laa user`'s)."""

import streamlit as st

from dashboard.access.accounts import (
    AccountProblem,
    board_names,
    disable_user,
    enable_user,
    find_user,
    invite_user,
    lead_partners,
    reset_password,
    set_role,
    unlock_user,
    users_frame,
)
from dashboard.access.permissions import PermissionDenied, Role
from dashboard.read.views import md_escape
from laa_app.ui import people, reads

ROLES = [r.value for r in Role]
DONE, PASSWORD, ADDED = "users_done", "users_password", "users_added"


def sentence(text: object) -> str:
    text = str(text)
    return text[:1].upper() + text[1:] + ("" if text.endswith(".") else ".")


def run(change, done) -> None:
    """A change from a button: its refusal is one sentence on the page, never a traceback; a done one reruns the
    page, which says what was done and shows the new state."""
    try:
        said = done(change())
    except (AccountProblem, PermissionDenied) as refused:
        st.error(md_escape(sentence(refused)), icon=":material/block:")
        return
    st.session_state[DONE] = said
    st.rerun()


def scope_widgets(role: str, key: str, boards: list[str], partner: str | None) -> tuple[list[str], str | None]:
    """A chair's boards or a partner's lead partner, as the role needs."""
    if role == Role.CHAIR.value:
        return st.multiselect(
            "Boards they chair", board_names(reads.engine()), default=boards, key=f"{key}_boards"
        ), None
    if role == Role.PARTNER.value:
        held = lead_partners(reads.engine())
        options = held if partner in held or partner is None else [partner, *held]
        index = options.index(partner) if partner in options else None
        chosen = st.selectbox("Lead partner", options, index=index, key=f"{key}_partner", placeholder="Choose one")
        return [], chosen
    return [], None


st.title("Users")
st.caption(
    "Everyone who may sign in: their role, the boards a chair chairs, the lead partner a partner speaks for, the "
    "e-mail single sign-on reports, when they last signed in, and whether they are locked out or disabled. Every "
    "change here is in the audit trail, as one made with the laa user command is."
)
if shown := st.session_state.pop(PASSWORD, None):
    name, password = shown
    st.success(
        f"The one-time password of **{md_escape(name)}** is below. It is shown only now: pass it on to them, and "
        "they sign in with it.",
        icon=":material/key:",
    )
    st.code(password, language=None)
if done := st.session_state.pop(DONE, None):
    st.success(md_escape(done), icon=":material/check_circle:")

who = people.actor()
frame = users_frame(reads.engine())
shown = frame.assign(last_sign_in=frame["last_sign_in"].dt.strftime("%Y-%m-%d %H:%M").fillna("never"))
st.dataframe(
    shown,
    hide_index=True,
    width="stretch",
    key="users_table",
    column_config={
        "name": "User",
        "role": "Role",
        "boards": "Boards",
        "partner": "Lead partner",
        "email": "E-mail",
        "last_sign_in": st.column_config.TextColumn("Last sign-in (UTC)"),
        "locked": st.column_config.CheckboxColumn("Locked", help="Too many wrong passwords: Unlock lets them in"),
        "disabled": st.column_config.CheckboxColumn("Disabled", help="They can no longer sign in"),
    },
)

# --- Add a user -------------------------------------------------------------------------------------------------

st.header("Add a user")
form = f"new_{st.session_state.get(ADDED, 0)}"  # a new set of empty fields after each user added
columns = st.columns(2)
with columns[0]:
    new_name = st.text_input("Username", max_chars=100, key=f"{form}_name")
    new_role = st.selectbox("Role", ROLES, index=0, key=f"{form}_role")
    new_boards, new_partner = scope_widgets(new_role, form, [], None)
with columns[1]:
    new_email = st.text_input("E-mail", max_chars=320, key=f"{form}_email", help="The e-mail single sign-on reports")
    sso = st.radio(
        "They sign in with",
        ["a one-time password shown here", "single sign-on (their e-mail only)"],
        key=f"{form}_sign_in",
    ).startswith("single")


def added(result) -> str:
    account, password = result
    if password is not None:
        st.session_state[PASSWORD] = (account.name, password)
    st.session_state[ADDED] = st.session_state.get(ADDED, 0) + 1
    how = "single sign-on" if password is None else "the one-time password"
    return f"User {account.name} added as {account.role.value}; they sign in with {how}."


if st.button("Add user", key="add_user", icon=":material/person_add:"):
    run(
        lambda: invite_user(
            reads.engine(), who, new_name, new_role, new_boards, new_partner, new_email, single_sign_on=sso
        ),
        added,
    )

# --- Change a user ----------------------------------------------------------------------------------------------

if frame.empty:
    st.stop()
st.header("Change a user")
name = st.selectbox("User", list(frame["name"]), key="change_name")
account = find_user(reads.engine(), name)
locked = bool(frame.loc[frame["name"] == account.name, "locked"].iloc[0])
columns = st.columns(2)
with columns[0]:
    role = st.selectbox("Their role", ROLES, index=ROLES.index(account.role.value), key=f"role_{account.name}")
    boards, partner = scope_widgets(role, f"change_{account.name}", list(account.boards), account.partner)
    if st.button("Change role", key="change_role", icon=":material/badge:"):
        run(
            lambda: set_role(reads.engine(), who, account.name, role, boards, partner),
            lambda changed: (
                f"{changed.name} is now {changed.role.value}"
                + (f", {changed.scope()}" if changed.scope() else "")
                + "; their open sign-ins have ended."
            ),
        )
with columns[1]:
    state = ("locked out by wrong passwords; " if locked else "") + ("disabled" if account.disabled else "may sign in")
    st.markdown(f"**{md_escape(account.name)}**: {state}")

    def reset_done(result) -> str:
        changed, password = result
        st.session_state[PASSWORD] = (changed.name, password)
        return f"The password of {changed.name} is reset (and their sign-in unlocked)."

    if st.button("Reset password", key="reset_password", icon=":material/key:"):
        run(lambda: reset_password(reads.engine(), who, account.name), reset_done)
    if locked and st.button("Unlock", key="unlock", icon=":material/lock_open:"):
        run(
            lambda: unlock_user(reads.engine(), who, account.name),
            lambda result: f"{result[0].name} may sign in again now, from every address.",
        )
    if account.disabled and st.button("Enable", key="enable", icon=":material/person_check:"):
        run(lambda: enable_user(reads.engine(), who, account.name), lambda r: f"{r[0].name} may sign in again.")
    if not account.disabled and st.button("Disable", key="disable", icon=":material/person_off:"):
        run(
            lambda: disable_user(reads.engine(), who, account.name),
            lambda d: f"{d.name} can no longer sign in; what they recorded keeps their name.",
        )
