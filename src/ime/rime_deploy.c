/*
 * rime_deploy.c: echowall-rime-deploy, which compiles the pinyin schema
 * once, at build or install time, so that no villager ever waits for Rime's
 * deployment on a first keystroke.
 *
 *   echowall-rime-deploy [--shared DIR] OUT_DIR
 *
 * Input: Debian's Rime data in DIR (default /usr/share/rime-data: packages
 * rime-data-luna-pinyin, rime-prelude, rime-essay) and echowall's patch
 * below. Output: OUT_DIR holding everything ime_pinyin_open needs, the
 * dictionary included (copied from Debian's prebuilt build/ folder when
 * Rime found it up to date), so the kiosk never reads Debian's build/ and
 * an upgrade of rime-data cannot pair a new dictionary with an old index.
 *
 * The patch (data, not code): only our schema is built; the user dictionary
 * is off (translator/enable_user_dict: false), so nothing is learnt from
 * what villagers type; the custom-phrase and stroke reverse-lookup
 * translators are dropped (no user file is read, no stroke data is built).
 *
 * The new folder is built beside OUT_DIR (OUT_DIR.new) and swapped in only
 * when complete, so a failed run leaves the previous deployment usable.
 * Exit status: 0 done, 1 failed (the reason on stderr), 2 bad usage.
 */
#include <errno.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include <rime_api.h>

#include "imeutil.h"
#include "pinyin.h"

/* Rime reads *.custom.yaml from its user folder: a temporary one here. */
static const struct {
    const char *name;
    const char *text;
} PATCHES[] = {
    {"default.custom.yaml",
     "# echowall: build only the kiosk's schema.\n"
     "patch:\n"
     "  schema_list:\n"
     "    - schema: " IME_PINYIN_SCHEMA "\n"},
    {IME_PINYIN_SCHEMA ".custom.yaml",
     "# echowall: learn nothing; read no user phrases; no stroke lookup.\n"
     "patch:\n"
     "  translator/enable_user_dict: false\n"
     "  schema/dependencies: []\n"
     "  engine/translators:\n"
     "    - punct_translator\n"
     "    - script_translator\n"},
};

/* Source files the deployment needs, and the Debian package of each. */
static const struct {
    const char *file;
    const char *package;
} SOURCES[] = {
    {IME_PINYIN_SCHEMA ".schema.yaml", "rime-data-luna-pinyin"},
    {"luna_pinyin.schema.yaml", "rime-data-luna-pinyin"},
    {"luna_pinyin.dict.yaml", "rime-data-luna-pinyin"},
    {"default.yaml", "rime-prelude"},
    {"symbols.yaml", "rime-prelude"},
    {"punctuation.yaml", "rime-prelude"},
    {"key_bindings.yaml", "rime-prelude"},
    /* The dictionary's word frequencies: without it Rime would silently
     * build a much poorer dictionary instead of using Debian's. */
    {"essay.txt", "rime-essay"},
};

/* Prints "echowall-rime-deploy: <message>" on stderr; returns 1. */
static int fail(const char *fmt, ...) __attribute__((format(printf, 1, 2)));
static int fail(const char *fmt, ...)
{
    va_list ap;
    va_start(ap, fmt);
    fputs("echowall-rime-deploy: ", stderr);
    vfprintf(stderr, fmt, ap);
    fputc('\n', stderr);
    va_end(ap);
    return 1;
}

static int write_text(const char *path, const char *text)
{
    FILE *f = fopen(path, "w");
    if (!f)
        return -1;
    int ok = fputs(text, f) >= 0;
    if (fclose(f) != 0)
        ok = 0;
    return ok ? 0 : -1;
}

/* Copies into staging the compiled files of dictionary dict that Rime left
 * in the prebuilt folder (it copies nothing it finds up to date there). */
static int copy_prebuilt(const char *prebuilt, const char *staging, const char *dict)
{
    static const char *const kinds[] = {"table.bin", "reverse.bin"};
    for (size_t i = 0; i < sizeof kinds / sizeof kinds[0]; i++) {
        char *dst = ew_xasprintf("%s/%s.%s", staging, dict, kinds[i]);
        char *src = ew_xasprintf("%s/%s.%s", prebuilt, dict, kinds[i]);
        int rc = 0;
        if (!ime_file_exists(dst) && ime_file_exists(src) && ime_copy_file(src, dst) != 0)
            rc = fail("cannot copy %s: %s", src, strerror(errno));
        free(dst);
        free(src);
        if (rc)
            return rc;
    }
    return 0;
}

/* Runs Rime's deployment into staging; 0 when the schema and its
 * dictionary are there. */
static int deploy(RimeApi *api, const char *shared, const char *work, const char *staging)
{
    static const char *modules[] = {"core", "dict", "levers", NULL};
    char *prebuilt = ew_xasprintf("%s/build", shared);
    RIME_STRUCT(RimeTraits, traits);
    traits.shared_data_dir = shared;
    traits.user_data_dir = work;
    traits.staging_dir = staging;
    traits.prebuilt_data_dir = prebuilt;
    traits.distribution_name = "echowall";
    traits.distribution_code_name = "echowall";
    traits.distribution_version = "1";
    traits.app_name = "rime.echowall-deploy";
    traits.min_log_level = 2; /* errors, on stderr */
    traits.modules = modules;
    api->setup(&traits);
    api->deployer_initialize(&traits);
    int rc = 0;
    if (!api->deploy())
        rc = fail("Rime's deployment failed (see its messages above)");

    char dict[128] = "";
    RimeConfig cfg = {0};
    if (!rc && api->schema_open(IME_PINYIN_SCHEMA, &cfg)) {
        if (!api->config_get_string(&cfg, "translator/dictionary", dict, sizeof dict))
            dict[0] = '\0';
        Bool learns = True;
        if (!api->config_get_bool(&cfg, "translator/enable_user_dict", &learns) || learns)
            rc = fail("the compiled schema still has a user dictionary");
        api->config_close(&cfg);
    } else if (!rc) {
        rc = fail("schema %s was not compiled into %s", IME_PINYIN_SCHEMA, staging);
    }
    if (!rc && !dict[0])
        rc = fail("schema %s names no dictionary", IME_PINYIN_SCHEMA);
    if (!rc)
        rc = copy_prebuilt(prebuilt, staging, dict);
    if (!rc) {
        char *table = ew_xasprintf("%s/%s.table.bin", staging, dict);
        if (!ime_file_exists(table))
            rc = fail("dictionary %s was not built (%s missing)", dict, table);
        free(table);
    }
    api->finalize();
    free(prebuilt);
    return rc;
}

int main(int argc, char **argv)
{
    const char *shared = IME_PINYIN_SHARED_DIR;
    const char *out = NULL;
    for (int i = 1; i < argc; i++) {
        if (!strcmp(argv[i], "--shared") && i + 1 < argc) {
            shared = argv[++i];
        } else if (!strcmp(argv[i], "-h") || !strcmp(argv[i], "--help")) {
            printf("usage: echowall-rime-deploy [--shared DIR] OUT_DIR\n"
                   "Compiles the kiosk's pinyin schema (%s) from Debian's Rime data\n"
                   "(default %s) into OUT_DIR, which ime_pinyin_open then reads.\n",
                   IME_PINYIN_SCHEMA, IME_PINYIN_SHARED_DIR);
            return 0;
        } else if (argv[i][0] != '-' && !out) {
            out = argv[i];
        } else {
            fprintf(stderr, "usage: echowall-rime-deploy [--shared DIR] OUT_DIR\n");
            return 2;
        }
    }
    if (!out) {
        fprintf(stderr, "usage: echowall-rime-deploy [--shared DIR] OUT_DIR\n");
        return 2;
    }
    for (size_t i = 0; i < sizeof SOURCES / sizeof SOURCES[0]; i++) {
        char *p = ew_xasprintf("%s/%s", shared, SOURCES[i].file);
        int ok = ime_file_exists(p);
        free(p);
        if (!ok)
            return fail("%s is missing from the Rime data in %s (Debian package: %s)",
                        SOURCES[i].file, shared, SOURCES[i].package);
    }
    RimeApi *api = rime_get_api();
    if (!api)
        return fail("librime has no API");

    int rc = 1;
    char *staging = ew_xasprintf("%s.new", out);
    char *old = ew_xasprintf("%s.old", out);
    char *work = ime_make_tmpdir("echowall-rime-deploy-");
    if (!work) {
        fail("cannot make a temporary folder: %s", strerror(errno));
        goto done;
    }
    for (size_t i = 0; i < sizeof PATCHES / sizeof PATCHES[0]; i++) {
        char *p = ew_xasprintf("%s/%s", work, PATCHES[i].name);
        int w = write_text(p, PATCHES[i].text);
        free(p);
        if (w != 0) {
            fail("cannot write in %s: %s", work, strerror(errno));
            goto done;
        }
    }
    if (ime_remove_tree(staging) != 0 || ime_remove_tree(old) != 0) {
        fail("cannot clear %s: %s", staging, strerror(errno));
        goto done;
    }
    if (deploy(api, shared, work, staging) != 0)
        goto done;
    struct stat st;
    if (stat(out, &st) == 0 && rename(out, old) != 0) {
        fail("cannot move %s aside: %s", out, strerror(errno));
        goto done;
    }
    if (rename(staging, out) != 0) {
        fail("cannot rename %s: %s", staging, strerror(errno));
        goto done;
    }
    ime_remove_tree(old);
    rc = 0;
done:
    if (rc)
        ime_remove_tree(staging);
    if (work)
        ime_remove_tree(work);
    free(work);
    free(staging);
    free(old);
    return rc;
}
