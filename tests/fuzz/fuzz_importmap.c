/* fuzz_importmap.c — fuzzes the 311 mapping-file reader (app_import_map_load, screens/app/import_conf.c) through an in-memory file, checking what it accepts. */
#define _GNU_SOURCE
#include <stdio.h>
#include <string.h>
#include <sys/mman.h>
#include <unistd.h>

#include "careline/import_conf.h"
#include "careline/text.h"
#include "fuzz.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    /* @include reads other files: the reader's own checks are what is fuzzed. */
    if (size > 65536 || memmem(data, size, "@include", 8))
        return 0;
    static int fd = -1;
    static char path[64];
    if (fd < 0) {
        fd = memfd_create("careline-fuzz-map.conf", 0);
        FUZZ_CHECK(fd >= 0, "memfd_create failed");
        int n = snprintf(path, sizeof path, "/proc/self/fd/%d", fd);
        FUZZ_CHECK(n > 0 && (size_t)n < sizeof path, "the memory file's path does not fit");
    }
    FUZZ_CHECK(ftruncate(fd, 0) == 0 && pwrite(fd, data, size, 0) == (ssize_t)size, "cannot write the memory file");
    struct db_import_map m;
    char err[1024] = "";
    enum db_import_source source = size % 2 ? DB_IMPORT_OPEN311 : DB_IMPORT_NYC311;   /* either, by a bit that costs nothing */
    if (app_import_map_load(source, path, &m, err, sizeof err) == 0) {
        FUZZ_CHECK(m.min_score >= 0 && m.min_score <= 1, "a score of %g", m.min_score);
        FUZZ_CHECK(m.timezone && m.root_cause, "a setting left unset");
        for (int i = 0; i < m.nrules; i++) {
            const struct db_import_rule *r = &m.rules[i];
            FUZZ_CHECK(r->agency && r->type && r->descriptor && r->code && r->category, "rule %d half made", i);
            FUZZ_CHECK(source == DB_IMPORT_OPEN311 || (*r->agency && *r->type && *r->descriptor),
                       "an NYC rule without its agency, type or descriptor");
            FUZZ_CHECK(tui_utf8_valid(r->descriptor, strlen(r->descriptor)) || !tui_utf8_valid((const char *)data, size),
                       "a normalised descriptor that is not UTF-8");
        }
        for (int i = 0; i < m.nstatuses; i++)
            FUZZ_CHECK(strstr("new acknowledged investigating resolved closed", m.statuses[i].to), "status %s",
                       m.statuses[i].to);
        const char *category;
        (void)db_import_map_find(&m, "DEP", "Water System", "No Water (WNW)", &category);
        db_import_map_free(&m);
    } else {
        size_t pl = strlen(path);
        FUZZ_CHECK(strncmp(err, path, pl) == 0 && err[pl] == ':' && err[pl + 1] >= '0' && err[pl + 1] <= '9',
                   "no file:line in \"%s\"", err);
    }
    return 0;
}
