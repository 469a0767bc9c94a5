/* stamp.c — note the time a program starts (CLOCK_MONOTONIC ms, the clock of CARELINE_TRACE) in a file, then become that program: start-up is measured from exec to the first paint. */
#include <errno.h>
#include <stdio.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

int main(int argc, char **argv)
{
    if (argc < 3) {
        fputs("usage: stamp FILE COMMAND [ARG]...\n", stderr);
        return 2;
    }
    struct timespec ts;
    clock_gettime(CLOCK_MONOTONIC, &ts);
    FILE *f = fopen(argv[1], "a");
    if (f) {
        fprintf(f, "exec %.3f\n", (double)ts.tv_sec * 1000.0 + (double)ts.tv_nsec / 1e6);
        if (fclose(f) != 0)
            fprintf(stderr, "stamp: %s: %s\n", argv[1], strerror(errno));
    }
    execvp(argv[2], argv + 2);
    fprintf(stderr, "stamp: %s: %s\n", argv[2], strerror(errno));
    return 127;
}
