-- Service data: calendar, categories and standards, interactions, critical events,
-- complaints, recovery scripts, credits, compensation, follow-ups, surveys, knowledge base, audit.

-- Working calendar: SLA clocks count working hours and working days only.
CREATE TABLE working_hours (
    id      integer GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
    region  text,                                   -- NULL = every region
    isodow  smallint NOT NULL CHECK (isodow BETWEEN 1 AND 7),   -- 1 = Monday
    opens   time NOT NULL,
    closes  time NOT NULL CHECK (closes > opens),
    UNIQUE NULLS NOT DISTINCT (region, isodow)
);

CREATE TABLE holiday (
    holiday_on date NOT NULL,
    region     text,                                -- NULL = every region
    name       text NOT NULL,
    UNIQUE NULLS NOT DISTINCT (holiday_on, region)
);

-- Complaint categories form a tree; complaints are filed against leaves only.
CREATE TABLE complaint_category (
    id          integer GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
    parent_id   integer REFERENCES complaint_category,
    code        text NOT NULL UNIQUE,
    name        text NOT NULL,
    description text,
    active      boolean NOT NULL DEFAULT true,
    sort_order  integer NOT NULL DEFAULT 0,
    is_leaf     boolean NOT NULL DEFAULT true,      -- maintained by trigger
    CHECK (parent_id IS DISTINCT FROM id)
);
CREATE INDEX complaint_category_parent_idx ON complaint_category (parent_id);

-- Response standards are data with effective dates, per region and customer type, so a
-- regulator's change is an INSERT, not a release. NULL region/customer_type/category = all.
CREATE TABLE response_standard (
    id                      integer GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
    category_id             integer REFERENCES complaint_category,   -- applies to this subtree
    region                  text,
    customer_type           text CHECK (customer_type IN ('household','business')),
    effective_from          date NOT NULL,
    effective_to            date,                   -- exclusive; NULL = still in force
    ack_hours               numeric(6,2),           -- working hours to acknowledge
    first_response_days     integer,                -- working days to a substantive reply
    resolution_days         integer,                -- working days to resolve
    compensation_amount     numeric(10,2),          -- owed when the standard is missed
    compensation_late_extra numeric(10,2),          -- owed on top when that payment is itself late
    compensation_per_period numeric(10,2),          -- e.g. per further 24 h without supply
    gss_code                text,                   -- Guaranteed Standards Scheme reference, if statutory
    description             text NOT NULL,
    CHECK (effective_to IS NULL OR effective_to > effective_from)
);
CREATE INDEX response_standard_category_idx ON response_standard (category_id);

CREATE TABLE root_cause (
    id          integer GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
    parent_id   integer REFERENCES root_cause,
    code        text NOT NULL UNIQUE,
    name        text NOT NULL,
    description text,
    active      boolean NOT NULL DEFAULT true,
    sort_order  integer NOT NULL DEFAULT 0
);

CREATE TABLE wrap_up_code (
    code       text PRIMARY KEY,
    label      text NOT NULL,
    active     boolean NOT NULL DEFAULT true,
    sort_order integer NOT NULL DEFAULT 0
);

-- Every contact on every channel, so no agent asks the customer to repeat themselves.
-- The id is made by the terminal: a replayed insert (ON CONFLICT DO NOTHING) never duplicates.
CREATE TABLE interaction (
    id           uuid PRIMARY KEY DEFAULT gen_random_uuid(),
    customer_id  bigint NOT NULL REFERENCES customer,
    premise_id   bigint REFERENCES premise,
    channel      text NOT NULL CHECK (channel IN ('phone','email','web','sms','walk_in','field_visit','social')),
    direction    text NOT NULL DEFAULT 'inbound' CHECK (direction IN ('inbound','outbound')),
    staff_id     integer REFERENCES staff,
    started_at   timestamptz NOT NULL DEFAULT now(),
    ended_at     timestamptz,
    wrap_up_code text REFERENCES wrap_up_code,
    subject      text,          -- short topic code; the same subject again soon = a repeat contact
    summary      text,
    body         text,
    created_at   timestamptz NOT NULL DEFAULT now(),
    CHECK (ended_at IS NULL OR ended_at >= started_at)
);
CREATE INDEX interaction_customer_idx ON interaction (customer_id, started_at DESC);

CREATE TABLE critical_event (
    id                   uuid PRIMARY KEY DEFAULT gen_random_uuid(),
    kind                 text NOT NULL CHECK (kind IN ('supply_interruption','boil_water','do_not_drink',
                             'low_pressure','planned_works','sewer_flooding','discolouration')),
    title                text NOT NULL,
    description          text,
    started_at           timestamptz NOT NULL DEFAULT now(),
    estimated_restore_at timestamptz,
    ended_at             timestamptz,
    status               text NOT NULL DEFAULT 'active' CHECK (status IN ('active','ended')),
    agent_message        text NOT NULL,   -- pre-approved words to read to affected customers
    category_id          integer REFERENCES complaint_category,
    declared_by          integer REFERENCES staff,
    version              integer NOT NULL DEFAULT 1,
    created_at           timestamptz NOT NULL DEFAULT now(),
    updated_at           timestamptz NOT NULL DEFAULT now(),
    CHECK ((status = 'ended') = (ended_at IS NOT NULL))
);
CREATE INDEX critical_event_active_idx ON critical_event (status) WHERE status = 'active';

CREATE TABLE critical_event_zone (
    event_id uuid NOT NULL REFERENCES critical_event ON DELETE CASCADE,
    zone_id  integer NOT NULL REFERENCES zone,
    PRIMARY KEY (event_id, zone_id)
);
CREATE INDEX critical_event_zone_zone_idx ON critical_event_zone (zone_id);

CREATE SEQUENCE complaint_ref_seq;

CREATE TABLE complaint (
    id                 uuid PRIMARY KEY DEFAULT gen_random_uuid(),
    reference          text NOT NULL UNIQUE DEFAULT
                           'C-' || to_char(now(), 'YYYY') || '-' || lpad(nextval('complaint_ref_seq')::text, 6, '0'),
    customer_id        bigint NOT NULL REFERENCES customer,
    premise_id         bigint REFERENCES premise,
    category_id        integer NOT NULL REFERENCES complaint_category,
    root_cause_id      integer REFERENCES root_cause,
    critical_event_id  uuid REFERENCES critical_event,
    interaction_id     uuid REFERENCES interaction,        -- the contact that raised it
    channel            text NOT NULL CHECK (channel IN ('phone','email','web','sms','walk_in','field_visit','social','letter')),
    severity           text NOT NULL DEFAULT 'medium' CHECK (severity IN ('low','medium','high','critical')),
    status             text NOT NULL DEFAULT 'new' CHECK (status IN ('new','acknowledged','investigating',
                           'waiting_customer','resolved','closed')),
    status_reason      text,
    description        text NOT NULL,
    resolution_summary text,
    contact_preference text CHECK (contact_preference IN ('phone','email','web','sms','letter','walk_in')),
    callback_requested boolean NOT NULL DEFAULT false,
    owner_staff_id     integer REFERENCES staff,
    team               text,
    merged_into        uuid REFERENCES complaint,
    opened_at          timestamptz NOT NULL DEFAULT now(),
    acknowledged_at    timestamptz,
    first_response_at  timestamptz,
    resolved_at        timestamptz,
    closed_at          timestamptz,
    -- Due times, computed at intake from response_standard and the working calendar.
    -- While status = 'waiting_customer' the clock is paused (paused_since); on resume the
    -- trigger pushes the due times forward by the pause and adds it to paused_seconds.
    ack_due_at         timestamptz,
    response_due_at    timestamptz,
    resolution_due_at  timestamptz,
    paused_seconds     integer NOT NULL DEFAULT 0,
    paused_since       timestamptz,
    version            integer NOT NULL DEFAULT 1,
    created_by         integer REFERENCES staff,
    created_at         timestamptz NOT NULL DEFAULT now(),
    updated_at         timestamptz NOT NULL DEFAULT now(),
    -- No complaint is resolved or closed without knowing why it happened and what was done
    -- (a duplicate merged into another is the one exception).
    CONSTRAINT complaint_resolution_needs_cause CHECK (
        status NOT IN ('resolved','closed') OR merged_into IS NOT NULL
        OR (root_cause_id IS NOT NULL AND coalesce(btrim(resolution_summary), '') <> '')),
    CONSTRAINT complaint_pause_only_when_waiting CHECK ((paused_since IS NOT NULL) = (status = 'waiting_customer')),
    CHECK (merged_into IS DISTINCT FROM id)
);
CREATE INDEX complaint_customer_idx ON complaint (customer_id);
CREATE INDEX complaint_status_due_idx ON complaint (status, resolution_due_at);
CREATE INDEX complaint_owner_idx ON complaint (owner_staff_id) WHERE status NOT IN ('resolved','closed');
CREATE INDEX complaint_event_idx ON complaint (critical_event_id) WHERE critical_event_id IS NOT NULL;
CREATE INDEX complaint_opened_idx ON complaint (opened_at);

CREATE TABLE complaint_history (
    id           uuid PRIMARY KEY DEFAULT gen_random_uuid(),
    complaint_id uuid NOT NULL REFERENCES complaint,
    at           timestamptz NOT NULL DEFAULT now(),
    staff_id     integer REFERENCES staff,
    kind         text NOT NULL CHECK (kind IN ('created','status','note','assignment','merge','contact',
                     'script','credit','compensation','follow_up','category')),
    from_status  text,
    to_status    text,
    note         text,
    details      jsonb
);
CREATE INDEX complaint_history_complaint_idx ON complaint_history (complaint_id, at);

-- Service-recovery scripts: loaded from files by an admin; each load is a new version, and a
-- run points at the exact version the agent followed.
CREATE TABLE recovery_script (
    id                     integer GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
    code                   text NOT NULL,
    name                   text NOT NULL,
    version                integer NOT NULL DEFAULT 1,
    categories             text[] NOT NULL DEFAULT '{}',   -- complaint_category codes (a parent covers its subtree)
    segment                text,                           -- NULL = every segment
    language               text,                           -- NULL = every language
    requires_vulnerability boolean,                        -- NULL = either
    requires_event         boolean,                        -- NULL = either
    active                 boolean NOT NULL DEFAULT true,
    source                 text NOT NULL,                  -- the file text as loaded
    loaded_at              timestamptz NOT NULL DEFAULT now(),
    loaded_by              text NOT NULL DEFAULT current_user,
    UNIQUE (code, version)
);

CREATE TABLE script_step (
    id          integer GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
    script_id   integer NOT NULL REFERENCES recovery_script ON DELETE CASCADE,
    step_no     integer NOT NULL,
    step_key    text NOT NULL,
    kind        text NOT NULL CHECK (kind IN ('say','ask','check','action','end')),
    text        text NOT NULL,
    options     jsonb,          -- answers and where each one goes: [{"answer":..,"label":..,"next":..}]
    condition   jsonb,          -- when the step applies, e.g. {"vulnerable":true} or {"non_digital":true}
    action_kind text,           -- for kind = 'action': goodwill_credit, follow_up, field_visit, ...
    UNIQUE (script_id, step_no),
    UNIQUE (script_id, step_key)
);

CREATE TABLE complaint_script_run (
    id           uuid PRIMARY KEY DEFAULT gen_random_uuid(),
    complaint_id uuid NOT NULL REFERENCES complaint,
    script_id    integer NOT NULL REFERENCES recovery_script,
    staff_id     integer REFERENCES staff,
    started_at   timestamptz NOT NULL DEFAULT now(),
    finished_at  timestamptz,
    outcome      text
);
CREATE INDEX complaint_script_run_complaint_idx ON complaint_script_run (complaint_id);

CREATE TABLE script_answer (
    id             uuid PRIMARY KEY DEFAULT gen_random_uuid(),
    run_id         uuid NOT NULL REFERENCES complaint_script_run,
    step_id        integer NOT NULL REFERENCES script_step,
    answer         text,
    skipped_reason text,
    at             timestamptz NOT NULL DEFAULT now(),
    UNIQUE (run_id, step_id)
);

-- What each group may credit without approval.
CREATE TABLE authority_limit (
    group_role text PRIMARY KEY CHECK (group_role IN ('agent','supervisor','field','admin')),
    per_credit numeric(10,2) NOT NULL CHECK (per_credit >= 0),
    per_day    numeric(10,2) NOT NULL CHECK (per_day >= 0),
    updated_at timestamptz NOT NULL DEFAULT now()
);

CREATE TABLE goodwill_credit (
    id            uuid PRIMARY KEY DEFAULT gen_random_uuid(),
    complaint_id  uuid REFERENCES complaint,
    customer_id   bigint NOT NULL REFERENCES customer,
    amount        numeric(10,2) NOT NULL CHECK (amount > 0),
    reason        text NOT NULL,
    -- applied: within the requester's authority; pending: waits for a supervisor.
    status        text NOT NULL DEFAULT 'pending' CHECK (status IN ('applied','pending','approved','rejected')),
    requested_by  integer REFERENCES staff,
    requested_at  timestamptz NOT NULL DEFAULT now(),
    decided_by    integer REFERENCES staff,
    decided_at    timestamptz,
    decision_note text,
    version       integer NOT NULL DEFAULT 1
);
CREATE INDEX goodwill_credit_customer_idx ON goodwill_credit (customer_id);
CREATE INDEX goodwill_credit_complaint_idx ON goodwill_credit (complaint_id);
CREATE INDEX goodwill_credit_pending_idx ON goodwill_credit (requested_at) WHERE status = 'pending';
CREATE INDEX goodwill_credit_requester_idx ON goodwill_credit (requested_by, requested_at);

-- Statutory payments owed for a missed standard: one row per complaint, standard and kind
-- ('base', 'late_payment', 'period_2', ...), so it is never created twice.
CREATE TABLE compensation_payment (
    id                   uuid PRIMARY KEY DEFAULT gen_random_uuid(),
    complaint_id         uuid NOT NULL REFERENCES complaint,
    response_standard_id integer NOT NULL REFERENCES response_standard,
    kind                 text NOT NULL DEFAULT 'base' CHECK (kind ~ '^[a-z0-9_]+$'),
    amount               numeric(10,2) NOT NULL CHECK (amount >= 0),
    status               text NOT NULL DEFAULT 'owed' CHECK (status IN ('owed','paid','cancelled')),
    created_at           timestamptz NOT NULL DEFAULT now(),
    paid_at              timestamptz,
    UNIQUE (complaint_id, response_standard_id, kind)
);

-- Service recovery ends with confirming that the fix held.
CREATE TABLE follow_up (
    id                 uuid PRIMARY KEY DEFAULT gen_random_uuid(),
    complaint_id       uuid REFERENCES complaint,
    customer_id        bigint NOT NULL REFERENCES customer,
    due_on             date NOT NULL,
    channel            text NOT NULL CHECK (channel IN ('phone','email','sms','letter','field_visit')),
    what_to_confirm    text NOT NULL,
    owner_staff_id     integer REFERENCES staff,
    team               text,
    status             text NOT NULL DEFAULT 'open' CHECK (status IN ('open','done','cancelled')),
    outcome            text,
    customer_confirmed boolean,
    done_at            timestamptz,
    version            integer NOT NULL DEFAULT 1,
    created_at         timestamptz NOT NULL DEFAULT now()
);
CREATE INDEX follow_up_open_idx ON follow_up (due_on) WHERE status = 'open';
CREATE INDEX follow_up_customer_idx ON follow_up (customer_id, due_on);
CREATE INDEX follow_up_complaint_idx ON follow_up (complaint_id);

CREATE TABLE satisfaction_survey (
    id             uuid PRIMARY KEY DEFAULT gen_random_uuid(),
    interaction_id uuid NOT NULL UNIQUE REFERENCES interaction,
    complaint_id   uuid REFERENCES complaint,
    csat           smallint CHECK (csat BETWEEN 1 AND 5),
    nps            smallint CHECK (nps BETWEEN 0 AND 10),
    comment        text,
    declined       boolean NOT NULL DEFAULT false,
    at             timestamptz NOT NULL DEFAULT now()
);
CREATE INDEX satisfaction_survey_at_idx ON satisfaction_survey (at);

CREATE TABLE kb_article (
    id          integer GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
    category_id integer REFERENCES complaint_category,
    title       text NOT NULL,
    body        text NOT NULL,
    tags        text[] NOT NULL DEFAULT '{}',
    updated_at  timestamptz NOT NULL DEFAULT now()
);
CREATE INDEX kb_article_category_idx ON kb_article (category_id);

-- Who opened which customer and every change. Append only: see 004_rules.sql.
CREATE TABLE audit_log (
    id          bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
    at          timestamptz NOT NULL DEFAULT now(),
    actor       text NOT NULL DEFAULT current_user,
    action      text NOT NULL,
    customer_id bigint,          -- no foreign key: the log must outlive what it describes
    entity      text,
    entity_id   text,
    details     jsonb
);
CREATE INDEX audit_log_customer_idx ON audit_log (customer_id, at) WHERE customer_id IS NOT NULL;
CREATE INDEX audit_log_at_idx ON audit_log (at);
