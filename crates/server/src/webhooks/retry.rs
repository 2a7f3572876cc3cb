//! When a failed delivery is tried again: exponential waits with jitter that span more
//! than a day, then the delivery is given up.
//!
//! With the standard base of 5 s the waits after each failed attempt are 5 s, 30 s,
//! 2 min, 10 min, 30 min, 1 h, 2 h, 4 h, 8 h, 8 h and 8 h, each ±20 %: twelve attempts
//! over about 31.7 hours (at least 25.4 with the shortest jitter), and the receiver's
//! last chance comes more than 24 hours after the first.

use std::time::Duration;

use argon2::password_hash::rand_core::{OsRng, RngCore};

/// The waits, as multiples of the base; after the last one the next failure is final.
const STEPS: [u32; 11] = [1, 6, 24, 120, 360, 720, 1440, 2880, 5760, 5760, 5760];

/// Attempts a delivery gets, the first one included.
pub const MAX_ATTEMPTS: u32 = STEPS.len() as u32 + 1;

/// How far each wait may stray from its step, either way.
pub const JITTER: f64 = 0.2;

/// The wait after the `attempts`-th attempt failed, for `jitter` in `-1.0..=1.0`
/// (a fraction of [`JITTER`]); `None` once the delivery has had all its attempts.
pub fn wait_after(attempts: u32, base: Duration, jitter: f64) -> Option<Duration> {
    let step = STEPS.get(usize::try_from(attempts.checked_sub(1)?).ok()?)?;
    let nominal = base.saturating_mul(*step);
    Some(nominal.mul_f64(1.0 + JITTER * jitter.clamp(-1.0, 1.0)))
}

/// [`wait_after`] with a random jitter.
pub fn next_wait(attempts: u32, base: Duration) -> Option<Duration> {
    let unit = f64::from(OsRng.next_u32()) / f64::from(u32::MAX);
    wait_after(attempts, base, unit * 2.0 - 1.0)
}

#[cfg(test)]
mod tests {
    use super::*;

    const BASE: Duration = Duration::from_secs(5);

    fn span(jitter: f64) -> Duration {
        (1..MAX_ATTEMPTS)
            .map(|n| wait_after(n, BASE, jitter).unwrap())
            .sum()
    }

    #[test]
    fn waits_grow_and_retries_cover_more_than_a_day() {
        let waits: Vec<u64> = (1..MAX_ATTEMPTS)
            .map(|n| wait_after(n, BASE, 0.0).unwrap().as_secs())
            .collect();
        assert_eq!(
            waits,
            [5, 30, 120, 600, 1800, 3600, 7200, 14_400, 28_800, 28_800, 28_800]
        );
        assert!(
            span(-1.0) >= Duration::from_secs(24 * 3600),
            "{:?}",
            span(-1.0)
        );
        assert_eq!(wait_after(MAX_ATTEMPTS, BASE, 0.0), None);
        assert_eq!(wait_after(0, BASE, 0.0), None);
        assert_eq!(MAX_ATTEMPTS, 12);
    }

    #[test]
    fn jitter_stays_within_a_fifth_and_varies() {
        let waits: Vec<Duration> = (0..200).map(|_| next_wait(2, BASE).unwrap()).collect();
        for wait in &waits {
            assert!(
                (Duration::from_secs(24)..=Duration::from_secs(36)).contains(wait),
                "{wait:?}"
            );
        }
        assert!(waits.iter().any(|w| *w != waits[0]));
        assert_eq!(
            wait_after(1, Duration::from_millis(100), 1.0),
            Some(Duration::from_millis(120))
        );
    }
}
