//! Fair webhook delivery: which due deliveries a worker takes next, so that one partner's slow or
//! dead receiver never holds the slots every other partner needs (issue 15: 300 events to a
//! receiver that never answered filled all 64 slots and another partner's 50 webhooks took 39 s).
//!
//! Two caps bound the deliveries in flight at once, across every worker and node: per receiver
//! (scheme, host and port of the target URL) and per partner (a partner may name a different
//! `callbackUrl` per token, so a receiver cap alone would not stop one partner spreading a backlog
//! over many hosts). Within the caps, partners take turns, and each partner's receivers take
//! turns, oldest due first; a backlog is therefore never ahead of another partner's first event.

use std::collections::HashMap;

/// Caps on deliveries in flight at once (across all workers sharing the store).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct FairShare {
    pub per_receiver: usize,
    pub per_partner: usize,
}

impl Default for FairShare {
    /// With 64 slots per worker: a dead receiver holds at most 16, one partner at most 32.
    fn default() -> Self {
        Self { per_receiver: 16, per_partner: 32 }
    }
}

/// The receiver a delivery counts against: `scheme://host[:port]`, lower case, the scheme's
/// default port left out. An unparsable URL is its own receiver ("").
pub fn receiver_key(target_url: &str) -> String {
    let Ok(url) = url::Url::parse(target_url) else { return String::new() };
    let Some(host) = url.host_str() else { return String::new() };
    match url.port() {
        Some(port) => format!("{}://{host}:{port}", url.scheme()),
        None => format!("{}://{host}", url.scheme()),
    }
}

/// A due delivery that may be claimed; `index` is the caller's own (its position in a list).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Candidate<'a> {
    pub index: usize,
    pub partner: &'a str,
    pub receiver: &'a str,
    /// When it fell due (any monotonic unit); older first.
    pub due_at: i64,
}

/// Deliveries already in flight, by partner and by receiver.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct InFlight {
    pub by_partner: HashMap<String, usize>,
    pub by_receiver: HashMap<String, usize>,
}

impl InFlight {
    pub fn add(&mut self, partner: &str, receiver: &str, count: usize) {
        *self.by_partner.entry(partner.to_owned()).or_default() += count;
        *self.by_receiver.entry(receiver.to_owned()).or_default() += count;
    }
}

/// The candidates to claim, in the order to send them: at most `limit`, none past a cap.
/// Partners take turns (the one whose next delivery is oldest first), and within a partner its
/// receivers take turns the same way.
pub fn choose(
    candidates: &[Candidate<'_>],
    in_flight: &InFlight,
    share: FairShare,
    limit: usize,
) -> Vec<usize> {
    // partner → receiver → that receiver's candidates, oldest first.
    let mut queues: Vec<PartnerQueue<'_>> = Vec::new();
    // Where each partner's queue, and each (partner, receiver) list, is: a claim may look at
    // thousands of candidates, so no linear search per candidate.
    let mut queue_of: HashMap<&str, usize> = HashMap::new();
    let mut list_of: HashMap<(&str, &str), usize> = HashMap::new();
    let mut sorted: Vec<&Candidate<'_>> = candidates.iter().collect();
    sorted.sort_by_key(|c| (c.due_at, c.index));
    for candidate in sorted {
        let at = *queue_of.entry(candidate.partner).or_insert_with(|| {
            queues.push(PartnerQueue {
                busy: in_flight.by_partner.get(candidate.partner).copied().unwrap_or(0),
                receivers: Vec::new(),
                turn: 0,
            });
            queues.len() - 1
        });
        let receivers = &mut queues[at].receivers;
        let list = *list_of.entry((candidate.partner, candidate.receiver)).or_insert_with(|| {
            receivers.push((candidate.receiver, Vec::new()));
            receivers.len() - 1
        });
        receivers[list].1.push(candidate);
    }
    for queue in &mut queues {
        for (_, waiting) in &mut queue.receivers {
            waiting.reverse(); // pop() takes the oldest
        }
    }

    let mut receiver_busy: HashMap<&str, usize> = HashMap::new();
    let mut chosen = Vec::new();
    while chosen.len() < limit {
        let mut progressed = false;
        for queue in &mut queues {
            if chosen.len() == limit {
                break;
            }
            if queue.busy >= share.per_partner {
                continue;
            }
            if let Some(candidate) = queue.next(in_flight, &mut receiver_busy, share.per_receiver) {
                queue.busy += 1;
                chosen.push(candidate.index);
                progressed = true;
            }
        }
        if !progressed {
            break;
        }
    }
    chosen
}

struct PartnerQueue<'a> {
    busy: usize,
    /// In the order their oldest candidate fell due; each list newest first.
    receivers: Vec<(&'a str, Vec<&'a Candidate<'a>>)>,
    turn: usize,
}

impl<'a> PartnerQueue<'a> {
    /// The next candidate of the next receiver in turn that has one and has room.
    fn next(
        &mut self,
        in_flight: &InFlight,
        receiver_busy: &mut HashMap<&'a str, usize>,
        per_receiver: usize,
    ) -> Option<&'a Candidate<'a>> {
        for step in 0..self.receivers.len() {
            let at = (self.turn + step) % self.receivers.len();
            let (receiver, waiting) = &mut self.receivers[at];
            let busy = receiver_busy
                .entry(receiver)
                .or_insert_with(|| in_flight.by_receiver.get(*receiver).copied().unwrap_or(0));
            if *busy >= per_receiver {
                continue;
            }
            if let Some(candidate) = waiting.pop() {
                *busy += 1;
                self.turn = at + 1;
                return Some(candidate);
            }
        }
        None
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn candidates<'a>(rows: &[(&'a str, &'a str, i64)]) -> Vec<Candidate<'a>> {
        rows.iter()
            .enumerate()
            .map(|(index, &(partner, receiver, due_at))| Candidate {
                index,
                partner,
                receiver,
                due_at,
            })
            .collect()
    }

    fn picked<'a>(all: &[Candidate<'a>], chosen: &[usize]) -> Vec<(&'a str, i64)> {
        chosen.iter().map(|&i| (all[i].receiver, all[i].due_at)).collect()
    }

    #[test]
    fn a_backlog_never_goes_before_another_partners_first_event() {
        // 100 old events for the slow partner, then one newer event for another.
        let mut rows: Vec<(&str, &str, i64)> =
            (0..100).map(|t| ("slow", "https://slow", t)).collect();
        rows.push(("fast", "https://fast", 1_000));
        let all = candidates(&rows);
        let chosen = choose(&all, &InFlight::default(), FairShare::default(), 4);
        assert_eq!(
            picked(&all, &chosen),
            [
                ("https://slow", 0),
                ("https://fast", 1_000),
                ("https://slow", 1),
                ("https://slow", 2)
            ]
        );
    }

    #[test]
    fn a_receiver_at_its_cap_gets_nothing_and_its_slots_go_to_others() {
        let rows: Vec<(&str, &str, i64)> = (0..50)
            .map(|t| ("slow", "https://slow", t))
            .chain((0..50).map(|t| ("fast", "https://fast", 100 + t)))
            .collect();
        let all = candidates(&rows);
        let mut in_flight = InFlight::default();
        in_flight.add("slow", "https://slow", 16);
        let chosen = choose(&all, &in_flight, FairShare::default(), 64);
        assert!(chosen.iter().all(|&i| all[i].partner == "fast"));
        // The fast partner's one receiver has its own cap of 16.
        assert_eq!(chosen.len(), 16);
    }

    #[test]
    fn caps_count_what_is_chosen_now_as_well_as_what_is_in_flight() {
        let rows: Vec<(&str, &str, i64)> = (0..40).map(|t| ("p", "https://a", t)).collect();
        let all = candidates(&rows);
        let mut in_flight = InFlight::default();
        in_flight.add("p", "https://a", 10);
        let share = FairShare { per_receiver: 16, per_partner: 32 };
        assert_eq!(choose(&all, &in_flight, share, 64).len(), 6);
    }

    #[test]
    fn a_partner_spreading_over_many_receivers_is_held_to_its_partner_cap() {
        let hosts: Vec<String> = (0..20).map(|h| format!("https://h{h}")).collect();
        let rows: Vec<(&str, &str, i64)> =
            (0..200).map(|t| ("spread", hosts[t % 20].as_str(), t as i64)).collect();
        let all = candidates(&rows);
        let share = FairShare { per_receiver: 4, per_partner: 10 };
        let chosen = choose(&all, &InFlight::default(), share, 64);
        assert_eq!(chosen.len(), 10);
        // Receivers took turns: ten different hosts, oldest first.
        let mut receivers: Vec<&str> = chosen.iter().map(|&i| all[i].receiver).collect();
        receivers.dedup();
        assert_eq!(receivers.len(), 10);
    }

    #[test]
    fn within_a_receiver_the_oldest_goes_first_and_the_limit_holds() {
        let all = candidates(&[("p", "r", 5), ("p", "r", 1), ("p", "r", 3)]);
        let chosen = choose(&all, &InFlight::default(), FairShare::default(), 2);
        assert_eq!(picked(&all, &chosen), [("r", 1), ("r", 3)]);
    }

    #[test]
    fn receiver_keys_name_scheme_host_and_port() {
        assert_eq!(receiver_key("https://Hooks.Example.com/a?b=1"), "https://hooks.example.com");
        assert_eq!(receiver_key("https://hooks.example.com:443/x"), "https://hooks.example.com");
        assert_eq!(receiver_key("http://127.0.0.1:8080/hook"), "http://127.0.0.1:8080");
        assert_eq!(receiver_key("https://user:pw@[::1]:9443/"), "https://[::1]:9443");
        assert_eq!(receiver_key("not a url"), "");
    }
}
