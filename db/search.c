/* search.c — customer search: classify the text with the configured patterns, run the one prepared statement of its kind, parse the rows. */
#include "careline/search.h"

#include <ctype.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "careline/region.h"
#include "careline/text.h"
#include "careline/util.h"
#include "careline/validate.h"

/* Longest text worth searching for: nobody types a 300-character name, and
 * a paste of a whole e-mail must not become a trigram query. */
#define SEARCH_MAX_BYTES 200

/* Partial phone numbers and postcode areas can match thousands: their total
 * is counted up to this many, or the limit when it is more (then shown as
 * "more than"), so a postcode area never costs a visit to every premise in
 * it. An agent shown "more than 200" types more. */
#define SEARCH_COUNT_CAP "greatest($1, 200)"
#define STR_(x) #x
#define STR(x) STR_(x)

/* One statement per kind of key (classify() picks it), each with only the
 * branches that kind can match: a complete account, phone number or meter
 * serial never runs the partial-phone trigram search, and each statement is
 * small enough to plan in a fraction of a millisecond. Every statement
 * defines `hits` (customer_id, rank, score, matched: one row per way a
 * customer matched) and `more` (whether a capped branch stopped at its cap),
 * then shares SEARCH_TAIL: the best match per customer, the total over all
 * of them, the cut to the rows asked for, and the columns the screen shows.
 * $1 is the end of those rows (offset + limit: the capped branches and the
 * near matches look that far) and OFF, the kind's last parameter, the rows
 * before them, already on the screen: scrolling fetches the next rows of
 * the same ranking, and the total stays the true one. */
#define SEARCH_TAIL(OFF)                                                                                    \
    " best AS (SELECT DISTINCT ON (customer_id) customer_id, rank, score, matched FROM"                     \
    /* a merged customer's match finds the survivor (022) */                                              \
    " (SELECT coalesce(m.merged_into, h.customer_id) AS customer_id, h.rank, h.score, h.matched"            \
    " FROM hits h JOIN customer m ON m.id = h.customer_id) h"                                               \
    " ORDER BY customer_id, rank, score DESC, matched DESC),"                                               \
    " top AS (SELECT b.*, count(*) FILTER (WHERE b.rank < 6) OVER () AS total FROM best b"                  \
    " ORDER BY b.rank, b.score DESC, b.customer_id LIMIT $1::int - " OFF "::int OFFSET " OFF "::int)"      \
    " SELECT c.id AS customer_id, c.account_no, c.name,"                                                    \
    " concat_ws(', ', p.address_line1, p.town) AS address, p.postcode, c.segment, c.phone_e164 AS phone,"   \
    " concat_ws(' ',"                                                                                       \
    /* by zone or by postcode sector: the banner's own rule (018) */                                     \
    " CASE WHEN EXISTS (SELECT 1 FROM critical_event_customer ec WHERE ec.customer_id = c.id)"              \
    " THEN 'EVENT' END,"                                                                                    \
    " CASE WHEN c.priority_services THEN 'PSR' END,"                                                        \
    " CASE WHEN c.vulnerable THEN 'VULN' END,"                                                              \
    " CASE WHEN c.non_digital THEN 'NODIGI' END,"                                                           \
    " CASE WHEN c.segment = 'key_account' THEN 'KEY' END,"                                                  \
    " CASE WHEN customer_arrears(c.id, c.balance, c.arrears, c.arrears_until) > 0 THEN 'ARREARS' END)"      \
    " AS flags,"                                                                                            \
    " t.matched, t.total, (SELECT v FROM more) AS capped"                                                   \
    " FROM top t JOIN customer c ON c.id = t.customer_id"                                                   \
    " LEFT JOIN LATERAL (SELECT p.* FROM customer_premise cp JOIN premise p ON p.id = cp.premise_id"        \
    " WHERE cp.customer_id = c.id ORDER BY cp.end_date IS NULL DESC, cp.start_date DESC, p.id LIMIT 1) p"   \
    " ON true"                                                                                              \
    /* the order of the cut: a page follows on from the one before */     \
    " ORDER BY t.rank, t.score DESC, t.customer_id"

#define NOT_CAPPED " more(v) AS (SELECT false),"

/* The customer of a complaint a city's 311 system sent, by the number the
 * city gave it (a caller quotes it; 025_service_requests.sql). */
#define SEARCH_311(param) \
    " UNION ALL SELECT k.customer_id, 0, 1.0::real, 'request' FROM complaint k WHERE k.external_ref = " param

/* A complete account number ($2); the same digits as a whole national
 * phone number ($3), which has as many digits; or a 311 request's number. */
static const char sql_account[] =
    "WITH hits AS ("
    " SELECT c.id AS customer_id, 0 AS rank, 1.0::real AS score, 'account' AS matched"
    " FROM customer c WHERE c.account_no = $2"
    " UNION ALL"
    " SELECT c.id, 1, 1.0::real, 'phone' FROM customer c WHERE c.phone_nsn = $3"
    SEARCH_311("$2") "),"
    NOT_CAPPED SEARCH_TAIL("$4");

/* A whole phone number ($2, the national number). */
static const char sql_phone[] =
    "WITH hits AS ("
    " SELECT c.id AS customer_id, 1 AS rank, 1.0::real AS score, 'phone' AS matched"
    " FROM customer c WHERE c.phone_nsn = $2),"
    NOT_CAPPED SEARCH_TAIL("$3");

/* Some digits of a phone number ($2): the number itself, then numbers that
 * contain the digits (trigram index); $3 an account number when the digits
 * are also one (ten digits beginning with 0 could be either); or the
 * digits as a 311 request's number. */
static const char sql_phone_part[] =
    "WITH part AS (SELECT c.id FROM customer c"
    " WHERE c.phone_nsn LIKE '%' || $2 || '%' AND c.phone_nsn <> $2"
    " ORDER BY c.phone_nsn LIMIT " SEARCH_COUNT_CAP " + 1),"
    " hits AS ("
    " SELECT c.id AS customer_id, 0 AS rank, 1.0::real AS score, 'account' AS matched"
    " FROM customer c WHERE c.account_no = $3"
    " UNION ALL"
    " SELECT c.id, 1, 1.0::real, 'phone' FROM customer c WHERE c.phone_nsn = $2"
    " UNION ALL"
    " SELECT id, 3, 0.9::real, 'phone' FROM part"
    SEARCH_311("$2") "),"
    " more(v) AS (SELECT count(*) > " SEARCH_COUNT_CAP " FROM part),"
    SEARCH_TAIL("$4");

/* A meter serial ($2, upper case, no spaces). */
static const char sql_meter[] =
    "WITH hits AS ("
    " SELECT cp.customer_id, 2 AS rank, 1.0::real AS score, 'meter' AS matched FROM meter m"
    " JOIN customer_premise cp ON cp.premise_id = m.premise_id AND cp.end_date IS NULL"
    " WHERE m.serial = $2),"
    NOT_CAPPED SEARCH_TAIL("$3");

/* A whole postcode ($2, compact: upper case, no space). */
static const char sql_postcode[] =
    "WITH hits AS ("
    " SELECT cp.customer_id, 4 AS rank, 1.0::real AS score, 'postcode' AS matched FROM premise p"
    " JOIN customer_premise cp ON cp.premise_id = p.id AND cp.end_date IS NULL"
    " WHERE p.postcode_nospace = $2),"
    NOT_CAPPED SEARCH_TAIL("$3");

/* The beginning of a postcode as a range, $2 <= postcode < $3 ($3 is $2
 * with its last character moved on by one, made in C): unlike
 * LIKE $2 || '%', a range is an index range in a generic plan too. ~>=~ and
 * ~<~ are the byte-order operators of the text_pattern_ops index; index
 * order only, so the scan stops at the cap. */
static const char sql_postcode_part[] =
    "WITH part AS (SELECT cp.customer_id FROM premise p"
    " JOIN customer_premise cp ON cp.premise_id = p.id AND cp.end_date IS NULL"
    " WHERE p.postcode_nospace ~>=~ $2 AND p.postcode_nospace ~<~ $3"
    " ORDER BY p.postcode_nospace USING ~<~ LIMIT " SEARCH_COUNT_CAP " + 1),"
    " hits AS (SELECT customer_id, 4 AS rank, 0.9::real AS score, 'postcode' AS matched FROM part),"
    " more(v) AS (SELECT count(*) > " SEARCH_COUNT_CAP " FROM part),"
    SEARCH_TAIL("$4");

/* Names and service addresses by their words ($2, the text;
 * 015_search_exact.sql). Each word typed becomes its alternatives: itself
 * when the dictionary (search_word, every word of every name and address)
 * has it; for the last word, still being typed, every word it begins (the
 * words themselves when they are few, else a tsquery prefix: none is left
 * out either way); for a word the dictionary lacks (misspelt), its five
 * closest words (pg_trgm). One tsquery ANDs the words and ORs each word's
 * alternatives, and the GIN index of search_doc returns every name or
 * address that has them all: the match is exact before anything is cut.
 * Each is scored (exact 1, begun 0.8, misspelt its similarity x 0.8,
 * averaged over the words) and only what is shown is cut, in SEARCH_TAIL.
 * When those do not fill the rows, names and addresses with all the words
 * but one follow (a title, a flat number the record lacks), rank 6: shown,
 * not counted in the total. The words are split at everything but letters
 * and digits (search_words() for the dictionary too), so a lexeme between
 * quotes can hold no quote or backslash. */
#define LEXEME(t) "('''' || " t " || '''')"
/* Up to this many words begun by the last word are looked up as words
 * (the index skips through them); more, as one prefix (a bitmap of all). */
#define BEGUN_WORDS 16
static const char sql_words[] =
    "WITH w AS (SELECT x AS word, n, n = max(n) OVER () AS is_last, x || chr(1114111) AS hi"
    " FROM regexp_split_to_table(lower($2), '[^[:alnum:]]+') WITH ORDINALITY AS t(x, n) WHERE x <> ''),"
    " k AS (SELECT w.*, EXISTS (SELECT 1 FROM search_word sw WHERE sw.token = w.word) AS known,"
    " CASE WHEN w.is_last THEN (SELECT count(*) FROM (SELECT 1 FROM search_word sw"
    " WHERE sw.token ~>~ w.word AND sw.token ~<~ w.hi LIMIT " STR(BEGUN_WORDS) " + 1) x)"
    " ELSE 0 END AS begun FROM w),"
    " alt AS ("
    " SELECT k.n, k.word AS token, 1.0::real AS score, false AS prefix, false AS fuzzy FROM k WHERE k.known"
    " UNION ALL"
    " SELECT k.n, sw.token, 0.8::real, false, false FROM k JOIN search_word sw"
    " ON sw.token ~>~ k.word AND sw.token ~<~ k.hi"
    " WHERE k.begun BETWEEN 1 AND " STR(BEGUN_WORDS)
    " UNION ALL"
    " SELECT k.n, k.word, 0.8::real, true, false FROM k WHERE k.begun > " STR(BEGUN_WORDS)
    " UNION ALL"
    " SELECT k.n, f.token, f.score, false, true FROM k CROSS JOIN LATERAL ("
    " SELECT sw.token, (similarity(sw.token, k.word) * 0.8)::real AS score FROM search_word sw"
    " WHERE sw.token % k.word ORDER BY sw.token <-> k.word, sw.token LIMIT 5) f"
    " WHERE NOT k.known AND k.begun = 0 AND length(k.word) >= 3),"
    " lex AS (SELECT a.*, (" LEXEME("a.token") " || CASE WHEN a.prefix THEN ':*' ELSE '' END)::tsquery AS q"
    " FROM alt a),"
    " grp AS (SELECT l.n, '(' || string_agg(l.q::text, ' | ') || ')' AS g, bool_or(l.prefix) AS pfx"
    " FROM lex l GROUP BY l.n),"
    /* Every word needs an alternative, or nothing can match. */
    /* A short last word ("Louise J": every j-word) is checked on the rows
     * the other words find, not read from the index as a bitmap of all. */
    " q AS (SELECT string_agg(g, ' & ') FILTER (WHERE NOT post)::tsquery AS query,"
    " string_agg(g, ' & ') FILTER (WHERE post)::tsquery AS post"
    " FROM (SELECT *, pfx AND (SELECT count(*) FROM w) > 1 AS post FROM grp) x"
    " HAVING count(*) = (SELECT count(*) FROM w)),"
    " m AS (SELECT d.customer_id, d.source, d.tokens FROM q JOIN search_doc d ON d.tokens @@ q.query"
    " WHERE q.post IS NULL OR d.tokens @@ q.post),"
    /* Scored only where scores can differ: the last word (whole or begun)
     * and misspelt words; a known word before the last is always whole. */
    " last AS (SELECT k.known, k.begun > 0 AS begun, " LEXEME("k.word") "::tsquery AS q FROM k WHERE k.is_last),"
    " exact AS (SELECT m.customer_id, 5 AS rank,"
    " (((SELECT count(*) FROM k WHERE k.known AND NOT k.is_last)"
    " + (SELECT CASE WHEN l.known AND (NOT l.begun OR m.tokens @@ l.q) THEN 1.0"
    " WHEN l.begun THEN 0.8 ELSE 0 END FROM last l)"
    " + CASE WHEN (SELECT bool_or(fuzzy) FROM alt) THEN (SELECT coalesce(sum(b), 0) FROM"
    " (SELECT max(l.score) AS b FROM lex l WHERE l.fuzzy AND m.tokens @@ l.q GROUP BY l.n) y)"
    " ELSE 0 END) / (SELECT count(*) FROM w))::real AS score,"
    " CASE m.source WHEN 'n' THEN 'name' ELSE 'address' END AS matched FROM m),"
    /* All words but one: an OR of the ANDs that leave one word out, looked
     * for only when the whole matches leave rows to fill. Not counted, so
     * an AND with a short prefix ("j", every j-word) is left out rather
     * than read in full. */
    " q2 AS (SELECT string_agg(t, ' | ')::tsquery AS query FROM ("
    " SELECT '(' || string_agg(g.g, ' & ') || ')' AS t FROM w o JOIN grp g ON g.n <> o.n GROUP BY o.n"
    " HAVING count(*) = (SELECT count(*) FROM w) - 1 AND NOT bool_or(g.pfx)) x),"
    " near AS (SELECT d.customer_id, 6 AS rank, 0::real AS score,"
    " CASE d.source WHEN 'n' THEN 'name' ELSE 'address' END AS matched"
    " FROM q2 JOIN search_doc d ON d.tokens @@ q2.query"
    " WHERE (SELECT count(DISTINCT customer_id) FROM m) < $1"
    " AND d.customer_id NOT IN (SELECT customer_id FROM m) LIMIT $1),";
/* The rest, apart: C17 promises string literals of 4095 characters, and the
 * whole statement is longer, so words_sql() joins the two once. */
static const char sql_words_tail[] =
    " hits AS (SELECT * FROM exact UNION ALL SELECT * FROM near),"
    NOT_CAPPED SEARCH_TAIL("$3");

static const char *words_sql(void)
{
    static char sql[sizeof sql_words + sizeof sql_words_tail];
    if (!sql[0]) {
        memcpy(sql, sql_words, sizeof sql_words - 1);
        memcpy(sql + sizeof sql_words - 1, sql_words_tail, sizeof sql_words_tail);
    }
    return sql;
}

enum kind { K_ACCOUNT, K_PHONE, K_PHONE_PART, K_METER, K_POSTCODE, K_POSTCODE_PART, K_WORDS, K__COUNT };

/* Prepared under these names once per connection. The warm-up parameters
 * match nothing but make the server load every table, index and function
 * the statement uses, before the agent's first search. */
static const struct kind_stmt {
    const char *name, *sql;
    int nparams;                /* the last is the offset (SEARCH_TAIL) */
    const char *warm[4];
} kinds[K__COUNT] = {
    [K_ACCOUNT] = {"careline_search_account", sql_account, 4, {"1", "0000000000", "0000000000", "0"}},
    [K_PHONE] = {"careline_search_phone", sql_phone, 3, {"1", "0000000000", "0"}},
    [K_PHONE_PART] = {"careline_search_phone_part", sql_phone_part, 4, {"1", "00000", NULL, "0"}},
    [K_METER] = {"careline_search_meter", sql_meter, 3, {"1", "ZZ00000000", "0"}},
    [K_POSTCODE] = {"careline_search_postcode", sql_postcode, 3, {"1", "ZZ00ZZ", "0"}},
    [K_POSTCODE_PART] = {"careline_search_postcode_part", sql_postcode_part, 4, {"1", "ZZ0", "ZZ1", "0"}},
    [K_WORDS] = {"careline_search_words", NULL, 3, {"1", "zzqx zzqxj", "0"}},   /* words_sql() */
};

static const char *sql_of(enum kind k)
{
    return k == K_WORDS ? words_sql() : kinds[k].sql;
}

struct plan {
    char account[32];
    char phone[32];
    char meter[32];
    char postcode[16];
    char postcode_next[16];     /* the end of the range a begun postcode covers */
    char text[SEARCH_MAX_BYTES + 1];
    bool has_account, has_phone, has_meter, has_postcode, has_text;
    bool whole_phone, whole_postcode;
    enum kind kind;
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

static bool has_high_byte(const char *s)
{
    for (; *s; s++)
        if ((unsigned char)*s & 0x80)
            return true;
    return false;
}

/* One kind per text, most specific first. The default patterns never make
 * a text two of meter, postcode and phone; with patterns of one's own that
 * overlap, the first kind here wins. */
static enum kind kind_of(const struct plan *p)
{
    /* An account number beginning with 0 could as well be the start of a
     * phone number: the partial phone search also looks the account up. */
    if (p->has_account && p->text[0] != '0')
        return K_ACCOUNT;
    if (p->has_phone && p->whole_phone && !p->has_account)
        return K_PHONE;
    if (p->has_meter)
        return K_METER;
    if (p->has_postcode)
        return p->whole_postcode ? K_POSTCODE : K_POSTCODE_PART;
    if (p->has_phone)
        return K_PHONE_PART;
    if (p->has_account)
        return K_ACCOUNT;
    return K_WORDS;
}

/* The first text after every text that begins with s, in byte order (the
 * order of ~<~): s with its last byte moved on by one. A compact postcode
 * is ASCII letters and digits, so the last byte is never 0xFF. */
static void range_end(const char *s, char *out, size_t outlen)
{
    util_format(out, outlen, "%s", s);
    size_t n = strlen(out);
    if (n)
        out[n - 1] = (char)((unsigned char)out[n - 1] + 1);
}

static int classify(const char *raw, struct plan *p, char *hint, size_t hintlen)
{
    memset(p, 0, sizeof *p);
    size_t rawlen = strlen(raw);
    if (!tui_utf8_valid(raw, rawlen)) {
        util_format(hint, hintlen, "The search text has characters that are not valid text; clear it and type again");
        return -1;
    }
    if (rawlen > SEARCH_MAX_BYTES) {
        util_format(hint, hintlen, "The search text is too long (%zu characters); type at most %d", count_chars(raw),
                    SEARCH_MAX_BYTES / 2);
        return -1;
    }
    size_t len;
    trim(raw, p->text, sizeof p->text, &len);
    if (len == 0) {
        util_format(hint, hintlen, "Type a name, account number, phone number, %s, address or meter serial",
                    db_region_postcode_word());
        return -1;
    }
    if (!valid_match(VALID_SEARCH, p->text, len)) {
        util_format(hint, hintlen, "Type letters or digits: \"%s\" has nothing to search for", p->text);
        return -1;
    }
    if (valid_match(VALID_ACCOUNT_NO, p->text, len)) {
        p->has_account = len < sizeof p->account;
        if (p->has_account)
            memcpy(p->account, p->text, len + 1);
    }
    bool whole_phone = valid_match(VALID_PHONE, p->text, len);
    if (whole_phone || valid_match(VALID_PHONE_PARTIAL, p->text, len)) {
        size_t d = valid_phone_digits(p->text, p->phone, sizeof p->phone);
        p->has_phone = d >= 4;
        /* A whole national number (ten digits in Britain and North
         * America) is the longest: nothing longer can contain it. Fewer
         * digits may be a whole number or a longer one still being typed. */
        p->whole_phone = whole_phone && strlen(p->phone) == (size_t)valid_phone_plan()->national_digits;
    }
    bool whole_postcode = valid_match(VALID_POSTCODE, p->text, len);
    if (whole_postcode || valid_match(VALID_POSTCODE_PARTIAL, p->text, len)) {
        valid_postcode_compact(p->text, p->postcode, sizeof p->postcode);
        /* ASCII only (range_end() counts on it): a pattern of one's own
         * that lets other letters in makes a word search instead. */
        p->has_postcode = strlen(p->postcode) >= 2 && !has_high_byte(p->postcode);
        p->whole_postcode = whole_postcode;
        range_end(p->postcode, p->postcode_next, sizeof p->postcode_next);
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
        util_format(hint, hintlen, "%s",
                    has_letter(p->text) ? "Type at least 3 letters of a name or address"
                                        : "Type at least 4 digits of a phone number, or a whole account number");
        return -1;
    }
    p->kind = kind_of(p);
    return 0;
}

int db_search_check(const char *text, char *hint, size_t hintlen)
{
    struct plan p;
    return classify(text, &p, hint, hintlen);
}

/* The rows asked for: after `offset` rows, `limit` more. */
struct page {
    char end[16], offset[16];
};

/* The kind's parameters: $1 the end of the rows asked for, then what the
 * kind looks for, then the rows before them. */
static int params(const struct plan *p, int offset, int limit, struct page *pg, const char *v[4])
{
    if (limit <= 0)
        limit = 50;
    if (offset < 0)
        offset = 0;
    util_format(pg->end, sizeof pg->end, "%d", offset + limit);
    util_format(pg->offset, sizeof pg->offset, "%d", offset);
    v[0] = pg->end;
    v[1] = v[2] = v[3] = NULL;
    switch (p->kind) {
    case K_ACCOUNT:
        v[1] = p->account;
        v[2] = p->has_phone ? p->phone : NULL;
        break;
    case K_PHONE:
        v[1] = p->phone;
        break;
    case K_PHONE_PART:
        v[1] = p->phone;
        v[2] = p->has_account ? p->account : NULL;
        break;
    case K_METER:
        v[1] = p->meter;
        break;
    case K_POSTCODE:
        v[1] = p->postcode;
        break;
    case K_POSTCODE_PART:
        v[1] = p->postcode;
        v[2] = p->postcode_next;
        break;
    case K_WORDS:
    case K__COUNT:
        v[1] = p->text;
        break;
    }
    int n = kinds[p->kind].nparams;
    v[n - 1] = pg->offset;
    return n;
}

/* The columns every kind's statement ends with (SEARCH_TAIL), by name. */
static const struct db_col hit_cols[] = {
    DB_COL(DB_INT64, struct db_search_hit, customer_id),
    DB_COL(DB_TEXT, struct db_search_hit, account_no),
    DB_COL(DB_TEXT, struct db_search_hit, name),
    DB_COL(DB_TEXT, struct db_search_hit, address),
    DB_COL(DB_TEXT, struct db_search_hit, postcode),
    DB_COL(DB_TEXT, struct db_search_hit, segment),
    DB_COL(DB_TEXT, struct db_search_hit, phone),
    DB_COL(DB_TEXT, struct db_search_hit, flags),
    DB_COL(DB_TEXT, struct db_search_hit, matched),
    DB_COL(DB_INT64, struct db_search_hit, total),
    DB_COL(DB_BOOL, struct db_search_hit, capped),
};
static const struct db_shape hit_shape = DB_SHAPE("search", struct db_search_hit, hit_cols);

static void parse(const PGresult *r, struct db_search_result *out)
{
    char why[300];
    if (db_rows_decode(&out->rows, &hit_shape, r, why, sizeof why) < 0) {
        out->error = util_strdup(why);
        return;
    }
    out->hits = out->rows.v;
    out->count = out->rows.n;
    /* Every row carries the same total (the rows are only what is shown). */
    out->total = out->count ? (int)out->hits[0].total : 0;
    out->total_capped = out->count && out->hits[0].capped;
}

struct pending {
    void (*done)(void *ctx, struct db_search_result *r);
    void *ctx;
    int offset, limit;
};

static void on_result(void *ctx, const PGresult *res, const char *err, double ms)
{
    struct pending *p = ctx;
    struct db_search_result *r = util_calloc(1, sizeof *r);
    r->elapsed_ms = ms;
    r->offset = p->offset;
    if (err)
        r->error = util_strdup(err);
    else
        parse(res, r);
    /* A full page: there may be rows after it (fetched on scroll). */
    r->more = !r->error && r->count == p->limit;
    p->done(p->ctx, r);
    free(p);
}

unsigned db_search_page(struct db_conn *c, const char *text, int offset, int limit, int delay_ms,
                        void (*done)(void *ctx, struct db_search_result *r), void *ctx)
{
    struct plan p;
    char hint[256];
    struct page pg = {0};
    const char *v[4];
    if (classify(text, &p, hint, sizeof hint) < 0) {
        /* Callers check first; a search that cannot run still answers. */
        struct db_search_result *r = util_calloc(1, sizeof *r);
        r->error = util_strdup(hint);
        done(ctx, r);
        return 0;
    }
    struct pending *pd = util_calloc(1, sizeof *pd);
    pd->done = done;
    pd->ctx = ctx;
    pd->offset = offset > 0 ? offset : 0;
    pd->limit = limit > 0 ? limit : 50;
    int n = params(&p, offset, limit, &pg, v);
    struct db_query q = {
        .sql = sql_of(p.kind),
        .nparams = n,
        .params = v,
        .slot = "search",   /* the newest key, or the newest scroll, wins */
        .name = kinds[p.kind].name,
        .delay_ms = delay_ms,
        .done = on_result,
        .ctx = pd,
        .owner = ctx,
        .cleanup = free,
    };
    return db_send(c, &q);
}

unsigned db_search_start(struct db_conn *c, const char *text, int limit, int delay_ms,
                         void (*done)(void *ctx, struct db_search_result *r), void *ctx)
{
    return db_search_page(c, text, 0, limit, delay_ms, done, ctx);
}

int db_search_run(struct db_conn *c, const char *text, int limit, struct db_search_result *out)
{
    memset(out, 0, sizeof *out);
    struct plan p;
    char hint[256];
    struct page pg = {0};
    const char *v[4];
    if (classify(text, &p, hint, sizeof hint) < 0) {
        out->error = util_strdup(hint);
        return -1;
    }
    int n = params(&p, 0, limit, &pg, v);
    const struct kind_stmt *k = &kinds[p.kind];
    long long t0 = util_now_ms();
    PGresult *r = db_exec_named(c, k->name, sql_of(p.kind), n, v);
    out->elapsed_ms = (double)(util_now_ms() - t0);
    if (!r) {
        out->error = util_strdup(db_error(c));
        return -1;
    }
    parse(r, out);
    PQclear(r);
    out->more = !out->error && out->count == (limit > 0 ? limit : 50);
    return out->error ? -1 : 0;
}

int db_search_sql(const char *text, int limit, struct db_search_sql *out)
{
    memset(out, 0, sizeof *out);
    struct plan p;
    struct page pg = {0};
    const char *v[4];
    if (classify(text, &p, out->hint, sizeof out->hint) < 0)
        return -1;
    out->nparams = params(&p, 0, limit, &pg, v);
    out->name = kinds[p.kind].name;
    out->sql = sql_of(p.kind);
    for (int i = 0; i < out->nparams; i++)
        if (v[i]) {
            util_format(out->bufs[i], sizeof out->bufs[i], "%s", v[i]);
            out->params[i] = out->bufs[i];
        }
    return 0;
}

void db_search_result_append(struct db_search_result *into, struct db_search_result *from)
{
    if (from->offset != into->count)
        return;   /* not the rows that follow: a stale page */
    db_rows_append(&into->rows, &from->rows);
    into->hits = into->rows.v;
    into->count = into->rows.n;
    if (from->count) {
        into->total = from->total;
        into->total_capped = from->total_capped;
    }
    into->more = from->more;
    from->hits = NULL;
    from->count = 0;
}

void db_search_prepare(struct db_conn *c)
{
    for (int i = 0; i < K__COUNT; i++)
        db_warm(c, kinds[i].name, sql_of((enum kind)i), kinds[i].nparams, kinds[i].warm);
}

void db_search_result_free(struct db_search_result *r)
{
    if (!r)
        return;
    db_rows_free(&r->rows);
    free(r->error);
    memset(r, 0, sizeof *r);
}

/* One of each kind of search, with what it is given when it matches
 * customer 1 of the seeded demo data (always the same: the seed is a hash
 * of row numbers): the end row, the kind's own values, the offset (params()). */
static const char *const check_account[] = {"20", "4874732004", NULL, "0"};
static const char *const check_phone[] = {"20", "7796095798", "0"};
static const char *const check_phone_part[] = {"20", "77960957", NULL, "0"};
static const char *const check_meter[] = {"20", "SN88655056", "0"};
static const char *const check_postcode[] = {"20", "OX39EZ", "0"};
static const char *const check_postcode_part[] = {"20", "OX3", "OX4", "0"};
static const char *const check_words[] = {"20", "road", "0"};
static const char *const *const check_params[K__COUNT] = {
    [K_ACCOUNT] = check_account, [K_PHONE] = check_phone, [K_PHONE_PART] = check_phone_part,
    [K_METER] = check_meter, [K_POSTCODE] = check_postcode, [K_POSTCODE_PART] = check_postcode_part,
    [K_WORDS] = check_words,
};

const struct db_statement *db_search_statements(int *n)
{
    static struct db_statement list[K__COUNT];
    for (int k = 0; k < K__COUNT; k++)
        list[k] = (struct db_statement){sql_of((enum kind)k), kinds[k].nparams, check_params[k], &hit_shape, false};
    *n = K__COUNT;
    return list;
}
