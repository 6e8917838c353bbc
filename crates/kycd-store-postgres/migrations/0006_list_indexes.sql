-- Indexes for the delivery log in each of its shapes (one partner's events, one verification's,
-- everything), newest first, so a list never scans or sorts the whole outbox.
CREATE INDEX webhook_events_by_partner_time ON webhook_events (partner_id, created_at, id);
CREATE INDEX webhook_events_by_scan_ref_time ON webhook_events (scan_ref, created_at, id);
CREATE INDEX webhook_events_by_time ON webhook_events (created_at, id);
-- The audit log newest first, ties broken by id (SQLite's indexes carry the rowid already).
CREATE INDEX audit_log_by_time_id ON audit_log (at, id);
CREATE INDEX audit_log_by_scan_ref_time_id ON audit_log (scan_ref, at, id);
