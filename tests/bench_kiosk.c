/*
 * bench_kiosk.c: the kiosk on the demo town with 10,000 appeals (issue
 * targets in brackets):
 *
 *   - time from process start to the first frame presented, of the real
 *     `echowall --headless --window 1920x1080` (median of 5) [< 300 ms];
 *   - p50/p99 frame time while scrolling the wall of all 10,000 cards
 *     continuously at 1920x1080 with the software renderer [p99 < 16 ms];
 *   - peak RSS [< 60 MB];
 *   - CPU used over 30 s idle on Home [< 1 %].
 *
 * The first frame and idle CPU are measured on the real binary
 * ($ECHOWALL_KIOSK) as a child process; scrolling runs in a fresh process
 * (this program re-run with --scroll, so its peak RSS is the kiosk's own,
 * not the demo build's), driving the App directly so every frame is timed,
 * in wall-clock time and in the thread's CPU time (on a busy machine the
 * two differ: the gap is waiting for a CPU, not the kiosk's work).
 * Prints figures; asserts no times (label `bench`): exits non-zero only
 * when something fails to run.
 *
 * Run: ctest --preset bench -R bench_kiosk   (or build/release/tests/bench_kiosk [N])
 * Environment: ECHOWALL_KIOSK (the echowall binary), ECHOWALL_DATA (folder
 * with fonts/ and assets/); both default to the build and source trees.
 * ECHOWALL_BENCH_IDLE_S shortens the idle measurement (default 30);
 * ECHOWALL_BENCH_FRAMES sets the scrolling frames (default 2000);
 * ECHOWALL_BENCH_DB=PATH reuses the town at PATH, or builds it there
 * when missing (kept afterwards). ECHOWALL_NOW is pinned to 2026-11-28T10:00.
 * Standalone scrolling part, e.g. under perf:
 *   bench_kiosk --scroll DB [N]
 */
#define _GNU_SOURCE
#include <SDL.h>
#include <SDL_image.h>
#include <SDL_ttf.h>
#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <poll.h>
#include <signal.h>
#include <spawn.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/resource.h>
#include <sys/stat.h>
#include <sys/utsname.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#include "app.h"
#include "config.h"
#include "db.h"
#include "demo.h"
#include "display.h"
#include "runner.h"
#include "source.h"
#include "testutil.h"

extern char **environ;

#define NOW_PIN "2026-11-28T10:00"
#define W 1920
#define H 1080
#define FIRST_RUNS 5
#define DRAG_MOVES 20   /* moves per drag before lifting the finger */
#define DRAG_STEP 40    /* px the finger moves per frame */
#define FLING_FRAMES 1000

/* ---- small helpers ------------------------------------------------------ */

static double now_ms(void)
{
    struct timespec ts;
    clock_gettime(CLOCK_MONOTONIC, &ts);
    return ts.tv_sec * 1e3 + ts.tv_nsec / 1e6;
}

/* CPU time of this thread, ms: a frame whose wall time is far above it
 * waited for the CPU (another process ran), rather than worked. */
static double cpu_ms(void)
{
    struct timespec ts;
    clock_gettime(CLOCK_THREAD_CPUTIME_ID, &ts);
    return ts.tv_sec * 1e3 + ts.tv_nsec / 1e6;
}

static int cmp_double(const void *a, const void *b)
{
    double x = *(const double *)a, y = *(const double *)b;
    return x < y ? -1 : x > y;
}

/* Nearest-rank percentile of a sorted array. */
static double pct(const double *v, int n, double p)
{
    if (n <= 0)
        return 0;
    int k = (int)(p / 100.0 * n + 0.999999) - 1;
    if (k < 0)
        k = 0;
    if (k >= n)
        k = n - 1;
    return v[k];
}

static int env_int(const char *name, int dflt)
{
    const char *s = getenv(name);
    return s && atoi(s) > 0 ? atoi(s) : dflt;
}

/* The folder of this program (for defaults next to the build tree). */
static const char *self_dir(void)
{
    static char buf[PATH_MAX];
    ssize_t n = readlink("/proc/self/exe", buf, sizeof buf - 1);
    if (n <= 0)
        return ".";
    buf[n] = 0;
    char *slash = strrchr(buf, '/');
    if (slash)
        *slash = 0;
    return buf;
}

static int readable(const char *dir, const char *file)
{
    char p[PATH_MAX + 64];
    snprintf(p, sizeof p, "%s/%s", dir, file);
    return access(p, R_OK) == 0;
}

/* The folder holding fonts/ and assets/: $ECHOWALL_DATA, else the source tree. */
static const char *data_dir(void)
{
    static char buf[PATH_MAX];
    const char *e = getenv("ECHOWALL_DATA");
    if (e && *e)
        return e;
    const char *tests = getenv("ECHOWALL_TEST_SRC");
    if (tests && *tests) {
        snprintf(buf, sizeof buf, "%s/..", tests);
        if (readable(buf, "fonts/NotoSansSC-Regular.otf"))
            return buf;
    }
    /* build/<preset>/tests/bench_kiosk -> the repository */
    snprintf(buf, sizeof buf, "%s/../../..", self_dir());
    if (readable(buf, "fonts/NotoSansSC-Regular.otf"))
        return buf;
    return NULL;
}

static const char *kiosk_path(void)
{
    static char buf[PATH_MAX];
    const char *e = getenv("ECHOWALL_KIOSK");
    if (e && *e)
        return e;
    snprintf(buf, sizeof buf, "%s/../echowall", self_dir());
    return access(buf, X_OK) == 0 ? buf : NULL;
}

static long rss_now_kb(void)
{
    FILE *f = fopen("/proc/self/status", "r");
    char line[256];
    long kb = -1;
    while (f && fgets(line, sizeof line, f))
        if (sscanf(line, "VmRSS: %ld kB", &kb) == 1)
            break;
    if (f)
        fclose(f);
    return kb;
}

static double loadavg(void)
{
    double l = -1;
    FILE *f = fopen("/proc/loadavg", "r");
    if (f) {
        if (fscanf(f, "%lf", &l) != 1)
            l = -1;
        fclose(f);
    }
    return l;
}

static long maxrss_kb(void)
{
    struct rusage ru;
    getrusage(RUSAGE_SELF, &ru);
    return ru.ru_maxrss;
}

/* ---- the scrolling part (a process of its own) -------------------------- */

typedef struct Stats {
    int n;
    double p50, p90, p99, max, mean, total;
} Stats;

typedef struct ScrollResult {
    int ok;
    double display_ms, app_new_ms, home_ms, hall_wall_ms, town_wall_ms, town_wall2_ms;
    Stats drag, fling;         /* wall-clock time per frame */
    Stats drag_cpu, fling_cpu; /* CPU time per frame */
    int drag_slow, fling_slow; /* frames over 16 ms */
    int drag_moves, flings;
    char code0[16], code1[16], code2[16]; /* first card on screen: start, after drags, after flings */
    long rss_app_kb, rss_home_kb, rss_wall_kb, rss_drag_kb, rss_fling_kb; /* peak so far */
    long rss_end_kb; /* resident now, at the end */
    int count_visible;
} ScrollResult;

static void stats_of(double *v, int n, Stats *s)
{
    memset(s, 0, sizeof *s);
    s->n = n;
    if (n == 0)
        return;
    for (int i = 0; i < n; i++)
        s->total += v[i];
    qsort(v, (size_t)n, sizeof *v, cmp_double);
    s->p50 = pct(v, n, 50);
    s->p90 = pct(v, n, 90);
    s->p99 = pct(v, n, 99);
    s->max = v[n - 1];
    s->mean = s->total / n;
}

static void print_stats(const Stats *w, const Stats *c, int slow)
{
    printf("    wall time p50 %.2f  p90 %.2f  p99 %.2f  max %.2f  mean %.2f ms; %.0f frames/s "
           "unthrottled; %d frames over 16 ms\n",
           w->p50, w->p90, w->p99, w->max, w->mean, w->total > 0 ? w->n / (w->total / 1e3) : 0,
           slow);
    printf("    CPU time  p50 %.2f  p90 %.2f  p99 %.2f  max %.2f  mean %.2f ms (the frame's own "
           "work)\n",
           c->p50, c->p90, c->p99, c->max, c->mean);
}

static double frame(App *a, Display *d)
{
    double t0 = now_ms();
    runner_frame(a, d, NULL, NULL, 0);
    return now_ms() - t0;
}

/* Taps the control labelled label; returns the time of the frame after
 * lifting (where the tap takes effect), or -1. */
static double press(App *a, Display *d, const char *label)
{
    int x, y;
    char msg[1024];
    if (app_find_control(a, label, 0, &x, &y, msg, sizeof msg) != 0) {
        fprintf(stderr, "bench_kiosk: %s\n", msg);
        return -1;
    }
    app_push_pointer(a, EV_DOWN, x, y);
    frame(a, d);
    app_push_pointer(a, EV_UP, x, y);
    return frame(a, d);
}

/* The tracking code of the first card on screen (the top left one). */
static void first_card(const App *a, char out[16])
{
    char list[8192];
    app_list_controls(a, list, sizeof list);
    out[0] = 0;
    for (char *p = strtok(list, ","); p; p = strtok(NULL, ",")) {
        while (*p == ' ')
            p++;
        /* H07-A3K9V */
        if (strlen(p) == 9 && p[0] == 'H' && p[1] >= '0' && p[1] <= '9' && p[3] == '-') {
            snprintf(out, 16, "%s", p);
            return;
        }
    }
}

static int scroll_main(const char *dbpath, int expect_n, int outfd)
{
    ScrollResult res;
    memset(&res, 0, sizeof res);
    const char *data = data_dir();
    if (!data) {
        fprintf(stderr, "bench_kiosk: no fonts: set ECHOWALL_DATA\n");
        return 1;
    }
    int frames = env_int("ECHOWALL_BENCH_FRAMES", 2000);
    char err[512];
    double t0 = now_ms();
    Display d;
    DisplaySpec ds = {.w = W, .h = H, .headless = 1};
    if (display_open(&d, &ds, err, sizeof err) != 0) {
        fprintf(stderr, "bench_kiosk: %s\n", err);
        return 1;
    }
    IMG_Init(IMG_INIT_PNG);
    res.display_ms = now_ms() - t0;

    t0 = now_ms();
    sqlite3 *db = NULL;
    EwErr e = {0};
    if (db_open(dbpath, 0, &db, &e) != EW_OK) {
        fprintf(stderr, "bench_kiosk: %s\n", e.msg);
        return 1;
    }
    /* As kiosk.c configures it (but in Chinese, whose labels we press). */
    char *idle = NULL, *wmm = NULL;
    config_get(db, "idle.timeout_s", &idle, NULL);
    config_get(db, "screen.width_mm", &wmm, NULL);
    char fonts[PATH_MAX + 8], assets[PATH_MAX + 8];
    snprintf(fonts, sizeof fonts, "%s/fonts", data);
    snprintf(assets, sizeof assets, "%s/assets", data);
    AppConfig cfg = {.lang = LANG_ZH,
                     .px_per_mm = 5.6,
                     .idle_s = idle ? atoi(idle) : 90,
                     .fontdir = fonts,
                     .assetdir = assets,
                     .allow_quit = 1};
    if (config_is_set(db, "screen.width_mm") && wmm && atoi(wmm) > 0)
        cfg.px_per_mm = (double)d.log_w / atoi(wmm);
    free(idle);
    free(wmm);
    Source src;
    source_init(&src, db);
    App *a = app_new(d.r, d.log_w, d.log_h, &cfg, &src, err, sizeof err);
    if (!a) {
        fprintf(stderr, "bench_kiosk: %s\n", err);
        return 1;
    }
    res.app_new_ms = now_ms() - t0;
    res.rss_app_kb = maxrss_kb();

    res.home_ms = frame(a, &d);
    res.rss_home_kb = maxrss_kb();
    res.hall_wall_ms = press(a, &d, "看回音壁");
    res.town_wall_ms = res.hall_wall_ms >= 0 ? press(a, &d, "全镇") : -1;
    if (res.town_wall_ms < 0 || strcmp(app_screen_name(a), "wall") != 0) {
        fprintf(stderr, "bench_kiosk: the wall of the whole town did not open (screen %s)\n",
                app_screen_name(a));
        return 1;
    }
    res.town_wall2_ms = frame(a, &d); /* the next frame, everything cached */
    res.rss_wall_kb = maxrss_kb();
    char count[64];
    snprintf(count, sizeof count, "共 %d 条", expect_n);
    res.count_visible = app_text_visible(a, count);
    if (!res.count_visible)
        fprintf(stderr, "bench_kiosk: warning: \"%s\" is not on the wall\n", count);
    first_card(a, res.code0);

    /* Continuous scrolling: drags of DRAG_MOVES moves, DRAG_STEP px a frame. */
    size_t cap = (size_t)(frames > FLING_FRAMES ? frames : FLING_FRAMES) + 16;
    double *ft = calloc(cap, sizeof *ft), *ct = calloc(cap, sizeof *ct);
    const int x = W / 2, y0 = H - 180;
    int k = 0;
    for (int i = 0; i < frames; i++) {
        double f0 = now_ms(), c0 = cpu_ms();
        app_advance(a, 16);
        if (k == 0) {
            app_push_pointer(a, EV_DOWN, x, y0);
        } else {
            app_push_pointer(a, EV_MOVE, x, y0 - DRAG_STEP * k);
            res.drag_moves++;
            if (k == DRAG_MOVES)
                app_push_pointer(a, EV_UP, x, y0 - DRAG_STEP * k);
        }
        k = k == DRAG_MOVES ? 0 : k + 1;
        runner_frame(a, &d, NULL, NULL, 0);
        ft[i] = now_ms() - f0;
        ct[i] = cpu_ms() - c0;
        res.drag_slow += ft[i] > 16.0;
    }
    if (k != 0) { /* lift the finger without a fling */
        app_advance(a, 200);
        app_push_pointer(a, EV_UP, x, y0 - DRAG_STEP * (k - 1));
        runner_frame(a, &d, NULL, NULL, 0);
    }
    stats_of(ft, frames, &res.drag);
    stats_of(ct, frames, &res.drag_cpu);
    res.rss_drag_kb = maxrss_kb();
    first_card(a, res.code1);

    /* Flings: a fast flick (6 moves of 120 px), then the frames while the
     * wall coasts to a stop by the app's clock. */
    int nf = 0;
    while (nf < FLING_FRAMES) {
        app_push_pointer(a, EV_DOWN, x, y0);
        runner_frame(a, &d, NULL, NULL, 0);
        for (int m = 1; m <= 6; m++) {
            app_advance(a, 16);
            app_push_pointer(a, EV_MOVE, x, y0 - 120 * m);
            runner_frame(a, &d, NULL, NULL, 0);
        }
        app_push_pointer(a, EV_UP, x, y0 - 720);
        runner_frame(a, &d, NULL, NULL, 0);
        res.flings++;
        int coasted = 0;
        while (nf < FLING_FRAMES) {
            double f0 = now_ms(), c0 = cpu_ms();
            app_advance(a, 16);
            if (!app_wants_frame(a))
                break;
            runner_frame(a, &d, NULL, NULL, 0);
            ft[nf] = now_ms() - f0;
            ct[nf] = cpu_ms() - c0;
            res.fling_slow += ft[nf++] > 16.0;
            coasted++;
        }
        if (coasted == 0) {
            fprintf(stderr, "bench_kiosk: warning: a flick did not fling\n");
            break;
        }
    }
    stats_of(ft, nf, &res.fling);
    stats_of(ct, nf, &res.fling_cpu);
    res.rss_fling_kb = maxrss_kb();
    first_card(a, res.code2);
    res.rss_end_kb = rss_now_kb();
    free(ft);
    free(ct);
    res.ok = 1;

    app_free(a);
    display_close(&d);
    IMG_Quit();
    if (TTF_WasInit())
        TTF_Quit();
    SDL_Quit();
    db_close(db);
    if (outfd < 0) { /* run by hand (e.g. under perf): say what was measured */
        printf("open the town's wall %.1f ms; peak RSS %.1f MB\ndragging, %d frames:\n",
               res.town_wall_ms, maxrss_kb() / 1024.0, res.drag.n);
        print_stats(&res.drag, &res.drag_cpu, res.drag_slow);
        printf("flinging, %d frames:\n", res.fling.n);
        print_stats(&res.fling, &res.fling_cpu, res.fling_slow);
        return 0;
    }
    if (write(outfd, &res, sizeof res) != (ssize_t)sizeof res)
        return 1;
    return 0;
}

/* ---- child processes ---------------------------------------------------- */

typedef struct Child {
    pid_t pid;
    int errfd;       /* read end of its stderr */
    char log[4096];  /* what it wrote to stderr so far (the head) */
    size_t loglen;
    char pend[1024]; /* a partial line */
    size_t pendlen;
} Child;

/* Starts argv[0] with stdout on /dev/null and stderr on a pipe to us. */
static int child_start(Child *c, char *const argv[])
{
    memset(c, 0, sizeof *c);
    int p[2];
    if (pipe2(p, O_CLOEXEC) != 0)
        return -1;
    posix_spawn_file_actions_t fa;
    posix_spawn_file_actions_init(&fa);
    posix_spawn_file_actions_addopen(&fa, 1, "/dev/null", O_WRONLY, 0);
    posix_spawn_file_actions_adddup2(&fa, p[1], 2);
    int rc = posix_spawn(&c->pid, argv[0], &fa, NULL, argv, environ);
    posix_spawn_file_actions_destroy(&fa);
    close(p[1]);
    if (rc != 0) {
        close(p[0]);
        errno = rc;
        return -1;
    }
    c->errfd = p[0];
    return 0;
}

/* Reads the child's stderr until a line containing needle (copied to
 * line), EOF or timeout. 0 when found. */
static int child_wait_line(Child *c, const char *needle, char *line, size_t linelen,
                           int timeout_ms)
{
    double end = now_ms() + timeout_ms;
    for (;;) {
        /* Complete lines already read? */
        char *nl;
        while ((nl = memchr(c->pend, '\n', c->pendlen))) {
            size_t n = (size_t)(nl - c->pend);
            *nl = 0;
            int hit = strstr(c->pend, needle) != NULL;
            if (hit)
                snprintf(line, linelen, "%s", c->pend);
            memmove(c->pend, nl + 1, c->pendlen - n - 1);
            c->pendlen -= n + 1;
            if (hit)
                return 0;
        }
        int left = (int)(end - now_ms());
        if (left <= 0)
            return -1;
        struct pollfd pf = {c->errfd, POLLIN, 0};
        if (poll(&pf, 1, left) <= 0)
            continue;
        char buf[512];
        ssize_t n = read(c->errfd, buf, sizeof buf);
        if (n <= 0)
            return -1;
        size_t room = sizeof c->log - 1 - c->loglen;
        size_t cp = (size_t)n < room ? (size_t)n : room;
        memcpy(c->log + c->loglen, buf, cp);
        c->loglen += cp;
        c->log[c->loglen] = 0;
        if (c->pendlen + (size_t)n >= sizeof c->pend) /* an overlong line: drop it */
            c->pendlen = 0;
        if ((size_t)n < sizeof c->pend) {
            memcpy(c->pend + c->pendlen, buf, (size_t)n);
            c->pendlen += (size_t)n;
        }
    }
}

/* SIGTERM (when term), drains stderr, reaps it: the exit status and its
 * resource usage. */
static int child_stop(Child *c, int term, int *status, struct rusage *ru)
{
    if (term)
        kill(c->pid, SIGTERM);
    double end = now_ms() + 20000;
    for (;;) {
        int left = (int)(end - now_ms());
        if (left <= 0) {
            kill(c->pid, SIGKILL);
            break;
        }
        struct pollfd pf = {c->errfd, POLLIN, 0};
        if (poll(&pf, 1, left) <= 0)
            continue;
        char buf[512];
        ssize_t n = read(c->errfd, buf, sizeof buf);
        if (n <= 0)
            break;
        size_t room = sizeof c->log - 1 - c->loglen;
        size_t cp = (size_t)n < room ? (size_t)n : room;
        memcpy(c->log + c->loglen, buf, cp);
        c->loglen += cp;
        c->log[c->loglen] = 0;
    }
    close(c->errfd);
    c->errfd = -1;
    memset(ru, 0, sizeof *ru);
    while (wait4(c->pid, status, 0, ru) < 0)
        if (errno != EINTR)
            return -1;
    return 0;
}

static const char *describe(int status, char *buf, size_t n)
{
    if (WIFEXITED(status))
        snprintf(buf, n, "exit %d", WEXITSTATUS(status));
    else if (WIFSIGNALED(status))
        snprintf(buf, n, "killed by signal %d", WTERMSIG(status));
    else
        snprintf(buf, n, "status %d", status);
    return buf;
}

/* utime + stime in clock ticks, on-CPU ns (schedstat), voluntary context switches. */
static int proc_cpu(pid_t pid, long long *ticks, long long *ns, long long *vcsw)
{
    char p[64], buf[2048];
    snprintf(p, sizeof p, "/proc/%d/stat", (int)pid);
    FILE *f = fopen(p, "r");
    if (!f)
        return -1;
    size_t n = fread(buf, 1, sizeof buf - 1, f);
    fclose(f);
    buf[n] = 0;
    char *rp = strrchr(buf, ')'); /* after the command name */
    if (!rp)
        return -1;
    /* fields from 3 (state): utime is 14, stime 15 */
    unsigned long long ut = 0, st = 0;
    if (sscanf(rp + 2, "%*c %*d %*d %*d %*d %*d %*u %*u %*u %*u %*u %llu %llu", &ut, &st) != 2)
        return -1;
    *ticks = (long long)(ut + st);
    *ns = -1;
    snprintf(p, sizeof p, "/proc/%d/schedstat", (int)pid);
    f = fopen(p, "r");
    if (f) {
        if (fscanf(f, "%lld", ns) != 1)
            *ns = -1;
        fclose(f);
    }
    *vcsw = -1;
    snprintf(p, sizeof p, "/proc/%d/status", (int)pid);
    f = fopen(p, "r");
    char line[256];
    while (f && fgets(line, sizeof line, f))
        if (sscanf(line, "voluntary_ctxt_switches: %lld", vcsw) == 1)
            break;
    if (f)
        fclose(f);
    return 0;
}

static void sleep_ms(double ms)
{
    struct timespec ts = {(time_t)(ms / 1000), (long)((ms - (time_t)(ms / 1000) * 1000) * 1e6)};
    while (nanosleep(&ts, &ts) != 0 && errno == EINTR)
        ;
}

/* ---- the whole bench ---------------------------------------------------- */

static void machine(void)
{
    struct utsname u;
    uname(&u);
    char model[256] = "?";
    FILE *f = fopen("/proc/cpuinfo", "r");
    char line[512];
    while (f && fgets(line, sizeof line, f))
        if (strncmp(line, "model name", 10) == 0) {
            char *c = strchr(line, ':');
            if (c) {
                c += 2;
                c[strcspn(c, "\n")] = 0;
                snprintf(model, sizeof model, "%s", c);
            }
            break;
        }
    if (f)
        fclose(f);
    SDL_version v;
    SDL_GetVersion(&v);
    printf("machine: %s, %ld cores, %s %s %s; SDL %d.%d.%d, driver offscreen, software renderer\n",
           model, sysconf(_SC_NPROCESSORS_ONLN), u.sysname, u.release, u.machine, v.major,
           v.minor, v.patch);
    printf("load average at the start: %.2f (other work on the machine inflates wall times)\n",
           loadavg());
}

static const char *verdict(double v, double target)
{
    return v < 0 ? "n/a" : v < target ? "met" : "MISSED";
}

int main(int argc, char **argv)
{
    setenv("ECHOWALL_NOW", NOW_PIN, 1);
    setenv("SDL_VIDEODRIVER", "offscreen", 0);
    setvbuf(stdout, NULL, _IOLBF, 0);
    if (argc >= 3 && strcmp(argv[1], "--scroll") == 0)
        return scroll_main(argv[2], argc > 3 ? atoi(argv[3]) : 10000,
                           argc > 4 ? atoi(argv[4]) : -1);

    int n = argc > 1 ? atoi(argv[1]) : 10000;
    int idle_s = env_int("ECHOWALL_BENCH_IDLE_S", 30);
    const char *kiosk = kiosk_path();
    const char *data = data_dir();
    if (!kiosk || !data) {
        fprintf(stderr, "bench_kiosk: set ECHOWALL_KIOSK (the echowall binary) and ECHOWALL_DATA "
                        "(the folder with fonts/ and assets/)\n");
        return 1;
    }
    setenv("ECHOWALL_DATA", data, 1);
    printf("bench_kiosk: the demo town (hall H07's kiosk) with %d appeals, at %s\n", n, NOW_PIN);
    machine();

    /* 1. The town. */
    char *dir = NULL, *path = NULL;
    const char *reuse = getenv("ECHOWALL_BENCH_DB");
    if (reuse && *reuse && access(reuse, R_OK) == 0) {
        path = strdup(reuse);
        printf("town: reusing %s\n", path);
    } else {
        dir = tu_tmpdir();
        path = tu_path(dir, "echowall.db");
        sqlite3 *db;
        EwErr e = {0};
        if (db_open(path, 1, &db, &e) != EW_OK) {
            fprintf(stderr, "bench_kiosk: %s\n", e.msg);
            return 1;
        }
        DemoSpec spec = {.hall = "H07", .appeals = n};
        double t0 = now_ms();
        if (demo_fill(db, &spec, &e) != EW_OK) {
            fprintf(stderr, "bench_kiosk: demo: %s\n", e.msg);
            return 1;
        }
        double fill = now_ms() - t0;
        db_close(db);
        struct stat st;
        stat(path, &st);
        printf("town: built in %.1f s (%.1f MB database)\n", fill / 1e3, st.st_size / 1e6);
        if (reuse && *reuse) {
            char cmd[2 * PATH_MAX];
            snprintf(cmd, sizeof cmd, "cp '%s' '%s'", path, reuse);
            if (system(cmd) == 0)
                printf("town: kept as %s (ECHOWALL_BENCH_DB)\n", reuse);
        }
    }
    double bench_start = now_ms();
    int failed = 0;
    char sbuf[64];

    /* 2. First frame of the real binary, five times. */
    setenv("ECHOWALL_TIMINGS", "1", 1);
    char *kargv[] = {(char *)kiosk, "--db", path, "--headless", "--window", "1920x1080", NULL};
    double inner[FIRST_RUNS], outer[FIRST_RUNS];
    long first_rss[FIRST_RUNS];
    int runs = 0;
    printf("first frame of `echowall --db DB --headless --window 1920x1080`:\n");
    for (int i = 0; i < FIRST_RUNS; i++) {
        Child c;
        char line[1024];
        double t0 = now_ms();
        if (child_start(&c, kargv) != 0) {
            fprintf(stderr, "bench_kiosk: cannot start %s: %s\n", kiosk, strerror(errno));
            failed = 1;
            break;
        }
        int found = child_wait_line(&c, "first frame ", line, sizeof line, 60000);
        double t = now_ms() - t0;
        int status;
        struct rusage ru;
        child_stop(&c, 1, &status, &ru);
        long long ms = -1;
        const char *p = strstr(line, "first frame ");
        if (found != 0 || !p || sscanf(p, "first frame %lld ms", &ms) != 1) {
            fprintf(stderr, "bench_kiosk: echowall showed no first frame (%s):\n%s\n",
                    describe(status, sbuf, sizeof sbuf), c.log);
            failed = 1;
            break;
        }
        if (!WIFEXITED(status) || WEXITSTATUS(status) != 0) {
            fprintf(stderr, "bench_kiosk: echowall ended with %s on SIGTERM:\n%s\n",
                    describe(status, sbuf, sizeof sbuf), c.log);
            failed = 1;
        }
        inner[runs] = (double)ms;
        outer[runs] = t;
        first_rss[runs] = ru.ru_maxrss;
        printf("  run %d: %4lld ms from kiosk_main, %6.1f ms from spawn to the line; peak RSS "
               "%.1f MB; %s\n",
               i + 1, ms, t, ru.ru_maxrss / 1024.0, describe(status, sbuf, sizeof sbuf));
        runs++;
    }
    double first_in = -1, first_out = -1, first_rss_mb = -1;
    if (runs > 0) {
        double si[FIRST_RUNS], so[FIRST_RUNS], sr[FIRST_RUNS];
        for (int i = 0; i < runs; i++)
            si[i] = inner[i], so[i] = outer[i], sr[i] = first_rss[i] / 1024.0;
        qsort(si, (size_t)runs, sizeof *si, cmp_double);
        qsort(so, (size_t)runs, sizeof *so, cmp_double);
        qsort(sr, (size_t)runs, sizeof *sr, cmp_double);
        first_in = si[runs / 2];
        first_out = so[runs / 2];
        first_rss_mb = sr[runs - 1];
        printf("  median of %d: %.0f ms inside, %.1f ms outside (min %.1f, max %.1f)\n", runs,
               first_in, first_out, so[0], so[runs - 1]);
    }

    /* 3. Idle on Home. */
    double idle_pct = -1, idle_pct_ns = -1, wakeups = -1, idle_rss_mb = -1;
    {
        Child c;
        char line[1024];
        printf("idle on Home for %d s (after 2 s to settle):\n", idle_s);
        if (child_start(&c, kargv) != 0) {
            fprintf(stderr, "bench_kiosk: cannot start %s: %s\n", kiosk, strerror(errno));
            failed = 1;
        } else {
            int found = child_wait_line(&c, "first frame ", line, sizeof line, 60000);
            long long t1 = 0, t2 = 0, n1 = 0, n2 = 0, v1 = 0, v2 = 0;
            int ok = found == 0;
            if (ok) {
                sleep_ms(2000);
                ok = proc_cpu(c.pid, &t1, &n1, &v1) == 0;
                double s0 = now_ms();
                sleep_ms(idle_s * 1000.0);
                ok = ok && proc_cpu(c.pid, &t2, &n2, &v2) == 0;
                double span = (now_ms() - s0) / 1e3;
                if (ok) {
                    long hz = sysconf(_SC_CLK_TCK);
                    idle_pct = (double)(t2 - t1) / (span * hz) * 100.0;
                    if (n1 >= 0 && n2 >= 0)
                        idle_pct_ns = (double)(n2 - n1) / (span * 1e9) * 100.0;
                    if (v1 >= 0 && v2 >= 0)
                        wakeups = (double)(v2 - v1) / span;
                    printf("  %lld ticks of CPU in %.1f s (%ld ticks/s): %.2f %% of one core; "
                           "on-CPU time %.3f %%; %.0f wake-ups/s\n",
                           t2 - t1, span, hz, idle_pct, idle_pct_ns, wakeups);
                }
            }
            int status;
            struct rusage ru;
            child_stop(&c, 1, &status, &ru);
            idle_rss_mb = ru.ru_maxrss / 1024.0;
            printf("  peak RSS %.1f MB; %s\n", idle_rss_mb, describe(status, sbuf, sizeof sbuf));
            if (!ok || !WIFEXITED(status) || WEXITSTATUS(status) != 0) {
                fprintf(stderr, "bench_kiosk: the idle run failed:\n%s\n", c.log);
                failed = 1;
            }
        }
    }

    /* 4. Scrolling, in a fresh process of this program. */
    ScrollResult sr;
    memset(&sr, 0, sizeof sr);
    double scroll_rss_mb = -1;
    {
        printf("scrolling the wall of the whole town at %dx%d (fresh process):\n", W, H);
        int p[2];
        char nbuf[16], fdbuf[16];
        char self[PATH_MAX];
        ssize_t sl = readlink("/proc/self/exe", self, sizeof self - 1);
        self[sl > 0 ? sl : 0] = 0;
        if (pipe(p) != 0)
            return 1;
        fcntl(p[0], F_SETFD, FD_CLOEXEC);
        snprintf(nbuf, sizeof nbuf, "%d", n);
        snprintf(fdbuf, sizeof fdbuf, "%d", p[1]);
        char *sargv[] = {self, "--scroll", path, nbuf, fdbuf, NULL};
        pid_t pid;
        int rc = posix_spawn(&pid, self, NULL, NULL, sargv, environ);
        close(p[1]);
        if (rc != 0) {
            fprintf(stderr, "bench_kiosk: cannot start %s: %s\n", self, strerror(rc));
            failed = 1;
        } else {
            size_t got = 0;
            while (got < sizeof sr) {
                ssize_t r = read(p[0], (char *)&sr + got, sizeof sr - got);
                if (r <= 0)
                    break;
                got += (size_t)r;
            }
            int status;
            struct rusage ru;
            while (wait4(pid, &status, 0, &ru) < 0 && errno == EINTR)
                ;
            scroll_rss_mb = ru.ru_maxrss / 1024.0;
            if (got != sizeof sr || !sr.ok || !WIFEXITED(status) || WEXITSTATUS(status) != 0) {
                fprintf(stderr, "bench_kiosk: the scrolling process failed (%s)\n",
                        describe(status, sbuf, sizeof sbuf));
                failed = 1;
                sr.ok = 0;
            }
        }
        close(p[0]);
    }
    if (sr.ok) {
        /* Where the first card on screen is in the wall's order. */
        int i0 = -1, i1 = -1, i2 = -1;
        sqlite3 *db;
        EwErr e = {0};
        if (db_open(path, 0, &db, &e) == EW_OK) {
            Source src;
            source_init(&src, db);
            CardList l = {0};
            WallQuery q = {NULL, -1, NULL, 0};
            char msg[256];
            if (src.cards(src.ctx, &q, &l, msg, sizeof msg) == 0)
                for (int i = 0; i < l.n; i++) {
                    if (strcmp(l.cards[i].code, sr.code0) == 0)
                        i0 = i;
                    if (strcmp(l.cards[i].code, sr.code1) == 0)
                        i1 = i;
                    if (strcmp(l.cards[i].code, sr.code2) == 0)
                        i2 = i;
                }
            cardlist_free(&l);
            db_close(db);
        }
        printf("  display_open %.1f ms; db + app_new (fonts, icons) %.1f ms; Home's first frame "
               "%.1f ms\n",
               sr.display_ms, sr.app_new_ms, sr.home_ms);
        printf("  open the wall: this hall's %.1f ms; the whole town's (%d cards, load + first "
               "layout) %.1f ms; the frame after %.1f ms; count shown: %s\n",
               sr.hall_wall_ms, n, sr.town_wall_ms, sr.town_wall2_ms,
               sr.count_visible ? "yes" : "NO");
        printf("  dragging (%d frames, finger %d px a frame, lifted every %d moves):\n",
               sr.drag.n, DRAG_STEP, DRAG_MOVES);
        print_stats(&sr.drag, &sr.drag_cpu, sr.drag_slow);
        printf("    %d px dragged; first card on screen #%d -> #%d: %d cards passed\n",
               sr.drag_moves * DRAG_STEP, i0, i1, i1 - i0);
        printf("  flinging (%d flicks of 6 x 120 px, %d coasting frames):\n", sr.flings,
               sr.fling.n);
        print_stats(&sr.fling, &sr.fling_cpu, sr.fling_slow);
        printf("    first card on screen #%d -> #%d: %d cards passed\n", i1, i2, i2 - i1);
        printf("  peak RSS %.1f MB (wait4); growth: after app_new %.1f, Home %.1f, the town's "
               "wall %.1f, dragging %.1f, flinging %.1f MB; resident at the end %.1f MB\n",
               scroll_rss_mb, sr.rss_app_kb / 1024.0, sr.rss_home_kb / 1024.0,
               sr.rss_wall_kb / 1024.0, sr.rss_drag_kb / 1024.0, sr.rss_fling_kb / 1024.0,
               sr.rss_end_kb / 1024.0);
    }

    double peak_rss = scroll_rss_mb;
    if (idle_rss_mb > peak_rss)
        peak_rss = idle_rss_mb;
    if (first_rss_mb > peak_rss)
        peak_rss = first_rss_mb;
    double p99 = sr.ok ? (sr.drag.p99 > sr.fling.p99 ? sr.drag.p99 : sr.fling.p99) : -1;
    printf("\nsummary (%d appeals, %dx%d, software renderer)      figure      target    \n", n, W,
           H);
    printf("  first frame, inside (kiosk_main to present)   %7.0f ms   < 300 ms  %s\n", first_in,
           verdict(first_in, 300));
    printf("  first frame, outside (spawn to the line)      %7.1f ms   < 300 ms  %s\n",
           first_out, verdict(first_out, 300));
    printf("  frame p50 scrolling (drag / fling)     %6.2f / %6.2f ms\n", sr.drag.p50,
           sr.fling.p50);
    printf("  frame p99 scrolling (drag / fling)     %6.2f / %6.2f ms   < 16 ms   %s\n",
           sr.drag.p99, sr.fling.p99, verdict(p99, 16));
    printf("  ... p99 of CPU time (drag / fling)     %6.2f / %6.2f ms   < 16 ms   %s\n",
           sr.drag_cpu.p99, sr.fling_cpu.p99,
           verdict(sr.ok ? (sr.drag_cpu.p99 > sr.fling_cpu.p99 ? sr.drag_cpu.p99 : sr.fling_cpu.p99)
                         : -1, 16));
    printf("  open the wall of %d                        %7.1f ms\n", n, sr.town_wall_ms);
    printf("  peak RSS (kiosk on Home / scrolling)   %6.1f / %6.1f MB   < 60 MB   %s\n",
           idle_rss_mb > first_rss_mb ? idle_rss_mb : first_rss_mb, scroll_rss_mb,
           verdict(peak_rss, 60));
    printf("  CPU idle on Home over %2d s                   %7.2f %%    < 1 %%     %s\n", idle_s,
           idle_pct, verdict(idle_pct, 1));
    printf("  (bench time apart from the town: %.0f s; load average at the end %.2f)\n",
           (now_ms() - bench_start) / 1e3, loadavg());

    if (dir)
        tu_rmdir(dir);
    free(dir);
    free(path);
    return failed;
}
