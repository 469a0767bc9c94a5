/* search.c — customer search: classify the text with the configured patterns, one ranked statement, parse the rows. */
#include "careline/search.h"

#include <ctype.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "careline/text.h"
#include "careline/util.h"
#include "careline/validate.h"

/* Longest text worth searching for: nobody types a 300-character name, and
 * a paste of a whole e-mail must not become a trigram query. */
#define SEARCH_MAX_BYTES 200

/* Candidates come from one indexed branch per kind of key, each limited,
 * then the best match per customer wins: exact account, then exact phone,
 * then meter serial, partial phone, postcode, and names and addresses by
 * their words (search_token, 012_search_tokens.sql): every word typed must
 * match a word of the same name or address exactly, as its beginning, or
 * fuzzily through the small dictionary of words (pg_trgm), so a common
 * surname or street never makes the database visit every similar row.
 * $1 account, $2 phone digits, $3 meter serial, $4 compact postcode,
 * $5 name/address text, $6 limit. */
static const char search_sql[] =
    "WITH w AS (SELECT DISTINCT unnest(search_words($5)) AS word WHERE $5::text IS NOT NULL),"
    " last AS (SELECT x AS word FROM regexp_split_to_table(lower($5), '[^[:alnum:]]+') WITH ORDINALITY AS t(x, n)"
    "  WHERE x <> '' ORDER BY n DESC LIMIT 1),"
    /* Each word typed matches itself; the last one (still being typed)
     * also the commonest words it begins; a word the dictionary lacks
     * (misspelt) its closest words. */
    " alt AS (SELECT w.word, d.token,"
    "   CASE WHEN d.token = w.word THEN 1.0 WHEN left(d.token, length(w.word)) = w.word THEN 0.8"
    "        ELSE similarity(d.token, w.word) * 0.8 END AS score"
    "  FROM w CROSS JOIN LATERAL ("
    "   (SELECT sw.token FROM search_word sw WHERE sw.token = w.word)"
    "   UNION ALL"
    "   (SELECT sw.token FROM search_word sw WHERE w.word IN (SELECT word FROM last)"
    "     AND sw.token LIKE w.word || '_%' ORDER BY sw.uses DESC LIMIT 10)"
    "   UNION ALL"
    "   (SELECT sw.token FROM search_word sw WHERE length(w.word) >= 3 AND sw.token % w.word"
    "     AND NOT EXISTS (SELECT 1 FROM search_word x WHERE x.token = w.word)"
    "     ORDER BY similarity(sw.token, w.word) DESC LIMIT 5)) d),"
    /* The rarest word picks at most 500 candidates; the others are checked
     * on those only, so a common word never costs a visit to every row. */
    " driver AS (SELECT a.word FROM alt a JOIN search_word sw ON sw.token = a.token"
    "  GROUP BY a.word ORDER BY sum(sw.uses) LIMIT 1),"
    " cands AS (SELECT t.customer_id, t.source FROM alt a JOIN driver d ON d.word = a.word"
    "  JOIN search_token t ON t.token = a.token GROUP BY 1, 2 ORDER BY max(a.score) DESC LIMIT 500),"
    " hits AS (SELECT c.customer_id, c.source, a.word, max(a.score) AS score FROM cands c"
    "  JOIN search_token t ON t.customer_id = c.customer_id AND t.source = c.source"
    "  JOIN alt a ON a.token = t.token GROUP BY 1, 2, 3),"
    /* All words of the same name or address, or all but one (a title, a
     * flat number the record lacks) ranked below the full matches. */
    " words AS (SELECT customer_id, source, (sum(score) / (SELECT count(*) FROM w))::real AS score FROM hits"
    "  GROUP BY 1, 2 HAVING count(*) >= greatest(1, (SELECT count(*) FROM w) - 1)"
    "  ORDER BY 3 DESC, 1 LIMIT 200),"
    " cand AS ("
    " SELECT c.id AS customer_id, 0 AS rank, 1.0::real AS score, 'account' AS matched"
    "   FROM customer c WHERE $1::text IS NOT NULL AND c.account_no = $1"
    " UNION ALL"
    " SELECT c.id, 1, 1.0::real, 'phone' FROM customer c"
    "  WHERE $2::text IS NOT NULL AND c.phone_nsn = $2"
    " UNION ALL"
    " (SELECT cp.customer_id, 2, 1.0::real, 'meter' FROM meter m"
    "   JOIN customer_premise cp ON cp.premise_id = m.premise_id AND cp.end_date IS NULL"
    "  WHERE $3::text IS NOT NULL AND m.serial = $3 LIMIT $6)"
    " UNION ALL"
    " (SELECT c.id, 3, 0.9::real, 'phone' FROM customer c"
    "  WHERE $2::text IS NOT NULL AND length($2) >= 4 AND c.phone_nsn LIKE '%' || $2 || '%'"
    "    AND c.phone_nsn <> $2 ORDER BY c.phone_nsn LIMIT $6)"
    " UNION ALL"
    " (SELECT cp.customer_id, 4, 0.9::real, 'postcode' FROM premise p"
    "   JOIN customer_premise cp ON cp.premise_id = p.id AND cp.end_date IS NULL"
    "  WHERE $4::text IS NOT NULL AND p.postcode_nospace LIKE $4 || '%'"
    /* Index order only (~<~ is the text_pattern_ops order, so the index
     * scan stops at the limit): a plain ORDER BY would sort every premise
     * of a postcode area first. */
    "  ORDER BY p.postcode_nospace USING ~<~ LIMIT $6)"
    " UNION ALL"
    " SELECT customer_id, CASE source WHEN 'n' THEN 5 ELSE 6 END, score,"
    "  CASE source WHEN 'n' THEN 'name' ELSE 'address' END FROM words"
    "), best AS ("
    " SELECT DISTINCT ON (customer_id) customer_id, rank, score, matched FROM cand"
    "  ORDER BY customer_id, (rank >= 5), score DESC, rank"
    ")"
    " SELECT c.id, c.account_no, c.name,"
    "  concat_ws(', ', p.address_line1, p.town), p.postcode, c.segment, c.phone_e164,"
    "  concat_ws(' ',"
    "   CASE WHEN EXISTS (SELECT 1 FROM customer_premise cp2"
    "     JOIN premise p2 ON p2.id = cp2.premise_id"
    "     JOIN critical_event_zone z ON z.zone_id = p2.zone_id"
    "     JOIN critical_event e ON e.id = z.event_id AND e.status = 'active'"
    "    WHERE cp2.customer_id = c.id AND cp2.end_date IS NULL) THEN 'EVENT' END,"
    "   CASE WHEN c.priority_services THEN 'PSR' END,"
    "   CASE WHEN cardinality(c.vulnerability) > 0 THEN 'VULN' END,"
    "   CASE WHEN c.non_digital THEN 'NODIGI' END,"
    "   CASE WHEN c.segment = 'key_account' THEN 'KEY' END,"
    "   CASE WHEN customer_arrears(c) > 0 THEN 'ARREARS' END),"
    "  b.matched"
    " FROM best b JOIN customer c ON c.id = b.customer_id"
    " LEFT JOIN LATERAL (SELECT p.* FROM customer_premise cp JOIN premise p ON p.id = cp.premise_id"
    "   WHERE cp.customer_id = c.id ORDER BY cp.end_date IS NULL DESC, cp.start_date DESC, p.id LIMIT 1) p"
    "  ON true"
    " ORDER BY b.rank < 5 DESC, CASE WHEN b.rank < 5 THEN b.rank END, b.score DESC, c.name, c.account_no"
    " LIMIT $6";

struct plan {
    char account[32];
    char phone[32];
    char meter[32];
    char postcode[16];
    char text[SEARCH_MAX_BYTES + 1];
    bool has_account, has_phone, has_meter, has_postcode, has_text;
};

/* Leading and trailing blanks are noise from copy and paste. */
static void trim(const char *s, char *out, size_t outlen, size_t *len)
{
    while (*s == ' ' || *s == '\t')
        s++;
    size_t n = strlen(s);
    while (n && (s[n - 1] == ' ' || s[n - 1] == '\t' || s[n - 1] == '\n' || s[n - 1] == '\r'))
        n--;
    if (n >= outlen)
        n = outlen - 1;
    memcpy(out, s, n);
    out[n] = '\0';
    *len = n;
}

static size_t count_chars(const char *s)
{
    size_t n = 0;
    for (; *s; s++)
        n += ((unsigned char)*s & 0xC0) != 0x80;
    return n;
}

static bool has_letter(const char *s)
{
    for (; *s; s++)
        if (isalpha((unsigned char)*s) || ((unsigned char)*s & 0x80))
            return true;
    return false;
}

static int classify(const char *raw, struct plan *p, char *hint, size_t hintlen)
{
    memset(p, 0, sizeof *p);
    size_t rawlen = strlen(raw);
    if (!tui_utf8_valid(raw, rawlen)) {
        snprintf(hint, hintlen, "The search text has characters that are not valid text; clear it (C-u) and type again");
        return -1;
    }
    if (rawlen > SEARCH_MAX_BYTES) {
        snprintf(hint, hintlen, "The search text is too long (%zu characters); type at most %d", count_chars(raw),
                 SEARCH_MAX_BYTES / 2);
        return -1;
    }
    size_t len;
    trim(raw, p->text, sizeof p->text, &len);
    if (len == 0) {
        snprintf(hint, hintlen, "Type a name, account number, phone number, postcode, address or meter serial");
        return -1;
    }
    if (!valid_match(VALID_SEARCH, p->text, len)) {
        snprintf(hint, hintlen, "Type letters or digits: \"%s\" has nothing to search for", p->text);
        return -1;
    }
    if (valid_match(VALID_ACCOUNT_NO, p->text, len)) {
        p->has_account = len < sizeof p->account;
        if (p->has_account)
            memcpy(p->account, p->text, len + 1);
    }
    if (valid_match(VALID_PHONE, p->text, len) || valid_match(VALID_PHONE_PARTIAL, p->text, len)) {
        size_t d = valid_phone_digits(p->text, p->phone, sizeof p->phone);
        p->has_phone = d >= 4;
    }
    if (valid_match(VALID_POSTCODE, p->text, len) || valid_match(VALID_POSTCODE_PARTIAL, p->text, len)) {
        valid_postcode_compact(p->text, p->postcode, sizeof p->postcode);
        p->has_postcode = strlen(p->postcode) >= 2;
    }
    if (valid_match(VALID_METER_SERIAL, p->text, len)) {
        valid_postcode_compact(p->text, p->meter, sizeof p->meter);   /* upper case, no spaces */
        p->has_meter = true;
    }
    /* Names and addresses: trigrams need three characters to mean anything.
     * A postcode (whole or begun: it has a digit) or a meter serial is not a
     * name: searching its pieces as words would only cost time. */
    p->has_text = has_letter(p->text) && count_chars(p->text) >= 3 && !p->has_postcode && !p->has_meter;
    if (!(p->has_account || p->has_phone || p->has_postcode || p->has_meter || p->has_text)) {
        snprintf(hint, hintlen, has_letter(p->text) ? "Type at least 3 letters of a name or address"
                                                    : "Type at least 4 digits of a phone number, or a whole account number");
        return -1;
    }
    return 0;
}

int db_search_check(const char *text, char *hint, size_t hintlen)
{
    struct plan p;
    return classify(text, &p, hint, hintlen);
}

static void params(const struct plan *p, int limit, char *limit_buf, const char *v[6])
{
    snprintf(limit_buf, 16, "%d", limit > 0 ? limit : 50);
    v[0] = p->has_account ? p->account : NULL;
    v[1] = p->has_phone ? p->phone : NULL;
    v[2] = p->has_meter ? p->meter : NULL;
    v[3] = p->has_postcode ? p->postcode : NULL;
    v[4] = p->has_text ? p->text : NULL;
    v[5] = limit_buf;
}

static char *col(const PGresult *r, int row, int c)
{
    return PQgetisnull(r, row, c) ? util_strdup("") : util_strdup(PQgetvalue(r, row, c));
}

static void parse(const PGresult *r, struct db_search_result *out)
{
    out->count = PQntuples(r);
    out->hits = util_calloc((size_t)(out->count ? out->count : 1), sizeof *out->hits);
    for (int i = 0; i < out->count; i++) {
        struct db_search_hit *h = &out->hits[i];
        h->customer_id = strtoll(PQgetvalue(r, i, 0), NULL, 10);
        h->account_no = col(r, i, 1);
        h->name = col(r, i, 2);
        h->address = col(r, i, 3);
        h->postcode = col(r, i, 4);
        h->segment = col(r, i, 5);
        h->phone = col(r, i, 6);
        h->flags = col(r, i, 7);
        h->matched = col(r, i, 8);
    }
}

struct pending {
    void (*done)(void *ctx, struct db_search_result *r);
    void *ctx;
};

static void on_result(void *ctx, const PGresult *res, const char *err, double ms)
{
    struct pending *p = ctx;
    struct db_search_result *r = util_calloc(1, sizeof *r);
    r->elapsed_ms = ms;
    if (err)
        r->error = util_strdup(err);
    else
        parse(res, r);
    p->done(p->ctx, r);
    free(p);
}

unsigned db_search_start(struct db_conn *c, const char *text, int limit, int delay_ms,
                         void (*done)(void *ctx, struct db_search_result *r), void *ctx)
{
    struct plan p;
    char hint[256], lim[16];
    const char *v[6];
    struct pending *pd = util_calloc(1, sizeof *pd);
    pd->done = done;
    pd->ctx = ctx;
    if (classify(text, &p, hint, sizeof hint) < 0) {
        /* Callers check first; a search that cannot run still answers. */
        struct db_search_result *r = util_calloc(1, sizeof *r);
        r->error = util_strdup(hint);
        done(ctx, r);
        free(pd);
        return 0;
    }
    params(&p, limit, lim, v);
    struct db_query q = {
        .sql = search_sql,
        .nparams = 6,
        .params = v,
        .slot = "search",
        .name = db_prepared_ok(c) ? "careline_search" : NULL,
        .delay_ms = delay_ms,
        .done = on_result,
        .ctx = pd,
        .owner = ctx,
        .cleanup = free,
    };
    return db_send(c, &q);
}

int db_search_run(struct db_conn *c, const char *text, int limit, struct db_search_result *out)
{
    memset(out, 0, sizeof *out);
    struct plan p;
    char hint[256], lim[16];
    const char *v[6];
    if (classify(text, &p, hint, sizeof hint) < 0) {
        out->error = util_strdup(hint);
        return -1;
    }
    params(&p, limit, lim, v);
    long long t0 = util_now_ms();
    PGresult *r = db_exec(c, search_sql, 6, v);
    out->elapsed_ms = (double)(util_now_ms() - t0);
    if (!r) {
        out->error = util_strdup(db_error(c));
        return -1;
    }
    parse(r, out);
    PQclear(r);
    return 0;
}

void db_search_result_free(struct db_search_result *r)
{
    if (!r)
        return;
    for (int i = 0; i < r->count; i++) {
        struct db_search_hit *h = &r->hits[i];
        free(h->account_no);
        free(h->name);
        free(h->address);
        free(h->postcode);
        free(h->segment);
        free(h->phone);
        free(h->flags);
        free(h->matched);
    }
    free(r->hits);
    free(r->error);
    memset(r, 0, sizeof *r);
}
