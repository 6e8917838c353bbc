-- Submissions and their automatic analysis.
-- submitted_at: when the images were submitted; the token is used from then on.
ALTER TABLE verifications ADD COLUMN submitted_at BIGINT;

-- One queued analysis per submitted verification, removed when its result is applied (in the
-- same transaction). Claimed with a lease like the webhook outbox.
CREATE TABLE analysis_jobs (
    scan_ref        TEXT PRIMARY KEY REFERENCES verifications (scan_ref),
    partner_id      TEXT NOT NULL REFERENCES partners (id),
    submission      TEXT NOT NULL,
    queued_at       BIGINT NOT NULL,
    attempts        BIGINT NOT NULL DEFAULT 0,
    next_attempt_at BIGINT NOT NULL,
    lease_owner     TEXT,
    lease_until     BIGINT,
    last_error      TEXT
);
CREATE INDEX analysis_jobs_due ON analysis_jobs (next_attempt_at);
