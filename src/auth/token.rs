//! Signed tokens: API bearer tokens and web session cookies are both HS256 JWTs that
//! carry the user's `token_version`, so bumping the version revokes every one of them.

use std::time::Duration;

use jsonwebtoken::{decode, encode, Algorithm, DecodingKey, EncodingKey, Header, Validation};
use serde::{Deserialize, Serialize};
use uuid::Uuid;

/// What a token may be used for; an API token is no session cookie and vice versa.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum TokenKind {
    /// `Authorization: Bearer` on the API.
    Access,
    /// The web session cookie.
    Session,
}

/// The claims Concord signs.
#[derive(Debug, Clone, Serialize, Deserialize)]
pub struct Claims {
    /// The user id.
    pub sub: Uuid,
    /// The user's token version when the token was issued.
    pub ver: i32,
    /// What the token is for.
    pub kind: TokenKind,
    /// Issued at (seconds since the epoch).
    pub iat: i64,
    /// Expires at (seconds since the epoch).
    pub exp: i64,
}

/// Signs and checks tokens with the configured key.
#[derive(Clone)]
pub struct TokenKeys {
    encoding: EncodingKey,
    decoding: DecodingKey,
}

impl TokenKeys {
    /// Keys from the configured secret.
    pub fn new(secret: &[u8]) -> Self {
        TokenKeys {
            encoding: EncodingKey::from_secret(secret),
            decoding: DecodingKey::from_secret(secret),
        }
    }

    /// Issues a token of `kind` for a user, valid for `ttl` from `now` (seconds).
    pub fn issue(&self, user: Uuid, version: i32, kind: TokenKind, now: i64, ttl: Duration) -> String {
        let claims = Claims {
            sub: user,
            ver: version,
            kind,
            iat: now,
            exp: now + ttl.as_secs() as i64,
        };
        encode(&Header::new(Algorithm::HS256), &claims, &self.encoding).expect("HS256 signing cannot fail")
    }

    /// The claims of a valid, unexpired token of `kind`; `None` for anything else.
    pub fn check(&self, token: &str, kind: TokenKind) -> Option<Claims> {
        let mut validation = Validation::new(Algorithm::HS256);
        validation.leeway = 0;
        validation.set_required_spec_claims(&["exp", "sub"]);
        let data = decode::<Claims>(token, &self.decoding, &validation).ok()?;
        (data.claims.kind == kind).then_some(data.claims)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn now() -> i64 {
        chrono::Utc::now().timestamp()
    }

    #[test]
    fn a_token_checks_only_for_its_own_kind_and_key() {
        let keys = TokenKeys::new(&[7u8; 32]);
        let user = Uuid::new_v4();
        let token = keys.issue(user, 3, TokenKind::Access, now(), Duration::from_secs(60));
        let claims = keys.check(&token, TokenKind::Access).unwrap();
        assert_eq!((claims.sub, claims.ver), (user, 3));
        assert!(keys.check(&token, TokenKind::Session).is_none());
        assert!(TokenKeys::new(&[8u8; 32]).check(&token, TokenKind::Access).is_none());
    }

    #[test]
    fn an_expired_token_is_refused() {
        let keys = TokenKeys::new(&[7u8; 32]);
        let token = keys.issue(
            Uuid::new_v4(),
            0,
            TokenKind::Access,
            now() - 120,
            Duration::from_secs(60),
        );
        assert!(keys.check(&token, TokenKind::Access).is_none());
    }

    #[test]
    fn a_tampered_token_is_refused() {
        let keys = TokenKeys::new(&[7u8; 32]);
        let token = keys.issue(Uuid::new_v4(), 0, TokenKind::Access, now(), Duration::from_secs(60));
        let mut tampered = token.clone();
        tampered.insert(token.len() / 2, 'x');
        assert!(keys.check(&tampered, TokenKind::Access).is_none());
        assert!(keys.check("not a token", TokenKind::Access).is_none());
    }
}
