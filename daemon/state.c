/*
 * state.c - state.json and presets.json: format, checks, crash-safe
 * writing, loading with the set-aside and backup rules (see state.h).
 */
#include "daemon/state.h"

#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/file.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>

#include <jansson.h>
#include <zlib.h>

#define SETTINGS_KIND "radiod-state"
#define PRESETS_KIND "radiod-presets"
#define HEADER_MAX 128		/* the header line, newline included */
#define FILE_MODE 0644		/* settings, not secrets: readable for support */
/* 15 digits read back exactly for any value typed in decimal; 17 always. */
#define PRECISION_SHORT 15
#define PRECISION_EXACT 17
#define NAME_BUF 64		/* "presets.json.corrupt-<time>.<n>" fits */
#define WHY_MAX 256

struct state_dir {
	int fd;			/* the directory, flock'ed */
	const struct log *log;
	bool no_links;		/* the file system refused link(): no backups */
	char path[PATH_MAX];
};

/* How one kind of file maps to and from its struct. */
struct codec {
	const char *file, *kind;
	size_t size;		/* of the struct */
	json_t *(*to_json)(const void *v);
	/* Fills v (zeroed by the caller) from root; -EINVAL with why. */
	int (*from_json)(json_t *root, void *v, char *why, size_t why_len);
	bool (*equal)(const void *a, const void *b);
};

static __attribute__((format(printf, 3, 4))) int say(char *buf, size_t len, const char *fmt,
						     ...)
{
	va_list ap;

	va_start(ap, fmt);
	vsnprintf(buf, len, fmt, ap);
	va_end(ap);
	return -EINVAL;
}

uint32_t state_crc32(const void *data, size_t len)
{
	uLong crc = crc32(0L, Z_NULL, 0);

	/* zlib takes lengths as uInt: feed large buffers in pieces. */
	for (const Bytef *p = data; len > 0;) {
		uInt n = len > UINT_MAX ? UINT_MAX : (uInt)len;

		crc = crc32(crc, p, n);
		p += n;
		len -= n;
	}
	return (uint32_t)crc;
}

/* ------------------------------------------------------------- values */

const char *state_preset_name_problem(const char *name)
{
	size_t n;

	if (!name || !name[0])
		return "is empty";
	if (name[0] == '.')
		return "must not start with '.'";
	for (n = 0; name[n]; n++) {
		char c = name[n];

		if (n == STATE_PRESET_NAME_MAX)
			return "is longer than 64 characters";
		/* ASCII ranges, not isalnum(): the locale must not widen them. */
		if (!((c >= 'A' && c <= 'Z') || (c >= 'a' && c <= 'z') || (c >= '0' && c <= '9') ||
		      c == ' ' || c == '.' || c == '_' || c == '-'))
			return "may hold only A-Z a-z 0-9, space, '.', '_' and '-'";
	}
	return NULL;
}

void state_settings_default(struct state_settings *s, uint32_t eq_bands, double volume_db)
{
	memset(s, 0, sizeof *s);
	eq_params_default(&s->eq, eq_bands);
	s->volume_db = volume_db;
}

bool state_eq_same_preset(const struct eq_params *a, const struct eq_params *b)
{
	if (a->n_bands != b->n_bands || a->preamp_db != b->preamp_db)
		return false;
	for (uint32_t i = 0; i < a->n_bands && i < EQ_MAX_BANDS; i++) {
		const struct eq_band *x = &a->band[i], *y = &b->band[i];

		if (x->type != y->type || x->freq != y->freq || x->q != y->q ||
		    x->gain_db != y->gain_db || x->enabled != y->enabled)
			return false;
	}
	return true;
}

bool state_settings_equal(const struct state_settings *a, const struct state_settings *b)
{
	return state_eq_same_preset(&a->eq, &b->eq) && a->eq.bypass == b->eq.bypass &&
	       a->volume_db == b->volume_db && a->muted == b->muted &&
	       strcmp(a->active_preset, b->active_preset) == 0;
}

int state_presets_find(const struct state_presets *p, const char *name)
{
	for (uint32_t i = 0; i < p->n; i++)
		if (strcmp(p->preset[i].name, name) == 0)
			return (int)i;
	return -1;
}

int state_presets_put(struct state_presets *p, const char *name, const struct eq_params *eq)
{
	int i = state_presets_find(p, name);
	uint32_t at = 0;

	if (state_preset_name_problem(name))
		return -EINVAL;
	if (i < 0) {
		if (p->n == STATE_MAX_PRESETS)
			return -ENOSPC;
		while (at < p->n && strcmp(p->preset[at].name, name) < 0)
			at++;
		memmove(&p->preset[at + 1], &p->preset[at], (p->n - at) * sizeof p->preset[0]);
		p->n++;
		i = (int)at;
		snprintf(p->preset[i].name, sizeof p->preset[i].name, "%s", name);
	}
	p->preset[i].eq = *eq;
	p->preset[i].eq.bypass = false;
	return 0;
}

int state_presets_remove(struct state_presets *p, const char *name)
{
	int i = state_presets_find(p, name);

	if (i < 0)
		return -ENOENT;
	memmove(&p->preset[i], &p->preset[i + 1], (p->n - (uint32_t)i - 1) * sizeof p->preset[0]);
	p->n--;
	memset(&p->preset[p->n], 0, sizeof p->preset[0]);
	return 0;
}

/* --------------------------------------------------------------- JSON */

/* Sets preamp_db, [bypass,] bands on obj; -1 when out of memory. */
static int eq_to_json(json_t *obj, const struct eq_params *p, bool with_bypass)
{
	json_t *bands = json_array();
	int bad = json_object_set_new(obj, "preamp_db", json_real(p->preamp_db));

	if (with_bypass)
		bad |= json_object_set_new(obj, "bypass", json_boolean(p->bypass));
	for (uint32_t i = 0; bands && i < p->n_bands; i++) {
		const struct eq_band *b = &p->band[i];
		const char *type = biquad_type_name(b->type);

		bad |= json_array_append_new(bands, json_pack("{s:s, s:f, s:f, s:f, s:b}", "type",
							      type ? type : "?", "freq_hz", b->freq,
							      "q", b->q, "gain_db", b->gain_db,
							      "enabled", (int)b->enabled));
	}
	bad |= json_object_set_new(obj, "bands", bands);
	return bad ? -1 : 0;
}

/* bands (a JSON array) into p->band[] and p->n_bands. */
static int bands_from_json(json_t *bands, struct eq_params *p, char *why, size_t why_len)
{
	json_error_t je;
	json_t *b;
	size_t i;

	if (!json_is_array(bands))
		return say(why, why_len, "eq: bands is not an array");
	if (json_array_size(bands) < 1 || json_array_size(bands) > EQ_MAX_BANDS)
		return say(why, why_len, "eq: %zu bands; 1 .. %d allowed", json_array_size(bands),
			   EQ_MAX_BANDS);
	json_array_foreach(bands, i, b) {
		struct eq_band *eb = &p->band[i];
		const char *type;
		int enabled;

		if (json_unpack_ex(b, &je, JSON_STRICT, "{s:s, s:F, s:F, s:F, s:b}", "type", &type,
				   "freq_hz", &eb->freq, "q", &eb->q, "gain_db", &eb->gain_db,
				   "enabled", &enabled) < 0)
			return say(why, why_len, "eq: band %zu: %s", i, je.text);
		if (biquad_type_parse(type, &eb->type) < 0)
			return say(why, why_len, "eq: band %zu: type '%.20s' unknown", i, type);
		eb->enabled = enabled != 0;
	}
	p->n_bands = (uint32_t)json_array_size(bands);
	return 0;
}

/* The ranges of libdsp/eq.h, frequencies at the highest rate radiod runs
 * at (the rate of the next connection is not known yet). */
static int eq_check(const struct eq_params *p, char *why, size_t why_len)
{
	const char *msg = NULL;

	if (eq_params_validate(p, EQ_RATE_MAX_HZ, &msg) < 0)
		return say(why, why_len, "%s", msg ? msg : "eq: out of range");
	return 0;
}

static json_t *settings_to_json(const void *v)
{
	const struct state_settings *s = v;
	json_t *eq = json_object();

	if (!eq || eq_to_json(eq, &s->eq, true) < 0) {
		json_decref(eq);
		return NULL;
	}
	return json_pack("{s:o, s:f, s:b, s:s}", "eq", eq, "volume_db", s->volume_db, "muted",
			 (int)s->muted, "active_preset", s->active_preset);
}

static int settings_from_json(json_t *root, void *v, char *why, size_t why_len)
{
	struct state_settings *s = v;
	json_error_t je;
	json_t *bands;
	const char *active;
	int bypass, muted, r;

	if (json_unpack_ex(root, &je, JSON_STRICT, "{s:{s:F, s:b, s:o}, s:F, s:b, s:s}", "eq",
			   "preamp_db", &s->eq.preamp_db, "bypass", &bypass, "bands", &bands,
			   "volume_db", &s->volume_db, "muted", &muted, "active_preset",
			   &active) < 0)
		return say(why, why_len, "%s", je.text);
	s->eq.bypass = bypass != 0;
	s->muted = muted != 0;
	r = bands_from_json(bands, &s->eq, why, why_len);
	if (r == 0)
		r = eq_check(&s->eq, why, why_len);
	if (r < 0)
		return r;
	if (!(s->volume_db >= STATE_VOLUME_MIN_DB && s->volume_db <= STATE_VOLUME_MAX_DB))
		return say(why, why_len, "volume_db %g out of range %g .. +%g", s->volume_db,
			   STATE_VOLUME_MIN_DB, STATE_VOLUME_MAX_DB);
	if (active[0] && state_preset_name_problem(active))
		return say(why, why_len, "active_preset: the name %s",
			   state_preset_name_problem(active));
	snprintf(s->active_preset, sizeof s->active_preset, "%s", active);
	return 0;
}

static bool settings_equal(const void *a, const void *b)
{
	return state_settings_equal(a, b);
}

static json_t *presets_to_json(const void *v)
{
	const struct state_presets *p = v;
	json_t *list = json_array();
	int bad = list ? 0 : -1;

	for (uint32_t i = 0; list && i < p->n; i++) {
		json_t *o = json_pack("{s:s}", "name", p->preset[i].name);

		bad |= o ? eq_to_json(o, &p->preset[i].eq, false) : -1;
		bad |= json_array_append_new(list, o);
	}
	if (bad) {
		json_decref(list);
		return NULL;
	}
	return json_pack("{s:o}", "presets", list);
}

static int cmp_preset(const void *a, const void *b)
{
	return strcmp(((const struct state_preset *)a)->name, ((const struct state_preset *)b)->name);
}

static int presets_from_json(json_t *root, void *v, char *why, size_t why_len)
{
	struct state_presets *p = v;
	json_error_t je;
	json_t *list, *o;
	size_t i;

	if (json_unpack_ex(root, &je, JSON_STRICT, "{s:o}", "presets", &list) < 0)
		return say(why, why_len, "%s", je.text);
	if (!json_is_array(list))
		return say(why, why_len, "presets is not an array");
	if (json_array_size(list) > STATE_MAX_PRESETS)
		return say(why, why_len, "%zu presets; at most %d", json_array_size(list),
			   STATE_MAX_PRESETS);
	json_array_foreach(list, i, o) {
		struct state_preset *sp = &p->preset[i];
		const char *name, *problem;
		json_t *bands;
		int r;

		if (json_unpack_ex(o, &je, JSON_STRICT, "{s:s, s:F, s:o}", "name", &name,
				   "preamp_db", &sp->eq.preamp_db, "bands", &bands) < 0)
			return say(why, why_len, "preset %zu: %s", i, je.text);
		/* The name itself is not echoed: it may hold anything. */
		problem = state_preset_name_problem(name);
		if (problem)
			return say(why, why_len, "preset %zu: the name %s", i, problem);
		snprintf(sp->name, sizeof sp->name, "%s", name);
		r = bands_from_json(bands, &sp->eq, why, why_len);
		if (r == 0)
			r = eq_check(&sp->eq, why, why_len);
		if (r < 0) {
			char inner[WHY_MAX];

			snprintf(inner, sizeof inner, "%s", why);
			return say(why, why_len, "preset '%s': %s", sp->name, inner);
		}
	}
	p->n = (uint32_t)json_array_size(list);
	qsort(p->preset, p->n, sizeof p->preset[0], cmp_preset);
	for (i = 1; i < p->n; i++)
		if (strcmp(p->preset[i - 1].name, p->preset[i].name) == 0)
			return say(why, why_len, "two presets are called '%s'", p->preset[i].name);
	return 0;
}

static bool presets_equal(const void *a, const void *b)
{
	const struct state_presets *x = a, *y = b;

	if (x->n != y->n)
		return false;
	for (uint32_t i = 0; i < x->n; i++)
		if (strcmp(x->preset[i].name, y->preset[i].name) != 0 ||
		    !state_eq_same_preset(&x->preset[i].eq, &y->preset[i].eq))
			return false;
	return true;
}

static const struct codec settings_codec = {
	STATE_SETTINGS_FILE, SETTINGS_KIND, sizeof(struct state_settings),
	settings_to_json, settings_from_json, settings_equal,
};

static const struct codec presets_codec = {
	STATE_PRESETS_FILE, PRESETS_KIND, sizeof(struct state_presets),
	presets_to_json, presets_from_json, presets_equal,
};

/* Decodes a payload into v (zeroed first). */
static int decode(const struct codec *c, const char *payload, size_t len, void *v, char *why,
		  size_t why_len)
{
	json_error_t je;
	json_t *root;
	int r;

	memset(v, 0, c->size);
	root = json_loadb(payload, len, JSON_REJECT_DUPLICATES, &je);
	if (!root)
		/* Line numbers of the file: the header is line 1. */
		return say(why, why_len, "JSON error at line %d: %s", je.line + 1, je.text);
	r = c->from_json(root, v, why, why_len);
	json_decref(root);
	return r;
}

/*
 * v as a payload (malloc'ed, newline-terminated), read back by decode()
 * and compared: 15 digits when they give the same values, else 17.
 */
static int encode(const struct codec *c, const void *v, char **out, size_t *out_len, char *err,
		  size_t err_len)
{
	json_t *root = c->to_json(v);
	void *back = malloc(c->size);
	char why[WHY_MAX];
	int r = -ENOMEM;

	*out = NULL;
	if (!root || !back) {
		say(err, err_len, "cannot save %s: out of memory", c->file);
		goto done;
	}
	for (int prec = PRECISION_SHORT; prec <= PRECISION_EXACT; prec += 2) {
		char *text = json_dumps(root, JSON_INDENT(2) | JSON_REAL_PRECISION(prec));
		size_t len = text ? strlen(text) : 0;
		char *payload = text ? realloc(text, len + 2) : NULL;

		if (!payload) {
			free(text);
			say(err, err_len, "cannot save %s: out of memory", c->file);
			r = -ENOMEM;
			goto done;
		}
		payload[len++] = '\n';
		payload[len] = '\0';
		r = decode(c, payload, len, back, why, sizeof why);
		if (r < 0) {
			free(payload);
			say(err, err_len, "refusing to save %s: %s", c->file, why);
			goto done;
		}
		if (c->equal(back, v) || prec == PRECISION_EXACT) {
			*out = payload;
			*out_len = len;
			r = 0;
			goto done;
		}
		free(payload);
	}
done:
	free(back);
	json_decref(root);
	return r;
}

/* ------------------------------------------------------------- header */

/* Decimal or hex digits at *p (before end), at most max_digits, no sign. */
static bool take_number(const char **p, const char *end, int base, int max_digits,
			unsigned long long *v)
{
	const char *s = *p;
	int n = 0;

	*v = 0;
	for (; s < end && n < max_digits; s++, n++) {
		int d;

		if (*s >= '0' && *s <= '9')
			d = *s - '0';
		else if (base == 16 && *s >= 'a' && *s <= 'f')
			d = *s - 'a' + 10;
		else
			break;
		*v = *v * (unsigned)base + (unsigned)d;
	}
	*p = s;
	return n > 0;
}

static bool take_word(const char **p, const char *end, const char *word)
{
	size_t n = strlen(word);

	if ((size_t)(end - *p) < n || memcmp(*p, word, n) != 0)
		return false;
	*p += n;
	return true;
}

/* Checks the header, size and checksum; the payload's place on success. */
static int unwrap(const char *kind, const char *buf, size_t len, const char **payload,
		  size_t *payload_len, char *why, size_t why_len)
{
	const char *nl = memchr(buf, '\n', len < HEADER_MAX ? len : HEADER_MAX);
	const char *p = buf, *body;
	unsigned long long version, crc, size;
	size_t have;
	uint32_t sum;

	if (len == 0)
		return say(why, why_len, "the file is empty");
	if (!nl)
		return say(why, why_len, "no header line: not a %s file", kind);
	if (!take_word(&p, nl, kind) || !take_word(&p, nl, " "))
		return say(why, why_len, "the header does not start with '%s': not a %s file", kind,
			   kind);
	if (!take_number(&p, nl, 10, 9, &version))
		return say(why, why_len, "the header has no format version");
	if (version != STATE_FORMAT_VERSION)
		return say(why, why_len, "format version %llu; this radiod reads version %d",
			   version, STATE_FORMAT_VERSION);
	if (!take_word(&p, nl, " crc32=") || !take_number(&p, nl, 16, 8, &crc) ||
	    !take_word(&p, nl, " size=") || !take_number(&p, nl, 10, 9, &size) || p != nl)
		return say(why, why_len, "the header is damaged: expected '%s %d crc32=HEX "
			   "size=BYTES'", kind, STATE_FORMAT_VERSION);
	body = nl + 1;
	have = len - (size_t)(body - buf);
	if (have < size)
		return say(why, why_len, "truncated: %zu of %llu payload bytes", have, size);
	if (have > size)
		return say(why, why_len, "%llu bytes beyond the %llu the header announces",
			   (unsigned long long)have - size, size);
	sum = state_crc32(body, have);
	if (sum != crc)
		return say(why, why_len, "checksum mismatch: the header says %08llx, the payload "
			   "has %08x", crc, (unsigned)sum);
	*payload = body;
	*payload_len = have;
	return 0;
}

/* --------------------------------------------------------------- files */

static int read_file(struct state_dir *d, const char *name, char **buf, size_t *len, char *why,
		     size_t why_len)
{
	struct stat st;
	size_t got = 0;
	int fd = openat(d->fd, name, O_RDONLY | O_CLOEXEC), r;

	*buf = NULL;
	if (fd < 0) {
		r = -errno;
		say(why, why_len, "cannot open it: %s", strerror(-r));
		return r;
	}
	if (fstat(fd, &st) < 0) {
		r = -errno;
		say(why, why_len, "cannot stat it: %s", strerror(-r));
		goto out;
	}
	if (!S_ISREG(st.st_mode)) {
		r = say(why, why_len, "not a regular file");
		goto out;
	}
	if (st.st_size > STATE_FILE_MAX_BYTES) {
		r = say(why, why_len, "%lld bytes: larger than the %d a state file may have",
			(long long)st.st_size, STATE_FILE_MAX_BYTES);
		goto out;
	}
	*buf = malloc((size_t)st.st_size + 1);
	if (!*buf) {
		r = -ENOMEM;
		say(why, why_len, "out of memory");
		goto out;
	}
	while (got < (size_t)st.st_size) {
		ssize_t n = read(fd, *buf + got, (size_t)st.st_size - got);

		if (n < 0 && errno == EINTR)
			continue;
		if (n < 0) {
			r = -errno;
			say(why, why_len, "read error: %s", strerror(-r));
			goto out;
		}
		if (n == 0)
			break;
		got += (size_t)n;
	}
	*len = got;
	r = 0;
out:
	if (r < 0) {
		free(*buf);
		*buf = NULL;
	}
	close(fd);
	return r;
}

/* Renames an unusable file to NAME.corrupt-T and says so. */
static void set_aside(struct state_dir *d, const char *name, const char *why)
{
	long long now = (long long)time(NULL);
	struct stat st;
	char to[NAME_BUF];

	snprintf(to, sizeof to, "%s.corrupt-%lld", name, now);
	/* A second damaged NAME within the same second (a restart loop) gets
	 * a numbered suffix: no set-aside file is ever overwritten. */
	for (int k = 1; k < 100 && fstatat(d->fd, to, &st, AT_SYMLINK_NOFOLLOW) == 0; k++)
		snprintf(to, sizeof to, "%s.corrupt-%lld.%d", name, now, k);
	if (renameat(d->fd, name, d->fd, to) == 0) {
		fsync(d->fd);
		log_warning(d->log, "state file %s/%s is unusable (%s): moved it to %s/%s", d->path,
			    name, why, d->path, to);
	} else {
		log_warning(d->log, "state file %s/%s is unusable (%s) and cannot be moved aside "
			    "(%s): leaving it; the next save replaces it", d->path, name, why,
			    strerror(errno));
	}
}


int state_read_file(struct state_dir *d, const char *name, const char *kind, char **payload,
		    size_t *len)
{
	char why[WHY_MAX], *buf;
	const char *body = NULL;
	size_t n = 0, blen = 0;
	int r = read_file(d, name, &buf, &n, why, sizeof why);

	*payload = NULL;
	*len = 0;
	if (r == -ENOENT)
		return -ENOENT;
	if (r == 0)
		r = unwrap(kind, buf, n, &body, &blen, why, sizeof why);
	if (r < 0) {
		free(buf);
		set_aside(d, name, why);
		return -EBADMSG;
	}
	/* The payload moves to the start of the buffer, which has a byte to
	 * spare (read_file), and gets its terminator. */
	memmove(buf, body, blen);
	buf[blen] = '\0';
	*payload = buf;
	*len = blen;
	return 0;
}

void state_set_aside(struct state_dir *d, const char *name, const char *why)
{
	set_aside(d, name, why);
}

/* 0 with v filled, -ENOENT when there is no such file, -EBADMSG when it
 * was unusable (then set aside). */
static int try_file(struct state_dir *d, const struct codec *c, const char *name, void *v)
{
	char why[WHY_MAX], *payload;
	size_t plen;
	int r = state_read_file(d, name, c->kind, &payload, &plen);

	if (r < 0)
		return r;
	r = decode(c, payload, plen, v, why, sizeof why);
	free(payload);
	if (r == 0)
		return 0;
	set_aside(d, name, why);
	return -EBADMSG;
}

static enum state_source load(struct state_dir *d, const struct codec *c, void *out)
{
	char bak[NAME_BUF];
	void *v = malloc(c->size);
	enum state_source src = STATE_DEFAULTS;
	int r, rb;

	if (!v) {
		log_warning(d->log, "state: out of memory loading %s: starting with defaults",
			    c->file);
		return STATE_DEFAULTS;
	}
	snprintf(bak, sizeof bak, "%s.bak", c->file);
	r = try_file(d, c, c->file, v);
	if (r == 0) {
		src = STATE_FROM_FILE;
	} else {
		rb = try_file(d, c, bak, v);
		if (rb == 0) {
			src = STATE_FROM_BACKUP;
			log_warning(d->log, "state: using %s/%s, the save before the last one", d->path,
				    bak);
		} else if (r == -ENOENT && rb == -ENOENT) {
			log_info(d->log, "state: no %s in %s yet: using defaults", c->file, d->path);
		} else {
			log_warning(d->log, "state: no usable %s in %s: using defaults", c->file,
				    d->path);
		}
	}
	if (src != STATE_DEFAULTS)
		memcpy(out, v, c->size);
	free(v);
	return src;
}

enum state_source state_load_settings(struct state_dir *d, struct state_settings *out)
{
	return load(d, &settings_codec, out);
}

enum state_source state_load_presets(struct state_dir *d, struct state_presets *out)
{
	return load(d, &presets_codec, out);
}

static int write_all(int fd, const char *p, size_t len)
{
	while (len) {
		ssize_t n = write(fd, p, len);

		if (n < 0 && errno == EINTR)
			continue;
		if (n <= 0) {
			if (n == 0)
				errno = EIO;
			return -1;
		}
		p += n;
		len -= (size_t)n;
	}
	return 0;
}

/*
 * The file about to be replaced becomes NAME.bak.  Best effort: without it
 * a damaged NAME falls back to defaults instead of the save before.
 */
static void keep_backup(struct state_dir *d, const char *name, const char *bak)
{
	if (d->no_links)
		return;
	if (unlinkat(d->fd, bak, 0) < 0 && errno != ENOENT)
		return;
	if (linkat(d->fd, name, d->fd, bak, 0) == 0 || errno == ENOENT)
		return;
	if (errno == EPERM || errno == EOPNOTSUPP || errno == EMLINK) {
		d->no_links = true;
		log_info(d->log, "state: %s has no hard links (%s): no backup files are kept",
			 d->path, strerror(errno));
	}
}

int state_write_file(struct state_dir *d, const char *name, const char *kind,
		     const char *payload, size_t len, char *err, size_t err_len)
{
	char tmp[NAME_BUF], bak[NAME_BUF], header[HEADER_MAX];
	const char *step = "create the temp file";
	int fd, n, r;

	if (snprintf(tmp, sizeof tmp, "%s.tmp", name) >= (int)sizeof tmp ||
	    snprintf(bak, sizeof bak, "%s.bak", name) >= (int)sizeof bak)
		return say(err, err_len, "cannot save %s: name too long", name);
	n = snprintf(header, sizeof header, "%s %d crc32=%08x size=%zu\n", kind,
		     STATE_FORMAT_VERSION, (unsigned)state_crc32(payload, len), len);
	if (n < 0 || n >= (int)sizeof header)
		return say(err, err_len, "cannot save %s: kind too long", name);
	fd = openat(d->fd, tmp, O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC | O_NOFOLLOW, FILE_MODE);
	if (fd < 0)
		goto fail;
	step = "write";
	if (write_all(fd, header, (size_t)n) < 0 || write_all(fd, payload, len) < 0)
		goto fail;
	step = "fsync";
	if (fsync(fd) < 0)
		goto fail;
	step = "close";
	r = close(fd);
	fd = -1;
	if (r < 0)
		goto fail;
	keep_backup(d, name, bak);
	step = "rename";
	if (renameat(d->fd, tmp, d->fd, name) < 0)
		goto fail;
	/* The new file is in place; this makes the rename itself durable.
	 * Failing here leaves no temp file, but the save may not survive a
	 * power cut, so the caller hears of it and saves again later. */
	if (fsync(d->fd) < 0) {
		r = -errno;
		say(err, err_len, "cannot save %s/%s: fsync of the directory: %s", d->path, name,
		    strerror(-r));
		return r;
	}
	return 0;

fail:
	r = errno ? -errno : -EIO;
	if (fd >= 0)
		close(fd);
	unlinkat(d->fd, tmp, 0);
	say(err, err_len, "cannot save %s/%s: %s: %s", d->path, name, step, strerror(-r));
	return r;
}

static int save(struct state_dir *d, const struct codec *c, const void *v, char *err,
		size_t err_len)
{
	char *payload;
	size_t len;
	int r = encode(c, v, &payload, &len, err, err_len);

	if (r < 0)
		return r;
	r = state_write_file(d, c->file, c->kind, payload, len, err, err_len);
	free(payload);
	return r;
}

int state_save_settings(struct state_dir *d, const struct state_settings *s, char *err,
			size_t err_len)
{
	return save(d, &settings_codec, s, err, err_len);
}

int state_save_presets(struct state_dir *d, const struct state_presets *p, char *err,
		       size_t err_len)
{
	return save(d, &presets_codec, p, err, err_len);
}

/* ----------------------------------------------------------- directory */

/* A temp file at open time is a save that was cut short: the file it was
 * to replace is still the last complete save. */
static void remove_leftover(struct state_dir *d, const char *file)
{
	char tmp[NAME_BUF];

	snprintf(tmp, sizeof tmp, "%s.tmp", file);
	if (unlinkat(d->fd, tmp, 0) == 0)
		log_info(d->log, "state: removed %s/%s, left by a save that was cut short (%s is "
			 "the last complete save)", d->path, tmp, file);
}

int state_dir_open(struct state_dir **out, const char *path, const struct log *lg, char *err,
		   size_t err_len)
{
	struct state_dir *d;
	int r;

	*out = NULL;
	if (strlen(path) >= PATH_MAX) {
		say(err, err_len, "state directory %.64s...: path too long", path);
		return -ENAMETOOLONG;
	}
	d = calloc(1, sizeof *d);
	if (!d) {
		say(err, err_len, "state: out of memory");
		return -ENOMEM;
	}
	d->log = lg;
	snprintf(d->path, sizeof d->path, "%s", path);
	d->fd = open(path, O_RDONLY | O_DIRECTORY | O_CLOEXEC);
	if (d->fd < 0) {
		r = -errno;
		say(err, err_len, "cannot open state directory %s: %s", path, strerror(-r));
		free(d);
		return r;
	}
	if (flock(d->fd, LOCK_EX | LOCK_NB) < 0) {
		r = errno == EWOULDBLOCK ? -EBUSY : -errno;
		if (r == -EBUSY)
			say(err, err_len, "state directory %s is in use by another radiod", path);
		else
			say(err, err_len, "cannot lock state directory %s: %s", path, strerror(-r));
		close(d->fd);
		free(d);
		return r;
	}
	remove_leftover(d, STATE_SETTINGS_FILE);
	remove_leftover(d, STATE_PRESETS_FILE);
	*out = d;
	return 0;
}

void state_dir_close(struct state_dir *d)
{
	if (!d)
		return;
	close(d->fd);
	free(d);
}

const char *state_dir_path(const struct state_dir *d)
{
	return d->path;
}
