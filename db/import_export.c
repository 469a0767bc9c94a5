/* import_export.c — Careline's complaints as an Open311 GeoReport v2 requests document (JSON or XML) for a city's portal, read through a cursor so any number of them streams. */
#include <string.h>

#include "careline/import.h"
#include "careline/util.h"
#include "import_int.h"

/* One request a complaint: the city's number when it came from the city,
 * else the complaint's reference; open or closed; what the customer was
 * last told; the category as the service; the resolution deadline as the
 * expected time; where, with the city's coordinates when it sent them. The
 * description only of requests that came from the city (the citizen's own
 * words, already public); an agent's text never leaves. $1: changed at or
 * after (NULL: all). Times in the utility's zone with their offset. */
static const char declare_sql[] =
    "DECLARE careline_open311 NO SCROLL CURSOR FOR"
    " SELECT coalesce(k.external_ref, k.reference) AS id,"
    " CASE WHEN k.status IN ('resolved', 'closed') THEN 'closed' ELSE 'open' END AS status,"
    " complaint_public_note(k.id) AS notes, cat.name AS service_name, cat.code AS service_code,"
    " sr.description AS description, coalesce(k.team, '') AS agency,"
    " to_char(k.opened_at, 'YYYY-MM-DD\"T\"HH24:MI:SSTZH:TZM') AS requested,"
    " to_char(k.updated_at, 'YYYY-MM-DD\"T\"HH24:MI:SSTZH:TZM') AS updated,"
    " to_char(k.resolution_due_at, 'YYYY-MM-DD\"T\"HH24:MI:SSTZH:TZM') AS expected,"
    " concat_ws(', ', p.address_line1, nullif(p.address_line2, ''), p.town) AS address, p.postcode AS zipcode,"
    " sr.latitude::text AS lat, sr.longitude::text AS lon, sr.media_url AS media_url"
    " FROM complaint k JOIN complaint_category cat ON cat.id = k.category_id"
    " LEFT JOIN premise p ON p.id = k.premise_id"
    " LEFT JOIN service_request sr ON sr.complaint_id = k.id"
    " WHERE $1::text IS NULL OR k.updated_at >= import_time($1, '')"
    " ORDER BY k.opened_at, k.id";

/* One request as decoded (record.h); a NULL leaves its element out. */
struct export_row {
    char *id, *status, *notes, *service_name, *service_code, *description, *agency, *requested, *updated, *expected,
        *address, *zipcode, *lat, *lon, *media_url;
    bool no_notes, no_description, no_expected, no_address, no_zipcode, no_lat, no_lon, no_media_url;
};
#define E(f) DB_COL(DB_TEXT, struct export_row, f)
#define EN(f) DB_COL_NULL(DB_TEXT, struct export_row, f, no_##f)
static const struct db_col export_cols[] = {
    E(id), E(status), EN(notes), E(service_name), E(service_code), EN(description), E(agency), E(requested), E(updated),
    EN(expected), EN(address), EN(zipcode), EN(lat), EN(lon), EN(media_url),
};
#undef E
#undef EN
static const struct db_shape export_shape = DB_SHAPE("Open311 export", struct export_row, export_cols);

/* Text XML 1.0 can carry: markup escaped, control characters (which it
 * cannot hold at all) as spaces. */
static void xml_text(FILE *out, const char *s)
{
    for (const unsigned char *p = (const unsigned char *)s; *p; p++) {
        switch (*p) {
        case '<': fputs("&lt;", out); break;
        case '>': fputs("&gt;", out); break;
        case '&': fputs("&amp;", out); break;
        case '"': fputs("&quot;", out); break;
        case '\'': fputs("&apos;", out); break;
        default:
            fputc(*p < 0x20 && *p != '\t' && *p != '\n' && *p != '\r' ? ' ' : *p, out);
        }
    }
}

static void put_request(FILE *out, const struct export_row *e, bool xml, bool first)
{
    /* GeoReport's names, in the order the specification lists them. */
    const struct {
        const char *name, *value;
        bool absent, number;
    } f[] = {
        {"service_request_id", e->id, false, false},     {"status", e->status, false, false},
        {"status_notes", e->notes, e->no_notes, false},  {"service_name", e->service_name, false, false},
        {"service_code", e->service_code, false, false}, {"description", e->description, e->no_description, false},
        {"agency_responsible", e->agency, false, false}, {"requested_datetime", e->requested, false, false},
        {"updated_datetime", e->updated, false, false},  {"expected_datetime", e->expected, e->no_expected, false},
        {"address", e->address, e->no_address, false},   {"zipcode", e->zipcode, e->no_zipcode, false},
        {"lat", e->lat, e->no_lat, true},                {"long", e->lon, e->no_lon, true},
        {"media_url", e->media_url, e->no_media_url, false},
    };
    struct util_buf b = {0};
    fputs(xml ? "<request>" : first ? "\n  {" : ",\n  {", out);
    bool any = false;
    for (size_t i = 0; i < sizeof f / sizeof f[0]; i++) {
        if (f[i].absent)
            continue;
        if (xml) {
            fprintf(out, "<%s>", f[i].name);
            xml_text(out, f[i].value);
            fprintf(out, "</%s>", f[i].name);
        } else {
            util_buf_clear(&b);
            import_json_string(&b, f[i].value);
            fprintf(out, "%s\"%s\": ", any ? ", " : "", f[i].name);
            /* Coordinates are numbers in GeoReport's JSON. */
            if (f[i].number)
                fputs(f[i].value, out);
            else
                fputs(b.data, out);
        }
        any = true;
    }
    fputs(xml ? "</request>\n" : "}", out);
    util_buf_free(&b);
}

static bool run(struct db_conn *c, const char *sql, int n, const char *const *p, char *err, size_t errlen)
{
    PGresult *r = db_exec(c, sql, n, p);
    if (!r)
        util_format(err, errlen, "%s", db_error(c));
    PQclear(r);
    return r != NULL;
}

long db_import_export(struct db_conn *c, const char *since, bool xml, FILE *out, char *err, size_t errlen)
{
    char when[48], why[128];
    if (db_import_time(since ? since : "", when, sizeof when, why, sizeof why) < 0) {
        util_format(err, errlen, "--since %s", why);
        return -1;
    }
    const char *p[1] = {when[0] ? when : NULL};
    if (!run(c, "BEGIN ISOLATION LEVEL REPEATABLE READ READ ONLY", 0, NULL, err, errlen))
        return -1;
    long n = 0;
    if (!run(c, "SELECT set_config('TimeZone', careline_timezone(), true)", 0, NULL, err, errlen) ||
        !run(c, declare_sql, 1, p, err, errlen)) {
        n = -1;
    } else {
        fputs(xml ? "<?xml version=\"1.0\" encoding=\"utf-8\"?>\n<service_requests>\n" : "[", out);
        for (;;) {
            PGresult *r = db_exec(c, "FETCH 2000 FROM careline_open311", 0, NULL);
            if (!r) {
                util_format(err, errlen, "%s", db_error(c));
                n = -1;
                break;
            }
            struct db_rows rows = {0};
            int bad = db_rows_decode(&rows, &export_shape, r, err, errlen);
            PQclear(r);
            if (bad < 0) {
                n = -1;
                break;
            }
            for (int i = 0; i < rows.n; i++, n++)
                put_request(out, DB_ROW(&rows, const struct export_row, i), xml, n == 0);
            int got = rows.n;
            db_rows_free(&rows);
            if (got == 0)
                break;
        }
        if (n >= 0)
            fputs(xml ? "</service_requests>\n" : n ? "\n]\n" : "]\n", out);
    }
    PGresult *r = db_exec(c, n < 0 ? "ROLLBACK" : "COMMIT", 0, NULL);
    PQclear(r);
    if (n >= 0 && (fflush(out) != 0 || ferror(out))) {
        util_format(err, errlen, "the document could not be written");
        return -1;
    }
    return n;
}
