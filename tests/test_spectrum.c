/*
 * Spectrum against theory: a sine of amplitude A reads 20 log10(A) dBFS in
 * the band holding its frequency, whatever the window and the bin position;
 * the transform schedule follows the hop; smoothing and peak hold follow the
 * documented time laws in stream time.
 */
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <setjmp.h>
#include <cmocka.h>

#include <math.h>
#include <pthread.h>
#include <stdatomic.h>
#include <stdbool.h>
#include <stdlib.h>
#include <string.h>

#include "libdsp/spectrum.h"
#include "tests/dsp_testutil.h"

#define RATE 48000.0
#define B_1K 17 /* index of the 1 kHz band */

static float *alloc_frames(size_t n)
{
	float *x = calloc(n, sizeof(*x));
	assert_non_null(x);
	return x;
}

static uint32_t band_of(double nominal_hz)
{
	for (uint32_t b = 0; b < SPECTRUM_BANDS; b++)
		if (spectrum_band_centre_hz[b] == nominal_hz)
			return b;
	fail_msg("no band at %g Hz", nominal_hz);
	return 0;
}

static struct spectrum *make(uint32_t n_ch, double rate, enum spectrum_window w)
{
	struct spectrum_config cfg;
	spectrum_config_default(&cfg);
	cfg.window = w;
	const char *err = NULL;
	struct spectrum *s = spectrum_create(n_ch, rate, &cfg, &err);
	if (!s)
		fail_msg("spectrum_create: %s", err);
	return s;
}

/* Feeds the same mono signal to every channel, in blocks. */
static void feed(struct spectrum *s, uint32_t n_ch, const float *x, size_t n, uint32_t block)
{
	const float *bufs[SPECTRUM_MAX_CHANNELS];
	for (size_t off = 0; off < n; off += block) {
		uint32_t len = (uint32_t)(n - off < block ? n - off : block);
		for (uint32_t c = 0; c < n_ch; c++)
			bufs[c] = x + off;
		spectrum_process(s, bufs, len);
	}
}

/* Raw band level of a steady sine after enough frames to fill the history. */
static struct spectrum_frame sine_frame(double rate, enum spectrum_window w, double freq,
					double amp, double phase)
{
	struct spectrum *s = make(1, rate, w);
	size_t n = 4 * SPECTRUM_SIZE + 300;
	float *x = alloc_frames(n);
	tu_sine(x, n, rate, freq, amp, phase);
	feed(s, 1, x, n, 256);
	struct spectrum_frame f;
	assert_true(spectrum_read(s, &f));
	free(x);
	spectrum_destroy(s);
	return f;
}

static void test_full_scale_1khz_reads_0_dbfs_in_its_band(void **state)
{
	(void)state;
	static const char *const names[] = { "Hann", "Blackman-Harris" };
	for (int w = 0; w < 2; w++) {
		struct spectrum_frame f = sine_frame(RATE, (enum spectrum_window)w, 1000.0, 1.0, 0.3);
		double away = fmax(f.raw_db[B_1K - 3], f.raw_db[B_1K + 3]);
		print_message("%s: 1 kHz 0 dBFS sine reads %+.4f dBFS; 3 bands away %.1f dB\n",
			      names[w], f.raw_db[B_1K], away);
		assert_true(fabs(f.raw_db[B_1K]) <= 0.1);
		if (w == SPECTRUM_BLACKMAN_HARRIS)
			assert_true(away <= f.raw_db[B_1K] - 40.0);
	}
}

/* FFTW_MEASURE may pick another algorithm; the calibration must not move. */
static void test_measured_fft_plan_reads_the_same(void **state)
{
	(void)state;
	struct spectrum_config cfg;
	spectrum_config_default(&cfg);
	cfg.measure_fft = true;
	struct spectrum *s = spectrum_create(1, RATE, &cfg, NULL);
	assert_non_null(s);
	size_t n = 4 * SPECTRUM_SIZE;
	float *x = alloc_frames(n);
	tu_sine(x, n, RATE, 1000.0, 1.0, 0.3);
	feed(s, 1, x, n, 512);
	struct spectrum_frame f;
	assert_true(spectrum_read(s, &f));
	print_message("FFTW_MEASURE plan: 1 kHz 0 dBFS sine reads %+.4f dBFS\n", f.raw_db[B_1K]);
	assert_true(fabs(f.raw_db[B_1K]) <= 0.1);
	free(x);
	spectrum_destroy(s);
}

static void test_minus_60_dbfs_sine_reads_minus_60(void **state)
{
	(void)state;
	for (int w = 0; w < 2; w++) {
		struct spectrum_frame f = sine_frame(RATE, (enum spectrum_window)w, 1000.0, 1e-3, 1.0);
		print_message("window %d: -60 dBFS sine reads %+.4f dBFS\n", w, f.raw_db[B_1K]);
		assert_true(fabs(f.raw_db[B_1K] - -60.0) <= 0.2);
	}
}

/*
 * Band centres sit anywhere between bins; the power sum must not care.  The
 * lowest frequency is 50 Hz at 44.1 and 48 kHz but 100 Hz at 96 kHz: below
 * about 1.7 bins a sine's window lobe overlaps its own mirror image at
 * negative frequency and its reading depends on its phase (see spectrum.h).
 */
static void test_full_scale_sine_at_band_centres_reads_0_dbfs(void **state)
{
	(void)state;
	static const double rates[] = { 44100.0, 48000.0, 96000.0 };
	static const double freqs[3][4] = {
		{ 50.0, 100.0, 1000.0, 10000.0 },
		{ 50.0, 100.0, 1000.0, 10000.0 },
		{ 100.0, 125.0, 1000.0, 10000.0 },
	};
	double worst = 0.0;
	for (size_t r = 0; r < 3; r++)
		for (size_t i = 0; i < 4; i++)
			for (int p = 0; p < 8; p++) {
				double f = freqs[r][i];
				struct spectrum_frame fr = sine_frame(rates[r], SPECTRUM_HANN, f, 1.0,
								      p * 3.14159265358979 / 8);
				double got = fr.raw_db[band_of(f)];
				if (fabs(got) > fabs(worst))
					worst = got;
				if (fabs(got) > 0.1)
					print_message("%g Hz at %g Hz, phase %d pi/8: %+.4f dBFS\n",
						      f, rates[r], p, got);
				assert_true(fabs(got) <= 0.1);
			}
	print_message("Hann, 50 Hz .. 10 kHz at 44.1/48/96 kHz, 8 phases: worst %+.4f dB\n",
		      worst);
	worst = 0.0;
	static const double bh[] = { 63.0, 100.0, 1000.0, 10000.0 };
	for (size_t i = 0; i < 4; i++) {
		struct spectrum_frame fr = sine_frame(RATE, SPECTRUM_BLACKMAN_HARRIS, bh[i], 1.0, 0.7);
		double got = fr.raw_db[band_of(bh[i])];
		if (fabs(got) > fabs(worst))
			worst = got;
		assert_true(fabs(got) <= 0.1);
	}
	print_message("Blackman-Harris, 63 Hz .. 10 kHz at 48 kHz: worst %+.4f dB\n", worst);
}

static void test_sine_in_one_of_two_channels_reads_6_db_lower(void **state)
{
	(void)state;
	struct spectrum *s = make(2, RATE, SPECTRUM_HANN);
	size_t n = 3 * SPECTRUM_SIZE;
	float *x = alloc_frames(n), *z = alloc_frames(n);
	tu_sine(x, n, RATE, 1000.0, 1.0, 0.0);
	for (size_t off = 0; off < n; off += 512) {
		const float *bufs[2] = { x + off, z + off };
		spectrum_process(s, bufs, 512);
	}
	struct spectrum_frame f;
	assert_true(spectrum_read(s, &f));
	print_message("sine in one channel of two: %+.4f dBFS\n", f.raw_db[B_1K]);
	assert_true(fabs(f.raw_db[B_1K] - tu_db(0.5)) <= 0.1);
	free(x);
	free(z);
	spectrum_destroy(s);
}

static void test_one_transform_per_hop_or_per_larger_block(void **state)
{
	(void)state;
	static const uint32_t blocks[] = { 64, 128, 256, 512, 1024, 2048, 4096 };
	float *x = alloc_frames(4096);
	for (size_t i = 0; i < sizeof(blocks) / sizeof(blocks[0]); i++) {
		uint32_t block = blocks[i];
		struct spectrum *s = make(1, RATE, SPECTRUM_HANN);
		struct spectrum_frame f;
		uint32_t per = block < SPECTRUM_HOP ? SPECTRUM_HOP / block : 1;
		for (uint32_t k = 1; k <= 40 * per; k++) {
			const float *bufs[1] = { x };
			spectrum_process(s, bufs, block);
			bool fresh = spectrum_read(s, &f);
			/* a transform exactly when a hop's worth has arrived */
			assert_true(fresh == (k % per == 0));
			assert_true(f.seq == k / per);
			if (fresh)
				assert_true(f.frames == (uint64_t)k * block);
		}
		print_message("blocks of %4u: %llu transforms in %u frames\n", block,
			      (unsigned long long)f.seq, 40 * per * block);
		spectrum_destroy(s);
	}
	free(x);
}

static void check_all_floor(const struct spectrum_frame *f)
{
	for (uint32_t b = 0; b < SPECTRUM_BANDS; b++) {
		assert_true(f->raw_db[b] == (float)SPECTRUM_FLOOR_DB);
		assert_true(f->band_db[b] == (float)SPECTRUM_FLOOR_DB);
		assert_true(f->peak_db[b] == (float)SPECTRUM_FLOOR_DB);
	}
}

static void test_silence_reads_the_floor(void **state)
{
	(void)state;
	struct spectrum *s = make(2, RATE, SPECTRUM_BLACKMAN_HARRIS);
	struct spectrum_frame f;
	assert_false(spectrum_read(s, &f)); /* nothing transformed yet */
	assert_true(f.seq == 0);
	check_all_floor(&f);
	float *z = alloc_frames(8192);
	const float *bufs[2] = { z, z };
	spectrum_process(s, bufs, 8192);
	assert_true(spectrum_read(s, &f));
	assert_true(f.seq == 1 && f.frames == 8192);
	check_all_floor(&f);
	assert_false(spectrum_read(s, &f)); /* no news */
	free(z);
	spectrum_destroy(s);
}

/*
 * Records band B_1K of every transform while a signal plays in hop-sized
 * blocks: silence, tone, silence.
 */
struct trace {
	size_t n;
	float raw[400], band[400], peak[400];
	uint64_t frames[400];
};

static void run_burst(struct spectrum *s, struct trace *t, size_t silent1, size_t tone,
		      size_t silent2)
{
	size_t n = silent1 + tone + silent2;
	float *x = alloc_frames(n);
	tu_sine(x + silent1, tone, RATE, 1000.0, 1.0, 0.0);
	t->n = 0;
	for (size_t off = 0; off + SPECTRUM_HOP <= n && t->n < 400; off += SPECTRUM_HOP) {
		const float *bufs[1] = { x + off };
		spectrum_process(s, bufs, SPECTRUM_HOP);
		struct spectrum_frame f;
		assert_true(spectrum_read(s, &f));
		t->raw[t->n] = f.raw_db[B_1K];
		t->band[t->n] = f.band_db[B_1K];
		t->peak[t->n] = f.peak_db[B_1K];
		t->frames[t->n] = f.frames;
		t->n++;
	}
	free(x);
}

static void test_level_rises_at_attack_and_falls_at_release_rate(void **state)
{
	(void)state;
	struct spectrum_config cfg;
	spectrum_config_default(&cfg);
	cfg.attack_ms = 50.0;
	cfg.release_ms = 300.0;
	struct spectrum *s = spectrum_create(1, RATE, &cfg, NULL);
	assert_non_null(s);
	static struct trace t;
	run_burst(s, &t, 24576, 48128, 96256); /* 48 + 94 + 188 hops */
	double dt = SPECTRUM_HOP / RATE;
	double up = exp(-dt / 0.050), down = exp(-dt / 0.300);
	double worst_up = 0, worst_down = 0;
	int n_up = 0, n_down = 0;
	for (size_t k = 1; k < t.n; k++) {
		/* the gap to the raw level shrinks by exp(-dt / tau) per transform */
		double before = (double)t.raw[k] - t.band[k - 1];
		double after = (double)t.raw[k] - t.band[k];
		if (fabs(before) < 0.01)
			continue;
		double ratio = after / before;
		if (before > 0) {
			worst_up = fmax(worst_up, fabs(ratio - up));
			n_up++;
		} else {
			worst_down = fmax(worst_down, fabs(ratio - down));
			n_down++;
		}
	}
	print_message("per-hop gap factor: rising %.5f (theory %.5f, %d hops, worst dev %.1e), "
		      "falling %.5f (theory %.5f, %d hops, worst dev %.1e)\n",
		      up, up, n_up, worst_up, down, down, n_down, worst_down);
	assert_true(n_up >= 10 && n_down >= 30);
	assert_true(worst_up < 1e-3 && worst_down < 1e-3);

	/* in time: 0.5 s after the tone stops, the display has fallen by
	 * 150 (1 - e^(-0.5 / 0.3)) dB, give or take the window's own tail */
	size_t stop = (24576 + 48128) / SPECTRUM_HOP, k = stop + 47; /* 0.501 s */
	double want = -150.0 + 150.0 * exp(-((double)t.frames[k] - (24576 + 48128)) / RATE / 0.3);
	print_message("0.5 s after the tone: %.2f dBFS, theory %.2f\n", t.band[k], want);
	assert_true(fabs(t.band[k] - want) < 6.0);
	spectrum_destroy(s);
}

static void test_peak_holds_then_decays(void **state)
{
	(void)state;
	struct spectrum_config cfg;
	spectrum_config_default(&cfg);
	cfg.hold_ms = 200.0;
	cfg.decay_db_per_s = 50.0;
	struct spectrum *s = spectrum_create(1, RATE, &cfg, NULL);
	assert_non_null(s);
	static struct trace t;
	run_burst(s, &t, 4096, 24576, 192512);
	/* the last raise while the tone played: the peak met the raw level */
	size_t r = 0;
	for (size_t k = 0; k < t.n; k++)
		if (t.raw[k] > -20.0f && t.peak[k] == t.raw[k])
			r = k;
	float held = t.peak[r];
	assert_true(fabs(held) < 0.1);
	int n_held = 0, n_decay = 0;
	for (size_t k = r + 1; k < t.n; k++) {
		double since = (double)(t.frames[k] - t.frames[r]) / RATE;
		double want = held - 50.0 * fmax(0.0, since - 0.2);
		if (want <= t.raw[k])
			break; /* reached the floor: lifted to the raw level from here */
		if (since <= 0.2)
			n_held++;
		else
			n_decay++;
		assert_true(fabs(t.peak[k] - want) < 1e-3);
	}
	print_message("peak %.3f dBFS held for %d transforms (200 ms), then fell at 50 dB/s "
		      "for %d transforms to the floor\n", held, n_held, n_decay);
	assert_true(n_held == 18 && n_decay > 250);
	assert_true(t.peak[t.n - 1] == (float)SPECTRUM_FLOOR_DB);
	spectrum_destroy(s);
}

static void test_reset_forgets_history_smoothing_and_peaks(void **state)
{
	(void)state;
	struct spectrum *s = make(1, RATE, SPECTRUM_HANN);
	size_t n = 4 * SPECTRUM_SIZE;
	float *x = alloc_frames(n);
	tu_sine(x, n, RATE, 1000.0, 1.0, 0.0);
	feed(s, 1, x, n, 512);
	struct spectrum_frame f;
	assert_true(spectrum_read(s, &f));
	uint64_t seq = f.seq;
	assert_true(f.band_db[B_1K] > -1.0f);
	spectrum_reset(s);
	memset(x, 0, n * sizeof(*x));
	feed(s, 1, x, 512, 512);
	assert_true(spectrum_read(s, &f));
	assert_true(f.seq == seq + 1);
	check_all_floor(&f);
	free(x);
	spectrum_destroy(s);
}

static void test_nan_and_inf_input_do_not_poison(void **state)
{
	(void)state;
	struct spectrum *s = make(1, RATE, SPECTRUM_HANN);
	size_t n = 8 * SPECTRUM_SIZE;
	float *x = alloc_frames(n);
	tu_sine(x, n, RATE, 1000.0, 0.5, 0.0);
	x[1000] = NAN;
	x[3000] = INFINITY;
	feed(s, 1, x, n, 512);
	struct spectrum_frame f;
	assert_true(spectrum_read(s, &f));
	for (uint32_t b = 0; b < SPECTRUM_BANDS; b++)
		assert_true(isfinite(f.raw_db[b]) && isfinite(f.band_db[b]) && isfinite(f.peak_db[b]));
	assert_true(fabs(f.raw_db[B_1K] - tu_db(0.5)) < 0.1);
	assert_true(fabs(f.band_db[B_1K] - tu_db(0.5)) < 0.1);
	free(x);
	spectrum_destroy(s);
}

struct race {
	struct spectrum *s;
	uint32_t n_blocks;
	atomic_bool done;
};

static void *race_writer(void *arg)
{
	struct race *r = arg;
	float x[SPECTRUM_HOP];
	tu_sine(x, SPECTRUM_HOP, RATE, 375.0, 0.5, 0.0); /* whole periods per hop */
	for (uint32_t k = 0; k < r->n_blocks; k++) {
		const float *bufs[1] = { x };
		spectrum_process(r->s, bufs, SPECTRUM_HOP);
	}
	atomic_store_explicit(&r->done, true, memory_order_release);
	return NULL;
}

/* A reader running beside the audio thread sees whole frames (frames and seq
 * agree) in order. */
static void test_reader_beside_the_audio_thread_sees_whole_frames(void **state)
{
	(void)state;
	struct race r = { .n_blocks = 5000 };
	r.s = make(1, RATE, SPECTRUM_HANN);
	atomic_init(&r.done, false);
	pthread_t t;
	assert_int_equal(pthread_create(&t, NULL, race_writer, &r), 0);
	uint64_t last = 0, fresh_reads = 0;
	bool finished = false;
	while (!finished) {
		finished = atomic_load_explicit(&r.done, memory_order_acquire);
		struct spectrum_frame f;
		if (spectrum_read(r.s, &f)) {
			fresh_reads++;
			assert_true(f.seq > last);
			assert_true(f.frames == f.seq * SPECTRUM_HOP);
			last = f.seq;
		}
	}
	assert_int_equal(pthread_join(t, NULL), 0);
	struct spectrum_frame f;
	spectrum_read(r.s, &f);
	assert_true(f.seq == r.n_blocks);
	print_message("%llu fresh frames read while %u were published\n",
		      (unsigned long long)fresh_reads, r.n_blocks);
	spectrum_destroy(r.s);
}

static void test_create_rejects_bad_arguments(void **state)
{
	(void)state;
	const char *err = NULL;
	assert_null(spectrum_create(0, RATE, NULL, &err));
	assert_non_null(strstr(err, "channels"));
	err = NULL;
	assert_null(spectrum_create(9, RATE, NULL, &err));
	assert_non_null(strstr(err, "channels"));
	static const double bad_rates[] = { 0.0, -1.0, 4000.0, 1e6, NAN };
	for (size_t i = 0; i < sizeof(bad_rates) / sizeof(bad_rates[0]); i++) {
		err = NULL;
		assert_null(spectrum_create(2, bad_rates[i], NULL, &err));
		assert_non_null(strstr(err, "rate"));
	}
	struct spectrum_config cfg;
	static const char *const fields[] = { "window", "attack_ms", "release_ms", "hold_ms",
					      "decay_db_per_s", "decay_db_per_s" };
	for (int i = 0; i < 6; i++) {
		spectrum_config_default(&cfg);
		switch (i) {
		case 0: cfg.window = (enum spectrum_window)7; break;
		case 1: cfg.attack_ms = -1.0; break;
		case 2: cfg.release_ms = 20000.0; break;
		case 3: cfg.hold_ms = NAN; break;
		case 4: cfg.decay_db_per_s = 0.0; break;
		default: cfg.decay_db_per_s = INFINITY; break;
		}
		err = NULL;
		assert_null(spectrum_create(2, RATE, &cfg, &err));
		assert_non_null(strstr(err, fields[i]));
	}
	assert_null(spectrum_create(0, RATE, NULL, NULL));
	struct spectrum *s = spectrum_create(8, 8000.0, NULL, &err);
	assert_non_null(s);
	spectrum_destroy(s);
	spectrum_destroy(NULL);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_full_scale_1khz_reads_0_dbfs_in_its_band),
		cmocka_unit_test(test_measured_fft_plan_reads_the_same),
		cmocka_unit_test(test_minus_60_dbfs_sine_reads_minus_60),
		cmocka_unit_test(test_full_scale_sine_at_band_centres_reads_0_dbfs),
		cmocka_unit_test(test_sine_in_one_of_two_channels_reads_6_db_lower),
		cmocka_unit_test(test_one_transform_per_hop_or_per_larger_block),
		cmocka_unit_test(test_silence_reads_the_floor),
		cmocka_unit_test(test_level_rises_at_attack_and_falls_at_release_rate),
		cmocka_unit_test(test_peak_holds_then_decays),
		cmocka_unit_test(test_reset_forgets_history_smoothing_and_peaks),
		cmocka_unit_test(test_nan_and_inf_input_do_not_poison),
		cmocka_unit_test(test_reader_beside_the_audio_thread_sees_whole_frames),
		cmocka_unit_test(test_create_rejects_bad_arguments),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
