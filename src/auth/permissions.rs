//! Roles and what they allow: one pure function, [`can`], tested as a full matrix.

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
    /// Approve a proposed distribution where the bylaws let the board do it, or
    /// send it back to draft.
    ApproveDistribution,
    /// Schedule general meetings, keep their agenda, attendance and minutes.
    ManageMeetings,
}

impl Action {
    /// Every action, for exhaustive tests.
    pub const ALL: [Action; 16] = [
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
        }
    }
}

/// Whether a member holding `roles` may do `action`.
pub fn can(roles: &RoleSet, action: Action) -> bool {
    action.allowed_roles().iter().any(|role| roles.has(*role))
}

#[cfg(test)]
mod tests {
    use super::*;

    /// The whole matrix, written out so a change to any cell shows in review.
    /// Columns: member, treasurer, secretary, board, admin (each role alone).
    const MATRIX: [(Action, [bool; 5]); 16] = [
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
    ];

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
