/* import_read.c — reading a 311 file request by request: the CSV reader for NYC 311 exports (columns found by their header), and the dispatch to the GeoReport JSON and XML readers. */
#include <stdlib.h>
#include <string.h>

#include "careline/text.h"
#include "careline/util.h"
#include "import_int.h"

static const char *const nyc_names[DB_IF__COUNT] = {
#define NYC_NAME(id, nyc, open311) [DB_IF_##id] = (nyc),
    DB_IMPORT_FIELDS(NYC_NAME)
#undef NYC_NAME
};

/* What an export cannot be read without. */
static const enum db_import_field nyc_required[] = {DB_IF_ID, DB_IF_CREATED, DB_IF_AGENCY, DB_IF_TYPE, DB_IF_DESCRIPTOR};
static const char *const nyc_titles[DB_IF__COUNT] = {
    [DB_IF_ID] = "Unique Key", [DB_IF_CREATED] = "Created Date", [DB_IF_AGENCY] = "Agency",
    [DB_IF_TYPE] = "Complaint Type", [DB_IF_DESCRIPTOR] = "Descriptor",
};

struct db_import_reader *db_import_reader_new(FILE *in, enum db_import_source source)
{
    struct db_import_reader *r = util_calloc(1, sizeof *r);
    r->src.in = in;
    r->src.line = 1;
    r->source = source;
    for (int i = 0; i < DB_IF__COUNT; i++)
        r->col[i] = -1;
    return r;
}

void db_import_reader_free(struct db_import_reader *r)
{
    if (!r)
        return;
    free(r->text);
    free(r->off);
    free(r);
}

long long db_import_reader_bytes(const struct db_import_reader *r)
{
    return r->src.bytes;
}

const char *db_import_reader_layout(const struct db_import_reader *r)
{
    return r->layout[0] ? r->layout : "not read yet";
}

void import_text_clear(struct db_import_reader *r)
{
    r->len = 0;
    r->nf = 0;
    r->too_long = false;
    r->bad = NULL;
}

void import_text_begin(struct db_import_reader *r)
{
    if (r->capf == 0) {
        r->capf = 64;
        r->off = util_malloc((size_t)r->capf * sizeof *r->off);
    }
    r->off[0] = r->len;
    r->nf = 1;
}

bool import_text_field(struct db_import_reader *r)
{
    import_text_byte(r, '\0');
    if (r->nf >= IMPORT_MAX_FIELDS)
        return false;
    if (r->nf == r->capf) {
        r->capf *= 2;
        r->off = util_realloc(r->off, (size_t)r->capf * sizeof *r->off);
    }
    r->off[r->nf++] = r->len;
    return true;
}

/* The text is UTF-8 (ASCII skipped quickly). */
static bool text_valid(const char *s, size_t n)
{
    size_t i = 0;
    while (i < n && !((unsigned char)s[i] & 0x80))
        i++;
    return i == n || tui_utf8_valid(s + i, n - i);
}

/* A quoted field, the opening quote read: "" is one quote; the closing
 * quote ends it. Returns the byte after the closing quote (-1: the end of
 * the file), or -2 when the quote never closes. */
static int csv_quoted(struct db_import_reader *r)
{
    struct import_src *s = &r->src;
    for (;;) {
        int c = import_src_get(s);
        if (c < 0)
            return -2;
        if (c == '"') {
            if (import_src_peek(s) != '"')
                return import_src_get(s);
            c = import_src_get(s);
        } else if (c == 0) {
            r->bad = "has a NUL byte";
        }
        import_text_byte(r, c);
    }
}

/* One CSV record (RFC 4180: quotes around fields with commas, quotes or
 * line breaks; "" inside them). Blank lines between records are skipped.
 * A quote inside an unquoted field, or text after a closing quote, is kept
 * as it is (what spreadsheets write). Returns RECORD, END or BAD. */
static enum db_import_read csv_record(struct db_import_reader *r)
{
    struct import_src *s = &r->src;
    import_text_clear(r);
    int c = import_src_get(s);
    while (c == '\n' || c == '\r')
        c = import_src_get(s);
    if (c < 0)
        return DB_READ_END;
    r->line = s->line;
    import_text_begin(r);
    bool field_start = true;
    for (;;) {
        if (c == '"' && field_start) {
            long opened = s->line;
            c = csv_quoted(r);
            if (c == -2) {
                util_format(r->badbuf, sizeof r->badbuf, "has a quoted field, opened on line %ld, that never closes",
                         opened);
                r->bad = r->badbuf;
                break;
            }
            field_start = false;
            continue;
        }
        if (c == ',') {
            if (!import_text_field(r))
                r->bad = "has more than 2000 fields";
            field_start = true;
        } else if (c == '\n' || c == '\r' || c < 0) {
            if (c == '\r' && import_src_peek(s) == '\n')
                import_src_get(s);
            break;
        } else {
            if (c == 0)
                r->bad = "has a NUL byte";
            import_text_byte(r, c);
            field_start = false;
        }
        c = import_src_get(s);
    }
    import_text_byte(r, '\0');
    if (r->too_long)
        r->bad = "is longer than 4 MB";
    else if (!r->bad && !text_valid(r->text, r->len))
        r->bad = "is not UTF-8 text";
    return r->bad ? DB_READ_BAD : DB_READ_RECORD;
}

static const char *csv_field(const struct db_import_reader *r, int i)
{
    return i >= 0 && i < r->nf ? r->text + r->off[i] : "";
}

/* The header: each column's name matched, in any spelling the exports use;
 * a column named twice counts the first time. */
static enum db_import_read csv_header(struct db_import_reader *r, char *why, size_t whylen)
{
    enum db_import_read got = csv_record(r);
    if (got == DB_READ_END) {
        util_format(why, whylen, "line 1: the file is empty: an NYC 311 export starts with its header");
        return DB_READ_FATAL;
    }
    if (got == DB_READ_BAD) {
        util_format(why, whylen, "line %ld: the header %s", r->line, r->bad);
        return DB_READ_FATAL;
    }
    r->ncols = r->nf;
    bool snake = true;
    for (int i = 0; i < r->nf; i++) {
        const char *raw = csv_field(r, i);
        if (i == 0 && (unsigned char)raw[0] == 0xEF && (unsigned char)raw[1] == 0xBB && (unsigned char)raw[2] == 0xBF)
            raw += 3;   /* the byte order mark spreadsheets write */
        char name[128];
        db_import_header_name(raw, name, sizeof name);
        snake = snake && strcmp(name, raw) == 0;
        for (int f = 0; f < DB_IF__COUNT; f++)
            if (nyc_names[f] && r->col[f] < 0 && strcmp(nyc_names[f], name) == 0)
                r->col[f] = i;
    }
    for (size_t k = 0; k < sizeof nyc_required / sizeof nyc_required[0]; k++) {
        enum db_import_field f = nyc_required[k];
        if (r->col[f] < 0) {
            util_format(why, whylen, "line %ld: no \"%s\" column (or %s): is this an NYC 311 export?", r->line,
                     nyc_titles[f], nyc_names[f]);
            return DB_READ_FATAL;
        }
    }
    util_format(r->layout, sizeof r->layout, "NYC 311 CSV, %d columns%s", r->ncols, snake ? ", snake_case header" : "");
    return DB_READ_RECORD;
}

static enum db_import_read csv_next(struct db_import_reader *r, struct db_import_record *rec, char *why, size_t whylen)
{
    if (!r->started) {
        r->started = true;
        enum db_import_read h = csv_header(r, why, whylen);
        if (h != DB_READ_RECORD)
            return h;
    }
    enum db_import_read got = csv_record(r);
    rec->line = r->line;
    if (got == DB_READ_END)
        return got;
    if (got == DB_READ_BAD) {
        util_format(why, whylen, "the row %s", r->bad);
        return got;
    }
    if (r->nf != r->ncols) {
        util_format(why, whylen, "the row has %d fields, the header %d", r->nf, r->ncols);
        return DB_READ_BAD;
    }
    for (int f = 0; f < DB_IF__COUNT; f++)
        rec->v[f] = csv_field(r, r->col[f]);
    return DB_READ_RECORD;
}

/* GeoReport: JSON or XML by the first character that is not blank. */
static enum db_import_read doc_start(struct db_import_reader *r, char *why, size_t whylen)
{
    int c = import_src_peek(&r->src);
    while (c == ' ' || c == '\t' || c == '\r' || c == '\n') {
        import_src_get(&r->src);
        c = import_src_peek(&r->src);
    }
    /* A byte order mark before either. */
    if (c == 0xEF) {
        import_src_get(&r->src);
        if (import_src_get(&r->src) != 0xBB || import_src_get(&r->src) != 0xBF) {
            util_format(why, whylen, "line %ld: neither JSON nor XML", r->src.line);
            return DB_READ_FATAL;
        }
        return doc_start(r, why, whylen);
    }
    if (c == '[' || c == '{') {
        r->fmt = IMPORT_JSON;
        util_format(r->layout, sizeof r->layout, "Open311 GeoReport v2 JSON");
    } else if (c == '<') {
        r->fmt = IMPORT_XML;
        util_format(r->layout, sizeof r->layout, "Open311 GeoReport v2 XML");
    } else {
        util_format(why, whylen, "line %ld: %s: an Open311 requests document is JSON or XML", r->src.line,
                 c < 0 ? "the file is empty" : "neither JSON nor XML");
        return DB_READ_FATAL;
    }
    return DB_READ_RECORD;
}

static enum db_import_read doc_next(struct db_import_reader *r, struct db_import_record *rec, char *why, size_t whylen)
{
    if (!r->started) {
        r->started = true;
        enum db_import_read s = doc_start(r, why, whylen);
        if (s != DB_READ_RECORD)
            return s;
    }
    for (int f = 0; f < DB_IF__COUNT; f++)
        r->doc_off[f] = (size_t)-1;
    enum db_import_read got = r->fmt == IMPORT_JSON ? import_json_next(r, why, whylen) : import_xml_next(r, why, whylen);
    rec->line = r->line;
    if (got != DB_READ_RECORD)
        return got;
    if (r->too_long) {
        util_format(why, whylen, "the request is longer than 4 MB");
        return DB_READ_BAD;
    }
    if (r->bad || !text_valid(r->text, r->len)) {
        util_format(why, whylen, "the request %s", r->bad ? r->bad : "is not UTF-8 text");
        return DB_READ_BAD;
    }
    for (int f = 0; f < DB_IF__COUNT; f++)
        rec->v[f] = r->doc_off[f] == (size_t)-1 ? "" : r->text + r->doc_off[f];
    return DB_READ_RECORD;
}

enum db_import_read db_import_reader_next(struct db_import_reader *r, struct db_import_record *rec, char *why,
                                          size_t whylen)
{
    memset(rec, 0, sizeof *rec);
    for (int f = 0; f < DB_IF__COUNT; f++)
        rec->v[f] = "";
    why[0] = '\0';
    if (r->done)
        return DB_READ_END;
    enum db_import_read got = r->source == DB_IMPORT_NYC311 ? csv_next(r, rec, why, whylen)
                                                            : doc_next(r, rec, why, whylen);
    if (got == DB_READ_END || got == DB_READ_FATAL) {
        r->done = true;
        for (int f = 0; f < DB_IF__COUNT; f++)
            rec->v[f] = "";
    }
    if (got == DB_READ_BAD)
        for (int f = 0; f < DB_IF__COUNT; f++)
            rec->v[f] = "";
    if (ferror(r->src.in) && got != DB_READ_FATAL) {
        util_format(why, whylen, "line %ld: the file cannot be read any further", r->src.line);
        r->done = true;
        return DB_READ_FATAL;
    }
    return got;
}
