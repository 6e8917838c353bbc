//! The verification state machine (DECISIONS.md). A verification's status only changes through
//! [`transition`], so an illegal move (say, EXPIRED → APPROVED by the sweeper, or anything out of
//! DELETED) cannot be written.

use crate::vocabulary::OverallStatus;

/// Something that happens to a verification.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum LifecycleEvent {
    /// The automatic analysis finished with `outcome` (APPROVED, DENIED or SUSPECTED). When a
    /// manual review follows, the verification waits in REVIEWING.
    AutoFinished { outcome: Outcome, manual_review_follows: bool },
    /// A reviewer (or add-dummy-status) decided.
    ManualFinished { outcome: Outcome },
    /// The token (or session) ran out before the flow was completed.
    Expire,
    /// /api/v2/delete or the retention sweeper removed the personal data.
    Delete,
    /// Archived for performance reasons.
    Archive,
}

/// The three verdicts an analysis can reach.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum Outcome {
    Approved,
    Denied,
    Suspected,
}

impl Outcome {
    pub const fn status(self) -> OverallStatus {
        match self {
            Self::Approved => OverallStatus::Approved,
            Self::Denied => OverallStatus::Denied,
            Self::Suspected => OverallStatus::Suspected,
        }
    }
}

#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error("a {from} verification cannot {event}")]
pub struct IllegalTransition {
    pub from: OverallStatus,
    pub event: &'static str,
}

impl LifecycleEvent {
    const fn verb(self) -> &'static str {
        match self {
            Self::AutoFinished { .. } => "receive an automatic result",
            Self::ManualFinished { .. } => "receive a manual result",
            Self::Expire => "expire",
            Self::Delete => "be deleted",
            Self::Archive => "be archived",
        }
    }
}

/// True for statuses whose personal data is gone; nothing can happen to them any more.
pub const fn is_deleted(status: OverallStatus) -> bool {
    matches!(status, OverallStatus::Deleted | OverallStatus::ExpiredDeleted)
}

/// A finished verification has a verdict (possibly pending review).
pub const fn is_finished(status: OverallStatus) -> bool {
    matches!(
        status,
        OverallStatus::Approved
            | OverallStatus::Denied
            | OverallStatus::Suspected
            | OverallStatus::Reviewing
    )
}

/// The status after `event`, or why it cannot happen.
pub fn transition(
    from: OverallStatus,
    event: LifecycleEvent,
) -> Result<OverallStatus, IllegalTransition> {
    use OverallStatus as S;
    let to = match (from, event) {
        (S::Active, LifecycleEvent::AutoFinished { manual_review_follows: true, .. }) => {
            Some(S::Reviewing)
        }
        (S::Active, LifecycleEvent::AutoFinished { outcome, manual_review_follows: false }) => {
            Some(outcome.status())
        }
        // A manual verdict may follow any analysis, and (sandbox) even an unused or expired token.
        (
            S::Active | S::Reviewing | S::Approved | S::Denied | S::Suspected | S::Expired,
            LifecycleEvent::ManualFinished { outcome },
        ) => Some(outcome.status()),
        (S::Active, LifecycleEvent::Expire) => Some(S::Expired),
        (S::Expired, LifecycleEvent::Delete) => Some(S::ExpiredDeleted),
        (
            S::Approved | S::Denied | S::Suspected | S::Reviewing | S::Archived,
            LifecycleEvent::Delete,
        ) => Some(S::Deleted),
        (S::Approved | S::Denied | S::Suspected, LifecycleEvent::Archive) => Some(S::Archived),
        _ => None,
    };
    to.ok_or(IllegalTransition { from, event: event.verb() })
}

#[cfg(test)]
mod tests {
    use super::*;
    use OverallStatus as S;
    use proptest::prelude::*;

    fn any_outcome() -> impl Strategy<Value = Outcome> {
        prop_oneof![Just(Outcome::Approved), Just(Outcome::Denied), Just(Outcome::Suspected)]
    }

    fn any_event() -> impl Strategy<Value = LifecycleEvent> {
        prop_oneof![
            (any_outcome(), any::<bool>()).prop_map(|(outcome, manual_review_follows)| {
                LifecycleEvent::AutoFinished { outcome, manual_review_follows }
            }),
            any_outcome().prop_map(|outcome| LifecycleEvent::ManualFinished { outcome }),
            Just(LifecycleEvent::Expire),
            Just(LifecycleEvent::Delete),
            Just(LifecycleEvent::Archive),
        ]
    }

    proptest! {
        /// Whatever happens, in whatever order: nothing leaves DELETED/EXPIRED-DELETED, nothing
        /// returns to ACTIVE, EXPIRED is reached only from ACTIVE, an automatic result only
        /// applies to an ACTIVE verification, and a refused event changes nothing.
        #[test]
        fn no_sequence_of_events_reaches_an_illegal_state(events in prop::collection::vec(any_event(), 0..30)) {
            let mut status = S::Active;
            for event in events {
                match transition(status, event) {
                    Ok(next) => {
                        prop_assert!(!is_deleted(status), "{status} moved to {next}");
                        prop_assert_ne!(next, S::Active);
                        if next == S::Expired { prop_assert_eq!(status, S::Active); }
                        if matches!(event, LifecycleEvent::AutoFinished { .. }) { prop_assert_eq!(status, S::Active); }
                        if next == S::ExpiredDeleted { prop_assert_eq!(status, S::Expired); }
                        status = next;
                    }
                    Err(refused) => prop_assert_eq!(refused.from, status),
                }
            }
        }
    }

    #[test]
    fn the_documented_paths_work() {
        let approve = LifecycleEvent::AutoFinished {
            outcome: Outcome::Approved,
            manual_review_follows: false,
        };
        assert_eq!(transition(S::Active, approve), Ok(S::Approved));
        let review =
            LifecycleEvent::AutoFinished { outcome: Outcome::Denied, manual_review_follows: true };
        assert_eq!(transition(S::Active, review), Ok(S::Reviewing));
        let manual = LifecycleEvent::ManualFinished { outcome: Outcome::Approved };
        assert_eq!(transition(S::Reviewing, manual), Ok(S::Approved));
        assert_eq!(transition(S::Active, LifecycleEvent::Expire), Ok(S::Expired));
        assert_eq!(transition(S::Expired, LifecycleEvent::Delete), Ok(S::ExpiredDeleted));
        assert!(transition(S::Active, LifecycleEvent::Delete).is_err());
        assert!(transition(S::Deleted, manual).is_err());
        assert!(transition(S::Approved, LifecycleEvent::Expire).is_err());
    }
}
