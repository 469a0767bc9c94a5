/* fuzz.h — what every fuzz harness shares: the libFuzzer entry point and a way to report a broken property. */
#ifndef CARELINE_FUZZ_H
#define CARELINE_FUZZ_H

#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>

/* Called once per input by libFuzzer, and by replay.c for each corpus file. */
int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

/* A broken property is a crash to libFuzzer (abort), so it keeps the input
 * that broke it; replay.c sees the abort as a failed run. */
#define FUZZ_CHECK(cond, ...)                                                                                   \
    do {                                                                                                        \
        if (!(cond)) {                                                                                          \
            fprintf(stderr, "property failed at %s:%d: %s: ", __FILE__, __LINE__, #cond);                       \
            fprintf(stderr, __VA_ARGS__);                                                                       \
            fputc('\n', stderr);                                                                                \
            abort();                                                                                            \
        }                                                                                                       \
    } while (0)

#endif
