/*
 * test_client_measure - the arithmetic of `radioctl measure` (clients/
 * measure.c): a loop's delay found to the frame, also through a filter that
 * rings and with noise on the way back; no delay claimed when nothing or
 * something unrelated comes back; the frequency grid; the designed curve of
 * an EQ as radiod reports it.
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

#include "clients/measure.h"

#define N 24000

static float out[N], in[N];

/* A reproducible uniform value in [-1, 1). */
static float noise(uint32_t *s)
{
	*s = *s * 1664525u + 1013904223u;
	return (float)((double)*s / 2147483648.0 - 1.0);
}

static void test_an_impulse_delayed_by_one_period_reads_that_many_frames(void **state)
{
	(void)state;
	const char *err = NULL;
	size_t lag = 0;
	double clarity = 0;

	memset(out, 0, sizeof out);
	memset(in, 0, sizeof in);
	out[1000] = 0.5f;
	in[1000 + 512] = 0.5f;
	assert_int_equal(measure_delay(out, in, N, &lag, &clarity, &err), 0);
	assert_int_equal(lag, 512);
	assert_true(clarity > 40);
}

static void test_a_ringing_filter_and_noise_on_the_way_back_keep_the_delay(void **state)
{
	(void)state;
	const char *err = NULL;
	uint32_t seed = 7;
	size_t lag = 0;
	double clarity = 0, y1 = 0, y2 = 0;

	/* The impulse through a resonance (a peaking EQ's kind of ringing),
	 * back 300 frames later with noise 40 dB down. */
	memset(out, 0, sizeof out);
	for (int i = 2000; i < N; i++) {
		double x = i == 2000 ? 0.5 : 0, y = x + 1.9 * y1 - 0.95 * y2;

		out[i] = (float)y;
		y2 = y1;
		y1 = y;
	}
	for (int i = 0; i < N; i++)
		in[i] = (i >= 300 ? out[i - 300] : 0) + 0.005f * noise(&seed);
	assert_int_equal(measure_delay(out, in, N, &lag, &clarity, &err), 0);
	assert_int_equal(lag, 300);
}

static void test_silence_coming_back_is_not_a_delay(void **state)
{
	(void)state;
	const char *err = NULL;
	size_t lag;
	double clarity;

	memset(out, 0, sizeof out);
	memset(in, 0, sizeof in);
	out[10] = 1;
	assert_int_equal(measure_delay(out, in, N, &lag, &clarity, &err), -ERANGE);
	assert_non_null(strstr(err, "nothing came back"));
}

static void test_something_unrelated_coming_back_is_not_a_delay(void **state)
{
	(void)state;
	const char *err = NULL;
	uint32_t seed = 3;
	size_t lag;
	double clarity;

	memset(out, 0, sizeof out);
	out[10] = 1;
	for (int i = 0; i < N; i++)
		in[i] = noise(&seed);
	assert_int_equal(measure_delay(out, in, N, &lag, &clarity, &err), -ERANGE);
	assert_non_null(strstr(err, "no clear echo"));
}

static void test_the_grid_runs_from_from_to_to_through_1_khz(void **state)
{
	(void)state;
	double f[64];
	size_t n = measure_log_freqs(100, 10000, 3, f, 64);
	bool has_1k = false;

	assert_int_equal(n, 21);
	assert_true(fabs(f[0] - 100) < 1e-9);
	assert_true(fabs(f[n - 1] - 10000) < 1e-9);
	for (size_t i = 0; i < n; i++)
		has_1k |= fabs(f[i] - 1000) < 1e-9;
	assert_true(has_1k);
	for (size_t i = 2; i + 1 < n; i++)
		assert_true(fabs(f[i] / f[i - 1] - cbrt(2.0)) < 1e-9);
	/* Ends off the grid are kept. */
	n = measure_log_freqs(90, 11000, 1, f, 64);
	assert_true(fabs(f[0] - 90) < 1e-9);
	assert_true(fabs(f[n - 1] - 11000) < 1e-9);
	assert_int_equal(measure_log_freqs(100, 50, 3, f, 64), 0);
}

static void test_the_designed_curve_is_the_eq_radiod_reports(void **state)
{
	(void)state;
	Radio__EqBand b[2] = { RADIO__EQ_BAND__INIT, RADIO__EQ_BAND__INIT };
	Radio__EqBand *bp[2] = { &b[0], &b[1] };
	Radio__Eq eq = RADIO__EQ__INIT;
	struct eq_design d;
	const char *err = NULL;

	b[0].has_type = b[0].has_freq_hz = b[0].has_q = b[0].has_gain_db = b[0].has_enabled = 1;
	b[0].type = RADIO__BAND_TYPE__PEAKING;
	b[0].freq_hz = 1000;
	b[0].q = 1.4;
	b[0].gain_db = 6;
	b[0].enabled = 1;
	/* A band above 0.49 x 44.1 kHz, as kept from a 96 kHz run. */
	b[1].has_type = b[1].has_freq_hz = b[1].has_gain_db = b[1].has_enabled = 1;
	b[1].type = RADIO__BAND_TYPE__HIGH_SHELF;
	b[1].freq_hz = 30000;
	b[1].gain_db = 0;
	b[1].enabled = 1;
	eq.n_band = 2;
	eq.band = bp;
	eq.has_preamp_db = 1;
	eq.preamp_db = -1;
	assert_int_equal(measure_eq_design(&eq, 44100, &d, &err), 0);
	assert_true(fabs(eq_response(&d, 44100, 1000, NULL) - 5.0) < 1e-6);
	assert_true(fabs(eq_response(&d, 44100, 50, NULL) - -1.0) < 0.05);
	eq.n_band = 0;
	assert_int_equal(measure_eq_design(&eq, 44100, &d, &err), -EINVAL);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_an_impulse_delayed_by_one_period_reads_that_many_frames),
		cmocka_unit_test(test_a_ringing_filter_and_noise_on_the_way_back_keep_the_delay),
		cmocka_unit_test(test_silence_coming_back_is_not_a_delay),
		cmocka_unit_test(test_something_unrelated_coming_back_is_not_a_delay),
		cmocka_unit_test(test_the_grid_runs_from_from_to_to_through_1_khz),
		cmocka_unit_test(test_the_designed_curve_is_the_eq_radiod_reports),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
