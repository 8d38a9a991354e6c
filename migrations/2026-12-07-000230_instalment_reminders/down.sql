DROP TABLE instalment_reminders;
