-- Fair delivery (issue 15): every outbox row names the receiver it counts against
-- (`scheme://host[:port]`, see kycd_domain::fair_share::receiver_key), so a claim can cap the
-- deliveries in flight per receiver and per partner.
ALTER TABLE webhook_events ADD COLUMN receiver TEXT NOT NULL DEFAULT '';
-- Rows still to deliver get scheme://authority from their URL. SQLite has no URL parser: an
-- explicit default port stays in here (and not in new rows), which only splits one receiver's
-- cap in two until these rows are delivered.
UPDATE webhook_events
SET receiver = lower(substr(target_url, 1,
    instr(target_url, '://') + 1 + instr(substr(target_url, instr(target_url, '://') + 3) || '/', '/')))
WHERE state = 'pending' AND target_url IS NOT NULL AND instr(target_url, '://') > 0;
-- The receivers with work waiting (read with a skip scan), and their due rows oldest first.
CREATE INDEX webhook_events_pending_by_receiver ON webhook_events (receiver, next_attempt_at)
    WHERE state = 'pending';
-- Deliveries in flight, counted per receiver and partner at every claim.
CREATE INDEX webhook_events_leased ON webhook_events (lease_until) WHERE lease_until IS NOT NULL;
