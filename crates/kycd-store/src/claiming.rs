//! The part of a fair delivery claim both backends share: how many candidates to read per
//! receiver, and which of them to lease ([`kycd_domain::fair_share::choose`]). A backend reads
//! the receivers with waiting work, each one's oldest due deliveries and what is in flight, all
//! under its write lock (SQLite's one writer, PostgreSQL's claim lock), then leases what
//! [`choose_claims`] returns.

use crate::{StoreResult, codec::Columns};
use kycd_domain::fair_share::{Candidate, FairShare, InFlight, choose};

/// At most this many receivers with waiting work are looked at per claim, and at most this many
/// candidates read in all: a claim's cost stays bounded whatever the backlog.
pub const CLAIM_RECEIVERS: i64 = 4096;
const CLAIM_CANDIDATES: usize = 4096;

/// Due deliveries to read per receiver, when `receivers` have waiting work: no more than one
/// receiver could take (its cap, the claim's limit), shared out under [`CLAIM_CANDIDATES`].
pub fn candidates_per_receiver(receivers: usize, share: FairShare, limit: i64) -> i64 {
    let limit = usize::try_from(limit).unwrap_or(0);
    let fair = CLAIM_CANDIDATES / receivers.max(1);
    i64::try_from(fair.clamp(1, share.per_receiver.min(limit).max(1))).unwrap_or(1)
}

/// A due, unleased delivery as read for a claim.
#[derive(Debug, Clone)]
pub struct ClaimCandidate {
    pub id: String,
    pub partner_id: String,
    pub receiver: String,
    pub next_attempt_at: i64,
}

impl ClaimCandidate {
    /// From a row of `id, partner_id, receiver, next_attempt_at`.
    pub fn from_row(row: &impl Columns) -> StoreResult<Self> {
        Ok(Self {
            id: row.text("id")?,
            partner_id: row.text("partner_id")?,
            receiver: row.text("receiver")?,
            next_attempt_at: row.int("next_attempt_at")?,
        })
    }
}

/// Deliveries leased and not yet finished, counted by partner and receiver.
#[derive(Debug, Clone)]
pub struct LeasedCount {
    pub partner_id: String,
    pub receiver: String,
    pub count: i64,
}

impl LeasedCount {
    /// From a row of `partner_id, receiver, count`.
    pub fn from_row(row: &impl Columns) -> StoreResult<Self> {
        Ok(Self {
            partner_id: row.text("partner_id")?,
            receiver: row.text("receiver")?,
            count: row.int("count")?,
        })
    }
}

/// The ids to lease, in the order to send them.
pub fn choose_claims(
    candidates: &[ClaimCandidate],
    leased: &[LeasedCount],
    share: FairShare,
    limit: i64,
) -> Vec<String> {
    let mut in_flight = InFlight::default();
    for row in leased {
        in_flight.add(&row.partner_id, &row.receiver, usize::try_from(row.count).unwrap_or(0));
    }
    let view: Vec<Candidate<'_>> = candidates
        .iter()
        .enumerate()
        .map(|(index, c)| Candidate {
            index,
            partner: &c.partner_id,
            receiver: &c.receiver,
            due_at: c.next_attempt_at,
        })
        .collect();
    choose(&view, &in_flight, share, usize::try_from(limit).unwrap_or(0))
        .into_iter()
        .map(|index| candidates[index].id.clone())
        .collect()
}

/// Puts claimed deliveries in the order [`choose_claims`] gave (`UPDATE … RETURNING` keeps none).
pub fn in_chosen_order(chosen: &[String], claimed: &mut [crate::Delivery]) {
    claimed.sort_by_key(|d| chosen.iter().position(|id| id == d.id.as_str()).unwrap_or(usize::MAX));
}
