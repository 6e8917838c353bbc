-- The review console (issue 14): operators and their sessions. Passwords are argon2id PHC
-- strings; a session is stored by the SHA-256 of its cookie's token only.
CREATE TABLE operators (
    id            TEXT COLLATE "C" PRIMARY KEY,
    name          TEXT NOT NULL UNIQUE,
    role          TEXT NOT NULL,
    -- JSON array of partner ids; [] sees every partner.
    partners      TEXT NOT NULL,
    password_hash TEXT NOT NULL,
    disabled      BOOLEAN NOT NULL,
    failed_logins BIGINT NOT NULL DEFAULT 0,
    locked_until  BIGINT,
    created_at    BIGINT NOT NULL,
    updated_at    BIGINT NOT NULL
);

CREATE TABLE console_sessions (
    digest       BYTEA PRIMARY KEY,
    operator_id  TEXT NOT NULL REFERENCES operators (id),
    created_at   BIGINT NOT NULL,
    last_seen_at BIGINT NOT NULL
);
CREATE INDEX console_sessions_by_operator ON console_sessions (operator_id);

-- The review queue: verifications waiting for a person, the longest waiting first.
CREATE INDEX verifications_reviewing ON verifications (updated_at, scan_ref)
    WHERE status = 'REVIEWING';

-- Who is deciding a case: opening it for decision leases it to that operator until `until`.
CREATE TABLE review_claims (
    scan_ref    TEXT COLLATE "C" PRIMARY KEY,
    operator_id TEXT NOT NULL REFERENCES operators (id),
    until       BIGINT NOT NULL
);
