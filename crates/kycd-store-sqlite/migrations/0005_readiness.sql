-- Readiness probes (GET /health/ready): one row rewritten on every probe, so a database that
-- can no longer commit (a full disk, a read-only replica) is reported before writes fail.
CREATE TABLE readiness_probes (
    probe TEXT PRIMARY KEY,
    probed_at BIGINT NOT NULL
);
