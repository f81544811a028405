/*
 * jack_level - an independent JACK client that measures what another client
 * outputs: it connects to the given ports, records them, and prints for each
 * the level of the component at a frequency (least-squares sine fit) and the
 * RMS, in dBFS.  The integration tests use it to check radiod's output from
 * outside radiod.
 *
 * An xrun tears the recorded signal (a late client leaves a period of
 * silence or of stale samples), which moves a sine fit by tenths of a dB.
 * When JACK reports one while a recording is under way, the recording
 * starts over; the output says how often that happened.
 *
 *   jack_level -s SERVER -f HZ [-d SECONDS] [-k SKIP_SECONDS] PORT...
 *
 * Output, one line per port:  PORT level_dbfs=-13.98 rms_dbfs=-17.00 restarts=0
 * Exit: 0 ok, 1 JACK error or no xrun-free recording in time, 2 usage.
 */
#include <errno.h>
#include <getopt.h>
#include <math.h>
#include <signal.h>
#include <stdatomic.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include <jack/jack.h>

#include "tests/dsp_testutil.h"

#define MAX_PORTS 8

struct capture {
	jack_client_t *client;
	jack_port_t *port[MAX_PORTS];
	float *buf[MAX_PORTS];
	unsigned n_ports;
	size_t skip, len;
	size_t margin; /* frames recorded past the end, waiting for a late xrun report */
	_Atomic size_t seen; /* frames the process callback has seen; written by it only */
	_Atomic unsigned xruns;    /* xruns JACK reported; written by the xrun callback */
	unsigned xruns_handled;    /* the process callback's own copy */
	_Atomic unsigned restarts; /* recordings started over; written by the process callback */
};

static int on_xrun(void *arg)
{
	struct capture *c = arg;
	atomic_fetch_add_explicit(&c->xruns, 1, memory_order_relaxed);
	return 0;
}

static int process(jack_nframes_t n, void *arg)
{
	struct capture *c = arg;
	size_t seen = atomic_load_explicit(&c->seen, memory_order_relaxed);
	unsigned xruns = atomic_load_explicit(&c->xruns, memory_order_relaxed);
	if (xruns != c->xruns_handled) {
		c->xruns_handled = xruns;
		if (seen > c->skip && seen < c->skip + c->len + c->margin) {
			seen = c->skip; /* the samples so far are torn: record them again */
			atomic_fetch_add_explicit(&c->restarts, 1, memory_order_relaxed);
		}
	}
	for (jack_nframes_t i = 0; i < n; i++, seen++) {
		if (seen < c->skip || seen >= c->skip + c->len)
			continue;
		for (unsigned p = 0; p < c->n_ports; p++) {
			const float *in = jack_port_get_buffer(c->port[p], n);
			c->buf[p][seen - c->skip] = in[i];
		}
	}
	/* release: the samples written above are visible to whoever sees the count */
	atomic_store_explicit(&c->seen, seen, memory_order_release);
	return 0;
}

static void usage(void)
{
	fprintf(stderr, "usage: jack_level -s SERVER -f HZ [-d SECONDS] [-k SKIP_SECONDS] PORT...\n");
	exit(2);
}

static double number(const char *opt, const char *s, double lo, double hi)
{
	char *end;
	errno = 0;
	double v = strtod(s, &end);
	if (errno || end == s || *end || !(v >= lo && v <= hi)) {
		fprintf(stderr, "jack_level: %s: '%s' is not a number in %g..%g\n", opt, s, lo, hi);
		exit(2);
	}
	return v;
}

int main(int argc, char **argv)
{
	const char *server = NULL;
	double freq = 0, seconds = 1.0, skip_s = 0.5;
	int c;
	while ((c = getopt(argc, argv, "s:f:d:k:")) != -1) {
		switch (c) {
		case 's': server = optarg; break;
		case 'f': freq = number("-f", optarg, 1, 100000); break;
		case 'd': seconds = number("-d", optarg, 0.01, 60); break;
		case 'k': skip_s = number("-k", optarg, 0, 60); break;
		default: usage();
		}
	}
	int n_ports = argc - optind;
	if (!server || freq <= 0 || n_ports < 1 || n_ports > MAX_PORTS)
		usage();

	static struct capture cap;
	jack_status_t st;
	cap.client = jack_client_open("jack_level", JackNoStartServer | JackServerName, &st, server);
	if (!cap.client) {
		fprintf(stderr, "jack_level: cannot connect to JACK server '%s' (status 0x%x)\n", server, st);
		return 1;
	}
	double rate = jack_get_sample_rate(cap.client);
	cap.n_ports = (unsigned)n_ports;
	cap.skip = (size_t)(skip_s * rate);
	cap.len = (size_t)(seconds * rate);
	cap.margin = (size_t)(0.1 * rate); /* JACK reports an xrun within milliseconds */
	for (unsigned p = 0; p < cap.n_ports; p++) {
		char name[32];
		snprintf(name, sizeof name, "in_%u", p + 1);
		cap.port[p] = jack_port_register(cap.client, name, JACK_DEFAULT_AUDIO_TYPE, JackPortIsInput, 0);
		cap.buf[p] = calloc(cap.len, sizeof(float));
		if (!cap.port[p] || !cap.buf[p]) {
			fprintf(stderr, "jack_level: cannot register port %s\n", name);
			return 1;
		}
	}
	jack_set_process_callback(cap.client, process, &cap);
	jack_set_xrun_callback(cap.client, on_xrun, &cap);
	if (jack_activate(cap.client)) {
		fprintf(stderr, "jack_level: cannot activate\n");
		return 1;
	}
	for (unsigned p = 0; p < cap.n_ports; p++) {
		if (jack_connect(cap.client, argv[optind + (int)p], jack_port_name(cap.port[p]))) {
			fprintf(stderr, "jack_level: cannot connect %s\n", argv[optind + (int)p]);
			return 1;
		}
	}
	/* Bounded: the capture needs skip + len frames; allow 4x that in wall
	 * time plus 10 s, room for a few recordings started over. */
	double limit = 4.0 * (skip_s + seconds) + 10.0;
	struct timespec t0, now, nap = { 0, 10 * 1000 * 1000 };
	clock_gettime(CLOCK_MONOTONIC, &t0);
	while (atomic_load_explicit(&cap.seen, memory_order_acquire) < cap.skip + cap.len + cap.margin) {
		clock_gettime(CLOCK_MONOTONIC, &now);
		if ((double)(now.tv_sec - t0.tv_sec) + (double)(now.tv_nsec - t0.tv_nsec) * 1e-9 > limit) {
			fprintf(stderr, "jack_level: timed out after %.1f s: %zu of %zu frames recorded, "
				"%u recordings torn by xruns\n", limit,
				atomic_load_explicit(&cap.seen, memory_order_acquire),
				cap.skip + cap.len + cap.margin,
				atomic_load_explicit(&cap.restarts, memory_order_relaxed));
			return 1;
		}
		nanosleep(&nap, NULL);
	}
	jack_deactivate(cap.client);
	for (unsigned p = 0; p < cap.n_ports; p++) {
		double a = tu_amplitude_at(cap.buf[p], cap.len, rate, freq);
		printf("%s level_dbfs=%.3f rms_dbfs=%.3f restarts=%u\n", argv[optind + (int)p], tu_db(a),
		       tu_db(tu_rms(cap.buf[p], cap.len)),
		       atomic_load_explicit(&cap.restarts, memory_order_relaxed));
		free(cap.buf[p]);
	}
	jack_client_close(cap.client);
	return 0;
}
