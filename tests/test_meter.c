/*
 * Meters against theory: a sine of amplitude A has peak A and RMS A / sqrt 2;
 * the RMS is the mean square over a rectangular window of the stated length;
 * every sample at or beyond full scale is counted once; each read returns
 * the maxima since the previous read, also while the audio thread runs.
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

#include "libdsp/meter.h"
#include "tests/dsp_testutil.h"

#define RATE 48000.0

static float *alloc_frames(size_t n)
{
	float *x = calloc(n, sizeof(*x));
	assert_non_null(x);
	return x;
}

/* Fixed-seed uniform noise in [-amp, amp). */
static void noise(float *x, size_t n, double amp, uint64_t *seed)
{
	for (size_t i = 0; i < n; i++) {
		*seed = *seed * 6364136223846793005ULL + 1442695040888963407ULL;
		double u = (double)(*seed >> 11) / 9007199254740992.0;
		x[i] = (float)(amp * (2.0 * u - 1.0));
	}
}

static void feed_mono(struct meter *m, const float *x, size_t n, uint32_t block)
{
	for (size_t off = 0; off < n; off += block) {
		uint32_t len = (uint32_t)(n - off < block ? n - off : block);
		const float *bufs[1] = { x + off };
		meter_process(m, bufs, len);
	}
}

static struct meter_reading read1(struct meter *m)
{
	struct meter_reading r;
	assert_int_equal(meter_read(m, &r, 1), 1);
	return r;
}

static void check_sine_level(double amp_db, uint32_t block)
{
	struct meter *m = meter_create(1, RATE, 0.0, NULL);
	assert_non_null(m);
	size_t n = 48000;
	float *x = alloc_frames(n);
	tu_sine(x, n, RATE, 997.0, pow(10.0, amp_db / 20.0), 0.1);
	feed_mono(m, x, n, block);
	struct meter_reading r = read1(m);
	print_message("%+.0f dBFS sine, blocks of %u: peak %.4f dBFS, RMS %.4f dBFS\n",
		      amp_db, block, r.peak_dbfs, r.rms_dbfs);
	assert_true(fabs(r.peak_dbfs - amp_db) <= 0.01);
	assert_true(fabs(r.rms_dbfs - (amp_db - 3.0103)) <= 0.01);
	assert_true(fabs(r.peak_dbfs - tu_db(r.peak)) < 1e-4);
	free(x);
	meter_destroy(m);
}

static void test_full_scale_sine_reads_0_peak_and_minus_3_01_rms(void **state)
{
	(void)state;
	check_sine_level(0.0, 256);
	check_sine_level(0.0, 1000);
}

static void test_minus_20_dbfs_sine_reads_minus_20_and_minus_23_01(void **state)
{
	(void)state;
	check_sine_level(-20.0, 64);
	check_sine_level(-20.0, 17);
}

/* A tone burst half as long as the window: the largest windowed mean square
 * is half the tone's, so the RMS reads 3.01 dB under the tone's own RMS. */
static void test_rms_window_has_the_stated_length(void **state)
{
	(void)state;
	struct meter *m = meter_create(1, RATE, 100.0, NULL); /* 4800 frames */
	assert_non_null(m);
	size_t n = 48000;
	float *x = alloc_frames(n);
	tu_sine(x, 2400, RATE, 1000.0, 1.0, 0.0); /* 50 whole periods */
	feed_mono(m, x, n, 128);
	struct meter_reading r = read1(m);
	double want = tu_db(1.0 / sqrt(2.0) * sqrt(0.5));
	print_message("burst of half a window: RMS %.4f dBFS, theory %.4f\n", r.rms_dbfs, want);
	assert_true(fabs(r.rms_dbfs - want) <= 0.01);
	free(x);
	meter_destroy(m);
}

static void test_clipped_count_is_exact(void **state)
{
	(void)state;
	struct meter *m = meter_create(2, RATE, 0.0, NULL);
	assert_non_null(m);
	size_t n = 20000;
	float *a = alloc_frames(n), *b = alloc_frames(n);
	uint64_t seed = 1;
	noise(a, n, 0.99, &seed);
	noise(b, n, 0.99, &seed);
	/* at and beyond full scale, both signs: counted; just under: not */
	static const float over[] = { 1.0f, -1.0f, 1.5f, -3.0f, 1.0000001f };
	uint64_t want = 0;
	for (size_t i = 0; i < 1000; i++) {
		a[i * 19 + 7] = over[i % 5];
		want++;
	}
	for (size_t i = 0; i < 500; i++)
		a[i * 37 + 3] = (i & 1) ? 0.99999994f : -0.99999994f;
	for (size_t i = 0; i < 12; i++)
		b[i * 1000 + 999] = -1.25f;
	for (size_t off = 0; off < n; off += 333) {
		uint32_t len = (uint32_t)(n - off < 333 ? n - off : 333);
		const float *bufs[2] = { a + off, b + off };
		meter_process(m, bufs, len);
	}
	/* the two overwrite loops may hit the same index: recount from the data */
	want = 0;
	for (size_t i = 0; i < n; i++)
		want += fabsf(a[i]) >= 1.0f;
	struct meter_reading r[2];
	assert_int_equal(meter_read(m, r, 2), 2);
	print_message("clipped: %llu counted, %llu in the signal\n",
		      (unsigned long long)r[0].clipped, (unsigned long long)want);
	assert_true(r[0].clipped == want);
	assert_true(r[1].clipped == 12);
	assert_true(r[0].peak == 3.0f && r[1].peak == 1.25f);
	/* a monotonic total: reading does not reset it */
	assert_int_equal(meter_read(m, r, 2), 2);
	assert_true(r[0].clipped == want && r[1].clipped == 12);
	free(a);
	free(b);
	meter_destroy(m);
}

static void test_each_read_returns_the_maximum_since_the_previous_read(void **state)
{
	(void)state;
	struct meter *m = meter_create(1, RATE, 100.0, NULL);
	assert_non_null(m);
	float loud[512], quiet[512];
	tu_sine(loud, 512, RATE, 750.0, 0.9, 0.0);
	tu_sine(quiet, 512, RATE, 750.0, 0.1, 0.0);

	for (int i = 0; i < 20; i++)
		feed_mono(m, loud, 512, 512);
	for (int i = 0; i < 3; i++)
		feed_mono(m, quiet, 512, 512);
	struct meter_reading r1 = read1(m);
	assert_true(fabsf(r1.peak - 0.9f) < 1e-3f);
	assert_true(fabs(r1.rms_dbfs - tu_db(0.9 / sqrt(2.0))) < 0.01);

	for (int i = 0; i < 20; i++) /* two windows of quiet */
		feed_mono(m, quiet, 512, 512);
	struct meter_reading r2 = read1(m);
	assert_true(fabsf(r2.peak - 0.1f) < 1e-3f);
	/* the window still held loud frames just after the first read */
	assert_true(r2.rms > 0.1f);

	for (int i = 0; i < 5; i++)
		feed_mono(m, quiet, 512, 512);
	struct meter_reading r3 = read1(m);
	print_message("reads: peak %.3f / %.3f / %.3f, RMS %.2f / %.2f / %.2f dBFS\n",
		      r1.peak, r2.peak, r3.peak, r1.rms_dbfs, r2.rms_dbfs, r3.rms_dbfs);
	assert_true(fabsf(r3.peak - 0.1f) < 1e-3f);
	assert_true(fabs(r3.rms_dbfs - tu_db(0.1 / sqrt(2.0))) < 0.01);

	struct meter_reading r4 = read1(m); /* nothing since */
	assert_true(r4.peak == 0.0f && r4.rms == 0.0f);
	assert_true(r4.peak_dbfs == (float)METER_FLOOR_DB && r4.rms_dbfs == (float)METER_FLOOR_DB);
	meter_destroy(m);
}

/* The sliding RMS must equal the definition, computed here in double over
 * the same frames, after a long run of loud and quiet stretches (no
 * accumulated error), and a window after silence begins it reads exactly 0. */
static void test_rms_matches_its_definition_after_a_long_run(void **state)
{
	(void)state;
	struct meter *m = meter_create(1, RATE, 50.0, NULL); /* 2400 frames, 37.5 chunks -> 38 */
	assert_non_null(m);
	size_t window = 38 * METER_CHUNK;
	size_t seg = 24000, n_seg = 60; /* 30 s */
	float *x = alloc_frames(seg * n_seg + 10 * window);
	uint64_t seed = 7;
	for (size_t s = 0; s < n_seg; s++)
		noise(x + s * seg, seg, (s & 1) ? 1e-4 : 1.0, &seed);
	size_t n = seg * n_seg;
	feed_mono(m, x, n - 640, 480);
	read1(m);
	feed_mono(m, x + n - 640, 640, 480); /* ten chunk evaluations */
	struct meter_reading r = read1(m);
	double want = 0;
	for (size_t end = n - 640 + METER_CHUNK; end <= n; end += METER_CHUNK)
		want = fmax(want, tu_rms(x + end - window, window));
	double rel = fabs(r.rms - want) / want;
	print_message("sliding RMS after 30 s: %.7g, definition %.7g, relative error %.1e\n",
		      r.rms, want, rel);
	assert_true(rel < 1e-6);

	/* loud then silence: after a window the sum must be exactly empty */
	noise(x, seg, 1.0, &seed);
	feed_mono(m, x, seg, 512);
	memset(x, 0, 3 * window * sizeof(*x));
	feed_mono(m, x, 2 * window, 512);
	read1(m);
	feed_mono(m, x, window, 512);
	r = read1(m);
	assert_true(r.rms == 0.0f && r.peak == 0.0f);
	free(x);
	meter_destroy(m);
}

static void test_nan_and_inf_are_counted_and_do_not_poison(void **state)
{
	(void)state;
	struct meter *m = meter_create(1, RATE, 20.0, NULL);
	assert_non_null(m);
	float x[4800]; /* 100 periods: blocks join seamlessly */
	tu_sine(x, 4800, RATE, 1000.0, 0.5, 0.0);
	x[100] = NAN;
	x[200] = INFINITY;
	x[300] = -INFINITY;
	x[400] = 1e20f;
	feed_mono(m, x, 4800, 256);
	struct meter_reading r = read1(m);
	assert_true(r.clipped == 4);
	assert_true(isfinite(r.peak) && r.peak <= 0.5f);
	assert_true(isfinite(r.rms));
	tu_sine(x, 4800, RATE, 1000.0, 0.5, 0.0);
	feed_mono(m, x, 4800, 256);
	feed_mono(m, x, 4800, 256);
	read1(m);
	feed_mono(m, x, 4800, 256);
	r = read1(m);
	print_message("after NaN/inf: peak %.4f rms %.4f dBFS\n", r.peak_dbfs, r.rms_dbfs);
	assert_true(fabs(r.rms_dbfs - tu_db(0.5 / sqrt(2.0))) < 0.01);
	meter_destroy(m);
}

struct race {
	struct meter *m;
	uint32_t n_blocks;
	bool increasing;
	atomic_bool done;
};

/* Block k's peak on channel 0: strictly monotonic in k. */
static float race_peak(const struct race *r, uint32_t k)
{
	uint32_t i = r->increasing ? k + 1 : r->n_blocks - k;
	return 0.9f * (float)i / (float)r->n_blocks;
}

/* Channel 0 carries the peaks, channel 1 exactly one clipped sample per
 * block. */
static void *race_writer(void *arg)
{
	struct race *r = arg;
	float a[32], b[32];
	for (uint32_t k = 0; k < r->n_blocks; k++) {
		memset(a, 0, sizeof(a));
		memset(b, 0, sizeof(b));
		a[k % 32] = race_peak(r, k);
		b[(k + 5) % 32] = (k & 1) ? -1.0f : 1.0f;
		const float *bufs[2] = { a, b };
		meter_process(r->m, bufs, 32);
	}
	atomic_store_explicit(&r->done, true, memory_order_release);
	return NULL;
}

/* Reads until the writer is done, then once more; returns the number of
 * reads that saw a peak.  *first and *last get the first and last peaks
 * seen; every peak seen must move strictly in the writer's direction (a
 * lost reset would return an old maximum again). */
static uint64_t race_run(struct race *r, float *first, float *last)
{
	r->m = meter_create(2, RATE, 0.0, NULL);
	assert_non_null(r->m);
	atomic_init(&r->done, false);
	pthread_t t;
	assert_int_equal(pthread_create(&t, NULL, race_writer, r), 0);
	uint64_t seen = 0, last_clipped = 0;
	float prev = 0.0f;
	for (bool finished = false, joined = false; !joined;) {
		if (finished) {
			assert_int_equal(pthread_join(t, NULL), 0);
			joined = true;
		}
		finished = atomic_load_explicit(&r->done, memory_order_acquire);
		struct meter_reading rd[2];
		assert_int_equal(meter_read(r->m, rd, 2), 2);
		assert_true(rd[1].clipped >= last_clipped);
		last_clipped = rd[1].clipped;
		if (rd[0].peak == 0.0f)
			continue;
		if (seen++ == 0)
			*first = rd[0].peak;
		else if (r->increasing)
			assert_true(rd[0].peak > prev);
		else
			assert_true(rd[0].peak < prev);
		prev = rd[0].peak;
	}
	*last = prev;
	assert_true(last_clipped == r->n_blocks);

	/* the meter is reset by the last read: a small peak shows on its own */
	float a[32] = { 0.001f }, b[32] = { 0 };
	const float *bufs[2] = { a, b };
	meter_process(r->m, bufs, 32);
	struct meter_reading rd[2];
	assert_int_equal(meter_read(r->m, rd, 2), 2);
	assert_true(rd[0].peak == 0.001f);
	meter_destroy(r->m);
	return seen;
}

/* Rising peaks: the largest (the last block's) must reach a read. */
static void test_concurrent_reads_lose_no_maximum(void **state)
{
	(void)state;
	struct race r = { .n_blocks = 50000, .increasing = true };
	float first = 0, last = 0;
	uint64_t seen = race_run(&r, &first, &last);
	print_message("rising peaks: %llu reads saw a peak, the last %.6f\n",
		      (unsigned long long)seen, last);
	assert_true(last == race_peak(&r, r.n_blocks - 1));
}

/* Falling peaks: the first read must see the first block's, and no value
 * may come back twice. */
static void test_concurrent_reads_lose_no_reset(void **state)
{
	(void)state;
	struct race r = { .n_blocks = 50000, .increasing = false };
	float first = 0, last = 0;
	uint64_t seen = race_run(&r, &first, &last);
	print_message("falling peaks: %llu reads saw a peak, each a new one\n",
		      (unsigned long long)seen);
	assert_true(first == race_peak(&r, 0));
}

static void test_create_rejects_bad_arguments(void **state)
{
	(void)state;
	const char *err = NULL;
	assert_null(meter_create(0, RATE, 0.0, &err));
	assert_non_null(strstr(err, "channels"));
	assert_null(meter_create(9, RATE, 0.0, &err));
	assert_non_null(strstr(err, "channels"));
	err = NULL;
	assert_null(meter_create(2, 0.0, 0.0, &err));
	assert_non_null(strstr(err, "rate"));
	err = NULL;
	assert_null(meter_create(2, NAN, 0.0, &err));
	assert_non_null(strstr(err, "rate"));
	static const double bad_windows[] = { -1.0, 5.0, 3001.0, NAN, INFINITY };
	for (size_t i = 0; i < sizeof(bad_windows) / sizeof(bad_windows[0]); i++) {
		err = NULL;
		assert_null(meter_create(2, RATE, bad_windows[i], &err));
		assert_non_null(strstr(err, "window"));
	}
	assert_null(meter_create(0, RATE, 0.0, NULL));
	struct meter *m = meter_create(8, 8000.0, 10.0, &err);
	assert_non_null(m);
	assert_int_equal(meter_channels(m), 8);
	meter_destroy(m);
	meter_destroy(NULL);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_full_scale_sine_reads_0_peak_and_minus_3_01_rms),
		cmocka_unit_test(test_minus_20_dbfs_sine_reads_minus_20_and_minus_23_01),
		cmocka_unit_test(test_rms_window_has_the_stated_length),
		cmocka_unit_test(test_clipped_count_is_exact),
		cmocka_unit_test(test_each_read_returns_the_maximum_since_the_previous_read),
		cmocka_unit_test(test_rms_matches_its_definition_after_a_long_run),
		cmocka_unit_test(test_nan_and_inf_are_counted_and_do_not_poison),
		cmocka_unit_test(test_concurrent_reads_lose_no_maximum),
		cmocka_unit_test(test_concurrent_reads_lose_no_reset),
		cmocka_unit_test(test_create_rejects_bad_arguments),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
