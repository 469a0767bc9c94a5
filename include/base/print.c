/* print.c — fields of command-line output: CSV for other programs, sanitised and fitted table cells for people. */
#include "careline/print.h"

#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "careline/text.h"
#include "careline/util.h"

void print_csv(FILE *f, const char *s, bool last)
{
    s = s ? s : "";
    /* Verbatim into a file or a pipe; on a terminal, harmless like any
     * text drawn (a hostile name must not drive it). */
    char *clean = isatty(fileno(f)) ? tui_text_sanitize(s, false) : NULL;
    if (clean)
        s = clean;
    if (strpbrk(s, ",\"\r\n")) {
        fputc('"', f);
        for (; *s; s++) {
            if (*s == '"')
                fputc('"', f);
            fputc(*s, f);
        }
        fputc('"', f);
    } else {
        fputs(s, f);
    }
    fputc(last ? '\n' : ',', f);
    free(clean);
}

void print_cell(FILE *f, const char *s, int width, bool last)
{
    char *clean = tui_text_sanitize(s ? s : "", false);
    int w = 0;
    char *fit = width > 0 ? tui_text_fit(clean, width, false, &w) : util_strdup(clean);
    fputs(fit, f);
    if (last)
        fputc('\n', f);
    else
        for (int i = w; i < width + 2; i++)
            fputc(' ', f);
    free(fit);
    free(clean);
}
