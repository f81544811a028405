/*
 * test_analysis - THD, THD+N and SNR of sines built with known distortion
 * and noise, and the frequency response of filters whose transfer function
 * is known in closed form.
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

#include "libdsp/analysis.h"
#include "libdsp/siggen.h"
#include "tests/dsp_testutil.h"

#define RATE 48000.0

/* xorshift64*, a fixed-seed source independent of the code under test. */
static double uniform(uint64_t *s)
{
	*s ^= *s >> 12;
	*s ^= *s << 25;
	*s ^= *s >> 27;
	return (double)((*s * 2685821657736338717ULL) >> 11) * 0x1.0p-53;
}

static double gauss(uint64_t *s)
{
	double u = uniform(s), v = uniform(s);
	return sqrt(-2.0 * log(1.0 - u)) * cos(2.0 * M_PI * v);
}

/* a1 sin(w k) + sum of harmonics h[j] sin((j + 2) w k) + Gaussian noise. */
static float *distorted_sine(size_t n, double freq, double a1, const double *h, int n_h,
			     double noise_rms, uint64_t seed)
{
	float *x = malloc(n * sizeof *x);
	assert_non_null(x);
	for (size_t k = 0; k < n; k++) {
		double cycles = freq * (double)k / RATE;
		double v = a1 * sin(2.0 * M_PI * (cycles - floor(cycles)));
		for (int j = 0; j < n_h; j++) {
			double c = (j + 2) * cycles;
			v += h[j] * sin(2.0 * M_PI * (c - floor(c)) + 0.3 * j);
		}
		x[k] = (float)v;
	}
	if (noise_rms > 0.0) {
		uint64_t s = seed;
		for (size_t k = 0; k < n; k++)
			x[k] += (float)(noise_rms * gauss(&s));
	}
	return x;
}

static void test_one_percent_second_harmonic_reads_minus_40db(void **state)
{
	(void)state;
	const double h[] = { 0.005 };
	const size_t lengths[] = { 48000, 200000 };
	for (size_t i = 0; i < 2; i++) {
		float *x = distorted_sine(lengths[i], 1234.5, 0.5, h, 1, 0.0, 0);
		struct thd_result r;
		assert_int_equal(analysis_thd(x, lengths[i], RATE, 0.0, &r, NULL), 0);
		print_message("1 %% 2nd harmonic, %zu samples: THD %.4f dB (%.5f %%), THD+N %.4f dB, "
			      "f %.9f Hz, level %.6f dBFS\n",
			      lengths[i], r.thd_db, r.thd_percent, r.thdn_db, r.fundamental_hz,
			      r.fundamental_dbfs);
		assert_true(fabs(r.thd_db + 40.0) <= 0.1);
		assert_true(fabs(r.thd_percent - 1.0) <= 0.01);
		assert_true(fabs(r.fundamental_hz - 1234.5) < 1e-6);
		assert_true(fabs(r.fundamental_dbfs - 20.0 * log10(0.5)) < 0.001);
		free(x);
	}
}

static void test_harmonics_add_in_power(void **state)
{
	(void)state;
	const double h[] = { 0.01, 0.005, 0.0, 0.002 };
	float *x = distorted_sine(48000, 997.0, 1.0 - 0.02, h, 4, 0.0, 0);
	struct thd_result r;
	assert_int_equal(analysis_thd(x, 48000, RATE, 0.0, &r, NULL), 0);
	double want = 10.0 * log10((0.01 * 0.01 + 0.005 * 0.005 + 0.002 * 0.002) / (0.98 * 0.98));
	print_message("2nd+3rd+5th harmonics: THD %.4f dB (theory %.4f dB)\n", r.thd_db, want);
	assert_true(fabs(r.thd_db - want) <= 0.01);
	free(x);
}

static void test_distortion_far_below_minus_120db_is_resolved(void **state)
{
	(void)state;
	const double h[] = { 0.0, 0.5 * 3.16227766e-7 };
	float *x = distorted_sine(96000, 1000.0 / 1.00123, 0.5, h, 2, 0.0, 0);
	struct thd_result r;
	assert_int_equal(analysis_thd(x, 96000, RATE, 0.0, &r, NULL), 0);
	print_message("3rd harmonic at -130 dB: THD %.2f dB, THD+N %.2f dB, SNR %.1f dB\n",
		      r.thd_db, r.thdn_db, r.snr_db);
	assert_true(fabs(r.thd_db + 130.0) <= 0.5);
	free(x);
}

static void test_known_noise_gives_expected_snr(void **state)
{
	(void)state;
	const double sigmas[] = { 1e-3, 1e-5 };
	for (size_t i = 0; i < 2; i++) {
		float *x = distorted_sine(48000, 1000.0, 0.5, NULL, 0, sigmas[i], 42);
		struct thd_result r;
		assert_int_equal(analysis_thd(x, 48000, RATE, 0.0, &r, NULL), 0);
		double want = 10.0 * log10(0.125 / (sigmas[i] * sigmas[i]));
		print_message("noise %.0e: SNR %.3f dB (theory %.3f), THD+N %.3f dB, THD %.1f dB\n",
			      sigmas[i], r.snr_db, want, r.thdn_db, r.thd_db);
		assert_true(fabs(r.snr_db - want) <= 0.5);
		assert_true(fabs(r.thdn_db + want) <= 0.5);
		free(x);
	}
}

static void test_given_fundamental_is_refined(void **state)
{
	(void)state;
	const double h[] = { 0.005 };
	float *x = distorted_sine(48000, 1000.0, 0.5, h, 1, 1e-4, 7);
	struct thd_result found, given;
	assert_int_equal(analysis_thd(x, 48000, RATE, 0.0, &found, NULL), 0);
	assert_int_equal(analysis_thd(x, 48000, RATE, 1000.3, &given, NULL), 0);
	print_message("nominal 1000.3 Hz, true 1000 Hz: refined to %.6f Hz, THD %.4f dB\n",
		      given.fundamental_hz, given.thd_db);
	assert_true(fabs(given.fundamental_hz - 1000.0) < 1e-4);
	assert_true(fabs(given.thd_db - found.thd_db) < 1e-6);
	assert_true(fabs(given.snr_db - found.snr_db) < 1e-6);
	free(x);
}

static void test_few_cycles_measure_as_well_as_many(void **state)
{
	(void)state;
	const double h[] = { 0.005 };
	float *x = distorted_sine(256, 1000.0, 0.5, h, 1, 0.0, 0);
	struct thd_result r;
	assert_int_equal(analysis_thd(x, 256, RATE, 0.0, &r, NULL), 0);
	print_message("5.3 cycles: THD %.4f dB, f %.6f Hz\n", r.thd_db, r.fundamental_hz);
	assert_true(fabs(r.thd_db + 40.0) <= 0.1);
	assert_true(fabs(r.fundamental_hz - 1000.0) < 1e-6);
	free(x);
}

static void test_no_harmonic_below_nyquist_reads_the_floor(void **state)
{
	(void)state;
	float *x = distorted_sine(4800, 13000.0, 0.5, NULL, 0, 1e-4, 3);
	struct thd_result r;
	assert_int_equal(analysis_thd(x, 4800, RATE, 0.0, &r, NULL), 0);
	assert_true(r.thd_db == -300.0);
	assert_true(r.thd_percent < 1e-12);
	assert_true(isfinite(r.snr_db));
	free(x);
}

static void test_thd_rejects_bad_arguments(void **state)
{
	(void)state;
	float *x = distorted_sine(4800, 1000.0, 0.5, NULL, 0, 0.0, 0);
	struct thd_result r;
	const char *err = NULL;
	assert_int_equal(analysis_thd(NULL, 4800, RATE, 0.0, &r, &err), -EINVAL);
	assert_non_null(strstr(err, "x"));
	assert_int_equal(analysis_thd(x, 4800, RATE, 0.0, NULL, &err), -EINVAL);
	assert_int_equal(analysis_thd(x, 4800, 0.0, 0.0, &r, &err), -EINVAL);
	assert_non_null(strstr(err, "rate"));
	assert_int_equal(analysis_thd(x, 10, RATE, 0.0, &r, &err), -EINVAL);
	assert_non_null(strstr(err, "n "));
	assert_int_equal(analysis_thd(x, 4800, RATE, 24000.0, &r, &err), -EINVAL);
	assert_non_null(strstr(err, "fundamental_hz"));
	assert_int_equal(analysis_thd(x, 4800, RATE, -1.0, &r, &err), -EINVAL);
	assert_int_equal(analysis_thd(x, 4800, RATE, 15.0, &r, &err), -EINVAL);
	assert_non_null(strstr(err, "cycles"));
	x[100] = NAN;
	assert_int_equal(analysis_thd(x, 4800, RATE, 0.0, &r, &err), -EINVAL);
	assert_non_null(strstr(err, "NaN"));
	memset(x, 0, 4800 * sizeof *x);
	assert_int_equal(analysis_thd(x, 4800, RATE, 0.0, &r, &err), -ERANGE);
	assert_non_null(strstr(err, "silence"));
	assert_int_equal(analysis_thd(x, 4800, RATE, 1000.0, &r, NULL), -ERANGE);
	free(x);
}

static void test_dc_alone_is_not_a_sine(void **state)
{
	(void)state;
	float x[4800];
	for (size_t i = 0; i < 4800; i++)
		x[i] = 0.25f;
	struct thd_result r;
	const char *err = NULL;
	assert_int_equal(analysis_thd(x, 4800, RATE, 0.0, &r, &err), -ERANGE);
	assert_non_null(strstr(err, "no sine"));
	assert_int_equal(analysis_thd(x, 4800, RATE, 1000.0, &r, &err), -ERANGE);
}

static float *white(size_t n, double rms, uint64_t seed)
{
	float *x = malloc(n * sizeof *x);
	assert_non_null(x);
	uint64_t s = seed;
	for (size_t k = 0; k < n; k++)
		x[k] = (float)(rms * gauss(&s));
	return x;
}

static const double probe_hz[] = { 20.0, 50.0, 100.0, 300.0, 1000.0, 3000.0, 10000.0, 16000.0, 20000.0, 23000.0 };
#define N_PROBES (sizeof probe_hz / sizeof probe_hz[0])

/* Worst magnitude (dB) and phase (rad) errors of a measured response against
 * the theoretical H = want_re + j want_im at each probe frequency. */
static void compare(const double *mag_db, const double *phase, const double *want_re,
		    const double *want_im, const char *what, double *worst_db, double *worst_rad)
{
	*worst_db = 0.0;
	*worst_rad = 0.0;
	for (size_t i = 0; i < N_PROBES; i++) {
		double want_db = 20.0 * log10(hypot(want_re[i], want_im[i]));
		double want_ph = atan2(want_im[i], want_re[i]);
		double dph = remainder(phase[i] - want_ph, 2.0 * M_PI);
		*worst_db = fmax(*worst_db, fabs(mag_db[i] - want_db));
		*worst_rad = fmax(*worst_rad, fabs(dph));
	}
	print_message("%s: worst error %.4f dB, %.5f rad over 20 Hz..23 kHz\n", what, *worst_db, *worst_rad);
}

static void test_first_order_iir_response_matches_theory(void **state)
{
	(void)state;
	const double a = 0.9;
	size_t n = 1 << 17;
	float *in = white(n, 0.1, 1), *out = malloc(n * sizeof *out);
	assert_non_null(out);
	double y = 0.0;
	for (size_t k = 0; k < n; k++) {
		y = (1.0 - a) * in[k] + a * y;
		out[k] = (float)y;
	}
	double mag[N_PROBES], ph[N_PROBES], re[N_PROBES], im[N_PROBES], e_db, e_rad;
	assert_int_equal(analysis_response(in, out, n, RATE, probe_hz, N_PROBES, mag, ph, NULL), 0);
	for (size_t i = 0; i < N_PROBES; i++) {
		/* (1 - a) / (1 - a e^-jw) */
		double w = 2.0 * M_PI * probe_hz[i] / RATE;
		double dr = 1.0 - a * cos(w), di = a * sin(w), d2 = dr * dr + di * di;
		re[i] = (1.0 - a) * dr / d2;
		im[i] = -(1.0 - a) * di / d2;
	}
	compare(mag, ph, re, im, "first-order IIR a=0.9 from white noise", &e_db, &e_rad);
	assert_true(e_db <= 0.1);
	assert_true(e_rad <= 0.01);
	free(in);
	free(out);
}

static void test_two_tap_fir_response_matches_theory(void **state)
{
	(void)state;
	size_t n = 1 << 16;
	float *in = white(n, 0.1, 2), *out = malloc(n * sizeof *out);
	assert_non_null(out);
	for (size_t k = 0; k < n; k++)
		out[k] = 0.5f * (in[k] + (k ? in[k - 1] : 0.0f));
	double mag[N_PROBES], ph[N_PROBES], re[N_PROBES], im[N_PROBES], e_db, e_rad;
	assert_int_equal(analysis_response(in, out, n, RATE, probe_hz, N_PROBES, mag, ph, NULL), 0);
	for (size_t i = 0; i < N_PROBES; i++) {
		/* (1 + e^-jw) / 2 */
		double w = 2.0 * M_PI * probe_hz[i] / RATE;
		re[i] = 0.5 * (1.0 + cos(w));
		im[i] = -0.5 * sin(w);
	}
	compare(mag, ph, re, im, "2-tap FIR from white noise", &e_db, &e_rad);
	assert_true(e_db <= 0.1);
	assert_true(e_rad <= 0.01);
	free(in);
	free(out);
}

static void test_delay_shows_as_linear_phase(void **state)
{
	(void)state;
	const size_t delay = 5;
	size_t n = 1 << 16;
	float *in = white(n, 0.1, 3), *out = calloc(n, sizeof *out);
	assert_non_null(out);
	memcpy(out + delay, in, (n - delay) * sizeof *in);
	double mag[N_PROBES], ph[N_PROBES], re[N_PROBES], im[N_PROBES], e_db, e_rad;
	assert_int_equal(analysis_response(in, out, n, RATE, probe_hz, N_PROBES, mag, ph, NULL), 0);
	for (size_t i = 0; i < N_PROBES; i++) {
		double w = 2.0 * M_PI * probe_hz[i] / RATE;
		re[i] = cos(w * delay);
		im[i] = -sin(w * delay);
	}
	compare(mag, ph, re, im, "5-sample delay", &e_db, &e_rad);
	assert_true(e_db <= 0.1);
	assert_true(e_rad <= 0.01);
	free(in);
	free(out);
}

static void test_output_noise_averages_out(void **state)
{
	(void)state;
	const double a = 0.9;
	size_t n = 1 << 18;
	float *in = white(n, 0.1, 4), *noise = white(n, 1e-4, 5), *out = malloc(n * sizeof *out);
	assert_non_null(out);
	double y = 0.0;
	for (size_t k = 0; k < n; k++) {
		y = (1.0 - a) * in[k] + a * y;
		out[k] = (float)y + noise[k];
	}
	double mag[N_PROBES], ph[N_PROBES], re[N_PROBES], im[N_PROBES], e_db, e_rad;
	assert_int_equal(analysis_response(in, out, n, RATE, probe_hz, N_PROBES, mag, ph, NULL), 0);
	for (size_t i = 0; i < N_PROBES; i++) {
		double w = 2.0 * M_PI * probe_hz[i] / RATE;
		double dr = 1.0 - a * cos(w), di = a * sin(w), d2 = dr * dr + di * di;
		re[i] = (1.0 - a) * dr / d2;
		im[i] = -(1.0 - a) * di / d2;
	}
	compare(mag, ph, re, im, "IIR a=0.9 with output noise at -60 dB re input", &e_db, &e_rad);
	assert_true(e_db <= 0.1);
	assert_true(e_rad <= 0.01);
	free(in);
	free(noise);
	free(out);
}

static void test_sweep_excitation_measures_the_same_response(void **state)
{
	(void)state;
	const double a = 0.9;
	struct siggen_params p = { .kind = SIGGEN_SWEEP, .freq_hz = 10.0, .freq_end_hz = 24000.0,
				   .level_dbfs = -6.0, .duration_s = 4.0 };
	struct siggen g;
	assert_int_equal(siggen_init(&g, &p, RATE, NULL), 0);
	size_t n = 4 * 48000;
	float *in = malloc(n * sizeof *in), *out = malloc(n * sizeof *out);
	assert_true(in && out);
	siggen_process(&g, in, (uint32_t)n);
	double y = 0.0;
	for (size_t k = 0; k < n; k++) {
		y = (1.0 - a) * in[k] + a * y;
		out[k] = (float)y;
	}
	double mag[N_PROBES], ph[N_PROBES], re[N_PROBES], im[N_PROBES], e_db, e_rad;
	assert_int_equal(analysis_response(in, out, n, RATE, probe_hz, N_PROBES, mag, ph, NULL), 0);
	for (size_t i = 0; i < N_PROBES; i++) {
		double w = 2.0 * M_PI * probe_hz[i] / RATE;
		double dr = 1.0 - a * cos(w), di = a * sin(w), d2 = dr * dr + di * di;
		re[i] = (1.0 - a) * dr / d2;
		im[i] = -(1.0 - a) * di / d2;
	}
	compare(mag, ph, re, im, "IIR a=0.9 from a 10 Hz..24 kHz sweep", &e_db, &e_rad);
	assert_true(e_db <= 0.1);
	assert_true(e_rad <= 0.01);
	free(in);
	free(out);
}

static void test_response_arrays_are_optional(void **state)
{
	(void)state;
	size_t n = 4096;
	float *in = white(n, 0.1, 6);
	double mag[N_PROBES], ph[N_PROBES];
	assert_int_equal(analysis_response(in, in, n, RATE, probe_hz, N_PROBES, mag, NULL, NULL), 0);
	assert_int_equal(analysis_response(in, in, n, RATE, probe_hz, N_PROBES, NULL, ph, NULL), 0);
	for (size_t i = 0; i < N_PROBES; i++) {
		assert_true(fabs(mag[i]) < 1e-9);
		assert_true(fabs(ph[i]) < 1e-9);
	}
	free(in);
}

static void test_response_rejects_bad_arguments(void **state)
{
	(void)state;
	size_t n = 4096;
	float *in = white(n, 0.1, 7);
	double mag[N_PROBES], ph[N_PROBES], bad_f[] = { 1000.0, 24001.0 };
	const char *err = NULL;
	assert_int_equal(analysis_response(NULL, in, n, RATE, probe_hz, N_PROBES, mag, ph, &err), -EINVAL);
	assert_non_null(strstr(err, "in"));
	assert_int_equal(analysis_response(in, NULL, n, RATE, probe_hz, N_PROBES, mag, ph, &err), -EINVAL);
	assert_int_equal(analysis_response(in, in, n, RATE, NULL, N_PROBES, mag, ph, &err), -EINVAL);
	assert_non_null(strstr(err, "freqs"));
	assert_int_equal(analysis_response(in, in, n, 500.0, probe_hz, N_PROBES, mag, ph, &err), -EINVAL);
	assert_non_null(strstr(err, "rate"));
	assert_int_equal(analysis_response(in, in, 63, RATE, probe_hz, N_PROBES, mag, ph, &err), -EINVAL);
	assert_non_null(strstr(err, "n "));
	assert_int_equal(analysis_response(in, in, n, RATE, bad_f, 2, mag, ph, &err), -EINVAL);
	assert_non_null(strstr(err, "freqs"));
	in[7] = INFINITY;
	assert_int_equal(analysis_response(in, in, n, RATE, probe_hz, N_PROBES, mag, ph, &err), -EINVAL);
	assert_non_null(strstr(err, "NaN"));
	memset(in, 0, n * sizeof *in);
	assert_int_equal(analysis_response(in, in, n, RATE, probe_hz, N_PROBES, mag, ph, &err), -ERANGE);
	assert_non_null(strstr(err, "silent"));
	free(in);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_one_percent_second_harmonic_reads_minus_40db),
		cmocka_unit_test(test_harmonics_add_in_power),
		cmocka_unit_test(test_distortion_far_below_minus_120db_is_resolved),
		cmocka_unit_test(test_known_noise_gives_expected_snr),
		cmocka_unit_test(test_given_fundamental_is_refined),
		cmocka_unit_test(test_few_cycles_measure_as_well_as_many),
		cmocka_unit_test(test_no_harmonic_below_nyquist_reads_the_floor),
		cmocka_unit_test(test_thd_rejects_bad_arguments),
		cmocka_unit_test(test_dc_alone_is_not_a_sine),
		cmocka_unit_test(test_first_order_iir_response_matches_theory),
		cmocka_unit_test(test_two_tap_fir_response_matches_theory),
		cmocka_unit_test(test_delay_shows_as_linear_phase),
		cmocka_unit_test(test_output_noise_averages_out),
		cmocka_unit_test(test_sweep_excitation_measures_the_same_response),
		cmocka_unit_test(test_response_arrays_are_optional),
		cmocka_unit_test(test_response_rejects_bad_arguments),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
