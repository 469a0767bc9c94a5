-- Group roles and what each may do. Staff log in as their own roles, members of one group:
--   careline_agent < careline_supervisor < careline_admin (each inherits the one before), careline_field.

-- Roles are cluster wide: create them only when missing, and tolerate another database of
-- the same cluster doing so at the same moment (parallel test runs).
DO $$
DECLARE
    r text;
BEGIN
    FOREACH r IN ARRAY ARRAY['careline_agent','careline_supervisor','careline_field','careline_admin'] LOOP
        IF NOT EXISTS (SELECT 1 FROM pg_roles WHERE rolname = r) THEN
            BEGIN
                EXECUTE format('CREATE ROLE %I NOLOGIN', r);
            EXCEPTION WHEN duplicate_object OR unique_violation THEN
                NULL;
            END;
        END IF;
    END LOOP;
    BEGIN
        IF NOT pg_has_role('careline_supervisor', 'careline_agent', 'MEMBER') THEN
            GRANT careline_agent TO careline_supervisor;
        END IF;
        IF NOT pg_has_role('careline_admin', 'careline_supervisor', 'MEMBER') THEN
            GRANT careline_supervisor TO careline_admin;
        END IF;
    EXCEPTION WHEN unique_violation OR duplicate_object THEN
        NULL;
    END;
END $$;

DO $$
BEGIN
    EXECUTE format('GRANT CONNECT ON DATABASE %I TO careline_agent, careline_field',
                   current_database());
END $$;
GRANT USAGE ON SCHEMA public TO careline_agent, careline_field;
GRANT USAGE, SELECT ON ALL SEQUENCES IN SCHEMA public TO careline_agent, careline_field;

-- Everybody at a terminal reads everything except the audit log.
GRANT SELECT ON ALL TABLES IN SCHEMA public TO careline_agent, careline_field;
REVOKE SELECT ON audit_log FROM careline_agent, careline_field;
GRANT INSERT ON audit_log TO careline_agent, careline_field;

-- Agents: record contacts, take and work complaints, run scripts, offer credits within
-- their authority (the trigger decides applied/pending), book follow-ups, survey.
GRANT INSERT ON interaction, complaint, complaint_history, goodwill_credit, follow_up,
                satisfaction_survey, complaint_script_run, script_answer, compensation_payment,
                payment_arrangement, programme_enrolment
   TO careline_agent;
GRANT UPDATE (ended_at, wrap_up_code, subject, summary, body) ON interaction TO careline_agent;
GRANT UPDATE (premise_id, category_id, root_cause_id, critical_event_id, severity, status, status_reason,
              description, resolution_summary, contact_preference, callback_requested, owner_staff_id,
              team, merged_into, acknowledged_at, first_response_at, version)
   ON complaint TO careline_agent;
GRANT UPDATE (due_on, channel, what_to_confirm, owner_staff_id, team, status, outcome,
              customer_confirmed, done_at, version)
   ON follow_up TO careline_agent;
-- Contact details only: balances, segment and account numbers are not the agent's to change.
GRANT UPDATE (title, first_name, last_name, name, language, preferred_channel, phone_e164, email,
              vulnerability, priority_services, non_digital, version)
   ON customer TO careline_agent;
GRANT UPDATE (finished_at, outcome) ON complaint_script_run TO careline_agent;
GRANT UPDATE (answer, skipped_reason, at) ON script_answer TO careline_agent;
GRANT UPDATE (status, ended_on, rebate_amount) ON programme_enrolment TO careline_agent;

-- Field staff: read, record visits and meter reads, notes on complaints, small credits,
-- confirm follow-ups on the doorstep.
GRANT INSERT ON interaction, meter_read, complaint_history, goodwill_credit, satisfaction_survey
   TO careline_field;
GRANT UPDATE (ended_at, wrap_up_code, subject, summary, body) ON interaction TO careline_field;
GRANT UPDATE (status, size_mm) ON meter TO careline_field;
GRANT UPDATE (status, outcome, customer_confirmed, done_at, version) ON follow_up TO careline_field;

-- Supervisors: everything agents do, plus critical events, approvals, the audit log, and
-- the complaint and billing fields agents cannot touch.
GRANT SELECT ON audit_log TO careline_supervisor;
GRANT INSERT, UPDATE ON critical_event TO careline_supervisor;
GRANT INSERT, DELETE ON critical_event_zone TO careline_supervisor;
GRANT UPDATE (status, decision_note, decided_by, decided_at, version) ON goodwill_credit TO careline_supervisor;
GRANT UPDATE ON complaint, follow_up, payment_arrangement TO careline_supervisor;
GRANT UPDATE (status, paid_at) ON compensation_payment TO careline_supervisor;
GRANT UPDATE (segment) ON customer TO careline_supervisor;
GRANT INSERT, UPDATE ON kb_article TO careline_supervisor;

-- Admins: the shared policy every terminal applies.
GRANT INSERT, UPDATE, DELETE ON complaint_category, response_standard, root_cause, wrap_up_code,
      recovery_script, script_step, staff, authority_limit, holiday, working_hours, app_setting,
      programme, kb_article, zone
   TO careline_admin;
