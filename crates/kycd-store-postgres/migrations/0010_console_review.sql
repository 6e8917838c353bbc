-- The review console, continued (issue 14).
--
-- Four-eyes review: a reviewer's decision of a case whose partner requires a second
-- reviewer waits here until another reviewer confirms it. The decision (note, corrected data) is
-- sealed; the row goes with the verification's data (purge, sandbox reset).
CREATE TABLE review_proposals (
    scan_ref    TEXT COLLATE "C" PRIMARY KEY,
    partner_id  TEXT NOT NULL REFERENCES partners (id),
    operator_id TEXT NOT NULL REFERENCES operators (id),
    decision    BYTEA NOT NULL,
    created_at  BIGINT NOT NULL
);

-- The console's search over all verifications (newest first) by clientId, by status, or by
-- date alone; by partner it uses verifications_by_partner, by scanRef the primary key.
CREATE INDEX verifications_by_client ON verifications (client_id, created_at);
CREATE INDEX verifications_by_status_time ON verifications (status, created_at);
CREATE INDEX verifications_by_time ON verifications (created_at);

-- An operator's optional second factor: the TOTP secret (sealed) and the last step a code was
-- accepted for (a code is accepted once).
CREATE TABLE operator_totp (
    operator_id TEXT PRIMARY KEY REFERENCES operators (id),
    secret      BYTEA NOT NULL,
    last_step   BIGINT NOT NULL
);
