//! Membership use cases: inviting people and changing roles.

use chrono::Utc;
use diesel_async::AsyncConnection;
use serde_json::json;
use uuid::Uuid;

use chrono::NaiveDate;

use super::lifecycle::{
    self, Actor, LifecycleError, MemberState, MemberStatus, StatusChange, Transition, TransitionName,
};
use super::rules::{check_invitation, check_role_change, roles_kept, RoleChangeRefusal};
use super::store;
use crate::audit;
use crate::auth::extract::InCoop;
use crate::auth::permissions::{Action, Role, RoleSet};
use crate::auth::service::new_link_secret;
use crate::auth::store as users;
use crate::bylaws::rules::DecisionKind;
use crate::coops::store::Coop;
use crate::db;
use crate::error::{AppError, AppResult, FieldError};
use crate::export::background::{Export, Exported};
use crate::mail::Mail;
use crate::notifications::rules::MailKind;
use crate::web::i18n;
use crate::web::state::AppState;

/// What an invitation did.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Invited {
    /// A new login and its membership, with a link to choose a password.
    Member(Uuid),
    /// The address has a Concord account already: its holder was e-mailed a link to
    /// accept, and joins (with the roles given) when they do ([`accept_invitation`]).
    Pending,
}

/// Invites a person into the co-op with roles, in one transaction; the e-mail goes
/// once it has committed. Someone new gets a login and their membership, with an
/// e-mailed link to choose a password; someone who already has an account is asked
/// to accept, and nothing of theirs (not even their name) reaches the co-op before.
pub async fn invite(
    state: &AppState,
    scope: &InCoop,
    email: &str,
    display_name: &str,
    roles: &[String],
) -> AppResult<Invited> {
    scope.require(Action::ManageMembers)?;
    scope.coop.refuse_if_dissolved("takes in no new members")?;
    let invitation = check_invitation(email, display_name, roles).map_err(AppError::Validation)?;
    let coop = scope.coop.clone();
    let actor = scope.caller.user.id;
    let expires = Utc::now() + state.settings.invitation_ttl;
    let mut conn = db::conn(&state.pool).await?;
    let (invited, user, link) = conn
        .transaction(async |conn| {
            let (secret, hash) = new_link_secret();
            if let Some(user) = users::find_by_email(conn, &invitation.email).await? {
                if store::membership(conn, coop.id, user.id).await?.is_some() {
                    return Err(AppError::coded_field("email", "error-member-already-member", &[]));
                }
                let pending = store::PendingInvitation {
                    coop_id: coop.id,
                    user_id: user.id,
                    roles: invitation.roles.names(),
                    invited_by: actor,
                };
                store::insert_pending_invitation(conn, &pending, &hash, expires).await?;
                audit::append(
                    conn,
                    Some(coop.id),
                    Some(actor),
                    "member.invitation_pending",
                    &format!("coop:{}", coop.id),
                    json!({"email": invitation.email, "roles": invitation.roles.names()}),
                )
                .await?;
                let link = format!("{}/invitations/accept?token={secret}", state.settings.public_url);
                return Ok::<_, AppError>((Invited::Pending, user, link));
            }
            let user = users::create(
                conn,
                &invitation.email,
                &invitation.display_name,
                &coop.locale,
                None,
                false,
            )
            .await?;
            users::create_token(conn, user.id, "invitation", &hash, expires).await?;
            let member_id = add_member_directly(
                conn,
                &coop,
                user.id,
                &invitation.roles,
                Some(actor),
                "invited by an admin",
            )
            .await?;
            audit::append(
                conn,
                Some(coop.id),
                Some(actor),
                "member.invited",
                &format!("member:{member_id}"),
                json!({"email": user.email, "roles": invitation.roles.names()}),
            )
            .await?;
            let link = format!("{}/password/reset?token={secret}", state.settings.public_url);
            Ok((Invited::Member(member_id), user, link))
        })
        .await?;
    crate::mail::queue_sensitive(&mut conn, &invitation_mail(scope, &user, link)).await?;
    Ok(invited)
}

/// Accepts an invitation with the secret of its e-mailed link: the invitee's login
/// joins the co-op as a full member with the roles the admin gave, audited, in one
/// transaction. A link is accepted once, and not after it expires. Returns the co-op.
pub async fn accept_invitation(state: &AppState, secret: &str) -> AppResult<Coop> {
    let hash = crate::auth::service::link_secret_hash(secret);
    let mut conn = db::conn(&state.pool).await?;
    conn.transaction(async |conn| {
        let Some(invitation) = store::take_pending_invitation(conn, &hash, Utc::now()).await? else {
            return Err(AppError::coded_field("token", "error-member-invitation-invalid", &[]));
        };
        let coop = crate::coops::store::by_id(conn, invitation.coop_id)
            .await?
            .ok_or(AppError::NotFound)?;
        if store::membership(conn, coop.id, invitation.user_id).await?.is_none() {
            let roles = RoleSet::parse(&invitation.roles).map_err(AppError::internal)?;
            let member_id = add_member_directly(
                conn,
                &coop,
                invitation.user_id,
                &roles,
                Some(invitation.invited_by),
                "invited by an admin",
            )
            .await?;
            let user = users::find(conn, invitation.user_id).await?.ok_or(AppError::NotFound)?;
            audit::append(
                conn,
                Some(coop.id),
                Some(invitation.user_id),
                "member.invited",
                &format!("member:{member_id}"),
                json!({"email": user.email, "roles": roles.names(), "accepted": true,
                       "invited_by": invitation.invited_by}),
            )
            .await?;
        }
        Ok(coop)
    })
    .await
}

/// The invitation e-mail: a link to choose a password, or to accept for someone who
/// has an account already.
fn invitation_mail(scope: &InCoop, user: &users::User, link: String) -> Mail {
    let coop = &scope.coop;
    Mail {
        to: user.email.clone(),
        subject: i18n::text_with(&user.locale, "mail-invite-subject", &[("coop", coop.name.clone())]),
        body: i18n::text_with(
            &user.locale,
            "mail-invite-body",
            &[
                ("coop", coop.name.clone()),
                ("link", link),
                ("inviter", scope.caller.user.display_name.clone()),
            ],
        ),
    }
}

/// Invites every member whose login has no password and no invitation link still
/// valid: people entered by a register import, or whose link expired. Their links
/// are created and audited in one transaction; the e-mails go once it has committed.
/// Returns how many were invited.
pub async fn invite_waiting(state: &AppState, scope: &InCoop) -> AppResult<usize> {
    scope.require(Action::ManageMembers)?;
    let (coop_id, actor) = (scope.coop.id, scope.caller.user.id);
    let expires = Utc::now() + state.settings.invitation_ttl;
    let mut conn = db::conn(&state.pool).await?;
    let invited = conn
        .transaction(async |conn| {
            // One sender at a time per co-op, so two clicks send one link each.
            store::lock_register(conn, coop_id).await?;
            let waiting = store::never_invited(conn, coop_id).await?;
            let mut invited = Vec::with_capacity(waiting.len());
            for user in waiting {
                let (secret, hash) = new_link_secret();
                users::create_token(conn, user.id, "invitation", &hash, expires).await?;
                invited.push((user, secret));
            }
            if !invited.is_empty() {
                audit::append(
                    conn,
                    Some(coop_id),
                    Some(actor),
                    "member.invitations_sent",
                    &format!("coop:{coop_id}"),
                    json!({"emails": invited.iter().map(|(u, _)| u.email.clone()).collect::<Vec<_>>()}),
                )
                .await?;
            }
            Ok::<_, AppError>(invited)
        })
        .await?;
    for (user, secret) in &invited {
        let link = format!("{}/password/reset?token={secret}", state.settings.public_url);
        crate::mail::queue_sensitive(&mut conn, &invitation_mail(scope, user, link)).await?;
    }
    Ok(invited.len())
}

/// Enters a user on the register as a full member from today, with the next member
/// number (founders, members added by an admin, the demo). Inside the caller's
/// transaction.
pub async fn add_member_directly(
    conn: &mut diesel_async::AsyncPgConnection,
    coop: &Coop,
    user_id: Uuid,
    roles: &RoleSet,
    actor: Option<Uuid>,
    reference: &str,
) -> AppResult<Uuid> {
    add_member_since(conn, coop, user_id, roles, actor, reference, coop.today()).await
}

/// [`add_member_directly`] for a member since an earlier day (a co-op's founders,
/// recorded after the fact).
pub async fn add_member_since(
    conn: &mut diesel_async::AsyncPgConnection,
    coop: &Coop,
    user_id: Uuid,
    roles: &RoleSet,
    actor: Option<Uuid>,
    reference: &str,
    since: NaiveDate,
) -> AppResult<Uuid> {
    let (coop_id, today) = (coop.id, coop.today());
    let state = MemberState::member_from(since, reference);
    let number = store::take_member_number(conn, coop_id).await?;
    let first = StatusChange {
        status: state.status,
        effective: since,
        recorded_on: today,
        actor: actor.map_or(Actor::System, Actor::User),
        transition: TransitionName::Admit,
        decision_ref: Some(reference.to_string()),
        reason: None,
    };
    let new = store::NewMember {
        coop_id,
        user_id,
        roles,
        state: &state,
        number: Some(number),
        motivation: "",
    };
    store::insert(conn, new, &first).await
}

/// Replaces a member's roles: the one way roles are granted, by an admin, audited with
/// the roles before and after. No admin adds a role to themself, only full members
/// hold office, and the co-op always keeps at least one admin.
pub async fn set_roles(state: &AppState, scope: &InCoop, member_id: Uuid, roles: &[String]) -> AppResult<()> {
    scope.require(Action::ManageMembers)?;
    let roles = RoleSet::parse(roles).map_err(|m| AppError::field("roles", m))?;
    let coop_id = scope.coop.id;
    let actor = scope.caller.user.id;
    let own = member_id == scope.member_id;
    let today = scope.coop.today();
    let mut conn = db::conn(&state.pool).await?;
    conn.transaction(async |conn| {
        let admins = store::admins_for_update(conn, coop_id).await?;
        let entry = store::entry_for_update(conn, coop_id, member_id)
            .await?
            .ok_or(AppError::NotFound)?;
        let before = store::roles_for_update(conn, coop_id, member_id)
            .await?
            .ok_or(AppError::NotFound)?;
        let before = RoleSet::parse(&before).map_err(AppError::internal)?;
        check_role_change(&before, &roles, entry.state.standing_on(today), own, admins.len()).map_err(|refusal| {
            match refusal {
                RoleChangeRefusal::OwnPromotion => AppError::coded_field("roles", "error-member-no-self-grant", &[]),
                RoleChangeRefusal::CannotHoldOffice => {
                    AppError::coded_field("roles", "error-member-office-needs-full-member", &[])
                }
                RoleChangeRefusal::LastAdmin => AppError::coded_conflict("error-member-last-admin", &[]),
            }
        })?;
        store::set_roles(conn, coop_id, member_id, &roles).await?;
        audit::append(
            conn,
            Some(coop_id),
            Some(actor),
            "member.roles_changed",
            &format!("member:{member_id}"),
            json!({"from": before.names(), "to": roles.names()}),
        )
        .await
    })
    .await
}

/// A change of status as a client asks for it: a [`Transition`] without its actor,
/// who is always the caller.
#[derive(Debug, Clone, serde::Deserialize, utoipa::ToSchema)]
#[serde(tag = "transition", rename_all = "snake_case")]
pub enum TransitionRequest {
    /// Applicant → candidate (probation).
    StartProbation {
        /// First day of probation.
        date: NaiveDate,
        /// Last day; by default the co-op's probation period.
        until: Option<NaiveDate>,
    },
    /// Applicant or candidate → admitted (or member), by a board decision.
    Admit {
        /// Date of the decision.
        date: NaiveDate,
        /// Reference of the decision.
        decision_ref: String,
    },
    /// Member → on leave.
    GoOnLeave {
        /// First day of leave.
        from: NaiveDate,
        /// Expected last day.
        until: Option<NaiveDate>,
    },
    /// On leave → member.
    ReturnFromLeave {
        /// First day back.
        date: NaiveDate,
    },
    /// → resigned.
    Resign {
        /// Date notice was given.
        notice_date: NaiveDate,
        /// Date it takes effect.
        effective_date: NaiveDate,
    },
    /// → expelled, by a board decision with a reason.
    Expel {
        /// Date of the decision.
        date: NaiveDate,
        /// Reference of the decision.
        decision_ref: String,
        /// The reason.
        reason: String,
    },
    /// Applicant or candidate → rejected, with a reason.
    Reject {
        /// Date of the decision.
        date: NaiveDate,
        /// Reference of the decision.
        decision_ref: String,
        /// The reason.
        reason: String,
    },
    /// Applicant or candidate → withdrawn.
    Withdraw {
        /// Date of the withdrawal.
        date: NaiveDate,
    },
}

impl TransitionRequest {
    fn with_actor(self, actor: Actor) -> Transition {
        match self {
            TransitionRequest::StartProbation { date, until } => Transition::StartProbation { actor, date, until },
            TransitionRequest::Admit { date, decision_ref } => Transition::Admit {
                actor,
                date,
                decision_ref,
            },
            TransitionRequest::GoOnLeave { from, until } => Transition::GoOnLeave { actor, from, until },
            TransitionRequest::ReturnFromLeave { date } => Transition::ReturnFromLeave { actor, date },
            TransitionRequest::Resign {
                notice_date,
                effective_date,
            } => Transition::Resign {
                actor,
                notice_date,
                effective_date,
            },
            TransitionRequest::Expel {
                date,
                decision_ref,
                reason,
            } => Transition::Expel {
                actor,
                date,
                decision_ref,
                reason,
            },
            TransitionRequest::Reject {
                date,
                decision_ref,
                reason,
            } => Transition::Reject {
                actor,
                date,
                decision_ref,
                reason,
            },
            TransitionRequest::Withdraw { date } => Transition::Withdraw { actor, date },
        }
    }
}

/// Applies a change of status to a member (secretaries and the board), in one
/// transaction: the new state, a member number on admission, the dated history line
/// and the audit event. An admitted applicant without a password gets an invitation.
/// Admissions and expulsions are decisions the bylaws give the board or the members:
/// they follow the ballot that took them ([`decide_in`]), never a change typed here.
pub async fn change_status(
    state: &AppState,
    scope: &InCoop,
    member_id: Uuid,
    request: TransitionRequest,
) -> AppResult<MemberState> {
    scope.require(Action::ManageRegister)?;
    let coop = scope.coop.clone();
    let actor = scope.caller.user.id;
    let transition = request.with_actor(Actor::User(actor));
    if let Some(kind) = decided_by_ballot(transition.name()) {
        let kind = if kind == DecisionKind::Admission {
            "admission"
        } else {
            "expulsion"
        };
        return Err(AppError::coded_field(
            "transition",
            "error-member-decided-by-ballot",
            &[("kind", kind.to_string())],
        ));
    }
    let expires = Utc::now() + state.settings.invitation_ttl;
    let mut conn = db::conn(&state.pool).await?;
    let new_state = conn
        .transaction(async |conn| {
            let next = apply_in(conn, &coop, member_id, &transition, Some(actor)).await?;
            if let Some((user, secret)) = invitation_if_needed(conn, coop.id, member_id, &next, expires).await? {
                crate::mail::queue_sensitive(conn, &admitted_mail(&state.settings, &coop, &user, &secret)).await?;
            }
            Ok::<_, AppError>(next)
        })
        .await?;
    Ok(new_state)
}

/// The decision a ballot takes on a change of status, if it is one: admitting and
/// expelling are decisions of the bylaws' table.
pub fn decided_by_ballot(transition: TransitionName) -> Option<DecisionKind> {
    match transition {
        TransitionName::Admit => Some(DecisionKind::Admission),
        TransitionName::Expel => Some(DecisionKind::Expulsion),
        _ => None,
    }
}

/// The change of status a decision of `kind` on a member makes, dated `date`, with
/// the ballot as its reference and, for an expulsion, the grounds as its reason.
pub fn transition_of(kind: DecisionKind, date: NaiveDate, ballot_ref: String, grounds: &str) -> Option<Transition> {
    match kind {
        DecisionKind::Admission => Some(Transition::Admit {
            actor: Actor::System,
            date,
            decision_ref: ballot_ref,
        }),
        DecisionKind::Expulsion => Some(Transition::Expel {
            actor: Actor::System,
            date,
            decision_ref: ballot_ref,
            reason: grounds.to_string(),
        }),
        _ => None,
    }
}

/// Whether the member's place on the register allows `transition` now (a ballot on
/// them is checked when it is created, when it opens and when it carries); a refusal
/// names the field of the ballot that chose the member.
pub async fn check_transition(
    conn: &mut diesel_async::AsyncPgConnection,
    coop_id: Uuid,
    member_id: Uuid,
    transition: &Transition,
) -> AppResult<()> {
    let policy = store::policy(conn, coop_id).await?;
    let entry = store::entry_for_update(conn, coop_id, member_id)
        .await?
        .ok_or_else(|| AppError::coded_field("subject_member_id", "error-member-not-on-register", &[]))?;
    lifecycle::apply(&entry.state, transition, &policy)
        .map_err(|refusal| AppError::field("subject_member_id", refusal.to_string()))?;
    Ok(())
}

/// Applies a change of status inside the caller's transaction: the new state, a
/// member number on admission, the dated history line, the audit event, and the end
/// of the offices of someone who left.
pub async fn apply_in(
    conn: &mut diesel_async::AsyncPgConnection,
    coop: &Coop,
    member_id: Uuid,
    transition: &Transition,
    actor: Option<Uuid>,
) -> AppResult<MemberState> {
    let today = coop.today();
    let policy = store::policy(conn, coop.id).await?;
    let mut entry = store::entry_for_update(conn, coop.id, member_id)
        .await?
        .ok_or(AppError::NotFound)?;
    let next = lifecycle::apply(&entry.state, transition, &policy).map_err(lifecycle_error)?;
    let admitted = matches!(next.status, MemberStatus::Admitted | MemberStatus::Member);
    if admitted && entry.number.is_none() {
        entry.number = Some(store::take_member_number(conn, coop.id).await?);
    }
    let change = lifecycle::history_entry(transition, &next);
    entry.state = next.clone();
    store::save_state(conn, coop.id, &entry).await?;
    store::record_change(conn, coop.id, member_id, &change).await?;
    audit::append(
        conn,
        Some(coop.id),
        actor,
        &format!("member.{}", transition.name().name()),
        &format!("member:{member_id}"),
        json!({"status": store::status_name(next.status), "effective": change.effective,
               "number": entry.number, "decision_ref": change.decision_ref, "reason": change.reason}),
    )
    .await?;
    end_roles(conn, coop.id, member_id, &next, today, actor).await?;
    Ok(next)
}

/// An invitation to choose a password for someone just admitted who has none.
async fn invitation_if_needed(
    conn: &mut diesel_async::AsyncPgConnection,
    coop_id: Uuid,
    member_id: Uuid,
    next: &MemberState,
    expires: chrono::DateTime<Utc>,
) -> AppResult<Option<(users::User, String)>> {
    if !matches!(next.status, MemberStatus::Admitted | MemberStatus::Member) {
        return Ok(None);
    }
    let user_id = store::entry_for_update(conn, coop_id, member_id)
        .await?
        .ok_or(AppError::NotFound)?
        .user_id;
    let user = users::find(conn, user_id).await?.ok_or(AppError::NotFound)?;
    if user.password_hash.is_some() {
        return Ok(None);
    }
    let (secret, hash) = new_link_secret();
    users::create_token(conn, user.id, "invitation", &hash, expires).await?;
    Ok(Some((user, secret)))
}

fn admitted_mail(settings: &crate::config::Settings, coop: &Coop, user: &users::User, secret: &str) -> Mail {
    let link = format!("{}/password/reset?token={secret}", settings.public_url);
    Mail {
        to: user.email.clone(),
        subject: i18n::text_with(&user.locale, "mail-admitted-subject", &[("coop", coop.name.clone())]),
        body: i18n::text_with(
            &user.locale,
            "mail-admitted-body",
            &[("coop", coop.name.clone()), ("link", link)],
        ),
    }
}

/// In the transaction of the close of a ballot that admitted a member: the
/// invitation to choose a password, for someone admitted who has none.
pub async fn welcome_admitted(
    conn: &mut diesel_async::AsyncPgConnection,
    settings: &crate::config::Settings,
    coop: &Coop,
    member_id: Uuid,
) -> AppResult<()> {
    let expires = Utc::now() + settings.invitation_ttl;
    let Some(entry) = store::entry_for_update(conn, coop.id, member_id).await? else {
        return Ok(());
    };
    if let Some((user, secret)) = invitation_if_needed(conn, coop.id, member_id, &entry.state, expires).await? {
        crate::mail::queue_sensitive(conn, &admitted_mail(settings, coop, &user, &secret)).await?;
    }
    Ok(())
}

/// Ends the offices of everyone whose leaving has taken effect by the day `now`
/// falls on in their co-op
/// (a resignation recorded with a later effective date), each in its own transaction
/// with its audit event (actor: Concord itself). Run hourly by the server; access
/// already ignores those offices from the effective date, this makes the register
/// say so too. Returns how many members lost an office.
pub async fn end_offices_of_former_members(
    conn: &mut diesel_async::AsyncPgConnection,
    now: chrono::DateTime<Utc>,
) -> AppResult<usize> {
    let mut ended = 0;
    for (coop_id, member_id, time_zone) in store::final_status_with_office(conn).await? {
        let today = now
            .with_timezone(&time_zone.parse().unwrap_or(chrono_tz::UTC))
            .date_naive();
        let done = conn
            .transaction(async |conn| {
                let Some(entry) = store::entry_for_update(conn, coop_id, member_id).await? else {
                    return Ok(false);
                };
                end_roles(conn, coop_id, member_id, &entry.state, today, None).await
            })
            .await?;
        ended += usize::from(done);
    }
    Ok(ended)
}

/// Takes every office from someone who has left ([`roles_kept`]), with an audit event
/// naming the roles they held, inside the caller's transaction (the one that records
/// the leaving, or the hourly sweep). Access already ignores the roles of anyone who
/// is not a full member; this makes the register say so too. `true` when an office
/// ended.
async fn end_roles(
    conn: &mut diesel_async::AsyncPgConnection,
    coop_id: Uuid,
    member_id: Uuid,
    next: &MemberState,
    today: NaiveDate,
    actor: Option<Uuid>,
) -> AppResult<bool> {
    let before = store::roles_for_update(conn, coop_id, member_id)
        .await?
        .ok_or(AppError::NotFound)?;
    let before = RoleSet::parse(&before).map_err(AppError::internal)?;
    let after = roles_kept(next, today, &before);
    if before == after {
        return Ok(false);
    }
    store::set_roles(conn, coop_id, member_id, &after).await?;
    audit::append(
        conn,
        Some(coop_id),
        actor,
        "member.roles_ended",
        &format!("member:{member_id}"),
        json!({"from": before.names(), "to": after.names()}),
    )
    .await?;
    Ok(true)
}

/// Missing or inconsistent fields are the request's fault (422, named); a change the
/// member's current status does not allow is a conflict with the register (409).
fn lifecycle_error(error: LifecycleError) -> AppError {
    let field = match &error {
        LifecycleError::MissingDecisionRef { .. } => "decision_ref",
        LifecycleError::MissingReason { .. } => "reason",
        LifecycleError::EffectiveBeforeNotice { .. } => "effective_date",
        LifecycleError::LeaveEndsBeforeStart { .. } | LifecycleError::ProbationEndsBeforeStart { .. } => "until",
        LifecycleError::DateBeforeCurrentStatus { .. } => "date",
        _ => return AppError::Conflict(error.to_string()),
    };
    AppError::field(field, error.to_string())
}

/// An application to join a co-op, as submitted on its public page.
#[derive(Debug, Clone, serde::Deserialize, utoipa::ToSchema)]
pub struct Application {
    /// The applicant's name.
    pub display_name: String,
    /// Their e-mail.
    pub email: String,
    /// Why they want to join.
    #[serde(default)]
    pub motivation: String,
}

/// Takes an application from the public page. Nothing goes on the register yet: the
/// person confirms with the link e-mailed to the address given ([`confirm_application`]),
/// so the form answers the same whether or not the address is known, and no one is
/// entered (or has their account attached to a co-op) with an address they do not hold.
pub async fn apply(
    state: &AppState,
    coop: &Coop,
    application: &Application,
    ip: Option<std::net::IpAddr>,
) -> AppResult<()> {
    coop.refuse_if_dissolved("takes no applications")?;
    let mut errors = Vec::new();
    let email = application.email.trim();
    if !crate::mail::is_valid_address(email) {
        errors.push(FieldError::coded("email", "error-email-invalid", &[]));
    }
    let name = application.display_name.trim();
    errors.extend(crate::auth::service::check_display_name(name));
    if application.motivation.chars().count() > 4000 {
        errors.push(FieldError::coded("motivation", "error-member-motivation-too-long", &[]));
    }
    if !errors.is_empty() {
        return Err(AppError::Validation(errors));
    }
    // The form is public: the same limits as logging in keep it from being flooded.
    let mut conn = db::conn(&state.pool).await?;
    state
        .throttle
        .attempt_shared(&mut conn, &format!("apply:{email}"), ip)
        .await?;
    let pending = store::PendingApplication {
        email: email.to_string(),
        display_name: name.to_string(),
        motivation: application.motivation.trim().to_string(),
    };
    let (secret, hash) = new_link_secret();
    let expires = Utc::now() + state.settings.invitation_ttl;
    store::insert_pending_application(&mut conn, coop.id, &pending, &hash, expires).await?;
    let link = format!(
        "{}/c/{}/apply/confirm?token={secret}",
        state.settings.public_url, coop.slug
    );
    let mail = Mail {
        to: pending.email.clone(),
        subject: i18n::text_with(
            &coop.locale,
            "mail-apply-confirm-subject",
            &[("coop", coop.name.clone())],
        ),
        body: i18n::text_with(
            &coop.locale,
            "mail-apply-confirm-body",
            &[
                ("coop", coop.name.clone()),
                ("name", pending.display_name.clone()),
                ("link", link),
            ],
        ),
    };
    crate::mail::queue_sensitive(&mut conn, &mail).await
}

/// What confirming an application did.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Confirmation {
    /// The person is now an applicant on the register; the secretaries were told.
    Recorded,
    /// The address already has an application or a membership in the co-op: nothing
    /// changed.
    AlreadyOnRegister,
}

/// Confirms an application with the secret of its e-mailed link: the address's login
/// (created without a password if there is none: the person chooses one when
/// admitted) becomes an applicant, in one transaction; the secretaries are told by
/// e-mail. A link confirms once, and not after it expires.
pub async fn confirm_application(state: &AppState, coop: &Coop, secret: &str) -> AppResult<Confirmation> {
    coop.refuse_if_dissolved("takes no applications")?;
    let today = coop.today();
    let mut conn = db::conn(&state.pool).await?;
    let coop_id = coop.id;
    let locale = coop.locale.clone();
    let hash = crate::auth::service::link_secret_hash(secret);
    let recorded = conn
        .transaction(async |conn| {
            let Some(pending) = store::take_pending_application(conn, coop_id, &hash, Utc::now()).await? else {
                return Err(AppError::coded_field(
                    "token",
                    "error-member-application-link-invalid",
                    &[],
                ));
            };
            let user = match users::find_by_email(conn, &pending.email).await? {
                Some(user) => user,
                None => users::create(conn, &pending.email, &pending.display_name, &locale, None, false).await?,
            };
            if store::membership(conn, coop_id, user.id).await?.is_some() {
                return Ok(None);
            }
            let applicant = MemberState::applicant(today);
            let first = StatusChange::application(today, Actor::User(user.id));
            let new = store::NewMember {
                coop_id,
                user_id: user.id,
                roles: &RoleSet::new([]),
                state: &applicant,
                number: None,
                motivation: &pending.motivation,
            };
            let member_id = store::insert(conn, new, &first).await?;
            audit::append(
                conn,
                Some(coop_id),
                None,
                "member.applied",
                &format!("member:{member_id}"),
                json!({"email": user.email, "display_name": pending.display_name}),
            )
            .await?;
            Ok::<_, AppError>(Some((member_id, pending.display_name)))
        })
        .await?;
    let Some((member_id, name)) = recorded else {
        return Ok(Confirmation::AlreadyOnRegister);
    };
    for (to, lang) in store::emails_with_role(&mut conn, coop_id, "secretary").await? {
        let link = format!("{}/c/{}/register/{member_id}", state.settings.public_url, coop.slug);
        let (subject, body) = MailKind::Application.keys();
        let mail = Mail {
            to,
            subject: i18n::text_with(&lang, subject, &[("coop", coop.name.clone())]),
            body: i18n::text_with(&lang, body, &[("name", name.clone()), ("link", link)]),
        };
        crate::notifications::service::send(&mut conn, Some(coop_id), MailKind::Application, mail).await?;
    }
    Ok(Confirmation::Recorded)
}

/// One line of the register as of a date.
#[derive(Debug, Clone, serde::Serialize, utoipa::ToSchema)]
pub struct RegisterLine {
    /// The member's id.
    pub id: Uuid,
    /// Their member number.
    pub number: Option<i64>,
    /// Their name.
    pub display_name: String,
    /// Their e-mail.
    pub email: String,
    /// Their status on the date asked (none before they applied).
    #[schema(value_type = Option<String>)]
    pub status: Option<MemberStatus>,
    /// The date they applied.
    pub applied_on: NaiveDate,
    /// The date they were admitted.
    pub admitted_on: Option<NaiveDate>,
    /// The date they became a full member.
    pub member_since: Option<NaiveDate>,
    /// The date their membership ended (resignation, expulsion), if it has.
    pub left_on: Option<NaiveDate>,
    /// Worker member or not.
    pub employment_status: String,
    /// Whether they may vote on the date asked.
    pub may_vote: bool,
    /// What they wrote when applying.
    pub motivation: String,
    /// When they started working for the co-op.
    pub employment_start: Option<NaiveDate>,
    /// The board's notes: only for board members (`None` for everyone else).
    pub board_notes: Option<String>,
}

/// The register as of `as_of`, optionally only one status, optionally matching a
/// search in names and e-mails.
pub async fn register(
    state: &AppState,
    scope: &InCoop,
    as_of: NaiveDate,
    status: Option<MemberStatus>,
    search: Option<&str>,
) -> AppResult<Vec<RegisterLine>> {
    scope.require(Action::ViewMembers)?;
    let mut conn = db::conn(&state.pool).await?;
    let board_notes = scope.roles.has(Role::Board);
    register_lines(&mut conn, &scope.coop, as_of, status, search, board_notes).await
}

/// The register's lines as of a date, filtered by status then by a name or address
/// containing `search`; with the board's notes if `board_notes`.
async fn register_lines(
    conn: &mut diesel_async::AsyncPgConnection,
    coop: &Coop,
    as_of: NaiveDate,
    status: Option<MemberStatus>,
    search: Option<&str>,
    board_notes: bool,
) -> AppResult<Vec<RegisterLine>> {
    let coop_id = coop.id;
    let history = store::history(conn, coop_id, None).await?;
    let rows = store::register(conn, coop_id).await?;
    let voters: std::collections::HashSet<Uuid> = crate::shares::service::voters_among(conn, coop_id, &rows, as_of)
        .await?
        .into_iter()
        .collect();
    let needle = search.map(|s| s.trim().to_lowercase()).filter(|s| !s.is_empty());
    // One pass over the history, grouped by member (a register may have 100,000 people).
    let mut history_by_member: std::collections::HashMap<Uuid, Vec<StatusChange>> = std::collections::HashMap::new();
    for h in &history {
        let (Ok(status), Ok(transition)) = (
            serde_json::from_value(json!(h.status)),
            serde_json::from_value(json!(h.transition)),
        ) else {
            continue;
        };
        history_by_member.entry(h.member_id).or_default().push(StatusChange {
            status,
            effective: h.effective_on,
            recorded_on: coop.date_of(h.recorded_at),
            actor: Actor::System,
            transition,
            decision_ref: h.decision_ref.clone(),
            reason: h.reason.clone(),
        });
    }
    let mut lines = Vec::new();
    for row in rows {
        let member_state: MemberState =
            serde_json::from_value(row.state).map_err(|e| AppError::internal(format!("member state: {e}")))?;
        let changes = history_by_member.remove(&row.id).unwrap_or_default();
        let status_then = lifecycle::status_on(&changes, as_of);
        if status.is_some() && status != status_then {
            continue;
        }
        if let Some(needle) = &needle {
            if !row.display_name.to_lowercase().contains(needle) && !row.email.to_lowercase().contains(needle) {
                continue;
            }
        }
        let left_on = matches!(member_state.status, MemberStatus::Resigned | MemberStatus::Expelled)
            .then_some(member_state.since);
        lines.push(RegisterLine {
            id: row.id,
            number: row.number,
            display_name: row.display_name,
            email: row.email,
            status: status_then,
            applied_on: member_state.applied_on,
            admitted_on: member_state.admitted_on,
            member_since: member_state.member_since,
            left_on,
            employment_status: row.employment_status,
            may_vote: voters.contains(&row.id),
            motivation: row.motivation,
            employment_start: row.employment_start,
            board_notes: board_notes.then_some(row.board_notes),
        });
    }
    Ok(lines)
}

/// The register as CSV (the legal document): one line per person who ever applied.
pub fn register_csv(lines: &[RegisterLine]) -> AppResult<Vec<u8>> {
    let mut writer = crate::export::CsvExport::new();
    writer.write_record([
        "number",
        "name",
        "email",
        "status",
        "applied_on",
        "admitted_on",
        "member_since",
        "left_on",
        "employment",
        "may_vote",
    ])?;
    let date = |d: Option<NaiveDate>| d.map(|d| d.to_string()).unwrap_or_default();
    for line in lines {
        writer.write_record([
            line.number.map(|n| n.to_string()).unwrap_or_default(),
            line.display_name.clone(),
            line.email.clone(),
            line.status.map(store::status_name).unwrap_or_default(),
            line.applied_on.to_string(),
            date(line.admitted_on),
            date(line.member_since),
            date(line.left_on),
            line.employment_status.clone(),
            line.may_vote.to_string(),
        ])?;
    }
    writer.finish()
}

/// The register as CSV as of a date, filtered as the register page is: made within
/// the request for a register of up to `--export-inline-rows` people, in the
/// background for a larger one.
pub async fn export_register(
    state: &AppState,
    scope: &InCoop,
    as_of: NaiveDate,
    status: Option<MemberStatus>,
    search: Option<&str>,
) -> AppResult<Exported> {
    scope.require(Action::ViewMembers)?;
    let mut conn = db::conn(&state.pool).await?;
    let filename = format!("{}-register-{as_of}.csv", scope.coop.slug);
    if store::register_size(&mut conn, scope.coop.id).await? > state.settings.export_inline_rows as i64 {
        let params = json!({
            "as_of": as_of,
            "status": status.map(store::status_name),
            "search": search,
            "filename": filename,
        });
        let job =
            crate::export::background::start(&mut conn, scope.coop.id, scope.caller.user.id, Export::Register, params)
                .await?;
        return Ok(Exported::Queued(job));
    }
    let lines = register_lines(&mut conn, &scope.coop, as_of, status, search, false).await?;
    Ok(Exported::File {
        filename,
        content: register_csv(&lines)?,
    })
}

/// Makes a register export queued by [`export_register`] (the job workers call it).
pub async fn run_export_job(
    conn: &mut diesel_async::AsyncPgConnection,
    job: &crate::jobs::Claimed,
) -> AppResult<serde_json::Value> {
    let lost = || AppError::BadRequest("the export job lost its parameters".into());
    let coop_id = job.coop_id.ok_or_else(lost)?;
    let param = |name: &str| job.payload.get(name).and_then(|v| v.as_str());
    let as_of: NaiveDate = param("as_of").and_then(|d| d.parse().ok()).ok_or_else(lost)?;
    let status = match param("status") {
        Some(name) => Some(serde_json::from_value(json!(name)).map_err(|_| lost())?),
        None => None,
    };
    let filename = param("filename").ok_or_else(lost)?;
    let coop = crate::coops::store::by_id(conn, coop_id).await?.ok_or_else(lost)?;
    let lines = register_lines(conn, &coop, as_of, status, param("search"), false).await?;
    crate::export::background::save(conn, job, filename, lines.len(), register_csv(&lines)?).await
}

/// The job kind of a register import run in the background.
pub const REGISTER_IMPORT: &str = "register_import";

/// What an import request did.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum ImportStarted {
    /// A small file, imported within the request: how many people were entered.
    Imported(usize),
    /// A large file, queued as a background job (followed on its page).
    Queued(Uuid),
}

/// Imports an existing register from CSV, whole or not at all: every row is checked
/// first, and one bad row imports nothing and reports every bad row with its line.
/// A file over the row limit is refused before anything is read into the database.
/// A file of more than `import_inline_rows` rows becomes a background job (the same
/// import, in the job workers' share of the pool), so a large co-op's import never
/// holds a request or the connections other co-ops' requests need.
pub async fn import_register(state: &AppState, scope: &InCoop, csv_text: &str) -> AppResult<ImportStarted> {
    scope.require(Action::ManageRegister)?;
    super::import::check_row_limit(csv_text, state.settings.import_max_rows)?;
    let mut conn = db::conn(&state.pool).await?;
    let (coop, actor, today) = (&scope.coop, scope.caller.user.id, scope.coop.today());
    let rows = crate::import::row_count(csv_text);
    if rows > state.settings.import_inline_rows {
        let payload = json!({"csv": csv_text, "locale": coop.locale, "today": today, "rows": rows});
        let id = crate::jobs::enqueue(&mut conn, Some(coop.id), REGISTER_IMPORT, payload, Some(actor)).await?;
        crate::jobs::progress(&mut conn, id, 0, rows as i64).await?;
        return Ok(ImportStarted::Queued(id));
    }
    super::import::import_register(&mut conn, coop.id, actor, &coop.locale, csv_text, today)
        .await
        .map(ImportStarted::Imported)
}

/// Runs a register import queued by [`import_register`] (the job workers call it):
/// the same import, as the officer who started it. Answers `{"imported": N}`.
pub async fn run_import_job(
    conn: &mut diesel_async::AsyncPgConnection,
    job: &crate::jobs::Claimed,
) -> AppResult<serde_json::Value> {
    let field = |name: &str| job.payload.get(name).and_then(|v| v.as_str()).map(str::to_string);
    let (Some(coop_id), Some(actor), Some(csv), Some(locale), Some(today)) = (
        job.coop_id,
        job.created_by,
        field("csv"),
        field("locale"),
        field("today"),
    ) else {
        return Err(AppError::BadRequest("the import job lost its file".into()));
    };
    let today = today
        .parse::<NaiveDate>()
        .map_err(|e| AppError::internal(format!("import job date: {e}")))?;
    let imported = super::import::import_register(conn, coop_id, actor, &locale, &csv, today).await?;
    crate::jobs::progress(conn, job.id, imported as i64, imported as i64).await?;
    Ok(json!({ "imported": imported }))
}

/// A register import running or run in the background, for its page and the API
/// (those who keep the register).
pub async fn import_job(state: &AppState, scope: &InCoop, id: Uuid) -> AppResult<crate::jobs::Job> {
    scope.require(Action::ManageRegister)?;
    let mut conn = db::conn(&state.pool).await?;
    let job = crate::jobs::find(&mut conn, scope.coop.id, id).await?;
    if job.kind != REGISTER_IMPORT {
        return Err(AppError::NotFound);
    }
    Ok(job)
}

/// A member's profile on the register, as the register's keepers edit it.
#[derive(Debug, Clone, serde::Deserialize, serde::Serialize, utoipa::ToSchema, Default)]
#[schema(as = MemberProfileChange)]
pub struct ProfileChange {
    /// When they started working for the co-op.
    pub employment_start: Option<NaiveDate>,
    /// `worker` or `non_worker`.
    pub employment_status: String,
    /// The board's notes (only the board may set them; ignored for others).
    pub board_notes: Option<String>,
}

/// Saves a member's profile (secretaries and the board; the notes, the board only).
pub async fn update_profile(
    state: &AppState,
    scope: &InCoop,
    member_id: Uuid,
    change: &ProfileChange,
) -> AppResult<()> {
    scope.require(Action::ManageRegister)?;
    let mut errors = Vec::new();
    if !matches!(change.employment_status.as_str(), "worker" | "non_worker") {
        errors.push(FieldError::coded(
            "employment_status",
            "error-member-employment-status",
            &[],
        ));
    }
    if change.employment_start.is_some_and(|d| d > scope.coop.today()) {
        errors.push(FieldError::coded(
            "employment_start",
            "error-member-employment-start-future",
            &[],
        ));
    }
    if change.board_notes.as_ref().is_some_and(|n| n.chars().count() > 10_000) {
        errors.push(FieldError::coded(
            "board_notes",
            "error-member-board-notes-too-long",
            &[],
        ));
    }
    if !errors.is_empty() {
        return Err(AppError::Validation(errors));
    }
    let notes = change.board_notes.as_deref().filter(|_| scope.roles.has(Role::Board));
    let (coop_id, actor) = (scope.coop.id, scope.caller.user.id);
    let mut conn = db::conn(&state.pool).await?;
    conn.transaction(async |conn| {
        store::save_profile(
            conn,
            coop_id,
            member_id,
            change.employment_start,
            &change.employment_status,
            notes,
        )
        .await?;
        audit::append(
            conn,
            Some(coop_id),
            Some(actor),
            "member.profile_changed",
            &format!("member:{member_id}"),
            // The notes themselves stay out of the log, which admins read.
            json!({"employment_start": change.employment_start, "employment_status": change.employment_status,
                   "board_notes_changed": notes.is_some()}),
        )
        .await
    })
    .await
}
