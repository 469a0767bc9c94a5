-- 030_event_payments_scheme.sql — under the compensation scheme 'none' an event's close pays nothing: the rule 024 put on complaint payments, on event payments too.

-- critical_event_settle (029) takes the standards applicable_standards gives, and
-- those without a gss_code (the utility's own) apply under every scheme; a
-- region with no scheme ('none') owes no payment at all, whichever rule tried to
-- make it. The row is dropped before it is written, so settling counts nothing.
CREATE TRIGGER event_compensation_scheme BEFORE INSERT ON event_compensation
    FOR EACH ROW EXECUTE FUNCTION compensation_payment_scheme();
