-- Who an audit event's change came from: 'person' (actor_id names them, unless the account
-- was deleted since), 'operator' (the server's command line: grant-credits, set-plan) or
-- 'system'. Events written before have a person exactly when they had an actor.
ALTER TABLE audit_events ADD COLUMN actor_kind TEXT NOT NULL DEFAULT 'person';
UPDATE audit_events SET actor_kind = 'system' WHERE actor_id IS NULL;
