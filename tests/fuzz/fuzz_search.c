/* fuzz_search.c — fuzzes the search-input classifier through db_search_check (db/search.c), which needs no database. */
#include <string.h>

#include "careline/config.h"
#include "careline/search.h"
#include "careline/text.h"
#include "fuzz.h"

/* The longest text db/search.c searches for (its SEARCH_MAX_BYTES, which
 * it keeps to itself); longer is always refused. */
#define SEARCH_MAX_BYTES 200

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    /* The classifier uses the configured patterns: the built-in ones. */
    static bool loaded;
    if (!loaded) {
        struct conf c;
        char err[512];
        FUZZ_CHECK(conf_load(&c, "/dev/null", err, sizeof err) == 0, "cannot load the defaults: %s", err);
        conf_free(&c);
        loaded = true;
    }
    if (size < 1 || size > 4096)
        return 0;
    /* First byte: how much room the hint has (1..256); the rest is typed. */
    size_t hintlen = (size_t)data[0] + 1;
    char *text = malloc(size);
    memcpy(text, data + 1, size - 1);
    text[size - 1] = '\0';
    char *hint = malloc(hintlen);
    memset(hint, 'x', hintlen);
    int rc = db_search_check(text, hint, hintlen);
    FUZZ_CHECK(rc == 0 || rc == -1, "returned %d", rc);
    size_t n = strlen(text);
    if (rc == 0) {
        FUZZ_CHECK(tui_utf8_valid(text, n), "invalid UTF-8 accepted for searching");
        FUZZ_CHECK(n <= SEARCH_MAX_BYTES, "%zu bytes accepted", n);
    } else {
        /* The hint is only written when the text is refused. */
        FUZZ_CHECK(memchr(hint, '\0', hintlen), "the hint is not terminated in its %zu bytes", hintlen);
        FUZZ_CHECK(hintlen == 1 || hint[0], "refused without a hint");
    }
    /* Blanks around what was typed (copy and paste) change nothing. */
    if (n + 2 <= SEARCH_MAX_BYTES) {
        char *padded = malloc(n + 3);
        FUZZ_CHECK(snprintf(padded, n + 3, " %s\t", text) == (int)n + 2, "cannot pad \"%s\"", text);
        char h2[256];
        FUZZ_CHECK(db_search_check(padded, h2, sizeof h2) == rc, "blanks around \"%s\" change the answer", text);
        free(padded);
    }
    free(hint);
    free(text);
    return 0;
}
