/*
 * jack_first_audio - records the first sound a JACK client puts out, from
 * its very first non-silent block: one client plays two sines, another
 * records what comes back.  The state tests start it before radiod, which
 * autoconnects to it, and check that radiod's first sound already has the
 * restored EQ and fades in from silence.
 *
 *   jack_first_audio -s SERVER -f HZ1,HZ2 -l DBFS [-w MS] [-d SECONDS] [-t SECONDS]
 *
 * Ports: first_audio_src:out plays the two sines, each at DBFS;
 * first_audio_rec:in records, starting with the first block holding a
 * non-zero sample, for -d seconds (default 1).  "ready" is printed once
 * both run; then, when the recording is done, one line per window of -w ms
 * (default 20) from the start of that block:
 *
 *   t_ms=20 hz1_dbfs=-118.210 hz2_dbfs=-106.200
 *
 * Levels are least-squares sine fits (tests/dsp_testutil.h): choose a
 * window that holds whole periods of both tones.
 * Exit: 0 ok, 1 JACK error or nothing heard within -t seconds (default
 * 20), 2 usage.
 */
#include <errno.h>
#include <math.h>
#include <stdatomic.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include <jack/jack.h>

#include "tests/dsp_testutil.h"

struct source {
	jack_client_t *client;
	jack_port_t *port;
	double step[2];		/* radians per frame */
	double phase[2];
	double amp;
};

struct recorder {
	jack_client_t *client;
	jack_port_t *port;
	float *buf;
	size_t len;
	bool heard;		/* the process callback's own: a non-zero block came */
	_Atomic size_t got;	/* frames recorded; written by the process callback only */
};

/* Test equipment, not radiod: sin() per frame is fine here. */
static int play(jack_nframes_t n, void *arg)
{
	struct source *s = arg;
	float *out = jack_port_get_buffer(s->port, n);

	for (jack_nframes_t i = 0; i < n; i++) {
		out[i] = (float)(s->amp * (sin(s->phase[0]) + sin(s->phase[1])));
		for (int k = 0; k < 2; k++)
			s->phase[k] = fmod(s->phase[k] + s->step[k], 2.0 * M_PI);
	}
	return 0;
}

static int record(jack_nframes_t n, void *arg)
{
	struct recorder *r = arg;
	const float *in = jack_port_get_buffer(r->port, n);
	size_t got = atomic_load_explicit(&r->got, memory_order_relaxed);

	if (!r->heard) {
		for (jack_nframes_t i = 0; i < n && !r->heard; i++)
			r->heard = in[i] != 0.0f;
		if (!r->heard)
			return 0;
	}
	for (jack_nframes_t i = 0; i < n && got < r->len; i++)
		r->buf[got++] = in[i];
	/* release: the samples are visible to whoever sees the count */
	atomic_store_explicit(&r->got, got, memory_order_release);
	return 0;
}

static double number(const char *opt, const char *s, double lo, double hi)
{
	char *end;
	double v;

	errno = 0;
	v = strtod(s, &end);
	if (errno || end == s || *end || !(v >= lo && v <= hi)) {
		fprintf(stderr, "jack_first_audio: %s: '%s' is not a number in %g..%g\n", opt, s, lo,
			hi);
		exit(2);
	}
	return v;
}

static void usage(void)
{
	fprintf(stderr, "usage: jack_first_audio -s SERVER -f HZ1,HZ2 -l DBFS [-w MS] "
		"[-d SECONDS] [-t SECONDS]\n");
	exit(2);
}

static jack_client_t *open_client(const char *name, const char *server)
{
	jack_status_t st;
	jack_client_t *c = jack_client_open(name, JackNoStartServer | JackServerName |
					    JackUseExactName, &st, server);

	if (!c)
		fprintf(stderr, "jack_first_audio: cannot open %s on JACK server '%s' "
			"(status 0x%x)\n", name, server, (unsigned)st);
	return c;
}

static double seconds_since(const struct timespec *t0)
{
	struct timespec now;

	clock_gettime(CLOCK_MONOTONIC, &now);
	return (double)(now.tv_sec - t0->tv_sec) + (double)(now.tv_nsec - t0->tv_nsec) * 1e-9;
}

int main(int argc, char **argv)
{
	static struct source src;
	static struct recorder rec;
	const char *server = NULL;
	double f[2] = {0, 0}, level = 1, window_ms = 20, seconds = 1, timeout = 20, rate;
	struct timespec t0, nap = {0, 5 * 1000 * 1000};
	size_t w;
	char *comma;
	int c;

	while ((c = getopt(argc, argv, "s:f:l:w:d:t:")) != -1) {
		switch (c) {
		case 's':
			server = optarg;
			break;
		case 'f':
			comma = strchr(optarg, ',');
			if (!comma)
				usage();
			*comma = '\0';
			f[0] = number("-f", optarg, 1, 100000);
			f[1] = number("-f", comma + 1, 1, 100000);
			break;
		case 'l':
			level = number("-l", optarg, -120, 0);
			break;
		case 'w':
			window_ms = number("-w", optarg, 1, 1000);
			break;
		case 'd':
			seconds = number("-d", optarg, 0.01, 60);
			break;
		case 't':
			timeout = number("-t", optarg, 0.1, 600);
			break;
		default:
			usage();
		}
	}
	if (!server || f[0] <= 0 || level > 0 || optind != argc)
		usage();

	src.client = open_client("first_audio_src", server);
	rec.client = open_client("first_audio_rec", server);
	if (!src.client || !rec.client)
		return 1;
	rate = jack_get_sample_rate(src.client);
	src.amp = pow(10.0, level / 20.0);
	for (int k = 0; k < 2; k++)
		src.step[k] = 2.0 * M_PI * f[k] / rate;
	rec.len = (size_t)(seconds * rate);
	rec.buf = calloc(rec.len, sizeof(float));
	src.port = jack_port_register(src.client, "out", JACK_DEFAULT_AUDIO_TYPE,
				      JackPortIsOutput, 0);
	rec.port = jack_port_register(rec.client, "in", JACK_DEFAULT_AUDIO_TYPE,
				      JackPortIsInput, 0);
	if (!rec.buf || !src.port || !rec.port) {
		fprintf(stderr, "jack_first_audio: cannot register the ports\n");
		return 1;
	}
	jack_set_process_callback(src.client, play, &src);
	jack_set_process_callback(rec.client, record, &rec);
	if (jack_activate(src.client) || jack_activate(rec.client)) {
		fprintf(stderr, "jack_first_audio: cannot activate\n");
		return 1;
	}
	printf("ready\n");
	fflush(stdout);

	clock_gettime(CLOCK_MONOTONIC, &t0);
	while (atomic_load_explicit(&rec.got, memory_order_acquire) < rec.len) {
		if (seconds_since(&t0) > timeout + seconds) {
			fprintf(stderr, "jack_first_audio: %zu of %zu frames heard within %.1f s\n",
				atomic_load(&rec.got), rec.len, timeout + seconds);
			return 1;
		}
		nanosleep(&nap, NULL);
	}
	jack_deactivate(rec.client);
	jack_deactivate(src.client);

	w = (size_t)(window_ms * rate / 1000.0 + 0.5);
	for (size_t at = 0; at + w <= rec.len; at += w)
		printf("t_ms=%.0f hz1_dbfs=%.3f hz2_dbfs=%.3f\n", (double)at * 1000.0 / rate,
		       tu_db(tu_amplitude_at(rec.buf + at, w, rate, f[0])),
		       tu_db(tu_amplitude_at(rec.buf + at, w, rate, f[1])));
	free(rec.buf);
	jack_client_close(rec.client);
	jack_client_close(src.client);
	return 0;
}
