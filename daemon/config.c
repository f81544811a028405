#include "daemon/config.h"

#include <errno.h>
#include <ini.h>
#include <math.h>
#include <stdarg.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

/* inih reads a line into INI_MAX_LINE bytes: newline and terminator included. */
#define MAX_LINE_CHARS (INI_MAX_LINE - 2)

struct parse {
	struct config cfg;
	FILE *f;
	unsigned line;		/* the line inih is looking at */
	unsigned err_line;	/* 0 = no error yet */
	bool too_long;
	char reason[256];
	unsigned connect_in_line, connect_out_line, channels_line;
};

void config_defaults(struct config *cfg)
{
	memset(cfg, 0, sizeof *cfg);
	strcpy(cfg->client_name, "radiod");
	cfg->channels = 2;
	cfg->max_clients = 32;
	cfg->idle_timeout_s = 300;
	cfg->client_buffer_kib = 1024;
	cfg->eq_bands = 8;
	cfg->ramp_ms = 50.0;
	cfg->volume_db = 0.0;
}

static __attribute__((format(printf, 2, 3))) int fail(struct parse *ps, const char *fmt, ...)
{
	va_list ap;

	if (ps->err_line == 0) {
		ps->err_line = ps->line;
		va_start(ap, fmt);
		vsnprintf(ps->reason, sizeof ps->reason, fmt, ap);
		va_end(ap);
	}
	return 0;	/* inih: error on this line */
}

static int parse_uint(struct parse *ps, const char *key, const char *v, uint32_t lo,
		      uint32_t hi, uint32_t *out)
{
	char *end;
	unsigned long long n;

	errno = 0;
	if (v[0] == '-' || v[0] == '\0')
		return fail(ps, "%s: '%s' is not a number in %u..%u", key, v, lo, hi);
	n = strtoull(v, &end, 10);
	if (*end != '\0' || errno == ERANGE || n < lo || n > hi)
		return fail(ps, "%s: '%s' is not a number in %u..%u", key, v, lo, hi);
	*out = (uint32_t)n;
	return 1;
}

static int parse_double(struct parse *ps, const char *key, const char *v, double lo,
			double hi, double *out)
{
	char *end;
	double d;

	errno = 0;
	d = strtod(v, &end);
	if (v[0] == '\0' || *end != '\0' || errno == ERANGE || !isfinite(d) || d < lo ||
	    d > hi)
		return fail(ps, "%s: '%s' is not a number in %g..%g", key, v, lo, hi);
	*out = d;
	return 1;
}

static int parse_bool(struct parse *ps, const char *key, const char *v, bool *out)
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
	return fail(ps, "%s: '%s' is not yes/no, true/false, on/off or 1/0", key, v);
}

static int parse_string(struct parse *ps, const char *key, const char *v, char *out,
			size_t size)
{
	size_t n = strlen(v);

	if (n >= size)
		return fail(ps, "%s: longer than %zu characters", key, size - 1);
	memcpy(out, v, n + 1);
	return 1;
}

static int parse_ports(struct parse *ps, const char *key, const char *v,
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
			return fail(ps, "%s: more than %d ports", key, CONFIG_MAX_CHANNELS);
		if (len >= CONFIG_PORT_NAME_MAX)
			return fail(ps, "%s: port name longer than %d characters", key,
				    CONFIG_PORT_NAME_MAX - 1);
		memcpy(out[n], p, len);
		out[n][len] = '\0';
		n++;
		p += len;
	}
	*n_out = n;
	return 1;
}

static int on_key(void *user, const char *section, const char *key, const char *v)
{
	struct parse *ps = user;
	struct config *c = &ps->cfg;

	if (strcmp(section, "jack") == 0) {
		if (strcmp(key, "server") == 0)
			return parse_string(ps, key, v, c->server, sizeof c->server);
		if (strcmp(key, "client_name") == 0) {
			if (!v[0])
				return fail(ps, "client_name: empty");
			return parse_string(ps, key, v, c->client_name, sizeof c->client_name);
		}
		if (strcmp(key, "channels") == 0) {
			ps->channels_line = ps->line;
			return parse_uint(ps, key, v, 1, CONFIG_MAX_CHANNELS, &c->channels);
		}
		if (strcmp(key, "autoconnect") == 0)
			return parse_bool(ps, key, v, &c->autoconnect);
		if (strcmp(key, "connect_in") == 0) {
			ps->connect_in_line = ps->line;
			return parse_ports(ps, key, v, c->connect_in, &c->n_connect_in);
		}
		if (strcmp(key, "connect_out") == 0) {
			ps->connect_out_line = ps->line;
			return parse_ports(ps, key, v, c->connect_out, &c->n_connect_out);
		}
	} else if (strcmp(section, "control") == 0) {
		if (strcmp(key, "socket") == 0) {
			if (v[0] && v[0] != '/')
				return fail(ps, "socket: '%s' is not an absolute path", v);
			return parse_string(ps, key, v, c->socket, sizeof c->socket);
		}
		if (strcmp(key, "max_clients") == 0)
			return parse_uint(ps, key, v, 1, 1024, &c->max_clients);
		if (strcmp(key, "idle_timeout_s") == 0)
			return parse_uint(ps, key, v, 0, 86400, &c->idle_timeout_s);
		if (strcmp(key, "client_buffer_kib") == 0)
			return parse_uint(ps, key, v, 64, 65536, &c->client_buffer_kib);
	} else if (strcmp(section, "audio") == 0) {
		if (strcmp(key, "eq_bands") == 0)
			return parse_uint(ps, key, v, 1, 16, &c->eq_bands);
		if (strcmp(key, "ramp_ms") == 0)
			return parse_double(ps, key, v, 0.0, 10000.0, &c->ramp_ms);
		if (strcmp(key, "volume_db") == 0)
			return parse_double(ps, key, v, -120.0, 12.0, &c->volume_db);
	} else {
		return fail(ps, "unknown section [%s]", section);
	}
	return fail(ps, "unknown key '%s' in [%s]", key, section);
}

/* inih reads through this, so the line inih is parsing is always known. */
static char *read_line(char *str, int num, void *stream)
{
	struct parse *ps = stream;
	char *s = fgets(str, num, ps->f);
	size_t n;

	if (!s)
		return NULL;
	ps->line++;
	n = strlen(s);
	if (n > 0 && s[n - 1] != '\n' && !feof(ps->f)) {
		ps->too_long = true;
		return NULL;
	}
	return s;
}

static int cross_check(struct parse *ps)
{
	struct config *c = &ps->cfg;

	if (c->n_connect_in > c->channels) {
		ps->line = ps->connect_in_line;
		return fail(ps, "connect_in: %u ports for %u channels", c->n_connect_in,
			    c->channels);
	}
	if (c->n_connect_out > c->channels) {
		ps->line = ps->connect_out_line;
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
	if (ps->too_long) {
		snprintf(err, err_len, "%s:%u: line longer than %d characters", name, ps->line,
			 MAX_LINE_CHARS);
		ret = -EINVAL;
	} else if (line < 0) {
		snprintf(err, err_len, "%s: out of memory", name);
		ret = -ENOMEM;
	} else if (line > 0 && ps->err_line == (unsigned)line) {
		snprintf(err, err_len, "%s:%d: %s", name, line, ps->reason);
		ret = -EINVAL;
	} else if (line > 0) {
		/* inih's own complaint: no '=' or ':', or an unclosed '['. */
		snprintf(err, err_len, "%s:%d: syntax error (want 'key = value' or '[section]')",
			 name, line);
		ret = -EINVAL;
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
