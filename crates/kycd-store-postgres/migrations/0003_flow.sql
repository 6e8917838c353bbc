-- The hosted flow.
-- opened_at: when the person first opened the flow; from then on token_expires_at holds the
-- session deadline (opened_at + sessionLength) instead of created_at + expiryTime.
ALTER TABLE verifications ADD COLUMN opened_at BIGINT;
-- Hosted-flow attempts: a failed automatic attempt with attempts left goes back to the person
-- (submitted_at cleared); attempts_used counts them and last_attempt keeps the latest one's
-- result (sealed), which becomes final if the session then times out or is cancelled.
ALTER TABLE verifications ADD COLUMN attempts_used BIGINT NOT NULL DEFAULT 0;
ALTER TABLE verifications ADD COLUMN last_attempt BYTEA;
