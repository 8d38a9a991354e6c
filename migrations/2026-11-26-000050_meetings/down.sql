DROP TABLE meeting_attendance;
DROP TABLE meeting_agenda_items;
DROP TABLE meetings;
DROP FUNCTION concord_meeting_part_guard();
DROP FUNCTION concord_meeting_guard();
