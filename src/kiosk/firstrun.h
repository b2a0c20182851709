/*
 * firstrun.h: a new station's first start, for the office: the backups on
 * the stick, and restoring one into this station's blank database so the
 * same running program becomes the town office (model.h's restore_*
 * callbacks).
 *
 * A new station's database is blank whether it will be a hall's kiosk or
 * the office (the image is the same): the kiosk's first stick enrols it
 * (stick.c), and the first-run screen offers the office's way, restoring a
 * backup made by 备份到U盘 or `echowallctl backup`. The restore is
 * backup_restore_into (the core code behind `echowallctl restore`); once
 * it is done, the Source gets the office's callbacks, so the screens turn
 * into the office's login without a restart.
 */
#ifndef EW_KIOSK_FIRSTRUN_H
#define EW_KIOSK_FIRSTRUN_H

#include <sqlite3.h>

#include "model.h"

typedef struct FirstRun FirstRun;

/* Over db (borrowed; must outlive it), the stick mounted at mount (NULL:
 * none); src (borrowed) is the Source the office's callbacks go into
 * after a restore. */
FirstRun *firstrun_new(sqlite3 *db, const char *mount, Source *src);
/* NULL-safe; frees the office made by a restore too (after the App that
 * uses the Source is gone). */
void firstrun_free(FirstRun *f);
/* Sets src's restore_* callbacks to f's. */
void firstrun_source_init(Source *src, FirstRun *f);

#endif
