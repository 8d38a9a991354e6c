//! The arithmetic of login throttling: token buckets that count failures, and which
//! buckets a login attempt takes from. Pure: the levels and the time are arguments, so
//! the rules are the same whether the levels live in PostgreSQL or in memory.

use std::time::Duration;

use chrono::{DateTime, Utc};

/// A bucket's allowance: `burst` attempts at once, then one more every `refill`.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct Allowance {
    /// Tokens in a full bucket (at least one).
    pub burst: u32,
    /// How long one token takes to come back.
    pub refill: Duration,
}

/// A bucket as stored: the tokens it held at a time.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct Level {
    /// Tokens left at `at` (fractions refill over time).
    pub tokens: f64,
    /// When `tokens` was written.
    pub at: DateTime<Utc>,
}

impl Allowance {
    fn burst(&self) -> f64 {
        f64::from(self.burst.max(1))
    }

    fn refill_secs(&self) -> f64 {
        self.refill.as_secs_f64().max(f64::MIN_POSITIVE)
    }

    /// A bucket that has never been used: its whole allowance, at `now`.
    pub fn full(&self, now: DateTime<Utc>) -> Level {
        Level {
            tokens: self.burst(),
            at: now,
        }
    }

    /// The tokens in the bucket at `now`: what was left plus what refilled since, at
    /// most the burst. A level written later than `now` (another server's clock) has
    /// not refilled yet.
    pub fn tokens(&self, level: Level, now: DateTime<Utc>) -> f64 {
        let elapsed = (now - level.at).to_std().unwrap_or_default().as_secs_f64();
        (level.tokens + elapsed / self.refill_secs()).min(self.burst())
    }

    /// Whether the bucket has its whole allowance at `now` (no failure still counts).
    pub fn is_full(&self, level: Level, now: DateTime<Utc>) -> bool {
        self.tokens(level, now) >= self.burst()
    }

    /// Takes one token: the new level, or the whole seconds until there is one.
    pub fn take(&self, level: Level, now: DateTime<Utc>) -> Result<Level, u64> {
        let tokens = self.tokens(level, now);
        if tokens < 1.0 {
            return Err(((1.0 - tokens) * self.refill_secs()).ceil().max(1.0) as u64);
        }
        Ok(Level {
            tokens: tokens - 1.0,
            at: now,
        })
    }

    /// Gives back a token taken for an attempt that turned out not to count.
    pub fn give_back(&self, level: Level, now: DateTime<Utc>) -> Level {
        Level {
            tokens: (self.tokens(level, now) + 1.0).min(self.burst()),
            at: now,
        }
    }

    /// When the bucket will be full again if nothing is taken: from then on its row
    /// says nothing a missing row would not, and may be forgotten.
    pub fn full_at(&self, level: Level) -> DateTime<Utc> {
        let missing = (self.burst() - level.tokens).max(0.0) * self.refill_secs();
        // Beyond chrono's range only for absurd settings: never forget such a bucket early.
        chrono::Duration::from_std(Duration::from_secs_f64(missing.min(1e12)))
            .ok()
            .and_then(|d| level.at.checked_add_signed(d))
            .unwrap_or(DateTime::<Utc>::MAX_UTC)
    }
}

/// The two allowances a login attempt must pass.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct Limits {
    /// Per account (the e-mail typed, trimmed and lower-cased).
    pub per_account: Allowance,
    /// Per IP address.
    pub per_ip: Allowance,
}

/// The buckets one request draws on: the account's and, when the address is known,
/// the address's.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct Buckets {
    /// The account's bucket.
    pub account: Level,
    /// The address's bucket (`None`: the address is unknown).
    pub ip: Option<Level>,
}

/// A login attempt let through: the levels to store, and whether the address's token
/// was taken (so that a right password gives back exactly what was taken).
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct Taken {
    /// The buckets after the attempt.
    pub levels: Buckets,
    /// Whether a token was taken from the address (not when it had none left and the
    /// account, with no failures of its own, was let through anyway).
    pub ip_taken: bool,
}

impl Limits {
    /// A login attempt, counted before its password is checked. Refused (the seconds to
    /// wait; nothing to store) when the account has used its allowance, or when the
    /// address has and the account has failures of its own. Sixty members on a general
    /// meeting's one Wi-Fi are never refused for others' typos, while a guesser behind
    /// that address gets one try per account before each account's failures count.
    pub fn login(&self, levels: Buckets, now: DateTime<Utc>) -> Result<Taken, u64> {
        let ip = levels.ip.map(|ip| self.per_ip.take(ip, now));
        if let Some(Err(wait)) = ip {
            if !self.per_account.is_full(levels.account, now) {
                return Err(wait);
            }
        }
        let account = self.per_account.take(levels.account, now)?;
        Ok(Taken {
            levels: Buckets {
                account,
                ip: match (ip, levels.ip) {
                    (Some(Ok(taken)), _) => Some(taken),
                    (_, unchanged) => unchanged,
                },
            },
            ip_taken: matches!(ip, Some(Ok(_))),
        })
    }

    /// The password was right: what [`Self::login`] took is given back.
    pub fn succeeded(&self, levels: Buckets, ip_taken: bool, now: DateTime<Utc>) -> Buckets {
        Buckets {
            account: self.per_account.give_back(levels.account, now),
            ip: match levels.ip {
                Some(ip) if ip_taken => Some(self.per_ip.give_back(ip, now)),
                other => other,
            },
        }
    }

    /// A request that always counts (a password-reset request, an application): the
    /// levels to store, and whether it is let through (else the seconds to wait). The
    /// address's token stays taken when the account refuses.
    pub fn always(&self, levels: Buckets, now: DateTime<Utc>) -> (Buckets, Result<(), u64>) {
        let ip = match levels.ip.map(|ip| self.per_ip.take(ip, now)) {
            Some(Err(wait)) => return (levels, Err(wait)),
            Some(Ok(taken)) => Some(taken),
            None => None,
        };
        match self.per_account.take(levels.account, now) {
            Ok(account) => (Buckets { account, ip }, Ok(())),
            Err(wait) => (Buckets { ip, ..levels }, Err(wait)),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    const MINUTE: Duration = Duration::from_secs(60);

    fn limits(per_account_burst: u32, per_ip_burst: u32) -> Limits {
        Limits {
            per_account: Allowance {
                burst: per_account_burst,
                refill: MINUTE,
            },
            per_ip: Allowance {
                burst: per_ip_burst,
                refill: MINUTE,
            },
        }
    }

    fn at(secs: i64) -> DateTime<Utc> {
        DateTime::from_timestamp(1_800_000_000 + secs, 0).unwrap()
    }

    #[test]
    fn a_bucket_refills_one_token_per_period_up_to_its_burst() {
        let a = Allowance {
            burst: 3,
            refill: MINUTE,
        };
        let mut level = a.full(at(0));
        for _ in 0..3 {
            level = a.take(level, at(0)).unwrap();
        }
        assert_eq!(level.tokens, 0.0);
        assert_eq!(a.take(level, at(0)), Err(60));
        assert_eq!(a.take(level, at(45)), Err(15));
        assert_eq!(a.tokens(level, at(90)), 1.5);
        assert_eq!(a.full_at(level), at(180));
        assert!(!a.is_full(level, at(179)));
        assert!(a.is_full(level, at(180)));
        assert_eq!(a.tokens(level, at(10_000)), 3.0);
        // Written by a server whose clock is ahead: nothing refilled yet.
        assert_eq!(a.tokens(level, at(-30)), 0.0);
        let back = a.give_back(a.take(a.full(at(0)), at(0)).unwrap(), at(0));
        assert_eq!(back.tokens, 3.0);
        assert_eq!(a.full_at(back), at(0));
    }

    #[test]
    fn an_account_is_refused_after_its_failures_whatever_the_address() {
        let l = limits(3, 100);
        let mut account = l.per_account.full(at(0));
        for _ in 0..3 {
            let ip = Some(l.per_ip.full(at(0)));
            account = l.login(Buckets { account, ip }, at(0)).unwrap().levels.account;
        }
        let fresh_ip = Some(l.per_ip.full(at(0)));
        assert_eq!(l.login(Buckets { account, ip: fresh_ip }, at(0)), Err(60));
        // One refill period later, one more try.
        assert!(l.login(Buckets { account, ip: None }, at(60)).is_ok());
    }

    #[test]
    fn successful_logins_never_use_the_allowance() {
        let l = limits(5, 30);
        let mut ip = l.per_ip.full(at(0));
        for _ in 0..60 {
            let mut account = l.per_account.full(at(0));
            for _ in 0..2 {
                let taken = l.login(Buckets { account, ip: Some(ip) }, at(0)).unwrap();
                let back = l.succeeded(taken.levels, taken.ip_taken, at(0));
                (account, ip) = (back.account, back.ip.unwrap());
            }
        }
        assert_eq!(ip.tokens, 30.0);
    }

    #[test]
    fn an_exhausted_address_still_lets_in_accounts_without_failures() {
        let l = limits(5, 2);
        let full = l.per_account.full(at(0));
        let mut ip = l.per_ip.full(at(0));
        let attempt = |account: Level, ip: &mut Level| {
            let taken = l.login(Buckets { account, ip: Some(*ip) }, at(0))?;
            *ip = taken.levels.ip.unwrap();
            Ok::<_, u64>(taken)
        };
        let a = attempt(full, &mut ip).unwrap().levels.account;
        attempt(full, &mut ip).unwrap();
        assert_eq!(ip.tokens, 0.0);
        // The address is spent; c has no failures, so it is let through, the address
        // untouched...
        let c = attempt(full, &mut ip).unwrap();
        assert!(!c.ip_taken);
        let back = l.succeeded(c.levels, c.ip_taken, at(0));
        assert_eq!(back.ip, Some(ip));
        // ...and once more if its password was wrong, but not a second time.
        let d = attempt(full, &mut ip).unwrap().levels.account;
        assert_eq!(attempt(d, &mut ip), Err(60));
        // a failed once: from this address it waits.
        assert_eq!(attempt(a, &mut ip), Err(60));
        // From elsewhere the accounts keep their own allowance.
        let elsewhere = Some(l.per_ip.full(at(0)));
        assert!(l
            .login(
                Buckets {
                    account: a,
                    ip: elsewhere
                },
                at(0)
            )
            .is_ok());
    }

    #[test]
    fn requests_that_always_count_use_both_allowances() {
        let l = limits(100, 2);
        let mut ip = Some(l.per_ip.full(at(0)));
        for _ in 0..2 {
            let account = l.per_account.full(at(0));
            let (levels, result) = l.always(Buckets { account, ip }, at(0));
            assert_eq!(result, Ok(()));
            ip = levels.ip;
        }
        let account = l.per_account.full(at(0));
        assert_eq!(l.always(Buckets { account, ip }, at(0)).1, Err(60));
        // An account that refuses keeps the address's token taken.
        let l = limits(1, 5);
        let spent = l.per_account.take(l.per_account.full(at(0)), at(0)).unwrap();
        let (levels, result) = l.always(
            Buckets {
                account: spent,
                ip: Some(l.per_ip.full(at(0))),
            },
            at(0),
        );
        assert_eq!(result, Err(60));
        assert_eq!(levels.ip.unwrap().tokens, 4.0);
    }
}
