//! The authorisation matrix through HTTP: every route the server registers, for every
//! kind of caller (anonymous, each role alone, an operator), in the caller's own co-op
//! and from another co-op. The routes are read from the source that registers them,
//! so a new route that is missing from [`EXPECTED`] fails the test.
//!
//! Refusals: anonymous callers get 401 from the API and a redirect to the login page
//! from the pages; a member without the role gets 403; anyone who is not on the
//! register of the co-op in the URL (a member of another co-op, an operator) gets 404,
//! the same answer as for a co-op that does not exist, so nothing leaks that it exists.
//! A refusal always comes before the body is looked at: a refused caller never sees a
//! 400 or 422.
//!
//! Callers also stand somewhere on the register: applicant, candidate (probation),
//! admitted, member, on leave, resigned, expelled, rejected, each holding each role as
//! stored, in the demo co-op and in another one. What each standing gives is the table
//! [`REGISTER`]; the expected answer of every cell is derived from it and from the
//! route's rule, never written per route.

use std::collections::{BTreeMap, BTreeSet};

use concord::auth::permissions::{Role, RoleSet};
use futures::stream::{self, StreamExt};
use reqwest::Method;
use serde_json::{json, Value};

use crate::common::{Options, TestApp, DEMO_PASSWORD};

/// Who may use a route.
#[derive(Debug, Clone, Copy)]
enum Rule {
    /// Anyone, signed in or not.
    Public,
    /// Anyone; the route is reached through a secret in its URL, so a wrong secret is
    /// 404 for everyone.
    Secret,
    /// Any signed-in user.
    SignedIn,
    /// Operators only (403 for everyone else signed in).
    Operator,
    /// Members of the co-op of the URL holding one of these roles; a member without
    /// them gets the given status.
    Coop(&'static [Role], u16),
    /// One's own records: as [`Rule::Coop`] for members, and former members keep them
    /// as a plain member has them.
    Own(&'static [Role], u16),
    /// The co-op's home: everyone on its register (an applicant sees their
    /// application, a former member their records).
    Home,
    /// Only the author of the thing: the demo's comment is `member@demo.coop`'s.
    Author,
    /// Only whoever asked for the thing: the demo's export is `secretary@demo.coop`'s.
    /// Anyone else in the co-op is told it does not exist (404); those who do not
    /// belong to it are refused (403).
    Requester,
}

/// A status on the register, as the callers of the matrix hold it.
#[derive(Debug, Clone, Copy, PartialEq)]
enum Status {
    Applicant,
    Candidate,
    Admitted,
    Member,
    OnLeave,
    Resigned,
    Expelled,
    Rejected,
}

/// What a status gives (docs/rules/membership.md, "Access by standing"): whether the
/// person belongs to the co-op (sees what members see), whether their offices count,
/// and whether they keep their own records.
const REGISTER: [(Status, &str, bool, bool, bool); 8] = [
    (Status::Applicant, "applicant", false, false, false),
    (Status::Candidate, "candidate", true, false, true),
    (Status::Admitted, "admitted", true, false, true),
    (Status::Member, "member", true, true, true),
    (Status::OnLeave, "on_leave", true, false, true),
    (Status::Resigned, "resigned", false, false, true),
    (Status::Expelled, "expelled", false, false, true),
    (Status::Rejected, "rejected", false, false, true),
];

impl Status {
    fn row(self) -> (&'static str, bool, bool, bool) {
        let (_, name, belongs, office, own) = REGISTER.iter().find(|r| r.0 == self).unwrap();
        (name, *belongs, *office, *own)
    }
}

use Role::{Admin, Board, Member, Secretary, Treasurer};

const ANY: &[Role] = &[Member, Treasurer, Secretary, Board, Admin];
const OFFICERS: &[Role] = &[Treasurer, Secretary, Board, Admin];
const ADMIN: &[Role] = &[Admin];
const KEEPERS: &[Role] = &[Secretary, Board];
const MONEY: &[Role] = &[Treasurer];
/// The treasurer keeps the year-end distribution, the board reads and approves it.
const MONEY_OR_BOARD: &[Role] = &[Treasurer, Board];
const BOARD: &[Role] = &[Board];

const fn any() -> Rule {
    Rule::Coop(ANY, 403)
}
const fn only(roles: &'static [Role]) -> Rule {
    Rule::Coop(roles, 403)
}

/// The one table of expected outcomes: every registered route and method.
const EXPECTED: &[(&str, &str, Rule)] = &[
    ("GET", "/healthz", Rule::Public),
    ("GET", "/readyz", Rule::Public),
    // Public unless the operator sets a token (operations::metrics_answer_only_to_their_token_when_one_is_set).
    ("GET", "/metrics", Rule::Public),
    ("GET", "/api/openapi.json", Rule::Public),
    ("GET", "/static/{file:.*}", Rule::Public),
    // The API: accounts.
    ("POST", "/api/v1/auth/token", Rule::Public),
    ("POST", "/api/v1/auth/logout-everywhere", Rule::SignedIn),
    ("POST", "/api/v1/auth/password", Rule::SignedIn),
    ("POST", "/api/v1/auth/password-reset", Rule::Public),
    ("POST", "/api/v1/auth/password-reset/confirm", Rule::Public),
    ("GET", "/api/v1/me", Rule::SignedIn),
    ("PUT", "/api/v1/me", Rule::SignedIn),
    ("GET", "/api/v1/me/email-preferences", Rule::SignedIn),
    ("PUT", "/api/v1/me/email-preferences", Rule::SignedIn),
    // The API: co-ops and members.
    ("GET", "/api/v1/coops", Rule::Operator),
    ("POST", "/api/v1/coops", Rule::Operator),
    ("GET", "/api/v1/coops/{slug}", any()),
    ("GET", "/api/v1/coops/{slug}/dashboard", any()),
    ("GET", "/api/v1/coops/{slug}/notifications", any()),
    // Legal notices: the treasurer follows allocations, the secretary and the board
    // the rest (the matrix's notice is a call to vote).
    (
        "GET",
        "/api/v1/coops/{slug}/notices",
        only(&[Treasurer, Secretary, Board]),
    ),
    ("GET", "/api/v1/coops/{slug}/notices/{notice_id}", only(KEEPERS)),
    (
        "GET",
        "/api/v1/coops/{slug}/notices/{notice_id}/deliveries.csv",
        only(KEEPERS),
    ),
    ("POST", "/api/v1/coops/{slug}/notices/{notice_id}/resend", only(KEEPERS)),
    ("GET", "/api/v1/coops/{slug}/setup", only(OFFICERS)),
    ("POST", "/api/v1/coops/{slug}/setup/invitations", only(ADMIN)),
    ("POST", "/api/v1/coops/{slug}/capital/holdings/import", only(MONEY)),
    ("GET", "/api/v1/coops/{slug}/members", only(OFFICERS)),
    ("POST", "/api/v1/coops/{slug}/members", only(ADMIN)),
    ("PUT", "/api/v1/coops/{slug}/members/{member_id}/roles", only(ADMIN)),
    ("POST", "/api/v1/coops/{slug}/applications", Rule::Public),
    ("GET", "/api/v1/coops/{slug}/register", only(OFFICERS)),
    ("GET", "/api/v1/coops/{slug}/register.csv", only(OFFICERS)),
    ("POST", "/api/v1/coops/{slug}/register/import", only(KEEPERS)),
    ("GET", "/api/v1/coops/{slug}/register/imports/{job_id}", only(KEEPERS)),
    ("GET", "/api/v1/coops/{slug}/exports/{export_id}", Rule::Requester),
    ("GET", "/api/v1/coops/{slug}/exports/{export_id}/file", Rule::Requester),
    ("POST", "/api/v1/coops/{slug}/members/{member_id}/status", only(KEEPERS)),
    (
        "GET",
        "/api/v1/coops/{slug}/members/{member_id}/history",
        only(OFFICERS),
    ),
    ("PUT", "/api/v1/coops/{slug}/members/{member_id}/profile", only(KEEPERS)),
    // The API: capital.
    ("GET", "/api/v1/coops/{slug}/share-classes", any()),
    ("POST", "/api/v1/coops/{slug}/share-classes", only(MONEY)),
    ("POST", "/api/v1/coops/{slug}/capital/entries", only(MONEY)),
    ("GET", "/api/v1/coops/{slug}/capital", only(OFFICERS)),
    (
        "GET",
        "/api/v1/coops/{slug}/members/{member_id}/capital",
        Rule::Own(OFFICERS, 403),
    ),
    (
        "GET",
        "/api/v1/coops/{slug}/members/{member_id}/capital.csv",
        Rule::Own(OFFICERS, 403),
    ),
    // The API: ballots.
    ("GET", "/api/v1/coops/{slug}/ballots", any()),
    ("POST", "/api/v1/coops/{slug}/ballots", only(KEEPERS)),
    ("GET", "/api/v1/coops/{slug}/ballots/{ballot_id}", any()),
    ("PUT", "/api/v1/coops/{slug}/ballots/{ballot_id}", only(KEEPERS)),
    ("POST", "/api/v1/coops/{slug}/ballots/{ballot_id}/open", only(KEEPERS)),
    ("POST", "/api/v1/coops/{slug}/ballots/{ballot_id}/close", only(KEEPERS)),
    ("POST", "/api/v1/coops/{slug}/ballots/{ballot_id}/cancel", only(KEEPERS)),
    (
        "POST",
        "/api/v1/coops/{slug}/ballots/{ballot_id}/hearing",
        only(KEEPERS),
    ),
    ("POST", "/api/v1/coops/{slug}/ballots/{ballot_id}/votes", any()),
    ("PUT", "/api/v1/coops/{slug}/ballots/{ballot_id}/proxy", any()),
    ("DELETE", "/api/v1/coops/{slug}/ballots/{ballot_id}/proxy", any()),
    (
        "POST",
        "/api/v1/coops/{slug}/ballots/{ballot_id}/meeting-papers",
        only(KEEPERS),
    ),
    ("GET", "/api/v1/coops/{slug}/ballots/{ballot_id}/roll", only(KEEPERS)),
    ("GET", "/api/v1/coops/{slug}/ballots/{ballot_id}/roll-call", any()),
    ("GET", "/api/v1/coops/{slug}/ballots/{ballot_id}/receipts", any()),
    ("POST", "/api/v1/coops/{slug}/ballots/{ballot_id}/receipts/check", any()),
    ("GET", "/api/v1/coops/{slug}/ballots/{ballot_id}/papers.blt", any()),
    ("GET", "/api/v1/coops/{slug}/ballots/{ballot_id}/results.csv", any()),
    // The API: parameters and audit.
    ("GET", "/api/v1/coops/{slug}/parameters", any()),
    ("PUT", "/api/v1/coops/{slug}/parameters", only(BOARD)),
    ("GET", "/api/v1/coops/{slug}/audit", only(ADMIN)),
    ("GET", "/api/v1/coops/{slug}/audit.csv", only(ADMIN)),
    // The API: patronage.
    ("GET", "/api/v1/coops/{slug}/fiscal-years", any()),
    ("POST", "/api/v1/coops/{slug}/fiscal-years", only(MONEY)),
    ("POST", "/api/v1/coops/{slug}/fiscal-years/{year_id}/close", only(MONEY)),
    ("GET", "/api/v1/coops/{slug}/fiscal-years/{year_id}/hours", only(MONEY)),
    ("POST", "/api/v1/coops/{slug}/fiscal-years/{year_id}/hours", only(MONEY)),
    (
        "POST",
        "/api/v1/coops/{slug}/fiscal-years/{year_id}/hours/import",
        only(MONEY),
    ),
    ("GET", "/api/v1/coops/{slug}/members/{member_id}/hours", only(MONEY)),
    ("GET", "/api/v1/coops/{slug}/distributions", only(MONEY_OR_BOARD)),
    ("POST", "/api/v1/coops/{slug}/distributions", only(MONEY)),
    (
        "GET",
        "/api/v1/coops/{slug}/distributions/{distribution_id}",
        only(MONEY_OR_BOARD),
    ),
    (
        "POST",
        "/api/v1/coops/{slug}/distributions/{distribution_id}/propose",
        only(MONEY),
    ),
    (
        "POST",
        "/api/v1/coops/{slug}/distributions/{distribution_id}/return",
        only(MONEY_OR_BOARD),
    ),
    (
        "POST",
        "/api/v1/coops/{slug}/distributions/{distribution_id}/post",
        only(MONEY),
    ),
    (
        "POST",
        "/api/v1/coops/{slug}/distributions/{distribution_id}/reverse",
        only(MONEY),
    ),
    (
        "POST",
        "/api/v1/coops/{slug}/distributions/{distribution_id}/payments",
        only(MONEY),
    ),
    ("GET", "/api/v1/coops/{slug}/rule-set", only(MONEY_OR_BOARD)),
    ("PUT", "/api/v1/coops/{slug}/rule-set", only(MONEY_OR_BOARD)),
    (
        "POST",
        "/api/v1/coops/{slug}/distributions/{distribution_id}/payments/{payment_id}/reverse",
        only(MONEY),
    ),
    (
        "GET",
        "/api/v1/coops/{slug}/retained-patronage/due",
        only(MONEY_OR_BOARD),
    ),
    (
        "POST",
        "/api/v1/coops/{slug}/retained-patronage/redemptions",
        only(MONEY),
    ),
    (
        "POST",
        "/api/v1/coops/{slug}/distributions/{distribution_id}/redemptions/{member_id}/reverse",
        only(MONEY),
    ),
    (
        "GET",
        "/api/v1/coops/{slug}/distributions/{distribution_id}/report.csv",
        only(MONEY_OR_BOARD),
    ),
    (
        "POST",
        "/api/v1/coops/{slug}/distributions/{distribution_id}/notices",
        only(MONEY),
    ),
    (
        "GET",
        "/api/v1/coops/{slug}/distributions/{distribution_id}/notices/{member_id}",
        Rule::Own(MONEY_OR_BOARD, 403),
    ),
    // The API: bylaws.
    ("GET", "/api/v1/coops/{slug}/bylaws", any()),
    ("POST", "/api/v1/coops/{slug}/bylaws/import", only(BOARD)),
    ("GET", "/api/v1/coops/{slug}/bylaws/versions", any()),
    ("GET", "/api/v1/coops/{slug}/bylaws/versions/{number}", any()),
    ("GET", "/api/v1/coops/{slug}/bylaws/versions/{number}/markdown", any()),
    ("GET", "/api/v1/coops/{slug}/bylaws/compare", any()),
    ("GET", "/api/v1/coops/{slug}/bylaws/amendments", any()),
    ("POST", "/api/v1/coops/{slug}/bylaws/amendments", only(KEEPERS)),
    ("GET", "/api/v1/coops/{slug}/bylaws/amendments/{amendment_id}", any()),
    (
        "PUT",
        "/api/v1/coops/{slug}/bylaws/amendments/{amendment_id}",
        only(KEEPERS),
    ),
    (
        "POST",
        "/api/v1/coops/{slug}/bylaws/amendments/{amendment_id}/share",
        only(KEEPERS),
    ),
    (
        "POST",
        "/api/v1/coops/{slug}/bylaws/amendments/{amendment_id}/withdraw",
        only(KEEPERS),
    ),
    (
        "POST",
        "/api/v1/coops/{slug}/bylaws/amendments/{amendment_id}/rebase",
        only(KEEPERS),
    ),
    (
        "POST",
        "/api/v1/coops/{slug}/bylaws/amendments/{amendment_id}/submit",
        only(KEEPERS),
    ),
    (
        "GET",
        "/api/v1/coops/{slug}/bylaws/amendments/{amendment_id}/comments",
        any(),
    ),
    (
        "POST",
        "/api/v1/coops/{slug}/bylaws/amendments/{amendment_id}/comments",
        any(),
    ),
    ("PUT", "/api/v1/coops/{slug}/bylaws/comments/{comment_id}", Rule::Author),
    (
        "POST",
        "/api/v1/coops/{slug}/bylaws/comments/{comment_id}/hide",
        only(KEEPERS),
    ),
    // The API: meetings.
    ("GET", "/api/v1/coops/{slug}/meetings", any()),
    ("POST", "/api/v1/coops/{slug}/meetings", only(KEEPERS)),
    ("GET", "/api/v1/coops/{slug}/meetings/{meeting_id}", any()),
    ("PUT", "/api/v1/coops/{slug}/meetings/{meeting_id}", only(KEEPERS)),
    ("POST", "/api/v1/coops/{slug}/meetings/{meeting_id}/held", only(KEEPERS)),
    (
        "POST",
        "/api/v1/coops/{slug}/meetings/{meeting_id}/cancel",
        only(KEEPERS),
    ),
    (
        "PUT",
        "/api/v1/coops/{slug}/meetings/{meeting_id}/agenda",
        only(KEEPERS),
    ),
    (
        "POST",
        "/api/v1/coops/{slug}/meetings/{meeting_id}/attendance",
        only(KEEPERS),
    ),
    (
        "DELETE",
        "/api/v1/coops/{slug}/meetings/{meeting_id}/attendance/{member_id}",
        only(KEEPERS),
    ),
    (
        "PUT",
        "/api/v1/coops/{slug}/meetings/{meeting_id}/minutes",
        only(KEEPERS),
    ),
    (
        "POST",
        "/api/v1/coops/{slug}/meetings/{meeting_id}/minutes/adopt",
        only(KEEPERS),
    ),
    // Pages: accounts.
    ("GET", "/", Rule::Public),
    ("GET", "/login", Rule::Public),
    ("POST", "/login", Rule::Public),
    ("POST", "/logout", Rule::Public),
    ("POST", "/language", Rule::Public),
    ("GET", "/account", Rule::SignedIn),
    ("POST", "/account/profile", Rule::SignedIn),
    ("POST", "/account/password", Rule::SignedIn),
    ("POST", "/account/logout-everywhere", Rule::SignedIn),
    ("POST", "/account/calendar", Rule::SignedIn),
    ("POST", "/account/email", Rule::SignedIn),
    ("GET", "/calendar/{token}", Rule::Secret),
    ("GET", "/password/forgot", Rule::Public),
    ("POST", "/password/forgot", Rule::Public),
    ("GET", "/password/reset", Rule::Public),
    ("GET", "/invitations/accept", Rule::Public),
    ("POST", "/invitations/accept", Rule::Public),
    ("POST", "/password/reset", Rule::Public),
    ("GET", "/coops/new", Rule::Operator),
    ("POST", "/coops/new", Rule::Operator),
    // Pages: a co-op.
    ("GET", "/c/{slug}", Rule::Home),
    ("GET", "/c/{slug}/notifications", any()),
    ("GET", "/c/{slug}/notices", only(&[Treasurer, Secretary, Board])),
    ("GET", "/c/{slug}/notices/{notice_id}", only(KEEPERS)),
    ("GET", "/c/{slug}/notices/{notice_id}/deliveries.csv", only(KEEPERS)),
    ("POST", "/c/{slug}/notices/{notice_id}/resend", only(KEEPERS)),
    ("GET", "/c/{slug}/setup", only(OFFICERS)),
    ("POST", "/c/{slug}/setup/invitations", only(ADMIN)),
    ("GET", "/c/{slug}/parameters", any()),
    ("POST", "/c/{slug}/parameters", only(BOARD)),
    ("GET", "/c/{slug}/members", only(OFFICERS)),
    ("POST", "/c/{slug}/members/invite", only(ADMIN)),
    ("POST", "/c/{slug}/members/{member_id}/roles", only(ADMIN)),
    ("GET", "/c/{slug}/apply", Rule::Public),
    ("POST", "/c/{slug}/apply", Rule::Public),
    ("GET", "/c/{slug}/apply/confirm", Rule::Public),
    ("POST", "/c/{slug}/apply/confirm", Rule::Public),
    ("GET", "/c/{slug}/register", only(OFFICERS)),
    ("GET", "/c/{slug}/register.csv", only(OFFICERS)),
    ("POST", "/c/{slug}/register/import", only(KEEPERS)),
    ("GET", "/c/{slug}/register/imports/{job_id}", only(KEEPERS)),
    ("GET", "/c/{slug}/exports/{export_id}", Rule::Requester),
    ("GET", "/c/{slug}/exports/{export_id}/file", Rule::Requester),
    ("GET", "/c/{slug}/register/{member_id}", only(OFFICERS)),
    ("POST", "/c/{slug}/register/{member_id}/status", only(KEEPERS)),
    ("POST", "/c/{slug}/register/{member_id}/profile", only(KEEPERS)),
    ("GET", "/c/{slug}/capital", only(OFFICERS)),
    ("POST", "/c/{slug}/capital/classes", only(MONEY)),
    ("POST", "/c/{slug}/capital/holdings", only(MONEY)),
    ("GET", "/c/{slug}/capital/me", Rule::Own(ANY, 403)),
    ("GET", "/c/{slug}/capital/{member_id}", Rule::Own(OFFICERS, 403)),
    // Treasurers record payments and subscriptions, secretaries and the board
    // transfers and redemptions: the form is theirs, the operation decides.
    (
        "POST",
        "/c/{slug}/capital/{member_id}/entries",
        only(&[Treasurer, Secretary, Board]),
    ),
    (
        "GET",
        "/c/{slug}/capital/{member_id}/statement.csv",
        Rule::Own(OFFICERS, 403),
    ),
    // Pages: ballots.
    ("GET", "/c/{slug}/ballots", any()),
    ("POST", "/c/{slug}/ballots", only(KEEPERS)),
    ("GET", "/c/{slug}/ballots/new", only(KEEPERS)),
    ("GET", "/c/{slug}/ballots/{ballot_id}", any()),
    ("GET", "/c/{slug}/ballots/{ballot_id}/edit", only(KEEPERS)),
    ("POST", "/c/{slug}/ballots/{ballot_id}/edit", only(KEEPERS)),
    ("GET", "/c/{slug}/ballots/{ballot_id}/vote", any()),
    ("POST", "/c/{slug}/ballots/{ballot_id}/vote", any()),
    ("POST", "/c/{slug}/ballots/{ballot_id}/proxy", any()),
    ("POST", "/c/{slug}/ballots/{ballot_id}/check", any()),
    ("GET", "/c/{slug}/ballots/{ballot_id}/roll", only(KEEPERS)),
    ("GET", "/c/{slug}/ballots/{ballot_id}/meeting", only(KEEPERS)),
    ("POST", "/c/{slug}/ballots/{ballot_id}/meeting", only(KEEPERS)),
    ("GET", "/c/{slug}/ballots/{ballot_id}/results.csv", any()),
    ("GET", "/c/{slug}/ballots/{ballot_id}/papers.blt", any()),
    ("GET", "/c/{slug}/ballots/{ballot_id}/receipts.txt", any()),
    ("GET", "/c/{slug}/ballots/{ballot_id}/calendar.ics", any()),
    ("POST", "/c/{slug}/ballots/{ballot_id}/{action}", only(KEEPERS)),
    // Pages: audit.
    ("GET", "/c/{slug}/audit", only(ADMIN)),
    ("GET", "/c/{slug}/audit.csv", only(ADMIN)),
    // Pages: patronage.
    ("GET", "/c/{slug}/patronage", any()),
    ("GET", "/c/{slug}/patronage/me", Rule::Own(ANY, 403)),
    ("POST", "/c/{slug}/patronage/years", only(MONEY)),
    ("POST", "/c/{slug}/patronage/rules", only(MONEY_OR_BOARD)),
    ("GET", "/c/{slug}/patronage/retained", only(MONEY_OR_BOARD)),
    ("POST", "/c/{slug}/patronage/retained/redeem", only(MONEY)),
    ("GET", "/c/{slug}/patronage/years/{year_id}", only(MONEY)),
    ("POST", "/c/{slug}/patronage/years/{year_id}/hours", only(MONEY)),
    ("POST", "/c/{slug}/patronage/years/{year_id}/import", only(MONEY)),
    ("POST", "/c/{slug}/patronage/years/{year_id}/close", only(MONEY)),
    ("POST", "/c/{slug}/patronage/distributions", only(MONEY)),
    (
        "GET",
        "/c/{slug}/patronage/distributions/{distribution_id}",
        only(MONEY_OR_BOARD),
    ),
    (
        "GET",
        "/c/{slug}/patronage/distributions/{distribution_id}/print",
        only(MONEY_OR_BOARD),
    ),
    (
        "GET",
        "/c/{slug}/patronage/distributions/{distribution_id}/report.csv",
        only(MONEY_OR_BOARD),
    ),
    // A member's own notice exists once the distribution is posted; the demo's is a
    // draft, which only those who keep or approve it see.
    (
        "GET",
        "/c/{slug}/patronage/distributions/{distribution_id}/notice",
        Rule::Own(MONEY_OR_BOARD, 404),
    ),
    (
        "GET",
        "/c/{slug}/patronage/distributions/{distribution_id}/notice/{member_id}",
        only(MONEY_OR_BOARD),
    ),
    (
        "POST",
        "/c/{slug}/patronage/distributions/{distribution_id}/{action}",
        only(MONEY),
    ),
    // Pages: bylaws.
    ("GET", "/c/{slug}/bylaws", any()),
    ("POST", "/c/{slug}/bylaws/import", only(BOARD)),
    ("GET", "/c/{slug}/bylaws/versions", any()),
    ("GET", "/c/{slug}/bylaws/versions/{number}", any()),
    ("GET", "/c/{slug}/bylaws/versions/{number}/markdown", any()),
    ("GET", "/c/{slug}/bylaws/compare", any()),
    ("GET", "/c/{slug}/bylaws/amendments", any()),
    ("POST", "/c/{slug}/bylaws/amendments", only(KEEPERS)),
    ("GET", "/c/{slug}/bylaws/amendments/new", only(KEEPERS)),
    ("GET", "/c/{slug}/bylaws/amendments/{amendment_id}", any()),
    ("POST", "/c/{slug}/bylaws/amendments/{amendment_id}", only(KEEPERS)),
    ("GET", "/c/{slug}/bylaws/amendments/{amendment_id}/edit", only(KEEPERS)),
    ("POST", "/c/{slug}/bylaws/amendments/{amendment_id}/comments", any()),
    (
        "POST",
        "/c/{slug}/bylaws/amendments/{amendment_id}/{action}",
        only(KEEPERS),
    ),
    ("POST", "/c/{slug}/bylaws/comments/{comment_id}/hide", only(KEEPERS)),
    // Pages: meetings.
    ("GET", "/c/{slug}/meetings", any()),
    ("POST", "/c/{slug}/meetings", only(KEEPERS)),
    ("GET", "/c/{slug}/meetings/{meeting_id}", any()),
    ("GET", "/c/{slug}/meetings/{meeting_id}/print", any()),
    ("GET", "/c/{slug}/meetings/{meeting_id}/calendar.ics", any()),
    ("POST", "/c/{slug}/meetings/{meeting_id}/{action}", only(KEEPERS)),
];

/// The `{action}` a test sends to routes that take one, and the query of routes that
/// need one to do anything.
fn action_and_query(path: &str) -> (&'static str, &'static str) {
    match path {
        p if p.starts_with("/c/{slug}/ballots/") => ("open", ""),
        p if p.starts_with("/c/{slug}/bylaws/amendments/") => ("share", ""),
        p if p.starts_with("/c/{slug}/meetings/") => ("held", ""),
        p if p.starts_with("/c/{slug}/patronage/distributions/") => ("propose", ""),
        p if p.ends_with("/bylaws/compare") => ("", "?from=1&to=1"),
        "/password/reset" | "/c/{slug}/apply/confirm" | "/invitations/accept" => ("", "?token=not-a-real-link"),
        _ => ("", ""),
    }
}

/// The fields a page form sends beside its CSRF token, so that an allowed caller gets
/// past the form to the use case.
fn form_fields(route: &str, ids: &Ids) -> Vec<(&'static str, String)> {
    match route {
        "/login" => vec![("email", "member@demo.coop".into()), ("password", DEMO_PASSWORD.into())],
        "/c/{slug}/bylaws/comments/{comment_id}/hide" => {
            vec![
                ("amendment", ids.0["comment_amendment"].clone()),
                ("reason", "Off topic".into()),
            ]
        }
        "/c/{slug}/patronage/distributions" => {
            vec![
                ("fiscal_year_id", ids.0["year_id"].clone()),
                ("surplus", "1000.00".into()),
            ]
        }
        _ => Vec::new(),
    }
}

/// Routes an allowed caller may find nothing at (404), because the demo has nothing
/// for them to act on.
const NOTHING_IN_THE_DEMO: &[&str] =
    &["/api/v1/coops/{slug}/distributions/{distribution_id}/redemptions/{member_id}/reverse"];

/// Routes whose effect would end the matrix's own sessions: they run last.
fn ends_sessions(path: &str) -> bool {
    path.ends_with("logout-everywhere")
}

/// Every route the server registers, as (method, full path), read from the source
/// files that register them (`resource("…")` followed by `.route(web::METHOD()…)`).
/// Inside `server.rs`, resources between `web::scope("/api/v1")` and the scope's
/// default service are under `/api/v1`, and so is every resource in an `api.rs`.
fn registered_routes() -> BTreeSet<(String, String)> {
    let root = std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("src");
    let mut files = Vec::new();
    let mut dirs = vec![root];
    while let Some(dir) = dirs.pop() {
        for entry in std::fs::read_dir(dir).unwrap().flatten() {
            let path = entry.path();
            if path.is_dir() {
                dirs.push(path);
            } else if path.extension().is_some_and(|e| e == "rs") {
                files.push(path);
            }
        }
    }
    let mut routes = BTreeSet::new();
    for file in files {
        let text = std::fs::read_to_string(&file).unwrap();
        assert!(
            !text.contains(".route(\"") && !text.contains("web::scope(\"/") || text.contains("web::scope(\"/api/v1\")"),
            "{}: routes must be registered with resource(\"…\") for the matrix to see them",
            file.display()
        );
        let api_file = file.file_name().is_some_and(|n| n == "api.rs");
        let scope = text.find("web::scope(\"/api/v1\")").map(|start| {
            let end = start
                + text[start..]
                    .find(".default_service(")
                    .expect("the API scope's default service");
            start..end
        });
        let starts: Vec<usize> = text.match_indices("resource(\"").map(|(i, _)| i).collect();
        for (n, &start) in starts.iter().enumerate() {
            let open = start + "resource(\"".len();
            let path = &text[open..open + text[open..].find('"').unwrap()];
            let end = starts.get(n + 1).copied().unwrap_or(text.len());
            // The chain of this resource ends at the next resource or at the end of
            // the statement.
            let chain = &text[open..end];
            let chain = &chain[..chain.find(";\n").unwrap_or(chain.len())];
            let in_api = api_file || scope.as_ref().is_some_and(|s| s.contains(&start));
            let full = if in_api {
                format!("/api/v1{path}")
            } else {
                path.to_string()
            };
            let mut any = false;
            for method in ["get", "post", "put", "delete", "patch"] {
                if chain.contains(&format!("web::{method}()")) {
                    routes.insert((method.to_uppercase(), full.clone()));
                    any = true;
                }
            }
            assert!(any, "{}: no method found for {full}", file.display());
        }
    }
    routes
}

#[test]
fn every_registered_route_has_an_expected_outcome_and_no_other() {
    let registered = registered_routes();
    let expected: BTreeSet<(String, String)> = EXPECTED
        .iter()
        .map(|(m, p, _)| (m.to_string(), p.to_string()))
        .collect();
    assert_eq!(expected.len(), EXPECTED.len(), "a route is listed twice");
    let missing: Vec<_> = registered.difference(&expected).collect();
    let stale: Vec<_> = expected.difference(&registered).collect();
    assert!(missing.is_empty(), "routes without an expected outcome: {missing:?}");
    assert!(
        stale.is_empty(),
        "expected outcomes of routes that do not exist: {stale:?}"
    );
    // The API routes of the table are exactly those the OpenAPI document describes.
    let documented: BTreeSet<(String, String)> =
        openapi_paths(&serde_json::to_value(<concord::server::ApiDoc as utoipa::OpenApi>::openapi()).unwrap());
    let api: BTreeSet<(String, String)> = registered
        .iter()
        .filter(|(_, p)| p.starts_with("/api/v1/"))
        .cloned()
        .collect();
    assert_eq!(
        api.difference(&documented).collect::<Vec<_>>(),
        Vec::<&(String, String)>::new(),
        "API routes missing from the OpenAPI document"
    );
}

fn openapi_paths(doc: &Value) -> BTreeSet<(String, String)> {
    doc["paths"]
        .as_object()
        .unwrap()
        .iter()
        .flat_map(|(path, item)| {
            item.as_object()
                .unwrap()
                .keys()
                .filter(|k| ["get", "post", "put", "delete", "patch"].contains(&k.as_str()))
                .map(move |method| (method.to_uppercase(), path.clone()))
        })
        .collect()
}

/// The kinds of caller.
#[derive(Debug, Clone, Copy, PartialEq)]
enum Who {
    Anonymous,
    Operator,
    /// A member of the demo co-op holding this one role.
    Demo(Role),
    /// A member of another co-op holding this one role there.
    Rival(Role),
    /// Someone on the demo co-op's register with this status (not `Member`: those are
    /// [`Who::Demo`]), holding this role as stored.
    Standing(Status, Role),
    /// Someone on the other co-op's register with this status and role.
    RivalStanding(Status, Role),
}

impl Who {
    fn email(self) -> Option<String> {
        match self {
            Who::Anonymous => None,
            Who::Operator => Some("operator@demo.coop".into()),
            Who::Demo(role) => Some(format!("{role}@demo.coop")),
            Who::Rival(role) => Some(format!("{role}@rival.coop")),
            Who::Standing(status, role) => Some(format!("{}-{role}@demo.coop", status.row().0)),
            Who::RivalStanding(status, role) => Some(format!("{}-{role}@rival.coop", status.row().0)),
        }
    }
}

/// A caller's credentials for the API and the pages.
struct Credentials {
    token: Option<String>,
    session: Option<String>,
    /// The CSRF token of the session's forms (tokens are bound to the session).
    csrf: Option<String>,
}

/// The CSRF cookie every page request carries (the token is derived from it).
const CSRF_COOKIE: &str = "0123456789abcdef0123456789abcdef0123456789abcdef0123456789abcdef";

/// The ids of real things in the demo co-op, for the paths' parameters.
struct Ids(BTreeMap<&'static str, String>);

async fn one(app: &TestApp, query: &str) -> String {
    let rows = app.sql(&format!("SELECT id::text FROM ({query}) q")).await;
    let row = rows.first().unwrap_or_else(|| panic!("nothing for {query}"));
    row.get(0)
}

impl Ids {
    async fn of(app: &TestApp) -> Ids {
        let mut ids = BTreeMap::new();
        ids.insert("slug", "demo".to_string());
        ids.insert(
            "ballot_id",
            one(
                app,
                "SELECT id FROM ballots WHERE status = 'open' ORDER BY title LIMIT 1",
            )
            .await,
        );
        ids.insert(
            "member_id",
            one(
                app,
                "SELECT m.id FROM members m JOIN users u ON u.id = m.user_id WHERE u.email = 'marie@demo.coop'",
            )
            .await,
        );
        ids.insert("year_id", one(app, "SELECT id FROM fiscal_years LIMIT 1").await);
        ids.insert(
            "distribution_id",
            one(app, "SELECT id FROM distributions LIMIT 1").await,
        );
        ids.insert("payment_id", uuid::Uuid::new_v4().to_string());
        ids.insert(
            "amendment_id",
            one(app, "SELECT id FROM bylaw_amendments ORDER BY created_at DESC LIMIT 1").await,
        );
        ids.insert(
            "comment_id",
            one(app, "SELECT id FROM bylaw_comments ORDER BY id LIMIT 1").await,
        );
        ids.insert(
            "comment_amendment",
            one(app, "SELECT amendment_id AS id FROM bylaw_comments ORDER BY id LIMIT 1").await,
        );
        ids.insert("class_id", one(app, "SELECT id FROM share_classes LIMIT 1").await);
        ids.insert(
            "meeting_id",
            one(app, "SELECT id FROM meetings ORDER BY starts_at LIMIT 1").await,
        );
        // A call to vote of the open ballot, as its opening queues one.
        let notice = app
            .sql(&format!(
                "INSERT INTO notices (id, coop_id, kind, subject_id)
                 SELECT gen_random_uuid(), coop_id, 'ballot_opening', id FROM ballots WHERE id = '{}'
                 RETURNING id::text",
                ids["ballot_id"]
            ))
            .await;
        ids.insert("notice_id", notice[0].get(0));
        // A large register import, done.
        let job = app
            .sql(
                "INSERT INTO jobs (id, coop_id, kind, status, result)
                 SELECT gen_random_uuid(), id, 'register_import', 'done', '{\"imported\": 3}' FROM coops WHERE slug = 'demo'
                 RETURNING id::text",
            )
            .await;
        ids.insert("job_id", job[0].get(0));
        // The secretary's export of the register, written.
        let export = app
            .sql(
                "WITH job AS (
                   INSERT INTO jobs (id, coop_id, kind, status, created_by, result)
                   SELECT gen_random_uuid(), c.id, 'export_register', 'done', u.id, '{\"filename\": \"demo-register.csv\"}'
                     FROM coops c, users u WHERE c.slug = 'demo' AND u.email = 'secretary@demo.coop'
                   RETURNING id, coop_id)
                 INSERT INTO export_files (job_id, coop_id, filename, content, expires_at)
                 SELECT id, coop_id, 'demo-register.csv', 'number\n', now() + interval '1 day' FROM job
                 RETURNING job_id::text",
            )
            .await;
        ids.insert("export_id", export[0].get(0));
        let number: i32 = app.sql("SELECT max(number) FROM bylaw_versions").await[0].get(0);
        ids.insert("number", number.to_string());
        ids.insert("token", "not-a-feed".into());
        ids.insert("file:.*", "style.css".into());
        Ids(ids)
    }

    fn fill(&self, path: &str) -> String {
        let (action, query) = action_and_query(path);
        let mut out = path.to_string();
        for (name, value) in &self.0 {
            out = out.replace(&format!("{{{name}}}"), value);
        }
        out = out.replace("{action}", action);
        assert!(!out.contains('{'), "unfilled parameter in {out}");
        format!("{out}{query}")
    }
}

/// A body that deserialises for an API route, built from its OpenAPI request schema
/// (ids named like the demo's things are theirs).
fn api_body(doc: &Value, method: &str, path: &str, ids: &Ids) -> Option<(String, Vec<u8>)> {
    if path == "/api/v1/auth/token" {
        let body = json!({"email": "member@demo.coop", "password": DEMO_PASSWORD});
        return Some(("application/json".into(), serde_json::to_vec(&body).unwrap()));
    }
    let operation = &doc["paths"][path][method.to_lowercase()];
    let content = operation["requestBody"]["content"].as_object()?;
    let (kind, media) = content.iter().next()?;
    if kind == "application/json" {
        let body = example(doc, &media["schema"], "", ids);
        Some((kind.clone(), serde_json::to_vec(&body).unwrap()))
    } else {
        Some((kind.clone(), b"email\n".to_vec()))
    }
}

/// The smallest value a JSON schema accepts: required properties only, the first
/// variant, enum value or format-shaped string.
fn example(doc: &Value, schema: &Value, field: &str, ids: &Ids) -> Value {
    if let Some(reference) = schema["$ref"].as_str() {
        let name = reference.rsplit('/').next().unwrap();
        return example(doc, &doc["components"]["schemas"][name], field, ids);
    }
    for key in ["oneOf", "anyOf", "allOf"] {
        if let Some(variants) = schema[key].as_array() {
            if key == "allOf" {
                let mut merged = serde_json::Map::new();
                for variant in variants {
                    if let Value::Object(fields) = example(doc, variant, field, ids) {
                        merged.extend(fields);
                    }
                }
                return Value::Object(merged);
            }
            let chosen = variants.iter().find(|v| v["type"] != "null").unwrap_or(&variants[0]);
            return example(doc, chosen, field, ids);
        }
    }
    if let Some(values) = schema["enum"].as_array() {
        return values[0].clone();
    }
    let kind = match &schema["type"] {
        Value::Array(kinds) => kinds.iter().find(|k| *k != "null").cloned().unwrap_or(Value::Null),
        other => other.clone(),
    };
    match kind
        .as_str()
        .unwrap_or(if schema["properties"].is_object() { "object" } else { "" })
    {
        "object" => {
            let required: Vec<&str> = schema["required"]
                .as_array()
                .map(|r| r.iter().filter_map(Value::as_str).collect())
                .unwrap_or_default();
            let mut fields = serde_json::Map::new();
            if let Some(properties) = schema["properties"].as_object() {
                for (name, property) in properties {
                    if required.contains(&name.as_str()) {
                        fields.insert(name.clone(), example(doc, property, name, ids));
                    }
                }
            }
            Value::Object(fields)
        }
        "array" => json!([]),
        "integer" => json!(1),
        "number" => json!(1),
        "boolean" => json!(false),
        "string" => match schema["format"].as_str() {
            Some("uuid") => match field {
                "member_id" | "holder_id" => json!(ids.0["member_id"]),
                "class_id" => json!(ids.0["class_id"]),
                "fiscal_year_id" | "year_id" => json!(ids.0["year_id"]),
                _ => json!(uuid::Uuid::nil()),
            },
            Some("date") => json!("2026-06-30"),
            Some("date-time") => json!("2026-06-30T12:00:00Z"),
            _ => json!("1"),
        },
        _ => Value::Null,
    }
}

/// What one cell answered.
struct Answer {
    status: u16,
    location: String,
}

struct Cell {
    method: &'static str,
    route: &'static str,
    who: Who,
}

struct Matrix<'a> {
    app: &'a TestApp,
    client: reqwest::Client,
    credentials: BTreeMap<String, Credentials>,
    csrf: String,
    ids: Ids,
    doc: Value,
}

impl Matrix<'_> {
    async fn send(&self, cell: &Cell) -> Answer {
        let credentials = cell.who.email().map(|e| &self.credentials[&e]);
        self.send_as(cell, credentials).await
    }

    async fn send_as(&self, cell: &Cell, credentials: Option<&Credentials>) -> Answer {
        let url = self.app.at(&self.ids.fill(cell.route));
        let method = Method::from_bytes(cell.method.as_bytes()).unwrap();
        let mut request = self.client.request(method.clone(), url);
        if cell.route.starts_with("/api/") {
            if let Some(token) = credentials.and_then(|c| c.token.as_ref()) {
                request = request.bearer_auth(token);
            }
            if let Some((kind, body)) = api_body(&self.doc, cell.method, cell.route, &self.ids) {
                request = request.header("content-type", kind).body(body);
            }
        } else {
            let mut cookie = format!("concord_csrf={CSRF_COOKIE}");
            if let Some(session) = credentials.and_then(|c| c.session.as_ref()) {
                cookie.push_str(&format!("; concord_session={session}"));
            }
            request = request.header("cookie", cookie);
            if method == Method::POST {
                let csrf = credentials.and_then(|c| c.csrf.clone());
                let mut fields = vec![("csrf", csrf.unwrap_or_else(|| self.csrf.clone()))];
                fields.extend(form_fields(cell.route, &self.ids));
                request = request.form(&fields);
            }
        }
        let response = request.send().await.unwrap();
        Answer {
            status: response.status().as_u16(),
            location: response
                .headers()
                .get("location")
                .map(|l| l.to_str().unwrap().to_string())
                .unwrap_or_default(),
        }
    }

    /// Whether an answer is what the table expects; the reason if not.
    fn judge(&self, cell: &Cell, answer: &Answer) -> Result<(), String> {
        let page = !cell.route.starts_with("/api/");
        let to_login = answer.status == 303 && answer.location.starts_with("/login?next=");
        let allowed = || {
            let nothing = answer.status == 404 && NOTHING_IN_THE_DEMO.contains(&cell.route);
            if !nothing && matches!(answer.status, 401 | 403 | 404 | 405) || answer.status >= 500 || to_login {
                Err(format!("expected allowed, got {} {}", answer.status, answer.location))
            } else {
                Ok(())
            }
        };
        let refused = |status: u16| {
            let ok = if page && status == 401 {
                to_login
            } else {
                answer.status == status
            };
            if ok {
                Ok(())
            } else {
                Err(format!("expected {status}, got {} {}", answer.status, answer.location))
            }
        };
        let rule = EXPECTED
            .iter()
            .find(|(m, p, _)| *m == cell.method && *p == cell.route)
            .unwrap()
            .2;
        match (rule, cell.who) {
            (Rule::Public, _) => allowed(),
            (Rule::Secret, _) => refused(404),
            (_, Who::Anonymous) => refused(401),
            (Rule::SignedIn, _) => allowed(),
            (Rule::Operator, Who::Operator) => allowed(),
            (Rule::Operator, _) => refused(403),
            (_, Who::Operator | Who::Rival(_) | Who::RivalStanding(..)) => refused(404),
            (Rule::Author, Who::Demo(Member)) => allowed(),
            (Rule::Author, _) => refused(403),
            (Rule::Requester, Who::Demo(Secretary)) => allowed(),
            // Those who do not belong to the co-op are refused as on every co-op route.
            (Rule::Requester, Who::Standing(status, _)) if !status.row().1 => refused(403),
            (Rule::Requester, _) => refused(404),
            (rule, Who::Demo(role)) => match expected_on_register(rule, Status::Member, role) {
                None => allowed(),
                Some(status) => refused(status),
            },
            (rule, Who::Standing(status, role)) => match expected_on_register(rule, status, role) {
                None => allowed(),
                Some(status) => refused(status),
            },
        }
    }
}

/// What a route of a co-op answers someone on its register with `status` holding
/// `role` as stored: `None` when allowed, the refusal's status otherwise. Derived from
/// [`REGISTER`]: offices count only for full members (the others are plain members);
/// those who do not belong keep their own records if the table says so, and the home
/// page; anything else is 403 (they are on the register: the co-op is no secret).
fn expected_on_register(rule: Rule, status: Status, role: Role) -> Option<u16> {
    let (_, belongs, office, own) = status.row();
    let role = if office { role } else { Member };
    let by_roles = |roles: &[Role], refusal: u16| (!roles.contains(&role)).then_some(refusal);
    match rule {
        Rule::Home => None,
        Rule::Coop(roles, refusal) | Rule::Own(roles, refusal) if belongs => by_roles(roles, refusal),
        Rule::Own(roles, refusal) if own => by_roles(roles, refusal),
        _ => Some(403),
    }
}

/// Puts someone on a co-op's register with `status` and the stored roles `member` and
/// `role`, as the register would hold them after the transitions to that status (the
/// offices stored, as an old register or a missed update could leave them).
async fn on_register(
    conn: &mut diesel_async::AsyncPgConnection,
    coop: &concord::coops::store::Coop,
    email: &str,
    status: Status,
    role: Role,
) {
    use concord::membership::lifecycle::{MemberState, MemberStatus, PriorStatus};
    let (coop_id, today) = (coop.id, coop.today());
    let long_ago = today - chrono::Days::new(400);
    let lately = today - chrono::Days::new(10);
    let user = concord::auth::service::create_user(conn, email, email, "en", DEMO_PASSWORD, false)
        .await
        .unwrap();
    let member =
        concord::membership::service::add_member_directly(conn, coop, user.id, &RoleSet::new([role]), None, "matrix")
            .await
            .unwrap();
    let was = |status| {
        Some(PriorStatus {
            status,
            since: long_ago,
        })
    };
    let state = match status {
        Status::Applicant => MemberState::applicant(lately),
        Status::Candidate => MemberState {
            status: MemberStatus::Candidate,
            since: lately,
            probation_until: Some(today + chrono::Days::new(100)),
            previous: was(MemberStatus::Applicant),
            ..MemberState::applicant(long_ago)
        },
        Status::Admitted => MemberState {
            status: MemberStatus::Admitted,
            since: lately,
            admitted_on: Some(lately),
            previous: was(MemberStatus::Applicant),
            ..MemberState::applicant(long_ago)
        },
        Status::Member => MemberState::member_from(long_ago, "matrix"),
        Status::OnLeave | Status::Resigned | Status::Expelled => MemberState {
            status: match status {
                Status::OnLeave => MemberStatus::OnLeave,
                Status::Resigned => MemberStatus::Resigned,
                _ => MemberStatus::Expelled,
            },
            since: lately,
            previous: was(MemberStatus::Member),
            ..MemberState::member_from(long_ago, "matrix")
        },
        Status::Rejected => MemberState {
            status: MemberStatus::Rejected,
            since: lately,
            previous: was(MemberStatus::Applicant),
            ..MemberState::applicant(long_ago)
        },
    };
    use concord::db::schema::members;
    use diesel::prelude::*;
    use diesel_async::RunQueryDsl;
    diesel::update(
        members::table
            .filter(members::coop_id.eq(coop_id))
            .filter(members::id.eq(member)),
    )
    .set((
        members::state.eq(serde_json::to_value(&state).unwrap()),
        members::status.eq(state.status.name()),
    ))
    .execute(conn)
    .await
    .unwrap();
}

/// The statuses besides `Member` that the matrix's callers hold, each with each role.
fn standing_callers(rival: bool) -> Vec<Who> {
    REGISTER
        .iter()
        .filter(|r| r.0 != Status::Member)
        .flat_map(|r| {
            Role::ALL.map(move |role| {
                if rival {
                    Who::RivalStanding(r.0, role)
                } else {
                    Who::Standing(r.0, role)
                }
            })
        })
        .collect()
}

async fn registers(app: &TestApp) {
    let pool = concord::db::pool(&app.database_url(), 1).unwrap();
    let mut conn = concord::db::conn(&pool).await.unwrap();
    for (slug, rival) in [("demo", false), ("rival", true)] {
        let coop = concord::coops::store::by_slug(&mut conn, slug).await.unwrap().unwrap();
        for who in standing_callers(rival) {
            let (Who::Standing(status, role) | Who::RivalStanding(status, role)) = who else {
                unreachable!()
            };
            on_register(&mut conn, &coop, &who.email().unwrap(), status, role).await;
        }
    }
}

async fn rival_coop(app: &TestApp) {
    let pool = concord::db::pool(&app.database_url(), 1).unwrap();
    let mut conn = concord::db::conn(&pool).await.unwrap();
    let coop = concord::coops::service::create(
        &mut conn,
        None,
        concord::coops::rules::NewCoop {
            slug: "rival".into(),
            name: "Rival Co-op".into(),
            currency: "EUR".into(),
            locale: "en".into(),
            time_zone: "Europe/Paris".into(),
            preset: None,
        },
        None,
    )
    .await
    .unwrap();
    for role in Role::ALL {
        let user = concord::auth::service::create_user(
            &mut conn,
            &format!("{role}@rival.coop"),
            &format!("Rival {role}"),
            "en",
            DEMO_PASSWORD,
            false,
        )
        .await
        .unwrap();
        concord::membership::service::add_member_directly(
            &mut conn,
            &coop,
            user.id,
            &RoleSet::new([role]),
            None,
            "rival founder",
        )
        .await
        .unwrap();
    }
}

async fn session_of(app: &TestApp, csrf: &str, email: &str) -> String {
    let response = app
        .client()
        .post(app.at("/login"))
        .header("cookie", format!("concord_csrf={CSRF_COOKIE}"))
        .form(&[("csrf", csrf), ("email", email), ("password", DEMO_PASSWORD)])
        .send()
        .await
        .unwrap();
    assert_eq!(response.status(), 303, "{email} logs in");
    let session = response
        .cookies()
        .find(|c| c.name() == "concord_session")
        .unwrap()
        .value()
        .to_string();
    session
}

/// The CSRF token of a signed-in session's forms, read from its account page.
async fn csrf_of_session(app: &TestApp, session: &str) -> String {
    let page = app
        .client()
        .get(app.at("/account"))
        .header(
            "cookie",
            format!("concord_csrf={CSRF_COOKIE}; concord_session={session}"),
        )
        .send()
        .await
        .unwrap()
        .text()
        .await
        .unwrap();
    crate::common::csrf_of(&page)
}

#[tokio::test]
async fn every_route_answers_every_caller_as_the_table_says() {
    let app = TestApp::spawn(Options {
        settings: Box::new(|s| {
            s.throttle.per_ip_burst = 100_000;
            s.throttle.per_account_burst = 10_000;
        }),
        ..Options::default()
    })
    .await;
    // Each demo login holds one role alone (the demo admin is also on the board).
    app.exec("UPDATE members SET roles = '{member,admin}' FROM users u WHERE u.id = members.user_id AND u.email = 'admin@demo.coop'")
        .await;
    rival_coop(&app).await;
    registers(&app).await;
    let login = app
        .client()
        .get(app.at("/login"))
        .header("cookie", format!("concord_csrf={CSRF_COOKIE}"))
        .send()
        .await
        .unwrap()
        .text()
        .await
        .unwrap();
    let csrf = crate::common::csrf_of(&login);
    let mut callers = vec![Who::Anonymous, Who::Operator];
    callers.extend(Role::ALL.map(Who::Demo));
    callers.extend(Role::ALL.map(Who::Rival));
    callers.extend(standing_callers(false));
    callers.extend(standing_callers(true));
    let mut credentials = BTreeMap::new();
    for who in &callers {
        if let Some(email) = who.email() {
            let token = app.demo_token(&email).await;
            let session = session_of(&app, &csrf, &email).await;
            credentials.insert(
                email,
                Credentials {
                    token: Some(token),
                    csrf: Some(csrf_of_session(&app, &session).await),
                    session: Some(session),
                },
            );
        }
    }
    let matrix = Matrix {
        app: &app,
        client: reqwest::Client::builder()
            .redirect(reqwest::redirect::Policy::none())
            .build()
            .unwrap(),
        credentials,
        csrf,
        ids: Ids::of(&app).await,
        doc: serde_json::to_value(<concord::server::ApiDoc as utoipa::OpenApi>::openapi()).unwrap(),
    };
    let cells = |filter: &dyn Fn(&str, &str) -> bool| -> Vec<Cell> {
        EXPECTED
            .iter()
            .filter(|(m, p, _)| filter(m, p))
            .flat_map(|(method, route, _)| {
                callers.iter().map(|who| Cell {
                    method,
                    route,
                    who: *who,
                })
            })
            .collect()
    };
    let mut failures = Vec::new();
    let mut judge = |cell: &Cell, answer: Answer| {
        if let Err(why) = matrix.judge(cell, &answer) {
            failures.push(format!("{} {} as {:?}: {why}", cell.method, cell.route, cell.who));
        }
    };
    // Reads first, all at once.
    let reads = cells(&|m, _| m == "GET");
    let answers: Vec<Answer> = stream::iter(&reads)
        .map(|c| matrix.send(c))
        .buffered(16)
        .collect()
        .await;
    let count = reads.len();
    for (cell, answer) in reads.iter().zip(answers) {
        judge(cell, answer);
    }
    // A body of the wrong shape does not change a stranger's refusal: anonymous callers
    // get 401 and non-members 404 before the body is read. A member without the role
    // may learn that the body does not fit the route's published schema (400, 415 or
    // 422) before the 403: the order is sign-in, membership, the body's shape, the
    // role, then the data (decision 0012).
    let mut bad_bodies = 0;
    for (method, route, _) in EXPECTED
        .iter()
        .filter(|(m, p, _)| p.starts_with("/api/") && api_body(&matrix.doc, m, p, &matrix.ids).is_some())
    {
        for who in &callers {
            let cell = Cell {
                method,
                route,
                who: *who,
            };
            let refusal = matrix.judge(
                &cell,
                &Answer {
                    status: 200,
                    location: String::new(),
                },
            );
            if refusal.is_ok() {
                continue;
            }
            bad_bodies += 1;
            let credentials = who.email().map(|e| &matrix.credentials[&e]);
            let mut request = matrix
                .client
                .request(
                    Method::from_bytes(method.as_bytes()).unwrap(),
                    app.at(&matrix.ids.fill(route)),
                )
                .header("content-type", "application/json")
                .body("\"not the body this route takes\"");
            if let Some(token) = credentials.and_then(|c| c.token.as_ref()) {
                request = request.bearer_auth(token);
            }
            let response = request.send().await.unwrap();
            let status = response.status().as_u16();
            let role_refusal = !matches!(who, Who::Anonymous)
                && matrix
                    .judge(
                        &cell,
                        &Answer {
                            status: 403,
                            location: String::new(),
                        },
                    )
                    .is_ok();
            let status = if role_refusal && matches!(status, 400 | 415 | 422) {
                403
            } else {
                status
            };
            judge(
                &cell,
                Answer {
                    status,
                    location: String::new(),
                },
            );
        }
    }
    assert!(bad_bodies > 100, "{bad_bodies} refusals with a bad body");
    // Then changes, one route at a time: refused callers at once, allowed ones in turn
    // (so an allowed change cannot hide another's refusal).
    let mut writes = 0;
    for last in [false, true] {
        for (method, route, _) in EXPECTED
            .iter()
            .filter(|(m, p, _)| *m != "GET" && ends_sessions(p) == last)
        {
            let row = cells(&|m, p| m == *method && p == *route);
            writes += row.len();
            for cell in row {
                let answer = match cell.who.email() {
                    // Each cell that ends sessions gets fresh ones.
                    Some(email) if last => {
                        let session = session_of(&app, &matrix.csrf, &email).await;
                        let fresh = Credentials {
                            token: Some(app.demo_token(&email).await),
                            csrf: Some(csrf_of_session(&app, &session).await),
                            session: Some(session),
                        };
                        matrix.send_as(&cell, Some(&fresh)).await
                    }
                    _ => matrix.send(&cell).await,
                };
                judge(&cell, answer);
            }
        }
    }
    // The matrix's size, for docs/security.md (`-- --nocapture` shows it).
    println!(
        "authorisation matrix: {} routes × {} callers: {} requests with valid bodies, {bad_bodies} with bad ones",
        EXPECTED.len(),
        callers.len(),
        count + writes
    );
    assert!(
        failures.is_empty(),
        "{} cells of {} differ:\n{}",
        failures.len(),
        count + writes,
        failures.join("\n")
    );
}

/// A caller the table allows on a route, if any.
fn allowed_caller(rule: Rule) -> Option<Who> {
    match rule {
        Rule::Public | Rule::Secret => Some(Who::Anonymous),
        Rule::SignedIn => Some(Who::Demo(Member)),
        Rule::Operator => Some(Who::Operator),
        Rule::Coop(roles, _) | Rule::Own(roles, _) => roles.first().map(|r| Who::Demo(*r)),
        Rule::Home | Rule::Author => Some(Who::Demo(Member)),
        Rule::Requester => Some(Who::Demo(Secretary)),
    }
}

#[tokio::test]
async fn every_form_refuses_a_missing_or_wrong_csrf_token() {
    let app = TestApp::demo().await;
    let login = app
        .client()
        .get(app.at("/login"))
        .header("cookie", format!("concord_csrf={CSRF_COOKIE}"))
        .send()
        .await
        .unwrap()
        .text()
        .await
        .unwrap();
    let good = crate::common::csrf_of(&login);
    let forged = format!("{}{}", &good[..63], if good.ends_with('0') { '1' } else { '0' });
    let mut credentials = BTreeMap::new();
    let ids = Ids::of(&app).await;
    let client = reqwest::Client::builder()
        .redirect(reqwest::redirect::Policy::none())
        .build()
        .unwrap();
    let mut failures = Vec::new();
    let forms: Vec<_> = EXPECTED
        .iter()
        .filter(|(m, p, _)| *m == "POST" && !p.starts_with("/api/"))
        .collect();
    assert!(forms.len() > 40, "{} forms", forms.len());
    for (_, route, rule) in forms {
        let who = allowed_caller(*rule).unwrap();
        let mut cookie = format!("concord_csrf={CSRF_COOKIE}");
        if let Some(email) = who.email() {
            if !credentials.contains_key(&email) {
                credentials.insert(email.clone(), session_of(&app, &good, &email).await);
            }
            cookie.push_str(&format!("; concord_session={}", credentials[&email]));
        }
        for token in [None, Some(forged.as_str())] {
            let mut fields: Vec<(&str, String)> = form_fields(route, &ids);
            if let Some(token) = token {
                fields.push(("csrf", token.to_string()));
            }
            let response = client
                .post(app.at(&ids.fill(route)))
                .header("cookie", &cookie)
                .form(&fields)
                .send()
                .await
                .unwrap();
            if response.status() != 403 {
                failures.push(format!("{route} with {token:?}: {}", response.status()));
            }
        }
    }
    assert!(failures.is_empty(), "{failures:#?}");
    // And the right token passes (the login form, as an example of the same check).
    let response = client
        .post(app.at("/login"))
        .header("cookie", format!("concord_csrf={CSRF_COOKIE}"))
        .form(&[
            ("csrf", good.as_str()),
            ("email", "member@demo.coop"),
            ("password", DEMO_PASSWORD),
        ])
        .send()
        .await
        .unwrap();
    assert_eq!(response.status(), 303);
}
