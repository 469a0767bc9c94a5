/* script_load.c — `careline scripts check|load` and the seed's shipped scripts: the files read, checked against the database's categories and stored in one transaction, every problem said as file:line: reason. */
#include "careline/script_load.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "careline/script_parse.h"
#include "careline/text.h"
#include "careline/util.h"
#include "embedded.h"

static void print_errors(const struct script_errors *errs, FILE *errout)
{
    for (int i = 0; i < errs->count; i++) {
        char *clean = tui_text_sanitize(errs->msg[i], false);
        fprintf(errout, "%s\n", clean);
        free(clean);
    }
}

/* Store valid scripts and say what was stored. */
static enum script_load_result store_all(struct db_conn *c, int n, const char *const *files,
                                         const struct script *scripts, FILE *out, FILE *errout)
{
    const struct script **list = util_calloc((size_t)n, sizeof(const struct script *));
    struct db_script_stored *stored = util_calloc((size_t)n, sizeof *stored);
    for (int i = 0; i < n; i++)
        list[i] = &scripts[i];
    char err[2048];
    enum script_load_result rc = SCRIPT_LOAD_OK;
    if (db_script_store(c, list, n, stored, err, sizeof err) < 0) {
        fprintf(errout, "careline scripts load: %s (nothing stored)\n", err);
        rc = SCRIPT_LOAD_FAILED;
    } else if (out) {
        for (int i = 0; i < n; i++)
            if (stored[i].unchanged)
                fprintf(out, "%s: unchanged (version %d) from %s\n", scripts[i].code, stored[i].version, files[i]);
            else
                fprintf(out, "%s: version %d loaded from %s (%d steps)\n", scripts[i].code, stored[i].version,
                        files[i], scripts[i].nsteps);
    }
    free(list);
    free(stored);
    return rc;
}

enum script_load_result script_load_files(struct db_conn *c, int n, const char *const *files,
                                          const char *const *texts, FILE *out, FILE *errout)
{
    char **cats = NULL;
    if (c) {
        char err[1024];
        cats = db_script_categories(c, err, sizeof err);
        if (!cats) {
            fprintf(errout, "careline scripts load: %s\n", err);
            return SCRIPT_LOAD_FAILED;
        }
    }
    struct script *scripts = util_calloc((size_t)n, sizeof *scripts);
    struct script_errors errs = {0};
    int bad = script_parse_all(n, files, texts, (const char *const *)cats, scripts, &errs);
    enum script_load_result rc = SCRIPT_LOAD_OK;
    print_errors(&errs, errout);
    if (bad) {
        fprintf(errout, "careline scripts %s: %d of %d file(s) not valid%s\n", c ? "load" : "check", bad, n,
                c ? ": nothing stored" : "");
        rc = SCRIPT_LOAD_INVALID;
    } else if (!c) {
        for (int i = 0; out && i < n; i++)
            fprintf(out, "%s: ok: %s, %d steps\n", files[i], scripts[i].code, scripts[i].nsteps);
    } else {
        rc = store_all(c, n, files, scripts, out, errout);
    }
    for (int i = 0; i < n; i++)
        script_free(&scripts[i]);
    free(scripts);
    script_errors_free(&errs);
    script_strv_free(cats);
    return rc;
}

int script_load_shipped(struct db_conn *c, FILE *out)
{
    static const char prefix[] = "conf/scripts/";
    int n = 0;
    for (const struct embedded_file *f = embedded_files; f->path; f++)
        n += strncmp(f->path, prefix, sizeof prefix - 1) == 0;
    if (n == 0) {
        fputs("careline scripts load: no recovery scripts are compiled into this program\n", stderr);
        return -1;
    }
    const char **files = util_calloc((size_t)n, sizeof *files);
    const char **texts = util_calloc((size_t)n, sizeof *texts);
    int k = 0;
    for (const struct embedded_file *f = embedded_files; f->path; f++)
        if (strncmp(f->path, prefix, sizeof prefix - 1) == 0) {
            files[k] = f->path;
            texts[k++] = f->data;
        }
    enum script_load_result rc = script_load_files(c, n, files, texts, out, stderr);
    free(files);
    free(texts);
    return rc == SCRIPT_LOAD_OK ? 0 : -1;
}
