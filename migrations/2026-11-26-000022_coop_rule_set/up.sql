-- The co-op's own distribution rule set (a preset and the keys that override it,
-- as RULES.toml has them), saved by the treasurer or the board: a new distribution
-- that names no rules starts from it. One row per co-op; the history of changes is
-- in the audit log (before and after). Kept apart so it can later move under the
-- bylaws' governance parameters.
CREATE TABLE coop_rule_sets (
    coop_id    uuid PRIMARY KEY REFERENCES coops (id),
    preset     text,
    overrides  jsonb NOT NULL DEFAULT '{}' CHECK (jsonb_typeof(overrides) = 'object'),
    updated_by uuid REFERENCES users (id),
    updated_at timestamptz NOT NULL DEFAULT now()
);
