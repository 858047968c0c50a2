"""The one edit history: a change recorded while an operation works, stored as JSON and
read back, puts every row back as it was (ids and times included) when reverted."""

from sqlalchemy import delete, insert, select, update

from toc_studio.coding import memos
from toc_studio.coding.models import Code, Memo
from toc_studio.history import Change, revert, table


def test_a_stored_change_reverts_deletes_updates_and_inserts(session, mentoring):
    project = mentoring.project
    trust = mentoring.codes["Mentee/Outcomes/Personal/Trust"]
    memo = memos.add_memo(session, project, "Ask about trust again", title="Trust", code=trust)
    kept = session.execute(select(table("memo")).where(table("memo").c.id == memo.id)).one()
    activities = mentoring.codes["Activities"]
    colour = activities.colour

    change = Change.code_merged("Mentee/Outcomes/Personal/Trust", "Activities")
    change.deleted("memo", [dict(kept._mapping)])
    change.updated("code", "domain", [trust.id], trust.domain)
    change.updated_row("code", activities.id, {"name": "Activities", "colour": colour})
    session.execute(delete(Memo).where(Memo.id == memo.id))
    session.execute(update(Code).where(Code.id == trust.id).values(domain="Elsewhere"))
    session.execute(
        update(Code).where(Code.id == activities.id).values(name="Doing", colour="#000000")
    )
    session.refresh(trust)
    session.refresh(activities)
    assert (trust.domain, activities.name) == ("Elsewhere", "Doing")
    added = session.execute(
        insert(Code).values(project_id=project.id, name="Brand new", position=99)
    ).inserted_primary_key[0]
    change.inserted("code", [added])

    stored = Change.stored("merge", change.summary, change.payload())
    assert stored == change
    revert(session, stored)

    back = session.execute(select(table("memo")).where(table("memo").c.id == memo.id)).one()
    assert back._mapping == kept._mapping  # same id, text and time
    assert trust.domain == "Personal"  # objects in the session are read again
    assert (activities.name, activities.colour) == ("Activities", colour)
    assert session.get(Code, added) is None


def test_a_whole_row_comes_back_when_it_was_deleted_since(session, mentoring):
    trust = mentoring.codes["Mentee/Outcomes/Personal/Trust"]
    memo = memos.add_memo(session, mentoring.project, "Before", title="T", code=trust)
    memo_rows = table("memo")
    row = dict(session.execute(select(memo_rows).where(memo_rows.c.id == memo.id)).one()._mapping)
    memo_id = row.pop("id")
    change = Change("edit", "edit a memo")
    change.updated_row("memo", memo_id, row, reinsert=True)
    only_columns = Change("edit", "edit a memo")
    only_columns.updated_row("memo", memo_id, {"text": "Before"})
    session.execute(delete(Memo).where(Memo.id == memo_id))

    revert(session, only_columns)  # a partial row is not brought back
    assert session.get(Memo, memo_id) is None
    revert(session, change)
    assert (session.get(Memo, memo_id).text, session.get(Memo, memo_id).created) == (
        "Before",
        row["created"],
    )


def test_named_changes_read_as_the_logs_always_said():
    assert Change.code_deleted("A/B", "A/C").summary == "delete 'A/B', codings moved to 'A/C'"
    assert Change.code_deleted("A/B").summary == "delete 'A/B'"
    assert Change.codings_autocoded("Trust", 3).summary == "auto-code 3 span(s) with 'Trust'"
    assert Change.level_set(None).summary == "Roll-up: every sub-theme its own element"
    assert Change.element_moved("Trust", ["domain Social"]).action == "move"
    added = Change.coding_added("apply Trust", [4, 5])
    assert added.steps == [{"op": "remove", "table": "coding", "ids": [4, 5]}]
