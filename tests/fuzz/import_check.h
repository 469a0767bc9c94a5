/* import_check.h — what both 311 reader harnesses check on every request a reader gives: its fields are text, its line moves forward, and what the import does next with them (dates, coordinates, mapping texts) holds its promises. */
#ifndef CARELINE_FUZZ_IMPORT_CHECK_H
#define CARELINE_FUZZ_IMPORT_CHECK_H

#include <stdio.h>
#include <string.h>

#include "careline/import.h"
#include "careline/text.h"
#include "fuzz.h"

/* An accepted time is "YYYY-MM-DD HH:MM:SS" with "+hh:mm" or not. */
static void import_check_time(const char *v)
{
    char out[48], why[200];
    if (db_import_time(v, out, sizeof out, why, sizeof why) < 0) {
        FUZZ_CHECK(why[0], "a refused time without a reason");
        return;
    }
    size_t n = strlen(out);
    FUZZ_CHECK(n == 0 || n == 19 || n == 25, "an accepted time of %zu characters: \"%s\"", n, out);
    if (n)
        FUZZ_CHECK(out[4] == '-' && out[7] == '-' && out[10] == ' ' && out[13] == ':' && out[16] == ':',
                   "an accepted time in another shape: \"%s\"", out);
}

/* Read every request of in (size bytes, as source); returns how many. */
static long import_check_read(const uint8_t *data, size_t size, enum db_import_source source)
{
    FILE *f = fmemopen((void *)data, size, "rb");
    if (!f)
        return 0;
    struct db_import_reader *r = db_import_reader_new(f, source);
    struct db_import_record rec;
    char why[512];
    long last_line = 0, n = 0;
    for (;;) {
        enum db_import_read k = db_import_reader_next(r, &rec, why, sizeof why);
        if (k == DB_READ_END)
            break;
        if (k == DB_READ_FATAL) {
            FUZZ_CHECK(strncmp(why, "line ", 5) == 0, "a fatal error without its line: \"%s\"", why);
            break;
        }
        FUZZ_CHECK(++n <= (long)size + 1, "more requests than bytes");
        FUZZ_CHECK(rec.line >= last_line && rec.line >= 1, "line %ld after %ld", rec.line, last_line);
        last_line = rec.line;
        if (k == DB_READ_BAD) {
            FUZZ_CHECK(why[0], "a bad request without a reason");
            continue;
        }
        for (int i = 0; i < DB_IF__COUNT; i++)
            FUZZ_CHECK(rec.v[i] && tui_utf8_valid(rec.v[i], strlen(rec.v[i])), "field %d is not UTF-8 text", i);
        import_check_time(rec.v[DB_IF_CREATED]);
        import_check_time(rec.v[DB_IF_CLOSED]);
        char out[64];
        if (db_import_coord(rec.v[DB_IF_LAT], -90, 90, out, sizeof out) == 0 && out[0])
            FUZZ_CHECK(strtod(out, NULL) >= -90 && strtod(out, NULL) <= 90, "latitude %s", out);
        db_import_norm(rec.v[DB_IF_DESCRIPTOR], out, sizeof out);
        FUZZ_CHECK(tui_utf8_valid(out, strlen(out)), "a normalised descriptor is not UTF-8");
        if (db_import_code(rec.v[DB_IF_DESCRIPTOR], out, 16))
            FUZZ_CHECK(strlen(out) >= 1 && strlen(out) <= 6, "a code of %zu characters", strlen(out));
    }
    FUZZ_CHECK(db_import_reader_bytes(r) <= (long long)size, "read past the end");
    db_import_reader_free(r);
    (void)fclose(f);   /* a memory stream, only read */
    return n;
}

#endif
