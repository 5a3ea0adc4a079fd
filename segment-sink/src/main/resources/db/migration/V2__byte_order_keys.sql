-- Segment-sink schema, version 2: cheaper keys on the hot tables.
--
-- Identifiers (site, visitor, segment, change, chat, event, invitation ids) are compared byte by
-- byte (COLLATE "C"): they need no linguistic order, and a database created with a language
-- collation (en_US.UTF-8, C.UTF-8) otherwise compares every index key through strcoll, a third of
-- PostgreSQL's time when it writes segment changes. Paging cursors order by the same columns, so
-- they stay consistent. Every identifier column changes, so joins between tables compare in one
-- collation and keep using their indexes.
--
-- The visitor index of the history leads with the visitor: queries pin both site and visitor, and
-- the most selective column first settles most comparisons on the first key.

ALTER TABLE membership_history
    ALTER COLUMN change_id TYPE TEXT COLLATE "C",
    ALTER COLUMN site_id TYPE TEXT COLLATE "C",
    ALTER COLUMN visitor_id TYPE TEXT COLLATE "C",
    ALTER COLUMN segment_id TYPE TEXT COLLATE "C",
    ALTER COLUMN cause_event_id TYPE TEXT COLLATE "C";
DROP INDEX membership_history_visitor;
CREATE INDEX membership_history_visitor ON membership_history (visitor_id, site_id, changed_at, change_id);

ALTER TABLE membership_current
    ALTER COLUMN site_id TYPE TEXT COLLATE "C",
    ALTER COLUMN segment_id TYPE TEXT COLLATE "C",
    ALTER COLUMN visitor_id TYPE TEXT COLLATE "C",
    ALTER COLUMN change_id TYPE TEXT COLLATE "C";

ALTER TABLE segment_minute_counts
    ALTER COLUMN site_id TYPE TEXT COLLATE "C",
    ALTER COLUMN segment_id TYPE TEXT COLLATE "C";

ALTER TABLE chats
    ALTER COLUMN site_id TYPE TEXT COLLATE "C",
    ALTER COLUMN chat_id TYPE TEXT COLLATE "C",
    ALTER COLUMN visitor_id TYPE TEXT COLLATE "C";

ALTER TABLE chat_events
    ALTER COLUMN event_id TYPE TEXT COLLATE "C",
    ALTER COLUMN site_id TYPE TEXT COLLATE "C",
    ALTER COLUMN chat_id TYPE TEXT COLLATE "C",
    ALTER COLUMN visitor_id TYPE TEXT COLLATE "C";

ALTER TABLE invitations
    ALTER COLUMN invitation_id TYPE TEXT COLLATE "C",
    ALTER COLUMN site_id TYPE TEXT COLLATE "C",
    ALTER COLUMN visitor_id TYPE TEXT COLLATE "C",
    ALTER COLUMN segment_id TYPE TEXT COLLATE "C",
    ALTER COLUMN variant_id TYPE TEXT COLLATE "C";

ALTER TABLE invitation_responses
    ALTER COLUMN event_id TYPE TEXT COLLATE "C",
    ALTER COLUMN site_id TYPE TEXT COLLATE "C",
    ALTER COLUMN visitor_id TYPE TEXT COLLATE "C",
    ALTER COLUMN invitation_id TYPE TEXT COLLATE "C";

ALTER TABLE purchases
    ALTER COLUMN event_id TYPE TEXT COLLATE "C",
    ALTER COLUMN site_id TYPE TEXT COLLATE "C",
    ALTER COLUMN visitor_id TYPE TEXT COLLATE "C";

ALTER TABLE erasures
    ALTER COLUMN site_id TYPE TEXT COLLATE "C",
    ALTER COLUMN visitor_id TYPE TEXT COLLATE "C";
