/*
 * print.c: the one-call front door (see print.h).
 */
#include "print.h"

#include <stdlib.h>
#include <string.h>

int print_width_dots(const char *setting, int *dots, EwErr *err)
{
    if (setting && (strcmp(setting, "58") == 0 || strcmp(setting, "384") == 0)) {
        *dots = CANVAS_WIDTH_58MM;
        return EW_OK;
    }
    if (setting && (strcmp(setting, "80") == 0 || strcmp(setting, "576") == 0)) {
        *dots = CANVAS_WIDTH_80MM;
        return EW_OK;
    }
    return ew_err(err, EW_EINPUT, "paper width \"%.20s\": say 58 or 80 (mm), or 384 or 576 (dots)",
                  setting ? setting : "");
}

typedef int (*Layout)(Canvas *c, PrintFonts *f, const void *slip, EwErr *err);

static int lay_appeal(Canvas *c, PrintFonts *f, const void *slip, EwErr *err)
{
    return slip_appeal(c, f, slip, err);
}

static int lay_token(Canvas *c, PrintFonts *f, const void *slip, EwErr *err)
{
    return slip_token(c, f, slip, err);
}

/* Lays out n slips (slips[i]) and appends them to out as jobs, or draws
 * them one under another and writes the PNG png when png is not NULL. */
static int render(Layout lay, const void *const *slips, int n, int width, PrintFonts *fonts,
                  EscBuf *out, const char *png, EwErr *err)
{
    PrintFonts *own = NULL;
    Canvas *c = NULL;
    int rc = EW_OK;
    if (!fonts && !(fonts = own = print_fonts_new(NULL, err)))
        return err ? err->code : EW_ENOTFOUND;
    for (int i = 0; i < n && rc == EW_OK; i++) {
        if (!c && !(c = canvas_new(width, err))) {
            rc = EW_EINPUT;
            break;
        }
        if (png && i > 0) /* the cut between slips, dashed */
            if ((rc = canvas_space(c, 4, err)) == EW_OK && (rc = canvas_grow(c, 1, err)) >= 0) {
                for (int x = 0; x < c->width; x++)
                    if (x % 12 < 6)
                        canvas_set(c, x, c->height - 1);
                rc = canvas_space(c, 4, err);
            }
        if (rc == EW_OK)
            rc = lay(c, fonts, slips[i], err);
        if (rc == EW_OK && !png) {
            rc = escpos_encode(c, out, err);
            canvas_free(c);
            c = NULL;
        }
    }
    if (rc == EW_OK && png)
        rc = canvas_write_png(c, png, err);
    canvas_free(c);
    print_fonts_free(own);
    return rc;
}

int print_appeal_bytes(const AppealSlip *s, int width, PrintFonts *fonts, EscBuf *out,
                       EwErr *err)
{
    const void *one[1] = {s};
    return render(lay_appeal, one, 1, width, fonts, out, NULL, err);
}

int print_token_bytes(const TokenSlip *s, int width, PrintFonts *fonts, EscBuf *out, EwErr *err)
{
    const void *one[1] = {s};
    return render(lay_token, one, 1, width, fonts, out, NULL, err);
}

static int is_png(const char *path)
{
    size_t n = strlen(path);
    return n >= 4 && (strcmp(path + n - 4, ".png") == 0 || strcmp(path + n - 4, ".PNG") == 0);
}

static int to_file(Layout lay, const void *const *slips, int n, int width, const char *path,
                   EwErr *err)
{
    if (is_png(path))
        return render(lay, slips, n, width, NULL, NULL, path, err);
    EscBuf b = {0};
    int rc = render(lay, slips, n, width, NULL, &b, NULL, err);
    if (rc == EW_OK)
        rc = escpos_write_file(path, b.data, b.len, err);
    escpos_buf_free(&b);
    return rc;
}

int print_appeal_to_file(const AppealSlip *s, int width, const char *path, EwErr *err)
{
    const void *one[1] = {s};
    return to_file(lay_appeal, one, 1, width, path, err);
}

int print_tokens_to_file(const TokenSlip *s, const char *const *tokens, int n, int width,
                         const char *path, EwErr *err)
{
    if (n < 1 || n > 1000)
        return ew_err(err, EW_EINPUT, "%d tokens: print 1 to 1000 at a time", n);
    TokenSlip *each = ew_xcalloc((size_t)n, sizeof *each);
    const void **slips = ew_xcalloc((size_t)n, sizeof *slips);
    for (int i = 0; i < n; i++) {
        each[i] = *s;
        each[i].token = tokens[i];
        slips[i] = &each[i];
    }
    int rc = to_file(lay_token, slips, n, width, path, err);
    free(slips);
    free(each);
    return rc;
}

int print_send(const char *device, const uint8_t *bytes, size_t len, PrinterState *state,
               EwErr *err)
{
    Printer *p = NULL;
    int rc = printer_open(device, &p, state, err);
    if (rc != EW_OK)
        return rc;
    *state = printer_status(p, PRINTER_STATUS_TIMEOUT_MS, NULL);
    if (*state == PRINTER_ABSENT) {
        rc = ew_err(err, EW_EIO, "the printer %s went away: %s", printer_path(p),
                    printer_state_en(*state));
    } else if (!printer_state_can_print(*state)) {
        rc = ew_err(err, EW_ESTATE, "nothing printed: %s", printer_state_en(*state));
    } else {
        int gone = 0;
        rc = printer_write(p, bytes, len, PRINTER_STALL_TIMEOUT_MS, &gone, err);
        if (rc != EW_OK && gone) {
            *state = PRINTER_ABSENT;
        } else if (rc != EW_OK) {
            /* Stalled: ask why (paper out, cover open), keeping the write's message. */
            PrinterState why = printer_status(p, PRINTER_STATUS_TIMEOUT_MS, NULL);
            if (why != PRINTER_OK)
                *state = why;
        }
    }
    printer_close(p);
    return rc;
}
