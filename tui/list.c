/* list.c — a scrolling list of rows and cells: moves by actions, keeps the selection visible, draws columns. */
#include "careline/tui.h"

#include <stdlib.h>

#include "careline/util.h"

/* Keep sel in range and on screen (page is the height seen at the last draw). */
static void clamp(struct tui_list *l)
{
    if (l->count <= 0) {
        l->count = 0;
        l->sel = -1;
        l->top = 0;
        return;
    }
    if (l->sel < 0)
        l->sel = 0;
    if (l->sel >= l->count)
        l->sel = l->count - 1;
    int page = l->page > 0 ? l->page : 1;
    if (l->top > l->sel)
        l->top = l->sel;
    if (l->sel >= l->top + page)
        l->top = l->sel - page + 1;
    /* No empty rows at the bottom while rows are hidden above. */
    if (l->top > l->count - page)
        l->top = l->count - page;
    if (l->top < 0)
        l->top = 0;
}

void tui_list_set_count(struct tui_list *l, int count)
{
    l->count = count;
    clamp(l);
}

bool tui_list_action(struct tui_list *l, enum tui_action a)
{
    if (l->count <= 0)
        return false;
    int old = l->sel, page = l->page > 1 ? l->page : 1;
    switch (a) {
    case TUI_ACT_UP:
        l->sel--;
        break;
    case TUI_ACT_DOWN:
        l->sel++;
        break;
    case TUI_ACT_PAGE_UP:
        /* Scroll a page and keep the selection at the same place on screen,
         * as far as the list allows. */
        l->sel -= page;
        l->top -= page;
        break;
    case TUI_ACT_PAGE_DOWN:
        l->sel += page;
        if (l->top + page < l->count)
            l->top += page;
        break;
    case TUI_ACT_FIRST:
        l->sel = 0;
        break;
    case TUI_ACT_LAST:
        l->sel = l->count - 1;
        break;
    default:
        return false;
    }
    if (l->top < 0)
        l->top = 0;
    clamp(l);
    return l->sel != old;
}

/* Column widths for total width w: the marker column, then a space between
 * columns; fixed widths first, the rest shared by weight. Columns that do not
 * fit get width 0 (they are clipped from the right). */
static void layout(const struct tui_column *cols, int ncols, int w, int *xs, int *ws)
{
    int x = 2, fixed = 0, weights = 0;
    for (int i = 0; i < ncols; i++) {
        if (cols[i].width > 0)
            fixed += cols[i].width;
        else
            weights += cols[i].weight > 0 ? cols[i].weight : 1;
    }
    int spare = w - 2 - fixed - (ncols > 0 ? ncols - 1 : 0);
    if (spare < 0)
        spare = 0;
    int given = 0, seen = 0;
    for (int i = 0; i < ncols; i++) {
        int cw;
        if (cols[i].width > 0) {
            cw = cols[i].width;
        } else {
            /* Cumulative rounding so the shares add up to exactly `spare`. */
            seen += cols[i].weight > 0 ? cols[i].weight : 1;
            int upto = weights ? (int)((long long)spare * seen / weights) : 0;
            cw = upto - given;
            given = upto;
        }
        if (x >= w)
            cw = 0;
        else if (x + cw > w)
            cw = w - x;
        xs[i] = x;
        ws[i] = cw;
        x += cw + 1;
    }
}

void tui_list_draw(struct tui_list *l, struct tui_rect r, const struct tui_column *cols, int ncols,
                   bool show_header, bool focused,
                   const char *(*cell)(void *ctx, int row, int col, enum tui_role *role), void *ctx)
{
    if (r.h <= 0 || r.w <= 0 || ncols < 0)
        return;
    int *xs = util_calloc((size_t)(ncols > 0 ? ncols : 1), sizeof *xs);
    int *ws = util_calloc((size_t)(ncols > 0 ? ncols : 1), sizeof *ws);
    layout(cols, ncols, r.w, xs, ws);
    int y = r.y, h = r.h;
    if (show_header) {
        tui_fill(y, r.x, r.w, TUI_ROLE_HEADER);
        for (int c = 0; c < ncols; c++) {
            if (ws[c] <= 0 || !cols[c].title)
                continue;
            if (cols[c].right)
                tui_put_right(y, r.x + xs[c], ws[c], TUI_ROLE_HEADER, cols[c].title);
            else
                tui_put(y, r.x + xs[c], ws[c], TUI_ROLE_HEADER, cols[c].title);
        }
        y++;
        h--;
    }
    l->page = h > 0 ? h : 0;
    clamp(l);
    for (int i = 0; i < h; i++) {
        int row = l->top + i;
        if (row >= l->count) {
            tui_fill(y + i, r.x, r.w, TUI_ROLE_NORMAL);
            continue;
        }
        bool sel = row == l->sel;
        enum tui_role rowrole = !sel ? TUI_ROLE_NORMAL : focused ? TUI_ROLE_SELECTED : TUI_ROLE_SELECTED_DIM;
        tui_fill(y + i, r.x, r.w, rowrole);
        /* The marker makes the selection visible without any attribute
         * (monochrome terminals, screen readers, text dumps in tests). */
        if (sel)
            tui_put(y + i, r.x, 1, rowrole, ">");
        for (int c = 0; c < ncols; c++) {
            if (ws[c] <= 0)
                continue;
            enum tui_role role = TUI_ROLE_NORMAL;
            const char *text = cell ? cell(ctx, row, c, &role) : NULL;
            if (!text)
                continue;
            if (sel)
                role = rowrole;
            if (cols[c].right)
                tui_put_right(y + i, r.x + xs[c], ws[c], role, text);
            else
                tui_put(y + i, r.x + xs[c], ws[c], role, text);
        }
    }
    free(xs);
    free(ws);
}
