/*
 * cmd_record.c - radioctl record: a benchmark session of radiod's timing
 * (clients/session.h), written to a file for `radioctl compare` and `plot`.
 *
 * SIGINT, SIGTERM and SIGHUP are held while recording and waited for
 * between snapshots (sigtimedwait), so Ctrl-C or a soak script's timeout
 * ends the session early with what was recorded, without a signal handler
 * or a global flag.
 */
#include "clients/ctl.h"
#include "clients/session.h"

#include <errno.h>
#include <fcntl.h>
#include <math.h>
#include <signal.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#define RECORD_INTERVAL_MIN_S 0.05
#define RECORD_INTERVAL_MAX_S 3600.0
#define RECORD_DURATION_MAX_S (7 * 86400.0)

enum { OPT_DURATION = 1, OPT_INTERVAL, OPT_OUTPUT, OPT_LABEL };

/* Seconds, with an optional unit: ms, s, m, h ("500ms", "90", "5m"). */
static int parse_seconds(struct ctl *ctl, const char *what, const char *s, double min,
			 double max, double *out)
{
	static const struct {
		const char *unit;
		double scale;
	} units[] = { { "", 1 }, { "s", 1 }, { "ms", 1e-3 }, { "m", 60 }, { "h", 3600 } };
	char *end;
	double v;

	errno = 0;
	v = strtod(s, &end);
	if (end == s || !isfinite(v) || s[0] == ' ')
		return ctl_fail(ctl, CTL_USAGE, "%s: '%s' is not a time (e.g. 90, 500ms, 5m, 2h)",
				what, s);
	for (size_t i = 0; i < sizeof units / sizeof units[0]; i++) {
		if (strcmp(end, units[i].unit) == 0) {
			v *= units[i].scale;
			if (errno == ERANGE || v < min || v > max)
				return ctl_fail(ctl, CTL_USAGE, "%s: %s is out of range %g .. %g s",
						what, s, min, max);
			*out = v;
			return CTL_OK;
		}
	}
	return ctl_fail(ctl, CTL_USAGE, "%s: '%s' has an unknown unit (ms, s, m or h)", what, s);
}

static double mono_s(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (double)ts.tv_sec + ts.tv_nsec * 1e-9;
}

/* Waits until the monotonic deadline. Returns the held signal that ended
 * the wait early, or 0. */
static int wait_until(double deadline, const sigset_t *held)
{
	for (;;) {
		double left = deadline - mono_s();
		struct timespec ts;
		int sig;

		if (left <= 0)
			return 0;
		ts.tv_sec = (time_t)left;
		ts.tv_nsec = (long)((left - (double)ts.tv_sec) * 1e9);
		sig = sigtimedwait(held, NULL, &ts);
		if (sig > 0)
			return sig;
		/* EAGAIN: the time is up (checked above); EINTR: another signal. */
	}
}

/* GetStats since radiod started, with the histograms: a ResetStats by
 * someone else then changes nothing (an older radiod ignores since_start;
 * the session notices its resets). */
static int get_stats(struct ctl *ctl, Radio__Reply **reply)
{
	Radio__Request req = RADIO__REQUEST__INIT;
	Radio__GetStats body = RADIO__GET_STATS__INIT;
	int r;

	body.has_histograms = body.histograms = true;
	body.has_since_start = body.since_start = true;
	req.body_case = RADIO__REQUEST__BODY_GET_STATS;
	req.get_stats = &body;
	r = radioclient_request(ctl->rc, &req, reply);
	if (r < 0)
		return ctl_client_error(ctl, r);
	if ((*reply)->body_case != RADIO__REPLY__BODY_STATS || !(*reply)->stats) {
		radioclient_reply_free(*reply);
		*reply = NULL;
		return ctl_fail(ctl, CTL_PROTOCOL, "record: radiod's reply to get_stats holds no "
				"statistics");
	}
	return CTL_OK;
}

/* Fails now, not after the whole recording, when the file cannot be
 * written: creates and removes a file beside it. */
static int check_writable(struct ctl *ctl, const char *path)
{
	char probe[4096];
	int fd;

	if ((size_t)snprintf(probe, sizeof probe, "%s.tmp-%ld", path, (long)getpid()) >=
	    sizeof probe)
		return ctl_fail(ctl, CTL_USAGE, "record: -o %s: path too long", path);
	fd = open(probe, O_WRONLY | O_CREAT | O_EXCL | O_CLOEXEC, 0666);
	if (fd < 0 && errno != EEXIST)
		return ctl_fail(ctl, CTL_FAILURE, "record: cannot write beside %s: %s (choose "
				"another -o)", path, strerror(errno));
	if (fd >= 0) {
		close(fd);
		unlink(probe);
	}
	return CTL_OK;
}

static void print_header(struct ctl *ctl, const struct session *s)
{
	fprintf(ctl->out, "%7s %10s %6s", "t s", "callbacks", "xruns");
	for (size_t i = 0; i < s->n_hist; i++) {
		char h[64];

		snprintf(h, sizeof h, "%s p99/max us", s->hist[i].name);
		fprintf(ctl->out, "  %24s", h);
	}
	fputc('\n', ctl->out);
}

static void print_interval(struct ctl *ctl, const struct session *s,
			   const struct session_interval *iv)
{
	fprintf(ctl->out, "%7.1f %10llu %6llu", iv->t_s, (unsigned long long)iv->callbacks,
		(unsigned long long)iv->xruns);
	for (size_t i = 0; i < s->n_hist; i++) {
		char v[64];

		snprintf(v, sizeof v, "%.1f / %.1f", iv->timing[i].p99_ns / 1e3,
			 iv->timing[i].max_ns / 1e3);
		fprintf(ctl->out, "  %24s", v);
	}
	fprintf(ctl->out, "%s\n", iv->reset ? "  (statistics reset)" : "");
	fflush(ctl->out);
}

static int print_summary(struct ctl *ctl, const struct session *s, const char *path)
{
	json_t *v;
	int r;

	if (!ctl->json) {
		fprintf(ctl->out, "wrote %s: %zu intervals over %.1f s, %llu callbacks, %llu xruns%s\n",
			path, s->n_intervals, s->duration_s, (unsigned long long)s->callbacks,
			(unsigned long long)s->xruns,
			s->meta.interrupted ? " (interrupted: shorter than asked)" : "");
		return CTL_OK;
	}
	v = json_pack("{s:s,s:i,s:f,s:I,s:I,s:b}", "output", path, "intervals",
		      (int)s->n_intervals, "duration_s", s->duration_s, "callbacks",
		      (json_int_t)s->callbacks, "xruns", (json_int_t)s->xruns, "interrupted",
		      s->meta.interrupted);
	r = ctl_json_print(ctl->out, v);
	json_decref(v);
	return r < 0 ? ctl_fail(ctl, CTL_FAILURE, "record: cannot write the summary") : CTL_OK;
}

/* Adds how far the recording got to the failure already in ctl->err. */
static int failed_at(struct ctl *ctl, int code, double t_s)
{
	char why[sizeof ctl->err];

	snprintf(why, sizeof why, "%s", ctl->err);
	return ctl_fail(ctl, code, "record: %s (after %.1f s of recording; nothing written)", why,
			t_s);
}

/* The recording proper: snapshots every interval until duration or a
 * signal. */
static int record(struct ctl *ctl, struct session *s, double duration, double interval,
		  const sigset_t *held)
{
	Radio__Reply *reply = NULL;
	char err[256];
	double t0;
	size_t n = (size_t)ceil(duration / interval - 1e-9);
	int r;

	if ((r = get_stats(ctl, &reply)) != CTL_OK)
		return r;
	t0 = mono_s();
	r = session_record_start(s, reply->stats, t0, err, sizeof err);
	radioclient_reply_free(reply);
	if (r < 0)
		return ctl_fail(ctl, r == -ENOMEM ? CTL_FAILURE : CTL_PROTOCOL, "record: %s", err);
	if (!ctl->json)
		print_header(ctl, s);
	for (size_t k = 1; k <= n; k++) {
		int sig = wait_until(t0 + fmin((double)k * interval, duration), held);

		if ((r = get_stats(ctl, &reply)) != CTL_OK)
			return failed_at(ctl, r, mono_s() - t0);
		r = session_record_next(s, reply->stats, mono_s(), err, sizeof err);
		radioclient_reply_free(reply);
		if (r < 0)
			return ctl_fail(ctl, r == -ENOMEM ? CTL_FAILURE : CTL_PROTOCOL,
					"record: %s (after %.1f s of recording; nothing written)",
					err, mono_s() - t0);
		if (!ctl->json)
			print_interval(ctl, s, &s->intervals[s->n_intervals - 1]);
		if (sig) {
			s->meta.interrupted = k < n;
			break;
		}
	}
	return CTL_OK;
}

int cmd_record(struct ctl *ctl, int argc, char **argv)
{
	static const char synopsis[] =
		"record --duration D --interval I -o FILE [--label TEXT]";
	static const char help[] =
		"Records a benchmark session of radiod: every interval, the statistics with\n"
		"the raw histograms; the delta of two snapshots gives the interval's\n"
		"callbacks, xruns, budget use and each timing histogram's p50, p99, p99.9\n"
		"and maximum (computed here from the histograms, whatever radiod's reset\n"
		"baseline). The file also keeps the whole session's histograms and where it\n"
		"ran: host, kernel, CPU, JACK rate and period, radiod's version, protocol\n"
		"and configuration hash, the audio thread's scheduling, the label and the\n"
		"start time. Read it with 'radioctl compare' and 'radioctl plot'.\n"
		"\n"
		"  --duration D   how long: 0.05 s .. 7 days; a number of seconds or with a\n"
		"                 unit: 500ms, 90s, 5m, 2h\n"
		"  --interval I   time between snapshots, 0.05 s .. 1 h (same units); at\n"
		"                 most 100000 intervals per session\n"
		"  -o, --output FILE  the session file (JSON), replaced atomically at the end\n"
		"  --label TEXT   what this session is, up to 256 bytes (\"before the fix\")\n"
		"\n"
		"Prints one line per interval (p99 and maximum in microseconds), then what it\n"
		"wrote; with --json only a summary. SIGINT (Ctrl-C), SIGTERM or SIGHUP end\n"
		"the recording early: the file is written with what was recorded and\n"
		"\"interrupted\": true, and the exit status is 0. Nothing is written when\n"
		"radiod goes away (exit 5) or does not answer within --timeout (exit 4).\n"
		"\n"
		"Example: radioctl record --duration 60 --interval 1 -o idle.json --label idle\n";
	static const struct ctl_option opts[] = {
		{ "duration", OPT_DURATION, true },
		{ "interval", OPT_INTERVAL, true },
		{ "output", OPT_OUTPUT, true },
		{ "o", OPT_OUTPUT, true },
		{ "label", OPT_LABEL, true },
		{ NULL, 0, false },
	};
	struct ctl_args a = { argc, argv, 1, false };
	double duration = -1, interval = -1;
	const char *output = NULL, *label = "", *val;
	struct session *s = NULL;
	sigset_t held, old;
	Radio__Reply *reply;
	char err[256];
	int r;

	while ((r = ctl_next_arg(ctl, &a, opts, &val)) != CTL_ARG_END) {
		switch (r) {
		case CTL_ARG_HELP:
			return ctl_help(ctl, synopsis, help);
		case CTL_ARG_ERROR:
			return CTL_USAGE;
		case CTL_ARG_POSITIONAL:
			return ctl_unexpected(ctl, val);
		case OPT_DURATION:
			if (parse_seconds(ctl, "--duration", val, RECORD_INTERVAL_MIN_S,
					  RECORD_DURATION_MAX_S, &duration) != CTL_OK)
				return CTL_USAGE;
			break;
		case OPT_INTERVAL:
			if (parse_seconds(ctl, "--interval", val, RECORD_INTERVAL_MIN_S,
					  RECORD_INTERVAL_MAX_S, &interval) != CTL_OK)
				return CTL_USAGE;
			break;
		case OPT_OUTPUT:
			if (!val[0])
				return ctl_fail(ctl, CTL_USAGE, "record: -o: the file name is empty");
			output = val;
			break;
		case OPT_LABEL:
			if (strlen(val) > SESSION_LABEL_MAX)
				return ctl_fail(ctl, CTL_USAGE, "record: --label: longer than %d bytes",
						SESSION_LABEL_MAX);
			label = val;
			break;
		}
	}
	if (duration < 0 || interval < 0 || !output)
		return ctl_fail(ctl, CTL_USAGE, "record: --duration, --interval and -o are needed "
				"(usage: radioctl %s)", synopsis);
	if (interval > duration)
		return ctl_fail(ctl, CTL_USAGE, "record: --interval %g s is longer than --duration "
				"%g s", interval, duration);
	if (ceil(duration / interval - 1e-9) > SESSION_MAX_INTERVALS)
		return ctl_fail(ctl, CTL_USAGE, "record: %g s in %g s intervals is more than %u "
				"intervals (use a longer --interval)", duration, interval,
				SESSION_MAX_INTERVALS);
	if ((r = check_writable(ctl, output)) != CTL_OK)
		return r;

	if ((r = ctl_connect(ctl)) != CTL_OK)
		return r;
	s = session_create();
	if (!s)
		return ctl_fail(ctl, CTL_FAILURE, "record: out of memory");
	r = radioclient_get_info(ctl->rc, &reply);
	if (r < 0) {
		session_free(s);
		return ctl_client_error(ctl, r);
	}
	s->meta.interval_s = interval;
	if (session_meta_from_info(&s->meta, reply->info) < 0 ||
	    session_meta_from_host(&s->meta) < 0 || session_set(&s->meta.label, label) < 0) {
		radioclient_reply_free(reply);
		session_free(s);
		return ctl_fail(ctl, CTL_FAILURE, "record: out of memory");
	}
	radioclient_reply_free(reply);

	sigemptyset(&held);
	sigaddset(&held, SIGINT);
	sigaddset(&held, SIGTERM);
	sigaddset(&held, SIGHUP);
	pthread_sigmask(SIG_BLOCK, &held, &old);
	r = record(ctl, s, duration, interval, &held);
	pthread_sigmask(SIG_SETMASK, &old, NULL);

	if (r == CTL_OK && session_save(s, output, err, sizeof err) < 0)
		r = ctl_fail(ctl, CTL_FAILURE, "record: %s", err);
	if (r == CTL_OK)
		r = print_summary(ctl, s, output);
	session_free(s);
	return r;
}
