"""`natalli_journal`: a private reflection journal; the learner shares single entries if and when they want."""

from __future__ import annotations

import json
import re
import uuid
from typing import Any

from web_fragments.fragment import Fragment
from webob import Response
from xblock.core import XBlock
from xblock.fields import Dict, Integer, List, Scope, String
from xblock.utils.studio_editable import StudioEditableXBlockMixin
from xblock.validation import ValidationMessage

from lti_tool.domain.grading import Outcome, journal_outcome

from . import content
from .base import (
    COMMON_JS_STRINGS,
    ApiError,
    NatalliBlockMixin,
    _,
    clean_text,
    json_api,
    json_response,
    render_template,
    utcnow_iso,
)
from .util import author_fragment, dom_id

MAX_ENTRIES = 500
FREE = "free"


@XBlock.wants("user_state")
class NatalliJournalBlock(StudioEditableXBlockMixin, NatalliBlockMixin, XBlock):
    """Entries are stored in `Scope.user_state`: only the learner's own requests read them.

    Sharing copies an entry into `shared_entries` (`Scope.user_state_summary`); un-sharing or deleting removes
    the copy. Where the runtime offers the `user_state` service (the Open edX LMS), the staff view uses that
    index only to find who shared, and reads the text from each learner's *current* state, showing entries
    marked shared there: a stale copy (two learners' writes racing on the shared field) can then never show
    text its author has since made private. Without the service it shows the copies.
    Completion counts entries *written* (`entries_written`), so deleting an entry for privacy never takes
    completion away (`lti_tool.domain.grading.journal_outcome`). The journal is not graded.
    """

    display_name = String(
        display_name=_("Display name"), default=_("Reflection journal"), scope=Scope.settings,
        help=_("The name learners see in the course navigation."),
    )
    module_id = String(
        display_name=_("Module prompts"), default="", scope=Scope.settings,
        help=_("Optional: offer the writing prompts of this module (e.g. safe-start). Empty: the reflection "
               "cycle and free writing only."),
        values_provider=lambda block: [{"value": "", "display_name": "—"}, *content.module_choices(block.language)],
    )
    completion_entries = Integer(
        display_name=_("Entries for completion"), default=3, scope=Scope.settings, values={"min": 1, "max": 20},
        help=_("How many entries a learner writes to complete the journal. Sharing is never required."),
    )
    entries = List(default=[], scope=Scope.user_state,
                   help="The learner's entries: {id, prompt_id, text, shared, created_at, updated_at}.")
    entries_written = Integer(default=0, scope=Scope.user_state, help="Entries ever written (for completion).")
    shared_entries = Dict(default={}, scope=Scope.user_state_summary,
                          help="learner key -> {name, entries: {entry id -> shared copy}}; read by staff.")

    editable_fields = ("display_name", "module_id", "completion_entries")
    js_class = "NatalliJournal"
    js_file = "static/js/journal.js"

    # -- rules
    def outcome(self) -> Outcome:
        return journal_outcome(self.entries_written, self.completion_entries, started=self.entries_written > 0)

    # -- prompts
    def _prompts(self, lang: str) -> list[dict[str, str]]:
        """Every prompt a learner can choose, as {id, title, text}; ids are stable across languages."""
        journal = content.journal(lang)
        prompts = [{"id": FREE, "title": journal["free_entry_label"] or self.ugettext("Write freely"), "text": ""}]
        prompts += [{"id": f"cycle:{c['id']}", "title": c["title"], "text": c["prompt"]} for c in journal["cycle"]]
        if self.module_id:
            prompts += [{"id": f"module:{self.module_id}:{p['id']}", "title": p["text"], "text": ""}
                        for p in journal["module_prompts"].get(self.module_id, [])]
        return prompts

    def _prompt_title(self, prompt_id: str, lang: str) -> str:
        for prompt in self._prompts(lang):
            if prompt["id"] == prompt_id:
                return prompt["title"]
        return self.ugettext("Write freely")

    # -- views
    def _entry_views(self, lang: str) -> list[dict[str, Any]]:
        uid = dom_id(self)
        return [{**e, "prompt_title": self._prompt_title(e.get("prompt_id", FREE), lang),
                 "share_id": f"{uid}-share-{e['id']}", "created": e.get("created_at", "")[:10]}
                for e in reversed(self.entries)]

    def _entries_html(self, lang: str) -> str:
        return render_template("_journal_entries.html", {
            "entries": self._entry_views(lang), "_": self.ugettext, "lang": lang, "uid": dom_id(self),
        })

    def student_view(self, context: dict[str, Any] | None = None) -> Fragment:
        lang = self.language
        journal = content.journal(lang)
        outcome = self.outcome()
        ctx = {
            "uid": dom_id(self),
            "j": journal,
            "prompts": self._prompts(lang),
            "entries_html": self._entries_html(lang),
            "entry_count": len(self.entries),
            "written": min(self.entries_written, self.completion_entries),
            "required": self.completion_entries,
            "completed": outcome.completed,
            "export_json_url": self.runtime.handler_url(self, "export", "json"),
            "export_md_url": self.runtime.handler_url(self, "export", "md"),
            "is_staff": self.is_staff(),
            "shared": self._shared_for_staff() if self.is_staff() else [],
            "support": content.support(lang),
        }
        return self.render_fragment("journal.html", ctx, {
            "strings": self.js_strings(
                *COMMON_JS_STRINGS,
                _("Please write something before saving."),
                _("Delete this entry? This cannot be undone."),
                _("Delete all your entries in this journal? This cannot be undone."),
                _("Entry deleted."),
                _("All entries deleted."),
                _("This entry is now shared with your course team."),
                _("This entry is private again."),
                _("{written} of {required} entries written"),
            ),
        })

    def author_view(self, context: dict[str, Any] | None = None) -> Fragment:
        journal = content.journal(self.language)
        facts = [
            (_("Module prompts"), self.module_id or "—"),
            (_("Entries for completion"), str(self.completion_entries)),
            (_("Privacy"), self.ugettext("Entries are private; learners share single entries. Staff see shared "
                                          "entries only.")),
        ]
        return author_fragment(self, journal["title"], "", facts)

    def validate_field_data(self, validation: Any, data: Any) -> None:
        if data.module_id and data.module_id not in content.module_ids():
            validation.add(ValidationMessage(ValidationMessage.ERROR, self.ugettext(
                "Unknown module id '{id}'. Choose one of: {ids}."
            ).format(id=data.module_id, ids=", ".join(sorted(content.module_ids())))))
        if not isinstance(data.completion_entries, int) or not 1 <= data.completion_entries <= 20:
            validation.add(ValidationMessage(ValidationMessage.ERROR, self.ugettext(
                "Entries for completion must be a whole number from 1 to 20.")))

    # -- sharing
    def _sync_shared(self) -> None:
        """Make this learner's shared copies exactly match their currently shared entries."""
        key = self.learner_key()
        copies = {e["id"]: {"text": e["text"], "prompt_id": e.get("prompt_id", FREE),
                            "shared_at": e.get("shared_at") or e.get("updated_at", "")}
                  for e in self.entries if e.get("shared")}
        summary = dict(self.shared_entries)
        if copies:
            summary[key] = {"name": self.learner_name(), "username": self._username(), "entries": copies}
        else:
            summary.pop(key, None)
        if summary != self.shared_entries:
            self.shared_entries = summary

    def _username(self) -> str:
        user = self._user_service_user()
        return str((getattr(user, "opt_attrs", {}) or {}).get("edx-platform.username") or "")

    def _current_shared(self, learner: dict[str, Any]) -> list[dict[str, Any]] | None:
        """The learner's shared entries from their own current state, or None if that cannot be read."""
        service = self.runtime.service(self, "user_state")
        if service is None or not learner.get("username"):
            return None
        try:
            state = service.get_state_as_dict(learner["username"], self.scope_ids.usage_id) or {}
        except Exception:  # noqa: BLE001 - fall back to hiding the learner rather than failing the page
            return []
        return [e for e in state.get("entries") or [] if isinstance(e, dict) and e.get("shared") is True]

    def _shared_for_staff(self) -> list[dict[str, Any]]:
        lang = self.language
        out = []
        for learner in self.shared_entries.values():
            current = self._current_shared(learner)
            entries = list(learner.get("entries", {}).values()) if current is None else current
            items = [{"prompt_title": self._prompt_title(e.get("prompt_id", FREE), lang), "text": e["text"],
                      "shared_at": (e.get("shared_at") or "")[:10]} for e in entries]
            if items:
                out.append({"name": learner.get("name", ""), "entries": items})
        return sorted(out, key=lambda learner: learner["name"])

    # -- handlers
    def _find(self, entry_id: Any) -> int:
        for index, entry in enumerate(self.entries):
            if entry["id"] == entry_id:
                return index
        raise ApiError(404, "no_entry", self.ugettext("This entry no longer exists."))

    def _answer(self) -> dict[str, Any]:
        outcome = self.outcome()
        return {"entries_html": self._entries_html(self.language), "entry_count": len(self.entries),
                "written": min(self.entries_written, self.completion_entries), "required": self.completion_entries,
                "progress": round(outcome.score, 4), "completed": outcome.completed}

    @json_api
    def save_entry(self, data: dict[str, Any], suffix: str = "") -> dict[str, Any]:
        """Create an entry (or update one, given `entry_id`); private unless `shared` is true."""
        text = clean_text(data.get("text"), "text")
        if not text:
            raise ApiError(400, "empty", self.ugettext("Please write something before saving."))
        prompt_id = data.get("prompt_id") or FREE
        if prompt_id not in {p["id"] for p in self._prompts("en")}:
            raise ApiError(400, "unknown_prompt", "No such prompt in this journal.")
        now = utcnow_iso()
        entries = [dict(e) for e in self.entries]
        if data.get("entry_id"):
            entry = entries[self._find(data["entry_id"])]
            entry.update(text=text, prompt_id=prompt_id, updated_at=now)
        else:
            if len(entries) >= MAX_ENTRIES:
                raise ApiError(400, "too_many", self.ugettext("This journal is full. Export and delete old entries "
                                                              "to write new ones."))
            shared = data.get("shared") is True
            entries.append({"id": uuid.uuid4().hex[:12], "prompt_id": prompt_id, "text": text, "shared": shared,
                            "created_at": now, "updated_at": now, "shared_at": now if shared else ""})
            self.entries_written += 1
        self.entries = entries
        self._sync_shared()
        self.publish_progress(self.outcome().score)
        return self._answer()

    @json_api
    def share(self, data: dict[str, Any], suffix: str = "") -> dict[str, Any]:
        """Share or un-share one entry with the course team."""
        if not isinstance(data.get("shared"), bool):
            raise ApiError(400, "invalid_field", "'shared' must be true or false.")
        entries = [dict(e) for e in self.entries]
        entry = entries[self._find(data.get("entry_id"))]
        entry["shared"] = data["shared"]
        entry["shared_at"] = utcnow_iso() if data["shared"] else ""
        self.entries = entries
        self._sync_shared()
        return self._answer()

    @json_api
    def delete_entry(self, data: dict[str, Any], suffix: str = "") -> dict[str, Any]:
        """Erase one entry, including any shared copy."""
        index = self._find(data.get("entry_id"))
        self.entries = [e for i, e in enumerate(self.entries) if i != index]
        self._sync_shared()
        return self._answer()

    @json_api
    def delete_all(self, data: dict[str, Any], suffix: str = "") -> dict[str, Any]:
        """Erase every entry of this learner in this journal, and every shared copy."""
        if data.get("confirm") is not True:
            raise ApiError(400, "not_confirmed", "Send {\"confirm\": true} to delete all entries.")
        self.entries = []
        self._sync_shared()
        return self._answer()

    @json_api
    def shared_for_staff(self, data: dict[str, Any], suffix: str = "") -> dict[str, Any]:
        """Shared entries of all learners, for course staff only."""
        if not self.is_staff():
            raise ApiError(403, "forbidden", "Only course staff can read shared entries.")
        return {"learners": self._shared_for_staff()}

    @XBlock.handler
    def export(self, request: Any, suffix: str = "") -> Response:
        """Download the learner's own entries as JSON (`export/json`) or Markdown (`export/md`)."""
        fmt = (suffix or request.GET.get("format") or "json").strip("/").lower()
        if fmt not in ("json", "md"):
            return json_response({"error": "unknown_format", "message": "Use 'json' or 'md'."}, 400)
        lang = self.language
        journal = content.journal(lang)
        entries = [{"created_at": e.get("created_at", ""), "updated_at": e.get("updated_at", ""),
                    "prompt": self._prompt_title(e.get("prompt_id", FREE), lang), "text": e["text"],
                    "shared": bool(e.get("shared"))} for e in self.entries]
        stamp = utcnow_iso()
        if fmt == "json":
            body = json.dumps({"journal": journal["title"], "language": lang, "exported_at": stamp,
                               "entries": entries}, ensure_ascii=False, indent=2)
            content_type = "application/json"
        else:
            body = render_template("journal_export.md", {
                "title": journal["title"], "exported_at": stamp, "entries": entries, "_": self.ugettext,
            })
            body = re.sub(r"\n{3,}", "\n\n", body).strip() + "\n"
            content_type = "text/markdown"
        response = Response(body=body.encode("utf-8"), content_type=content_type, charset="utf-8")
        response.headers["Content-Disposition"] = f'attachment; filename="natalli-journal.{fmt}"'
        response.headers["Cache-Control"] = "no-store"
        return response

    @staticmethod
    def workbench_scenarios() -> list[tuple[str, str]]:
        return [
            ("NatAlli reflection journal", '<natalli_journal/>'),
            ("NatAlli journal with module prompts (safe-start, 2 entries)",
             '<natalli_journal module_id="safe-start" completion_entries="2"/>'),
        ]
