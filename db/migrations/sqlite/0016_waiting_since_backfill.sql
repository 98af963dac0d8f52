-- The waiting time of conversations stored before `waiting_since` existed (0014): the time of
-- the first visitor message after the last operator message, for those still unanswered, as
-- the actor keeps it from now on (db/repos/rows.ts `waitingSql`; automatic replies are system
-- messages and never an answer).
UPDATE conversations SET waiting_since = (
  SELECT min(e.at) FROM events e
  WHERE e.conversation_id = conversations.id
    AND e.name = 'message.created'
    AND e.author_kind = 'visitor'
    AND e.seq > coalesce((
      SELECT o.seq FROM events o
      WHERE o.conversation_id = conversations.id
        AND o.name = 'message.created'
        AND o.author_kind = 'operator'
      ORDER BY o.seq DESC LIMIT 1
    ), 0)
)
WHERE has_unanswered_incoming = true AND waiting_since IS NULL;
