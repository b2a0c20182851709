/*
 * kiosk.c: `echowall`, the hall screen. Wires the core (database, demo
 * town) to the UI (App, Display, script runner) and runs the live loop.
 *
 *   echowall [--db PATH | --demo [--office]] [--lang zh|en] [--window WxH]
 *            [--rotate 0|90|180|270] [--stick DIR] [--headless] [--script FILE]
 *            [--screenshots DIR]
 *
 * On the town office's database (its device's role is "office") the same
 * program shows the office screens after a staff login (src/ui/office*.c,
 * data from office.c); `--demo --office` is the demo town seen from the
 * office, with the staff PIN DEMO_PIN. On a blank database (a new
 * station) Home is the first-run page: a hall's kiosk waits for its
 * enrolment stick, the office restores its backup (firstrun.c) and goes
 * on as the office without a restart.
 *
 * The live loop draws only when the App asks for a frame; otherwise it
 * sleeps 20 ms between polls of the input (SDL's KMSDRM and offscreen
 * drivers cannot block waiting for events). SIGTERM ends it cleanly; in
 * fullscreen, SIGINT, SIGQUIT and SIGTSTP are ignored, so no key reaches a
 * shell; leaving takes the staff PIN (hold the hall's name for 3 s).
 *
 * Under systemd (systemd/echowall.service, Type=notify) the live loop tells
 * the service manager READY=1 once the first frame is on the screen, feeds
 * the watchdog (WATCHDOG=1 every half of WatchdogSec=) from the same loop,
 * so a screen thread stuck anywhere gets the kiosk restarted, and says
 * STOPPING=1 when it leaves. sd_notify does nothing without $NOTIFY_SOCKET:
 * tests, scripts and a technician's window never talk to systemd.
 */
#include "kiosk.h"

#include <SDL.h>
#include <SDL_ttf.h>
#include <errno.h>
#include <fcntl.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <systemd/sd-daemon.h>
#include <sys/stat.h>
#include <unistd.h>

#include "app.h"
#include "config.h"
#include "clock.h"
#include "db.h"
#include "demo.h"
#include "device.h"
#include "staff.h"
#include "display.h"
#include "firstrun.h"
#include "text.h"
#include "ew.h"
#include "runner.h"
#include "script.h"
#include "heap.h"
#include "icons.h"
#include "input.h"
#include "office.h"
#include "panel.h"
#include "printjob.h"
#include "source.h"
#include "stick.h"

#define DEFAULT_DB "/var/lib/echowall/echowall.db"
#define DEFAULT_PX_PER_MM 5.6 /* about 142 dpi, what 7" to 15.6" panels have */
#define DEMO_PIN "1234"       /* the demo office's staff PIN (a throwaway town) */

typedef struct Opts {
    const char *db, *lang, *script, *shots;
    const char *stick; /* --stick DIR: where sticks are mounted, over sync.mount */
    int demo, office, headless, w, h, rotate;
    int paused; /* --paused: the out-of-service screen alone */
} Opts;

static volatile sig_atomic_t g_term;

static void on_term(int sig)
{
    (void)sig;
    g_term = 1;
}

/* With ECHOWALL_TIMINGS set, says how long each phase of the start took. */
static void timing(int64_t t0, const char *what)
{
    if (getenv("ECHOWALL_TIMINGS"))
        fprintf(stderr, "echowall: %s %lld ms after start\n", what, (long long)(clock_mono_ms() - t0));
}

static int usage(const char *msg)
{
    if (msg)
        fprintf(stderr, "echowall: %s\n", msg);
    fprintf(stderr,
            "usage: echowall [--db PATH | --demo [--office]] [--lang zh|en] [--window WxH]\n"
            "                [--rotate 0|90|180|270] [--stick DIR] [--headless] [--script FILE]\n"
            "                [--screenshots DIR]\n"
            "       echowall --paused [--window WxH | --headless] [--screenshots DIR]\n");
    return 2;
}

static int parse(int argc, char **argv, Opts *o)
{
    memset(o, 0, sizeof *o);
    o->rotate = -1;
    for (int i = 1; i < argc; i++) {
        const char *a = argv[i];
        const char *v = i + 1 < argc ? argv[i + 1] : NULL;
        if (strcmp(a, "--demo") == 0)
            o->demo = 1;
        else if (strcmp(a, "--office") == 0)
            o->office = 1;
        else if (strcmp(a, "--headless") == 0)
            o->headless = 1;
        else if (strcmp(a, "--paused") == 0)
            o->paused = 1;
        else if (strcmp(a, "--help") == 0 || strcmp(a, "-h") == 0)
            return usage(NULL), -1; /* asked for: exit 0 */
        else if (strcmp(a, "--db") && strcmp(a, "--lang") && strcmp(a, "--script") &&
                 strcmp(a, "--screenshots") && strcmp(a, "--window") && strcmp(a, "--rotate") &&
                 strcmp(a, "--stick")) {
            char m[300];
            snprintf(m, sizeof m, "unknown option %s", a);
            return usage(m);
        } else if (!v) {
            char m[300];
            snprintf(m, sizeof m, "%s needs a value", a);
            return usage(m);
        } else if (strcmp(a, "--db") == 0)
            o->db = v, i++;
        else if (strcmp(a, "--lang") == 0) {
            if (lang_parse(v) < 0)
                return usage("--lang must be zh or en");
            o->lang = v, i++;
        } else if (strcmp(a, "--script") == 0)
            o->script = v, i++;
        else if (strcmp(a, "--stick") == 0)
            o->stick = v, i++;
        else if (strcmp(a, "--screenshots") == 0)
            o->shots = v, i++;
        else if (strcmp(a, "--window") == 0) {
            char x;
            if (sscanf(v, "%d%c%d", &o->w, &x, &o->h) != 3 || x != 'x' || o->w < 320 ||
                o->h < 240 || o->w > 7680 || o->h > 7680)
                return usage("--window must be WxH, like 1280x800");
            i++;
        } else if (strcmp(a, "--rotate") == 0) {
            o->rotate = atoi(v);
            if (strcmp(v, "0") && strcmp(v, "90") && strcmp(v, "180") && strcmp(v, "270"))
                return usage("--rotate must be 0, 90, 180 or 270");
            i++;
        }
    }
    if (o->demo && o->db)
        return usage("--demo and --db exclude each other");
    if (o->office && !o->demo)
        return usage("--office goes with --demo (a database's own role says whether it is the office's)");
    if (o->headless && !o->w) {
        o->w = 1280;
        o->h = 800;
    }
    return 0;
}

/* The folder holding fonts/ and assets/: $ECHOWALL_DATA, the installed
 * share/echowall, or the source tree this binary was built from. */
static const char *data_dir(void)
{
    static char buf[4096];
    const char *cands[] = {getenv("ECHOWALL_DATA"), EW_DATADIR, EW_SOURCE_DIR};
    for (size_t i = 0; i < sizeof cands / sizeof cands[0]; i++) {
        if (!cands[i] || !*cands[i])
            continue;
        snprintf(buf, sizeof buf, "%s/fonts/NotoSansSC-Regular.otf", cands[i]);
        if (access(buf, R_OK) == 0)
            return cands[i];
    }
    return NULL;
}

static char demo_dir[64];

static void demo_cleanup(void)
{
    if (!demo_dir[0])
        return;
    static const char *const files[] = {"echowall.db", "echowall.db-wal", "echowall.db-shm",
                                        "echowall.db-journal"};
    char p[128];
    for (size_t i = 0; i < sizeof files / sizeof files[0]; i++) {
        snprintf(p, sizeof p, "%s/%s", demo_dir, files[i]);
        unlink(p);
    }
    rmdir(demo_dir);
    demo_dir[0] = 0;
}

static int open_db(const Opts *o, sqlite3 **db)
{
    EwErr e = {0};
    if (o->demo) {
        const char *tmp = getenv("TMPDIR");
        snprintf(demo_dir, sizeof demo_dir, "%s/echowall-demo-XXXXXX", tmp && *tmp ? tmp : "/tmp");
        if (strlen(demo_dir) >= sizeof demo_dir - 1 || !mkdtemp(demo_dir)) {
            fprintf(stderr, "echowall: cannot make a folder for the demo town: %s\n",
                    strerror(errno));
            demo_dir[0] = 0;
            return 1;
        }
        char path[128];
        snprintf(path, sizeof path, "%s/echowall.db", demo_dir);
        /* as `echowallctl demo --hall H07`, or `echowallctl demo` for the office */
        DemoSpec spec = {.hall = o->office ? NULL : "H07"};
        /* A throwaway town, deleted at exit: no need to survive a power cut,
         * nor to copy the log into the file when closing it. */
        if (db_open(path, 1, db, &e) == EW_OK) {
            db_exec(*db, NULL, "PRAGMA synchronous=OFF");
            sqlite3_db_config(*db, SQLITE_DBCONFIG_NO_CKPT_ON_CLOSE, 1, NULL);
        }
        if (!*db || demo_fill(*db, &spec, &e) != EW_OK ||
            (o->office && staff_pin_set(*db, DEMO_PIN, &e) != EW_OK)) {
            fprintf(stderr, "echowall: cannot make the demo town: %s\n", e.msg);
            return 1;
        }
        if (o->office)
            fprintf(stderr, "echowall: the demo office's staff PIN is %s\n", DEMO_PIN);
        return 0;
    }
    const char *path = o->db ? o->db : DEFAULT_DB;
    int blank = 0;
    if (access(path, F_OK) != 0) {
        /* A new kiosk's first start: an empty database in an existing data
         * folder; the first stick from the office enrols it. A folder that
         * does not exist is a mistake worth a message instead. */
        char *dir = ew_xstrdup(path), *slash = strrchr(dir, '/');
        if (slash)
            *slash = 0;
        int dir_ok = access(slash ? (*dir ? dir : "/") : ".", W_OK) == 0;
        free(dir);
        if (!dir_ok) {
            fprintf(stderr,
                    "echowall: no database at %s: make one with `echowallctl --db %s init`, "
                    "or try `echowall --demo`\n",
                    path, path);
            return 1;
        }
        blank = 1;
        fprintf(stderr, "echowall: no database at %s: starting as a blank kiosk; a stick from "
                        "the town office enrols it\n", path);
    }
    if (db_open(path, blank, db, &e) != EW_OK) {
        fprintf(stderr, "echowall: %s\n", e.msg);
        return 1;
    }
    return 0;
}

static char *setting(sqlite3 *db, const char *key)
{
    char *v = NULL;
    config_get(db, key, &v, NULL);
    return v;
}

/* The staff menu's 关机. The kiosk may not shut the machine down itself (no
 * privileges at all): it leaves a request in /run/echowall/request, which
 * only it (group echowall) and root may write, and echowall-poweroff.path
 * starts echowall-poweroff.service, which powers off as root. /run is
 * emptied at every boot, so a request never outlives the boot it was made
 * in. ECHOWALL_POWEROFF_REQUEST names another file (tests). */
static int poweroff_request(void *ctx, char *msg, int msglen)
{
    (void)ctx;
    const char *path = getenv("ECHOWALL_POWEROFF_REQUEST");
    if (!path || !*path)
        path = "/run/echowall/request/poweroff";
    int fd = open(path, O_WRONLY | O_CREAT | O_TRUNC | O_NOFOLLOW | O_CLOEXEC, 0640);
    if (fd < 0) {
        snprintf(msg, (size_t)msglen, "%s: %s%s", path, strerror(errno),
                 errno == ENOENT ? " (no shutdown service on this machine)" : "");
        return -1;
    }
    static const char why[] = "poweroff asked for by the staff menu\n";
    int ok = write(fd, why, sizeof why - 1) == (ssize_t)(sizeof why - 1);
    if (close(fd) != 0 || !ok) {
        snprintf(msg, (size_t)msglen, "%s: %s", path, strerror(errno));
        unlink(path);
        return -1;
    }
    fprintf(stderr, "echowall: shutdown asked for by the staff menu (%s)\n", path);
    return 0;
}

/* 1 when db is the town office's (its device's role). */
static int is_office(sqlite3 *db)
{
    Author self;
    int office = device_load_self(db, &self, NULL) == EW_OK && strcmp(self.role, "office") == 0;
    sodium_memzero(&self, sizeof self);
    return office;
}

/* The watchdog's period in ms: half of WatchdogSec= when systemd asks this
 * process for keep-alives, else 0 (no watchdog). */
static int64_t watchdog_ms(void)
{
    uint64_t usec = 0;
    if (sd_watchdog_enabled(0, &usec) <= 0 || usec == 0)
        return 0;
    int64_t ms = (int64_t)(usec / 2000);
    return ms > 0 ? ms : 1;
}

/* The panel's signal on or off for the night; the log says when it cannot
 * (the dark frame stays either way). Returns on. */
static int panel(Display *d, int on)
{
    char err[256];
    if (panel_set_power(d->win, on, err, sizeof err) < 0)
        fprintf(stderr, "echowall: %s\n", err);
    return on;
}

static int live(App *a, Display *d, int64_t t0)
{
    int first = 1, dark = 0; /* dark: the panel was turned off for the night */
    int64_t last = clock_mono_ms();
    int64_t wd_every = watchdog_ms(), wd_last = last;
    while (!app_quit_requested(a) && !g_term) {
        SDL_Event e;
        while (SDL_PollEvent(&e)) {
            if (e.type == SDL_WINDOWEVENT && e.window.event == SDL_WINDOWEVENT_SIZE_CHANGED &&
                !d->rotation) {
                d->log_w = d->map.win_w = d->map.log_w = e.window.data1;
                d->log_h = d->map.win_h = d->map.log_h = e.window.data2;
                app_resize(a, d->log_w, d->log_h);
                continue;
            }
            AppEvent ev;
            if (event_from_sdl(&e, &d->map, &ev))
                app_push(a, &ev);
        }
        int64_t now = clock_mono_ms();
        app_set_wall_ms(a, clock_now_ms()); /* the night follows the clock, set by a sync too */
        app_advance(a, now - last);
        last = now;
        if (dark && !app_asleep(a)) /* woken: the panel on before the frame */
            dark = !panel(d, 1);
        if (wd_every && now - wd_last >= wd_every) {
            sd_notify(0, "WATCHDOG=1"); /* the loop came round: the screen answers */
            wd_last = now;
        }
        if (app_wants_frame(a)) {
            int64_t f0 = clock_mono_ms();
            display_begin(d);
            app_frame(a);
            display_finish(d);
            if (first) {
                timing(t0, "first frame");
                sd_notify(0, "READY=1\nSTATUS=on the screen");
            }
            first = 0;
            if (!dark && app_asleep(a)) /* the dark frame is up: now the panel off */
                dark = !panel(d, 0);
            int64_t spent = clock_mono_ms() - f0;
            if (spent < 16)
                SDL_Delay((Uint32)(16 - spent)); /* at most about 60 frames a second */
        } else {
            SDL_Delay(20); /* idle: nothing to draw; poll again soon */
        }
    }
    sd_notify(0, g_term ? "STOPPING=1\nSTATUS=stopping (SIGTERM)" : "STOPPING=1\nSTATUS=stopping");
    return 0;
}

/* --paused: what systemd shows when the kiosk keeps failing
 * (echowall-paused.service): 暂停服务 on red, in the kiosk's own fonts, no
 * database, no input; until SIGTERM. With --screenshots DIR (tests) it
 * writes DIR/paused.png and leaves. */
static int paused(const Opts *o, const char *data)
{
    DisplaySpec ds = {.w = o->w, .h = o->h, .fullscreen = !o->w && !o->headless,
                      .headless = o->headless, .rotation = o->rotate >= 0 ? o->rotate : 0};
    Display d = {0};
    char err[512], fonts[4200];
    snprintf(fonts, sizeof fonts, "%s/fonts", data);
    Text *t = NULL;
    int rc = 1;
    if (display_open(&d, &ds, err, sizeof err) != 0 || !(t = text_new(d.r, fonts, err, sizeof err))) {
        fprintf(stderr, "echowall: %s\n", err);
        goto out;
    }
    static const char *const lines[2] = {"暂停服务", "请联系镇里工作人员 · Out of service: please tell the town office"};
    int big = d.log_h / 6, small = d.log_h / 24;
    display_begin(&d);
    SDL_SetRenderDrawColor(d.r, 0xB3, 0x1B, 0x25, 0xFF);
    SDL_RenderClear(d.r);
    for (int i = 0; i < 2; i++) {
        int w, h;
        SDL_Texture *tx = text_texture(t, i ? FACE_REGULAR : FACE_BOLD, i ? small : big,
                                       i ? 0xF6DADC : 0xFFFFFF, lines[i], &w, &h);
        SDL_Rect r = {(d.log_w - w) / 2, i ? d.log_h / 2 + big / 2 : d.log_h / 2 - h, w, h};
        if (tx)
            SDL_RenderCopy(d.r, tx, NULL, &r);
    }
    if (o->shots) {
        char path[4200];
        snprintf(path, sizeof path, "%s/paused.png", o->shots);
        mkdir(o->shots, 0755);
        rc = display_screenshot(&d, path, err, sizeof err);
        if (rc)
            fprintf(stderr, "echowall: %s\n", err);
        display_finish(&d);
        goto out;
    }
    display_finish(&d);
    sd_notify(0, "READY=1\nSTATUS=out of service");
    while (!g_term) {
        SDL_Event e;
        while (SDL_PollEvent(&e)) /* nothing answers: the events are only drained */
            if (e.type == SDL_QUIT && (o->w || o->headless))
                g_term = 1;
        SDL_Delay(200);
    }
    sd_notify(0, "STOPPING=1");
    rc = 0;
out:
    text_free(t);
    if (d.r || d.win)
        display_close(&d);
    if (TTF_WasInit())
        TTF_Quit();
    SDL_Quit();
    return rc;
}

int kiosk_main(int argc, char **argv)
{
    int64_t t0 = clock_mono_ms();
    heap_prefer_huge_pages(); /* first: see heap.h */
    Opts o;
    int rc = parse(argc, argv, &o);
    if (rc)
        return rc < 0 ? 0 : rc;
    if (o.paused) {
        const char *data = data_dir();
        if (!data) {
            fprintf(stderr, "echowall: cannot find the fonts\n");
            return 1;
        }
        signal(SIGTERM, on_term);
        signal(SIGINT, o.w || o.headless ? on_term : SIG_IGN);
        return paused(&o, data);
    }
    Script script = {0};
    if (o.script) {
        char err[512];
        int src = script_load(o.script, &script, err, sizeof err);
        if (src != 0) {
            fprintf(stderr, "echowall: %s%s%s\n", src == EW_EINPUT ? o.script : "",
                    src == EW_EINPUT ? ": " : "", err);
            return 2;
        }
    }
    const char *data = data_dir();
    if (!data) {
        fprintf(stderr, "echowall: cannot find the fonts (set ECHOWALL_DATA to the folder "
                        "holding fonts/ and assets/)\n");
        script_free(&script);
        return 1;
    }
    char fonts[4200], assets[4200];
    snprintf(fonts, sizeof fonts, "%s/fonts", data);
    snprintf(assets, sizeof assets, "%s/assets", data);
    /* decoded while the database opens (or the demo town is built): icons.h */
    IconLoad *icons = icons_start(assets);
    signal(SIGTERM, on_term);
    if (o.w || o.headless) {
        signal(SIGINT, on_term);
    } else { /* the appliance: no key combination ends or stops it */
        signal(SIGINT, SIG_IGN);
        signal(SIGQUIT, SIG_IGN);
        signal(SIGTSTP, SIG_IGN);
    }
    sqlite3 *db = NULL;
    const char *db_path = o.demo ? NULL : o.db ? o.db : DEFAULT_DB;
    Stick *stick = NULL;
    Input *input = NULL;
    PrintJob *printer = NULL;
    Office *office = NULL;
    FirstRun *first = NULL;
    if (open_db(&o, &db) != 0) {
        icons_drop(icons);
        db_close(db);
        demo_cleanup();
        script_free(&script);
        return 1;
    }
    timing(t0, o.demo ? "demo town built" : "database open");
    char *lang = setting(db, "ui.lang"), *rot = setting(db, "screen.rotation"),
         *idle = setting(db, "idle.timeout_s"), *wmm = setting(db, "screen.width_mm"),
         *cool = setting(db, "ballot.cooldown_s"), *night = setting(db, "screen.night");
    DisplaySpec ds = {.w = o.w, .h = o.h, .fullscreen = !o.w && !o.headless,
                      .headless = o.headless, .rotation = o.rotate >= 0 ? o.rotate : atoi(rot)};
    Display d = {0};
    char err[512];
    rc = 1;
    App *a = NULL;
    if (display_open(&d, &ds, err, sizeof err) != 0) {
        fprintf(stderr, "echowall: %s\n", err);
        goto out;
    }
    timing(t0, "display open");
    AppConfig cfg = {.lang = (Lang)lang_parse(o.lang ? o.lang : lang),
                     .px_per_mm = DEFAULT_PX_PER_MM,
                     .idle_s = atoi(idle),
                     .fontdir = fonts,
                     .assetdir = assets,
                     .allow_quit = o.w || o.headless,
                     .cooldown_s = atoi(cool),
                     .icons = icons};
    if (config_parse_night(night, &cfg.night_from, &cfg.night_to) != 0)
        fprintf(stderr, "echowall: screen.night '%s' is not like 22:00-06:00: never dark\n", night);
    if ((int)cfg.lang < 0)
        cfg.lang = LANG_ZH;
    if (config_is_set(db, "screen.width_mm") && atoi(wmm) > 0) {
        int panel_w = d.rotation % 180 ? d.log_h : d.log_w;
        cfg.px_per_mm = (double)panel_w / atoi(wmm);
    }
    Source src;
    source_init(&src, db);
    /* --stick before sync.mount: a blank database has no settings yet */
    char *mount = o.stick ? ew_xstrdup(o.stick) : setting(db, "sync.mount");
    if (is_office(db)) {
        office = office_new(db, mount);
        office_source_init(&src, office);
    } else {
        src.poweroff = poweroff_request; /* a hall's kiosk; an office desk is a PC */
        /* A blank one may become the office by restoring a backup. */
        first = firstrun_new(db, mount, &src);
        firstrun_source_init(&src, first);
    }
    input = input_new();
    input_wire(&src, input);
    printer = printjob_new(db);
    printjob_wire(&src, printer);
    if (!o.demo && db_path) { /* the demo town has no office to sync with */
        stick = stick_new(db_path, mount);
        src.stick = stick_poll_cb;
        src.stick_hold = stick_hold_cb;
        src.stick_ctx = stick;
    }
    free(mount);
    a = app_new(d.r, d.log_w, d.log_h, &cfg, &src, err, sizeof err);
    icons = NULL; /* app_new took them */
    if (!a) {
        fprintf(stderr, "echowall: %s\n", err);
        goto out;
    }
    timing(t0, "app ready");
    if (o.script) {
        int line = 0;
        char msg[1024];
        if (runner_run(a, &d, &script, o.shots ? o.shots : ".", &line, msg, sizeof msg) != 0) {
            fprintf(stderr, "echowall: %s:%d: %s\n", o.script, line, msg);
            rc = 1;
        } else {
            rc = 0;
        }
        timing(t0, "script done");
    } else {
        rc = live(a, &d, t0);
    }
out:
    icons_drop(icons);
    app_free(a);
    office_free(office);
    firstrun_free(first); /* and the office a restore made */
    printjob_free(printer);
    input_free(input);
    stick_free(stick);
    if (d.r || d.win)
        display_close(&d);
    icons_quit();
    if (TTF_WasInit())
        TTF_Quit();
    SDL_Quit();
    free(lang);
    free(rot);
    free(idle);
    free(night);
    free(wmm);
    free(cool);
    db_close(db);
    demo_cleanup();
    script_free(&script);
    return rc;
}
