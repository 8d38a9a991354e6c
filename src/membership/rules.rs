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
        errors.push(FieldError::new("email", "This is not a valid e-mail address."));
    }
    let name = display_name.trim();
    if name.is_empty() || name.chars().count() > 100 {
        errors.push(FieldError::new(
            "display_name",
            "The name must have 1 to 100 characters.",
        ));
    }
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

#[cfg(test)]
mod tests {
    use super::*;
    use crate::auth::permissions::Role;

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
