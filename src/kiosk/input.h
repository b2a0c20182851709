/*
 * input.h: the kiosk's input methods behind the Source's pinyin and hand
 * callbacks (model.h), over src/ime. Each engine opens on first use (the
 * start of the kiosk does not pay for it) and, when its data is missing,
 * says so once in the log and shows no candidates: the keyboard then
 * offers the other modes.
 */
#ifndef EW_KIOSK_INPUT_H
#define EW_KIOSK_INPUT_H

#include "model.h"

typedef struct Input Input;

Input *input_new(void);
void input_free(Input *in);
/* Sets src->pinyin, src->hand and src->ime_ctx to in. */
void input_wire(Source *src, Input *in);

#endif
