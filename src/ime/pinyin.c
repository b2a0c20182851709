/*
 * pinyin.c: pinyin input through librime (see pinyin.h).
 *
 * librime keeps one engine per process (a Service singleton holding the
 * folders) with any number of sessions. The first ime_pinyin_open starts it
 * with the folders it is given and a fresh temporary user folder; later
 * opens add sessions and must name the same folders; the last close stops
 * it and removes the temporary folder. glog, which librime logs through,
 * may be set up once per process only, so RimeSetup runs once. Rime logs
 * errors only (a missing file, a broken OpenCC table): to stderr, and as
 * glog does to files in $TMPDIR (else /tmp); never what is typed.
 *
 * Rime's folders at run time:
 *   shared_data_dir   Debian's /usr/share/rime-data (read for OpenCC's
 *                     t2s.json under opencc/, when there is one there)
 *   staging_dir and   the deployed folder, which holds everything the
 *   prebuilt_data_dir schema needs (echowall-rime-deploy copies the
 *                     dictionary in), so nothing of Debian's build/ is used
 *   user_data_dir     the temporary folder (nothing is written there either,
 *                     but Rime must have one)
 * Paging is done here over Rime's whole candidate list, so the page size is
 * the UI's choice and not the deployed schema's.
 *
 * librime is opened (dlopen) by the first ime_pinyin_open, not linked: with
 * its C++ dependencies (boost, glog, ICU, OpenCC, leveldb...) it is 14 of
 * the kiosk's 92 libraries, and loading them took 5 ms of every start while
 * most runs never show a keyboard. Its one entry point, rime_get_api, gives
 * the whole function table. It stays loaded until the process ends (glog
 * cannot be set up twice).
 */
#include "pinyin.h"

#include <ctype.h>
#include <dlfcn.h>
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

#include <rime_api.h>

#include "imeutil.h"

#define KEY_BACKSPACE 0xff08 /* X11 keysym BackSpace, as Rime takes it */

struct ImePinyin {
    RimeSessionId session; /* this villager's composition in the engine */
    int page_size;         /* candidates a page, 1..IME_PAGE_MAX */
    int page;              /* current page, from 0 */
};

/* The process's one engine. */
static struct {
    RimeApi *api;     /* librime's function table */
    int logging_set;  /* RimeSetup (glog) done: never again in this process */
    int refs;         /* open sessions; the engine runs while > 0 */
    char *shared;     /* folders it was started with (malloc'd) */
    char *deployed;
    char *scratch;    /* the temporary user folder */
} g;

/* librime's file name as the loader finds it: ECHOWALL_RIME_LIBRARY (for
 * the tests of a missing library), else the soname the build was made
 * against. */
static const char *rime_library(void)
{
    const char *env = getenv("ECHOWALL_RIME_LIBRARY");
    return env && *env ? env : EW_RIME_SONAME;
}

/* Opens librime (once per process: the handle is kept) and puts its
 * function table in *api; EW_ENOTFOUND when it cannot be loaded or is not
 * librime, EW_ESTATE when it is too old. */
static int rime_load(RimeApi **api, EwErr *err)
{
    static RimeApi *(*get_api)(void);
    if (!get_api) {
        void *lib = ew_dlopen("ECHOWALL_RIME_LIBRARY", EW_RIME_SONAME, "librime", "librime1",
                              NULL, err);
        if (!lib)
            return EW_ENOTFOUND;
        /* POSIX's way of turning dlsym's object pointer into a function pointer */
        *(void **)&get_api = dlsym(lib, "rime_get_api");
        if (!get_api) {
            dlclose(lib);
            return ew_err(err, EW_ENOTFOUND, "%s is not librime: it has no rime_get_api",
                          rime_library());
        }
    }
    *api = get_api();
    if (!*api || !RIME_API_AVAILABLE(*api, candidate_list_from_index) ||
        !RIME_API_AVAILABLE(*api, select_candidate) || !RIME_API_AVAILABLE(*api, get_input))
        return ew_err(err, EW_ESTATE, "librime (%s) is too old (1.5 or later needed)",
                      rime_library());
    return EW_OK;
}

const char *ime_pinyin_data_dir(void)
{
    const char *env = getenv("ECHOWALL_RIME_DIR");
    if (env && *env)
        return env;
#ifdef EW_IME_RIME_DIR
    if (ime_file_exists(EW_IME_RIME_DIR "/" IME_PINYIN_SCHEMA ".schema.yaml"))
        return EW_IME_RIME_DIR;
#endif
#ifdef EW_IME_BUILD_RIME_DIR
    return EW_IME_BUILD_RIME_DIR;
#else
    return "/usr/share/echowall/rime";
#endif
}

/* Checks that the deployed folder has what the schema needs; EW_ENOTFOUND
 * naming the first missing file. */
static int check_deployed(const char *dir, EwErr *err)
{
    static const char *const files[] = {
        "default.yaml", IME_PINYIN_SCHEMA ".schema.yaml", IME_PINYIN_SCHEMA ".prism.bin",
    };
    struct stat st;
    if (stat(dir, &st) != 0 || !S_ISDIR(st.st_mode))
        return ew_err(err, EW_ENOTFOUND,
                      "pinyin data folder %s not found (deploy it with echowall-rime-deploy)", dir);
    for (size_t i = 0; i < sizeof files / sizeof files[0]; i++) {
        char *p = ew_xasprintf("%s/%s", dir, files[i]);
        int ok = ime_file_exists(p);
        free(p);
        if (!ok)
            return ew_err(err, EW_ENOTFOUND,
                          "pinyin data in %s is not deployed: %s missing "
                          "(deploy it with echowall-rime-deploy)",
                          dir, files[i]);
    }
    return EW_OK;
}

static int engine_start(const char *shared, const char *deployed, EwErr *err)
{
    struct stat st;
    if (stat(shared, &st) != 0 || !S_ISDIR(st.st_mode))
        return ew_err(err, EW_ENOTFOUND,
                      "Rime's shared data folder %s not found (Debian: rime-data-luna-pinyin)",
                      shared);
    int rc = check_deployed(deployed, err);
    if (rc != EW_OK)
        return rc;
    rc = rime_load(&g.api, err);
    if (rc != EW_OK)
        return rc;
    g.scratch = ime_make_tmpdir("echowall-rime-");
    if (!g.scratch)
        return ew_err(err, EW_EIO, "cannot make a temporary folder for Rime: %s", strerror(errno));
    g.shared = ew_xstrdup(shared);
    g.deployed = ew_xstrdup(deployed);

    /* Rime's stock modules only: no plugin from the system is loaded. */
    static const char *modules[] = {"core", "dict", "gears", NULL};
    RIME_STRUCT(RimeTraits, traits);
    traits.shared_data_dir = g.shared;
    traits.user_data_dir = g.scratch;
    traits.prebuilt_data_dir = g.deployed;
    traits.staging_dir = g.deployed;
    traits.distribution_name = "echowall";
    traits.distribution_code_name = "echowall";
    traits.distribution_version = "1";
    traits.modules = modules;
    if (!g.logging_set) {
        traits.app_name = "rime.echowall";
        traits.min_log_level = 2; /* errors only */
        g.api->setup(&traits);
        g.logging_set = 1;
    }
    g.api->initialize(&traits);
    return EW_OK;
}

static void engine_stop(void)
{
    g.api->finalize();
    ime_remove_tree(g.scratch);
    free(g.scratch);
    free(g.shared);
    free(g.deployed);
    g.scratch = g.shared = g.deployed = NULL;
}

/* Drops a commit Rime may hold (none is expected outside a pick). */
static void drop_commit(RimeSessionId s)
{
    RIME_STRUCT(RimeCommit, c);
    if (g.api->get_commit(s, &c))
        g.api->free_commit(&c);
}

/* Text of candidate index (over the whole list) into out; 0 when there is
 * no such candidate. */
static int candidate_at(RimeSessionId s, int index, char *out, size_t size)
{
    RimeCandidateListIterator it;
    memset(&it, 0, sizeof it);
    if (!g.api->candidate_list_from_index(s, &it, index))
        return 0;
    int ok = g.api->candidate_list_next(&it);
    if (ok && out)
        ime_copy_utf8(out, size, it.candidate.text ? it.candidate.text : "");
    g.api->candidate_list_end(&it);
    return ok;
}

/* Types keys and looks at the first 10 candidates: PROBE_OK when want
 * (simplified) is there and avoid (its traditional form) is not. Clears
 * after. */
enum { PROBE_OK, PROBE_EMPTY, PROBE_TRADITIONAL };
static int probe(RimeSessionId s, const char *keys, const char *want, const char *avoid)
{
    for (const char *k = keys; *k; k++)
        g.api->process_key(s, (unsigned char)*k, 0);
    int n = 0, found = 0, bad = 0;
    char text[IME_TEXT_MAX];
    for (; n < 10 && candidate_at(s, n, text, sizeof text); n++) {
        found |= !strcmp(text, want);
        bad |= !strcmp(text, avoid);
    }
    g.api->clear_composition(s);
    drop_commit(s);
    return n == 0 ? PROBE_EMPTY : found && !bad ? PROBE_OK : PROBE_TRADITIONAL;
}

/* The checks of a new session: our schema, no user dictionary, simplified
 * candidates. */
static int check_session(RimeSessionId s, EwErr *err)
{
    char schema[64] = "";
    if (!g.api->get_current_schema(s, schema, sizeof schema) || strcmp(schema, IME_PINYIN_SCHEMA)) {
        schema[0] = '\0';
        if (g.api->select_schema(s, IME_PINYIN_SCHEMA))
            g.api->get_current_schema(s, schema, sizeof schema);
        if (strcmp(schema, IME_PINYIN_SCHEMA))
            return ew_err(err, EW_ECORRUPT, "Rime did not load schema %s from %s",
                          IME_PINYIN_SCHEMA, g.deployed);
    }
    RimeConfig cfg = {0};
    if (!g.api->schema_open(IME_PINYIN_SCHEMA, &cfg))
        return ew_err(err, EW_ECORRUPT, "Rime cannot read schema %s in %s", IME_PINYIN_SCHEMA,
                      g.deployed);
    Bool learns = True;
    int set = g.api->config_get_bool(&cfg, "translator/enable_user_dict", &learns);
    g.api->config_close(&cfg);
    if (!set || learns)
        return ew_err(err, EW_ECORRUPT,
                      "the pinyin schema in %s would learn from what is typed "
                      "(translator/enable_user_dict is not false): redeploy it with "
                      "echowall-rime-deploy",
                      g.deployed);
    switch (probe(s, "guo", "国", "國")) {
    case PROBE_EMPTY:
        return ew_err(err, EW_ECORRUPT,
                      "pinyin gives no candidates: the dictionary in %s did not load "
                      "(redeploy it with echowall-rime-deploy)",
                      g.deployed);
    case PROBE_TRADITIONAL:
        return ew_err(err, EW_ECORRUPT,
                      "pinyin gives traditional characters: OpenCC's t2s.json did not load "
                      "(Debian: libopencc-data; or a broken %s/opencc/t2s.json)",
                      g.shared);
    }
    return EW_OK;
}

ImePinyin *ime_pinyin_open(const char *shared_dir, const char *deployed_dir, EwErr *err)
{
    const char *shared = shared_dir ? shared_dir : IME_PINYIN_SHARED_DIR;
    const char *deployed = deployed_dir ? deployed_dir : ime_pinyin_data_dir();
    if (g.refs > 0) {
        if (strcmp(shared, g.shared) || strcmp(deployed, g.deployed)) {
            ew_err(err, EW_ESTATE,
                   "pinyin is already open on %s and %s: librime has one set of folders "
                   "per process",
                   g.shared, g.deployed);
            return NULL;
        }
    } else if (engine_start(shared, deployed, err) != EW_OK) {
        return NULL;
    }
    g.refs++;
    ImePinyin *ime = ew_xcalloc(1, sizeof *ime);
    ime->page_size = IME_PAGE_DEFAULT;
    ime->session = g.api->create_session();
    if (!ime->session) {
        ew_err(err, EW_ECORRUPT, "Rime could not start a session on %s", deployed);
        goto fail;
    }
    if (check_session(ime->session, err) != EW_OK)
        goto fail;
    return ime;
fail:
    ime_pinyin_close(ime);
    return NULL;
}

void ime_pinyin_close(ImePinyin *ime)
{
    if (!ime)
        return;
    if (ime->session)
        g.api->destroy_session(ime->session);
    free(ime);
    if (--g.refs == 0)
        engine_stop();
}

int ime_pinyin_set_page_size(ImePinyin *ime, int n)
{
    if (n < 1 || n > IME_PAGE_MAX)
        return EW_EINPUT;
    ime->page_size = n;
    ime->page = 0;
    return EW_OK;
}

int ime_pinyin_key(ImePinyin *ime, int ch)
{
    const char *input = g.api->get_input(ime->session);
    size_t len = input ? strlen(input) : 0;
    if (ch >= 'A' && ch <= 'Z')
        ch = ch - 'A' + 'a';
    if (ch == '\'') {
        /* Only between letters: alone, Rime would commit a quotation mark. */
        if (len == 0 || input[len - 1] == '\'')
            return EW_EINPUT;
    } else if (ch < 'a' || ch > 'z') {
        return EW_EINPUT;
    }
    if (len >= IME_INPUT_MAX)
        return EW_ESTATE;
    g.api->process_key(ime->session, ch, 0);
    drop_commit(ime->session);
    ime->page = 0;
    return EW_OK;
}

int ime_pinyin_backspace(ImePinyin *ime)
{
    const char *input = g.api->get_input(ime->session);
    if (!input || !*input)
        return 0;
    g.api->process_key(ime->session, KEY_BACKSPACE, 0);
    drop_commit(ime->session);
    ime->page = 0;
    return 1;
}

void ime_pinyin_clear(ImePinyin *ime)
{
    g.api->clear_composition(ime->session);
    drop_commit(ime->session);
    ime->page = 0;
}

void ime_pinyin_state(ImePinyin *ime, ImeState *out)
{
    memset(out, 0, sizeof *out);
    out->page = ime->page;
    const char *input = g.api->get_input(ime->session);
    ime_copy_utf8(out->input, sizeof out->input, input ? input : "");
    if (!out->input[0])
        return;
    RIME_STRUCT(RimeContext, ctx);
    if (g.api->get_context(ime->session, &ctx)) {
        if (ctx.composition.preedit)
            ime_copy_utf8(out->preedit, sizeof out->preedit, ctx.composition.preedit);
        g.api->free_context(&ctx);
    }
    RimeCandidateListIterator it;
    memset(&it, 0, sizeof it);
    if (!g.api->candidate_list_from_index(ime->session, &it, ime->page * ime->page_size))
        return;
    while (out->ncand < ime->page_size && g.api->candidate_list_next(&it))
        ime_copy_utf8(out->cand[out->ncand++], IME_TEXT_MAX,
                      it.candidate.text ? it.candidate.text : "");
    if (out->ncand == ime->page_size)
        out->more = g.api->candidate_list_next(&it) ? 1 : 0;
    g.api->candidate_list_end(&it);
}

int ime_pinyin_page(ImePinyin *ime, int dir)
{
    if (dir < 0) {
        if (ime->page == 0)
            return EW_ESTATE;
        ime->page--;
        return EW_OK;
    }
    if (dir > 0) {
        if (!candidate_at(ime->session, (ime->page + 1) * ime->page_size, NULL, 0))
            return EW_ESTATE;
        ime->page++;
    }
    return EW_OK;
}

int ime_pinyin_pick(ImePinyin *ime, int index, char *committed, size_t size)
{
    if (!committed || size < IME_TEXT_MAX || index < 0 || index >= ime->page_size)
        return EW_EINPUT;
    int at = ime->page * ime->page_size + index;
    if (!candidate_at(ime->session, at, NULL, 0))
        return EW_EINPUT;
    committed[0] = '\0';
    drop_commit(ime->session);
    if (!g.api->select_candidate(ime->session, (size_t)at))
        return EW_EINPUT;
    ime->page = 0;
    RIME_STRUCT(RimeCommit, c);
    if (!g.api->get_commit(ime->session, &c))
        return 0;
    ime_copy_utf8(committed, size, c.text ? c.text : "");
    g.api->free_commit(&c);
    return 1;
}

const char *ime_pinyin_scratch_dir(const ImePinyin *ime)
{
    (void)ime;
    return g.scratch;
}
