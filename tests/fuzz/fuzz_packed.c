/* fuzz_packed.c — fuzzes the packed-rows decoder (db/record_packed.c) with any text: a decoded view has every record filled, a refused one is empty with a sentence, and the split of several parts gives whole values or none. */
#include <stdbool.h>
#include <string.h>

#include "careline/record.h"
#include "fuzz.h"

struct rec {
    int64_t id;
    bool score_null;
    char *name;
    int64_t amount;
    bool urgent;
    double score;
};
static const struct db_col cols[] = {
    DB_COL(DB_INT64, struct rec, id),     DB_COL(DB_TEXT, struct rec, name),   DB_COL(DB_MONEY, struct rec, amount),
    DB_COL(DB_BOOL, struct rec, urgent),  DB_COL_NULL(DB_REAL, struct rec, score, score_null),
};
static const struct db_shape shape = DB_SHAPE("fuzz", struct rec, cols);

static void decode(const char *text)
{
    struct db_rows rows = {0};
    char err[200] = "";
    int rc = db_rows_decode_packed(&rows, &shape, text, err, sizeof err);
    FUZZ_CHECK(rc == 0 || rc == -1, "returned %d", rc);
    FUZZ_CHECK(rows.shape == &shape, "the rows lost their shape");
    if (rc < 0) {
        FUZZ_CHECK(rows.n == 0 && !rows.v, "a refusal left %d rows", rows.n);
        FUZZ_CHECK(err[0] != '\0', "a refusal without a sentence");
    }
    for (int i = 0; i < rows.n; i++) {
        const struct rec *r = DB_ROW(&rows, const struct rec, i);
        FUZZ_CHECK(r->name != NULL, "row %d has no text", i);
        FUZZ_CHECK(strlen(r->name) < strlen(text) + 1, "row %d's text is longer than the input", i);
    }
    db_rows_free(&rows);
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    if (size > 4096)
        return 0;
    char *text = malloc(size + 1);
    memcpy(text, data, size);
    text[size] = '\0';
    decode(text);
    static const char *const names[] = {"a", "b", "header"};
    char *v[3];
    char err[200] = "";
    if (db_packed_split(text, names, 3, v, err, sizeof err) == 0) {
        for (int i = 0; i < 3; i++) {
            FUZZ_CHECK(!v[i] || strstr(text, v[i]), "part %d is not a piece of the input", i);
            if (v[i])
                decode(v[i]);
            free(v[i]);
        }
    } else {
        for (int i = 0; i < 3; i++)
            FUZZ_CHECK(!v[i], "a refused split kept part %d", i);
    }
    free(text);
    return 0;
}
