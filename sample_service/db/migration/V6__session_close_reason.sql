-- Sessions record why they were closed; sessions may also expire.

ALTER TYPE session_status ADD VALUE IF NOT EXISTS 'expired';

ALTER TABLE ai_sessions
    ADD COLUMN closed_reason varchar(64),
    ALTER COLUMN title SET DEFAULT 'Untitled session';

ALTER TABLE ai_calls RENAME COLUMN model TO model_name;
