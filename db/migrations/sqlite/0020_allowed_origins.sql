-- Issue 18 (S3): inboxes from before the site allowlist keep running anywhere, as they did;
-- new inboxes start with null (not chosen) until an admin decides.
UPDATE `inboxes` SET `settings` = json_set(`settings`, '$.allowedOrigins', json('[]'))
WHERE json_type(`settings`, '$.allowedOrigins') IS NULL;
