//! Pure rules of membership: what an invitation must contain.

use crate::auth::permissions::RoleSet;
use crate::error::FieldError;

/// A checked invitation.
#[derive(Debug, Clone, PartialEq)]
pub struct Invitation {
    /// The invitee's e-mail, trimmed.
    pub email: String,
    /// Their name, trimmed.
    pub display_name: String,
    /// The roles they will hold.
    pub roles: RoleSet,
}

/// Checks an invitation's fields, naming every bad one.
pub fn check_invitation(email: &str, display_name: &str, roles: &[String]) -> Result<Invitation, Vec<FieldError>> {
    let mut errors = Vec::new();
    let email = email.trim();
    if !crate::mail::is_valid_address(email) {
        errors.push(FieldError::coded("email", "error-email-invalid", &[]));
    }
    let name = display_name.trim();
    errors.extend(crate::auth::service::check_display_name(name));
    let roles = RoleSet::parse(roles).map_err(|message| FieldError::new("roles", message));
    match roles {
        Ok(roles) if errors.is_empty() => Ok(Invitation {
            email: email.to_string(),
            display_name: name.to_string(),
            roles,
        }),
        Ok(_) => Err(errors),
        Err(role_error) => {
            errors.push(role_error);
            Err(errors)
        }
    }
}

/// Whether removing roles from a member would leave the co-op with no admin.
pub fn leaves_no_admin(member_is_admin: bool, will_be_admin: bool, admins: usize) -> bool {
    member_is_admin && !will_be_admin && admins <= 1
}

/// The roles the register keeps for someone whose state is now `state`: every office
/// ends the day they are gone (resigned, expelled, rejected, withdrawn).
pub fn roles_kept(state: &super::lifecycle::MemberState, today: chrono::NaiveDate, roles: &RoleSet) -> RoleSet {
    if state.standing_on(today) == crate::auth::permissions::Standing::Former {
        RoleSet::new([])
    } else {
        roles.clone()
    }
}

/// Why an admin's change of someone's roles is refused.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum RoleChangeRefusal {
    /// An admin adding a role to themself: another admin must do it, so that no one
    /// grants themself power alone.
    OwnPromotion,
    /// An office for someone who cannot hold one (not a full member: an applicant, a
    /// candidate, admitted without the qualifying share, on leave, gone).
    CannotHoldOffice,
    /// The co-op would be left without an admin.
    LastAdmin,
}

/// Checks a change of roles from `before` to `after` for a member of `standing`;
/// `own` when the admin changes their own roles, `admins` the members holding
/// `admin` in office.
pub fn check_role_change(
    before: &RoleSet,
    after: &RoleSet,
    standing: crate::auth::permissions::Standing,
    own: bool,
    admins: usize,
) -> Result<(), RoleChangeRefusal> {
    use crate::auth::permissions::Role;
    let adds = after.iter().any(|r| !before.has(r));
    if own && adds {
        return Err(RoleChangeRefusal::OwnPromotion);
    }
    let office = after.iter().any(|r| r != Role::Member);
    if office && adds && !standing.holds_office() {
        return Err(RoleChangeRefusal::CannotHoldOffice);
    }
    if leaves_no_admin(before.has(Role::Admin), after.has(Role::Admin), admins) {
        return Err(RoleChangeRefusal::LastAdmin);
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::auth::permissions::Role;

    #[test]
    fn no_one_promotes_themself_and_only_full_members_hold_office() {
        use crate::auth::permissions::Standing;
        let member = RoleSet::new([]);
        let admin = RoleSet::new([Role::Admin]);
        let admin_treasurer = RoleSet::new([Role::Admin, Role::Treasurer]);
        let board = RoleSet::new([Role::Board]);
        // An admin adding treasurer to themself, even with other admins about.
        assert_eq!(
            check_role_change(&admin, &admin_treasurer, Standing::Member, true, 3),
            Err(RoleChangeRefusal::OwnPromotion)
        );
        // Dropping one's own role is fine while another admin remains.
        assert_eq!(
            check_role_change(&admin_treasurer, &admin, Standing::Member, true, 2),
            Ok(())
        );
        assert_eq!(
            check_role_change(&admin, &member, Standing::Member, true, 1),
            Err(RoleChangeRefusal::LastAdmin)
        );
        // Office for someone who is not a full member.
        for standing in [
            Standing::Applicant,
            Standing::Probation,
            Standing::Admitted,
            Standing::OnLeave,
            Standing::Former,
        ] {
            assert_eq!(
                check_role_change(&member, &board, standing, false, 1),
                Err(RoleChangeRefusal::CannotHoldOffice),
                "{standing:?}"
            );
            // Taking an office away from them is always possible.
            assert_eq!(check_role_change(&board, &member, standing, false, 1), Ok(()));
        }
        assert_eq!(check_role_change(&member, &board, Standing::Member, false, 1), Ok(()));
    }

    mod register_and_offices {
        use super::super::*;
        use crate::auth::permissions::{allowed, can, Action, Role, Standing};
        use crate::membership::lifecycle::{apply, Actor, MemberState, MemberStatus, MembershipPolicy, Transition};
        use proptest::prelude::*;

        /// What happens to one of the people of a small co-op on one day.
        #[derive(Debug, Clone)]
        enum Event {
            Admit,
            BecomeMember,
            GoOnLeave,
            Return,
            Resign,
            Expel,
            Grant(Role),
            Revoke,
        }

        fn event() -> impl Strategy<Value = Event> {
            prop_oneof![
                Just(Event::Admit),
                Just(Event::BecomeMember),
                Just(Event::GoOnLeave),
                Just(Event::Return),
                Just(Event::Resign),
                Just(Event::Expel),
                proptest::sample::select(Role::ALL.to_vec()).prop_map(Event::Grant),
                Just(Event::Revoke),
            ]
        }

        proptest! {
            /// Whatever admissions, leaves, resignations, expulsions and role changes
            /// happen, in any order, the people who can do an officer's action are
            /// exactly the full members whose roles give it: no one keeps an office
            /// after leaving, and no one who is not a full member holds one.
            #[test]
            fn who_can_act_as_an_officer_is_the_full_members_holding_the_office(
                events in proptest::collection::vec((0..5usize, event()), 1..60)
            ) {
                let policy = MembershipPolicy { requires_qualifying_share: true, probation_months: None,
                                                members_on_leave_may_vote: false };
                let start = chrono::NaiveDate::from_ymd_opt(2026, 1, 1).unwrap();
                let mut people: Vec<(MemberState, RoleSet)> =
                    (0..5).map(|_| (MemberState::applicant(start), RoleSet::new([]))).collect();
                let actor = Actor::System;
                for (day, (who, event)) in events.into_iter().enumerate() {
                    let today = start + chrono::Days::new(day as u64 + 1);
                    let (state, roles) = people[who].clone();
                    let transition = match event {
                        Event::Admit => Some(Transition::Admit { actor, date: today, decision_ref: "Board".into() }),
                        Event::BecomeMember => Some(Transition::BecomeMember { actor, date: today, qualifying_share_paid: true }),
                        Event::GoOnLeave => Some(Transition::GoOnLeave { actor, from: today, until: None }),
                        Event::Return => Some(Transition::ReturnFromLeave { actor, date: today }),
                        Event::Resign => Some(Transition::Resign { actor, notice_date: today, effective_date: today }),
                        Event::Expel => Some(Transition::Expel { actor, date: today, decision_ref: "GM".into(), reason: "Breach".into() }),
                        Event::Grant(role) => {
                            let after = RoleSet::new(roles.iter().chain([role]));
                            if check_role_change(&roles, &after, state.standing_on(today), false, 2).is_ok() {
                                people[who].1 = after;
                            }
                            None
                        }
                        Event::Revoke => {
                            people[who].1 = RoleSet::new([]);
                            None
                        }
                    };
                    if let Some(transition) = transition {
                        if let Ok(next) = apply(&state, &transition, &policy) {
                            people[who].1 = roles_kept(&next, today, &roles);
                            people[who].0 = next;
                        }
                    }
                    // The officers' actions: those a plain member cannot do.
                    for action in Action::ALL.into_iter().filter(|a| !can(&RoleSet::new([]), *a)) {
                        for (state, roles) in &people {
                            let may = allowed(state.standing_on(today), roles, action);
                            let officer = state.status_on(today) == Some(MemberStatus::Member) && can(roles, action);
                            prop_assert_eq!(may, officer, "{:?} {:?} {:?}", action, state.status, roles);
                            // And the register keeps no office for someone gone.
                            if state.standing_on(today) == Standing::Former {
                                prop_assert_eq!(roles, &RoleSet::new([]));
                            }
                        }
                    }
                }
            }
        }
    }

    #[test]
    fn a_good_invitation_is_trimmed_and_holds_member() {
        let inv = check_invitation(" ana@coop.test ", " Ana ", &["treasurer".into()]).unwrap();
        assert_eq!(inv.email, "ana@coop.test");
        assert_eq!(inv.display_name, "Ana");
        assert!(inv.roles.has(Role::Member) && inv.roles.has(Role::Treasurer));
    }

    #[test]
    fn every_bad_field_is_reported() {
        let errors = check_invitation("not-an-email", "", &["king".into()]).unwrap_err();
        let fields: Vec<_> = errors.iter().map(|e| e.field.as_str()).collect();
        assert_eq!(fields, ["email", "display_name", "roles"]);
    }

    #[test]
    fn the_last_admin_cannot_be_removed() {
        assert!(leaves_no_admin(true, false, 1));
        assert!(!leaves_no_admin(true, false, 2));
        assert!(!leaves_no_admin(true, true, 1));
        assert!(!leaves_no_admin(false, false, 0));
    }
}

/// One valid row of a register import.
#[derive(Debug, Clone, PartialEq)]
pub struct ImportRow {
    /// The line of the file it came from.
    pub line: usize,
    /// The member number kept from the earlier register, if given.
    pub number: Option<i64>,
    /// The person's name.
    pub name: String,
    /// Their e-mail.
    pub email: String,
    /// `member` or `applicant`.
    pub status: ImportStatus,
    /// The date they became a member (or applied).
    pub since: chrono::NaiveDate,
    /// Worker member or not.
    pub worker: bool,
}

/// The statuses an imported register may hold.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum ImportStatus {
    /// A full member.
    Member,
    /// Someone who applied and waits for a decision.
    Applicant,
}

pub use crate::import::ImportError;

/// The columns a register import accepts; `name` and `email` are required. Roles are
/// not among them: an admin gives them, one person at a time, audited.
pub const IMPORT_COLUMNS: [&str; 6] = ["number", "name", "email", "status", "member_since", "employment_status"];

/// Reads a register to import (CSV with a header). Every row is checked, and every
/// bad row reported with its line, so that a file is imported whole or not at all.
/// `taken_numbers` and `taken_emails` are those already on the register.
pub fn parse_register_import(
    csv_text: &str,
    today: chrono::NaiveDate,
    taken_numbers: &[i64],
    taken_emails: &[String],
) -> Result<Vec<ImportRow>, Vec<ImportError>> {
    if crate::import::header(csv_text)
        .map_err(|e| vec![e])?
        .iter()
        .any(|h| h == "roles")
    {
        return Err(vec![ImportError {
            line: 1,
            reason: "the column `roles` is refused: an import gives no roles; an admin gives them on the members page"
                .into(),
        }]);
    }
    let records = crate::import::rows(csv_text, &IMPORT_COLUMNS, &["name", "email"]).map_err(|e| vec![e])?;
    let mut rows = Vec::new();
    let mut errors = Vec::new();
    let mut seen_numbers: std::collections::HashSet<i64> = taken_numbers.iter().copied().collect();
    let mut seen_emails: std::collections::HashSet<String> = taken_emails.iter().map(|e| e.to_lowercase()).collect();
    for record in records {
        let record = match record {
            Ok(record) => record,
            Err(e) => {
                errors.push(e);
                continue;
            }
        };
        let line = record.line;
        let field = |name: &str| record.get(name);
        let mut reasons = Vec::new();
        let name = field("name");
        if name.is_empty() || name.chars().count() > 100 {
            reasons.push("the name must have 1 to 100 characters".to_string());
        }
        let email = field("email");
        if !crate::mail::is_valid_address(&email) {
            reasons.push(format!("`{email}` is not a valid e-mail address"));
        } else if !seen_emails.insert(email.to_lowercase()) {
            reasons.push(format!("`{email}` is already on the register or earlier in the file"));
        }
        let number = match field("number").as_str() {
            "" => None,
            text => match text.parse::<i64>() {
                Ok(n) if n >= 1 => {
                    if !seen_numbers.insert(n) {
                        reasons.push(format!("member number {n} is already taken"));
                    }
                    Some(n)
                }
                _ => {
                    reasons.push(format!("`{text}` is not a member number (a whole number from 1)"));
                    None
                }
            },
        };
        let status = match field("status").as_str() {
            "" | "member" => ImportStatus::Member,
            "applicant" => ImportStatus::Applicant,
            other => {
                reasons.push(format!("unknown status `{other}`: member or applicant"));
                ImportStatus::Member
            }
        };
        if status == ImportStatus::Applicant && number.is_some() {
            reasons.push("an applicant has no member number yet".to_string());
        }
        let since = match field("member_since").as_str() {
            "" => today,
            text => match chrono::NaiveDate::parse_from_str(text, "%Y-%m-%d") {
                Ok(date) if date <= today => date,
                Ok(_) => {
                    reasons.push(format!("{text} is in the future"));
                    today
                }
                Err(_) => {
                    reasons.push(format!("`{text}` is not a date (YYYY-MM-DD)"));
                    today
                }
            },
        };
        let worker = match field("employment_status").as_str() {
            "" | "worker" => true,
            "non_worker" => false,
            other => {
                reasons.push(format!("unknown employment status `{other}`: worker or non_worker"));
                true
            }
        };
        if reasons.is_empty() {
            rows.push(ImportRow {
                line,
                number,
                name,
                email,
                status,
                since,
                worker,
            });
        } else {
            errors.push(ImportError {
                line,
                reason: reasons.join("; "),
            });
        }
    }
    if rows.is_empty() && errors.is_empty() {
        errors.push(ImportError {
            line: 1,
            reason: "the file has no rows".into(),
        });
    }
    if errors.is_empty() {
        Ok(rows)
    } else {
        Err(errors)
    }
}

/// What an import takes from the co-op's counter of member numbers: the highest
/// number the file keeps (the counter moves past it, so no later admission collides
/// with it), and how many full members come without a number and need one.
pub fn numbers_to_take(rows: &[ImportRow]) -> (Option<i64>, i64) {
    let highest = rows.iter().filter_map(|r| r.number).max();
    let unnumbered = rows
        .iter()
        .filter(|r| r.status == ImportStatus::Member && r.number.is_none())
        .count();
    (highest, i64::try_from(unnumbered).unwrap_or(i64::MAX))
}

/// Each row's member number: the one it kept, or for a full member without one the
/// next of the numbers taken from `first` on, in the order of the file; an applicant
/// has none.
pub fn assign_member_numbers(rows: &[ImportRow], first: i64) -> Vec<Option<i64>> {
    let mut next = first;
    rows.iter()
        .map(|r| match (r.status, r.number) {
            (_, Some(kept)) => Some(kept),
            (ImportStatus::Member, None) => {
                next += 1;
                Some(next - 1)
            }
            (ImportStatus::Applicant, None) => None,
        })
        .collect()
}

#[cfg(test)]
mod import_tests {
    use super::*;

    fn day(s: &str) -> chrono::NaiveDate {
        s.parse().unwrap()
    }

    #[test]
    fn members_without_a_number_take_the_next_ones_in_file_order() {
        let text = "number,name,email,status\n\
                    ,Ana,ana@x.coop,member\n\
                    40,Ben,ben@x.coop,member\n\
                    ,Cyd,cyd@x.coop,applicant\n\
                    ,Dee,dee@x.coop,member\n";
        let rows = parse_register_import(text, day("2026-11-25"), &[1, 2], &[]).unwrap();
        assert_eq!(numbers_to_take(&rows), (Some(40), 2));
        assert_eq!(assign_member_numbers(&rows, 41), [Some(41), Some(40), None, Some(42)]);
    }

    #[test]
    fn a_good_register_reads_whole() {
        let text = "number,name,email,status,member_since,employment_status\n\
                    12,Ana,ana@x.coop,member,2019-04-01,worker\n\
                    ,Ben,ben@x.coop,applicant,,\n";
        let rows = parse_register_import(text, day("2026-11-25"), &[1, 2], &[]).unwrap();
        assert_eq!(rows.len(), 2);
        assert_eq!(
            (rows[0].line, rows[0].number, rows[0].since),
            (2, Some(12), day("2019-04-01"))
        );
        assert_eq!(
            (rows[1].status, rows[1].since),
            (ImportStatus::Applicant, day("2026-11-25"))
        );
    }

    #[test]
    fn an_import_gives_no_roles() {
        let text = "name,email,roles\nEve,eve@x.coop,admin\n";
        let errors = parse_register_import(text, day("2026-11-25"), &[], &[]).unwrap_err();
        assert_eq!(errors.len(), 1);
        assert_eq!(errors[0].line, 1);
        assert!(errors[0].reason.contains("`roles` is refused"), "{}", errors[0].reason);
    }

    #[test]
    fn every_bad_row_is_reported_with_its_line() {
        let text = "number,name,email,member_since\n\
                    1,Ana,ana@x.coop,2019-04-01\n\
                    2,,not-an-email,2019-13-01\n\
                    x,Cy,cy@x.coop,\n\
                    4,Di,ANA@x.coop,2030-01-01\n\
                    5,Ed,ed@x.coop\n";
        let errors = parse_register_import(text, day("2026-11-25"), &[1], &[]).unwrap_err();
        let lines: Vec<usize> = errors.iter().map(|e| e.line).collect();
        assert_eq!(lines, [2, 3, 4, 5, 6]);
        assert!(errors[0].reason.contains("number 1 is already taken"));
        assert!(
            errors[1].reason.contains("name")
                && errors[1].reason.contains("e-mail")
                && errors[1].reason.contains("date")
        );
        assert!(errors[3].reason.contains("already on the register") && errors[3].reason.contains("future"));
        assert!(errors[4].reason.contains("fields"));
    }

    #[test]
    fn unknown_or_missing_columns_are_refused_at_line_1() {
        assert_eq!(
            parse_register_import("name,salary\n", day("2026-01-01"), &[], &[]).unwrap_err()[0].line,
            1
        );
        assert_eq!(
            parse_register_import("name\nAna\n", day("2026-01-01"), &[], &[]).unwrap_err()[0].line,
            1
        );
        assert_eq!(
            parse_register_import("name,email\n", day("2026-01-01"), &[], &[]).unwrap_err()[0].line,
            1
        );
    }
}
