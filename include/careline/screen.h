/* screen.h — a screen is a table of operations plus its own private state; the shell keeps a stack of them. */
#ifndef CARELINE_SCREEN_H
#define CARELINE_SCREEN_H

#include <stdbool.h>

#include "careline/actions.h"

struct tui_rect {
    int y, x, h, w;
};

/* What a handler asks the shell to do next; handlers never draw. */
enum scr_result {
    SCR_UNHANDLED = 0, /* not mine: let the shell try the global map */
    SCR_HANDLED,       /* done, state unchanged on screen */
    SCR_REDRAW,        /* state changed: redraw */
    SCR_CLOSE,         /* pop this screen */
    SCR_QUIT           /* leave the program */
};

struct screen_ops {
    const char *name;   /* key-map section, e.g. "search" */
    const char *title;  /* shown in the title bar */
    /* Create private state; arg comes from whoever pushed the screen.
     * Returns NULL when the screen cannot open (message already set). */
    void *(*open)(void *arg);
    void (*close)(void *st);            /* free state, cancel its queries */
    void (*draw)(void *st, struct tui_rect body);  /* body excludes title and status lines */
    enum scr_result (*action)(void *st, enum tui_action a);
    /* Raw keys, offered FIRST when wants_text() is true (so a text field
     * gets printable and editing keys), otherwise only keys no map binds.
     * May be NULL. */
    enum scr_result (*key)(void *st, int key);
    bool (*wants_text)(void *st);       /* a text field has focus; may be NULL */
    /* Actions to show in the status line now (may depend on focus),
     * terminated by TUI_ACT_NONE; may be NULL. */
    const enum tui_action *(*status_keys)(void *st);
    /* Called when the screen becomes the top again after the one above it
     * closed (refresh data); may be NULL. */
    void (*resume)(void *st);
    /* Called for every screen on the stack after each paint has reached
     * the terminal and before the next key is read: work that must be done
     * before more typing but must not delay the echo (the intake journal's
     * fsync). May be NULL. */
    void (*painted)(void *st);
    /* Drawn over the screen below it, which keeps the title bar, the status
     * line and its state (it gets no resume() when this closes); closes
     * when that screen closes or another screen opens over it. The help
     * screen is one. */
    bool overlay;
};

#endif
