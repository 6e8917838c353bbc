//! What the review console shows beside the cases (issue 14 point 7): each partner the operator
//! may see with its environment, credits and webhook health (the deliveries that are failing,
//! with a resend for reviewers and admins), and a small dashboard (verifications per status per
//! day, median time to decision).

use crate::{CoreError, CoreResult, Services, audit, operators};
use kycd_domain::{ids::WebhookId, vocabulary::OverallStatus};
use kycd_store::{Delivery, DeliveryFilter, Operator, Partner};
use time::Date;

/// Failing deliveries shown per partner.
pub const FAILING_SHOWN: i64 = 20;

/// One partner as the console's overview shows it.
#[derive(Debug, Clone)]
pub struct PartnerHealth {
    pub partner: Partner,
    /// Deliveries that failed, are gone, or are being retried after a failure, newest first.
    pub failing: Vec<Delivery>,
}

/// The partners the operator may see, by name, each with its failing deliveries.
pub async fn partners(core: &Services, operator: &Operator) -> CoreResult<Vec<PartnerHealth>> {
    let scope = operators::scope(operator);
    let mut out = Vec::new();
    for partner in core.store.list_partners().await? {
        if !scope.includes(partner.id) {
            continue;
        }
        let filter = DeliveryFilter {
            partner_id: Some(partner.id),
            scan_ref: None,
            failed_only: true,
            limit: FAILING_SHOWN,
        };
        let failing = core.store.deliveries(&filter).await?;
        out.push(PartnerHealth { partner, failing });
    }
    out.sort_by(|a, b| a.partner.name.cmp(&b.partner.name));
    Ok(out)
}

/// Sends a webhook of a partner the operator may see again (reviewers and admins; a viewer
/// only reads), audited as `webhook.resend`.
pub async fn resend(core: &Services, operator: &Operator, id: &WebhookId) -> CoreResult<()> {
    if !operator.role.may_decide() {
        return Err(operators::not_allowed(operator, "resend webhooks"));
    }
    let scope = operators::scope(operator);
    let delivery = core.store.delivery(id).await?.filter(|d| scope.includes(d.partner_id));
    let Some(delivery) = delivery else {
        return Err(CoreError::NotFound(format!("no webhook event '{id}' you may see")));
    };
    crate::webhooks::resend(core, id).await?;
    let detail = Some(format!("{} {id}", delivery.event_type));
    let actor = operators::actor(operator);
    audit::record(
        core,
        Some(delivery.partner_id),
        actor,
        "webhook.resend",
        &delivery.scan_ref,
        detail,
    )
    .await
}

/// Days the dashboard covers, today included.
pub const DASHBOARD_DAYS: i64 = 14;

/// Verifications per status per day, and how long decisions took.
#[derive(Debug, Clone, Default, PartialEq)]
pub struct Dashboard {
    /// The statuses that occur, in the vocabulary's order.
    pub statuses: Vec<OverallStatus>,
    /// Each day of the window, newest first, with its count per status of `statuses`.
    pub days: Vec<(Date, Vec<i64>)>,
    /// Verifications decided (APPROVED, DENIED, SUSPECTED after a submission) in the window.
    pub decided: usize,
    /// Their median time from submission to decision.
    pub median_decision: Option<time::Duration>,
}

/// The dashboard over the operator's partners for the last [`DASHBOARD_DAYS`] UTC days.
pub async fn dashboard(core: &Services, operator: &Operator) -> CoreResult<Dashboard> {
    let scope = operators::scope(operator);
    let today = core.clock.now().date();
    let first = today - time::Duration::days(DASHBOARD_DAYS - 1);
    let since = first.midnight().assume_utc();
    let stats = core.store.verification_stats(scope.partners(), since).await?;
    let statuses: Vec<OverallStatus> = OverallStatus::ALL
        .iter()
        .copied()
        .filter(|s| stats.per_day.iter().any(|(_, status, _)| status == s))
        .collect();
    let days = (0..DASHBOARD_DAYS)
        .map(|back| {
            let date = today - time::Duration::days(back);
            let number = date.midnight().assume_utc().unix_timestamp() / 86_400;
            let counts = statuses
                .iter()
                .map(|s| {
                    let hit =
                        stats.per_day.iter().find(|(d, status, _)| *d == number && status == s);
                    hit.map_or(0, |(_, _, n)| *n)
                })
                .collect();
            (date, counts)
        })
        .collect();
    let decided = stats.decision_ms.len();
    let median_decision = median(&stats.decision_ms).map(time::Duration::milliseconds);
    Ok(Dashboard { statuses, days, decided, median_decision })
}

/// The median of ascending values (the mean of the middle two for an even count).
fn median(sorted: &[i64]) -> Option<i64> {
    let n = sorted.len();
    match n {
        0 => None,
        _ if n % 2 == 1 => Some(sorted[n / 2]),
        _ => Some((sorted[n / 2 - 1] + sorted[n / 2]) / 2),
    }
}

#[cfg(test)]
mod tests {
    #[test]
    fn the_median_takes_the_middle_or_the_mean_of_the_middle_two() {
        assert_eq!(super::median(&[]), None);
        assert_eq!(super::median(&[5]), Some(5));
        assert_eq!(super::median(&[1, 3, 10]), Some(3));
        assert_eq!(super::median(&[1, 3, 5, 10]), Some(4));
    }
}
