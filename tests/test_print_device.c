/*
 * test_print_device.c: the printer device (src/print/printer.c) against a
 * fake printer, and the DLE EOT status decoder.
 *
 * The fake printer is a child process at the master side of a
 * pseudo-terminal; the library opens the slave side as its device path
 * (and puts it in raw mode, as it does for any serial printer). The child
 * answers DLE EOT 1, 2, 4 with scripted bytes, or stays silent, then reads
 * the job and sends it back through a pipe; or it reads part of the job
 * and closes its end (the cable pulled mid-slip); or it stops reading (a
 * printer that takes no more data). The library must report PRINTER_OK,
 * PAPER_OUT, COVER_OPEN... from the answers, STATUS_UNKNOWN from silence
 * within about the status timeout, a clear error (never a crash or a hang)
 * for the other two, and PRINTER_ABSENT for no device at all.
 *
 * The decoder is checked on every combination of answer bytes: every
 * documented bit, every byte that is not an answer, and the rule that
 * "OK" needs all three answers.
 */
#define _XOPEN_SOURCE 700

#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdint.h>
#include <cmocka.h>

#include <errno.h>
#include <fcntl.h>
#include <poll.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#include "clock.h"
#include "print.h"
#include "printer.h"
#include "testutil.h"

/* ---- the decoder ---- */

typedef struct Row {
    int s1, s2, s4;
    PrinterState want;
} Row;

static void test_decode_table(void **state)
{
    (void)state;
    static const Row rows[] = {
        {0x12, 0x12, 0x12, PRINTER_OK},
        {0x16, 0x12, 0x12, PRINTER_OK},          /* bit 2: drawer pin, ignored */
        {0x52, 0x12, 0x12, PRINTER_OK},          /* bit 6: feed button held */
        {0x12, 0x12, 0x1E, PRINTER_PAPER_LOW},   /* both near-end bits */
        {0x12, 0x12, 0x16, PRINTER_PAPER_LOW},   /* one of them */
        {0x12, 0x12, 0x1A, PRINTER_PAPER_LOW},
        {0x1A, 0x32, 0x72, PRINTER_PAPER_OUT},   /* offline, stopped by paper end, no paper */
        {0x12, 0x12, 0x72, PRINTER_PAPER_OUT},
        {0x12, 0x12, 0x32, PRINTER_PAPER_OUT},   /* one paper-end bit */
        {0x12, 0x32, 0x12, PRINTER_PAPER_OUT},
        {0x1A, 0x16, 0x12, PRINTER_COVER_OPEN},
        {0x1A, 0x36, 0x72, PRINTER_COVER_OPEN},  /* cover open wins over paper */
        {0x1A, 0x12, 0x12, PRINTER_OFFLINE},
        {0x12, 0x52, 0x12, PRINTER_OFFLINE},     /* error */
        {0x3A, 0x12, 0x12, PRINTER_OFFLINE},     /* waiting for recovery */
        {0x12, 0x12, 0x5E, PRINTER_PAPER_OUT},
        /* Missing answers: never OK. */
        {-1, -1, -1, PRINTER_STATUS_UNKNOWN},
        {0x12, -1, -1, PRINTER_STATUS_UNKNOWN},
        {0x12, 0x12, -1, PRINTER_STATUS_UNKNOWN},
        {-1, 0x12, 0x12, PRINTER_STATUS_UNKNOWN},
        /* ... but definite trouble is trouble. */
        {0x1A, -1, -1, PRINTER_OFFLINE},
        {0x12, 0x16, -1, PRINTER_COVER_OPEN},
        {0x12, 0x32, -1, PRINTER_PAPER_OUT},
        {-1, -1, 0x72, PRINTER_PAPER_OUT},
        /* Not answers (fixed bits wrong): as missing. */
        {0x00, 0x12, 0x12, PRINTER_STATUS_UNKNOWN},
        {0xFF, 0xFF, 0xFF, PRINTER_STATUS_UNKNOWN},
        {0x13, 0x12, 0x12, PRINTER_STATUS_UNKNOWN},
        {0x92, 0x12, 0x12, PRINTER_STATUS_UNKNOWN},
        {0x12, 0x12, 0x02, PRINTER_STATUS_UNKNOWN},
        {0x12, 0x10, 0x12, PRINTER_STATUS_UNKNOWN},
        {0x12, 0x77, 0x72, PRINTER_PAPER_OUT},  /* s2 not an answer, s4 says no paper */
    };
    for (size_t i = 0; i < sizeof rows / sizeof rows[0]; i++) {
        PrinterState got = printer_status_decode(rows[i].s1, rows[i].s2, rows[i].s4);
        if (got != rows[i].want)
            fail_msg("row %zu (%02x %02x %02x): got %s, want %s", i, rows[i].s1 & 0xff,
                     rows[i].s2 & 0xff, rows[i].s4 & 0xff, printer_state_key(got),
                     printer_state_key(rows[i].want));
    }
}

/* Every answer pattern (the 16 settings of the 4 variable bits), a missing
 * answer, and non-answers, in every combination; and every byte that is not
 * an answer counts as no answer. */
static void test_decode_every_pattern(void **state)
{
    (void)state;
    int vals[32], nv = 0;
    vals[nv++] = -1;
    for (int v = 0; v < 16; v++) /* bits 2, 3, 5, 6 */
        vals[nv++] = 0x12 | (v & 1) << 2 | (v & 2) << 2 | (v & 4) << 3 | (v & 8) << 3;
    static const int NOT_ANSWERS[] = {0x00, 0xFF, 0x13, 0x92, 0x02, 0x10, 0x80, 0x01};
    for (size_t i = 0; i < sizeof NOT_ANSWERS / sizeof NOT_ANSWERS[0]; i++)
        vals[nv++] = NOT_ANSWERS[i];
    int counts[PRINTER_STATE_COUNT] = {0};
    for (int i1 = 0; i1 < nv; i1++)
        for (int i2 = 0; i2 < nv; i2++)
            for (int i4 = 0; i4 < nv; i4++) {
                int s1 = vals[i1], s2 = vals[i2], s4 = vals[i4];
                PrinterState st = printer_status_decode(s1, s2, s4);
                assert_true(st >= PRINTER_OK && st <= PRINTER_STATUS_UNKNOWN);
                counts[st]++;
                int a1 = s1 >= 0 && (s1 & 0x93) == 0x12, a2 = s2 >= 0 && (s2 & 0x93) == 0x12,
                    a4 = s4 >= 0 && (s4 & 0x93) == 0x12;
                int cover = a2 && (s2 & 0x04), out = (a4 && (s4 & 0x60)) || (a2 && (s2 & 0x20)),
                    off = (a1 && (s1 & 0x08)) || (a2 && (s2 & 0x40));
                if (st == PRINTER_OK || st == PRINTER_PAPER_LOW) {
                    /* Fine only on three real answers saying nothing is wrong. */
                    assert_true(a1 && a2 && a4);
                    assert_false(cover || out || off);
                    assert_int_equal(st == PRINTER_PAPER_LOW, (s4 & 0x0C) != 0);
                } else if (st == PRINTER_COVER_OPEN) {
                    assert_true(cover);
                } else if (st == PRINTER_PAPER_OUT) {
                    assert_true(out && !cover);
                } else if (st == PRINTER_OFFLINE) {
                    assert_true(off && !out && !cover);
                } else {
                    assert_false(cover || out || off);
                    assert_false(a1 && a2 && a4);
                }
            }
    for (int s = PRINTER_OK; s <= PRINTER_STATUS_UNKNOWN; s++)
        assert_true(counts[s] > 0);
    for (int b = 0; b < 256; b++) {
        if ((b & 0x93) == 0x12)
            continue;
        assert_int_equal(printer_status_decode(b, 0x12, 0x12), PRINTER_STATUS_UNKNOWN);
        assert_int_equal(printer_status_decode(0x12, b, 0x12), PRINTER_STATUS_UNKNOWN);
        assert_int_equal(printer_status_decode(0x12, 0x12, b), PRINTER_STATUS_UNKNOWN);
    }
}

static void test_state_words(void **state)
{
    (void)state;
    for (int s = 0; s < PRINTER_STATE_COUNT; s++) {
        const char *k = printer_state_key((PrinterState)s), *zh = printer_state_zh((PrinterState)s),
                   *en = printer_state_en((PrinterState)s);
        assert_true(strncmp(k, "printer.", 8) == 0);
        assert_true(strlen(zh) > 6 && strlen(en) > 6);
        assert_true(ew_text_ok(zh, 200));
        for (int t = 0; t < s; t++) {
            assert_string_not_equal(k, printer_state_key((PrinterState)t));
            assert_string_not_equal(zh, printer_state_zh((PrinterState)t));
            assert_string_not_equal(en, printer_state_en((PrinterState)t));
        }
    }
    assert_true(printer_state_can_print(PRINTER_OK));
    assert_true(printer_state_can_print(PRINTER_PAPER_LOW));
    assert_true(printer_state_can_print(PRINTER_STATUS_UNKNOWN));
    assert_false(printer_state_can_print(PRINTER_PAPER_OUT));
    assert_false(printer_state_can_print(PRINTER_COVER_OPEN));
    assert_false(printer_state_can_print(PRINTER_OFFLINE));
    assert_false(printer_state_can_print(PRINTER_ABSENT));
}

/* ---- no device ---- */

static void test_absent(void **state)
{
    (void)state;
    EwErr err = {0};
    Printer *p = NULL;
    PrinterState st = PRINTER_OK;
    assert_int_equal(printer_open("/nonexistent/usb/lp0", &p, &st, &err), EW_ENOTFOUND);
    assert_null(p);
    assert_int_equal(st, PRINTER_ABSENT);
    assert_non_null(strstr(err.msg, "/nonexistent/usb/lp0"));
    const uint8_t job[] = {0x1B, 0x40};
    st = PRINTER_OK;
    assert_int_equal(print_send("/nonexistent/usb/lp0", job, sizeof job, &st, &err), EW_ENOTFOUND);
    assert_int_equal(st, PRINTER_ABSENT);

    /* Searching a folder: the lowest lpN, nothing else. */
    char *dir = tu_tmpdir(), path[512];
    assert_int_equal(printer_find_in(dir, path, sizeof path, &err), EW_ENOTFOUND);
    const char *names[] = {"lp10", "lp3", "lpx", "lp", "hiddev0", "lp3a"};
    for (size_t i = 0; i < sizeof names / sizeof names[0]; i++) {
        char *f = tu_path(dir, names[i]);
        tu_write_file(f, "", 0);
        free(f);
    }
    assert_int_equal(printer_find_in(dir, path, sizeof path, &err), EW_OK);
    char *want = tu_path(dir, "lp3");
    assert_string_equal(path, want);
    free(want);
    assert_int_equal(printer_find_in("/nonexistent", path, sizeof path, &err), EW_ENOTFOUND);
    /* A configured path is used as it is; "auto" and "" search. */
    assert_int_equal(printer_find(dir, path, sizeof path, &err), EW_OK);
    assert_string_equal(path, dir);
    int rc = printer_find("auto", path, sizeof path, &err);
    assert_true(rc == EW_OK ? strncmp(path, "/dev/usb/lp", 11) == 0 : rc == EW_ENOTFOUND);
    tu_rmdir(dir);
    free(dir);
}

/* ---- the fake printer ---- */

typedef enum { READ_ALL, CLOSE_AFTER, STOP_READING } Reading;

typedef struct Fake {
    int answer[3];  /* to DLE EOT 1, 2, 4: a byte, or -1 to stay silent */
    int junk;       /* bytes of noise sent before each answer (not answers) */
    Reading reading;
    size_t limit;   /* CLOSE_AFTER: job bytes read before hanging up */
} Fake;

typedef struct Pty {
    pid_t pid;
    char path[128]; /* the slave: the "device" */
    int back;       /* pipe from the fake: the job bytes it received */
    int hold;       /* pipe to the fake: closed to let a STOP_READING fake go */
} Pty;

/* Reads exactly n bytes; 0 on success. */
static int read_n(int fd, uint8_t *b, size_t n)
{
    while (n) {
        ssize_t r = read(fd, b, n);
        if (r < 0 && errno == EINTR)
            continue;
        if (r <= 0)
            return -1;
        b += r;
        n -= (size_t)r;
    }
    return 0;
}

static void fake_main(int master, int back, int hold, const Fake *f)
{
    static const int Q[3] = {1, 2, 4};
    alarm(20); /* never outlive a broken test */
    for (int i = 0; i < 3; i++) {
        uint8_t q[3];
        if (read_n(master, q, 3) != 0 || q[0] != 0x10 || q[1] != 0x04 || q[2] != Q[i])
            _exit(3);
        if (f->answer[i] < 0)
            break; /* silent: the host stops asking */
        uint8_t out[9];
        int n = 0;
        for (int k = 0; k < f->junk && n < 8; k++)
            out[n++] = 0x00; /* not an answer: bits 1 and 4 clear */
        out[n++] = (uint8_t)f->answer[i];
        if (write(master, out, (size_t)n) != n)
            _exit(4);
        if ((f->answer[i] & 0x93) != 0x12)
            break; /* not an answer: to the host that is silence too */
    }
    if (f->reading == STOP_READING) {
        char c;
        while (read(hold, &c, 1) > 0) /* until the test closes the pipe */
            ;
        _exit(0);
    }
    size_t got = 0;
    uint8_t buf[4096];
    for (;;) {
        size_t want = sizeof buf;
        if (f->reading == CLOSE_AFTER && f->limit - got < want)
            want = f->limit - got;
        if (want == 0)
            break;
        ssize_t r = read(master, buf, want);
        if (r < 0 && errno == EINTR)
            continue;
        if (r <= 0)
            break; /* EIO: the host closed the device */
        if (write(back, buf, (size_t)r) != r)
            _exit(5);
        got += (size_t)r;
    }
    _exit(0); /* closes the master: the host's next write fails */
}

static Pty fake_start(const Fake *f)
{
    Pty p;
    memset(&p, 0, sizeof p);
    int master = posix_openpt(O_RDWR | O_NOCTTY);
    assert_true(master >= 0);
    assert_int_equal(grantpt(master), 0);
    assert_int_equal(unlockpt(master), 0);
    snprintf(p.path, sizeof p.path, "%s", ptsname(master));
    int back[2], hold[2];
    assert_int_equal(pipe(back), 0);
    assert_int_equal(pipe(hold), 0);
    p.pid = fork();
    assert_true(p.pid >= 0);
    if (p.pid == 0) {
        close(back[0]);
        close(hold[1]);
        fake_main(master, back[1], hold[0], f);
    }
    close(master);
    close(back[1]);
    close(hold[0]);
    p.back = back[0];
    p.hold = hold[1];
    return p;
}

/* Ends the fake; returns what it received of the job (malloc'd) in *len. */
static uint8_t *fake_end(Pty *p, size_t *len)
{
    close(p->hold);
    size_t cap = 1 << 16;
    uint8_t *b = malloc(cap);
    *len = 0;
    for (;;) {
        if (*len == cap)
            b = realloc(b, cap *= 2);
        ssize_t r = read(p->back, b + *len, cap - *len);
        if (r < 0 && errno == EINTR)
            continue;
        if (r <= 0)
            break;
        *len += (size_t)r;
    }
    close(p->back);
    int status = 0;
    assert_int_equal(waitpid(p->pid, &status, 0), p->pid);
    if (!WIFEXITED(status) || WEXITSTATUS(status) != 0)
        fail_msg("the fake printer failed (status %d)", status);
    return b;
}

static PrinterState status_of(const Fake *f, int raw[3], int64_t *ms)
{
    Pty pty = fake_start(f);
    Printer *p = NULL;
    EwErr err = {0};
    PrinterState st = PRINTER_ABSENT;
    if (printer_open(pty.path, &p, &st, &err) != EW_OK)
        fail_msg("%s", err.msg);
    assert_int_equal(st, PRINTER_STATUS_UNKNOWN); /* nothing known before asking */
    assert_string_equal(printer_path(p), pty.path);
    int64_t t0 = clock_mono_ms();
    st = printer_status(p, PRINTER_STATUS_TIMEOUT_MS, raw);
    *ms = clock_mono_ms() - t0;
    printer_close(p);
    size_t len;
    free(fake_end(&pty, &len));
    assert_int_equal(len, 0);
    return st;
}

static void test_fake_status(void **state)
{
    (void)state;
    static const struct {
        Fake f;
        PrinterState want;
    } cases[] = {
        {{{0x12, 0x12, 0x12}, 0, READ_ALL, 0}, PRINTER_OK},
        {{{0x12, 0x12, 0x1E}, 0, READ_ALL, 0}, PRINTER_PAPER_LOW},
        {{{0x1A, 0x32, 0x72}, 0, READ_ALL, 0}, PRINTER_PAPER_OUT},
        {{{0x1A, 0x16, 0x12}, 0, READ_ALL, 0}, PRINTER_COVER_OPEN},
        {{{0x1A, 0x52, 0x12}, 0, READ_ALL, 0}, PRINTER_OFFLINE},
        {{{0x12, 0x12, 0x12}, 3, READ_ALL, 0}, PRINTER_OK},  /* noise before answers skipped */
        {{{0x12, 0x12, -1}, 0, READ_ALL, 0}, PRINTER_STATUS_UNKNOWN}, /* no paper answer */
    };
    for (size_t i = 0; i < sizeof cases / sizeof cases[0]; i++) {
        int raw[3];
        int64_t ms;
        PrinterState st = status_of(&cases[i].f, raw, &ms);
        if (st != cases[i].want)
            fail_msg("case %zu: got %s, want %s", i, printer_state_key(st),
                     printer_state_key(cases[i].want));
        for (int k = 0; k < 3; k++)
            assert_int_equal(raw[k], cases[i].f.answer[k]);
        assert_true(ms < (cases[i].f.answer[2] < 0 ? 2 * PRINTER_STATUS_TIMEOUT_MS : 200));
    }
}

/* A printer that answers nothing: unknown, after about the timeout. */
static void test_fake_silent(void **state)
{
    (void)state;
    Fake f = {{-1, -1, -1}, 0, READ_ALL, 0};
    int raw[3];
    int64_t ms;
    assert_int_equal(status_of(&f, raw, &ms), PRINTER_STATUS_UNKNOWN);
    assert_int_equal(raw[0], -1);
    assert_true(ms >= PRINTER_STATUS_TIMEOUT_MS - 5);
    assert_true(ms < PRINTER_STATUS_TIMEOUT_MS + 300);
    /* Only noise, never an answer: the same. */
    f.answer[0] = 0x00;
    assert_int_equal(status_of(&f, raw, &ms), PRINTER_STATUS_UNKNOWN);
}

static const AppealSlip SLIP = {
    .hall = "东风村党群服务中心", .date = "2025-03-14", .code = "H07-A3K9Q",
    .category = "道路交通", .text = "路灯坏了", .url = "https://town.example/a/H07-A3K9Q",
    .rating_code = "482913"};

/* The whole job reaches a printer that answers "fine". */
static void test_send_ok(void **state)
{
    (void)state;
    EwErr err = {0};
    EscBuf job = {0};
    assert_int_equal(print_appeal_bytes(&SLIP, 384, NULL, &job, &err), EW_OK);
    Fake f = {{0x12, 0x12, 0x12}, 0, READ_ALL, 0};
    Pty pty = fake_start(&f);
    PrinterState st = PRINTER_ABSENT;
    int64_t t0 = clock_mono_ms();
    if (print_send(pty.path, job.data, job.len, &st, &err) != EW_OK)
        fail_msg("%s", err.msg);
    int64_t ms = clock_mono_ms() - t0;
    assert_int_equal(st, PRINTER_OK);
    size_t len;
    uint8_t *got = fake_end(&pty, &len);
    assert_int_equal(len, job.len);
    assert_memory_equal(got, job.data, len);
    fprintf(stderr, "sent %zu bytes to a fake printer in %lld ms\n", len, (long long)ms);
    free(got);

    /* A silent printer gets the job too (most USB printers never answer). */
    Fake silent = {{-1, -1, -1}, 0, READ_ALL, 0};
    pty = fake_start(&silent);
    assert_int_equal(print_send(pty.path, job.data, job.len, &st, &err), EW_OK);
    assert_int_equal(st, PRINTER_STATUS_UNKNOWN);
    got = fake_end(&pty, &len);
    assert_int_equal(len, job.len);
    free(got);
    escpos_buf_free(&job);
}

/* Paper out or cover open: nothing is sent, the state says why. */
static void test_send_refused(void **state)
{
    (void)state;
    EwErr err = {0};
    const uint8_t job[] = {0x1B, 0x40, 0x1B, 0x64, 0x04, 0x1D, 0x56, 0x01};
    static const struct {
        int a[3];
        PrinterState want;
    } cases[] = {{{0x1A, 0x32, 0x72}, PRINTER_PAPER_OUT},
                 {{0x1A, 0x16, 0x12}, PRINTER_COVER_OPEN},
                 {{0x1A, 0x52, 0x12}, PRINTER_OFFLINE}};
    for (size_t i = 0; i < sizeof cases / sizeof cases[0]; i++) {
        Fake f = {{cases[i].a[0], cases[i].a[1], cases[i].a[2]}, 0, READ_ALL, 0};
        Pty pty = fake_start(&f);
        PrinterState st = PRINTER_OK;
        assert_int_equal(print_send(pty.path, job, sizeof job, &st, &err), EW_ESTATE);
        assert_int_equal(st, cases[i].want);
        assert_non_null(strstr(err.msg, "nothing printed"));
        size_t len;
        free(fake_end(&pty, &len));
        assert_int_equal(len, 0);
    }
}

/* The printer hangs up in the middle of the slip: a clear error, quickly,
 * and the state says it went away. */
static void test_send_cable_pulled(void **state)
{
    (void)state;
    EwErr err = {0};
    size_t n = 200000;
    uint8_t *job = malloc(n);
    for (size_t i = 0; i < n; i++)
        job[i] = (uint8_t)(i * 31);
    Fake f = {{0x12, 0x12, 0x12}, 0, CLOSE_AFTER, 5000};
    Pty pty = fake_start(&f);
    PrinterState st = PRINTER_OK;
    int64_t t0 = clock_mono_ms();
    assert_int_equal(print_send(pty.path, job, n, &st, &err), EW_EIO);
    int64_t ms = clock_mono_ms() - t0;
    assert_int_equal(st, PRINTER_ABSENT);
    assert_non_null(strstr(err.msg, "went away"));
    assert_non_null(strstr(err.msg, "of 200000 bytes"));
    assert_true(ms < 2000);
    size_t len;
    uint8_t *got = fake_end(&pty, &len);
    assert_int_equal(len, 5000);
    assert_memory_equal(got, job, len);
    free(got);
    free(job);
}

/* The printer stops taking data: the write gives up after the stall time. */
static void test_write_stalls(void **state)
{
    (void)state;
    EwErr err = {0};
    size_t n = 4 << 20;
    uint8_t *job = calloc(1, n);
    Fake f = {{0x12, 0x12, 0x12}, 0, STOP_READING, 0};
    Pty pty = fake_start(&f);
    Printer *p = NULL;
    assert_int_equal(printer_open(pty.path, &p, NULL, &err), EW_OK);
    assert_int_equal(printer_status(p, PRINTER_STATUS_TIMEOUT_MS, NULL), PRINTER_OK);
    int gone = 1;
    int64_t t0 = clock_mono_ms();
    assert_int_equal(printer_write(p, job, n, 250, &gone, &err), EW_EIO);
    int64_t ms = clock_mono_ms() - t0;
    assert_int_equal(gone, 0);
    assert_non_null(strstr(err.msg, "took no data"));
    assert_true(ms >= 250 && ms < 1500);
    /* Asking the status now: the fake is not listening, so unknown, in time. */
    t0 = clock_mono_ms();
    PrinterState st = printer_status(p, PRINTER_STATUS_TIMEOUT_MS, NULL);
    assert_true(st == PRINTER_STATUS_UNKNOWN);
    assert_true(clock_mono_ms() - t0 < 2 * PRINTER_STATUS_TIMEOUT_MS + 300);
    printer_close(p);
    size_t len;
    free(fake_end(&pty, &len));
    free(job);
}

/* The device goes away between two jobs: status says absent. */
static void test_status_after_hangup(void **state)
{
    (void)state;
    EwErr err = {0};
    /* (It waits to be told to hang up: hanging up at once could throw away
     * its last answer, unread yet, with the terminal's input.) */
    Fake f = {{0x12, 0x12, 0x12}, 0, STOP_READING, 0};
    Pty pty = fake_start(&f);
    Printer *p = NULL;
    assert_int_equal(printer_open(pty.path, &p, NULL, &err), EW_OK);
    assert_int_equal(printer_status(p, PRINTER_STATUS_TIMEOUT_MS, NULL), PRINTER_OK);
    size_t len;
    free(fake_end(&pty, &len)); /* the fake has hung up */
    assert_int_equal(printer_status(p, PRINTER_STATUS_TIMEOUT_MS, NULL), PRINTER_ABSENT);
    const uint8_t b[] = {0x1B, 0x40};
    int gone = 0;
    assert_int_equal(printer_write(p, b, sizeof b, 1000, &gone, &err), EW_EIO);
    assert_int_equal(gone, 1);
    printer_close(p);
    printer_close(NULL);
}

int main(void)
{
    signal(SIGPIPE, SIG_IGN);
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_decode_table),      cmocka_unit_test(test_decode_every_pattern),
        cmocka_unit_test(test_state_words),       cmocka_unit_test(test_absent),
        cmocka_unit_test(test_fake_status),       cmocka_unit_test(test_fake_silent),
        cmocka_unit_test(test_send_ok),           cmocka_unit_test(test_send_refused),
        cmocka_unit_test(test_send_cable_pulled), cmocka_unit_test(test_write_stalls),
        cmocka_unit_test(test_status_after_hangup),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
