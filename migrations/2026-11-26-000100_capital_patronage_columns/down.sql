DROP TRIGGER users_ledger_key ON users;
DROP TRIGGER share_classes_ledger_key ON share_classes;
DROP FUNCTION concord_capital_referenced();

-- The function of migration 000080.
CREATE OR REPLACE FUNCTION concord_ledger_keys() RETURNS trigger LANGUAGE plpgsql AS $$
DECLARE
    coops uuid[];
    distribution_coops uuid[];
    distribution_ids uuid[];
    rows_with_member bigint;
    locked bigint;
    missing_member boolean;
BEGIN
    IF TG_TABLE_NAME = 'distribution_entries' THEN
        SELECT array_agg(g.coop_id), array_agg(g.distribution_id), coalesce(sum(g.members), 0)
            INTO distribution_coops, distribution_ids, rows_with_member
            FROM (SELECT n.coop_id, n.distribution_id, count(n.member_id) AS members
                  FROM new_rows n GROUP BY n.coop_id, n.distribution_id) g;
        PERFORM 1 FROM distributions d
            WHERE (d.coop_id, d.id) IN (SELECT * FROM unnest(distribution_coops, distribution_ids))
            FOR KEY SHARE OF d;
        GET DIAGNOSTICS locked = ROW_COUNT;
        IF locked < coalesce(cardinality(distribution_ids), 0) THEN
            RAISE EXCEPTION 'insert into distribution_entries refers to a distribution that is not in its co-op'
                USING ERRCODE = 'foreign_key_violation', TABLE = 'distribution_entries',
                      CONSTRAINT = 'distribution_entries_distribution_key';
        END IF;
        SELECT array_agg(DISTINCT c) INTO coops FROM unnest(distribution_coops) c;
    ELSE
        SELECT array_agg(g.coop_id), coalesce(sum(g.members), 0) INTO coops, rows_with_member
            FROM (SELECT n.coop_id, count(n.member_id) AS members FROM new_rows n GROUP BY n.coop_id) g;
    END IF;
    IF rows_with_member = 0 THEN
        RETURN NULL;
    END IF;
    PERFORM pg_advisory_xact_lock_shared(hashtextextended('member-keys:' || c, 0)) FROM unnest(coops) c;
    -- Below a few thousand rows a key lookup per row is cheaper than reading the
    -- co-op's members; above, one hashed pass is (measured: 200,000 rows against
    -- 100,000 members, 0.38 s by key, 0.15 s hashed).
    IF rows_with_member < 5000 THEN
        missing_member := EXISTS (SELECT 1 FROM new_rows n
                                  WHERE n.member_id IS NOT NULL
                                    AND NOT EXISTS (SELECT 1 FROM members m
                                                    WHERE m.coop_id = n.coop_id AND m.id = n.member_id));
    ELSE
        missing_member := EXISTS (SELECT n.coop_id, n.member_id FROM new_rows n WHERE n.member_id IS NOT NULL
                                  EXCEPT
                                  SELECT m.coop_id, m.id FROM members m WHERE m.coop_id = ANY (coops));
    END IF;
    IF missing_member THEN
        RAISE EXCEPTION 'insert into % refers to a member that is not in its co-op', TG_TABLE_NAME
            USING ERRCODE = 'foreign_key_violation', TABLE = TG_TABLE_NAME,
                  CONSTRAINT = TG_TABLE_NAME || '_member_key';
    END IF;
    RETURN NULL;
END $$;

ALTER TABLE distribution_entries
    ADD CONSTRAINT distribution_entries_coop_id_reverses_fkey
        FOREIGN KEY (coop_id, reverses) REFERENCES distribution_entries (coop_id, id);
ALTER TABLE capital_entries
    ADD CONSTRAINT capital_entries_recorded_by_fkey FOREIGN KEY (recorded_by) REFERENCES users (id),
    ADD CONSTRAINT capital_entries_coop_id_share_class_id_fkey
        FOREIGN KEY (coop_id, share_class_id) REFERENCES share_classes (coop_id, id),
    ADD CONSTRAINT capital_entries_coop_id_reverses_fkey
        FOREIGN KEY (coop_id, reverses) REFERENCES capital_entries (coop_id, id);

-- The patronage entries get their JSON back (shares::rules::LedgerEntry).
ALTER TABLE capital_entries DROP CONSTRAINT capital_entries_patronage_columns;
ALTER TABLE capital_entries DISABLE TRIGGER capital_entries_append_only;
UPDATE capital_entries
    SET entry = jsonb_build_object('id', id, 'member', member_id, 'date', entry_date,
                                   'kind', jsonb_build_object('kind', kind, 'fiscal_year', fiscal_year,
                                                              'amount', jsonb_build_object('amount', amount::text,
                                                                                           'currency', currency)))
    WHERE entry IS NULL;
ALTER TABLE capital_entries ENABLE TRIGGER capital_entries_append_only;
ALTER TABLE capital_entries
    ALTER COLUMN entry SET NOT NULL,
    DROP COLUMN fiscal_year,
    DROP COLUMN currency;
