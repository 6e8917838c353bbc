-- Partners, rate windows, verifications and the webhook outbox (PostgreSQL).
-- The same tables and columns as the SQLite migration of the same name, so both backends store
-- the same values: times are BIGINT Unix milliseconds handed in by the application clock (never
-- now()), sealed columns (personal data, secrets) are BYTEA holding AES-256-GCM ciphertexts
-- (kycd-store crypto), ids are TEXT. Text columns that are sorted on use the "C" collation, so
-- the order is byte order, as in SQLite, whatever the server's locale.

CREATE TABLE partners (
    id                  TEXT PRIMARY KEY,
    name                TEXT COLLATE "C" NOT NULL UNIQUE,
    environment         TEXT NOT NULL,
    api_key             TEXT NOT NULL UNIQUE,
    api_secret_sha256   BYTEA NOT NULL,
    signing_key         BYTEA NOT NULL,
    webhook_url         TEXT,
    credits             BIGINT,
    rate_limit_per_hour BIGINT NOT NULL,
    enabled             BOOLEAN NOT NULL,
    token_defaults      TEXT NOT NULL,
    created_at          BIGINT NOT NULL
);

CREATE TABLE rate_windows (
    partner_id    TEXT NOT NULL REFERENCES partners (id),
    window_start  BIGINT NOT NULL,
    request_count BIGINT NOT NULL,
    PRIMARY KEY (partner_id, window_start)
);

CREATE TABLE verifications (
    scan_ref         TEXT COLLATE "C" PRIMARY KEY,
    partner_id       TEXT NOT NULL REFERENCES partners (id),
    client_id        TEXT NOT NULL,
    auth_token       TEXT NOT NULL UNIQUE,
    digit_string     TEXT,
    status           TEXT NOT NULL,
    request          BYTEA NOT NULL,
    result           BYTEA,
    created_at       BIGINT NOT NULL,
    token_expires_at BIGINT NOT NULL,
    updated_at       BIGINT NOT NULL
);
CREATE INDEX verifications_by_partner ON verifications (partner_id, created_at);
CREATE INDEX verifications_by_status_expiry ON verifications (status, token_expires_at);

-- The outbox: one row per event and target, written in the state change's transaction.
-- state: pending | delivered | failed | gone | no_target
CREATE TABLE webhook_events (
    id              TEXT COLLATE "C" PRIMARY KEY,
    partner_id      TEXT NOT NULL REFERENCES partners (id),
    scan_ref        TEXT NOT NULL,
    event_type      TEXT NOT NULL,
    payload         BYTEA NOT NULL,
    target_url      TEXT,
    created_at      BIGINT NOT NULL,
    state           TEXT NOT NULL,
    attempts        BIGINT NOT NULL DEFAULT 0,
    next_attempt_at BIGINT,
    lease_owner     TEXT,
    lease_until     BIGINT,
    last_status     BIGINT,
    last_error      TEXT,
    chaos           TEXT,
    updated_at      BIGINT NOT NULL
);
CREATE INDEX webhook_events_by_scan_ref ON webhook_events (partner_id, scan_ref, created_at);
CREATE INDEX webhook_events_due ON webhook_events (state, next_attempt_at);

-- Every delivery attempt, kept for the delivery log.
CREATE TABLE webhook_attempts (
    event_id         TEXT COLLATE "C" NOT NULL REFERENCES webhook_events (id),
    attempt          BIGINT NOT NULL,
    attempted_at     BIGINT NOT NULL,
    target_url       TEXT NOT NULL,
    request_headers  TEXT NOT NULL,
    status_code      BIGINT,
    latency_ms       BIGINT NOT NULL,
    error            TEXT,
    response_excerpt TEXT,
    PRIMARY KEY (event_id, attempt)
);

-- Data keys, wrapped under the operator's master key (which is never stored here).
CREATE TABLE data_keys (
    id            TEXT COLLATE "C" PRIMARY KEY,
    master_key_id TEXT NOT NULL,
    wrapped       BYTEA NOT NULL,
    created_at    BIGINT NOT NULL
);

-- Fixed-window counters (polling guard and similar), keyed by purpose and subject.
CREATE TABLE counters (
    counter_key   TEXT NOT NULL,
    window_start  BIGINT NOT NULL,
    request_count BIGINT NOT NULL,
    PRIMARY KEY (counter_key, window_start)
);

-- Who read personal data, when. Append-only. `id` gives the insertion order SQLite's rowid gives.
CREATE TABLE audit_log (
    id         BIGSERIAL PRIMARY KEY,
    at         BIGINT NOT NULL,
    partner_id TEXT,
    actor      TEXT NOT NULL,
    action     TEXT NOT NULL,
    scan_ref   TEXT,
    detail     TEXT
);
CREATE INDEX audit_log_by_scan_ref ON audit_log (scan_ref, at);
CREATE INDEX audit_log_by_time ON audit_log (at);
