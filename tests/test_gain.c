/*
 * Volume, mute and trim against theory: a steady gain scales a sine by
 * 10^(dB/20); a ramp is linear in dB, lands on its target on its last frame
 * and never steps faster than its slope; mute ends at exact zero.
 */
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <setjmp.h>
#include <cmocka.h>

#include <errno.h>
#include <math.h>
#include <stdlib.h>
#include <string.h>

#include "libdsp/gain.h"
#include "tests/dsp_testutil.h"

#define RATE 48000.0

static float *alloc_frames(size_t n)
{
	float *x = calloc(n, sizeof(*x));
	assert_non_null(x);
	return x;
}

static void fill(float *x, size_t n, float v)
{
	for (size_t i = 0; i < n; i++)
		x[i] = v;
}

/* Processes one channel of n frames in blocks of `block` frames. */
static void run_mono(struct gain *g, float *x, size_t n, uint32_t block)
{
	for (size_t off = 0; off < n; off += block) {
		uint32_t len = (uint32_t)(n - off < block ? n - off : block);
		float *bufs[1] = { x + off };
		gain_process(g, bufs, len);
	}
}

static struct gain *mono_at(double db)
{
	struct gain *g = gain_create(1, RATE, NULL);
	assert_non_null(g);
	assert_int_equal(gain_set_volume(g, db, 0.0), 0);
	return g;
}

static double db_gain(double db)
{
	return pow(10.0, db / 20.0);
}

static void test_starts_silent(void **state)
{
	(void)state;
	struct gain *g = gain_create(2, RATE, NULL);
	assert_non_null(g);
	float *a = alloc_frames(512), *b = alloc_frames(512);
	tu_sine(a, 512, RATE, 1000.0, 1.0, 0.0);
	tu_sine(b, 512, RATE, 440.0, 1.0, 0.0);
	float *bufs[2] = { a, b };
	gain_process(g, bufs, 512);
	assert_true(tu_peak(a, 512) == 0.0 && tu_peak(b, 512) == 0.0);
	assert_true(isinf(gain_current_db(g)) && gain_current_db(g) < 0);
	free(a);
	free(b);
	gain_destroy(g);
}

static void test_steady_minus_6_02_db_halves_amplitude(void **state)
{
	(void)state;
	struct gain *g = mono_at(-6.02);
	size_t n = 4800;
	float *x = alloc_frames(n);
	tu_sine(x, n, RATE, 997.0, 0.9, 0.3);
	run_mono(g, x, n, 512);
	double measured = tu_db(tu_amplitude_at(x, n, RATE, 997.0) / 0.9);
	print_message("volume -6.02 dB measures %.5f dB (half amplitude is %.5f dB)\n",
		      measured, tu_db(0.5));
	assert_true(fabs(measured - -6.02) <= 0.001);
	assert_true(fabs(measured - tu_db(0.5)) <= 0.001);
	assert_true(fabs(gain_current_db(g) - -6.02) < 1e-12);
	free(x);
	gain_destroy(g);
}

/* A DC input of 1.0 makes the output the gain trajectory itself. */
static void check_db_ramp(struct gain *g, double from_db, double to_db, uint32_t ramp,
			  uint32_t block, double *worst_rel)
{
	size_t n = ramp + 1000;
	float *x = alloc_frames(n);
	fill(x, n, 1.0f);
	run_mono(g, x, n, block);
	double step_db = (to_db - from_db) / ramp;
	double k = db_gain(fabs(step_db));
	for (size_t i = 0; i < ramp; i++) {
		double want = db_gain(from_db + step_db * (double)(i + 1));
		double rel = fabs(x[i] - want) / want;
		if (rel > *worst_rel)
			*worst_rel = rel;
		assert_true(rel <= 2e-6);
		if (i > 0) {
			/* monotonic, and no step beyond the slope (plus float rounding) */
			if (to_db > from_db) {
				assert_true(x[i] > x[i - 1]);
				assert_true(x[i] / x[i - 1] <= k * (1 + 2.5e-7));
			} else {
				assert_true(x[i] < x[i - 1]);
				assert_true(x[i - 1] / x[i] <= k * (1 + 2.5e-7));
			}
		}
	}
	float target = (float)db_gain(to_db);
	assert_true(x[ramp - 1] == target);
	for (size_t i = ramp; i < n; i++)
		assert_true(x[i] == target);
	free(x);
}

static void test_ramp_is_linear_in_db_and_lands_on_target(void **state)
{
	(void)state;
	static const uint32_t blocks[] = { 1, 64, 256, 333, 4096 };
	double worst = 0;
	for (size_t b = 0; b < sizeof(blocks) / sizeof(blocks[0]); b++) {
		struct gain *g = mono_at(-20.0);
		assert_int_equal(gain_set_volume(g, 0.0, 100.0), 0); /* 4800 frames */
		check_db_ramp(g, -20.0, 0.0, 4800, blocks[b], &worst);
		assert_int_equal(gain_set_volume(g, -35.0, 250.0), 0);
		check_db_ramp(g, 0.0, -35.0, 12000, blocks[b], &worst);
		gain_destroy(g);
	}
	print_message("ramp vs 10^(dB(t)/20): worst relative error %.2e\n", worst);
}

static void test_start_fades_in_from_silence(void **state)
{
	(void)state;
	struct gain *g = gain_create(1, RATE, NULL);
	assert_non_null(g);
	assert_int_equal(gain_set_volume(g, -10.0, 500.0), 0); /* 24000 frames */
	double worst = 0;
	check_db_ramp(g, GAIN_MIN_DB, -10.0, 24000, 512, &worst);
	gain_destroy(g);
}

/* A full-scale sine: while a ramp runs, the largest sample-to-sample step
 * may exceed the steady one only by what the gain slope adds. */
static void test_ramp_on_a_sine_does_not_click(void **state)
{
	(void)state;
	struct gain *g = mono_at(-40.0);
	size_t n = 48000;
	float *x = alloc_frames(n), *ref = alloc_frames(n);
	tu_sine(x, n, RATE, 1000.0, 1.0, 0.0);
	memcpy(ref, x, n * sizeof(*x));
	run_mono(g, x, 1000, 128);
	assert_int_equal(gain_set_volume(g, 0.0, 20.0), 0); /* 960 frames */
	run_mono(g, x + 1000, n - 1000, 128);
	double steady = 0, during = 0;
	for (size_t i = 1; i < 1000; i++)
		steady = fmax(steady, fabs((double)ref[i] - ref[i - 1]));
	for (size_t i = 1000; i < 1000 + 960 + 1; i++)
		during = fmax(during, fabs((double)x[i] - x[i - 1]));
	double k = db_gain(40.0 / 960);
	double bound = steady + (1.0 - 1.0 / k); /* gain <= 1, |x| <= 1 */
	print_message("largest step: steady %.5f, ramping %.5f, bound %.5f\n",
		      steady, during, bound);
	assert_true(during <= bound * (1 + 1e-6));
	free(x);
	free(ref);
	gain_destroy(g);
}

static void test_new_target_mid_ramp_continues_from_where_it_was(void **state)
{
	(void)state;
	struct gain *g = mono_at(-30.0);
	size_t n = 6000;
	float *x = alloc_frames(n);
	fill(x, n, 1.0f);
	assert_int_equal(gain_set_volume(g, 0.0, 100.0), 0);
	run_mono(g, x, 1000, 100);
	double reached = gain_current_db(g);
	assert_true(fabs(reached - (-30.0 + 30.0 * 1000 / 4800)) < 1e-9);
	assert_int_equal(gain_set_volume(g, -40.0, 50.0), 0); /* 2400 frames down */
	run_mono(g, x + 1000, n - 1000, 100);
	double k = db_gain((reached + 40.0) / 2400);
	assert_true(x[999] / x[1000] <= k * (1 + 2.5e-7));
	for (size_t i = 1001; i < 3400; i++)
		assert_true(x[i] < x[i - 1]);
	assert_true(x[3399] == (float)db_gain(-40.0));
	free(x);
	gain_destroy(g);
}

static void test_mute_reaches_exact_zero_and_unmute_returns(void **state)
{
	(void)state;
	struct gain *g = mono_at(0.0);
	size_t n = 9600;
	float *x = alloc_frames(n), *ref = alloc_frames(n);
	tu_sine(ref, n, RATE, 440.0, 0.8, 0.0);
	memcpy(x, ref, n * sizeof(*x));

	assert_int_equal(gain_set_mute(g, true, 30.0), 0); /* 1440 frames */
	run_mono(g, x, 4800, 256);
	for (size_t i = 1; i < 1440; i++)
		assert_true(fabs(x[i]) <= fabs(ref[i]));
	assert_true(x[1438] != 0.0f);
	for (size_t i = 1439; i < 4800; i++)
		assert_true(x[i] == 0.0f);
	assert_true(isinf(gain_current_db(g)));

	assert_int_equal(gain_set_mute(g, false, 30.0), 0);
	run_mono(g, x + 4800, 4800, 256);
	for (size_t i = 4800 + 1439; i < n; i++)
		assert_true(x[i] == ref[i]); /* back to unity: bit-exact */
	assert_true(gain_current_db(g) == 0.0);
	free(x);
	free(ref);
	gain_destroy(g);
}

static void test_mute_ramp_is_monotonic_and_ends_at_zero(void **state)
{
	(void)state;
	struct gain *g = mono_at(6.0);
	size_t n = 3000;
	float *x = alloc_frames(n);
	fill(x, n, 0.5f);
	assert_int_equal(gain_set_mute(g, true, 40.0), 0); /* 1920 frames */
	run_mono(g, x, n, 100);
	double k = db_gain(120.0 / 1920);
	for (size_t i = 1; i < 1919; i++) {
		assert_true(x[i] < x[i - 1]);
		assert_true(x[i - 1] / x[i] <= k * (1 + 2.5e-7));
	}
	/* the last ramp frame goes from -120 dB below the start to exact 0 */
	assert_true(x[1918] > 0.0f && x[1918] <= 0.5 * db_gain(6.0 - 119.9));
	for (size_t i = 1919; i < n; i++)
		assert_true(x[i] == 0.0f);
	free(x);
	gain_destroy(g);
}

static void test_trim_applies_per_channel(void **state)
{
	(void)state;
	struct gain *g = gain_create(3, RATE, NULL);
	assert_non_null(g);
	assert_int_equal(gain_set_volume(g, -3.0, 0.0), 0);
	assert_int_equal(gain_set_trim(g, 1, -6.0), 0);
	assert_int_equal(gain_set_trim(g, 2, 4.5), 0);
	size_t n = 9600;
	float *ch[3];
	for (int c = 0; c < 3; c++) {
		ch[c] = alloc_frames(n);
		fill(ch[c], n, 1.0f);
	}
	for (size_t off = 0; off < n; off += 480) {
		float *bufs[3] = { ch[0] + off, ch[1] + off, ch[2] + off };
		gain_process(g, bufs, 480);
	}
	static const double trim[3] = { 0.0, -6.0, 4.5 };
	uint32_t glide = (uint32_t)(GAIN_TRIM_RAMP_MS * RATE / 1000); /* 960 */
	for (int c = 0; c < 3; c++) {
		double want = db_gain(-3.0 + trim[c]);
		/* the trim glides in dB from 0 to its value over GAIN_TRIM_RAMP_MS */
		assert_true(fabs(ch[c][0] - db_gain(-3.0 + trim[c] / glide)) < 1e-6);
		assert_true(ch[c][glide - 1] == (float)want);
		double measured = tu_db(ch[c][n - 1]);
		print_message("channel %d: trim %+.1f dB, measured %+.5f dB\n", c, trim[c],
			      measured + 3.0);
		assert_true(fabs(measured - tu_db(want)) <= 0.001);
		free(ch[c]);
	}
	gain_destroy(g);
}

static void test_out_of_range_values_are_clamped_as_documented(void **state)
{
	(void)state;
	struct gain *g = gain_create(2, RATE, NULL);
	assert_non_null(g);
	float a[64], b[64];
	float *bufs[2] = { a, b };

	assert_int_equal(gain_set_volume(g, 20.0, 0.0), -ERANGE);
	assert_true(gain_current_db(g) == GAIN_MAX_DB);
	fill(a, 64, 0.25f);
	fill(b, 64, 0.25f);
	gain_process(g, bufs, 64);
	assert_true(a[63] == (float)(0.25 * (float)db_gain(GAIN_MAX_DB)));

	assert_int_equal(gain_set_volume(g, -200.0, 0.0), -ERANGE);
	assert_true(isinf(gain_current_db(g)));
	fill(a, 64, 0.25f);
	gain_process(g, bufs, 64);
	assert_true(tu_peak(a, 64) == 0.0);
	assert_int_equal(gain_set_volume(g, -INFINITY, 0.0), -ERANGE);
	assert_true(isinf(gain_current_db(g)));

	/* NaN changes nothing */
	assert_int_equal(gain_set_volume(g, 0.0, 0.0), 0);
	assert_int_equal(gain_set_volume(g, NAN, 0.0), -EINVAL);
	assert_int_equal(gain_set_volume(g, -10.0, NAN), -EINVAL);
	assert_int_equal(gain_set_mute(g, true, NAN), -EINVAL);
	assert_int_equal(gain_set_trim(g, 0, NAN), -EINVAL);
	assert_true(gain_current_db(g) == 0.0);

	/* negative ramp -> 0 (a step) */
	assert_int_equal(gain_set_volume(g, -6.0, -5.0), -ERANGE);
	assert_true(gain_current_db(g) == -6.0);

	/* ramp beyond 10 s -> exactly 10 s */
	size_t n = (size_t)(GAIN_MAX_RAMP_MS * RATE / 1000);
	float *x = alloc_frames(n + 10);
	fill(x, n + 10, 1.0f);
	struct gain *m = gain_create(1, RATE, NULL);
	assert_non_null(m);
	assert_int_equal(gain_set_volume(m, 0.0, 0.0), 0);
	assert_int_equal(gain_set_volume(m, -12.0, 1e9), -ERANGE);
	run_mono(m, x, n + 10, 4096);
	assert_true(x[n - 2] > (float)db_gain(-12.0));
	assert_true(x[n - 1] == (float)db_gain(-12.0));
	free(x);
	gain_destroy(m);

	/* trims: [-24, +12] dB, channel must exist */
	assert_int_equal(gain_set_volume(g, 0.0, 0.0), 0);
	assert_int_equal(gain_set_trim(g, 0, 20.0), -ERANGE);
	assert_int_equal(gain_set_trim(g, 1, -30.0), -ERANGE);
	assert_int_equal(gain_set_trim(g, 2, 0.0), -EINVAL);
	for (int i = 0; i < 20; i++) {
		fill(a, 64, 1.0f);
		fill(b, 64, 1.0f);
		gain_process(g, bufs, 64);
	}
	assert_true(a[63] == (float)db_gain(GAIN_TRIM_MAX_DB));
	assert_true(b[63] == (float)db_gain(GAIN_TRIM_MIN_DB));
	gain_destroy(g);
}

static void test_create_rejects_bad_arguments(void **state)
{
	(void)state;
	const char *err = NULL;
	assert_null(gain_create(0, RATE, &err));
	assert_non_null(strstr(err, "channels"));
	err = NULL;
	assert_null(gain_create(GAIN_MAX_CHANNELS + 1, RATE, &err));
	assert_non_null(strstr(err, "channels"));
	static const double bad_rates[] = { 0.0, -48000.0, 1000.0, 1e6, NAN, INFINITY };
	for (size_t i = 0; i < sizeof(bad_rates) / sizeof(bad_rates[0]); i++) {
		err = NULL;
		assert_null(gain_create(2, bad_rates[i], &err));
		assert_non_null(strstr(err, "rate"));
	}
	assert_null(gain_create(0, RATE, NULL));
	struct gain *g = gain_create(GAIN_MAX_CHANNELS, 44100.0, &err);
	assert_non_null(g);
	gain_destroy(g);
	gain_destroy(NULL);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_starts_silent),
		cmocka_unit_test(test_steady_minus_6_02_db_halves_amplitude),
		cmocka_unit_test(test_ramp_is_linear_in_db_and_lands_on_target),
		cmocka_unit_test(test_start_fades_in_from_silence),
		cmocka_unit_test(test_ramp_on_a_sine_does_not_click),
		cmocka_unit_test(test_new_target_mid_ramp_continues_from_where_it_was),
		cmocka_unit_test(test_mute_reaches_exact_zero_and_unmute_returns),
		cmocka_unit_test(test_mute_ramp_is_monotonic_and_ends_at_zero),
		cmocka_unit_test(test_trim_applies_per_channel),
		cmocka_unit_test(test_out_of_range_values_are_clamped_as_documented),
		cmocka_unit_test(test_create_rejects_bad_arguments),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
