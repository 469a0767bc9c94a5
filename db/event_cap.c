/* event_cap.c — critical events as OASIS CAP 1.2 alerts (Alert, Update with references, Cancel on close) and an Atom feed of the active ones, every text XML-escaped. */
#include "careline/event.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "careline/text.h"
#include "careline/util.h"

#define CAP_NS "urn:oasis:names:tc:emergency:cap:1.2"

/* ---- escaping and times -------------------------------------------------------------------- */

void db_event_xml_escape(struct util_buf *out, const char *s)
{
    size_t n = strlen(s ? s : "");
    for (size_t i = 0; i < n;) {
        uint32_t cp;
        int len = tui_utf8_decode(s + i, n - i, &cp);
        /* XML 1.0 carries tab, LF, CR and everything from space up,
         * except the surrogates (never decoded) and U+FFFE/U+FFFF. */
        bool ok = cp == '\t' || cp == '\n' || cp == '\r' || (cp >= 0x20 && cp != 0xFFFE && cp != 0xFFFF);
        if (cp == 0xFFFD || !ok)
            util_buf_puts(out, "\xEF\xBF\xBD");
        else if (cp == '&')
            util_buf_puts(out, "&amp;");
        else if (cp == '<')
            util_buf_puts(out, "&lt;");
        else if (cp == '>')
            util_buf_puts(out, "&gt;");
        else if (cp == '"')
            util_buf_puts(out, "&quot;");
        else if (cp == '\'')
            util_buf_puts(out, "&apos;");
        else if (cp == '\r')
            util_buf_puts(out, "&#13;");
        else
            util_buf_add(out, s + i, (size_t)len);
        i += (size_t)len;
    }
}

const char *db_event_cap_time(int64_t t, const char *tz, char *buf, size_t len)
{
    struct tm tm;
    db_event_local_tm(t, tz, &tm);
    long off = tm.tm_gmtoff;
    long a = off < 0 ? -off : off;
    util_format(buf, len, "%04d-%02d-%02dT%02d:%02d:%02d%c%02ld:%02ld", tm.tm_year + 1900, tm.tm_mon + 1, tm.tm_mday,
                tm.tm_hour, tm.tm_min, tm.tm_sec, off > 0 ? '+' : '-', a / 3600, a % 3600 / 60);
    return buf;
}

/* ---- one alert ------------------------------------------------------------------------------- */

static void element(struct util_buf *b, const char *indent, const char *name, const char *text)
{
    util_buf_printf(b, "%s<%s>", indent, name);
    db_event_xml_escape(b, text);
    util_buf_printf(b, "</%s>\n", name);
}

/* CAP forbids spaces, commas, '<' and '&' in the sender and identifiers. */
static void token(struct util_buf *b, const char *s)
{
    struct util_buf t = {0};
    util_buf_puts(&t, "");
    for (; s && *s; s++)
        if (!strchr(" ,<&\t\r\n\"'>", *s) && (unsigned char)*s >= 0x20)
            util_buf_add(&t, s, 1);
    db_event_xml_escape(b, t.len ? t.data : "careline");
    util_buf_free(&t);
}

static void identifier(struct util_buf *b, const char *id, int version)
{
    util_buf_puts(b, "careline-event-");
    token(b, id);
    util_buf_printf(b, "-v%d", version);
}

/* "sender,identifier,sent" for every earlier version ("1:epoch 2:epoch"). */
static void references(struct util_buf *b, const struct db_event_cap_info *e, const struct db_event_cap_meta *m)
{
    util_buf_puts(b, "  <references>");
    bool first = true;
    char *list = util_strdup(e->earlier ? e->earlier : "");
    for (char *save = NULL, *v = strtok_r(list, " ", &save); v; v = strtok_r(NULL, " ", &save)) {
        char *colon = strchr(v, ':');
        int version;
        int64_t at;
        if (!colon)
            break;
        *colon = '\0';
        if (util_parse_int(v, &version) < 0 || util_parse_int64(colon + 1, &at) < 0)
            break;
        char sent[40];
        util_buf_puts(b, first ? "" : " ");
        token(b, m->sender);
        util_buf_puts(b, ",");
        identifier(b, e->id, version);
        util_buf_printf(b, ",%s", db_event_cap_time(at, m->tz, sent, sizeof sent));
        first = false;
    }
    free(list);
    util_buf_puts(b, "</references>\n");
}

static void area(struct util_buf *b, const struct db_event_cap_info *e)
{
    util_buf_puts(b, "    <area>\n");
    element(b, "      ", "areaDesc", e->area_desc && *e->area_desc ? e->area_desc : "the supply area");
    char *list = util_strdup(e->sectors ? e->sectors : "");
    for (char *save = NULL, *s = strtok_r(list, ",", &save); s; s = strtok_r(NULL, ",", &save)) {
        util_buf_puts(b, "      <geocode>\n        <valueName>postcode_sector</valueName>\n");
        element(b, "        ", "value", s);
        util_buf_puts(b, "      </geocode>\n");
    }
    free(list);
    list = util_strdup(e->zones ? e->zones : "");
    for (char *save = NULL, *z = strtok_r(list, " ", &save); z; z = strtok_r(NULL, " ", &save)) {
        util_buf_puts(b, "      <geocode>\n        <valueName>supply_zone</valueName>\n");
        element(b, "        ", "value", z);
        util_buf_puts(b, "      </geocode>\n");
    }
    free(list);
    util_buf_puts(b, "    </area>\n");
}

static void info(struct util_buf *b, const struct db_event_cap_info *e, const struct db_event_cap_meta *m)
{
    const struct db_event_kind *k = db_event_kind_find(e->kind);
    bool ended = strcmp(e->status, "ended") == 0;
    char t[40];
    util_buf_puts(b, "  <info>\n");
    element(b, "    ", "language", "en-GB");
    element(b, "    ", "category", k ? k->cap_category : "Infra");
    element(b, "    ", "event", k ? k->label : e->kind);
    /* Over: nothing left to do, no harm expected. */
    element(b, "    ", "urgency", ended ? "Past" : k ? k->cap_urgency : "Unknown");
    element(b, "    ", "severity", ended ? "Minor" : k ? k->cap_severity : "Unknown");
    element(b, "    ", "certainty", k ? k->cap_certainty : "Unknown");
    element(b, "    ", "effective", db_event_cap_time(e->effective, m->tz, t, sizeof t));
    if (e->expires)
        element(b, "    ", "expires", db_event_cap_time(e->expires, m->tz, t, sizeof t));
    element(b, "    ", "senderName", m->sender);
    element(b, "    ", "headline", e->title);
    element(b, "    ", "description", e->description && *e->description ? e->description : e->agent_message);
    element(b, "    ", "instruction", e->customer_message && *e->customer_message ? e->customer_message
                                                                                   : e->agent_message);
    area(b, e);
    util_buf_puts(b, "  </info>\n");
}

void db_event_cap_write(struct util_buf *out, const struct db_event_cap_info *e, const struct db_event_cap_meta *m,
                        bool embedded)
{
    bool ended = strcmp(e->status, "ended") == 0;
    bool first = !e->earlier || !*e->earlier;
    char sent[40];
    if (!embedded)
        util_buf_puts(out, "<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n");
    util_buf_puts(out, "<alert xmlns=\"" CAP_NS "\">\n  <identifier>");
    identifier(out, e->id, e->version);
    util_buf_puts(out, "</identifier>\n  <sender>");
    token(out, m->sender);
    util_buf_puts(out, "</sender>\n");
    element(out, "  ", "sent", db_event_cap_time(e->sent, m->tz, sent, sizeof sent));
    element(out, "  ", "status", "Actual");
    element(out, "  ", "msgType", first ? "Alert" : ended ? "Cancel" : "Update");
    element(out, "  ", "scope", "Public");
    if (!first)
        references(out, e, m);
    info(out, e, m);
    util_buf_puts(out, "</alert>\n");
}

void db_event_cap_feed(struct util_buf *out, const struct db_rows *events, const struct db_event_cap_meta *m)
{
    char now[40];
    util_buf_puts(out, "<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n"
                       "<feed xmlns=\"http://www.w3.org/2005/Atom\">\n  <id>urn:careline:cap-feed:");
    token(out, m->sender);
    util_buf_puts(out, "</id>\n  <title>Active critical events</title>\n");
    element(out, "  ", "updated", db_event_cap_time(m->now, m->tz, now, sizeof now));
    util_buf_puts(out, "  <author>\n");
    element(out, "    ", "name", m->sender);
    util_buf_puts(out, "  </author>\n");
    for (int i = 0; i < events->n; i++) {
        const struct db_event_cap_info *e = DB_ROW(events, const struct db_event_cap_info, i);
        char sent[40];
        util_buf_puts(out, "  <entry>\n    <id>urn:uuid:");
        token(out, e->id);
        util_buf_printf(out, "</id>\n");
        element(out, "    ", "title", e->title);
        element(out, "    ", "updated", db_event_cap_time(e->sent, m->tz, sent, sizeof sent));
        util_buf_puts(out, "    <content type=\"application/cap+xml\">\n");
        db_event_cap_write(out, e, m, true);
        util_buf_puts(out, "    </content>\n  </entry>\n");
    }
    util_buf_puts(out, "</feed>\n");
}

/* ---- loading ------------------------------------------------------------------------------------ */

static const char cap_sql[] =
    "SELECT e.id::text AS id, e.kind, e.title, coalesce(e.description, '') AS description, e.status,"
    " coalesce(e.customer_message, '') AS customer_message, e.agent_message,"
    " extract(epoch FROM e.updated_at) AS sent, extract(epoch FROM e.started_at) AS effective,"
    " coalesce(extract(epoch FROM coalesce(e.ended_at, e.estimated_restore_at)), 0) AS expires,"
    " concat_ws(', ', (SELECT string_agg(z.name, ', ' ORDER BY z.name) FROM critical_event_zone ez"
    "   JOIN zone z ON z.id = ez.zone_id WHERE ez.event_id = e.id),"
    "  (SELECT string_agg(s.sector, ', ' ORDER BY s.sector) FROM critical_event_sector s WHERE s.event_id = e.id))"
    "  AS area_desc,"
    " coalesce((SELECT string_agg(z.code, ' ' ORDER BY z.code) FROM critical_event_zone ez"
    "   JOIN zone z ON z.id = ez.zone_id WHERE ez.event_id = e.id), '') AS zones,"
    " coalesce((SELECT string_agg(s.sector, ',' ORDER BY s.sector) FROM critical_event_sector s"
    "   WHERE s.event_id = e.id), '') AS sectors,"
    " e.version,"
    " coalesce((SELECT string_agg(r.version || ':' || floor(extract(epoch FROM r.at))::bigint, ' '"
    "   ORDER BY r.version) FROM critical_event_revision r WHERE r.event_id = e.id AND r.version < e.version), '')"
    "  AS earlier"
    " FROM critical_event e"
    " WHERE CASE WHEN $1 = '' THEN e.status = 'active' ELSE e.id = nullif($1, '')::uuid END"
    " ORDER BY e.started_at DESC, e.id";

static const struct db_col cap_cols[] = {
    DB_COL(DB_TEXT, struct db_event_cap_info, id),
    DB_COL(DB_TEXT, struct db_event_cap_info, kind),
    DB_COL(DB_TEXT, struct db_event_cap_info, title),
    DB_COL(DB_TEXT, struct db_event_cap_info, description),
    DB_COL(DB_TEXT, struct db_event_cap_info, status),
    DB_COL(DB_TEXT, struct db_event_cap_info, customer_message),
    DB_COL(DB_TEXT, struct db_event_cap_info, agent_message),
    DB_COL(DB_EPOCH, struct db_event_cap_info, sent),
    DB_COL(DB_EPOCH, struct db_event_cap_info, effective),
    DB_COL(DB_EPOCH, struct db_event_cap_info, expires),
    DB_COL(DB_TEXT, struct db_event_cap_info, area_desc),
    DB_COL(DB_TEXT, struct db_event_cap_info, zones),
    DB_COL(DB_TEXT, struct db_event_cap_info, sectors),
    DB_COL(DB_INT, struct db_event_cap_info, version),
    DB_COL(DB_TEXT, struct db_event_cap_info, earlier),
};
static const struct db_shape cap_shape = DB_SHAPE("CAP alert", struct db_event_cap_info, cap_cols);

static const char meta_sql[] =
    "SELECT coalesce((SELECT value FROM app_setting WHERE key = 'cap_sender'), 'careline') AS sender,"
    " careline_timezone() AS tz, extract(epoch FROM now()) AS now";

static const struct db_col meta_cols[] = {
    DB_COL(DB_TEXT, struct db_event_cap_meta, sender),
    DB_COL(DB_TEXT, struct db_event_cap_meta, tz),
    DB_COL(DB_EPOCH, struct db_event_cap_meta, now),
};
static const struct db_shape meta_shape = DB_SHAPE("CAP sender", struct db_event_cap_meta, meta_cols);

static int run(struct db_conn *c, const char *sql, int n, const char *const *params, const struct db_shape *shape,
               struct db_rows *rows, char *err, size_t errlen)
{
    PGresult *r = db_exec(c, sql, n, params);
    if (!r) {
        const char *e = db_error(c);
        util_format(err, errlen, "%.*s", (int)strcspn(e, "\n"), e);
        return -1;
    }
    int rc = db_rows_decode(rows, shape, r, err, errlen);
    PQclear(r);
    return rc;
}

int db_event_cap_load(struct db_conn *c, const char *id, struct db_rows *out, struct db_event_cap_meta *meta,
                      char *err, size_t errlen)
{
    struct db_rows m = {0};
    memset(meta, 0, sizeof *meta);
    if (run(c, meta_sql, 0, NULL, &meta_shape, &m, err, errlen) < 0)
        return -1;
    if (m.n == 1) {
        struct db_event_cap_meta *r = DB_ROW(&m, struct db_event_cap_meta, 0);
        meta->sender = util_strdup(r->sender);
        meta->tz = util_strdup(r->tz);
        meta->now = r->now;
    }
    db_rows_free(&m);
    const char *params[1] = {id ? id : ""};
    return run(c, cap_sql, 1, params, &cap_shape, out, err, errlen);
}

void db_event_cap_meta_free(struct db_event_cap_meta *m)
{
    free(m->sender);
    free(m->tz);
    memset(m, 0, sizeof *m);
}

/* The CAP statements, for the statement check (tests/db/statements.c). */
static const char *const cap_params[] = {""};
static const struct db_statement cap_statements[] = {
    {cap_sql, 1, cap_params, &cap_shape, false},
    {meta_sql, 0, NULL, &meta_shape, false},
};

const struct db_statement *db_event_cap_statements(int *n)
{
    *n = (int)(sizeof cap_statements / sizeof cap_statements[0]);
    return cap_statements;
}
