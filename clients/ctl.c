/*
 * ctl.c - radioctl's command table, global options, argument parsing and
 * error mapping (see ctl.h).
 */
#include "config.h"

#include "clients/ctl.h"

#include <ctype.h>
#include <errno.h>
#include <math.h>
#include <stdarg.h>
#include <stdlib.h>
#include <string.h>

static const struct ctl_command commands[] = {
	{ "info", cmd_info, "info", "radiod's versions, JACK setup, engine state, RT thread" },
	{ "stats", cmd_stats, "stats [--prometheus]", "timing statistics, counters and meters" },
	{ "reset", cmd_reset, "reset", "start the statistics afresh" },
	{ "eq", cmd_eq, "eq [show|set|band|bypass] ...", "show or change the equaliser" },
	{ "volume", cmd_volume, "volume [DB] [--ramp MS]", "show or set the volume" },
	{ "mute", cmd_mute, "mute on|off", "mute or unmute the output" },
	{ "inject", cmd_inject, "inject sine|sweep|noise|pink|impulse|multitone|file [OPTIONS]",
	  "play a test signal or an audio file" },
	{ "stop", cmd_stop, "stop", "stop the test signal or file" },
	{ "spectrum", cmd_spectrum, "spectrum [--live|--once] [OPTIONS]",
	  "the 31 third-octave bands: live on a terminal, else once" },
	{ "meters", cmd_meters, "meters [OPTIONS]", "live peak/RMS/clip meters per channel" },
	{ "watch", cmd_watch, "watch [OPTIONS]", "live statistics in one refreshing table" },
	{ "measure", cmd_measure, "measure thd|response|latency [OPTIONS]",
	  "measure THD+N, frequency response or loop latency" },
	{ "preset", cmd_preset, "preset [list|save|load|delete] [NAME]",
	  "list, save, load or delete named EQ presets" },
	{ "reload", cmd_reload, "reload", "make radiod read its configuration file again" },
	{ "record", cmd_record, "record --duration D --interval I -o FILE [--label TEXT]",
	  "record a benchmark session of radiod's timing" },
	{ "compare", cmd_compare, "compare A.json B.json [--threshold-... ]",
	  "compare two sessions; exit 1 when B regresses" },
	{ "plot", cmd_plot, "plot SESSION.json -o OUT.png|OUT.svg",
	  "draw a session's histograms and time series (gnuplot)" },
};

void ctl_init(struct ctl *ctl, FILE *out)
{
	memset(ctl, 0, sizeof *ctl);
	ctl->timeout_ms = CTL_DEFAULT_TIMEOUT_MS;
	ctl->out = out;
}

void ctl_fini(struct ctl *ctl)
{
	radioclient_close(ctl->rc);
	ctl->rc = NULL;
}

int ctl_fail(struct ctl *ctl, int code, const char *fmt, ...)
{
	va_list ap;

	va_start(ap, fmt);
	vsnprintf(ctl->err, sizeof ctl->err, fmt, ap);
	va_end(ap);
	return code;
}

int ctl_connect(struct ctl *ctl)
{
	int err;

	if (ctl->rc)
		return CTL_OK;
	ctl->rc = radioclient_create();
	if (!ctl->rc)
		return ctl_fail(ctl, CTL_FAILURE, "out of memory");
	radioclient_set_timeout(ctl->rc, ctl->timeout_ms);
	err = radioclient_connect(ctl->rc, ctl->socket);
	if (err < 0) {
		ctl_fail(ctl, CTL_NO_CONNECT, "%s", radioclient_error(ctl->rc));
		radioclient_close(ctl->rc);
		ctl->rc = NULL;
		return CTL_NO_CONNECT;
	}
	return CTL_OK;
}

int ctl_client_error(struct ctl *ctl, int err)
{
	int code;

	switch (-err) {
	case EREMOTEIO:
		code = CTL_REFUSED;
		break;
	case ETIMEDOUT:
		code = CTL_TIMEOUT;
		break;
	case ENOMEM:
		code = CTL_FAILURE;
		break;
	default:
		code = CTL_PROTOCOL;
		break;
	}
	return ctl_fail(ctl, code, "%s", radioclient_error(ctl->rc));
}

void ctl_json_empty(struct ctl *ctl)
{
	if (ctl->json)
		fputs("{}\n", ctl->out);
}

int ctl_help(struct ctl *ctl, const char *synopsis, const char *text)
{
	fprintf(ctl->out, "usage: radioctl [--socket PATH] [--timeout MS] [--json] %s\n\n%s",
		synopsis, text);
	return CTL_OK;
}

/* ----------------------------------------------------------- option parsing */

int ctl_unexpected(struct ctl *ctl, const char *arg)
{
	return ctl_fail(ctl, CTL_USAGE, "%s: unexpected argument '%s' (see 'radioctl %s --help')",
			ctl->command, arg, ctl->command);
}

enum { GLOBAL_SOCKET = 1, GLOBAL_TIMEOUT, GLOBAL_JSON };

static const struct ctl_option global_options[] = {
	{ "socket", GLOBAL_SOCKET, true },
	{ "timeout", GLOBAL_TIMEOUT, true },
	{ "json", GLOBAL_JSON, false },
	{ NULL, 0, false },
};

static const struct ctl_option *find_option(const struct ctl_option *opts, const char *name,
					    size_t len)
{
	for (; opts && opts->name; opts++)
		if (strlen(opts->name) == len && strncmp(opts->name, name, len) == 0)
			return opts;
	return NULL;
}

static bool looks_negative_number(const char *s)
{
	return s[0] == '-' &&
	       (isdigit((unsigned char)s[1]) || (s[1] == '.' && isdigit((unsigned char)s[2])));
}

__attribute__((format(printf, 2, 3)))
static int usage_error(struct ctl *ctl, const char *fmt, ...)
{
	char what[256];
	va_list ap;

	va_start(ap, fmt);
	vsnprintf(what, sizeof what, fmt, ap);
	va_end(ap);
	if (ctl->command)
		ctl_fail(ctl, CTL_USAGE, "%s: %s (see 'radioctl %s --help')", ctl->command, what,
			 ctl->command);
	else
		ctl_fail(ctl, CTL_USAGE, "%s (see 'radioctl --help')", what);
	return CTL_ARG_ERROR;
}

static int apply_global(struct ctl *ctl, int id, const char *val)
{
	long ms;

	switch (id) {
	case GLOBAL_SOCKET:
		if (!val[0])
			return usage_error(ctl, "--socket: the path is empty");
		ctl->socket = val;
		return 0;
	case GLOBAL_TIMEOUT:
		if (ctl_parse_long(ctl, "--timeout", val, 1, CTL_TIMEOUT_MAX, &ms) != CTL_OK)
			return CTL_ARG_ERROR;
		ctl->timeout_ms = (int)ms;
		return 0;
	case GLOBAL_JSON:
		ctl->json = true;
		return 0;
	}
	return 0;
}

int ctl_next_arg(struct ctl *ctl, struct ctl_args *a, const struct ctl_option *opts,
		 const char **val)
{
	*val = NULL;
	while (a->next < a->argc) {
		char *arg = a->argv[a->next++];
		const struct ctl_option *o;
		const char *name, *eq, *value = NULL;
		size_t len;
		bool global = false;

		if (a->positional_only || arg[0] != '-' || arg[1] == '\0' ||
		    looks_negative_number(arg)) {
			*val = arg;
			return CTL_ARG_POSITIONAL;
		}
		if (strcmp(arg, "--") == 0) {
			a->positional_only = true;
			continue;
		}
		if (strcmp(arg, "-h") == 0 || strcmp(arg, "--help") == 0)
			return CTL_ARG_HELP;
		/* "-o": an option of opts with a one-letter name, never "-o=x". */
		if (arg[1] != '-' && (arg[2] != '\0' || !find_option(opts, arg + 1, 1)))
			return usage_error(ctl, "unknown option '%s'", arg);

		name = arg + (arg[1] == '-' ? 2 : 1);
		eq = arg[1] == '-' ? strchr(name, '=') : NULL;
		len = eq ? (size_t)(eq - name) : strlen(name);
		o = find_option(opts, name, len);
		if (!o) {
			o = find_option(global_options, name, len);
			global = o != NULL;
		}
		if (!o)
			return usage_error(ctl, "unknown option '%s'", arg);
		if (o->has_arg) {
			if (eq)
				value = eq + 1;
			else if (a->next < a->argc)
				value = a->argv[a->next++];
			else
				return usage_error(ctl, "option '%s' needs a value", arg);
		} else if (eq) {
			return usage_error(ctl, "option '%s' takes no value", arg);
		}
		if (global) {
			if (apply_global(ctl, o->id, value) < 0)
				return CTL_ARG_ERROR;
			continue;
		}
		*val = value;
		return o->id;
	}
	return CTL_ARG_END;
}

int ctl_args_none(struct ctl *ctl, int argc, char **argv, const char *synopsis,
		  const char *help, bool *helped)
{
	struct ctl_args a = { argc, argv, 1, false };
	const char *val;
	int r;

	*helped = false;
	while ((r = ctl_next_arg(ctl, &a, NULL, &val)) != CTL_ARG_END) {
		if (r == CTL_ARG_HELP) {
			*helped = true;
			return ctl_help(ctl, synopsis, help);
		}
		if (r == CTL_ARG_ERROR)
			return CTL_USAGE;
		return ctl_unexpected(ctl, val);
	}
	return CTL_OK;
}

/* ------------------------------------------------------------ numbers */

static int not_a_number(struct ctl *ctl, const char *what, const char *s)
{
	return ctl_fail(ctl, CTL_USAGE, "%s: '%s' is not a number", what, s);
}

static int out_of_range(struct ctl *ctl, const char *what, const char *s, double min, double max)
{
	return ctl_fail(ctl, CTL_USAGE, "%s: %s is out of range %g .. %g", what, s, min, max);
}

static int parse_number(struct ctl *ctl, const char *what, const char *s, double min, double max,
			bool k_suffix, double *out)
{
	char *end;
	double v;

	if (!s[0] || isspace((unsigned char)s[0]))
		return not_a_number(ctl, what, s);
	errno = 0;
	v = strtod(s, &end);
	if (end == s)
		return not_a_number(ctl, what, s);
	if (k_suffix && (*end == 'k' || *end == 'K')) {
		v *= 1000.0;
		end++;
	}
	if (*end || !isfinite(v))
		return not_a_number(ctl, what, s);
	if (errno == ERANGE || v < min || v > max)
		return out_of_range(ctl, what, s, min, max);
	*out = v;
	return CTL_OK;
}

int ctl_parse_double(struct ctl *ctl, const char *what, const char *s, double min, double max,
		     double *out)
{
	return parse_number(ctl, what, s, min, max, false, out);
}

int ctl_parse_freq(struct ctl *ctl, const char *what, const char *s, double min, double max,
		   double *out)
{
	return parse_number(ctl, what, s, min, max, true, out);
}

int ctl_parse_long(struct ctl *ctl, const char *what, const char *s, long min, long max,
		   long *out)
{
	char *end;
	long v;

	if (!s[0] || isspace((unsigned char)s[0]))
		return ctl_fail(ctl, CTL_USAGE, "%s: '%s' is not a whole number", what, s);
	errno = 0;
	v = strtol(s, &end, 10);
	if (end == s || *end)
		return ctl_fail(ctl, CTL_USAGE, "%s: '%s' is not a whole number", what, s);
	if (errno == ERANGE || v < min || v > max)
		return ctl_fail(ctl, CTL_USAGE, "%s: %s is out of range %ld .. %ld", what, s, min,
				max);
	*out = v;
	return CTL_OK;
}

int ctl_parse_onoff(struct ctl *ctl, const char *what, const char *s, bool *out)
{
	static const char *const on[] = { "on", "yes", "true", "1" };
	static const char *const off[] = { "off", "no", "false", "0" };

	for (size_t i = 0; i < sizeof on / sizeof on[0]; i++) {
		if (strcasecmp(s, on[i]) == 0) {
			*out = true;
			return CTL_OK;
		}
		if (strcasecmp(s, off[i]) == 0) {
			*out = false;
			return CTL_OK;
		}
	}
	return ctl_fail(ctl, CTL_USAGE, "%s: '%s' is neither on nor off", what, s);
}

/* Calls item() on each comma-separated part of s; an empty part is an
 * error. */
static int each_item(struct ctl *ctl, const char *what, const char *s,
		     int (*item)(struct ctl *, const char *what, const char *part, void *arg),
		     void *arg)
{
	char part[64];
	const char *p = s;

	for (;;) {
		const char *comma = strchr(p, ',');
		size_t len = comma ? (size_t)(comma - p) : strlen(p);
		int r;

		if (len == 0)
			return ctl_fail(ctl, CTL_USAGE, "%s: '%s' has an empty item", what, s);
		if (len >= sizeof part)
			return ctl_fail(ctl, CTL_USAGE, "%s: '%.*s' is too long", what, (int)len, p);
		memcpy(part, p, len);
		part[len] = '\0';
		r = item(ctl, what, part, arg);
		if (r != CTL_OK)
			return r;
		if (!comma)
			return CTL_OK;
		p = comma + 1;
	}
}

static int channel_item(struct ctl *ctl, const char *what, const char *part, void *arg)
{
	uint32_t *mask = arg;
	long ch;
	int r = ctl_parse_long(ctl, what, part, 1, CTL_MAX_CHANNELS, &ch);

	if (r == CTL_OK)
		*mask |= 1u << (ch - 1);
	return r;
}

int ctl_parse_channels(struct ctl *ctl, const char *what, const char *s, uint32_t *mask)
{
	uint32_t m = 0;
	int r;

	if (strcasecmp(s, "all") == 0) {
		*mask = 0;
		return CTL_OK;
	}
	r = each_item(ctl, what, s, channel_item, &m);
	if (r == CTL_OK)
		*mask = m;
	return r;
}

struct freq_list {
	double min, max;
	double *vals;
	size_t cap, n;
};

static int freq_item(struct ctl *ctl, const char *what, const char *part, void *arg)
{
	struct freq_list *l = arg;

	if (l->n == l->cap)
		return ctl_fail(ctl, CTL_USAGE, "%s: more than %zu frequencies", what, l->cap);
	return ctl_parse_freq(ctl, what, part, l->min, l->max, &l->vals[l->n++]);
}

int ctl_parse_freq_list(struct ctl *ctl, const char *what, const char *s, double min,
			double maxval, double *vals, size_t max, size_t *n)
{
	struct freq_list l = { min, maxval, vals, max, 0 };
	int r = each_item(ctl, what, s, freq_item, &l);

	if (r == CTL_OK)
		*n = l.n;
	return r;
}

/* ------------------------------------------------------------ names */

static const struct {
	const char *name;
	Radio__BandType type;
} band_types[] = {
	{ "peaking", RADIO__BAND_TYPE__PEAKING },
	{ "lowshelf", RADIO__BAND_TYPE__LOW_SHELF },
	{ "highshelf", RADIO__BAND_TYPE__HIGH_SHELF },
	{ "lowpass", RADIO__BAND_TYPE__LOW_PASS },
	{ "highpass", RADIO__BAND_TYPE__HIGH_PASS },
	{ "bandpass", RADIO__BAND_TYPE__BAND_PASS },
	{ "notch", RADIO__BAND_TYPE__NOTCH },
	{ "allpass", RADIO__BAND_TYPE__ALL_PASS },
	/* aliases, parsed only */
	{ "peak", RADIO__BAND_TYPE__PEAKING },
	{ "bell", RADIO__BAND_TYPE__PEAKING },
};

const char *ctl_band_type_name(Radio__BandType type)
{
	for (size_t i = 0; i < sizeof band_types / sizeof band_types[0]; i++)
		if (band_types[i].type == type)
			return band_types[i].name;
	return "unknown";
}

int ctl_parse_band_type(struct ctl *ctl, const char *what, const char *s, Radio__BandType *out)
{
	char norm[32];
	size_t n = 0;

	for (const char *p = s; *p && n < sizeof norm - 1; p++)
		if (*p != '-' && *p != '_')
			norm[n++] = (char)tolower((unsigned char)*p);
	norm[n] = '\0';
	for (size_t i = 0; i < sizeof band_types / sizeof band_types[0]; i++) {
		if (strcmp(norm, band_types[i].name) == 0) {
			*out = band_types[i].type;
			return CTL_OK;
		}
	}
	return ctl_fail(ctl, CTL_USAGE,
			"%s: '%s' is not a band type (peaking, lowshelf, highshelf, lowpass, "
			"highpass, bandpass, notch, allpass)", what, s);
}

int ctl_parse_band_spec(struct ctl *ctl, const char *what, const char *s, Radio__EqBand *band)
{
	char buf[128], field[160];
	char *part[6];
	size_t n = 0;
	bool on = true;
	int r;

	if (strlen(s) >= sizeof buf)
		return ctl_fail(ctl, CTL_USAGE, "%s: '%s' is too long", what, s);
	strcpy(buf, s);
	part[n++] = buf;
	for (char *p = buf; *p; p++) {
		if (*p == ':') {
			*p = '\0';
			if (n == sizeof part / sizeof part[0])
				break;
			part[n++] = p + 1;
		}
	}
	if (n < 4 || n > 5)
		return ctl_fail(ctl, CTL_USAGE, "%s: '%s' is not TYPE:FREQ:GAIN:Q[:on|off] "
				"(e.g. peaking:1000:-3:1.4)", what, s);

	radio__eq_band__init(band);
#define FIELD(name) (snprintf(field, sizeof field, "%s '%s', " name, what, s), field)
	r = ctl_parse_band_type(ctl, FIELD("type"), part[0], &band->type);
	if (r == CTL_OK)
		r = ctl_parse_freq(ctl, FIELD("frequency"), part[1], CTL_FREQ_MIN, CTL_FREQ_MAX,
				   &band->freq_hz);
	if (r == CTL_OK)
		r = ctl_parse_double(ctl, FIELD("gain"), part[2], CTL_GAIN_MIN, CTL_GAIN_MAX,
				     &band->gain_db);
	if (r == CTL_OK)
		r = ctl_parse_double(ctl, FIELD("Q"), part[3], CTL_Q_MIN, CTL_Q_MAX, &band->q);
	if (r == CTL_OK && n == 5)
		r = ctl_parse_onoff(ctl, FIELD("on/off"), part[4], &on);
#undef FIELD
	if (r != CTL_OK)
		return r;
	band->has_type = band->has_freq_hz = band->has_gain_db = band->has_q = 1;
	band->has_enabled = 1;
	band->enabled = on;
	return CTL_OK;
}

const char *ctl_state_name(Radio__EngineState state)
{
	switch (state) {
	case RADIO__ENGINE_STATE__STATE_STARTING:
		return "starting";
	case RADIO__ENGINE_STATE__STATE_RUNNING:
		return "running";
	case RADIO__ENGINE_STATE__STATE_DISCONNECTED:
		return "disconnected";
	case RADIO__ENGINE_STATE__STATE_STOPPING:
		return "stopping";
	default:
		return "unknown";
	}
}

const char *ctl_signal_name(Radio__SignalKind kind)
{
	switch (kind) {
	case RADIO__SIGNAL_KIND__SINE:
		return "sine";
	case RADIO__SIGNAL_KIND__SWEEP:
		return "sweep";
	case RADIO__SIGNAL_KIND__WHITE_NOISE:
		return "noise";
	case RADIO__SIGNAL_KIND__PINK_NOISE:
		return "pink";
	case RADIO__SIGNAL_KIND__IMPULSE:
		return "impulse";
	case RADIO__SIGNAL_KIND__MULTITONE:
		return "multitone";
	default:
		return "unknown";
	}
}

/* ------------------------------------------------------------ main */

static void print_help(struct ctl *ctl)
{
	char path[RADIOCLIENT_SOCKET_PATH_MAX + 1];
	FILE *o = ctl->out;

	if (radioclient_socket_path(path, sizeof path) < 0)
		snprintf(path, sizeof path, "(too long)");
	fputs("usage: radioctl [--socket PATH] [--timeout MS] [--json] COMMAND [ARGS...]\n"
	      "\n"
	      "Controls and observes radiod, the head unit's real-time audio daemon.\n"
	      "\n"
	      "commands:\n", o);
	for (size_t i = 0; i < sizeof commands / sizeof commands[0]; i++)
		fprintf(o, "  %-10s %s\n", commands[i].name, commands[i].summary);
	fprintf(o, "  %-10s %s\n", "help", "this text, or 'help COMMAND' for a command's");
	fprintf(o,
		"\n"
		"options (anywhere on the line):\n"
		"  --socket PATH  radiod's control socket; default $RADIOD_SOCKET, else\n"
		"                 /run/radiod/control.sock for root and\n"
		"                 $XDG_RUNTIME_DIR/radiod/control.sock for others; here:\n"
		"                 %s\n"
		"  --timeout MS   how long to wait for radiod, 1 .. %ld (default %d)\n"
		"  --json         print the reply as JSON: protobuf's JSON mapping with the\n"
		"                 field names of radio.proto; commands without a reply print {}\n"
		"  -h, --help     help; 'radioctl COMMAND --help' for a command's\n"
		"  --version      radioctl's version and protocol version\n"
		"\n"
		"exit status:\n"
		"  0  success\n"
		"  1  radiod refused the request (its message is printed)\n"
		"  2  bad command line\n"
		"  3  cannot connect to radiod's socket\n"
		"  4  no reply within --timeout\n"
		"  5  connection lost, or a reply radioctl does not understand\n"
		"  6  any other failure (out of memory, cannot write the output)\n"
		"  7  an input file (a session, an audio file) cannot be read or is not valid\n"
		"Some commands give 1 a meaning of their own (compare: B regressed).\n",
		path, CTL_TIMEOUT_MAX, CTL_DEFAULT_TIMEOUT_MS);
}

static const struct ctl_command *find_command(const char *name)
{
	for (size_t i = 0; i < sizeof commands / sizeof commands[0]; i++)
		if (strcmp(commands[i].name, name) == 0)
			return &commands[i];
	return NULL;
}

static int run_help(struct ctl *ctl, int argc, char **argv)
{
	const struct ctl_command *c;
	char *help_argv[3];

	if (argc < 2) {
		print_help(ctl);
		return CTL_OK;
	}
	c = find_command(argv[1]);
	if (!c)
		return ctl_fail(ctl, CTL_USAGE, "help: no command '%s' (see 'radioctl --help')",
				argv[1]);
	help_argv[0] = argv[1];
	help_argv[1] = (char *)"--help";
	help_argv[2] = NULL;
	ctl->command = c->name;
	return c->run(ctl, 2, help_argv);
}

enum { MAIN_VERSION = 100 };

int ctl_main(struct ctl *ctl, int argc, char **argv)
{
	static const struct ctl_option opts[] = {
		{ "version", MAIN_VERSION, false },
		{ NULL, 0, false },
	};
	struct ctl_args a = { argc, argv, 1, false };
	const struct ctl_command *c;
	const char *val;
	int r;

	r = ctl_next_arg(ctl, &a, opts, &val);
	switch (r) {
	case CTL_ARG_ERROR:
		return CTL_USAGE;
	case CTL_ARG_HELP:
		print_help(ctl);
		return CTL_OK;
	case MAIN_VERSION:
		fprintf(ctl->out, "radioctl %s (protocol %d)\n", PACKAGE_VERSION,
			RADIO__VERSION__PROTOCOL_VERSION);
		return CTL_OK;
	case CTL_ARG_END:
		return ctl_fail(ctl, CTL_USAGE, "no command given (see 'radioctl --help')");
	default:
		break;
	}
	if (strcmp(val, "help") == 0)
		return run_help(ctl, argc - (a.next - 1), argv + a.next - 1);
	c = find_command(val);
	if (!c)
		return ctl_fail(ctl, CTL_USAGE, "no command '%s' (see 'radioctl --help')", val);
	ctl->command = c->name;
	return c->run(ctl, argc - (a.next - 1), argv + a.next - 1);
}
