//! Who may do what: one pure function of the caller's [`Standing`] on the register and
//! their roles, [`allowed`], tested as a full matrix. Roles add powers only while the
//! standing lets the member hold office; standing alone decides what someone who is not
//! (or no longer) a member may see.

use std::collections::BTreeSet;
use std::fmt;
use std::str::FromStr;

use serde::{Deserialize, Serialize};
use utoipa::ToSchema;

/// A role a member holds in one co-op. Roles add up; none of them adds votes.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize, Deserialize, ToSchema)]
#[serde(rename_all = "lowercase")]
pub enum Role {
    /// Every member: sees the co-op, votes, sees their own records.
    Member,
    /// Keeps the money: hours, share payments, the year-end distribution.
    Treasurer,
    /// Keeps the register and runs ballots and meetings.
    Secretary,
    /// The elected board: admissions, exits, drafts of bylaws.
    Board,
    /// Runs the co-op's account on Concord: invitations, roles, the audit log.
    Admin,
}

impl Role {
    /// Every role, in a stable order.
    pub const ALL: [Role; 5] = [Role::Member, Role::Treasurer, Role::Secretary, Role::Board, Role::Admin];

    /// The role's name as stored and sent over the API.
    pub fn as_str(self) -> &'static str {
        match self {
            Role::Member => "member",
            Role::Treasurer => "treasurer",
            Role::Secretary => "secretary",
            Role::Board => "board",
            Role::Admin => "admin",
        }
    }
}

impl fmt::Display for Role {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.as_str())
    }
}

impl FromStr for Role {
    type Err = String;
    fn from_str(s: &str) -> Result<Self, Self::Err> {
        Role::ALL
            .into_iter()
            .find(|r| r.as_str() == s)
            .ok_or_else(|| format!("unknown role `{s}`: expected one of member, treasurer, secretary, board, admin"))
    }
}

/// The roles one member holds. Every member holds `member`, whatever else they hold.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct RoleSet(BTreeSet<Role>);

impl RoleSet {
    /// A role set from any roles; `member` is always added.
    pub fn new(roles: impl IntoIterator<Item = Role>) -> Self {
        let mut set: BTreeSet<Role> = roles.into_iter().collect();
        set.insert(Role::Member);
        RoleSet(set)
    }

    /// Parses stored role names; unknown names are an error.
    pub fn parse<S: AsRef<str>>(names: &[S]) -> Result<Self, String> {
        names
            .iter()
            .map(|n| n.as_ref().parse::<Role>())
            .collect::<Result<Vec<_>, _>>()
            .map(RoleSet::new)
    }

    /// Whether the set holds `role`.
    pub fn has(&self, role: Role) -> bool {
        self.0.contains(&role)
    }

    /// The roles in a stable order.
    pub fn iter(&self) -> impl Iterator<Item = Role> + '_ {
        self.0.iter().copied()
    }

    /// The role names, for storage.
    pub fn names(&self) -> Vec<String> {
        self.iter().map(|r| r.as_str().to_string()).collect()
    }
}

/// Everything a member may try to do inside a co-op.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum Action {
    /// See the co-op's home page and public decisions.
    ViewCoop,
    /// See the list of members and their roles.
    ViewMembers,
    /// Invite people and change roles.
    ManageMembers,
    /// Read the audit log.
    ViewAudit,
    /// Admit, suspend and record exits in the register.
    ManageRegister,
    /// Record payments, share classes and capital movements.
    ManageCapital,
    /// Record hours and run the year-end distribution.
    ManageDistribution,
    /// Open, close and cancel ballots.
    ManageBallots,
    /// Cast a vote (eligibility is checked separately, by the ballot's roll).
    Vote,
    /// Draft amendments to the bylaws.
    DraftBylaws,
    /// Comment on drafts of the bylaws.
    CommentBylaws,
    /// Hide members' comments on drafts of the bylaws.
    ModerateComments,
    /// Change the co-op's governance parameters.
    ManageParameters,
    /// See the fiscal years, and one's own hours and notices of allocation.
    ViewPatronage,
    /// Read every distribution (the board approves them by its ballot where the
    /// bylaws let it), or send one back to draft.
    ApproveDistribution,
    /// Schedule general meetings, keep their agenda, attendance and minutes.
    ManageMeetings,
    /// Read one's own records: capital statement, notices of allocation, hours, and
    /// the payments the co-op owes one. Former members keep this, and only this.
    ViewOwnRecords,
}

impl Action {
    /// Every action, for exhaustive tests.
    pub const ALL: [Action; 17] = [
        Action::ViewCoop,
        Action::ViewMembers,
        Action::ManageMembers,
        Action::ViewAudit,
        Action::ManageRegister,
        Action::ManageCapital,
        Action::ManageDistribution,
        Action::ManageBallots,
        Action::Vote,
        Action::DraftBylaws,
        Action::CommentBylaws,
        Action::ModerateComments,
        Action::ManageParameters,
        Action::ViewPatronage,
        Action::ApproveDistribution,
        Action::ManageMeetings,
        Action::ViewOwnRecords,
    ];

    /// The roles that allow this action on their own.
    fn allowed_roles(self) -> &'static [Role] {
        use Role::*;
        match self {
            Action::ViewCoop | Action::Vote | Action::CommentBylaws => &[Member, Treasurer, Secretary, Board, Admin],
            Action::ViewMembers => &[Treasurer, Secretary, Board, Admin],
            Action::ManageMembers | Action::ViewAudit => &[Admin],
            Action::ManageRegister => &[Secretary, Board],
            Action::ManageCapital | Action::ManageDistribution => &[Treasurer],
            Action::ManageBallots => &[Secretary, Board],
            Action::DraftBylaws | Action::ModerateComments => &[Board, Secretary],
            Action::ManageParameters => &[Board],
            Action::ViewPatronage => &[Member, Treasurer, Secretary, Board, Admin],
            Action::ApproveDistribution => &[Board],
            Action::ManageMeetings => &[Secretary, Board],
            Action::ViewOwnRecords => &[Member, Treasurer, Secretary, Board, Admin],
        }
    }
}

/// Whether a member holding `roles` may do `action`, as far as roles go: [`allowed`]
/// also asks the register.
pub fn can(roles: &RoleSet, action: Action) -> bool {
    action.allowed_roles().iter().any(|role| roles.has(*role))
}

/// Where a person stands on a co-op's register, as access sees it: the register's
/// status on the day of the request, grouped by what it gives.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize, ToSchema)]
#[serde(rename_all = "snake_case")]
pub enum Standing {
    /// Has applied, nothing decided: sees their own application only.
    Applicant,
    /// A candidate in the probation period before admission.
    Probation,
    /// Admitted; the qualifying share is not yet fully paid.
    Admitted,
    /// A full member.
    Member,
    /// A member on leave.
    OnLeave,
    /// Resigned, expelled, rejected or withdrawn: keeps their own records only.
    Former,
}

impl Standing {
    /// Every standing, for exhaustive tests.
    pub const ALL: [Standing; 6] = [
        Standing::Applicant,
        Standing::Probation,
        Standing::Admitted,
        Standing::Member,
        Standing::OnLeave,
        Standing::Former,
    ];

    /// Whether the person belongs to the co-op's membership (candidates and members on
    /// leave included): they see what the bylaws give members.
    pub fn belongs(self) -> bool {
        matches!(
            self,
            Standing::Probation | Standing::Admitted | Standing::Member | Standing::OnLeave
        )
    }

    /// Whether roles beyond `member` count: only a full member holds office. A member on
    /// leave, not yet fully a member, or gone exercises no office.
    pub fn holds_office(self) -> bool {
        self == Standing::Member
    }

    /// The roles that count for someone of this standing holding `roles`.
    pub fn effective_roles(self, roles: &RoleSet) -> RoleSet {
        if self.holds_office() {
            roles.clone()
        } else {
            RoleSet::new([])
        }
    }
}

/// Whether someone of `standing` holding `roles` (as stored on the register) may do
/// `action`. Former members may read their own records and nothing else; applicants
/// nothing here (their application is shown to them by the co-op's home page); the
/// others what their roles allow, officers' roles counting only while they hold
/// office.
pub fn allowed(standing: Standing, roles: &RoleSet, action: Action) -> bool {
    match standing {
        Standing::Applicant => false,
        Standing::Former => action == Action::ViewOwnRecords,
        _ => can(&standing.effective_roles(roles), action),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    /// The whole matrix, written out so a change to any cell shows in review.
    /// Columns: member, treasurer, secretary, board, admin (each role alone).
    const MATRIX: [(Action, [bool; 5]); 17] = [
        (Action::ViewCoop, [true, true, true, true, true]),
        (Action::ViewMembers, [false, true, true, true, true]),
        (Action::ManageMembers, [false, false, false, false, true]),
        (Action::ViewAudit, [false, false, false, false, true]),
        (Action::ManageRegister, [false, false, true, true, false]),
        (Action::ManageCapital, [false, true, false, false, false]),
        (Action::ManageDistribution, [false, true, false, false, false]),
        (Action::ManageBallots, [false, false, true, true, false]),
        (Action::Vote, [true, true, true, true, true]),
        (Action::DraftBylaws, [false, false, true, true, false]),
        (Action::CommentBylaws, [true, true, true, true, true]),
        (Action::ModerateComments, [false, false, true, true, false]),
        (Action::ManageParameters, [false, false, false, true, false]),
        (Action::ViewPatronage, [true, true, true, true, true]),
        (Action::ApproveDistribution, [false, false, false, true, false]),
        (Action::ManageMeetings, [false, false, true, true, false]),
        (Action::ViewOwnRecords, [true, true, true, true, true]),
    ];

    /// Standing × roles: a full member has what their roles give; members on
    /// probation, admitted or on leave what a member has, whatever office they were
    /// given; former members their own records; applicants nothing.
    #[test]
    fn standing_decides_before_roles() {
        let everything = RoleSet::new(Role::ALL);
        for standing in Standing::ALL {
            for (action, _) in MATRIX {
                let expected = match standing {
                    Standing::Member => can(&everything, action),
                    Standing::Probation | Standing::Admitted | Standing::OnLeave => can(&RoleSet::new([]), action),
                    Standing::Former => action == Action::ViewOwnRecords,
                    Standing::Applicant => false,
                };
                assert_eq!(
                    allowed(standing, &everything, action),
                    expected,
                    "{standing:?} / {action:?}"
                );
            }
        }
    }

    use proptest::prelude::*;

    fn any_roles() -> impl Strategy<Value = RoleSet> {
        proptest::sample::subsequence(Role::ALL.to_vec(), 0..=5).prop_map(RoleSet::new)
    }

    proptest! {
        /// Whatever the roles stored, someone who is not a full member can do nothing a
        /// plain member cannot, and a former member or applicant nothing beyond their
        /// own records.
        #[test]
        fn office_needs_a_full_member(roles in any_roles(), standing in proptest::sample::select(Standing::ALL.to_vec())) {
            for action in Action::ALL {
                let plain = allowed(standing, &RoleSet::new([]), action);
                if !standing.holds_office() {
                    prop_assert_eq!(allowed(standing, &roles, action), plain);
                }
                if !standing.belongs() {
                    prop_assert!(!allowed(standing, &roles, action) || action == Action::ViewOwnRecords);
                }
            }
        }
    }

    #[test]
    fn every_role_and_action_matches_the_matrix() {
        assert_eq!(MATRIX.len(), Action::ALL.len());
        for (action, expected) in MATRIX {
            for (role, allowed) in Role::ALL.into_iter().zip(expected) {
                assert_eq!(can(&RoleSet::new([role]), action), allowed, "{role} / {action:?}");
            }
        }
    }

    #[test]
    fn roles_add_up() {
        let treasurer_and_board = RoleSet::new([Role::Treasurer, Role::Board]);
        for action in Action::ALL {
            let expected = can(&RoleSet::new([Role::Treasurer]), action) || can(&RoleSet::new([Role::Board]), action);
            assert_eq!(can(&treasurer_and_board, action), expected, "{action:?}");
        }
    }

    #[test]
    fn every_role_set_holds_member() {
        assert!(RoleSet::new([]).has(Role::Member));
        assert_eq!(RoleSet::parse(&["admin"]).unwrap().names(), vec!["member", "admin"]);
    }

    #[test]
    fn unknown_role_names_are_refused() {
        assert!(RoleSet::parse(&["root"]).is_err());
    }
}
