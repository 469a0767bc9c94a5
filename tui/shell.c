/* shell.c — the shell: the stack of screens, key dispatch through the key map, painting a frame, and the event loop over the terminal and the database's descriptors. */
#include "careline/shell.h"

#include <curses.h>
#include <errno.h>
#include <signal.h>
#include <stdlib.h>
#include <string.h>

#include "careline/keymap.h"
#include "careline/util.h"

#define MAX_HOOK_FDS 16
#define CTRL_C 3

static struct tui_entry *stack;
static int depth, stack_cap;
static bool dirty = true, invalid, quitting;
static struct tui_loop_hooks hooks;

void tui_invalidate(void) { invalid = true; }
void tui_shell_dirty(void) { dirty = true; }
void tui_shell_quit(void) { quitting = true; }
bool tui_shell_running(void) { return !quitting && depth > 0 && !tui_term_stop_signal(); }
const struct tui_loop_hooks *tui_shell_hooks(void) { return &hooks; }

void tui_shell_settle(void)
{
    if (invalid) {
        invalid = false;
        dirty = true;
    }
}

void tui_set_loop_hooks(const struct tui_loop_hooks *h)
{
    if (h)
        hooks = *h;
    else
        memset(&hooks, 0, sizeof hooks);
}

int tui_shell_hook_fds(struct pollfd *fds, int max)
{
    int n = hooks.fds ? hooks.fds(fds, max) : 0;
    return n < 0 ? 0 : n > max ? max : n;
}

/* ---- the stack ------------------------------------------------------------------ */

/* A lock (the idle lock) stands over the whole stack: it alone is drawn and
 * gets keys, while the screens under it go on (a save that finishes may pop
 * and push beneath it, and is never shown). */
static struct tui_entry lock;
static long long last_key_ms;

void tui_lock(const struct screen_ops *ops, void *arg)
{
    void *st = ops && !lock.ops && ops->open ? ops->open(arg) : NULL;
    if (st)
        lock = (struct tui_entry){ops, st};
    dirty = true;
}

void tui_unlock(void)
{
    struct tui_entry e = lock;
    lock = (struct tui_entry){0};
    if (e.ops && e.ops->close)
        e.ops->close(e.st);
    dirty = true;
}

long long tui_last_key_ms(void) { return last_key_ms; }

void tui_quit(void) { quitting = true; }

static enum scr_result (*global_action)(enum tui_action a);

void tui_set_global_action(enum scr_result (*fn)(enum tui_action a)) { global_action = fn; }

static const struct tui_entry *top_entry(void)
{
    return lock.ops ? &lock : depth > 0 ? &stack[depth - 1] : NULL;
}

const struct tui_entry *tui_shell_base(void)
{
    if (lock.ops)
        return &lock;
    for (int i = depth - 1; i >= 0; i--)
        if (!stack[i].ops->overlay)
            return &stack[i];
    return NULL;
}

/* Close the screen at index i; when it was on top, the new top resumes
 * (except while tearing everything down, or when an overlay closed: the
 * screen under it never left). Overlays above it close first. */
static void remove_at(int i, bool resume)
{
    if (i < 0 || i >= depth)
        return;
    while (i + 1 < depth && stack[i + 1].ops->overlay && !stack[i].ops->overlay)
        remove_at(i + 1, false);
    struct tui_entry e = stack[i];
    bool top = i == depth - 1;
    memmove(stack + i, stack + i + 1, sizeof *stack * (size_t)(depth - i - 1));
    depth--;
    if (e.ops->close)
        e.ops->close(e.st);
    if (resume && top && !e.ops->overlay && depth > 0 && stack[depth - 1].ops->resume)
        stack[depth - 1].ops->resume(stack[depth - 1].st);
    dirty = true;
}

void tui_push(const struct screen_ops *ops, void *arg)
{
    if (!ops)
        return;
    /* An overlay belongs to the screen under it: one opening over it
     * closes it (help is not left behind a new screen). */
    if (!ops->overlay)
        while (depth > 0 && stack[depth - 1].ops->overlay)
            remove_at(depth - 1, false);
    void *st = ops->open ? ops->open(arg) : NULL;
    if (ops->open && !st) {
        dirty = true; /* it could not open; its message is shown */
        return;
    }
    if (depth == stack_cap) {
        stack_cap = stack_cap ? stack_cap * 2 : 8;
        stack = util_realloc(stack, sizeof *stack * (size_t)stack_cap);
    }
    stack[depth++] = (struct tui_entry){ops, st};
    dirty = true;
}

void tui_pop(void) { remove_at(depth - 1, true); }

void tui_end(void)
{
    /* Screens first: their close() may still cancel queries. */
    tui_unlock();
    while (depth > 0)
        remove_at(depth - 1, false);
    free(stack);
    stack = NULL;
    stack_cap = 0;
    tui_status_free();
    tui_term_close();
}

/* ---- painting a frame ------------------------------------------------------------ */

static void draw_frame(void)
{
    int rows = LINES, cols = COLS;
    erase();
    if (rows < 3 || cols < 10) {
        tui_put(0, 0, cols, TUI_ROLE_ERROR, "Terminal too small");
        return;
    }
    tui_status_draw_title(cols);
    struct tui_rect body = {1, 0, rows - 2, cols};
    const struct tui_entry *base = tui_shell_base();
    if (base && base->ops->draw)
        base->ops->draw(base->st, body);
    tui_status_draw(rows - 1, cols);
    for (const struct tui_entry *e = base ? base + 1 : stack; !lock.ops && e && e < stack + depth; e++)
        if (e->ops->draw)
            e->ops->draw(e->st, body);
}

void tui_shell_paint(void)
{
    if (!dirty || !tui_term_active())
        return;
    draw_frame();
    int y, x;
    const struct tui_entry *top = top_entry();
    bool cursor = tui_draw_take_cursor(&y, &x) && !(top && top->ops->overlay);
    tui_term_update(cursor, y, x);
    dirty = false;
    /* What the screens hold back until the echo is out (the journal):
     * done now, before the next key is read. A screen may pop itself here. */
    for (int i = depth - 1; i >= 0; i--)
        if (i < depth && stack[i].ops->painted)
            stack[i].ops->painted(stack[i].st);
}

/* ---- key dispatch ------------------------------------------------------------------ */

static void apply(enum scr_result r, const void *st)
{
    switch (r) {
    case SCR_REDRAW:
        dirty = true;
        break;
    case SCR_CLOSE:
        for (int i = depth - 1; i >= 0; i--) {
            if (stack[i].st == st) {
                remove_at(i, true);
                break;
            }
        }
        break;
    case SCR_QUIT:
        quitting = true;
        break;
    case SCR_UNHANDLED:
    case SCR_HANDLED:
        break;
    }
}

/* An action of the key map: the shell's own, then the screen's. Returns
 * true when something took it. */
static bool dispatch_action(const struct screen_ops *ops, void *st, enum tui_action a)
{
    switch (a) {
    case TUI_ACT_NONE:
        return false;
    case TUI_ACT_HELP:
        if (!lock.ops)   /* help opens on the stack, which the lock hides */
            tui_help_open(ops);
        return true;
    case TUI_ACT_QUIT:
        quitting = true;
        return true;
    case TUI_ACT_REFRESH:
        clearok(curscr, TRUE);
        dirty = true;
        return true;
    default:
        if (ops->action) {
            enum scr_result r = ops->action(st, a);
            if (r != SCR_UNHANDLED) {
                apply(r, st);
                return true;
            }
        }
        /* Actions that work from every screen (the queue, my work); never
         * from under the lock. */
        if (!lock.ops && global_action && global_action(a) != SCR_UNHANDLED) {
            dirty = true;
            return true;
        }
        /* Back on a screen that does not handle it closes that screen,
         * but never the last one: Esc must not quit by accident. */
        if (a == TUI_ACT_BACK && depth > 1 && !lock.ops) {
            apply(SCR_CLOSE, st);
            return true;
        }
        return false;
    }
}

void tui_shell_key(int key)
{
    last_key_ms = util_now_ms();
    key = tui_key_normalize(key);
    tui_term_trace_key(key);
    if (tui_status_clear_message())
        dirty = true;
    const struct tui_entry *top = top_entry();
    if (!top)
        return;
    /* Copies: a handler may push or pop and move the stack. */
    const struct screen_ops *ops = top->ops;
    void *st = top->st;
    bool typing = ops->key && ops->wants_text && ops->wants_text(st);
    if (TUI_KEY_IS_PASTE(key)) {
        /* Pasted text goes to a text field or nowhere: never to the key
         * map, so a pasted "q" or Esc can never act. */
        if (typing)
            apply(ops->key(st, key), st);
        return;
    }
    if (typing) {
        enum scr_result r = ops->key(st, key);
        if (r != SCR_UNHANDLED) {
            apply(r, st);
            return;
        }
    }
    enum tui_action a = tui_keymap_lookup(ops->name, key);
    /* Without any binding for C-c (no key map loaded), raw mode would leave
     * no way out: it quits unless explicitly bound. */
    if (a == TUI_ACT_NONE && key == CTRL_C && !tui_keymap_bound(ops->name, key))
        a = TUI_ACT_QUIT;
    if (!dispatch_action(ops, st, a) && !typing && ops->key)
        apply(ops->key(st, key), st);
}

/* ---- the interactive loop ------------------------------------------------------------ */

/* Wait for the terminal, a signal or the database, then hand the database
 * its ready descriptors. Returns the terminal's revents, or -1 when poll
 * failed. */
static int wait_events(void)
{
    struct pollfd fds[2 + MAX_HOOK_FDS];
    fds[0] = (struct pollfd){.fd = tui_term_wake_fd(), .events = POLLIN};
    fds[1] = (struct pollfd){.fd = tui_term_fd(), .events = POLLIN};
    int nh = tui_shell_hook_fds(fds + 2, MAX_HOOK_FDS);
    int timeout = hooks.timeout_ms ? hooks.timeout_ms() : -1;
    /* A lone Esc, or half a sequence, is decided when its delay ends. */
    int held = tui_term_input_timeout();
    if (held >= 0 && (timeout < 0 || held < timeout))
        timeout = held;
    int r = poll(fds, 2 + (nfds_t)nh, timeout);
    if (r < 0 && errno != EINTR) {
        tui_term_error("poll: %s", strerror(errno));
        return -1;
    }
    if (r < 0)
        for (int i = 0; i < 2 + nh; i++)
            fds[i].revents = 0;
    tui_term_drain_wake();
    if (hooks.ready)
        hooks.ready(fds + 2, nh);
    return fds[1].revents;
}

static int run_terminal(void)
{
    while (tui_shell_running()) {
        tui_term_check_resize();
        tui_shell_settle();
        tui_shell_paint();
        int revents = wait_events();
        if (revents < 0)
            return 1;
        if ((revents & (POLLHUP | POLLERR | POLLNVAL)) || ((revents & POLLIN) && !tui_term_read())) {
            tui_term_set_stop(SIGHUP); /* the terminal went away */
            break;
        }
        /* Read every waiting key before drawing once: typing ahead over a
         * slow link costs one paint, not one per key. */
        int key;
        while (tui_shell_running() && (key = tui_term_next_key()) >= 0)
            tui_shell_key(key);
    }
    return 0;
}

int tui_run(void)
{
    if (!tui_term_active()) {
        tui_term_error("tui_run before tui_init");
        return 1;
    }
    quitting = false;
    dirty = true;
    int rc = tui_term_scripted() ? tui_script_run() : run_terminal();
    int sig = tui_term_stop_signal();
    if (sig) {
        rc = 128 + sig;
        tui_end();
    }
    return rc;
}
