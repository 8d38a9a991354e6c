//! Login throttling per account and per IP address, counted in PostgreSQL.
//!
//! Token buckets (a burst, then one more every `refill`) that count **failures**: a
//! login takes a token from the account and from the address before the password is
//! checked (so parallel guesses cannot outrun the count) and gives both back when the
//! password is right. So:
//! - an account that used its allowance on wrong passwords is refused whatever the
//!   password, until it refills (guessing one account is bounded);
//! - an address that used its allowance still lets through an account that has no
//!   failures of its own: sixty members logging in from a general meeting's one
//!   Wi-Fi are never refused for others' typos, while a guesser behind that address
//!   gets one try per account before each account's own failures count against it.
//!
//! The levels live in the database (`login_throttle`), so several Concord processes
//! behind a load balancer share one allowance: a guesser gets no more tries by being
//! spread over them. Each request locks its buckets, applies the pure rules
//! ([`rules`]) at the database's time and stores the result in one transaction.
//! Buckets that have refilled are forgotten as requests pass.

pub mod rules;
pub mod store;

use std::net::IpAddr;

use chrono::{DateTime, Utc};
use diesel_async::{AsyncConnection, AsyncPgConnection};

use self::rules::{Allowance, Buckets, Limits};
use crate::config::ThrottleSettings;
use crate::error::{AppError, AppResult};

/// The two limits a login attempt must pass.
#[derive(Clone)]
pub struct LoginThrottle {
    limits: Limits,
}

/// What a login attempt took, to give back if the password is right.
#[derive(Debug)]
pub struct Attempt {
    account: String,
    ip: Option<String>,
    ip_taken: bool,
}

fn too_many(retry_after_secs: u64) -> AppError {
    AppError::TooManyRequests { retry_after_secs }
}

fn account_key(email: &str) -> String {
    format!("account:{}", email.trim().to_lowercase())
}

fn ip_key(ip: IpAddr) -> String {
    format!("ip:{ip}")
}

impl LoginThrottle {
    /// Limits with the configured allowances.
    pub fn new(settings: &ThrottleSettings) -> Self {
        let allowance = |burst| Allowance {
            burst,
            refill: settings.refill,
        };
        LoginThrottle {
            limits: Limits {
                per_account: allowance(settings.per_account_burst),
                per_ip: allowance(settings.per_ip_burst),
            },
        }
    }

    /// Locks the account's and the address's buckets, lets `decide` see them at the
    /// database's time, stores the levels it returns, in one transaction.
    async fn with_buckets<R: Send>(
        &self,
        conn: &mut AsyncPgConnection,
        account: &str,
        ip: Option<&str>,
        decide: impl FnOnce(Buckets, DateTime<Utc>) -> (Buckets, R) + Send,
    ) -> AppResult<R> {
        let limits = self.limits;
        let mut keys = vec![(account.to_string(), f64::from(limits.per_account.burst))];
        keys.extend(ip.map(|ip| (ip.to_string(), f64::from(limits.per_ip.burst))));
        conn.transaction(async move |conn| {
            let (now, levels) = store::lock(conn, &keys).await?;
            let before = Buckets {
                account: levels[0],
                ip: levels.get(1).copied(),
            };
            let (after, result) = decide(before, now);
            if after.account != before.account {
                let level = after.account;
                store::save(conn, account, level, limits.per_account.full_at(level)).await?;
            }
            if let (Some(key), Some(level)) = (ip, after.ip.filter(|level| Some(*level) != before.ip)) {
                store::save(conn, key, level, limits.per_ip.full_at(level)).await?;
            }
            store::prune(conn).await?;
            Ok(result)
        })
        .await
    }

    /// Counts a login attempt before its password is checked. Refused (429 with the
    /// seconds to wait) when the account has used its allowance, or when the address
    /// has and the account has failures of its own. Call [`Self::succeeded`] when the
    /// password is right.
    pub async fn login(&self, conn: &mut AsyncPgConnection, email: &str, ip: Option<IpAddr>) -> AppResult<Attempt> {
        let account = account_key(email);
        let ip = ip.map(ip_key);
        let limits = self.limits;
        let ip_taken = self
            .with_buckets(conn, &account, ip.as_deref(), |levels, now| {
                match limits.login(levels, now) {
                    Ok(taken) => (taken.levels, Ok(taken.ip_taken)),
                    Err(wait) => (levels, Err(wait)),
                }
            })
            .await?
            .map_err(too_many)?;
        Ok(Attempt { account, ip, ip_taken })
    }

    /// The password was right: the attempt does not count.
    pub async fn succeeded(&self, conn: &mut AsyncPgConnection, attempt: Attempt) -> AppResult<()> {
        let limits = self.limits;
        self.with_buckets(conn, &attempt.account, attempt.ip.as_deref(), |levels, now| {
            (limits.succeeded(levels, attempt.ip_taken, now), ())
        })
        .await
    }

    /// Counts a request that always counts (a password-reset request): refused when the
    /// account or the address has used its allowance.
    pub async fn attempt_shared(&self, conn: &mut AsyncPgConnection, email: &str, ip: Option<IpAddr>) -> AppResult<()> {
        let limits = self.limits;
        let ip = ip.map(ip_key);
        self.with_buckets(conn, &account_key(email), ip.as_deref(), |levels, now| {
            limits.always(levels, now)
        })
        .await?
        .map_err(too_many)
    }
}
