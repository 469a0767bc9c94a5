-- 019_notify.sql — telling affected customers: the outbox the database fills when an event is declared, updated or closed, each delivery attempt, and the agents' call list.

-- The worker (`careline notify`) logs in as a role in this group: it claims and settles
-- messages through the functions below and may do nothing else.
DO $$
BEGIN
    IF NOT EXISTS (SELECT 1 FROM pg_roles WHERE rolname = 'careline_notifier') THEN
        BEGIN
            CREATE ROLE careline_notifier NOLOGIN;
        EXCEPTION WHEN duplicate_object OR unique_violation THEN
            NULL;       -- another database of the cluster made it a moment ago
        END;
    END IF;
END $$;
DO $$
BEGIN
    EXECUTE format('GRANT CONNECT ON DATABASE %I TO careline_notifier', current_database());
END $$;
GRANT USAGE ON SCHEMA public TO careline_notifier;

------------------------------------------------------------------------------------------
-- Which channel reaches a customer. SMS needs a mobile: UK mobiles are +447 except the
-- personal numbers (070) and pagers (076, bar the Isle of Man's 07624).
CREATE FUNCTION notify_is_mobile(p_e164 text) RETURNS boolean
LANGUAGE sql IMMUTABLE AS $$
    SELECT coalesce(p_e164 ~ '^\+447([1-57-9]|624)', false)
$$;

-- The preferred channel when the customer has the address for it, else SMS, e-mail, then
-- a call from an agent. Non-digital customers are always called.
CREATE FUNCTION notify_channel(p_preferred text, p_phone text, p_email text, p_non_digital boolean)
RETURNS text LANGUAGE sql IMMUTABLE AS $$
    SELECT CASE WHEN p_non_digital THEN 'call'
                WHEN p_preferred = 'email' AND p_email IS NOT NULL THEN 'email'
                WHEN notify_is_mobile(p_phone) THEN 'sms'
                WHEN p_email IS NOT NULL THEN 'email'
                ELSE 'call' END
$$;

------------------------------------------------------------------------------------------
-- One message per affected customer per event version: the unique key makes queueing
-- idempotent, whoever queues and however often.
CREATE TABLE notify_message (
    id                  uuid PRIMARY KEY DEFAULT gen_random_uuid(),
    event_id            uuid NOT NULL REFERENCES critical_event ON DELETE CASCADE,
    event_version       integer NOT NULL,
    customer_id         bigint NOT NULL REFERENCES customer,
    premise_id          bigint REFERENCES premise,
    channel             text NOT NULL CHECK (channel IN ('sms','email','call')),
    address             text,           -- E.164 (sms, call) or e-mail; NULL: a call with no number
    subject             text NOT NULL,
    body                text NOT NULL,
    priority            smallint NOT NULL CHECK (priority IN (0, 1)),  -- 0: priority services or vulnerable
    -- queued: waiting for the worker (or, for a call, for an agent); sending: claimed by a
    -- worker; sent: handed to the MTA or SMS gateway; failed: could not be delivered, so
    -- on the call list; called: an agent worked the call; superseded: a newer version of
    -- the event replaced it before it went.
    status              text NOT NULL DEFAULT 'queued'
                            CHECK (status IN ('queued','sending','sent','failed','called','superseded')),
    attempts            integer NOT NULL DEFAULT 0,
    next_attempt_at     timestamptz NOT NULL DEFAULT now(),
    last_error          text,
    claimed_by          text,           -- worker name (host:pid)
    claim_pid           integer,        -- the worker's server process, to see it has gone
    claimed_at          timestamptz,
    sent_at             timestamptz,
    created_at          timestamptz NOT NULL DEFAULT now(),
    CONSTRAINT notify_message_dedupe UNIQUE (event_id, event_version, customer_id),
    CHECK (channel = 'call' OR address IS NOT NULL)
);
-- The worker's next batch: priority first, then the longest waiting.
CREATE INDEX notify_message_due_idx ON notify_message (priority, next_attempt_at)
    WHERE status = 'queued' AND channel <> 'call';
CREATE INDEX notify_message_event_idx ON notify_message (event_id, event_version, status);
CREATE INDEX notify_message_customer_idx ON notify_message (customer_id);
CREATE INDEX notify_message_sending_idx ON notify_message (claimed_at) WHERE status = 'sending';

-- Every hand-off attempt and what the MTA or gateway said.
CREATE TABLE notify_attempt (
    id         bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
    message_id uuid NOT NULL REFERENCES notify_message ON DELETE CASCADE,
    attempt    integer NOT NULL,
    at         timestamptz NOT NULL DEFAULT now(),
    worker     text NOT NULL,
    outcome    text NOT NULL CHECK (outcome IN ('sent','retry','failed','released')),
    detail     text,
    UNIQUE (message_id, attempt)
);

-- The outbound call list: non-digital customers, customers with no address, and failed
-- deliveries. An agent takes a call (taken_by, version-checked) and records its outcome
-- as an outbound contact; reached or a message left ends it, no answer puts it back
-- (after notify_call_retry_minutes) until the third.
CREATE TABLE notify_call (
    id             uuid PRIMARY KEY DEFAULT gen_random_uuid(),
    message_id     uuid NOT NULL UNIQUE REFERENCES notify_message ON DELETE CASCADE,
    event_id       uuid NOT NULL REFERENCES critical_event ON DELETE CASCADE,
    customer_id    bigint NOT NULL REFERENCES customer,
    priority       smallint NOT NULL,
    reason         text NOT NULL CHECK (reason IN ('non_digital','no_address','failed')),
    detail         text,                -- why the delivery failed
    status         text NOT NULL DEFAULT 'open' CHECK (status IN ('open','done','superseded')),
    taken_by       integer REFERENCES staff,
    taken_at       timestamptz,
    no_answers     integer NOT NULL DEFAULT 0,
    retry_at       timestamptz,         -- after a no answer: back on the list from then
    outcome        text CHECK (outcome IN ('reached','left_message','unreached')),
    interaction_id uuid REFERENCES interaction,
    done_by        integer REFERENCES staff,
    done_at        timestamptz,
    version        integer NOT NULL DEFAULT 1,
    created_at     timestamptz NOT NULL DEFAULT now(),
    CHECK ((status = 'done') = (outcome IS NOT NULL))
);
CREATE INDEX notify_call_open_idx ON notify_call (priority, created_at) WHERE status = 'open';
CREATE INDEX notify_call_event_idx ON notify_call (event_id, status);
CREATE TRIGGER notify_call_version BEFORE UPDATE ON notify_call
    FOR EACH ROW EXECUTE FUNCTION bump_version();

INSERT INTO app_setting (key, value, description) VALUES
    ('notify_call_retry_minutes', '60', 'a call with no answer comes back on the call list after this many minutes'),
    ('notify_call_take_minutes', '15', 'a call an agent took and did not record is free for others after this many minutes')
ON CONFLICT (key) DO NOTHING;

------------------------------------------------------------------------------------------
-- Queueing: one message per affected customer for the event's current version.

CREATE FUNCTION notify_subject(e critical_event, p_update boolean) RETURNS text
LANGUAGE sql IMMUTABLE AS $$
    SELECT CASE WHEN e.status = 'ended' THEN 'Resolved: ' WHEN p_update THEN 'Update: ' ELSE '' END
        || CASE e.kind WHEN 'supply_interruption' THEN 'Water supply interruption'
                       WHEN 'boil_water' THEN 'Boil water notice'
                       WHEN 'do_not_drink' THEN 'Do not drink notice'
                       WHEN 'low_pressure' THEN 'Low water pressure'
                       WHEN 'planned_works' THEN 'Planned works'
                       WHEN 'sewer_flooding' THEN 'Sewer incident'
                       WHEN 'discolouration' THEN 'Discoloured water'
                       ELSE initcap(replace(e.kind, '_', ' ')) END
        || ' - ' || e.title
$$;

-- Queue the event's current version (idempotent: a second call queues nothing). Messages
-- of earlier versions not yet sent, and their open calls, are superseded: a customer
-- hears the latest facts once. Runs as the owner: supervisors declare events but do not
-- write the outbox themselves. Returns the number of messages queued.
CREATE FUNCTION notify_queue_event(p_event uuid) RETURNS integer
LANGUAGE plpgsql SECURITY DEFINER SET search_path = public, pg_temp AS $$
DECLARE
    e critical_event;
    n integer;
    was_sent boolean;
BEGIN
    SELECT * INTO e FROM critical_event WHERE id = p_event;
    IF NOT FOUND OR coalesce(btrim(e.customer_message), '') = '' THEN
        RETURN 0;
    END IF;
    IF EXISTS (SELECT 1 FROM notify_message WHERE event_id = e.id AND event_version = e.version) THEN
        RETURN 0;
    END IF;
    was_sent := EXISTS (SELECT 1 FROM notify_message WHERE event_id = e.id AND event_version < e.version);
    UPDATE notify_message SET status = 'superseded'
     WHERE event_id = e.id AND event_version < e.version AND status = 'queued';
    UPDATE notify_call SET status = 'superseded'
     WHERE event_id = e.id AND status = 'open';
    INSERT INTO notify_message (event_id, event_version, customer_id, premise_id, channel, address, subject, body,
                                priority)
    SELECT e.id, e.version, a.customer_id, a.premise_id, ch.channel,
           CASE ch.channel WHEN 'email' THEN c.email ELSE c.phone_e164 END,
           notify_subject(e, was_sent), e.customer_message,
           CASE WHEN a.priority_services OR a.vulnerable THEN 0 ELSE 1 END
      FROM (SELECT DISTINCT ON (x.customer_id) x.* FROM critical_event_affected(e.id) x
             ORDER BY x.customer_id, x.premise_id) a
      JOIN customer c ON c.id = a.customer_id
     CROSS JOIN LATERAL (SELECT notify_channel(c.preferred_channel, c.phone_e164, c.email,
                                               a.non_digital OR c.non_digital) AS channel) ch
    ON CONFLICT ON CONSTRAINT notify_message_dedupe DO NOTHING;
    GET DIAGNOSTICS n = ROW_COUNT;
    INSERT INTO notify_call (message_id, event_id, customer_id, priority, reason)
    SELECT m.id, m.event_id, m.customer_id, m.priority,
           CASE WHEN c.non_digital THEN 'non_digital' ELSE 'no_address' END
      FROM notify_message m JOIN customer c ON c.id = m.customer_id
     WHERE m.event_id = e.id AND m.event_version = e.version AND m.channel = 'call'
    ON CONFLICT (message_id) DO NOTHING;
    -- Workers waiting on LISTEN start at once; call-list screens reload.
    PERFORM pg_notify('careline_notify', e.id::text);
    RETURN n;
END $$;
REVOKE EXECUTE ON FUNCTION notify_queue_event(uuid) FROM PUBLIC;
GRANT EXECUTE ON FUNCTION notify_queue_event(uuid) TO careline_supervisor, careline_notifier;

-- Each committed version of an event (critical_event_revision, written at COMMIT once per
-- version with the final zones, sectors and message: 018) queues its messages.
CREATE FUNCTION notify_revision_queued() RETURNS trigger
LANGUAGE plpgsql SECURITY DEFINER SET search_path = public, pg_temp AS $$
BEGIN
    PERFORM notify_queue_event(NEW.event_id);
    RETURN NULL;
END $$;
CREATE TRIGGER notify_revision_queued AFTER INSERT ON critical_event_revision
    FOR EACH ROW EXECUTE FUNCTION notify_revision_queued();

------------------------------------------------------------------------------------------
-- The worker: claim a batch, settle each message. Several workers run at once: SKIP
-- LOCKED hands each message to one of them.

-- Messages a worker claimed and never settled: its server process is gone (it was killed
-- or lost its connection), or it has held them longer than p_lease_seconds. They go back
-- to the queue; such a message may reach its customer twice, the price of never losing
-- one. Returns how many.
CREATE FUNCTION notify_reclaim(p_lease_seconds integer) RETURNS integer
LANGUAGE plpgsql SECURITY DEFINER SET search_path = public, pg_temp AS $$
DECLARE
    n integer;
BEGIN
    WITH gone AS (
        SELECT m.id FROM notify_message m
         WHERE m.status = 'sending'
           AND (m.claimed_at < now() - make_interval(secs => p_lease_seconds)
                OR NOT EXISTS (SELECT 1 FROM pg_stat_activity a WHERE a.pid = m.claim_pid))
         FOR UPDATE SKIP LOCKED)
    UPDATE notify_message m
       SET status = 'queued', last_error = 'the worker that claimed it stopped: queued again',
           claimed_by = NULL, claim_pid = NULL, claimed_at = NULL
      FROM gone WHERE m.id = gone.id;
    GET DIAGNOSTICS n = ROW_COUNT;
    RETURN n;
END $$;

-- Claim up to p_limit due messages for worker p_worker, priority customers first.
CREATE FUNCTION notify_claim(p_worker text, p_limit integer)
RETURNS TABLE (id uuid, event_id uuid, event_version integer, channel text, address text, subject text,
               body text, attempts integer, account_no text, customer_name text)
LANGUAGE plpgsql SECURITY DEFINER SET search_path = public, pg_temp AS $$
#variable_conflict use_column
BEGIN
    RETURN QUERY
    WITH due AS (
        SELECT m.id FROM notify_message m
         WHERE m.status = 'queued' AND m.channel <> 'call' AND m.next_attempt_at <= now()
         ORDER BY m.priority, m.next_attempt_at
         LIMIT p_limit
         FOR UPDATE SKIP LOCKED),
    claimed AS (
        UPDATE notify_message m
           SET status = 'sending', attempts = m.attempts + 1, claimed_by = p_worker,
               claim_pid = pg_backend_pid(), claimed_at = now()
          FROM due WHERE m.id = due.id
        RETURNING m.*)
    SELECT k.id, k.event_id, k.event_version, k.channel, k.address, k.subject, k.body, k.attempts,
           c.account_no, c.name
      FROM claimed k JOIN customer c ON c.id = k.customer_id
     ORDER BY k.priority, k.next_attempt_at;
END $$;

-- Settle one claimed message: 'sent' (handed off: recorded in the customer's contacts),
-- 'retry' (temporary failure: queued again after p_retry_seconds), 'failed' (permanent:
-- onto the call list), 'released' (the worker stopped before trying: queued again, the
-- attempt not counted). Only the worker holding the claim settles it, once: a repeat
-- returns false and changes nothing.
CREATE FUNCTION notify_settle(p_id uuid, p_worker text, p_outcome text, p_detail text, p_retry_seconds integer)
RETURNS boolean
LANGUAGE plpgsql SECURITY DEFINER SET search_path = public, pg_temp AS $$
DECLARE
    m notify_message;
BEGIN
    IF p_outcome NOT IN ('sent','retry','failed','released') THEN
        RAISE EXCEPTION 'unknown outcome "%"', p_outcome USING ERRCODE = 'invalid_parameter_value';
    END IF;
    SELECT * INTO m FROM notify_message WHERE id = p_id AND status = 'sending' AND claimed_by = p_worker
       FOR UPDATE;
    IF NOT FOUND THEN
        RETURN false;
    END IF;
    -- The event changed while this one was out: what was not delivered is not tried again
    -- (the customer gets the newer message).
    IF p_outcome <> 'sent' AND EXISTS (SELECT 1 FROM notify_message n WHERE n.event_id = m.event_id
                                          AND n.customer_id = m.customer_id AND n.event_version > m.event_version) THEN
        INSERT INTO notify_attempt (message_id, attempt, worker, outcome, detail)
        VALUES (m.id, m.attempts, p_worker, p_outcome, left(p_detail, 2000))
        ON CONFLICT (message_id, attempt) DO NOTHING;
        UPDATE notify_message SET status = 'superseded', last_error = left(p_detail, 2000),
               claimed_by = NULL, claim_pid = NULL, claimed_at = NULL
         WHERE id = m.id;
        RETURN true;
    END IF;
    INSERT INTO notify_attempt (message_id, attempt, worker, outcome, detail)
    VALUES (m.id, m.attempts, p_worker, p_outcome, left(p_detail, 2000))
    ON CONFLICT (message_id, attempt) DO NOTHING;
    UPDATE notify_message
       SET status = CASE p_outcome WHEN 'sent' THEN 'sent' WHEN 'failed' THEN 'failed' ELSE 'queued' END,
           attempts = CASE WHEN p_outcome = 'released' THEN attempts - 1 ELSE attempts END,
           next_attempt_at = CASE WHEN p_outcome = 'retry'
                                  THEN now() + make_interval(secs => greatest(p_retry_seconds, 0))
                                  ELSE next_attempt_at END,
           last_error = CASE WHEN p_outcome IN ('retry','failed') THEN left(p_detail, 2000) ELSE last_error END,
           sent_at = CASE WHEN p_outcome = 'sent' THEN now() END,
           claimed_by = NULL, claim_pid = NULL, claimed_at = NULL
     WHERE id = m.id;
    IF p_outcome = 'sent' THEN
        -- The customer's contacts timeline shows every message sent. The contact's id is
        -- the message's, so it is recorded once. No subject: a notice is not a repeat call.
        INSERT INTO interaction (id, customer_id, premise_id, channel, direction, started_at, ended_at,
                                 wrap_up_code, summary, body)
        VALUES (m.id, m.customer_id, m.premise_id, m.channel, 'outbound', now(), now(),
                (SELECT code FROM wrap_up_code WHERE code = 'event_informed'),
                left(m.subject, 200) || CASE m.channel WHEN 'sms' THEN ' (SMS to ' ELSE ' (e-mail to ' END
                    || m.address || ')',
                m.body)
        ON CONFLICT (id) DO NOTHING;
    ELSIF p_outcome = 'failed' THEN
        INSERT INTO notify_call (message_id, event_id, customer_id, priority, reason, detail)
        VALUES (m.id, m.event_id, m.customer_id, m.priority, 'failed', left(p_detail, 2000))
        ON CONFLICT (message_id) DO NOTHING;
        PERFORM pg_notify('careline_notify', m.event_id::text);
    END IF;
    RETURN true;
END $$;

REVOKE EXECUTE ON FUNCTION notify_reclaim(integer), notify_claim(text, integer),
    notify_settle(uuid, text, text, text, integer) FROM PUBLIC;
GRANT EXECUTE ON FUNCTION notify_reclaim(integer), notify_claim(text, integer),
    notify_settle(uuid, text, text, text, integer) TO careline_notifier, careline_admin;

------------------------------------------------------------------------------------------
-- Progress of an event's notifications (its latest version), for the event screen.
CREATE FUNCTION notify_progress(p_event uuid)
RETURNS TABLE (event_version integer, total bigint, queued bigint, sending bigint, sent bigint, failed bigint,
               to_call bigint, called bigint, next_attempt_epoch double precision)
LANGUAGE sql STABLE AS $$
    WITH v AS (SELECT max(m.event_version) AS version FROM notify_message m WHERE m.event_id = p_event)
    SELECT v.version,
           count(m.id),
           count(*) FILTER (WHERE m.status = 'queued' AND m.channel <> 'call'),
           count(*) FILTER (WHERE m.status = 'sending'),
           count(*) FILTER (WHERE m.status = 'sent'),
           count(*) FILTER (WHERE m.status = 'failed'),
           (SELECT count(*) FROM notify_call k JOIN notify_message km ON km.id = k.message_id
             WHERE k.event_id = p_event AND km.event_version = v.version AND k.status = 'open'),
           (SELECT count(*) FROM notify_call k JOIN notify_message km ON km.id = k.message_id
             WHERE k.event_id = p_event AND km.event_version = v.version AND k.status = 'done'),
           extract(epoch FROM min(m.next_attempt_at) FILTER (WHERE m.status = 'queued' AND m.channel <> 'call'))
      FROM v LEFT JOIN notify_message m ON m.event_id = p_event AND m.event_version = v.version
     GROUP BY v.version
$$;

------------------------------------------------------------------------------------------
-- The call list, worked by agents.

-- Take a call seen at p_version: refused (NULL) when another agent holds it, it is done,
-- or it changed since. Taking one's own call again renews it. Returns the new version.
CREATE FUNCTION notify_call_take(p_id uuid, p_version integer) RETURNS integer
LANGUAGE plpgsql SET search_path = public, pg_temp AS $$
DECLARE
    me integer := current_staff_id();
    v integer;
BEGIN
    IF me IS NULL THEN
        RAISE EXCEPTION 'only staff work the call list' USING ERRCODE = 'insufficient_privilege';
    END IF;
    UPDATE notify_call SET taken_by = me, taken_at = now()
     WHERE id = p_id AND version = p_version AND status = 'open'
       AND (taken_by IS NULL OR taken_by = me
            OR taken_at < now() - make_interval(mins => (SELECT value::int FROM app_setting
                                                          WHERE key = 'notify_call_take_minutes')))
    RETURNING version INTO v;
    IF v IS NOT NULL THEN
        -- Other agents' lists show it taken at once.
        PERFORM pg_notify('careline_notify', (SELECT event_id FROM notify_call WHERE id = p_id)::text);
    END IF;
    RETURN v;
END $$;

-- Record the call's outcome (reached, no_answer, left_message) as an outbound phone
-- contact with the id p_contact made by the terminal. The call must be taken by the agent
-- at p_version. A replay of the same contact returns 'done' again and writes nothing.
-- Returns 'done', 'again' (no answer: back on the list later), or 'stale'.
CREATE FUNCTION notify_call_record(p_id uuid, p_version integer, p_outcome text, p_note text, p_contact uuid)
RETURNS text
LANGUAGE plpgsql SET search_path = public, pg_temp AS $$
DECLARE
    me integer := current_staff_id();
    k notify_call;
    m notify_message;
    final boolean;
BEGIN
    IF p_outcome NOT IN ('reached','no_answer','left_message') THEN
        RAISE EXCEPTION 'the outcome is reached, no_answer or left_message, not "%"', p_outcome
            USING ERRCODE = 'invalid_parameter_value';
    END IF;
    IF EXISTS (SELECT 1 FROM interaction WHERE id = p_contact) THEN
        RETURN (SELECT CASE WHEN status = 'open' THEN 'again' ELSE 'done' END FROM notify_call WHERE id = p_id);
    END IF;
    SELECT * INTO k FROM notify_call WHERE id = p_id FOR UPDATE;
    IF NOT FOUND OR k.version <> p_version OR k.status <> 'open' OR k.taken_by IS DISTINCT FROM me THEN
        RETURN 'stale';
    END IF;
    SELECT * INTO m FROM notify_message WHERE id = k.message_id;
    INSERT INTO interaction (id, customer_id, premise_id, channel, direction, staff_id, started_at, ended_at,
                             wrap_up_code, summary, body)
    VALUES (p_contact, k.customer_id, m.premise_id, 'phone', 'outbound', me, coalesce(k.taken_at, now()), now(),
            CASE p_outcome WHEN 'reached' THEN 'event_informed' WHEN 'no_answer' THEN 'no_answer'
                           ELSE 'voicemail_left' END,
            left(m.subject, 200) || ': ' || replace(p_outcome, '_', ' ')
                || CASE WHEN coalesce(btrim(p_note), '') <> '' THEN ' - ' || btrim(p_note) ELSE '' END,
            m.body);
    final := p_outcome <> 'no_answer' OR k.no_answers + 1 >= 3;
    UPDATE notify_call
       SET status = CASE WHEN final THEN 'done' ELSE 'open' END,
           outcome = CASE WHEN NOT final THEN NULL WHEN p_outcome = 'no_answer' THEN 'unreached' ELSE p_outcome END,
           no_answers = no_answers + CASE WHEN p_outcome = 'no_answer' THEN 1 ELSE 0 END,
           retry_at = CASE WHEN final THEN NULL
                           ELSE now() + make_interval(mins => (SELECT value::int FROM app_setting
                                                                WHERE key = 'notify_call_retry_minutes')) END,
           interaction_id = p_contact, taken_by = NULL, taken_at = NULL,
           done_by = CASE WHEN final THEN me END, done_at = CASE WHEN final THEN now() END
     WHERE id = k.id;
    PERFORM pg_notify('careline_notify', k.event_id::text);
    RETURN CASE WHEN final THEN 'done' ELSE 'again' END;
END $$;

-- A worked call settles its message: 'called' for customers who were always to be called.
CREATE FUNCTION notify_call_settled() RETURNS trigger
LANGUAGE plpgsql SECURITY DEFINER SET search_path = public, pg_temp AS $$
BEGIN
    IF NEW.status = 'done' AND OLD.status <> 'done' THEN
        UPDATE notify_message SET status = 'called' WHERE id = NEW.message_id AND channel = 'call';
    END IF;
    RETURN NULL;
END $$;
CREATE TRIGGER notify_call_settled AFTER UPDATE ON notify_call
    FOR EACH ROW EXECUTE FUNCTION notify_call_settled();

------------------------------------------------------------------------------------------
-- Who may read and change what.
GRANT SELECT ON notify_message, notify_attempt, notify_call TO careline_agent, careline_notifier;
GRANT UPDATE (taken_by, taken_at, status, outcome, no_answers, retry_at, interaction_id, done_by, done_at, version)
   ON notify_call TO careline_agent;
-- Calls are created in bulk with their event; what is logged is each later change.
CREATE TRIGGER audit_change AFTER UPDATE OR DELETE ON notify_call
    FOR EACH ROW EXECUTE FUNCTION audit_change();
