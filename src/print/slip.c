/*
 * slip.c: the ballot token and appeal slip layouts (see slip.h).
 *
 * Sizes are in dots for 384-dot paper and scaled by width/384; the words
 * printed are in one table. Fields are checked before anything is drawn,
 * so a bad field leaves the canvas as it was.
 */
#include "slip.h"

#include <stdio.h>
#include <string.h>

/* The slips' own words. */
static const char *const W_APPEAL_TITLE = "民情诉求回执";
static const char *const W_CODE_LABEL = "查询编号";
#define W_CATEGORY_FMT "类别：%s" /* macros: printf checks the formats */
#define W_RATING_FMT "评价码 %s"
static const char *const W_HOW_TO_TRACK = "扫码或在大厅屏幕“查询进度”输入编号";
static const char *const W_TOKEN_USE = "凭此票在大厅屏幕上评议一次";
#define ELLIPSIS "\xE2\x80\xA6" /* … */

/* Sizes in dots at 384 dots wide. */
enum {
    MARGIN = 8,      /* left and right, for text and rules */
    TOP = 8,         /* blank before the first line */
    BOTTOM = 16,     /* blank after the last line */
    GAP = 12,        /* between blocks */
    RULE = 2,        /* rule thickness */
    HALL = 30,       /* hall name, bold */
    BODY = 24,       /* topic, date, category, text */
    SMALL = 20,      /* labels, how to track: its 18 characters fit 368 dots */
    CODE = 52,       /* tracking code, fixed width */
    TOKEN = 60,      /* ballot token digits, fixed width */
    RATING = 28,     /* rating code line, bold */
    QR_MAX = 240,    /* QR code with its quiet zone, at most */
};

typedef struct Pen {
    Canvas *c;
    PrintFonts *f;
    EwErr *err;
    int rc;          /* first failure; later calls do nothing */
} Pen;

static int scaled(const Pen *p, int dots) { return dots * p->c->width / 384; }

static void text(Pen *p, PrintFace face, int size, PrintAlign align, int max_lines,
                 const char *s)
{
    if (p->rc != EW_OK)
        return;
    TextStyle st = {face, scaled(p, size), align, max_lines};
    p->rc = canvas_text(p->c, p->f, &st, scaled(p, MARGIN), s, p->err);
}

static void space(Pen *p, int dots)
{
    if (p->rc == EW_OK)
        p->rc = canvas_space(p->c, scaled(p, dots), p->err);
}

static void rule(Pen *p)
{
    if (p->rc == EW_OK)
        p->rc = canvas_rule(p->c, scaled(p, RULE), scaled(p, MARGIN), p->err);
}

static void qr(Pen *p, const char *payload)
{
    if (p->rc == EW_OK)
        p->rc = canvas_qr(p->c, payload, scaled(p, QR_MAX), NULL, p->err);
}

static int digits(const char *s, size_t n)
{
    if (!s || strlen(s) != n)
        return 0;
    for (size_t i = 0; i < n; i++)
        if (s[i] < '0' || s[i] > '9')
            return 0;
    return 1;
}

static int present(const char *s) { return s && *s; }

static int check_text(const char *field, const char *s, int required, EwErr *err)
{
    if (!present(s))
        return required ? ew_err(err, EW_EINPUT, "the slip's %s is missing", field) : EW_OK;
    if (!ew_text_ok(s, 4000))
        return ew_err(err, EW_EINPUT, "the slip's %s is not valid text", field);
    return EW_OK;
}

int slip_token(Canvas *c, PrintFonts *f, const TokenSlip *s, EwErr *err)
{
    int rc;
    if ((rc = check_text("hall name", s->hall, 1, err)) || (rc = check_text("topic", s->topic, 0, err)) ||
        (rc = check_text("date", s->date, 1, err)))
        return rc;
    if (!digits(s->token, 8))
        return ew_err(err, EW_EINPUT, "a ballot token is 8 digits, not \"%.20s\"",
                      s->token ? s->token : "");
    char grouped[10];
    snprintf(grouped, sizeof grouped, "%.4s %.4s", s->token, s->token + 4);
    Pen p = {c, f, err, EW_OK};
    space(&p, TOP);
    text(&p, PFACE_BOLD, HALL, ALIGN_CENTRE, 2, s->hall);
    if (present(s->topic))
        text(&p, PFACE_REGULAR, BODY, ALIGN_CENTRE, 3, s->topic);
    text(&p, PFACE_REGULAR, BODY, ALIGN_CENTRE, 1, s->date);
    space(&p, GAP / 2);
    rule(&p);
    space(&p, GAP);
    text(&p, PFACE_MONO, TOKEN, ALIGN_CENTRE, 1, grouped);
    qr(&p, s->token);
    text(&p, PFACE_REGULAR, BODY, ALIGN_CENTRE, 0, W_TOKEN_USE);
    space(&p, BOTTOM);
    return p.rc;
}

int slip_appeal(Canvas *c, PrintFonts *f, const AppealSlip *s, EwErr *err)
{
    int rc;
    if ((rc = check_text("hall name", s->hall, 1, err)) || (rc = check_text("date", s->date, 1, err)) ||
        (rc = check_text("category", s->category, 0, err)) ||
        (rc = check_text("text", s->text, 0, err)) || (rc = check_text("URL", s->url, 1, err)))
        return rc;
    if (!present(s->code) || strlen(s->code) > 24 || strspn(s->code, "ABCDEFGHIJKLMNOPQRSTUVWXYZ"
                                                               "abcdefghijklmnopqrstuvwxyz"
                                                               "0123456789-") != strlen(s->code))
        return ew_err(err, EW_EINPUT, "the slip's tracking code \"%.30s\" is not a code",
                      s->code ? s->code : "");
    if (present(s->rating_code) && !digits(s->rating_code, 6))
        return ew_err(err, EW_EINPUT, "a rating code is 6 digits, not \"%.20s\"",
                      s->rating_code);
    char buf[4096 + 64];
    Pen p = {c, f, err, EW_OK};
    space(&p, TOP);
    text(&p, PFACE_BOLD, HALL, ALIGN_CENTRE, 2, s->hall);
    snprintf(buf, sizeof buf, "%s · %s", W_APPEAL_TITLE, s->date);
    text(&p, PFACE_REGULAR, BODY, ALIGN_CENTRE, 1, buf);
    space(&p, GAP / 2);
    rule(&p);
    space(&p, GAP);
    text(&p, PFACE_REGULAR, SMALL, ALIGN_CENTRE, 1, W_CODE_LABEL);
    text(&p, PFACE_MONO, CODE, ALIGN_CENTRE, 1, s->code);
    space(&p, GAP / 2);
    if (present(s->category)) {
        snprintf(buf, sizeof buf, W_CATEGORY_FMT, s->category);
        text(&p, PFACE_REGULAR, BODY, ALIGN_LEFT, 1, buf);
    }
    if (present(s->text) && !ew_blank(s->text)) {
        /* The first line that is not blank; "…" after it when more text
         * follows (canvas_text also ends it with "…" when it is too long). */
        const char *t = s->text + strspn(s->text, " \t\r\n");
        size_t n = strcspn(t, "\r\n");
        if (n > 4000)
            n = 4000;
        int more = t[n] != 0 && !ew_blank(t + n);
        snprintf(buf, sizeof buf, "%.*s%s", (int)n, t, more ? ELLIPSIS : "");
        text(&p, PFACE_REGULAR, BODY, ALIGN_LEFT, 1, buf);
    }
    qr(&p, s->url);
    /* A reprint has no rating code: only the first slip knows it. */
    if (present(s->rating_code)) {
        snprintf(buf, sizeof buf, W_RATING_FMT, s->rating_code);
        text(&p, PFACE_BOLD, RATING, ALIGN_CENTRE, 1, buf);
    }
    space(&p, GAP / 2);
    text(&p, PFACE_REGULAR, SMALL, ALIGN_CENTRE, 0, W_HOW_TO_TRACK);
    space(&p, BOTTOM);
    return p.rc;
}
