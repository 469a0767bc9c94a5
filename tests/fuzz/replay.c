/* replay.c — runs a fuzz harness over every file of a corpus folder without libFuzzer (for make check), one TAP line per file. */
#include <dirent.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "fuzz.h"

static int by_name(const void *a, const void *b)
{
    return strcmp(*(char *const *)a, *(char *const *)b);
}

/* The whole file, or NULL. Empty files are inputs too. */
static uint8_t *slurp(const char *path, size_t *len)
{
    FILE *f = fopen(path, "rb");
    if (!f)
        return NULL;
    size_t cap = 4096, n = 0, got;
    uint8_t *buf = malloc(cap);
    while (buf && (got = fread(buf + n, 1, cap - n, f)) > 0) {
        n += got;
        if (n == cap) {
            buf = realloc(buf, cap *= 2);
            if (!buf)
                abort();
        }
    }
    if (ferror(f)) {
        free(buf);
        buf = NULL;
    }
    (void)fclose(f);   /* only read */
    *len = n;
    return buf;
}

int main(int argc, char **argv)
{
    if (argc != 3) {
        fprintf(stderr, "usage: %s FOLDER LABEL\n", argv[0]);
        return 2;
    }
    DIR *d = opendir(argv[1]);
    if (!d) {
        printf("not ok 1 - %s: cannot open %s\n", argv[2], argv[1]);
        return 1;
    }
    char **names = NULL;
    size_t count = 0;
    struct dirent *e;
    while ((e = readdir(d)) != NULL) {
        if (e->d_name[0] == '.')
            continue;
        names = realloc(names, (count + 1) * sizeof *names);
        if (!names)
            abort();
        names[count++] = strdup(e->d_name);
    }
    closedir(d);
    if (count > 1)   /* names is NULL when the folder is empty */
        qsort(names, count, sizeof *names, by_name);
    int failed = 0;
    /* A corpus that lost its files would otherwise pass by testing nothing. */
    if (count == 0) {
        printf("not ok 1 - %s: %s holds no inputs\n", argv[2], argv[1]);
        failed = 1;
    }
    for (size_t i = 0; i < count; i++) {
        char path[4096];
        size_t len = 0;
        int n = snprintf(path, sizeof path, "%s/%s", argv[1], names[i]);
        uint8_t *data = n > 0 && (size_t)n < sizeof path ? slurp(path, &len) : NULL;
        if (!data) {
            printf("not ok %zu - %s/%s: cannot read\n", i + 1, argv[2], names[i]);
            failed = 1;
        } else {
            /* Said first, so a crash or broken property names its input. */
            printf("# %s/%s\n", argv[2], names[i]);
            if (fflush(stdout) != 0)
                failed = 1;
            LLVMFuzzerTestOneInput(data, len);
            printf("ok %zu - %s/%s\n", i + 1, argv[2], names[i]);
        }
        free(data);
        free(names[i]);
    }
    free(names);
    return failed;
}
