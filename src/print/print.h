/*
 * print.h: from a slip's strings to paper or a file in one call.
 *
 * The front door of src/print for the kiosk and echowallctl: lay a slip
 * out (slip.h) at the paper's width, encode it (escpos.h), and either
 * write the bytes to a file or send them to the printer (printer.h). The
 * printer's state comes back with every send so the caller can tell the
 * villager what happened (printer_state_zh/en) and keep the QR code on the
 * screen when nothing came out.
 *
 *     EscBuf b = {0};
 *     rc = print_appeal_bytes(&slip, 384, NULL, &b, &err);
 *     rc = print_send(NULL, b.data, b.len, &state, &err);   // NULL: /dev/usb/lp*
 *     escpos_buf_free(&b);
 */
#ifndef EW_PRINT_PRINT_H
#define EW_PRINT_PRINT_H

#include <stddef.h>
#include <stdint.h>

#include "canvas.h"
#include "escpos.h"
#include "ew.h"
#include "printer.h"
#include "slip.h"

/* Paper width in dots from a setting: "58" or "384" → 384, "80" or "576"
 * → 576 (config's printer.width is in mm, the CLI's --width in dots).
 * EW_EINPUT for anything else. */
int print_width_dots(const char *setting, int *dots, EwErr *err);

/* Appends the ESC/POS job (init, raster, feed, cut) of one slip at width
 * dots to out. fonts: open ones to reuse, or NULL to open and close the
 * shipped fonts here (about 10 ms). */
int print_appeal_bytes(const AppealSlip *s, int width, PrintFonts *fonts, EscBuf *out,
                       EwErr *err);
int print_token_bytes(const TokenSlip *s, int width, PrintFonts *fonts, EscBuf *out, EwErr *err);

/* Writes one appeal slip to path: ESC/POS bytes, or a PNG picture of the
 * slip when path ends in ".png". */
int print_appeal_to_file(const AppealSlip *s, int width, const char *path, EwErr *err);

/* Writes n token slips (s with its token replaced by each of tokens[]) to
 * path: one job each, each cut off, in one file; or, for a ".png" path,
 * one picture with the slips one under another. */
int print_tokens_to_file(const TokenSlip *s, const char *const *tokens, int n, int width,
                         const char *path, EwErr *err);

/* Sends bytes to the printer (device: a path, or NULL/""/"auto" for the
 * first /dev/usb/lpN). First asks its status: when it answers paper out,
 * cover open or offline nothing is sent (EW_ESTATE). Then writes, never
 * waiting more than PRINTER_STALL_TIMEOUT_MS for the printer to take data.
 * *state (required) is what the printer was found in: PRINTER_ABSENT for
 * no printer (EW_ENOTFOUND) or one unplugged during the job (EW_EIO); on a
 * stalled write it is asked again so the message can say why. EW_OK means
 * the printer took every byte; with *state PRINTER_STATUS_UNKNOWN that is
 * all that is known. The whole call takes at most about 1 s plus the
 * printing time, and never more than PRINTER_JOB_TIMEOUT_MS + 2 s. */
int print_send(const char *device, const uint8_t *bytes, size_t len, PrinterState *state,
               EwErr *err);

#endif
