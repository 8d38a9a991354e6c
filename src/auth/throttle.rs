//! Login throttling per account and per IP address (governor's keyed GCRA limiters).

use std::net::IpAddr;
use std::num::NonZeroU32;
use std::sync::Arc;

use governor::clock::{Clock, DefaultClock};
use governor::{DefaultKeyedRateLimiter, Quota, RateLimiter};

use crate::config::ThrottleSettings;
use crate::error::AppError;

/// Keys kept before forgetting those whose allowance has fully refilled.
const RETAIN_ABOVE: usize = 10_000;

/// The two limiters a login attempt must pass.
#[derive(Clone)]
pub struct LoginThrottle {
    per_account: Arc<DefaultKeyedRateLimiter<String>>,
    per_ip: Arc<DefaultKeyedRateLimiter<IpAddr>>,
}

fn quota(burst: u32, settings: &ThrottleSettings) -> Quota {
    Quota::with_period(settings.refill)
        .expect("refill period is positive")
        .allow_burst(NonZeroU32::new(burst.max(1)).expect("burst is at least one"))
}

impl LoginThrottle {
    /// Limiters with the configured allowances.
    pub fn new(settings: &ThrottleSettings) -> Self {
        LoginThrottle {
            per_account: Arc::new(RateLimiter::keyed(quota(settings.per_account_burst, settings))),
            per_ip: Arc::new(RateLimiter::keyed(quota(settings.per_ip_burst, settings))),
        }
    }

    /// Counts one attempt for the account and the address; refuses with 429 and the
    /// seconds to wait when either has used its allowance.
    pub fn attempt(&self, email: &str, ip: Option<IpAddr>) -> Result<(), AppError> {
        let clock = DefaultClock::default();
        let wait = |not_until: governor::NotUntil<_>| AppError::TooManyRequests {
            retry_after_secs: not_until.wait_time_from(clock.now()).as_secs().max(1),
        };
        if let Some(ip) = ip {
            self.per_ip.check_key(&ip).map_err(wait)?;
        }
        self.per_account.check_key(&email.trim().to_lowercase()).map_err(wait)?;
        if self.per_account.len() > RETAIN_ABOVE || self.per_ip.len() > RETAIN_ABOVE {
            self.per_account.retain_recent();
            self.per_ip.retain_recent();
        }
        Ok(())
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::time::Duration;

    #[test]
    fn an_account_is_refused_after_its_burst_whatever_the_address() {
        let throttle = LoginThrottle::new(&ThrottleSettings {
            per_account_burst: 3,
            per_ip_burst: 100,
            refill: Duration::from_secs(60),
        });
        for i in 0..3u8 {
            throttle
                .attempt("Ana@Coop.test", Some(IpAddr::from([10, 0, 0, i])))
                .unwrap();
        }
        match throttle.attempt("ana@coop.test", Some(IpAddr::from([10, 0, 0, 9]))) {
            Err(AppError::TooManyRequests { retry_after_secs }) => assert!((1..=60).contains(&retry_after_secs)),
            other => panic!("expected 429, got {other:?}"),
        }
        throttle.attempt("other@coop.test", None).unwrap();
    }

    #[test]
    fn an_address_is_refused_after_its_burst_whatever_the_account() {
        let throttle = LoginThrottle::new(&ThrottleSettings {
            per_account_burst: 100,
            per_ip_burst: 2,
            refill: Duration::from_secs(60),
        });
        let ip = Some(IpAddr::from([192, 0, 2, 1]));
        throttle.attempt("a@coop.test", ip).unwrap();
        throttle.attempt("b@coop.test", ip).unwrap();
        assert!(matches!(
            throttle.attempt("c@coop.test", ip),
            Err(AppError::TooManyRequests { .. })
        ));
    }
}
