-- General meetings: the meeting, its ordered agenda (items optionally linked to a
-- ballot of the same co-op), who attended (in person or represented by a proxy),
-- and the minutes, adopted by a later meeting and frozen from then on.

CREATE TABLE meetings (
    coop_id            uuid NOT NULL REFERENCES coops (id),
    id                 uuid NOT NULL,
    -- general: an ordinary general meeting; annual: the AGM; extraordinary.
    kind               text NOT NULL CHECK (kind IN ('general', 'annual', 'extraordinary')),
    title              text NOT NULL CHECK (length(title) BETWEEN 1 AND 200),
    starts_at          timestamptz NOT NULL,
    -- An address or a video link.
    place              text NOT NULL DEFAULT '' CHECK (length(place) <= 500),
    -- scheduled → held → adopted (its minutes adopted by a later meeting); or cancelled.
    status             text NOT NULL DEFAULT 'scheduled'
        CHECK (status IN ('scheduled', 'held', 'adopted', 'cancelled')),
    cancel_reason      text CHECK (length(cancel_reason) BETWEEN 1 AND 500),
    -- The minutes in Markdown.
    minutes            text NOT NULL DEFAULT '' CHECK (length(minutes) <= 100000),
    minutes_adopted_by uuid,
    minutes_adopted_at timestamptz,
    created_by         uuid NOT NULL REFERENCES users (id),
    created_at         timestamptz NOT NULL DEFAULT now(),
    updated_at         timestamptz NOT NULL DEFAULT now(),
    PRIMARY KEY (coop_id, id),
    FOREIGN KEY (coop_id, minutes_adopted_by) REFERENCES meetings (coop_id, id),
    CHECK ((status = 'cancelled') = (cancel_reason IS NOT NULL)),
    CHECK ((status = 'adopted') = (minutes_adopted_by IS NOT NULL AND minutes_adopted_at IS NOT NULL)),
    CHECK (minutes_adopted_by <> id)
);
CREATE INDEX meetings_by_date ON meetings (coop_id, starts_at);

-- Adopted minutes are the record: once a meeting's minutes are adopted, neither the
-- meeting nor its agenda nor its attendance changes again, and minutes can only be
-- adopted by a later meeting.
CREATE FUNCTION concord_meeting_guard() RETURNS trigger LANGUAGE plpgsql AS $$
DECLARE
    adopting_starts timestamptz;
BEGIN
    IF TG_OP IN ('UPDATE', 'DELETE') AND OLD.status = 'adopted' THEN
        RAISE EXCEPTION 'the minutes of meeting % are adopted: they are frozen', OLD.id
            USING ERRCODE = 'check_violation';
    END IF;
    IF TG_OP = 'DELETE' THEN
        RETURN OLD;
    END IF;
    IF NEW.minutes_adopted_by IS NOT NULL THEN
        SELECT starts_at INTO adopting_starts FROM meetings
            WHERE coop_id = NEW.coop_id AND id = NEW.minutes_adopted_by;
        IF adopting_starts IS NULL OR adopting_starts <= NEW.starts_at THEN
            RAISE EXCEPTION 'minutes can only be adopted by a later meeting'
                USING ERRCODE = 'check_violation';
        END IF;
    END IF;
    RETURN NEW;
END;
$$;
CREATE TRIGGER meetings_guard
    BEFORE INSERT OR UPDATE OR DELETE ON meetings
    FOR EACH ROW EXECUTE FUNCTION concord_meeting_guard();

-- Refuses a change to a row of a meeting whose minutes are adopted.
CREATE FUNCTION concord_meeting_part_guard() RETURNS trigger LANGUAGE plpgsql AS $$
DECLARE
    row_coop uuid;
    row_meeting uuid;
BEGIN
    IF TG_OP = 'INSERT' THEN
        row_coop := NEW.coop_id; row_meeting := NEW.meeting_id;
    ELSE
        row_coop := OLD.coop_id; row_meeting := OLD.meeting_id;
    END IF;
    IF EXISTS (SELECT 1 FROM meetings WHERE coop_id = row_coop AND id = row_meeting AND status = 'adopted') THEN
        RAISE EXCEPTION 'the minutes of meeting % are adopted: its % are frozen', row_meeting, TG_TABLE_NAME
            USING ERRCODE = 'check_violation';
    END IF;
    IF TG_OP = 'DELETE' THEN
        RETURN OLD;
    END IF;
    RETURN NEW;
END;
$$;

CREATE TABLE meeting_agenda_items (
    coop_id    uuid NOT NULL,
    meeting_id uuid NOT NULL,
    position   integer NOT NULL CHECK (position BETWEEN 1 AND 100),
    title      text NOT NULL CHECK (length(title) BETWEEN 1 AND 200),
    -- Markdown.
    note       text NOT NULL DEFAULT '' CHECK (length(note) <= 10000),
    ballot_id  uuid,
    PRIMARY KEY (coop_id, meeting_id, position),
    FOREIGN KEY (coop_id, meeting_id) REFERENCES meetings (coop_id, id),
    FOREIGN KEY (coop_id, ballot_id) REFERENCES ballots (coop_id, id)
);
CREATE TRIGGER meeting_agenda_items_guard
    BEFORE INSERT OR UPDATE OR DELETE ON meeting_agenda_items
    FOR EACH ROW EXECUTE FUNCTION concord_meeting_part_guard();

-- Who attended: in person (proxy_holder NULL), or represented by a member present.
-- One line per member and meeting.
CREATE TABLE meeting_attendance (
    coop_id      uuid NOT NULL,
    meeting_id   uuid NOT NULL,
    member_id    uuid NOT NULL,
    proxy_holder uuid,
    recorded_by  uuid NOT NULL REFERENCES users (id),
    recorded_at  timestamptz NOT NULL DEFAULT now(),
    PRIMARY KEY (coop_id, meeting_id, member_id),
    FOREIGN KEY (coop_id, meeting_id) REFERENCES meetings (coop_id, id),
    FOREIGN KEY (coop_id, member_id) REFERENCES members (coop_id, id),
    FOREIGN KEY (coop_id, proxy_holder) REFERENCES members (coop_id, id),
    CHECK (proxy_holder <> member_id)
);
CREATE TRIGGER meeting_attendance_guard
    BEFORE INSERT OR UPDATE OR DELETE ON meeting_attendance
    FOR EACH ROW EXECUTE FUNCTION concord_meeting_part_guard();
