/* chart.c — sparklines and bars as plain strings, so charts work in monochrome and in ASCII. */
#include "careline/tui.h"

#include <math.h>
#include <string.h>

#include "careline/util.h"

/* Eighths of a cell, bottom up (sparklines) and left to right (bars). */
static const char *const spark_utf8[8] = {"\u2581", "\u2582", "\u2583", "\u2584",
                                          "\u2585", "\u2586", "\u2587", "\u2588"};
static const char spark_ascii[8] = {'_', '_', '.', '-', '-', '=', '#', '#'};
static const char *const bar_utf8[8] = {"\u258F", "\u258E", "\u258D", "\u258C",
                                        "\u258B", "\u258A", "\u2589", "\u2588"};

static double largest(const double *v, int n)
{
    double max = 0;
    for (int i = 0; i < n; i++)
        if (!isnan(v[i]) && v[i] > max)
            max = v[i];
    return max;
}

char *tui_sparkline(const double *v, int n, double max, bool ascii)
{
    struct util_buf b = {0};
    if (max <= 0)
        max = largest(v, n);
    for (int i = 0; i < n; i++) {
        if (isnan(v[i]) || v[i] < 0) {
            util_buf_puts(&b, " ");
            continue;
        }
        int level = max > 0 ? (int)lround(v[i] / max * 7.0) : 0;
        if (level < 0)
            level = 0;
        if (level > 7)
            level = 7;
        if (ascii)
            util_buf_add(&b, &spark_ascii[level], 1);
        else
            util_buf_puts(&b, spark_utf8[level]);
    }
    return util_buf_steal(&b);
}

char *tui_bar(double value, double max, int width, bool ascii)
{
    struct util_buf b = {0};
    if (width <= 0 || isnan(value) || value <= 0 || max <= 0)
        return util_buf_steal(&b);
    if (value > max)
        value = max;
    if (ascii) {
        long cols = lround(value / max * width);
        for (long i = 0; i < (cols < 1 ? 1 : cols); i++)   /* anything above zero shows */
            util_buf_puts(&b, "#");
        return util_buf_steal(&b);
    }
    int eighths = (int)lround(value / max * width * 8.0);
    if (eighths < 1)
        eighths = 1;
    for (int full = eighths / 8; full > 0; full--)
        util_buf_puts(&b, bar_utf8[7]);
    if (eighths % 8)
        util_buf_puts(&b, bar_utf8[eighths % 8 - 1]);
    return util_buf_steal(&b);
}
