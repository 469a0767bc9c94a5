/* prompt.h — a dialog for one choice and/or one line of text (a reason, a root cause, a note). */
#ifndef CARELINE_PROMPT_H
#define CARELINE_PROMPT_H

#include <stdbool.h>
#include <stddef.h>

#include "careline/screens.h"

struct prompt_spec {
    const char *title;
    const char *question;
    const char *const *choices;   /* may be NULL */
    int nchoices;
    const char *text_label;       /* NULL: no text field */
    bool text_required;
    bool start_on_text;           /* focus the text first; the choice keeps its default */
    size_t text_max;
    const char *text_initial;     /* what the text field starts with, or NULL */
    /* Called after the dialog closed, only when confirmed: choice is the
     * index (-1 without choices), text the line typed (never NULL). */
    void (*done)(void *ctx, int choice, const char *text);
    void *ctx;
};

/* Opened with scr_open_prompt(&spec) (screens.h); the spec is copied. */

#endif
