/* import_int.h — what the 311 file readers share inside db/: the buffered byte source with its line count, and the reader's state. */
#ifndef CARELINE_IMPORT_INT_H
#define CARELINE_IMPORT_INT_H

#include <stdbool.h>
#include <stddef.h>
#include <stdio.h>

#include "careline/import.h"
#include "careline/util.h"

/* The file, a block at a time; line is the line of the next byte. */
struct import_src {
    FILE *in;
    unsigned char buf[65536];
    size_t pos, len;
    long line;
    long long bytes;
    bool eof;
};

static inline int import_src_fill(struct import_src *s)
{
    if (s->eof)
        return -1;
    s->len = fread(s->buf, 1, sizeof s->buf, s->in);
    s->pos = 0;
    if (s->len == 0) {
        s->eof = true;
        return -1;
    }
    return 0;
}

/* The next byte (0..255), or -1 at the end of the file. */
static inline int import_src_get(struct import_src *s)
{
    if (s->pos == s->len && import_src_fill(s) < 0)
        return -1;
    int c = s->buf[s->pos++];
    s->bytes++;
    if (c == '\n')
        s->line++;
    return c;
}

static inline int import_src_peek(struct import_src *s)
{
    if (s->pos == s->len && import_src_fill(s) < 0)
        return -1;
    return s->buf[s->pos];
}

enum import_format { IMPORT_CSV, IMPORT_JSON, IMPORT_XML };

/* Most fields a CSV row or a request may have; more is a bad row. */
#define IMPORT_MAX_FIELDS 2000
/* Deepest nesting a JSON or XML document may have. */
#define IMPORT_MAX_DEPTH 64

struct db_import_reader {
    struct import_src src;
    enum db_import_source source;
    enum import_format fmt;
    char layout[64];
    bool started, done;
    /* The current request's text: fields one after another, each ended by
     * a NUL; off[i] where field i starts. */
    char *text;
    size_t len, cap;
    size_t *off;
    int nf, capf;
    bool too_long;          /* past DB_IMPORT_MAX_RECORD: the rest is dropped, the request is bad */
    const char *bad;        /* why the current request is bad, or NULL */
    char badbuf[128];       /* what bad points at when it is made up */
    long line;              /* where the current request starts */
    /* CSV: the column of each field (-1: the file has none) and how many. */
    int col[DB_IF__COUNT];
    int ncols;
    /* JSON and XML: the field each value was stored as (offsets in text). */
    size_t doc_off[DB_IF__COUNT];
    long item;              /* requests seen, for messages */
    bool opened;            /* JSON: inside the array of requests; XML: inside the root */
    char xml_root[128];
};

/* The request's text store. */
void import_text_clear(struct db_import_reader *r);
static inline void import_text_byte(struct db_import_reader *r, int c)
{
    if (r->len + 2 > r->cap) {
        if (r->len >= DB_IMPORT_MAX_RECORD) {
            r->too_long = true;
            return;
        }
        r->cap = r->cap ? r->cap * 2 : 4096;
        r->text = util_realloc(r->text, r->cap);
    }
    r->text[r->len++] = (char)c;
}
/* End the current field (NUL) and start the next; false past IMPORT_MAX_FIELDS. */
bool import_text_field(struct db_import_reader *r);
/* Start the first field. */
void import_text_begin(struct db_import_reader *r);

/* The GeoReport readers (import_doc.c): the next request, as
 * db_import_reader_next. */
enum db_import_read import_json_next(struct db_import_reader *r, char *why, size_t whylen);
enum db_import_read import_xml_next(struct db_import_reader *r, char *why, size_t whylen);
/* Store a value under a GeoReport name (unknown names are dropped). */
void import_doc_value(struct db_import_reader *r, const char *name, size_t start);

/* The set-based phases after the COPY (import_apply.c), in the run's
 * transaction: duplicates dropped, known requests updated, new ones stored,
 * matched, opened, complaints moved on, the run recorded with bad_json (the
 * first bad rows, as the items of a JSON array). 0, or -1 with err. */
int import_apply(struct db_conn *c, const struct db_import_map *m, struct db_import_summary *out, const char *bad_json,
                 const struct db_import_hooks *h, char *err, size_t errlen);
/* s as a JSON string, quotes included, onto b. */
void import_json_string(struct util_buf *b, const char *s);

#endif
