"""Journal privacy: private by default, shared per entry, instructors never see unshared text; export;
hard delete; completion."""

from __future__ import annotations

import json

from sqlalchemy import func, select

from tests.activities.conftest import csrf_of

J = "reflection-journal"


def write(client, launch, text: str, shared: bool = False, prompt: str = "free"):
    page = client.get(launch.url("journal/"))
    data = {"text": text, "prompt": prompt, "csrf_token": csrf_of(page.text)}
    if shared:
        data["shared"] = "1"
    return client.post(launch.url("journal/"), data=data)


def entry_count(app) -> int:
    from lti_tool.activities.models import JournalEntry
    from lti_tool.extensions import db

    with app.app_context():
        return db.session.scalar(select(func.count()).select_from(JournalEntry))


def test_instructor_sees_shared_entries_only(app, client, make_launch):
    learner = make_launch(activity=J, name="Olena")
    assert write(client, learner, "PRIVATE-WORDS about my week").status_code == 303
    assert write(client, learner, "SHARED-WORDS for my mentor", shared=True,
                 prompt="cycle:describe").status_code == 303
    mine = client.get(learner.url("journal/"))
    assert "PRIVATE-WORDS" in mine.text and "SHARED-WORDS" in mine.text
    teacher = make_launch(role="instructor", activity=J, sub="teacher")
    assert client.get(teacher.url("")).headers["Location"].endswith("/journal/shared")
    shared = client.get(teacher.url("journal/shared"))
    assert shared.status_code == 200
    assert "SHARED-WORDS" in shared.text and "Olena" in shared.text
    assert "PRIVATE-WORDS" not in shared.text
    from lti_tool.privacy import AuditEvent

    with app.app_context():
        from lti_tool.extensions import db as _db

        events = _db.session.scalars(select(AuditEvent)).all()
        assert [(e.actor_id, e.subject_id, e.action) for e in events] == [
            (teacher.user_id, learner.user_id, "journal.shared.viewed")]
    # Un-share: gone from the facilitator's view at once.
    from lti_tool.activities.models import JournalEntry
    from lti_tool.extensions import db

    with app.app_context():
        entry_id = db.session.scalars(select(JournalEntry.id).where(JournalEntry.shared.is_(True))).one()
    resp = client.post(learner.url(f"journal/{entry_id}/share"), data={"shared": "0", "csrf_token": csrf_of(mine.text)})
    assert resp.status_code == 303
    assert "SHARED-WORDS" not in client.get(teacher.url("journal/shared")).text
    # The insight themes never see private text either (covered in test_insight); learners can't open this page.
    assert client.get(learner.url("journal/shared")).status_code == 403


def test_text_is_encrypted_at_rest(app, client, make_launch):
    learner = make_launch(activity=J)
    write(client, learner, "PLAINTEXT-MARKER")
    from lti_tool.extensions import db

    with app.app_context():
        raw = db.session.execute(db.text("SELECT text FROM journal_entry")).scalar_one()
    assert "PLAINTEXT-MARKER" not in raw


def test_export_markdown_and_json(app, client, make_launch):
    learner = make_launch(activity=J)
    write(client, learner, "First thought", prompt="module:safe-start:what-i-need-now")
    write(client, learner, "Second thought", shared=True)
    md = client.get(learner.url("journal/export.md"))
    assert md.status_code == 200 and md.mimetype == "text/markdown"
    assert "attachment" in md.headers["Content-Disposition"]
    assert md.text.index("First thought") < md.text.index("Second thought")
    data = json.loads(client.get(learner.url("journal/export.json")).data)
    assert [e["text"] for e in data["entries"]] == ["First thought", "Second thought"]
    assert [e["shared_with_facilitators"] for e in data["entries"]] == [False, True]
    assert data["entries"][0]["prompt"]  # the module prompt's text
    other = make_launch(activity=J, sub="someone-else")
    assert "First thought" not in client.get(other.url("journal/export.md")).text


def test_delete_one_and_all_is_hard_and_completion_stays(app, client, make_launch, outbox):
    learner = make_launch(activity=J)
    for i in range(3):
        write(client, learner, f"entry {i}")
    assert outbox(learner.user_id)[-1] == (J, "Completed", "FullyGraded", 100.0)
    page = client.get(learner.url("journal/"))
    from lti_tool.activities.models import JournalEntry
    from lti_tool.extensions import db

    with app.app_context():
        first = db.session.scalars(select(JournalEntry.id).order_by(JournalEntry.id)).first()
    assert client.post(learner.url(f"journal/{first}/delete"), data={"csrf_token": csrf_of(page.text)}).status_code == 303
    assert entry_count(app) == 2
    refused = client.post(learner.url("journal/delete-all"), data={"csrf_token": csrf_of(page.text)})
    assert refused.status_code == 400 and entry_count(app) == 2
    client.post(learner.url("journal/delete-all"), data={"csrf_token": csrf_of(page.text), "confirm": "yes"})
    assert entry_count(app) == 0
    # Exercising the right to delete does not take completion away.
    assert outbox(learner.user_id)[-1][1] == "Completed"


def test_cannot_touch_someone_elses_entry(app, client, make_launch):
    owner = make_launch(activity=J, sub="owner")
    write(client, owner, "OWNER-ONLY")
    from lti_tool.activities.models import JournalEntry
    from lti_tool.extensions import db

    with app.app_context():
        entry_id = db.session.scalars(select(JournalEntry.id)).one()
    intruder = make_launch(activity=J, sub="intruder")
    token = csrf_of(client.get(intruder.url("journal/")).text)
    assert client.get(intruder.url(f"journal/{entry_id}/edit")).status_code == 404
    assert client.post(intruder.url(f"journal/{entry_id}/delete"), data={"csrf_token": token}).status_code == 404
    assert client.post(intruder.url(f"journal/{entry_id}/share"),
                       data={"shared": "1", "csrf_token": token}).status_code == 404
    # Same person, another course: not visible there either.
    elsewhere = make_launch(activity=J, sub="owner", course="course-2")
    assert client.get(elsewhere.url(f"journal/{entry_id}/edit")).status_code == 404
    assert "OWNER-ONLY" not in client.get(elsewhere.url("journal/")).text
    assert entry_count(app) == 1


def test_edit_entry_and_empty_refused(app, client, make_launch):
    learner = make_launch(activity=J)
    assert write(client, learner, "   ").status_code == 400
    write(client, learner, "draft")
    from lti_tool.activities.models import JournalEntry
    from lti_tool.extensions import db

    with app.app_context():
        entry_id = db.session.scalars(select(JournalEntry.id)).one()
    page = client.get(learner.url(f"journal/{entry_id}/edit"))
    assert client.post(learner.url(f"journal/{entry_id}/edit"),
                       data={"text": "final words", "csrf_token": csrf_of(page.text)}).status_code == 303
    assert "final words" in client.get(learner.url("journal/")).text


def test_journal_page_offers_prompts_and_support(app, client, make_launch):
    learner = make_launch(activity=J)
    page = client.get(learner.url("journal/?module=safe-start"))
    assert 'value="module:safe-start:a-day-that-felt-steady" selected' in page.text
    assert 'value="cycle:describe"' in page.text
    assert "If you need more support" in page.text
