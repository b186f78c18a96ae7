"""The app's frame: page set-up, the password gate, navigation and the sidebar."""

from __future__ import annotations

import streamlit as st

from qda.app import auth, state
from qda.app.state import PAGES

_PAGES = (("project.py", "Project", ":material/folder_open:"),
          ("import_code.py", "Import & auto-code", ":material/upload_file:"),
          ("review.py", "Review", ":material/rate_review:"),
          ("explore.py", "Explore", ":material/insights:"),
          ("codebook.py", "Codebook", ":material/menu_book:"),
          ("agreement.py", "Agreement", ":material/handshake:"),
          ("pseudonymise.py", "Pseudonymise", ":material/visibility_off:"),
          ("export.py", "Export", ":material/download:"))


def main() -> None:
    st.set_page_config(page_title="qda", page_icon=":material/format_quote:", layout="wide")
    if not _allowed():
        st.stop()
    page = st.navigation([st.Page(str(PAGES / file), title=title, icon=icon, default=file == "project.py")
                          for file, title, icon in _PAGES])
    _sidebar()
    page.run()


def _allowed() -> bool:
    """On this machine, always; served to others, only with the configured password."""
    stored = _secret_hash()
    if not auth.needs_password(st.get_option("server.address")) and not stored:
        return True
    if not stored:
        st.error("This app is served beyond this machine but no password is configured, so it will not "
                 "open any project. Set `[qda] password_hash` in .streamlit/secrets.toml "
                 "(make one with `qda app-password`), or serve on localhost only (docs/app.md).")
        return False
    if st.session_state.get("signed_in"):
        return True
    with st.form("sign-in"):
        password = st.text_input("Password", type="password")
        if st.form_submit_button("Sign in"):
            if auth.verify_password(password, stored):
                st.session_state["signed_in"] = True
                st.rerun()
            st.error("Wrong password.")
    return False


def _secret_hash() -> str | None:
    try:
        return st.secrets.get("qda", {}).get("password_hash")
    except FileNotFoundError:  # no secrets file at all
        return None


def _sidebar() -> None:
    with st.sidebar:
        project = state.project()
        st.caption(f"Project: **{project.location}**" if project else "No project open")
        st.text_input("Coder name", key="coder", help="Every action is attributed to this name.")
        if project is not None and st.session_state.get("coder"):
            if st.button("Undo my last action", icon=":material/undo:"):
                done = state.act(project.undo, st.session_state["coder"])
                if done:
                    st.toast(f"Undone: {done.get('action', 'last action')}")
