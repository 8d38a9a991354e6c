DROP TABLE pending_invitations;
DROP TABLE pending_applications;
