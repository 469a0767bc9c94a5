/* picker.h — choose one of many (an agent, a team, a category): type to narrow the list, Enter chooses. */
#ifndef CARELINE_PICKER_H
#define CARELINE_PICKER_H

#include <stdbool.h>

struct picker_item {
    const char *label;            /* what is chosen: "Amy Agent" */
    const char *detail;           /* beside it, may be NULL: "Billing, agent, 4 open" */
};

struct picker_spec {
    const char *title;
    const char *question;         /* above the list, wrapped; may be NULL */
    const struct picker_item *items;
    int nitems;
    int selected;                 /* the item selected at first, -1: the first */
    /* Called after the picker closed, only when an item was chosen: its
     * index in items. */
    void (*done)(void *ctx, int index);
    void *ctx;
};


/* Whether text holds every blank-separated word of words, ignoring ASCII
 * case (what narrowing the list uses). Exposed for the unit tests. */
bool scr_picker_matches(const char *text, const char *words);

#endif
