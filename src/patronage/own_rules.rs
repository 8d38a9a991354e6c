//! The co-op's own distribution rule set: a preset and the keys that override it,
//! saved by the treasurer or the board, from which a new distribution starts. Kept
//! in this one module (its table, its two use cases) so it can later move under the
//! bylaws' governance parameters, where members amend it by ballot.

use std::collections::BTreeMap;

use diesel::sql_types::{Jsonb, Nullable, Text, Uuid as SqlUuid};
use diesel::QueryableByName;
use diesel_async::{AsyncConnection, AsyncPgConnection, RunQueryDsl};
use serde::{Deserialize, Serialize};
use serde_json::json;
use utoipa::ToSchema;

use super::rules::RuleSet;
use super::{service, workflow};
use crate::audit;
use crate::auth::extract::InCoop;
use crate::auth::permissions::Action;
use crate::db;
use crate::error::{AppError, AppResult};
use crate::web::state::AppState;

/// The co-op's own rule set, as saved: what `RULES.toml` would say.
#[derive(Debug, Clone, Default, PartialEq, Eq, Deserialize, Serialize, ToSchema)]
pub struct OwnRules {
    /// The preset it starts from: scop_fr, us_worker, ca_federal, qc_worker (or none).
    #[serde(default)]
    pub preset: Option<String>,
    /// Keys of `RULES.toml` that override the preset, decimals as strings.
    #[serde(default)]
    pub overrides: BTreeMap<String, String>,
}

/// The saved rules with the rule set they give and its hash.
#[derive(Debug, Clone, Serialize, ToSchema)]
pub struct OwnRulesView {
    /// What was saved; `null` when the co-op has saved none.
    pub saved: Option<OwnRules>,
    /// The rule set a new distribution starts from (the defaults when none is saved).
    #[schema(value_type = Object)]
    pub rule_set: RuleSet,
    /// Its SHA-256 over the canonical JSON.
    pub rule_set_hash: String,
}

#[derive(QueryableByName)]
struct Row {
    #[diesel(sql_type = Nullable<Text>)]
    preset: Option<String>,
    #[diesel(sql_type = Text)]
    overrides: String,
}

/// The co-op's saved rules, if any.
pub async fn load(conn: &mut AsyncPgConnection, coop_id: uuid::Uuid) -> AppResult<Option<OwnRules>> {
    let rows: Vec<Row> =
        diesel::sql_query("SELECT preset, overrides::text AS overrides FROM coop_rule_sets WHERE coop_id = $1")
            .bind::<SqlUuid, _>(coop_id)
            .load(conn)
            .await?;
    rows.into_iter()
        .next()
        .map(|r| {
            Ok(OwnRules {
                preset: r.preset,
                overrides: serde_json::from_str(&r.overrides).map_err(|e| AppError::internal(e.to_string()))?,
            })
        })
        .transpose()
}

/// The rule set of saved rules (the defaults when none are saved).
fn rule_set(saved: Option<&OwnRules>) -> AppResult<RuleSet> {
    match saved {
        Some(r) => service::rule_set_of(r.preset.as_deref(), &r.overrides),
        None => service::rule_set_of(None, &BTreeMap::new()),
    }
}

/// The revolving period of the co-op's own rule set (`None`: no revolving, or no
/// rules saved).
pub async fn revolving_years(conn: &mut AsyncPgConnection, coop_id: uuid::Uuid) -> AppResult<Option<u32>> {
    Ok(rule_set(load(conn, coop_id).await?.as_ref())?.revolving_years)
}

fn view(saved: Option<OwnRules>) -> AppResult<OwnRulesView> {
    let rules = rule_set(saved.as_ref())?;
    Ok(OwnRulesView {
        rule_set_hash: workflow::rule_set_hash(&rules),
        rule_set: rules,
        saved,
    })
}

/// Who may read and save the co-op's rules: the treasurer and the board.
fn may_manage(scope: &InCoop) -> bool {
    scope.can(Action::ManageDistribution) || scope.can(Action::ApproveDistribution)
}

/// The co-op's own rule set (treasurers and the board).
pub async fn get(state: &AppState, scope: &InCoop) -> AppResult<OwnRulesView> {
    if !may_manage(scope) {
        return Err(AppError::Forbidden);
    }
    let mut conn = db::conn(&state.pool).await?;
    view(load(&mut conn, scope.coop.id).await?)
}

/// Saves the co-op's own rule set (treasurers and the board): checked exactly as a
/// distribution's rules are (an unknown key or a rate out of range is refused with
/// its field), stored and audited with the rules before and after, in one
/// transaction.
pub async fn save(state: &AppState, scope: &InCoop, input: &OwnRules) -> AppResult<OwnRulesView> {
    if !may_manage(scope) {
        return Err(AppError::Forbidden);
    }
    let clean = OwnRules {
        preset: input
            .preset
            .as_deref()
            .map(str::trim)
            .filter(|p| !p.is_empty())
            .map(str::to_string),
        overrides: input
            .overrides
            .iter()
            .map(|(k, v)| (k.trim().to_string(), v.trim().to_string()))
            .filter(|(_, v)| !v.is_empty())
            .collect(),
    };
    let (coop_id, actor) = (scope.coop.id, scope.caller.user.id);
    let mut conn = db::conn(&state.pool).await?;
    conn.transaction(async |conn| save_in(conn, coop_id, actor, &clean).await)
        .await?;
    view(Some(clean))
}

/// Saves a checked rule set inside the caller's transaction, with its audit event
/// (the rules before and after). Refused with its field when the rules are not valid.
pub async fn save_in(
    conn: &mut AsyncPgConnection,
    coop_id: uuid::Uuid,
    actor: uuid::Uuid,
    rules: &OwnRules,
) -> AppResult<()> {
    let rule_set = rule_set(Some(rules))?;
    let before = load(conn, coop_id).await?;
    diesel::sql_query(
        "INSERT INTO coop_rule_sets (coop_id, preset, overrides, updated_by) VALUES ($1, $2, $3, $4) \
         ON CONFLICT (coop_id) DO UPDATE SET preset = EXCLUDED.preset, overrides = EXCLUDED.overrides, \
         updated_by = EXCLUDED.updated_by, updated_at = now()",
    )
    .bind::<SqlUuid, _>(coop_id)
    .bind::<Nullable<Text>, _>(rules.preset.clone())
    .bind::<Jsonb, _>(json!(rules.overrides))
    .bind::<SqlUuid, _>(actor)
    .execute(conn)
    .await?;
    audit::append(
        conn,
        Some(coop_id),
        Some(actor),
        "patronage.rule_set_saved",
        &format!("coop:{coop_id}"),
        json!({"before": before, "after": rules, "rule_set_hash": workflow::rule_set_hash(&rule_set)}),
    )
    .await
}
