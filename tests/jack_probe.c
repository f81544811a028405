/*
 * jack_probe - an independent JACK client the integration tests use to check
 * radiod's figures against JACK's own.
 *
 *   jack_probe -s SERVER frames        print JACK's frame clock (jack_frame_time)
 *   jack_probe -s SERVER xruns N       overrun N process cycles on purpose (sleep
 *                                      past the period) and print the number of
 *                                      xruns JACK reported to this client
 *
 * Exit: 0 ok, 1 JACK error or timeout, 2 usage.
 */
#include <stdatomic.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include <jack/jack.h>

struct probe {
	jack_nframes_t period;
	double rate;
	_Atomic int to_overrun;  /* cycles still to overrun; set by main, counted down by process */
	_Atomic int xruns;       /* xruns JACK reported; written by JACK's notification thread */
};

/* Deliberately not real-time safe: it sleeps to make the cycle late. */
static int process(jack_nframes_t n, void *arg)
{
	struct probe *p = arg;
	if (atomic_load(&p->to_overrun) > 0) {
		atomic_fetch_sub(&p->to_overrun, 1);
		usleep((useconds_t)(3.0 * n / p->rate * 1e6));
	}
	return 0;
}

static int on_xrun(void *arg)
{
	struct probe *p = arg;
	atomic_fetch_add(&p->xruns, 1);
	return 0;
}

static void usage(void)
{
	fprintf(stderr, "usage: jack_probe -s SERVER frames | xruns N\n");
	exit(2);
}

static double now_s(void)
{
	struct timespec t;
	clock_gettime(CLOCK_MONOTONIC, &t);
	return (double)t.tv_sec + (double)t.tv_nsec * 1e-9;
}

int main(int argc, char **argv)
{
	if (argc < 4 || strcmp(argv[1], "-s"))
		usage();
	const char *server = argv[2], *mode = argv[3];
	int want = 0;
	if (!strcmp(mode, "xruns")) {
		if (argc != 5 || (want = atoi(argv[4])) < 1 || want > 100)
			usage();
	} else if (strcmp(mode, "frames") || argc != 4) {
		usage();
	}

	static struct probe p;
	jack_status_t st;
	jack_client_t *c = jack_client_open("jack_probe", JackNoStartServer | JackServerName, &st, server);
	if (!c) {
		fprintf(stderr, "jack_probe: cannot connect to JACK server '%s' (status 0x%x)\n", server, st);
		return 1;
	}
	p.rate = jack_get_sample_rate(c);
	p.period = jack_get_buffer_size(c);
	if (!strcmp(mode, "frames")) {
		printf("%u\n", (unsigned)jack_frame_time(c));
		jack_client_close(c);
		return 0;
	}

	jack_set_process_callback(c, process, &p);
	jack_set_xrun_callback(c, on_xrun, &p);
	if (jack_activate(c)) {
		fprintf(stderr, "jack_probe: cannot activate\n");
		return 1;
	}
	atomic_store(&p.to_overrun, want);
	/* Wait until every overrun ran and JACK had time to report it. */
	double t0 = now_s();
	while (atomic_load(&p.to_overrun) > 0 && now_s() - t0 < 20)
		usleep(10000);
	double settle = now_s();
	while (now_s() - settle < 20.0 * p.period / p.rate + 0.5)
		usleep(10000);
	jack_deactivate(c);
	jack_client_close(c);
	if (atomic_load(&p.to_overrun) > 0) {
		fprintf(stderr, "jack_probe: timed out: JACK did not run the overrun cycles\n");
		return 1;
	}
	printf("%d\n", atomic_load(&p.xruns));
	return 0;
}
