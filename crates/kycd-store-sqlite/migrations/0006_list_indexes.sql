-- Indexes for the delivery log in each of its shapes (one partner's events, one verification's,
-- everything), newest first, so a list never scans or sorts the whole outbox.
CREATE INDEX webhook_events_by_partner_time ON webhook_events (partner_id, created_at, id);
CREATE INDEX webhook_events_by_scan_ref_time ON webhook_events (scan_ref, created_at, id);
CREATE INDEX webhook_events_by_time ON webhook_events (created_at, id);
