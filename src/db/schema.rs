// @generated automatically by Diesel CLI.

diesel::table! {
    account_tokens (id) {
        id -> Uuid,
        user_id -> Uuid,
        purpose -> Text,
        token_hash -> Bytea,
        expires_at -> Timestamptz,
        used_at -> Nullable<Timestamptz>,
        created_at -> Timestamptz,
    }
}

diesel::table! {
    audit_events (id) {
        id -> Int8,
        coop_id -> Nullable<Uuid>,
        seq -> Nullable<Int8>,
        at -> Timestamptz,
        actor -> Nullable<Uuid>,
        action -> Text,
        subject -> Text,
        data -> Jsonb,
        prev_hash -> Nullable<Bytea>,
        hash -> Nullable<Bytea>,
    }
}

diesel::table! {
    coops (id) {
        id -> Uuid,
        slug -> Text,
        name -> Text,
        #[max_length = 3]
        currency -> Bpchar,
        locale -> Text,
        time_zone -> Text,
        created_at -> Timestamptz,
        next_member_number -> Int8,
        requires_qualifying_share -> Bool,
        probation_months -> Nullable<Int4>,
        members_on_leave_may_vote -> Bool,
        redemption_hold -> Bool,
        capital_floor -> Numeric,
        ballot_parameters -> Jsonb,
        dissolved_on -> Nullable<Date>,
        dissolution_ballot -> Nullable<Uuid>,
    }
}

diesel::table! {
    share_classes (coop_id, id) {
        coop_id -> Uuid,
        id -> Uuid,
        name -> Text,
        par_value -> Numeric,
        qualifying -> Bool,
        max_per_member -> Nullable<Int4>,
        instalment_count -> Nullable<Int4>,
        instalment_period_months -> Nullable<Int4>,
        created_at -> Timestamptz,
    }
}

diesel::table! {
    capital_entries (coop_id, id) {
        coop_id -> Uuid,
        id -> Uuid,
        seq -> Int8,
        member_id -> Uuid,
        share_class_id -> Nullable<Uuid>,
        kind -> Text,
        entry_date -> Date,
        amount -> Nullable<Numeric>,
        reference -> Nullable<Text>,
        reverses -> Nullable<Uuid>,
        entry -> Nullable<Jsonb>,
        recorded_by -> Nullable<Uuid>,
        recorded_at -> Timestamptz,
        fiscal_year -> Nullable<Int4>,
        currency -> Nullable<Text>,
    }
}

diesel::table! {
    members (coop_id, id) {
        coop_id -> Uuid,
        id -> Uuid,
        user_id -> Uuid,
        roles -> Array<Text>,
        created_at -> Timestamptz,
        number -> Nullable<Int8>,
        status -> Text,
        state -> Jsonb,
        employment_start -> Nullable<Date>,
        employment_status -> Text,
        motivation -> Text,
        board_notes -> Text,
    }
}

diesel::table! {
    member_status_changes (coop_id, id) {
        coop_id -> Uuid,
        id -> Uuid,
        member_id -> Uuid,
        status -> Text,
        transition -> Text,
        effective_on -> Date,
        decision_ref -> Nullable<Text>,
        reason -> Nullable<Text>,
        actor -> Nullable<Uuid>,
        recorded_at -> Timestamptz,
    }
}

diesel::table! {
    users (id) {
        id -> Uuid,
        email -> Text,
        display_name -> Text,
        locale -> Text,
        password_hash -> Nullable<Text>,
        token_version -> Int4,
        is_operator -> Bool,
        created_at -> Timestamptz,
        updated_at -> Timestamptz,
    }
}

diesel::joinable!(account_tokens -> users (user_id));
diesel::table! {
    ballots (coop_id, id) {
        coop_id -> Uuid,
        id -> Uuid,
        title -> Text,
        description -> Text,
        settings -> Jsonb,
        questions -> Jsonb,
        status -> Text,
        opens_at -> Nullable<Timestamptz>,
        closes_at -> Nullable<Timestamptz>,
        seed -> Nullable<Text>,
        roll_size -> Nullable<Int4>,
        opened_at -> Nullable<Timestamptz>,
        ended_at -> Nullable<Timestamptz>,
        cancel_reason -> Nullable<Text>,
        result -> Nullable<Jsonb>,
        created_at -> Timestamptz,
        decision_kind -> Text,
        legal_basis -> Nullable<Jsonb>,
        body -> Text,
    }
}

diesel::table! {
    ballot_subjects (coop_id, ballot_id) {
        coop_id -> Uuid,
        ballot_id -> Uuid,
        member_id -> Uuid,
        grounds -> Text,
        notified_at -> Nullable<Timestamptz>,
        heard_on -> Nullable<Date>,
        hearing_note -> Text,
    }
}

diesel::table! {
    ballot_notices (coop_id, ballot_id) {
        coop_id -> Uuid,
        ballot_id -> Uuid,
        sent_at -> Timestamptz,
    }
}

diesel::table! {
    ballot_voters (coop_id, ballot_id, member_id) {
        coop_id -> Uuid,
        ballot_id -> Uuid,
        member_id -> Uuid,
        reminded_at -> Nullable<Timestamptz>,
    }
}

diesel::table! {
    ballot_participations (coop_id, ballot_id, member_id) {
        coop_id -> Uuid,
        ballot_id -> Uuid,
        member_id -> Uuid,
        channel -> Text,
        proxy_holder -> Nullable<Uuid>,
        receipt_hash -> Nullable<Text>,
    }
}

diesel::table! {
    ballot_papers (coop_id, ballot_id, id) {
        coop_id -> Uuid,
        ballot_id -> Uuid,
        id -> Uuid,
        answers -> Jsonb,
        weight -> Int4,
        channel -> Text,
        receipt_hash -> Nullable<Text>,
        member_id -> Nullable<Uuid>,
    }
}

diesel::table! {
    ballot_proxies (coop_id, ballot_id, grantor_id) {
        coop_id -> Uuid,
        ballot_id -> Uuid,
        grantor_id -> Uuid,
        holder_id -> Uuid,
        given_at -> Timestamptz,
        withdrawn_at -> Nullable<Timestamptz>,
    }
}

diesel::joinable!(audit_events -> coops (coop_id));
diesel::joinable!(share_classes -> coops (coop_id));
diesel::joinable!(members -> coops (coop_id));
diesel::joinable!(members -> users (user_id));
diesel::joinable!(member_status_changes -> users (actor));

diesel::allow_tables_to_appear_in_same_query!(
    account_tokens,
    ballot_papers,
    ballot_participations,
    ballot_proxies,
    ballot_subjects,
    ballot_voters,
    ballots,
    audit_events,
    capital_entries,
    coops,
    member_status_changes,
    members,
    share_classes,
    users,
);

diesel::table! {
    fiscal_years (coop_id, id) {
        coop_id -> Uuid,
        id -> Uuid,
        label -> Text,
        starts_on -> Date,
        ends_on -> Date,
        status -> Text,
        closed_at -> Nullable<Timestamptz>,
        closed_by -> Nullable<Uuid>,
        created_at -> Timestamptz,
    }
}

diesel::table! {
    hours_entries (coop_id, id) {
        coop_id -> Uuid,
        id -> Uuid,
        fiscal_year_id -> Uuid,
        member_id -> Uuid,
        period_start -> Date,
        period_end -> Date,
        hours -> Numeric,
        wages -> Nullable<Numeric>,
        recorded_by -> Nullable<Uuid>,
        recorded_at -> Timestamptz,
    }
}

diesel::table! {
    distributions (coop_id, id) {
        coop_id -> Uuid,
        id -> Uuid,
        fiscal_year_id -> Uuid,
        status -> Text,
        surplus -> Numeric,
        rule_set -> Jsonb,
        rule_set_hash -> Text,
        inputs -> Text,
        result -> Text,
        board_may_approve -> Bool,
        ballot_id -> Nullable<Uuid>,
        created_at -> Timestamptz,
        approved_by -> Nullable<Uuid>,
        approved_at -> Nullable<Timestamptz>,
        posted_at -> Nullable<Timestamptz>,
        reversed_at -> Nullable<Timestamptz>,
    }
}

diesel::table! {
    distribution_postings (coop_id, distribution_id, kind) {
        coop_id -> Uuid,
        distribution_id -> Uuid,
        kind -> Text,
        posted_on -> Date,
        actor -> Nullable<Uuid>,
        reason -> Nullable<Text>,
        recorded_at -> Timestamptz,
    }
}

diesel::table! {
    distribution_entries (coop_id, id) {
        coop_id -> Uuid,
        id -> Uuid,
        seq -> Int8,
        distribution_id -> Uuid,
        member_id -> Nullable<Uuid>,
        kind -> Text,
        entry_date -> Date,
        reference -> Nullable<Text>,
        reverses -> Nullable<Uuid>,
        recorded_by -> Nullable<Uuid>,
        recorded_at -> Timestamptz,
        reserve -> Numeric,
        share_return -> Numeric,
        patronage_cash -> Numeric,
        revolving -> Numeric,
    }
}

diesel::allow_tables_to_appear_in_same_query!(
    distribution_entries,
    distribution_postings,
    distributions,
    fiscal_years,
    hours_entries,
);

diesel::table! {
    bylaw_versions (coop_id, number) {
        coop_id -> Uuid,
        number -> Int4,
        articles -> Jsonb,
        schedule -> Jsonb,
        adopted_at -> Timestamptz,
        reference -> Text,
        amendment_id -> Nullable<Uuid>,
        ballot_id -> Nullable<Uuid>,
        adopted_by -> Nullable<Uuid>,
    }
}

diesel::table! {
    bylaw_amendments (coop_id, id) {
        coop_id -> Uuid,
        id -> Uuid,
        title -> Text,
        status -> Text,
        base_version -> Int4,
        revision -> Int4,
        ballot_id -> Nullable<Uuid>,
        adopted_version -> Nullable<Int4>,
        created_by -> Uuid,
        created_at -> Timestamptz,
        updated_at -> Timestamptz,
    }
}

diesel::table! {
    bylaw_revisions (coop_id, amendment_id, revision) {
        coop_id -> Uuid,
        amendment_id -> Uuid,
        revision -> Int4,
        amendment -> Jsonb,
        note -> Text,
        created_by -> Uuid,
        created_at -> Timestamptz,
    }
}

diesel::table! {
    bylaw_comments (coop_id, id) {
        coop_id -> Uuid,
        id -> Uuid,
        amendment_id -> Uuid,
        article -> Nullable<Text>,
        parent_id -> Nullable<Uuid>,
        author_member -> Uuid,
        body -> Text,
        created_at -> Timestamptz,
        edited_at -> Nullable<Timestamptz>,
        hidden_at -> Nullable<Timestamptz>,
        hidden_by -> Nullable<Uuid>,
        hidden_reason -> Nullable<Text>,
    }
}

diesel::allow_tables_to_appear_in_same_query!(bylaw_amendments, bylaw_comments, bylaw_revisions, bylaw_versions,);
diesel::allow_tables_to_appear_in_same_query!(bylaw_comments, members);
diesel::allow_tables_to_appear_in_same_query!(bylaw_comments, users);

diesel::table! {
    calendar_feeds (user_id) {
        user_id -> Uuid,
        token_hash -> Bytea,
        created_at -> Timestamptz,
    }
}

diesel::table! {
    retained_redemptions (coop_id, distribution_id, member_id, round) {
        coop_id -> Uuid,
        distribution_id -> Uuid,
        member_id -> Uuid,
        round -> Int4,
        capital_entry_id -> Uuid,
        payable_entry_id -> Uuid,
        amount -> Numeric,
        redeemed_on -> Date,
        redeemed_by -> Nullable<Uuid>,
        recorded_at -> Timestamptz,
    }
}

diesel::table! {
    meetings (coop_id, id) {
        coop_id -> Uuid,
        id -> Uuid,
        kind -> Text,
        title -> Text,
        starts_at -> Timestamptz,
        place -> Text,
        status -> Text,
        cancel_reason -> Nullable<Text>,
        minutes -> Text,
        minutes_adopted_by -> Nullable<Uuid>,
        minutes_adopted_at -> Nullable<Timestamptz>,
        created_by -> Uuid,
        created_at -> Timestamptz,
        updated_at -> Timestamptz,
        notice_sent_at -> Nullable<Timestamptz>,
    }
}

diesel::table! {
    meeting_agenda_items (coop_id, meeting_id, position) {
        coop_id -> Uuid,
        meeting_id -> Uuid,
        position -> Int4,
        title -> Text,
        note -> Text,
        ballot_id -> Nullable<Uuid>,
    }
}

diesel::table! {
    meeting_attendance (coop_id, meeting_id, member_id) {
        coop_id -> Uuid,
        meeting_id -> Uuid,
        member_id -> Uuid,
        proxy_holder -> Nullable<Uuid>,
        recorded_by -> Uuid,
        recorded_at -> Timestamptz,
    }
}

diesel::allow_tables_to_appear_in_same_query!(meeting_agenda_items, meeting_attendance, meetings,);
diesel::allow_tables_to_appear_in_same_query!(meeting_agenda_items, ballots);
diesel::allow_tables_to_appear_in_same_query!(meeting_attendance, members);
diesel::allow_tables_to_appear_in_same_query!(meeting_attendance, users);
diesel::allow_tables_to_appear_in_same_query!(meetings, ballots);

diesel::table! {
    coop_visits (coop_id, user_id) {
        coop_id -> Uuid,
        user_id -> Uuid,
        last_seen_seq -> Int8,
        seen_at -> Timestamptz,
    }
}

diesel::table! {
    mail_preferences (user_id) {
        user_id -> Uuid,
        delivery -> Text,
        last_digest_at -> Nullable<Timestamptz>,
        updated_at -> Timestamptz,
    }
}

diesel::table! {
    mail_digest_items (id) {
        id -> Int8,
        user_id -> Uuid,
        subject -> Text,
        body -> Text,
        queued_at -> Timestamptz,
        sent_at -> Nullable<Timestamptz>,
    }
}

diesel::joinable!(mail_digest_items -> users (user_id));
diesel::joinable!(mail_preferences -> users (user_id));
diesel::allow_tables_to_appear_in_same_query!(mail_digest_items, users, mail_preferences);

diesel::table! {
    pending_applications (coop_id, id) {
        coop_id -> Uuid,
        id -> Uuid,
        email -> Text,
        display_name -> Text,
        motivation -> Text,
        token_hash -> Bytea,
        created_at -> Timestamptz,
        expires_at -> Timestamptz,
    }
}

diesel::table! {
    pending_invitations (coop_id, id) {
        coop_id -> Uuid,
        id -> Uuid,
        user_id -> Uuid,
        roles -> Array<Text>,
        invited_by -> Uuid,
        token_hash -> Bytea,
        created_at -> Timestamptz,
        expires_at -> Timestamptz,
    }
}

diesel::table! {
    notices (id) {
        id -> Uuid,
        coop_id -> Uuid,
        kind -> Text,
        subject_id -> Uuid,
        created_at -> Timestamptz,
        created_by -> Nullable<Uuid>,
    }
}

diesel::table! {
    outgoing_mail (id) {
        id -> Int8,
        coop_id -> Nullable<Uuid>,
        notice_id -> Nullable<Uuid>,
        member_id -> Nullable<Uuid>,
        recipient -> Text,
        subject -> Text,
        body -> Text,
        sensitive -> Bool,
        status -> Text,
        attempts -> Int4,
        next_attempt_at -> Timestamptz,
        claimed_until -> Nullable<Timestamptz>,
        last_answer -> Nullable<Text>,
        created_at -> Timestamptz,
        sent_at -> Nullable<Timestamptz>,
    }
}

diesel::table! {
    jobs (id) {
        id -> Uuid,
        coop_id -> Nullable<Uuid>,
        kind -> Text,
        unique_key -> Nullable<Text>,
        payload -> Jsonb,
        status -> Text,
        attempts -> Int4,
        run_at -> Timestamptz,
        claimed_until -> Nullable<Timestamptz>,
        progress_done -> Int8,
        progress_total -> Int8,
        result -> Nullable<Jsonb>,
        last_error -> Nullable<Text>,
        created_by -> Nullable<Uuid>,
        created_at -> Timestamptz,
        finished_at -> Nullable<Timestamptz>,
    }
}

diesel::joinable!(outgoing_mail -> notices (notice_id));
diesel::allow_tables_to_appear_in_same_query!(outgoing_mail, notices);

diesel::table! {
    export_files (job_id) {
        job_id -> Uuid,
        coop_id -> Uuid,
        filename -> Text,
        content -> Bytea,
        created_at -> Timestamptz,
        expires_at -> Timestamptz,
    }
}

diesel::allow_tables_to_appear_in_same_query!(export_files, jobs);

diesel::table! {
    instalment_reminders (coop_id, member_id) {
        coop_id -> Uuid,
        member_id -> Uuid,
        last_sent_on -> Date,
    }
}

diesel::table! {
    login_throttle (key) {
        key -> Text,
        tokens -> Float8,
        at -> Timestamptz,
        full_at -> Timestamptz,
    }
}
