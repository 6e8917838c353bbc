-- Faces found in verifications (issue 13: duplicates and blocklists). The embedding is sealed
-- like images (AES-256-GCM under a data key); a verification's rows go with its purge. `id` is
-- the storage order a duplicate search pages through.
CREATE TABLE face_embeddings (
    id         BIGINT GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
    partner_id TEXT NOT NULL REFERENCES partners (id),
    scan_ref   TEXT COLLATE "C" NOT NULL REFERENCES verifications (scan_ref),
    client_id  TEXT NOT NULL,
    origin     TEXT NOT NULL,
    embedding  BYTEA NOT NULL,
    created_at BIGINT NOT NULL,
    UNIQUE (scan_ref, origin)
);
CREATE INDEX face_embeddings_by_partner ON face_embeddings (partner_id, origin, id);

-- Each partner's blocklists: a verification's selfie face (SELFIE), its portrait (DOCUMENT) or
-- its person's data (DOCUMENT_INFO). Reason and person are sealed.
CREATE TABLE blocklist_entries (
    scan_ref   TEXT COLLATE "C" NOT NULL REFERENCES verifications (scan_ref),
    source     TEXT NOT NULL,
    partner_id TEXT NOT NULL REFERENCES partners (id),
    reason     BYTEA,
    person     BYTEA,
    created_at BIGINT NOT NULL,
    PRIMARY KEY (scan_ref, source)
);
CREATE INDEX blocklist_entries_by_partner ON blocklist_entries (partner_id, source);

-- The keyed digests (HMAC-SHA256 under a key derived from the master key) of a DOCUMENT_INFO
-- entry's person keys: a later verification's keys are looked up here, never the data itself.
CREATE TABLE blocklist_person_keys (
    partner_id TEXT NOT NULL REFERENCES partners (id),
    digest     BYTEA NOT NULL,
    scan_ref   TEXT COLLATE "C" NOT NULL REFERENCES verifications (scan_ref),
    PRIMARY KEY (partner_id, digest, scan_ref)
);
CREATE INDEX blocklist_person_keys_by_scan_ref ON blocklist_person_keys (scan_ref);
