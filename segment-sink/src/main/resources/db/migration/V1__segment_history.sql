-- Segment-sink schema, version 1. One dialect: PostgreSQL. Every table is keyed so that a replay
-- of the same records writes nothing twice (INSERT ... ON CONFLICT DO NOTHING).

-- Every ENTERED/EXITED, keyed by the profiler's deterministic change id.
CREATE TABLE membership_history (
    change_id        TEXT PRIMARY KEY,
    site_id          TEXT        NOT NULL,
    visitor_id       TEXT        NOT NULL,
    segment_id       TEXT        NOT NULL,
    segment_name     TEXT,
    rule_version     BIGINT,
    transition       TEXT        NOT NULL CHECK (transition IN ('ENTERED', 'EXITED')),
    priority         INTEGER,
    cause            TEXT        NOT NULL,
    cause_event_id   TEXT,
    changed_at       TIMESTAMPTZ NOT NULL, -- event time of the cause
    emitted_at       TIMESTAMPTZ NOT NULL,
    city             TEXT,
    country          TEXT,
    cart_value       DOUBLE PRECISION
);
CREATE INDEX membership_history_visitor ON membership_history (site_id, visitor_id, changed_at, change_id);
CREATE INDEX membership_history_segment ON membership_history (site_id, segment_id, changed_at, visitor_id);

-- Members now: maintained from the history in the same transaction.
CREATE TABLE membership_current (
    site_id     TEXT        NOT NULL,
    segment_id  TEXT        NOT NULL,
    visitor_id  TEXT        NOT NULL,
    entered_at  TIMESTAMPTZ NOT NULL,
    change_id   TEXT        NOT NULL,
    PRIMARY KEY (site_id, segment_id, visitor_id)
);

-- ENTERED/EXITED per segment and minute, counted only for history rows actually inserted.
CREATE TABLE segment_minute_counts (
    site_id     TEXT        NOT NULL,
    segment_id  TEXT        NOT NULL,
    minute      TIMESTAMPTZ NOT NULL,
    entered     INTEGER     NOT NULL DEFAULT 0,
    exited      INTEGER     NOT NULL DEFAULT 0,
    PRIMARY KEY (site_id, segment_id, minute)
);

-- Chats and their messages and forms (chat events), one row per event.
CREATE TABLE chats (
    site_id     TEXT        NOT NULL,
    chat_id     TEXT        NOT NULL,
    visitor_id  TEXT        NOT NULL,
    started_at  TIMESTAMPTZ NOT NULL, -- the first event of the chat seen
    ended_at    TIMESTAMPTZ,
    PRIMARY KEY (site_id, chat_id)
);
CREATE INDEX chats_started ON chats (site_id, started_at, chat_id);
CREATE INDEX chats_visitor ON chats (site_id, visitor_id);

CREATE TABLE chat_events (
    event_id    TEXT PRIMARY KEY,
    site_id     TEXT        NOT NULL,
    chat_id     TEXT,
    visitor_id  TEXT        NOT NULL,
    event_time  TIMESTAMPTZ NOT NULL,
    kind        TEXT        NOT NULL, -- chat_requested, chat_message, postchat_submitted, ...
    sender      TEXT,
    body        TEXT,                 -- message text or offline message
    fields      JSONB,                -- form fields
    rating      INTEGER
);
CREATE INDEX chat_events_chat ON chat_events (site_id, chat_id, event_time, event_id);
CREATE INDEX chat_events_visitor ON chat_events (site_id, visitor_id);

-- Proactive invitations and their outcome (from invitation_response events).
CREATE TABLE invitations (
    invitation_id TEXT PRIMARY KEY,
    site_id       TEXT        NOT NULL,
    visitor_id    TEXT        NOT NULL,
    segment_id    TEXT        NOT NULL,
    variant_id    TEXT,
    created_at    TIMESTAMPTZ NOT NULL,
    expires_at    TIMESTAMPTZ,
    outcome       TEXT CHECK (outcome IN ('ACCEPTED', 'DECLINED', 'IGNORED')),
    responded_at  TIMESTAMPTZ
);
CREATE INDEX invitations_segment ON invitations (site_id, segment_id, created_at);
CREATE INDEX invitations_visitor ON invitations (site_id, visitor_id);

-- A response can arrive before its invitation (two topics): kept here until both are known.
CREATE TABLE invitation_responses (
    event_id      TEXT PRIMARY KEY,
    site_id       TEXT        NOT NULL,
    visitor_id    TEXT        NOT NULL,
    invitation_id TEXT        NOT NULL,
    outcome       TEXT        NOT NULL,
    responded_at  TIMESTAMPTZ NOT NULL
);
CREATE INDEX invitation_responses_invitation ON invitation_responses (invitation_id);
CREATE INDEX invitation_responses_visitor ON invitation_responses (site_id, visitor_id);

-- Purchases (conversions).
CREATE TABLE purchases (
    event_id      TEXT PRIMARY KEY,
    site_id       TEXT        NOT NULL,
    visitor_id    TEXT        NOT NULL,
    order_id      TEXT,
    value         DOUBLE PRECISION NOT NULL,
    currency      TEXT,
    purchased_at  TIMESTAMPTZ NOT NULL
);
CREATE INDEX purchases_visitor ON purchases (site_id, visitor_id, purchased_at);

-- Erasures carried out: records of an erased visitor up to the request time are not written again.
CREATE TABLE erasures (
    site_id       TEXT        NOT NULL,
    visitor_id    TEXT        NOT NULL,
    request_id    TEXT        NOT NULL,
    requested_at  TIMESTAMPTZ NOT NULL,
    erased_at     TIMESTAMPTZ NOT NULL,
    rows_deleted  INTEGER     NOT NULL,
    PRIMARY KEY (site_id, visitor_id)
);
