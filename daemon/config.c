#include "daemon/config.h"

#include <arpa/inet.h>
#include <ctype.h>
#include <errno.h>
#include <grp.h>
#include <ini.h>
#include <limits.h>
#include <math.h>
#include <stdarg.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

/* inih reads a line into INI_MAX_LINE bytes: newline and terminator included. */
#define MAX_LINE_CHARS (INI_MAX_LINE - 2)
/* getgrnam_r's buffer grows up to this for groups with many members. */
#define GROUP_BUF_MAX (1024 * 1024)

enum key_type {
	K_STRING,	/* may be empty */
	K_NAME,		/* not empty */
	K_SOCKET,	/* empty or an absolute path */
	K_UINT,
	K_MODE,		/* octal */
	K_DOUBLE,
	K_BOOL,
	K_PORTS,
	K_GROUP,
	K_LISTEN,	/* ADDRESS[:PORT] */
};

/* One key: where it lives in struct config, its range, when it applies. */
struct key {
	const char *section;
	const char *name;
	enum key_type type;
	enum config_when when;
	size_t off, size;	/* the field */
	size_t count_off;	/* K_PORTS: the port count */
	double min, max;	/* K_UINT, K_MODE, K_DOUBLE */
};

#define FIELD(f) offsetof(struct config, f), sizeof(((struct config *)0)->f)

/* The order of config.h's list.  A key marked CONFIG_AT_RELOAD must be
 * applied by daemon/reload.c. */
static const struct key keys[] = {
	{"jack", "server", K_STRING, CONFIG_AT_RESTART, FIELD(server), 0, 0, 0},
	{"jack", "client_name", K_NAME, CONFIG_AT_RESTART, FIELD(client_name), 0, 0, 0},
	{"jack", "channels", K_UINT, CONFIG_AT_RESTART, FIELD(channels), 0, 1,
	 CONFIG_MAX_CHANNELS},
	{"jack", "autoconnect", K_BOOL, CONFIG_AT_RESTART, FIELD(autoconnect), 0, 0, 0},
	{"jack", "connect_in", K_PORTS, CONFIG_AT_RESTART, FIELD(connect_in),
	 offsetof(struct config, n_connect_in), 0, 0},
	{"jack", "connect_out", K_PORTS, CONFIG_AT_RESTART, FIELD(connect_out),
	 offsetof(struct config, n_connect_out), 0, 0},
	{"control", "socket", K_SOCKET, CONFIG_AT_RESTART, FIELD(socket), 0, 0, 0},
	{"control", "socket_mode", K_MODE, CONFIG_AT_RESTART, FIELD(socket_mode), 0, 0, 0777},
	{"control", "socket_group", K_GROUP, CONFIG_AT_RESTART, FIELD(socket_group), 0, 0, 0},
	{"control", "group", K_GROUP, CONFIG_AT_RELOAD, FIELD(group), 0, 0, 0},
	{"control", "max_clients", K_UINT, CONFIG_AT_RELOAD, FIELD(max_clients), 0, 1, 1024},
	{"control", "idle_timeout_s", K_UINT, CONFIG_AT_RELOAD, FIELD(idle_timeout_s), 0, 0,
	 86400},
	{"control", "client_buffer_kib", K_UINT, CONFIG_AT_RELOAD, FIELD(client_buffer_kib), 0,
	 64, 65536},
	{"audio", "eq_bands", K_UINT, CONFIG_AT_RESTART, FIELD(eq_bands), 0, 1, 16},
	{"audio", "ramp_ms", K_DOUBLE, CONFIG_AT_RELOAD, FIELD(ramp_ms), 0, 0, 10000},
	{"audio", "volume_db", K_DOUBLE, CONFIG_AT_RESTART, FIELD(volume_db), 0, -120, 12},
	{"metrics", "enabled", K_BOOL, CONFIG_AT_RESTART, FIELD(metrics_enabled), 0, 0, 0},
	{"metrics", "listen", K_LISTEN, CONFIG_AT_RESTART, FIELD(metrics_listen), 0, 0, 0},
};

#define N_KEYS (sizeof keys / sizeof keys[0])

struct parse {
	struct config cfg;
	FILE *f;
	unsigned line;		/* the line inih is looking at */
	unsigned err_line;	/* 0 = no error yet */
	char reason[256];
	unsigned seen[N_KEYS];	/* the line that set each key; 0 = not set */
};

void config_defaults(struct config *cfg)
{
	memset(cfg, 0, sizeof *cfg);
	strcpy(cfg->client_name, "radiod");
	cfg->channels = 2;
	cfg->socket_mode = CONFIG_DEFAULT_SOCKET_MODE;
	cfg->socket_group.gid = (gid_t)-1;
	cfg->group.gid = (gid_t)-1;
	cfg->max_clients = 32;
	cfg->idle_timeout_s = 300;
	cfg->client_buffer_kib = 1024;
	cfg->eq_bands = 8;
	cfg->ramp_ms = 50.0;
	cfg->volume_db = 0.0;
	strcpy(cfg->metrics_listen.text, "127.0.0.1:9469");
	strcpy(cfg->metrics_listen.host, "127.0.0.1");
	cfg->metrics_listen.port = CONFIG_DEFAULT_METRICS_PORT;
}

static void *field(struct config *cfg, const struct key *k)
{
	return (char *)cfg + k->off;
}

static const void *cfield(const struct config *cfg, const struct key *k)
{
	return (const char *)cfg + k->off;
}

static uint32_t *port_count(struct config *cfg, const struct key *k)
{
	return (uint32_t *)(void *)((char *)cfg + k->count_off);
}

static const uint32_t *cport_count(const struct config *cfg, const struct key *k)
{
	return (const uint32_t *)(const void *)((const char *)cfg + k->count_off);
}

/* Records the first error; returns inih's "error on this line". */
static __attribute__((format(printf, 2, 3))) int fail(struct parse *ps, const char *fmt, ...)
{
	va_list ap;

	if (ps->err_line == 0) {
		ps->err_line = ps->line ? ps->line : 1;
		va_start(ap, fmt);
		vsnprintf(ps->reason, sizeof ps->reason, fmt, ap);
		va_end(ap);
	}
	return 0;
}

/* ------------------------------------------------------------- values */

static int parse_uint(struct parse *ps, const struct key *k, const char *v, uint32_t *out)
{
	uint32_t lo = (uint32_t)k->min, hi = (uint32_t)k->max;
	char *end;
	unsigned long long n;

	errno = 0;
	/* strtoull takes "-1" and " 1"; a count is digits only. */
	if (!isdigit((unsigned char)v[0]))
		return fail(ps, "%s: '%s' is not a number in %u..%u", k->name, v, lo, hi);
	n = strtoull(v, &end, 10);
	if (*end != '\0' || errno == ERANGE || n < lo || n > hi)
		return fail(ps, "%s: '%s' is not a number in %u..%u", k->name, v, lo, hi);
	*out = (uint32_t)n;
	return 1;
}

static int parse_mode(struct parse *ps, const struct key *k, const char *v, uint32_t *out)
{
	size_t n = strspn(v, "01234567");
	unsigned long m;

	if (n == 0 || n > 4 || v[n] != '\0' || (m = strtoul(v, NULL, 8)) > (unsigned long)k->max)
		return fail(ps, "%s: '%s' is not an octal mode in 0000..%04o", k->name, v,
			    (unsigned)k->max);
	*out = (uint32_t)m;
	return 1;
}

static int parse_double(struct parse *ps, const struct key *k, const char *v, double *out)
{
	char *end;
	double d;

	errno = 0;
	d = strtod(v, &end);
	if (v[0] == '\0' || isspace((unsigned char)v[0]) || *end != '\0' || errno == ERANGE ||
	    !isfinite(d) || d < k->min || d > k->max)
		return fail(ps, "%s: '%s' is not a number in %g..%g", k->name, v, k->min, k->max);
	*out = d;
	return 1;
}

static int parse_bool(struct parse *ps, const struct key *k, const char *v, bool *out)
{
	static const char *const yes[] = {"yes", "true", "on", "1"};
	static const char *const no[] = {"no", "false", "off", "0"};

	for (size_t i = 0; i < sizeof yes / sizeof yes[0]; i++) {
		if (strcasecmp(v, yes[i]) == 0) {
			*out = true;
			return 1;
		}
		if (strcasecmp(v, no[i]) == 0) {
			*out = false;
			return 1;
		}
	}
	return fail(ps, "%s: '%s' is not yes/no, true/false, on/off or 1/0", k->name, v);
}

static int parse_string(struct parse *ps, const struct key *k, const char *v, char *out)
{
	size_t n = strlen(v);

	if (k->type == K_NAME && n == 0)
		return fail(ps, "%s: empty", k->name);
	if (k->type == K_SOCKET && n > 0 && v[0] != '/')
		return fail(ps, "%s: '%s' is not an absolute path", k->name, v);
	if (n >= k->size)
		return fail(ps, "%s: longer than %zu characters", k->name, k->size - 1);
	memcpy(out, v, n + 1);
	return 1;
}

static int parse_ports(struct parse *ps, const struct key *k, const char *v,
		       char out[][CONFIG_PORT_NAME_MAX], uint32_t *n_out)
{
	uint32_t n = 0;
	const char *p = v;

	while (*p) {
		size_t len;

		p += strspn(p, " \t,");
		if (!*p)
			break;
		len = strcspn(p, " \t,");
		if (n == CONFIG_MAX_CHANNELS)
			return fail(ps, "%s: more than %d ports", k->name, CONFIG_MAX_CHANNELS);
		if (len >= CONFIG_PORT_NAME_MAX)
			return fail(ps, "%s: port name longer than %d characters", k->name,
				    CONFIG_PORT_NAME_MAX - 1);
		memcpy(out[n], p, len);
		out[n][len] = '\0';
		n++;
		p += len;
	}
	for (uint32_t i = n; i < CONFIG_MAX_CHANNELS; i++)
		out[i][0] = '\0';
	*n_out = n;
	return 1;
}

/* A name from the group database, or a number taken as a gid as it is. */
static int parse_group(struct parse *ps, const struct key *k, const char *v,
		       struct config_group *out)
{
	size_t n = strlen(v), len = 16384;
	struct group gr, *res = NULL;
	char *buf = NULL;
	int r;

	if (n == 0) {
		out->name[0] = '\0';
		out->gid = (gid_t)-1;
		return 1;
	}
	if (n >= sizeof out->name)
		return fail(ps, "%s: longer than %zu characters", k->name, sizeof out->name - 1);
	if (strspn(v, "0123456789") == n) {
		char *end;
		unsigned long long g;

		errno = 0;
		g = strtoull(v, &end, 10);
		/* (gid_t)-1 means "no change" to chown and "none" here. */
		if (errno == ERANGE || g >= (gid_t)-1)
			return fail(ps, "%s: gid %s out of range 0..%u", k->name, v,
				    (unsigned)((gid_t)-1 - 1));
		memcpy(out->name, v, n + 1);
		out->gid = (gid_t)g;
		return 1;
	}
	do {
		char *bigger = len <= GROUP_BUF_MAX ? realloc(buf, len) : NULL;

		if (!bigger) {
			free(buf);
			return fail(ps, "%s: cannot look up group '%s': out of memory", k->name, v);
		}
		buf = bigger;
		r = getgrnam_r(v, &gr, buf, len, &res);
		len *= 2;
	} while (r == ERANGE);
	if (res) {
		memcpy(out->name, v, n + 1);
		out->gid = res->gr_gid;
	}
	free(buf);
	if (res)
		return 1;
	/* getgrnam_r(3): these mean "no such group" in some implementations. */
	if (r == 0 || r == ENOENT || r == ESRCH || r == EBADF || r == EPERM)
		return fail(ps, "%s: no group named '%s'", k->name, v);
	return fail(ps, "%s: cannot look up group '%s': %s", k->name, v, strerror(r));
}

/* ADDRESS[:PORT], the address numeric so that reading the file never
 * waits for a name service. */
static int parse_listen(struct parse *ps, const struct key *k, const char *v,
			struct config_listen *out)
{
	static const char want[] = "want ADDRESS[:PORT], e.g. 127.0.0.1:9469 or [::1]:9469";
	size_t n = strlen(v), host_len;
	const char *host = v, *port = NULL;
	unsigned char addr[sizeof(struct in6_addr)];
	char h[CONFIG_LISTEN_MAX];
	unsigned long p = CONFIG_DEFAULT_METRICS_PORT;

	if (n == 0)
		return fail(ps, "%s: empty (%s)", k->name, want);
	if (n >= sizeof out->text)
		return fail(ps, "%s: longer than %zu characters", k->name, sizeof out->text - 1);
	if (v[0] == '[') {
		const char *close = strchr(v, ']');

		if (!close || (close[1] != '\0' && close[1] != ':'))
			return fail(ps, "%s: '%s': no ']' closing the IPv6 address (%s)", k->name, v,
				    want);
		host = v + 1;
		host_len = (size_t)(close - host);
		if (close[1] == ':')
			port = close + 2;
	} else {
		const char *colon = strchr(v, ':');

		if (colon && strchr(colon + 1, ':'))
			return fail(ps, "%s: '%s': an IPv6 address goes in brackets (%s)", k->name, v,
				    want);
		host_len = colon ? (size_t)(colon - v) : n;
		if (colon)
			port = colon + 1;
	}
	memcpy(h, host, host_len);
	h[host_len] = '\0';
	if (inet_pton(v[0] == '[' ? AF_INET6 : AF_INET, h, addr) != 1)
		return fail(ps, "%s: '%s' is not a numeric %s address (%s)", k->name, h,
			    v[0] == '[' ? "IPv6" : "IPv4", want);
	if (port) {
		char *end;

		errno = 0;
		p = isdigit((unsigned char)port[0]) ? strtoul(port, &end, 10) : ULONG_MAX;
		if (p == ULONG_MAX || *end != '\0' || errno || p > 65535)
			return fail(ps, "%s: port '%s' is not a number in 0..65535", k->name, port);
	}
	memcpy(out->text, v, n + 1);
	memcpy(out->host, h, host_len + 1);
	out->port = (uint16_t)p;
	return 1;
}

static int parse_value(struct parse *ps, const struct key *k, const char *v)
{
	struct config *c = &ps->cfg;

	switch (k->type) {
	case K_STRING:
	case K_NAME:
	case K_SOCKET:
		return parse_string(ps, k, v, field(c, k));
	case K_UINT:
		return parse_uint(ps, k, v, field(c, k));
	case K_MODE:
		return parse_mode(ps, k, v, field(c, k));
	case K_DOUBLE:
		return parse_double(ps, k, v, field(c, k));
	case K_BOOL:
		return parse_bool(ps, k, v, field(c, k));
	case K_PORTS:
		return parse_ports(ps, k, v, field(c, k), port_count(c, k));
	case K_GROUP:
		return parse_group(ps, k, v, field(c, k));
	case K_LISTEN:
		return parse_listen(ps, k, v, field(c, k));
	}
	return fail(ps, "%s: unknown type", k->name);
}

/* -------------------------------------------------------------- parsing */

static bool section_known(const char *name, size_t len)
{
	for (size_t i = 0; i < N_KEYS; i++)
		if (strlen(keys[i].section) == len && strncmp(keys[i].section, name, len) == 0)
			return true;
	return false;
}

static const struct key *find_key(const char *section, const char *name, size_t *index)
{
	for (size_t i = 0; i < N_KEYS; i++) {
		if (strcmp(keys[i].section, section) == 0 && strcmp(keys[i].name, name) == 0) {
			if (index)
				*index = i;
			return &keys[i];
		}
	}
	return NULL;
}

static int on_key(void *user, const char *section, const char *name, const char *v)
{
	struct parse *ps = user;
	const struct key *k;
	size_t i;

	if (!section[0])
		return fail(ps, "key '%s' outside any section", name);
	if (!section_known(section, strlen(section)))
		return fail(ps, "unknown section [%s]", section);
	k = find_key(section, name, &i);
	if (!k)
		return fail(ps, "unknown key '%s' in [%s]", name, section);
	if (ps->seen[i])
		return fail(ps, "duplicate key '%s' in [%s] (first set on line %u)", name, section,
			    ps->seen[i]);
	ps->seen[i] = ps->line;
	return parse_value(ps, k, v);
}

/*
 * inih reads through this, so the line inih is parsing is always known.
 * Leading whitespace goes here, which turns off inih's continuation lines
 * (an indented line would otherwise extend the previous key's value), and
 * section headers are checked here, where a section without keys is seen.
 */
static char *read_line(char *str, int num, void *stream)
{
	struct parse *ps = stream;
	char *s = fgets(str, num, ps->f);
	size_t n, lead;

	if (!s)
		return NULL;
	ps->line++;
	n = strlen(s);
	if (n > 0 && s[n - 1] != '\n' && !feof(ps->f)) {
		fail(ps, "line longer than %d characters", MAX_LINE_CHARS);
		return NULL;
	}
	if (ps->line == 1 && strncmp(s, "\xEF\xBB\xBF", 3) == 0)
		memmove(s, s + 3, (n -= 3) + 1);
	lead = strspn(s, " \t");
	memmove(s, s + lead, n - lead + 1);
	if (s[0] == '[') {
		size_t len = strcspn(s + 1, "]");

		if (s[1 + len] == ']' && !section_known(s + 1, len)) {
			fail(ps, "unknown section [%.*s]", (int)len, s + 1);
			return NULL;
		}
	}
	return s;
}

static int cross_check(struct parse *ps)
{
	struct config *c = &ps->cfg;
	size_t in, out;

	find_key("jack", "connect_in", &in);
	find_key("jack", "connect_out", &out);
	if (c->n_connect_in > c->channels) {
		ps->line = ps->seen[in];
		return fail(ps, "connect_in: %u ports for %u channels", c->n_connect_in,
			    c->channels);
	}
	if (c->n_connect_out > c->channels) {
		ps->line = ps->seen[out];
		return fail(ps, "connect_out: %u ports for %u channels", c->n_connect_out,
			    c->channels);
	}
	return 1;
}

int config_load_stream(struct config *cfg, FILE *f, const char *name, char *err,
		       size_t err_len)
{
	struct parse *ps = calloc(1, sizeof *ps);
	int line, ret = 0;

	if (!ps) {
		snprintf(err, err_len, "%s: out of memory", name);
		return -ENOMEM;
	}
	ps->cfg = *cfg;
	ps->f = f;
	line = ini_parse_stream(read_line, ps, on_key, ps);
	if (line > 0 && (ps->err_line == 0 || (unsigned)line < ps->err_line)) {
		/* inih's own complaint, before any of ours: no '=' or ':', or
		 * an unclosed '['. */
		snprintf(err, err_len, "%s:%d: syntax error (want 'key = value' or '[section]')",
			 name, line);
		ret = -EINVAL;
	} else if (ps->err_line) {
		snprintf(err, err_len, "%s:%u: %s", name, ps->err_line, ps->reason);
		ret = -EINVAL;
	} else if (line < 0) {
		snprintf(err, err_len, "%s: out of memory", name);
		ret = -ENOMEM;
	} else if (ferror(f)) {
		snprintf(err, err_len, "%s: read error", name);
		ret = -EIO;
	} else if (!cross_check(ps)) {
		snprintf(err, err_len, "%s:%u: %s", name, ps->err_line, ps->reason);
		ret = -EINVAL;
	}
	if (ret == 0)
		*cfg = ps->cfg;
	free(ps);
	return ret;
}

int config_load(struct config *cfg, const char *path, char *err, size_t err_len)
{
	FILE *f = fopen(path, "re");
	int ret;

	if (!f) {
		ret = -errno;
		snprintf(err, err_len, "%s: %s", path, strerror(errno));
		return ret;
	}
	ret = config_load_stream(cfg, f, path, err, err_len);
	fclose(f);
	return ret;
}

int config_set(struct config *cfg, const char *key, const char *value, char *err,
	       size_t err_len)
{
	const char *dot = strchr(key, '.');
	char section[16];
	struct parse *ps;
	const struct key *k = NULL;
	int ret = 0;

	if (dot && (size_t)(dot - key) < sizeof section) {
		memcpy(section, key, (size_t)(dot - key));
		section[dot - key] = '\0';
		k = find_key(section, dot + 1, NULL);
	}
	if (!k) {
		snprintf(err, err_len, "%s: no such key", key);
		return -EINVAL;
	}
	ps = calloc(1, sizeof *ps);
	if (!ps) {
		snprintf(err, err_len, "%s: out of memory", key);
		return -ENOMEM;
	}
	ps->cfg = *cfg;
	if (!parse_value(ps, k, value) || !cross_check(ps)) {
		snprintf(err, err_len, "%s", ps->reason);
		ret = -EINVAL;
	} else {
		*cfg = ps->cfg;
	}
	free(ps);
	return ret;
}

int config_read(struct config *cfg, const char *path, const struct config_override *ov,
		size_t n, char *err, size_t err_len)
{
	struct config *next = malloc(sizeof *next);
	char why[256];
	int r = 0;

	if (!next) {
		snprintf(err, err_len, "configuration: out of memory");
		return -ENOMEM;
	}
	config_defaults(next);
	if (path)
		r = config_load(next, path, err, err_len);
	for (size_t i = 0; r == 0 && i < n; i++) {
		r = config_set(next, ov[i].key, ov[i].value, why, sizeof why);
		if (r < 0)
			snprintf(err, err_len, "%s: %s", ov[i].option, why);
	}
	if (r == 0)
		*cfg = *next;
	free(next);
	return r;
}

/* ------------------------------------------------------------ comparing */

static bool key_equal(const struct config *a, const struct config *b, const struct key *k)
{
	const void *x = cfield(a, k), *y = cfield(b, k);

	switch (k->type) {
	case K_STRING:
	case K_NAME:
	case K_SOCKET:
		return strcmp(x, y) == 0;
	case K_UINT:
	case K_MODE:
		return *(const uint32_t *)x == *(const uint32_t *)y;
	case K_DOUBLE:
		return *(const double *)x == *(const double *)y;
	case K_BOOL:
		return *(const bool *)x == *(const bool *)y;
	case K_PORTS: {
		const char(*p)[CONFIG_PORT_NAME_MAX] = x, (*q)[CONFIG_PORT_NAME_MAX] = y;
		uint32_t n = *cport_count(a, k);

		if (n != *cport_count(b, k))
			return false;
		for (uint32_t i = 0; i < n; i++)
			if (strcmp(p[i], q[i]) != 0)
				return false;
		return true;
	}
	case K_GROUP: {
		const struct config_group *g = x, *h = y;

		return strcmp(g->name, h->name) == 0 && g->gid == h->gid;
	}
	case K_LISTEN:
		return strcmp(((const struct config_listen *)x)->text,
			      ((const struct config_listen *)y)->text) == 0;
	}
	return false;
}

/* Appends s to out (len > 0 bytes, *used of them taken) as far as it fits. */
static void append(char *out, size_t len, size_t *used, const char *s)
{
	size_t n = strlen(s);

	if (*used + 1 >= len)
		return;
	if (n > len - 1 - *used)
		n = len - 1 - *used;
	memcpy(out + *used, s, n);
	*used += n;
	out[*used] = '\0';
}

static void format_value(const struct config *c, const struct key *k, char *out, size_t len)
{
	const void *x = cfield(c, k);

	switch (k->type) {
	case K_STRING:
	case K_NAME:
	case K_SOCKET:
		snprintf(out, len, "'%s'", (const char *)x);
		return;
	case K_UINT:
		snprintf(out, len, "%u", *(const uint32_t *)x);
		return;
	case K_MODE:
		snprintf(out, len, "%04o", *(const uint32_t *)x);
		return;
	case K_DOUBLE:
		snprintf(out, len, "%g", *(const double *)x);
		return;
	case K_BOOL:
		snprintf(out, len, "%s", *(const bool *)x ? "yes" : "no");
		return;
	case K_PORTS: {
		const char(*p)[CONFIG_PORT_NAME_MAX] = x;
		size_t used = 0;

		out[0] = '\0';
		append(out, len, &used, "'");
		for (uint32_t i = 0; i < *cport_count(c, k); i++) {
			if (i)
				append(out, len, &used, " ");
			append(out, len, &used, p[i]);
		}
		append(out, len, &used, "'");
		return;
	}
	case K_GROUP:
		snprintf(out, len, "'%s'", ((const struct config_group *)x)->name);
		return;
	case K_LISTEN:
		snprintf(out, len, "'%s'", ((const struct config_listen *)x)->text);
		return;
	}
	snprintf(out, len, "?");
}

unsigned config_diff(const struct config *a, const struct config *b, enum config_when when,
		     bool values, char *out, size_t out_len)
{
	char item[3 * 512];
	size_t used = 0;
	bool full = false;
	unsigned n = 0;

	if (out_len)
		out[0] = '\0';
	for (size_t i = 0; i < N_KEYS; i++) {
		const struct key *k = &keys[i];
		size_t len;

		if (k->when != when || key_equal(a, b, k))
			continue;
		n++;
		if (full || !out_len)
			continue;
		len = (size_t)snprintf(item, sizeof item, "%s%s.%s", used ? ", " : "", k->section,
				       k->name);
		if (values) {
			char va[512], vb[512];

			format_value(a, k, va, sizeof va);
			format_value(b, k, vb, sizeof vb);
			len += (size_t)snprintf(item + len, sizeof item - len, " %s -> %s", va, vb);
		}
		/* Room for "..." after it. */
		if (len >= sizeof item || used + len + 4 > out_len) {
			full = true;
			if (used + 4 <= out_len)
				memcpy(out + used, "...", 4);
			continue;
		}
		memcpy(out + used, item, len + 1);
		used += len;
	}
	return n;
}

void config_take_reloadable(struct config *running, const struct config *next)
{
	for (size_t i = 0; i < N_KEYS; i++) {
		const struct key *k = &keys[i];

		if (k->when != CONFIG_AT_RELOAD)
			continue;
		memcpy(field(running, k), cfield(next, k), k->size);
		if (k->type == K_PORTS)
			*port_count(running, k) = *cport_count(next, k);
	}
}
