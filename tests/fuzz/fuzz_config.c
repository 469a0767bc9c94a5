/* fuzz_config.c — fuzzes the careline.conf loader (conf_load, screens/app/config.c) through an in-memory file, checking what it accepts. */
#define _GNU_SOURCE
#include <stdio.h>
#include <string.h>
#include <sys/mman.h>
#include <unistd.h>

#include "careline/config.h"
#include "fuzz.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    /* @include reads other files (even /dev/zero, forever): the loader's
     * own text is what is fuzzed here. */
    if (size > 65536 || memmem(data, size, "@include", 8))
        return 0;
    /* conf_load reads a path: a memory file leaves nothing on disk, even
     * when libFuzzer stops the process. */
    static int fd = -1;
    static char path[64];
    if (fd < 0) {
        fd = memfd_create("careline-fuzz.conf", 0);
        FUZZ_CHECK(fd >= 0, "memfd_create failed");
        int n = snprintf(path, sizeof path, "/proc/self/fd/%d", fd);
        FUZZ_CHECK(n > 0 && (size_t)n < sizeof path, "the memory file's path does not fit");
    }
    FUZZ_CHECK(ftruncate(fd, 0) == 0 && pwrite(fd, data, size, 0) == (ssize_t)size, "cannot write the memory file");

    struct conf c;
    char err[512] = "";
    int rc = conf_load(&c, path, err, sizeof err);
    if (rc == 0) {
        FUZZ_CHECK(c.conninfo && c.service && c.journal_dir && *c.journal_dir, "a setting left unset");
        FUZZ_CHECK(c.connect_timeout >= 1 && c.connect_timeout <= 600, "connect_timeout %d", c.connect_timeout);
        FUZZ_CHECK(c.search_limit >= 1 && c.search_limit <= 500, "search_limit %d", c.search_limit);
        FUZZ_CHECK(c.search_delay_ms >= 0 && c.search_delay_ms <= 5000, "search_delay_ms %d", c.search_delay_ms);
    } else {
        /* An administrator is told which file and line: "file:line: reason". */
        size_t pl = strlen(path);
        const char *rest = strncmp(err, path, pl) == 0 ? err + pl
                           : strncmp(err, "<built-in defaults>", 19) == 0 ? err + 19
                                                                           : NULL;
        FUZZ_CHECK(rest && rest[0] == ':' && rest[1] >= '0' && rest[1] <= '9', "no file:line in \"%s\"", err);
    }
    conf_free(&c);
    return 0;
}
