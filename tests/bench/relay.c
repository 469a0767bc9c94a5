/* relay.c — a slow link in user space: forwards a socket, or a program's terminal, with a fixed delay and a bit rate each way, logging when bytes pass. */
/*
 *   relay [OPTIONS] --listen PATH --to PATH      UNIX socket to UNIX socket
 *                                                (e.g. Careline -> PostgreSQL)
 *   relay [OPTIONS] --pty -- COMMAND [ARG]...    run COMMAND on a new terminal
 *                                                and relay our terminal to it
 *                                                (e.g. tmux -> Careline, as ssh
 *                                                over a slow line would)
 * Options:
 *   --delay MS     one-way delay added in each direction (default 150)
 *   --rate BITS    bits per second in each direction, 0 = unlimited (default 56000)
 *   --log FILE     one line per read and per delivered write:
 *                  "rd up|down MS BYTES" and "wr up|down MS BYTES", MS on
 *                  CLOCK_MONOTONIC (the clock of CARELINE_TRACE), "up" being
 *                  client -> server or keyboard -> program.
 *
 * Each direction is one serial line shared by every connection: a chunk
 * starts when the line is free, takes bytes*8/rate to send, and arrives
 * `delay` later. Reads are at most 256 bytes, so a big screen trickles out
 * as it would over a modem instead of arriving at once.
 */
#include <errno.h>
#include <fcntl.h>
#include <poll.h>
#include <pty.h>
#include <signal.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/ioctl.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <sys/un.h>
#include <sys/wait.h>
#include <termios.h>
#include <time.h>
#include <unistd.h>

#define CHUNK 256
#define MAX_PAIRS 64

enum { UP, DOWN };
static const char *const dir_name[2] = {"up", "down"};

struct chunk {
    double at;            /* delivery time, ms */
    size_t len, off;
    struct chunk *next;
    char data[CHUNK];
};

/* One direction of one connection. */
struct flow {
    int from, to;
    bool eof;             /* nothing more will be read */
    struct chunk *head, *tail;
};

struct pair {
    bool used;
    struct flow f[2];
};

static double delay_ms = 150, rate_bps = 56000;
static double line_free[2];   /* when each direction's line is free again */
static FILE *log_file;
static struct pair pairs[MAX_PAIRS];

static double now_ms(void)
{
    struct timespec ts;
    clock_gettime(CLOCK_MONOTONIC, &ts);
    return (double)ts.tv_sec * 1000.0 + (double)ts.tv_nsec / 1e6;
}

static void logline(const char *what, int dir, size_t n)
{
    if (log_file) {
        fprintf(log_file, "%s %s %.3f %zu\n", what, dir_name[dir], now_ms(), n);
        (void)fflush(log_file);   /* read while the relay runs; a lost line is no reason to stop */
    }
}

static void nonblock(int fd) { fcntl(fd, F_SETFL, fcntl(fd, F_GETFL) | O_NONBLOCK); }

/* Read what is waiting on f->from into a timed chunk. */
static void pull(struct flow *f, int dir)
{
    struct chunk *c = malloc(sizeof *c);
    if (!c) {
        perror("relay");
        exit(1);
    }
    ssize_t n = read(f->from, c->data, CHUNK);
    if (n <= 0) {
        free(c);
        if (n == 0 || (errno != EAGAIN && errno != EINTR))
            f->eof = true;   /* EOF, or EIO from a pty whose program ended */
        return;
    }
    logline("rd", dir, (size_t)n);
    double t = now_ms();
    double start = line_free[dir] > t ? line_free[dir] : t;
    double send = rate_bps > 0 ? (double)n * 8.0 * 1000.0 / rate_bps : 0;
    line_free[dir] = start + send;
    c->at = start + send + delay_ms;
    c->len = (size_t)n;
    c->off = 0;
    c->next = NULL;
    if (f->tail)
        f->tail->next = c;
    else
        f->head = c;
    f->tail = c;
}

/* Write every chunk that is due; false when the destination is gone. */
static bool push(struct flow *f, int dir)
{
    double t = now_ms();
    while (f->head && f->head->at <= t) {
        struct chunk *c = f->head;
        ssize_t n = write(f->to, c->data + c->off, c->len - c->off);
        if (n < 0)
            return errno == EAGAIN || errno == EINTR;
        logline("wr", dir, (size_t)n);
        c->off += (size_t)n;
        if (c->off < c->len)
            return true;
        f->head = c->next;
        if (!f->head)
            f->tail = NULL;
        free(c);
    }
    return true;
}

static void flow_free(struct flow *f)
{
    while (f->head) {
        struct chunk *c = f->head;
        f->head = c->next;
        free(c);
    }
    f->tail = NULL;
}

static double next_due(void)
{
    double due = -1;
    for (int i = 0; i < MAX_PAIRS; i++)
        for (int d = 0; d < 2 && pairs[i].used; d++)
            if (pairs[i].f[d].head && (due < 0 || pairs[i].f[d].head->at < due))
                due = pairs[i].f[d].head->at;
    return due;
}

/* A peer that goes away must not kill the relay: write() says so instead. */
static void ignore_sigpipe(void)
{
    if (signal(SIGPIPE, SIG_IGN) == SIG_ERR) {
        fprintf(stderr, "relay: cannot ignore SIGPIPE: %s\n", strerror(errno));
        exit(1);
    }
}

static int unix_listen(const char *path)
{
    struct sockaddr_un a = {.sun_family = AF_UNIX};
    if (strlen(path) >= sizeof a.sun_path) {
        fprintf(stderr, "relay: socket path too long: %s\n", path);
        exit(2);
    }
    memcpy(a.sun_path, path, strlen(path) + 1);
    unlink(path);
    int fd = socket(AF_UNIX, SOCK_STREAM, 0);
    if (fd < 0 || bind(fd, (struct sockaddr *)&a, sizeof a) < 0 || listen(fd, 64) < 0) {
        fprintf(stderr, "relay: listen on %s: %s\n", path, strerror(errno));
        exit(1);
    }
    chmod(path, 0777);
    return fd;
}

static int unix_connect(const char *path)
{
    struct sockaddr_un a = {.sun_family = AF_UNIX};
    if (strlen(path) >= sizeof a.sun_path) {
        fprintf(stderr, "relay: socket path too long: %s\n", path);
        return -1;
    }
    memcpy(a.sun_path, path, strlen(path) + 1);
    int fd = socket(AF_UNIX, SOCK_STREAM, 0);
    if (fd < 0 || connect(fd, (struct sockaddr *)&a, sizeof a) < 0) {
        fprintf(stderr, "relay: connect to %s: %s\n", path, strerror(errno));
        if (fd >= 0)
            close(fd);
        return -1;
    }
    return fd;
}

/* ---- socket mode ------------------------------------------------------- */

static int run_socket(const char *listen_path, const char *to_path)
{
    int lfd = unix_listen(listen_path);
    ignore_sigpipe();
    for (;;) {
        struct pollfd fds[1 + MAX_PAIRS * 2];
        int where[1 + MAX_PAIRS * 2];
        int n = 0;
        fds[n] = (struct pollfd){.fd = lfd, .events = POLLIN};
        where[n++] = -1;
        for (int i = 0; i < MAX_PAIRS; i++)
            for (int d = 0; d < 2 && pairs[i].used; d++)
                if (!pairs[i].f[d].eof) {
                    fds[n] = (struct pollfd){.fd = pairs[i].f[d].from, .events = POLLIN};
                    where[n++] = i * 2 + d;
                }
        double due = next_due();
        int timeout = due < 0 ? -1 : (int)(due - now_ms() + 0.999);
        if (timeout < 0 && due >= 0)
            timeout = 0;
        if (poll(fds, (nfds_t)n, timeout) < 0 && errno != EINTR) {
            perror("relay: poll");
            return 1;
        }
        for (int k = 0; k < n; k++) {
            if (!(fds[k].revents & (POLLIN | POLLHUP | POLLERR)))
                continue;
            if (where[k] < 0) {
                int cfd = accept(lfd, NULL, NULL);
                if (cfd < 0)
                    continue;
                int sfd = unix_connect(to_path);
                int i = 0;
                while (i < MAX_PAIRS && pairs[i].used)
                    i++;
                if (sfd < 0 || i == MAX_PAIRS) {
                    close(cfd);
                    if (sfd >= 0)
                        close(sfd);
                    continue;
                }
                nonblock(cfd);
                nonblock(sfd);
                pairs[i] = (struct pair){.used = true};
                pairs[i].f[UP] = (struct flow){.from = cfd, .to = sfd};
                pairs[i].f[DOWN] = (struct flow){.from = sfd, .to = cfd};
                continue;
            }
            struct pair *p = &pairs[where[k] / 2];
            if (p->used)
                pull(&p->f[where[k] % 2], where[k] % 2);
        }
        for (int i = 0; i < MAX_PAIRS; i++) {
            struct pair *p = &pairs[i];
            if (!p->used)
                continue;
            bool ok = push(&p->f[UP], UP) && push(&p->f[DOWN], DOWN);
            for (int d = 0; d < 2 && ok; d++)
                if (p->f[d].eof && !p->f[d].head)
                    shutdown(p->f[d].to, SHUT_WR);   /* pass the close on, after the data */
            bool done = !ok || (p->f[UP].eof && p->f[DOWN].eof && !p->f[UP].head && !p->f[DOWN].head);
            if (done) {
                close(p->f[UP].from);
                close(p->f[DOWN].from);
                flow_free(&p->f[UP]);
                flow_free(&p->f[DOWN]);
                p->used = false;
            }
        }
    }
}

/* ---- terminal mode ----------------------------------------------------- */

static struct termios saved;
static bool raw_set;
static volatile sig_atomic_t winch;

static void restore_tty(void)
{
    if (raw_set)
        tcsetattr(STDIN_FILENO, TCSAFLUSH, &saved);
}

static void on_winch(int sig)
{
    (void)sig;
    winch = 1;
}

static int run_pty(char **argv)
{
    struct winsize ws;
    bool have_ws = ioctl(STDIN_FILENO, TIOCGWINSZ, &ws) == 0;
    bool tty = tcgetattr(STDIN_FILENO, &saved) == 0;
    int master;
    pid_t pid = forkpty(&master, NULL, tty ? &saved : NULL, have_ws ? &ws : NULL);
    if (pid < 0) {
        perror("relay: forkpty");
        return 1;
    }
    if (pid == 0) {
        execvp(argv[0], argv);
        fprintf(stderr, "relay: %s: %s\n", argv[0], strerror(errno));
        _exit(127);
    }
    if (tty) {
        struct termios raw = saved;
        cfmakeraw(&raw);
        raw_set = tcsetattr(STDIN_FILENO, TCSAFLUSH, &raw) == 0;
        if (atexit(restore_tty) != 0) {
            restore_tty();
            fputs("relay: cannot arrange to restore the terminal\n", stderr);
            _exit(1);
        }
    }
    struct sigaction sa = {.sa_handler = on_winch};
    sigaction(SIGWINCH, &sa, NULL);
    ignore_sigpipe();
    nonblock(master);
    nonblock(STDOUT_FILENO);
    pairs[0] = (struct pair){.used = true};
    struct flow *up = &pairs[0].f[UP], *down = &pairs[0].f[DOWN];
    *up = (struct flow){.from = STDIN_FILENO, .to = master};
    *down = (struct flow){.from = master, .to = STDOUT_FILENO};
    while (!down->eof || down->head) {
        if (winch) {
            /* A resize is out-of-band on a real line too (ssh sends it as
             * its own message): pass it straight on. */
            winch = 0;
            if (ioctl(STDIN_FILENO, TIOCGWINSZ, &ws) == 0)
                ioctl(master, TIOCSWINSZ, &ws);
        }
        struct pollfd fds[2];
        int n = 0;
        if (!up->eof)
            fds[n++] = (struct pollfd){.fd = up->from, .events = POLLIN};
        if (!down->eof)
            fds[n++] = (struct pollfd){.fd = down->from, .events = POLLIN};
        double due = next_due();
        int timeout = due < 0 ? -1 : (int)(due - now_ms() + 0.999);
        if (timeout < 0 && due >= 0)
            timeout = 0;
        if (poll(fds, (nfds_t)n, timeout) < 0 && errno != EINTR)
            break;
        for (int k = 0; k < n; k++)
            if (fds[k].revents & (POLLIN | POLLHUP | POLLERR))
                pull(fds[k].fd == up->from ? up : down, fds[k].fd == up->from ? UP : DOWN);
        if (!push(up, UP))
            up->eof = true;
        if (!push(down, DOWN))
            break;
    }
    close(master);
    int st = 0;
    waitpid(pid, &st, 0);
    restore_tty();
    raw_set = false;
    return WIFEXITED(st) ? WEXITSTATUS(st) : 128 + WTERMSIG(st);
}

static void usage(void)
{
    fputs("usage: relay [--delay MS] [--rate BITS] [--log FILE] --listen PATH --to PATH\n"
          "       relay [--delay MS] [--rate BITS] [--log FILE] --pty -- COMMAND [ARG]...\n",
          stderr);
    exit(2);
}

/* A number of milliseconds or bits per second: not negative. */
static double number_arg(const char *opt, const char *v)
{
    char *end;
    errno = 0;
    double x = strtod(v, &end);
    if (end == v || *end || errno || !(x >= 0)) {
        fprintf(stderr, "relay: %s wants a number, not '%s'\n", opt, v);
        usage();
    }
    return x;
}

int main(int argc, char **argv)
{
    const char *listen_path = NULL, *to_path = NULL, *log_path = NULL;
    bool pty = false;
    int i = 1;
    for (; i < argc; i++) {
        if (strcmp(argv[i], "--") == 0) {
            i++;
            break;
        }
        if (strcmp(argv[i], "--pty") == 0) {
            pty = true;
            continue;
        }
        const char *opt = argv[i], *v = i + 1 < argc ? argv[++i] : NULL;
        if (v && strcmp(opt, "--delay") == 0)
            delay_ms = number_arg(opt, v);
        else if (v && strcmp(opt, "--rate") == 0)
            rate_bps = number_arg(opt, v);
        else if (v && strcmp(opt, "--log") == 0)
            log_path = v;
        else if (v && strcmp(opt, "--listen") == 0)
            listen_path = v;
        else if (v && strcmp(opt, "--to") == 0)
            to_path = v;
        else
            usage();
    }
    if (log_path && !(log_file = fopen(log_path, "a"))) {
        fprintf(stderr, "relay: %s: %s\n", log_path, strerror(errno));
        return 1;
    }
    if (pty) {
        if (i >= argc)
            usage();
        return run_pty(argv + i);
    }
    if (!listen_path || !to_path)
        usage();
    return run_socket(listen_path, to_path);
}
