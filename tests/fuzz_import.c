/*
 * fuzz_import.c: a fuzz target for what arrives on a stick.
 *
 * Input: one byte choosing what is attacked, then the bytes:
 *   0: a manifest (its bundle is the corpus' valid one, when it names it)
 *   1: a bundle, imported as if its manifest had vouched for it, to reach
 *      SQLite's opening, the schema check and every per-record check.
 * Nothing may crash, leak or hang; every refusal is a clean error, and the
 * database is rolled back after each input.
 *
 * Built with clang -fsanitize=fuzzer when available (EW_FUZZ=ON); ctest
 * builds it with the ordinary compiler and replays tests/fuzz/corpus/.
 * `fuzz_import --make-corpus DIR` writes the seed corpus from a small town.
 */
#define _GNU_SOURCE
#include <dirent.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "appeal.h"
#include "clock.h"
#include "db.h"
#include "device.h"
#include "memfs.h"
#include "roster.h"
#include "sync.h"

static sqlite3 *db;
static char dir[64];

/* A small town: an office with one branch, one person, one appeal. */
static sqlite3 *small_town(const char *path)
{
    sqlite3 *d;
    EwErr e = {0};
    unsigned char seed[32] = {1}, town[32] = {2};
    DeviceSpec spec = {.role = "office", .town_name = "青石镇", .seed = seed, .town_seed = town};
    clock_set_fixed(1790000000000LL);
    if (db_open(path, 1, &d, &e) || db_begin(d, &e) || device_init(d, &spec, &e))
        goto fail;
    Author a;
    char id[ROSTER_ID_MAX], code[CODE_MAX], rating[RATING_CODE_LEN + 1];
    const char *grids[] = {"一组", NULL};
    AppealNew in = {.hall = "H01", .category = "路灯", .text = "路灯坏了", .contact = "13800000000"};
    if (device_load_self(d, &a, &e) ||
        roster_add_branch(d, &a, "H01", "青石村", grids, 0, &e) ||
        roster_add_person(d, &a, NULL, "王伟", "secretary", "H01", 0, id, &e) ||
        appeal_add(d, &a, &in, 0, code, rating, &e) ||
        appeal_grade(d, &a, code, "green", NULL, NULL, 0, &e) || db_commit(d, &e))
        goto fail;
    return d;
fail:
    fprintf(stderr, "fuzz_import: cannot make the town: %s\n", e.msg);
    exit(1);
}

static void init(void)
{
    if (db)
        return;
    snprintf(dir, sizeof dir, "/tmp/echowall-fuzz-XXXXXX");
    if (!mkdtemp(dir))
        exit(1);
    char path[128];
    snprintf(path, sizeof path, "%s/fuzz.db", dir);
    db = small_town(path);
}

int LLVMFuzzerTestOneInput(const unsigned char *data, size_t size);
int LLVMFuzzerTestOneInput(const unsigned char *data, size_t size)
{
    init();
    if (size < 1)
        return 0;
    EwErr e = {0};
    json_t *report = json_object();
    char path[128];
    snprintf(path, sizeof path, "%s/input.bundle", dir);
    if (db_begin(db, &e) != EW_OK)
        abort();
    if (data[0] == 0) {
        Author self;
        char dev[33], name[80];
        device_load_self(db, &self, NULL);
        device_hex(self.id, dev);
        snprintf(name, sizeof name, "%s-7.manifest", dev);
        sync_import_files(db, name, data + 1, size - 1, path, report, &e);
    } else {
        FILE *f = fopen(path, "wb");
        if (!f || fwrite(data + 1, 1, size - 1, f) != size - 1 || fclose(f) != 0)
            abort();
        sync_import_vouched(db, path, report, &e);
    }
    db_rollback(db);
    json_decref(report);
    return 0;
}

#ifndef EW_LIBFUZZER
/* Writes the seed corpus: the town's real manifest and bundle. */
static int make_corpus(const char *out)
{
    init();
    StickIO *io = memfs_new();
    io->mkdir(io, "/stick");
    EwErr e = {0};
    json_t *r = json_object();
    if (db_begin(db, &e) || sync_export(db, io, "/stick", r, &e) || db_commit(db, &e)) {
        fprintf(stderr, "export: %s\n", e.msg);
        return 1;
    }
    json_decref(r);
    StickEntry *ents = NULL;
    size_t n = 0;
    io->list(io, "/stick/echowall", &ents, &n);
    for (size_t i = 0; i < n; i++) {
        char p[400], o[400];
        unsigned char *d = NULL;
        size_t len = 0;
        snprintf(p, sizeof p, "/stick/echowall/%s", ents[i].name);
        if (io->read_file(io, p, 1 << 26, &d, &len) != 0)
            continue;
        int bundle = strstr(ents[i].name, ".bundle") != NULL;
        snprintf(o, sizeof o, "%s/%s", out, bundle ? "valid-bundle" : "valid-manifest");
        FILE *f = fopen(o, "wb");
        unsigned char mode = bundle ? 1 : 0;
        fwrite(&mode, 1, 1, f);
        fwrite(d, 1, len, f);
        fclose(f);
        /* The manifest's bundle sits where mode 0 looks for it. */
        if (bundle) {
            snprintf(o, sizeof o, "%s/input.bundle", dir);
            f = fopen(o, "wb");
            fwrite(d, 1, len, f);
            fclose(f);
        }
        free(d);
    }
    free(ents);
    memfs_free(io);
    return 0;
}

int main(int argc, char **argv)
{
    if (argc == 3 && strcmp(argv[1], "--make-corpus") == 0)
        return make_corpus(argv[2]);
    if (argc != 2) {
        fprintf(stderr, "usage: fuzz_import CORPUS_DIR | --make-corpus DIR\n");
        return 2;
    }
    DIR *d = opendir(argv[1]);
    if (!d) {
        perror(argv[1]);
        return 2;
    }
    struct dirent *ent;
    int count = 0;
    while ((ent = readdir(d))) {
        if (ent->d_name[0] == '.')
            continue;
        char p[1024];
        snprintf(p, sizeof p, "%s/%s", argv[1], ent->d_name);
        FILE *f = fopen(p, "rb");
        if (!f)
            continue;
        unsigned char *buf = malloc(1 << 24);
        size_t n = fread(buf, 1, 1 << 24, f);
        fclose(f);
        LLVMFuzzerTestOneInput(buf, n);
        free(buf);
        count++;
    }
    closedir(d);
    db_close(db);
    char cmd[128];
    snprintf(cmd, sizeof cmd, "rm -rf '%s'", dir);
    if (system(cmd) != 0)
        fprintf(stderr, "could not remove %s\n", dir);
    printf("fuzz_import: replayed %d inputs\n%d passed, 0 failed\n", count, count);
    return 0;
}
#endif
