"""The state of the in-app notice of a substantial change and of the consents asked again."""

from __future__ import annotations

import reflex as rx

from oktra.accounts.state import AuthState
from oktra.core.clock import utc_now
from oktra.db import session_scope
from oktra.i18n import t
from oktra.privacy import notices
from oktra.privacy.announcements import DOCUMENT_TITLES
from oktra.privacy.service import WORDINGS, reconsent_pending


class PolicyNoticeState(AuthState):
    """What the signed-in user has not seen yet: notices, and consent questions to answer."""

    notices: list[dict[str, str]] = []  # noqa: RUF012 - Reflex state var
    questions: list[dict[str, str]] = []  # noqa: RUF012 - Reflex state var

    def _load(self, session, user_id: int) -> None:
        lang = self.page_lang
        self.notices = [
            {
                "id": str(version.id),
                "title": t(lang, DOCUMENT_TITLES[version.document]),
                "version": version.version,
                "summary": version.summary.get(lang) or version.summary.get("en", ""),
                "url": f"/{lang}/{version.document}",
            }
            for version in notices.pending_notices(session=session, user_id=user_id)
        ]
        self.questions = [
            {"purpose": purpose, "wording": t(lang, WORDINGS[purpose])}
            for purpose in reconsent_pending(session=session, user_id=user_id)
        ]

    def _clear(self) -> None:
        self.notices, self.questions = [], []

    @rx.event
    def check(self):
        """When a page shows: load the notices and questions of the signed-in user."""
        self._refresh()
        if self._user_id is None:
            self._clear()
            return
        with session_scope() as session:
            self._load(session, self._user_id)

    @rx.event
    def acknowledge(self):
        """The user has read the notices: they are not shown again."""
        self._refresh()
        if self._user_id is None:
            self._clear()
            return
        with session_scope() as session:
            notices.acknowledge_notices(session=session, user_id=self._user_id, now=utc_now())
            self._load(session, self._user_id)

    @rx.event
    def answer(self, purpose: str, granted: bool):
        """Record the user's answer to a consent asked again."""
        self._refresh()
        if self._user_id is None:
            self._clear()
            return
        client = self._client()
        with session_scope() as session:
            notices.answer_reconsent(
                session=session,
                user_id=self._user_id,
                purpose=str(purpose),
                granted=bool(granted),
                lang=self.page_lang,
                ip_hash=client.ip_hash(),
                user_agent=client.user_agent or "",
            )
            self._load(session, self._user_id)
