/* journal.c — the local journal of drafts: one small text file per draft, replaced atomically and fsync'd on every change. */
#include "careline/journal.h"

#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "careline/util.h"

#define MAGIC "careline-draft 1"

static bool valid_id(const char *id)
{
    size_t n = strlen(id);
    if (n != 36)
        return false;
    for (size_t i = 0; i < n; i++)
        if (!(id[i] == '-' || (id[i] >= '0' && id[i] <= '9') || (id[i] >= 'a' && id[i] <= 'f')))
            return false;
    return true;
}

/* Values are one line each: backslash and newline are escaped. */
static void escape(struct util_buf *b, const char *s)
{
    for (; s && *s; s++) {
        if (*s == '\\')
            util_buf_puts(b, "\\\\");
        else if (*s == '\n')
            util_buf_puts(b, "\\n");
        else if (*s == '\r')
            util_buf_puts(b, "\\r");
        else
            util_buf_add(b, s, 1);
    }
}

static char *unescape(const char *s)
{
    struct util_buf b = {0};
    util_buf_puts(&b, "");
    for (; *s; s++) {
        if (*s == '\\' && s[1]) {
            s++;
            util_buf_add(&b, *s == 'n' ? "\n" : *s == 'r' ? "\r" : s, 1);
        } else {
            util_buf_add(&b, s, 1);
        }
    }
    return util_buf_steal(&b);
}

static int write_all(int fd, const char *p, size_t n)
{
    while (n) {
        ssize_t w = write(fd, p, n);
        if (w < 0 && errno == EINTR)
            continue;
        if (w <= 0)
            return -1;
        p += w;
        n -= (size_t)w;
    }
    return 0;
}

int db_journal_save(const char *dir, const char *id, const char *kind, const struct journal_field *f, int n,
                    char *err, size_t errlen)
{
    if (!valid_id(id)) {
        util_format(err, errlen, "not a draft id: %s", id);
        return -1;
    }
    if (util_mkdirs(dir) < 0) {
        util_format(err, errlen, "%s: cannot create the journal folder: %s", dir, strerror(errno));
        return -1;
    }
    struct util_buf b = {0};
    util_buf_printf(&b, "%s\nkind=", MAGIC);
    escape(&b, kind);
    util_buf_puts(&b, "\n");
    for (int i = 0; i < n; i++) {
        util_buf_printf(&b, "%s=", f[i].key);
        escape(&b, f[i].value);
        util_buf_puts(&b, "\n");
    }
    util_buf_puts(&b, "end\n");   /* a torn file lacks it and is not trusted */
    char *tmp = util_asprintf("%s/.%s.tmp", dir, id);
    char *path = util_asprintf("%s/%s.draft", dir, id);
    int rc = -1;
    int fd = open(tmp, O_WRONLY | O_CREAT | O_TRUNC, 0600);
    if (fd < 0 || write_all(fd, b.data, b.len) < 0 || fsync(fd) < 0) {
        util_format(err, errlen, "%s: cannot write the draft: %s", tmp, strerror(errno));
        if (fd >= 0)
            close(fd);
        unlink(tmp);
        goto out;
    }
    close(fd);
    if (rename(tmp, path) < 0) {
        util_format(err, errlen, "%s: cannot keep the draft: %s", path, strerror(errno));
        unlink(tmp);
        goto out;
    }
    /* The rename itself must survive a crash. */
    int dfd = open(dir, O_RDONLY | O_DIRECTORY);
    if (dfd >= 0) {
        fsync(dfd);
        close(dfd);
    }
    util_trace("journal", "%s", id);
    rc = 0;
out:
    free(tmp);
    free(path);
    util_buf_free(&b);
    return rc;
}

static void free_members(struct journal_draft *d, int n);

static int read_draft(const char *path, const char *id, struct journal_draft *d)
{
    memset(d, 0, sizeof *d);
    if (util_format_fits(d->id, sizeof d->id, "%s", id) < 0)
        return -1;
    FILE *f = fopen(path, "r");
    if (!f)
        return -1;
    struct stat st;
    if (fstat(fileno(f), &st) == 0)
        d->saved = st.st_mtime;
    char *line = NULL;
    size_t cap = 0;
    ssize_t len;
    bool magic = false, end = false;
    while ((len = getline(&line, &cap, f)) > 0) {
        if (line[len - 1] == '\n')
            line[--len] = '\0';
        if (!magic) {
            magic = strcmp(line, MAGIC) == 0;
            if (!magic)
                break;
            continue;
        }
        if (strcmp(line, "end") == 0) {
            end = true;
            break;
        }
        char *eq = strchr(line, '=');
        if (!eq)
            continue;
        *eq = '\0';
        if (strcmp(line, "kind") == 0) {
            free(d->kind);
            d->kind = unescape(eq + 1);
            continue;
        }
        d->keys = util_realloc(d->keys, sizeof *d->keys * (size_t)(d->n + 1));
        d->values = util_realloc(d->values, sizeof *d->values * (size_t)(d->n + 1));
        d->keys[d->n] = util_strdup(line);
        d->values[d->n] = unescape(eq + 1);
        d->n++;
    }
    free(line);
    bool closed = fclose(f) == 0;   /* a read error shows here too */
    if (!closed || !magic || !end || !d->kind) {
        free_members(d, 1);
        return -1;
    }
    return 0;
}

static int by_saved(const void *a, const void *b)
{
    const struct journal_draft *x = a, *y = b;
    return x->saved < y->saved ? -1 : x->saved > y->saved ? 1 : strcmp(x->id, y->id);
}

int db_journal_list(const char *dir, struct journal_draft **out)
{
    *out = NULL;
    DIR *d = opendir(dir);
    if (!d)
        return 0;
    int n = 0;
    struct dirent *e;
    while ((e = readdir(d)) != NULL) {
        size_t len = strlen(e->d_name);
        if (len != 36 + 6 || strcmp(e->d_name + 36, ".draft") != 0)
            continue;
        char id[37];
        memcpy(id, e->d_name, 36);
        id[36] = '\0';
        if (!valid_id(id))
            continue;
        char *path = util_asprintf("%s/%s", dir, e->d_name);
        struct journal_draft one;
        if (read_draft(path, id, &one) == 0) {
            *out = util_realloc(*out, sizeof **out * (size_t)(n + 1));
            (*out)[n++] = one;
        }
        free(path);
    }
    closedir(d);
    if (n)
        qsort(*out, (size_t)n, sizeof **out, by_saved);
    return n;
}

const char *db_journal_get(const struct journal_draft *d, const char *key)
{
    for (int i = 0; i < d->n; i++)
        if (strcmp(d->keys[i], key) == 0)
            return d->values[i];
    return NULL;
}

int db_journal_remove(const char *dir, const char *id)
{
    if (!valid_id(id))
        return -1;
    char *path = util_asprintf("%s/%s.draft", dir, id);
    int rc = unlink(path) == 0 || errno == ENOENT ? 0 : -1;
    free(path);
    return rc;
}

static void free_members(struct journal_draft *d, int n)
{
    for (int k = 0; k < n; k++) {
        for (int i = 0; i < d[k].n; i++) {
            free(d[k].keys[i]);
            free(d[k].values[i]);
        }
        free(d[k].keys);
        free(d[k].values);
        free(d[k].kind);
        d[k].keys = d[k].values = NULL;
        d[k].kind = NULL;
        d[k].n = 0;
    }
}

void db_journal_free(struct journal_draft *d, int n)
{
    if (!d)
        return;
    free_members(d, n);
    free(d);
}
