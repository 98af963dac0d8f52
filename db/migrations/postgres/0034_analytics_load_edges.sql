-- Hand-written (issue 19): a period's operator load is packed as its edges in time order
-- (kind 'load_edges'), no longer as spans (kind 'load'); the old copies are derived data that
-- nothing reads now.
DELETE FROM "analytics_period_cache" WHERE "kind" = 'load';
