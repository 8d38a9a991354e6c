//! Login throttling per account and per IP address.
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
//! The buckets take the time as an argument, so the rules are tested without a clock.

use std::collections::HashMap;
use std::hash::Hash;
use std::net::IpAddr;
use std::sync::{Arc, Mutex};
use std::time::{Duration, Instant};

use crate::config::ThrottleSettings;
use crate::error::AppError;

/// Keys kept before forgetting those whose allowance has fully refilled.
const RETAIN_ABOVE: usize = 10_000;

#[derive(Clone, Copy)]
struct Level {
    tokens: f64,
    at: Instant,
}

/// Token buckets by key.
struct Buckets<K> {
    burst: f64,
    refill: Duration,
    levels: Mutex<HashMap<K, Level>>,
}

impl<K: Hash + Eq + Clone> Buckets<K> {
    fn new(burst: u32, refill: Duration) -> Self {
        Buckets {
            burst: f64::from(burst.max(1)),
            refill,
            levels: Mutex::new(HashMap::new()),
        }
    }

    fn level(&self, levels: &HashMap<K, Level>, key: &K, now: Instant) -> f64 {
        levels.get(key).map_or(self.burst, |l| {
            let refilled = now.saturating_duration_since(l.at).as_secs_f64() / self.refill.as_secs_f64();
            (l.tokens + refilled).min(self.burst)
        })
    }

    fn lock(&self) -> std::sync::MutexGuard<'_, HashMap<K, Level>> {
        // A panic elsewhere cannot leave a level half-written: keep counting.
        self.levels.lock().unwrap_or_else(|poisoned| poisoned.into_inner())
    }

    /// Takes one token, or says how many seconds until there is one.
    fn take(&self, key: &K, now: Instant) -> Result<(), u64> {
        let mut levels = self.lock();
        let tokens = self.level(&levels, key, now);
        if tokens < 1.0 {
            return Err(((1.0 - tokens) * self.refill.as_secs_f64()).ceil().max(1.0) as u64);
        }
        levels.insert(
            key.clone(),
            Level {
                tokens: tokens - 1.0,
                at: now,
            },
        );
        if levels.len() > RETAIN_ABOVE {
            let burst = self.burst;
            let full: Vec<K> = levels
                .keys()
                .filter(|k| self.level(&levels, k, now) >= burst)
                .cloned()
                .collect();
            for k in full {
                levels.remove(&k);
            }
        }
        Ok(())
    }

    /// Gives back a token taken for an attempt that turned out not to count.
    fn give_back(&self, key: &K, now: Instant) {
        let mut levels = self.lock();
        let tokens = (self.level(&levels, key, now) + 1.0).min(self.burst);
        levels.insert(key.clone(), Level { tokens, at: now });
    }

    /// Whether the key has its whole allowance (no failure still counting).
    fn is_full(&self, key: &K, now: Instant) -> bool {
        self.level(&self.lock(), key, now) >= self.burst
    }
}

/// The two limits a login attempt must pass.
#[derive(Clone)]
pub struct LoginThrottle {
    per_account: Arc<Buckets<String>>,
    per_ip: Arc<Buckets<IpAddr>>,
}

/// What a login attempt took, to give back if the password is right.
#[derive(Debug)]
pub struct Attempt {
    account: String,
    ip: Option<IpAddr>,
}

fn too_many(retry_after_secs: u64) -> AppError {
    AppError::TooManyRequests { retry_after_secs }
}

fn account_key(email: &str) -> String {
    email.trim().to_lowercase()
}

impl LoginThrottle {
    /// Limits with the configured allowances.
    pub fn new(settings: &ThrottleSettings) -> Self {
        LoginThrottle {
            per_account: Arc::new(Buckets::new(settings.per_account_burst, settings.refill)),
            per_ip: Arc::new(Buckets::new(settings.per_ip_burst, settings.refill)),
        }
    }

    /// Counts a login attempt before its password is checked. Refused (429 with the
    /// seconds to wait) when the account has used its allowance, or when the address
    /// has and the account has failures of its own. Call [`Self::succeeded`] when the
    /// password is right.
    pub fn login(&self, email: &str, ip: Option<IpAddr>) -> Result<Attempt, AppError> {
        self.login_at(email, ip, Instant::now())
    }

    fn login_at(&self, email: &str, ip: Option<IpAddr>, now: Instant) -> Result<Attempt, AppError> {
        let account = account_key(email);
        let ip_wait = ip.and_then(|ip| self.per_ip.take(&ip, now).err());
        if let Some(wait) = ip_wait {
            if !self.per_account.is_full(&account, now) {
                return Err(too_many(wait));
            }
        }
        if let Err(wait) = self.per_account.take(&account, now) {
            if let (Some(ip), None) = (ip, ip_wait) {
                self.per_ip.give_back(&ip, now);
            }
            return Err(too_many(wait));
        }
        Ok(Attempt {
            account,
            // The address's token was taken only if it had one.
            ip: ip.filter(|_| ip_wait.is_none()),
        })
    }

    /// The password was right: the attempt does not count.
    pub fn succeeded(&self, attempt: Attempt) {
        self.succeeded_at(attempt, Instant::now());
    }

    fn succeeded_at(&self, attempt: Attempt, now: Instant) {
        self.per_account.give_back(&attempt.account, now);
        if let Some(ip) = attempt.ip {
            self.per_ip.give_back(&ip, now);
        }
    }

    /// Counts a request that always counts (a password-reset request, an
    /// application): refused when the account or the address has used its allowance.
    pub fn attempt(&self, email: &str, ip: Option<IpAddr>) -> Result<(), AppError> {
        let now = Instant::now();
        if let Some(ip) = ip {
            self.per_ip.take(&ip, now).map_err(too_many)?;
        }
        self.per_account.take(&account_key(email), now).map_err(too_many)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn throttle(per_account_burst: u32, per_ip_burst: u32) -> LoginThrottle {
        LoginThrottle::new(&ThrottleSettings {
            per_account_burst,
            per_ip_burst,
            refill: Duration::from_secs(60),
        })
    }

    fn refused(result: Result<Attempt, AppError>) -> u64 {
        match result {
            Err(AppError::TooManyRequests { retry_after_secs }) => retry_after_secs,
            other => panic!("expected 429, got {other:?}"),
        }
    }

    #[test]
    fn an_account_is_refused_after_its_failures_whatever_the_address() {
        let t = throttle(3, 100);
        let now = Instant::now();
        for i in 0..3u8 {
            t.login_at("Ana@Coop.test", Some(IpAddr::from([10, 0, 0, i])), now)
                .unwrap();
        }
        assert_eq!(
            refused(t.login_at("ana@coop.test", Some(IpAddr::from([10, 0, 0, 9])), now)),
            60
        );
        // One refill period later, one more try.
        let later = now + Duration::from_secs(60);
        t.login_at("ana@coop.test", None, later).unwrap();
        t.login_at("other@coop.test", None, now).unwrap();
    }

    #[test]
    fn successful_logins_never_use_the_allowance() {
        let t = throttle(5, 30);
        let now = Instant::now();
        let ip = Some(IpAddr::from([192, 0, 2, 1]));
        for i in 0..60 {
            let attempt = t.login_at(&format!("member{i}@coop.test"), ip, now).unwrap();
            t.succeeded_at(attempt, now);
            let again = t.login_at(&format!("member{i}@coop.test"), ip, now).unwrap();
            t.succeeded_at(again, now);
        }
    }

    #[test]
    fn an_exhausted_address_still_lets_in_accounts_without_failures() {
        let t = throttle(5, 2);
        let now = Instant::now();
        let ip = Some(IpAddr::from([192, 0, 2, 1]));
        t.login_at("a@coop.test", ip, now).unwrap();
        t.login_at("b@coop.test", ip, now).unwrap();
        // The address is spent; c has no failures, so it is let through...
        let c = t.login_at("c@coop.test", ip, now).unwrap();
        t.succeeded_at(c, now);
        // ...and once more if its password was wrong, but not a second time.
        t.login_at("d@coop.test", ip, now).unwrap();
        assert_eq!(refused(t.login_at("d@coop.test", ip, now)), 60);
        // a failed once: from this address it waits.
        refused(t.login_at("a@coop.test", ip, now));
        // From elsewhere the accounts keep their own allowance.
        t.login_at("a@coop.test", Some(IpAddr::from([198, 51, 100, 7])), now)
            .unwrap();
    }

    #[test]
    fn requests_that_always_count_use_both_allowances() {
        let t = throttle(100, 2);
        let ip = Some(IpAddr::from([192, 0, 2, 1]));
        t.attempt("a@coop.test", ip).unwrap();
        t.attempt("b@coop.test", ip).unwrap();
        assert!(matches!(
            t.attempt("c@coop.test", ip),
            Err(AppError::TooManyRequests { .. })
        ));
    }
}
