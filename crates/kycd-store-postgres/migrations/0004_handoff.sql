-- Short hand-off codes (hosted flow, "continue on your phone"): the keyed digest of the latest
-- code shown for the session and when it stops working. Cleared when used, so a code works once.
ALTER TABLE verifications ADD COLUMN handoff_digest BYTEA;
ALTER TABLE verifications ADD COLUMN handoff_expires_at BIGINT;
CREATE UNIQUE INDEX verifications_handoff_digest ON verifications (handoff_digest);
