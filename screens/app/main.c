/* main.c — Careline's entry point: options, configuration, then the screens or a command from the command table. */
#include <getopt.h>
#include <locale.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "careline/app.h"
#include "careline/cli.h"
#include "careline/util.h"

static void usage(FILE *f)
{
    fputs("Usage: careline [OPTION]... [COMMAND [ARG]...]\n"
          "Careline: the customer-care terminal of a water utility.\n"
          "Without a command, opens the agent's search screen.\n"
          "\n"
          "Commands:\n",
          f);
    cli_print_commands(f);
    fputs("\n"
          "Options:\n"
          "  -c, --config FILE         read FILE over the built-in defaults\n"
          "      --script FILE         run the screens from a key script without a terminal\n"
          "      --size ROWSxCOLS      screen size for --script (default 24x80)\n"
          "  -h, --help                show this help and exit\n"
          "  -V, --version             show the version and exit\n"
          "\n"
          "Exit status: 0 success, 1 the command failed, 2 bad usage or configuration,\n"
          "3 the database cannot be reached, 4 the terminal cannot be used,\n"
          "5 someone else changed the event first (careline event --version),\n"
          "6 done, but some input rows were bad and left out (careline import).\n"
          "See careline(1).\n",
          f);
}

__attribute__((format(printf, 1, 2)))
static int usage_error(const char *fmt, ...)
{
    va_list ap;
    va_start(ap, fmt);
    fputs("careline: ", stderr);
    vfprintf(stderr, fmt, ap);
    va_end(ap);
    fputs("\n", stderr);
    usage(stderr);
    return APP_EXIT_USAGE;
}

/* "ROWSxCOLS": two whole numbers around an x, nothing else. */
static int parse_size(const char *s, int *rows, int *cols)
{
    size_t n = strcspn(s, "xX");
    char r[16];
    if (!s[n] || n >= sizeof r)
        return -1;
    memcpy(r, s, n);
    r[n] = '\0';
    return util_parse_int(r, rows) == 0 && util_parse_int(s + n + 1, cols) == 0 && *rows >= 1 && *cols >= 1 &&
                   *rows <= 500 && *cols <= 500
               ? 0
               : -1;
}

struct options {
    const char *config_path, *script;
    int rows, cols;
};

/* The options before the command. Returns -1 to go on, else the exit code. */
static int parse_options(int argc, char **argv, struct options *o)
{
    static const struct option opts[] = {
        {"config", required_argument, NULL, 'c'},
        {"script", required_argument, NULL, 's'},
        {"size", required_argument, NULL, 'z'},
        {"help", no_argument, NULL, 'h'},
        {"version", no_argument, NULL, 'V'},
        {NULL, 0, NULL, 0},
    };
    int ch;
    opterr = 0;
    while ((ch = getopt_long(argc, argv, "+c:hV", opts, NULL)) != -1) {
        switch (ch) {
        case 'c':
            o->config_path = optarg;
            break;
        case 's':
            o->script = optarg;
            break;
        case 'z':
            if (parse_size(optarg, &o->rows, &o->cols) < 0)
                return usage_error("--size wants ROWSxCOLS, e.g. 24x80, not '%s'", optarg);
            break;
        case 'h':
            usage(stdout);
            return APP_EXIT_OK;
        case 'V':
            printf("careline %s\n", CARELINE_VERSION);
            return APP_EXIT_OK;
        case ':':
            return usage_error("option '%s' needs an argument", argv[optind - 1]);
        default:
            return usage_error("unknown option '%s'", argv[optind - 1]);
        }
    }
    return -1;
}

int main(int argc, char **argv)
{
    /* A locale the system does not have leaves "C"; the terminal's set-up
     * then draws in ASCII (tui/term.c). */
    (void)setlocale(LC_ALL, "");
    /* Numbers sent to the database and written to traces use '.' ("C" is always there). */
    (void)setlocale(LC_NUMERIC, "C");
    struct options o = {.rows = 24, .cols = 80};
    int rc = parse_options(argc, argv, &o);
    if (rc >= 0)
        return rc;
    const char *name = optind < argc ? argv[optind] : NULL;
    const struct cli_command *cmd = name ? cli_find(name) : NULL;
    if (name && !cmd)
        return usage_error("unknown command '%s'", name);
    rc = app_load_config(o.config_path);
    if (rc == APP_EXIT_OK)
        rc = cmd ? cli_run(cmd, argc - optind, argv + optind) : app_run_screens(o.script, o.rows, o.cols);
    app_end();
    return rc;
}
