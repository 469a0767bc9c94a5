/* dbtap.h — TAP lines ("ok N - ..." / "not ok N - ...") for the database test programs in this folder. */
#ifndef CARELINE_TESTS_DBTAP_H
#define CARELINE_TESTS_DBTAP_H

#include <stdarg.h>
#include <stdbool.h>
#include <stdio.h>

static int tap_n, tap_failed;

__attribute__((format(printf, 2, 3))) static void tap(bool pass, const char *fmt, ...)
{
    va_list ap;
    va_start(ap, fmt);
    printf("%sok %d - ", pass ? "" : "not ", ++tap_n);
    vprintf(fmt, ap);
    printf("\n");
    va_end(ap);
    tap_failed += !pass;
}

#endif
