/*
 * printer.c: the printer device (see printer.h).
 *
 * Every read and write is non-blocking; waiting is poll() with the time
 * left before a deadline from the monotonic clock. A write that fails with
 * EIO, ENODEV, ENXIO or EPIPE, or a poll that reports a hang-up, means the
 * device went away (the usblp driver says ENODEV once the cable is
 * pulled; a pseudo-terminal whose other end closed says EIO). Sockets are
 * written with MSG_NOSIGNAL so a closed peer cannot kill the kiosk with
 * SIGPIPE.
 */
#include "printer.h"

#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <poll.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <termios.h>
#include <unistd.h>

#include "clock.h"

struct Printer {
    int fd;       /* the device, O_RDWR | O_NONBLOCK */
    int socket;   /* 1: fd is a socket (written with send) */
    char *path;   /* the device's path (owned) */
};

static const struct {
    const char *key;
    const char *zh;
    const char *en;
} WORDS[PRINTER_STATE_COUNT] = {
    [PRINTER_OK] = {"printer.ok", "打印机正常", "The printer is ready"},
    [PRINTER_PAPER_LOW] = {"printer.paper_low", "打印纸快用完了，请工作人员及时换纸",
                           "The printer's paper is running low: staff, please load a new roll soon"},
    [PRINTER_PAPER_OUT] = {"printer.paper_out", "打印机没有纸了，请工作人员换纸",
                           "The printer is out of paper: staff, please load a new roll"},
    [PRINTER_COVER_OPEN] = {"printer.cover_open", "打印机盖子没有合上，请工作人员合上",
                            "The printer's cover is open: staff, please close it"},
    [PRINTER_OFFLINE] = {"printer.offline", "打印机暂停或出错，请工作人员查看",
                         "The printer is offline or reports an error: staff, please check it"},
    [PRINTER_STATUS_UNKNOWN] = {"printer.unknown", "打印机没有回应状态查询，不能确定能否打印",
                                "The printer did not answer: it may not print"},
    [PRINTER_ABSENT] = {"printer.absent", "没有连接打印机", "No printer is connected"},
};

const char *printer_state_key(PrinterState s)
{
    return s >= 0 && s < PRINTER_STATE_COUNT ? WORDS[s].key : "printer.unknown";
}

const char *printer_state_zh(PrinterState s)
{
    return s >= 0 && s < PRINTER_STATE_COUNT ? WORDS[s].zh : WORDS[PRINTER_STATUS_UNKNOWN].zh;
}

const char *printer_state_en(PrinterState s)
{
    return s >= 0 && s < PRINTER_STATE_COUNT ? WORDS[s].en : WORDS[PRINTER_STATUS_UNKNOWN].en;
}

int printer_state_can_print(PrinterState s)
{
    return s == PRINTER_OK || s == PRINTER_PAPER_LOW || s == PRINTER_STATUS_UNKNOWN;
}

/* ---- finding and opening ---- */

int printer_find_in(const char *dir, char *out, size_t outlen, EwErr *err)
{
    DIR *d = opendir(dir);
    long best = -1;
    if (d) {
        struct dirent *e;
        while ((e = readdir(d)) != NULL) {
            const char *s = e->d_name;
            if (strncmp(s, "lp", 2) != 0 || s[2] < '0' || s[2] > '9' || strlen(s) > 6)
                continue;
            char *end;
            long n = strtol(s + 2, &end, 10);
            if (*end == 0 && (best < 0 || n < best))
                best = n;
        }
        closedir(d);
    }
    if (best < 0)
        return ew_err(err, EW_ENOTFOUND, "no printer: nothing like %s/lp0", dir);
    if ((size_t)snprintf(out, outlen, "%s/lp%ld", dir, best) >= outlen)
        return ew_err(err, EW_EINPUT, "printer path too long");
    return EW_OK;
}

int printer_find(const char *configured, char *out, size_t outlen, EwErr *err)
{
    if (configured && *configured && strcmp(configured, "auto") != 0) {
        if (access(configured, F_OK) != 0)
            return ew_err(err, EW_ENOTFOUND, "no printer at %s", configured);
        if ((size_t)snprintf(out, outlen, "%s", configured) >= outlen)
            return ew_err(err, EW_EINPUT, "printer path too long");
        return EW_OK;
    }
    return printer_find_in("/dev/usb", out, outlen, err);
}

/* A serial printer: raw 8-bit bytes both ways, no echo, no line editing,
 * no CR/LF translation (a raster is full of 0x0A and 0x0D bytes). */
static void make_raw(int fd)
{
    struct termios t;
    if (tcgetattr(fd, &t) != 0)
        return;
    t.c_iflag &= ~(tcflag_t)(IGNBRK | BRKINT | PARMRK | ISTRIP | INLCR | IGNCR | ICRNL | IXON |
                             IXOFF);
    t.c_oflag &= ~(tcflag_t)OPOST;
    t.c_lflag &= ~(tcflag_t)(ECHO | ECHONL | ICANON | ISIG | IEXTEN);
    t.c_cflag &= ~(tcflag_t)(CSIZE | PARENB);
    t.c_cflag |= CS8 | CREAD | CLOCAL;
    t.c_cc[VMIN] = 0;
    t.c_cc[VTIME] = 0;
    tcsetattr(fd, TCSANOW, &t);
}

int printer_open(const char *configured, Printer **out, PrinterState *state, EwErr *err)
{
    char path[1024];
    *out = NULL;
    if (state)
        *state = PRINTER_ABSENT;
    int rc = printer_find(configured, path, sizeof path, err);
    if (rc != EW_OK)
        return rc;
    int fd = open(path, O_RDWR | O_NONBLOCK | O_NOCTTY | O_CLOEXEC);
    if (fd < 0) {
        int e = errno;
        if (e == ENOENT || e == ENODEV || e == ENXIO)
            return ew_err(err, EW_ENOTFOUND, "no printer at %s (%s)", path, strerror(e));
        if (state)
            *state = PRINTER_STATUS_UNKNOWN;
        return ew_err(err, EW_EIO, "cannot open the printer %s: %s%s", path, strerror(e),
                      e == EACCES ? " (the kiosk's user must be in group lp)" : "");
    }
    struct stat st;
    Printer *p = ew_xcalloc(1, sizeof *p);
    p->fd = fd;
    p->socket = fstat(fd, &st) == 0 && S_ISSOCK(st.st_mode);
    p->path = ew_xstrdup(path);
    if (isatty(fd))
        make_raw(fd);
    if (state)
        *state = PRINTER_STATUS_UNKNOWN;
    *out = p;
    return EW_OK;
}

void printer_close(Printer *p)
{
    if (!p)
        return;
    close(p->fd);
    free(p->path);
    free(p);
}

const char *printer_path(const Printer *p) { return p->path; }

/* ---- writing ---- */

static int gone_errno(int e) { return e == EIO || e == ENODEV || e == ENXIO || e == EPIPE; }

static ssize_t put(Printer *p, const uint8_t *b, size_t n)
{
    if (p->socket)
        return send(p->fd, b, n, MSG_NOSIGNAL);
    return write(p->fd, b, n);
}

int printer_write(Printer *p, const uint8_t *bytes, size_t len, int stall_ms, int *gone,
                  EwErr *err)
{
    int64_t now = clock_mono_ms();
    int64_t job_end = now + PRINTER_JOB_TIMEOUT_MS, stall_end = now + stall_ms;
    size_t done = 0;
    int ready = 0; /* poll said writable last time round */
    if (gone)
        *gone = 0;
    while (done < len) {
        ssize_t n = put(p, bytes + done, len - done);
        if (n > 0) {
            done += (size_t)n;
            stall_end = clock_mono_ms() + stall_ms;
            ready = 0;
            continue;
        }
        int e = n < 0 ? errno : EAGAIN; /* 0 bytes taken: wait as for EAGAIN */
        if (e == EINTR)
            continue;
        if (e == ENOSPC) /* usblp, when asked to abort on errors */
            return ew_err(err, EW_EIO, "the printer %s is out of paper after %zu of %zu bytes",
                          p->path, done, len);
        if (e != EAGAIN && e != EWOULDBLOCK) {
            if (gone_errno(e)) {
                if (gone)
                    *gone = 1;
                return ew_err(err, EW_EIO,
                              "the printer %s went away after %zu of %zu bytes (cable pulled "
                              "or switched off?): %s", p->path, done, len, strerror(e));
            }
            return ew_err(err, EW_EIO, "cannot write to the printer %s after %zu of %zu bytes: %s",
                          p->path, done, len, strerror(e));
        }
        now = clock_mono_ms();
        int64_t until = stall_end < job_end ? stall_end : job_end;
        if (now >= job_end)
            return ew_err(err, EW_EIO, "the printer %s is too slow: %zu of %zu bytes in %d s",
                          p->path, done, len, PRINTER_JOB_TIMEOUT_MS / 1000);
        if (now >= until)
            return ew_err(err, EW_EIO,
                          "the printer %s took no data for %d ms after %zu of %zu bytes (out of "
                          "paper, cover open or jammed?)", p->path, stall_ms, done, len);
        /* usblp reports "writable" while the paper is out yet still says
         * EAGAIN: after a ready poll that did not help, nap instead of
         * spinning. */
        struct pollfd pf = {p->fd, POLLOUT, 0};
        int wait = (int)(until - now);
        int r = ready ? poll(NULL, 0, wait < 20 ? wait : 20) : poll(&pf, 1, wait);
        ready = !ready && r > 0;
        if (r > 0 && (pf.revents & (POLLHUP | POLLERR | POLLNVAL)) && !(pf.revents & POLLOUT)) {
            if (gone)
                *gone = 1;
            return ew_err(err, EW_EIO,
                          "the printer %s went away after %zu of %zu bytes (cable pulled or "
                          "switched off?)", p->path, done, len);
        }
    }
    return EW_OK;
}

/* ---- status ---- */

/* True when b has the fixed bits of a DLE EOT answer: 0xx1 xx10. */
static int is_answer(int b) { return b >= 0 && (b & 0x93) == 0x12; }

PrinterState printer_status_decode(int s1, int s2, int s4)
{
    if (!is_answer(s1))
        s1 = -1;
    if (!is_answer(s2))
        s2 = -1;
    if (!is_answer(s4))
        s4 = -1;
    if (s2 >= 0 && (s2 & 0x04))
        return PRINTER_COVER_OPEN;
    if ((s4 >= 0 && (s4 & 0x60)) || (s2 >= 0 && (s2 & 0x20)))
        return PRINTER_PAPER_OUT;
    if ((s1 >= 0 && (s1 & 0x08)) || (s2 >= 0 && (s2 & 0x40)))
        return PRINTER_OFFLINE;
    if (s1 < 0 || s2 < 0 || s4 < 0)
        return PRINTER_STATUS_UNKNOWN;
    if (s4 & 0x0C)
        return PRINTER_PAPER_LOW;
    return PRINTER_OK;
}

/* Drops whatever the printer sent before (stale answers, status-back
 * messages), so the next byte read answers the next question. */
static void drain(Printer *p)
{
    uint8_t junk[256];
    for (int i = 0; i < 64; i++)
        if (read(p->fd, junk, sizeof junk) <= 0)
            break;
}

/* Asks DLE EOT n; the answer byte, -1 for none in time, -2 when the
 * device went away. */
static int ask(Printer *p, int n, int timeout_ms)
{
    const uint8_t q[3] = {0x10, 0x04, (uint8_t)n};
    int gone = 0;
    if (printer_write(p, q, sizeof q, timeout_ms, &gone, NULL) != EW_OK)
        return gone ? -2 : -1;
    int64_t end = clock_mono_ms() + timeout_ms;
    for (;;) {
        int64_t now = clock_mono_ms();
        if (now >= end)
            return -1;
        struct pollfd pf = {p->fd, POLLIN, 0};
        int r = poll(&pf, 1, (int)(end - now));
        if (r < 0 && errno == EINTR)
            continue;
        if (r <= 0)
            return -1;
        uint8_t b;
        ssize_t got = read(p->fd, &b, 1);
        if (got == 1) {
            if (is_answer(b))
                return b;
            continue; /* not an answer: a status-back message or noise */
        }
        if (got < 0 && (errno == EAGAIN || errno == EWOULDBLOCK || errno == EINTR))
            continue;
        if (got < 0 && gone_errno(errno) && (pf.revents & POLLHUP))
            return -2;
        /* End of file or an error: this device answers nothing. Wait out
         * the rest of the time rather than spin on a readable hang-up. */
        return -1;
    }
}

PrinterState printer_status(Printer *p, int timeout_ms, int raw[3])
{
    static const int QUESTIONS[3] = {1, 2, 4};
    int a[3] = {-1, -1, -1};
    drain(p);
    for (int i = 0; i < 3; i++) {
        a[i] = ask(p, QUESTIONS[i], timeout_ms);
        if (a[i] == -2) {
            a[i] = -1;
            if (raw)
                memcpy(raw, a, sizeof a);
            return PRINTER_ABSENT;
        }
        if (a[i] < 0)
            break;
    }
    if (raw)
        memcpy(raw, a, sizeof a);
    return printer_status_decode(a[0], a[1], a[2]);
}
