"""Meetings know whether they have a finished debrief (issue 10): "awaiting a debrief"
(the home page, its "write the debrief" steps, the daily reminders) reads the few
meetings without one from a partial index, instead of joining every meeting of the owner
to its debrief.

`debriefed` is kept by triggers, so no write path can forget it:
- a meeting computes it on every insert and update (whatever Django sends);
- a debrief that is created, deleted, finished or turned back into a draft, or moved to
  another meeting, sets it on its meeting(s).
"""

from django.conf import settings
from django.db import migrations, models

FUNCTIONS = """
CREATE FUNCTION debriefs_meeting_debriefed() RETURNS trigger
LANGUAGE plpgsql AS $$
BEGIN
    NEW.debriefed := TG_OP = 'UPDATE' AND EXISTS (
        SELECT 1 FROM debriefs_debrief WHERE meeting_id = NEW.id AND NOT is_draft);
    RETURN NEW;
END
$$;

CREATE FUNCTION debriefs_debrief_marks_meeting() RETURNS trigger
LANGUAGE plpgsql AS $$
BEGIN
    -- The meeting's own trigger computes the mark: touch the meetings whose mark is wrong.
    UPDATE debriefs_meeting AS m SET debriefed = NOT m.debriefed
    WHERE m.id IN (
        CASE WHEN TG_OP <> 'INSERT' THEN OLD.meeting_id END,
        CASE WHEN TG_OP <> 'DELETE' THEN NEW.meeting_id END)
      AND m.debriefed IS DISTINCT FROM EXISTS (
        SELECT 1 FROM debriefs_debrief d WHERE d.meeting_id = m.id AND NOT d.is_draft);
    RETURN NULL;
END
$$;

CREATE TRIGGER meeting_debriefed BEFORE INSERT OR UPDATE ON debriefs_meeting
FOR EACH ROW EXECUTE FUNCTION debriefs_meeting_debriefed();

CREATE TRIGGER debrief_marks_meeting AFTER INSERT OR DELETE ON debriefs_debrief
FOR EACH ROW EXECUTE FUNCTION debriefs_debrief_marks_meeting();

CREATE TRIGGER debrief_change_marks_meeting AFTER UPDATE OF is_draft, meeting_id
ON debriefs_debrief FOR EACH ROW
WHEN (OLD.is_draft IS DISTINCT FROM NEW.is_draft OR OLD.meeting_id <> NEW.meeting_id)
EXECUTE FUNCTION debriefs_debrief_marks_meeting();

-- The meetings with a finished debrief now (the meeting's trigger computes the mark).
UPDATE debriefs_meeting AS m SET debriefed = true
WHERE EXISTS (SELECT 1 FROM debriefs_debrief d WHERE d.meeting_id = m.id AND NOT d.is_draft);
"""

REVERSE = """
DROP TRIGGER debrief_change_marks_meeting ON debriefs_debrief;
DROP TRIGGER debrief_marks_meeting ON debriefs_debrief;
DROP TRIGGER meeting_debriefed ON debriefs_meeting;
DROP FUNCTION debriefs_debrief_marks_meeting();
DROP FUNCTION debriefs_meeting_debriefed();
"""


class Migration(migrations.Migration):

    dependencies = [
        ("contacts", "0011_progress_chart_index"),
        ("debriefs", "0011_list_page_indexes"),
        migrations.swappable_dependency(settings.AUTH_USER_MODEL),
    ]

    operations = [
        migrations.AddField(
            model_name="meeting",
            name="debriefed",
            field=models.BooleanField(db_default=False, default=False, editable=False),
        ),
        migrations.RunSQL(FUNCTIONS, REVERSE),
        migrations.AddIndex(
            model_name="meeting",
            index=models.Index(
                condition=models.Q(("debriefed", False), ("status__in", ["held", "planned"])),
                fields=["owner", "starts_at", "id"],
                name="meeting_awaiting_debrief",
            ),
        ),
    ]
