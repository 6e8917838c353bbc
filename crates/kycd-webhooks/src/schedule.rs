//! When to try a webhook again. The first attempt is immediate; the schedule lists the delays
//! before each retry (DECISIONS.md default: 5 s, 30 s, 2 min, 10 min, 30 min, 1 h, 3 h, 6 h,
//! 12 h). Each delay gets ±10 % jitter, and a receiver's Retry-After is honoured when longer.

use std::time::Duration;

/// Retry-After values above this are capped (a broken receiver must not park an event forever).
pub const MAX_RETRY_AFTER: Duration = Duration::from_secs(24 * 3600);

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct RetrySchedule {
    delays: Vec<Duration>,
}

impl Default for RetrySchedule {
    fn default() -> Self {
        let minutes = |m: u64| Duration::from_secs(m * 60);
        Self {
            delays: vec![
                Duration::from_secs(5),
                Duration::from_secs(30),
                minutes(2),
                minutes(10),
                minutes(30),
                minutes(60),
                minutes(180),
                minutes(360),
                minutes(720),
            ],
        }
    }
}

#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error("invalid retry schedule '{0}': expected comma-separated durations such as 1s,5s,30s,2m,1h")]
pub struct InvalidSchedule(pub String);

impl RetrySchedule {
    pub fn new(delays: Vec<Duration>) -> Self {
        Self { delays }
    }

    /// Parses "1s,5s,30s,2m,1h" (units ms, s, m, h). An empty string means "no retries".
    pub fn parse(text: &str) -> Result<Self, InvalidSchedule> {
        let text = text.trim();
        if text.is_empty() {
            return Ok(Self { delays: vec![] });
        }
        text.split(',')
            .map(|part| parse_duration(part.trim()).ok_or_else(|| InvalidSchedule(text.to_owned())))
            .collect::<Result<Vec<_>, _>>()
            .map(|delays| Self { delays })
    }

    pub fn delays(&self) -> &[Duration] {
        &self.delays
    }

    /// Attempts in total: the first plus one per listed delay.
    pub fn max_attempts(&self) -> usize {
        self.delays.len() + 1
    }

    /// The wait after attempt number `attempts_made` (1-based) failed, or None when retries are
    /// exhausted. `jitter` in [-1, 1] scales ±10 %; `retry_after` wins when longer.
    pub fn next_delay(
        &self,
        attempts_made: usize,
        jitter: f64,
        retry_after: Option<Duration>,
    ) -> Option<Duration> {
        let base = *self.delays.get(attempts_made.checked_sub(1)?)?;
        let jittered = base.mul_f64((1.0 + 0.1 * jitter.clamp(-1.0, 1.0)).max(0.0));
        Some(match retry_after {
            Some(wanted) if wanted > jittered => wanted.min(MAX_RETRY_AFTER),
            _ => jittered,
        })
    }
}

fn parse_duration(text: &str) -> Option<Duration> {
    let split = text.find(|c: char| !c.is_ascii_digit())?;
    let (number, unit) = text.split_at(split);
    let n: u64 = number.parse().ok()?;
    Some(match unit {
        "ms" => Duration::from_millis(n),
        "s" => Duration::from_secs(n),
        "m" => Duration::from_secs(n.checked_mul(60)?),
        "h" => Duration::from_secs(n.checked_mul(3600)?),
        _ => return None,
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn default_schedule_matches_decisions() {
        let schedule = RetrySchedule::default();
        assert_eq!(schedule.max_attempts(), 10);
        assert_eq!(schedule.next_delay(1, 0.0, None), Some(Duration::from_secs(5)));
        assert_eq!(schedule.next_delay(9, 0.0, None), Some(Duration::from_secs(12 * 3600)));
        assert_eq!(schedule.next_delay(10, 0.0, None), None);
    }

    #[test]
    fn jitter_stays_within_ten_percent_and_retry_after_wins_when_longer() {
        let schedule = RetrySchedule::parse("10s, 1m").unwrap();
        assert_eq!(schedule.next_delay(1, 1.0, None), Some(Duration::from_secs(11)));
        assert_eq!(schedule.next_delay(1, -1.0, None), Some(Duration::from_secs(9)));
        assert_eq!(
            schedule.next_delay(1, 0.0, Some(Duration::from_secs(120))),
            Some(Duration::from_secs(120))
        );
        assert_eq!(
            schedule.next_delay(1, 0.0, Some(Duration::from_secs(1))),
            Some(Duration::from_secs(10))
        );
        assert_eq!(
            schedule.next_delay(1, 0.0, Some(Duration::from_secs(10 * 86400))),
            Some(MAX_RETRY_AFTER)
        );
        assert_eq!(schedule.next_delay(3, 0.0, None), None);
    }

    #[test]
    fn parsing_refuses_nonsense() {
        assert_eq!(RetrySchedule::parse("").unwrap().max_attempts(), 1);
        assert_eq!(
            RetrySchedule::parse("250ms,2h").unwrap().delays(),
            [Duration::from_millis(250), Duration::from_secs(7200)]
        );
        for bad in ["5", "5x", "s", "1s,,2s", "-1s"] {
            assert!(RetrySchedule::parse(bad).is_err(), "{bad}");
        }
    }
}
