-- A webhook's first attempts are made by one replica at a time, following its events from
-- fanned_out_through (now: the newest event whose first attempt is recorded, or that it skipped):
-- the replica holds the webhook until sender_until, renews it with each window of events it
-- records, and another replica takes the webhook over only once that has passed (its follower died
-- mid-send: the window is sent again, so none is lost).
ALTER TABLE webhooks ADD COLUMN sender_claim UUID, ADD COLUMN sender_until TIMESTAMPTZ;
