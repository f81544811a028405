/*
 * test_biquad - cookbook sections against closed-form values and against
 * their analog prototypes: the cookbook designs are bilinear transforms
 * prewarped at freq, so H(e^jw) must equal H_analog(j tan(w/2) / tan(w0/2)).
 */
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <setjmp.h>
#include <cmocka.h>

#include <complex.h>
#include <errno.h>
#include <math.h>
#include <stdlib.h>
#include <string.h>

#include "libdsp/biquad.h"

static const double rates[] = { 44100.0, 48000.0, 96000.0 };
#define N_RATES (sizeof(rates) / sizeof(rates[0]))

static const double qs[] = { 0.1, 0.5, M_SQRT1_2, 1.0, 2.0, 10.0, 20.0 };
#define N_QS (sizeof(qs) / sizeof(qs[0]))

static const double gains[] = { -24.0, -6.0, -0.5, 3.0, 12.0, 24.0 };
#define N_GAINS (sizeof(gains) / sizeof(gains[0]))

/* centres as fractions of the rate, from 10 Hz at 96 kHz to 0.45 rate */
static const double centres[] = { 1.0 / 9600.0, 0.0005, 0.005, 0.05, 0.2, 0.45 };
#define N_CENTRES (sizeof(centres) / sizeof(centres[0]))

static void design(struct biquad_coefs *c, enum biquad_type t, double rate, double f,
		   double q, double g)
{
	int r = biquad_design(c, t, rate, f, q, g);

	if (r != 0)
		fail_msg("%s %.1f Hz at %.0f Hz, Q %g, %g dB: error %d",
			 biquad_type_name(t), f, rate, q, g, r);
}

/* The cookbook's analog prototypes, s normalised to the centre frequency. */
static double complex analog(enum biquad_type t, double complex s, double q, double g)
{
	double A = pow(10.0, g / 40.0), sa = sqrt(A);

	switch (t) {
	case BIQUAD_PEAKING:
		return (s * s + s * (A / q) + 1.0) / (s * s + s / (A * q) + 1.0);
	case BIQUAD_LOWSHELF:
		return A * (s * s + (sa / q) * s + A) / (A * s * s + (sa / q) * s + 1.0);
	case BIQUAD_HIGHSHELF:
		return A * (A * s * s + (sa / q) * s + 1.0) / (s * s + (sa / q) * s + A);
	case BIQUAD_LOWPASS:
		return 1.0 / (s * s + s / q + 1.0);
	case BIQUAD_HIGHPASS:
		return s * s / (s * s + s / q + 1.0);
	case BIQUAD_BANDPASS:
		return (s / q) / (s * s + s / q + 1.0);
	case BIQUAD_NOTCH:
		return (s * s + 1.0) / (s * s + s / q + 1.0);
	case BIQUAD_ALLPASS:
	default:
		return (s * s - s / q + 1.0) / (s * s + s / q + 1.0);
	}
}

/* The closed-form magnitude at the centre, in dB. */
static double centre_db(enum biquad_type t, double q, double g)
{
	switch (t) {
	case BIQUAD_PEAKING:
		return g;
	case BIQUAD_LOWSHELF:
	case BIQUAD_HIGHSHELF:
		return g / 2.0;
	case BIQUAD_LOWPASS:
	case BIQUAD_HIGHPASS:
		return 20.0 * log10(q);	/* |H(j)| = Q; -3.0103 dB for Q = 1/sqrt 2 */
	case BIQUAD_NOTCH:
		return -INFINITY;
	case BIQUAD_BANDPASS:
	case BIQUAD_ALLPASS:
	default:
		return 0.0;
	}
}

static void test_centre_response_matches_closed_form(void **state)
{
	(void)state;
	double worst = 0.0, notch_worst = -INFINITY, ap_phase_worst = 0.0;
	const char *worst_what = "";

	for (size_t r = 0; r < N_RATES; r++)
	for (size_t ci = 0; ci < N_CENTRES; ci++)
	for (size_t qi = 0; qi < N_QS; qi++)
	for (size_t gi = 0; gi < N_GAINS; gi++)
	for (int t = 0; t < BIQUAD_N_TYPES; t++) {
		const double rate = rates[r], f0 = centres[ci] * rate, q = qs[qi], g = gains[gi];
		struct biquad_coefs c;
		double mag, ph;

		design(&c, (enum biquad_type)t, rate, f0, q, g);
		biquad_response(&c, rate, f0, &mag, &ph);
		if (t == BIQUAD_NOTCH) {
			notch_worst = fmax(notch_worst, mag);
			if (mag > -120.0)
				fail_msg("notch %.1f Hz at %.0f Hz, Q %g: %.1f dB at the centre",
					 f0, rate, q, mag);
			continue;
		}
		double err = fabs(mag - centre_db((enum biquad_type)t, q, g));

		if (err > worst) {
			worst = err;
			worst_what = biquad_type_name((enum biquad_type)t);
		}
		if (err > 0.01)
			fail_msg("%s %.1f Hz at %.0f Hz, Q %g, %g dB: %.4f dB at the centre, want %.4f",
				 biquad_type_name((enum biquad_type)t), f0, rate, q, g, mag,
				 centre_db((enum biquad_type)t, q, g));
		if (t == BIQUAD_ALLPASS) {
			double e = M_PI - fabs(ph);	/* -pi, which atan2 may call +pi */

			ap_phase_worst = fmax(ap_phase_worst, e);
			if (e > 1e-6)
				fail_msg("allpass %.1f Hz at %.0f Hz: phase %.12f at the centre", f0, rate, ph);
		}
	}
	print_message("centre response, 8 types x 3 rates x 6 centres x 7 Q x 6 gains: worst "
		      "designed-vs-closed-form error %.2e dB (%s); notch at most %.1f dB; "
		      "allpass phase within %.1e rad of -pi\n",
		      worst, worst_what, notch_worst, ap_phase_worst);
}

static void test_butterworth_lowpass_and_highpass_are_3db_down_at_f0(void **state)
{
	(void)state;
	for (size_t r = 0; r < N_RATES; r++) {
		struct biquad_coefs lp, hp;
		double ml, mh, f0 = 1000.0;

		design(&lp, BIQUAD_LOWPASS, rates[r], f0, M_SQRT1_2, 0.0);
		design(&hp, BIQUAD_HIGHPASS, rates[r], f0, M_SQRT1_2, 0.0);
		biquad_response(&lp, rates[r], f0, &ml, NULL);
		biquad_response(&hp, rates[r], f0, &mh, NULL);
		/* 10 log10(1/2) */
		assert_true(fabs(ml - -3.0103) < 1e-4);
		assert_true(fabs(mh - -3.0103) < 1e-4);
		/* unity in the pass band */
		biquad_response(&lp, rates[r], 10.0, &ml, NULL);
		biquad_response(&hp, rates[r], 0.49 * rates[r], &mh, NULL);
		assert_true(fabs(ml) < 1e-6);
		assert_true(fabs(mh) < 0.01);
	}
}

static void test_response_is_the_prewarped_analog_prototype(void **state)
{
	(void)state;
	double worst_db = 0.0, worst_ph = 0.0;

	for (size_t r = 0; r < N_RATES; r++)
	for (size_t ci = 0; ci < N_CENTRES; ci++)
	for (size_t qi = 0; qi < N_QS; qi += 2)
	for (size_t gi = 0; gi < N_GAINS; gi += 2)
	for (int t = 0; t < BIQUAD_N_TYPES; t++) {
		const double rate = rates[r], f0 = centres[ci] * rate, q = qs[qi], g = gains[gi];
		struct biquad_coefs c;

		design(&c, (enum biquad_type)t, rate, f0, q, g);
		for (double f = 5.0; f < 0.5 * rate; f *= 1.25) {
			double complex h = analog((enum biquad_type)t,
						  I * tan(M_PI * f / rate) / tan(M_PI * f0 / rate), q, g);
			double want = 20.0 * log10(cabs(h)), mag, ph;

			if (want < -100.0)
				continue;	/* deep in a notch or a stop band */
			biquad_response(&c, rate, f, &mag, &ph);
			double e_db = fabs(mag - want), e_ph = fabs(remainder(ph - carg(h), 2.0 * M_PI));

			worst_db = fmax(worst_db, e_db);
			worst_ph = fmax(worst_ph, e_ph);
			if (e_db > 1e-6 || e_ph > 1e-6)
				fail_msg("%s %.1f Hz at %.0f Hz, Q %g, %g dB, at %.1f Hz: %.9f dB %.9f rad, "
					 "analog %.9f dB %.9f rad",
					 biquad_type_name((enum biquad_type)t), f0, rate, q, g, f,
					 mag, ph, want, carg(h));
		}
	}
	print_message("response vs prewarped analog prototype, 5 Hz .. Nyquist: worst %.2e dB, "
		      "%.2e rad\n", worst_db, worst_ph);
}

static void test_allpass_is_flat_everywhere(void **state)
{
	(void)state;
	struct biquad_coefs c;

	design(&c, BIQUAD_ALLPASS, 48000.0, 700.0, 3.0, 0.0);
	for (double f = 1.0; f < 24000.0; f *= 1.1) {
		double mag;

		biquad_response(&c, 48000.0, f, &mag, NULL);
		assert_true(fabs(mag) < 1e-9);
	}
}

/* DFT of x at freq, in dB and radians. */
static void dft_at(const float *x, size_t n, double rate, double freq, double *mag_db,
		   double *phase)
{
	double complex acc = 0.0;

	for (size_t i = 0; i < n; i++)
		acc += x[i] * cexp(-I * 2.0 * M_PI * freq * (double)i / rate);
	*mag_db = 20.0 * log10(cabs(acc));
	*phase = carg(acc);
}

static void test_impulse_response_spectrum_matches_design(void **state)
{
	(void)state;
	enum { N = 8192 };	/* the ringing is below float resolution long before */
	static const uint32_t blocks[] = { 1, 7, 512, N };
	float *x = malloc(N * sizeof(*x));
	double worst_db = 0.0, worst_ph = 0.0;

	assert_non_null(x);
	for (size_t b = 0; b < sizeof(blocks) / sizeof(blocks[0]); b++)
	for (int t = 0; t < BIQUAD_N_TYPES; t++) {
		struct biquad_coefs c;
		struct biquad bq;

		design(&c, (enum biquad_type)t, 48000.0, 1000.0, 2.0, 6.0);
		biquad_init(&bq, &c);
		memset(x, 0, N * sizeof(*x));
		x[0] = 1.0f;
		for (size_t i = 0; i < N; i += blocks[b]) {
			uint32_t m = (uint32_t)(N - i < blocks[b] ? N - i : blocks[b]);

			biquad_process(&bq, x + i, x + i, m);
		}
		for (double f = 50.0; f < 24000.0; f *= 1.5) {
			double want, want_ph, got, got_ph;

			biquad_response(&c, 48000.0, f, &want, &want_ph);
			if (want < -60.0)
				continue;
			dft_at(x, N, 48000.0, f, &got, &got_ph);
			worst_db = fmax(worst_db, fabs(got - want));
			worst_ph = fmax(worst_ph, fabs(remainder(got_ph - want_ph, 2.0 * M_PI)));
			if (fabs(got - want) > 1e-4)
				fail_msg("%s, blocks of %u, %.0f Hz: impulse response %.6f dB, design %.6f dB",
					 biquad_type_name((enum biquad_type)t), blocks[b], f, got, want);
		}
	}
	print_message("impulse response spectrum vs design (float output): worst %.2e dB, %.2e rad\n",
		      worst_db, worst_ph);
	assert_true(worst_ph < 1e-4);
	free(x);
}

static uint32_t rng_next(uint32_t *s)
{
	*s ^= *s << 13;
	*s ^= *s >> 17;
	*s ^= *s << 5;
	return *s;
}

static void test_zero_db_peaking_section_is_bit_transparent(void **state)
{
	(void)state;
	enum { N = 20000 };
	float *x = malloc(N * sizeof(*x)), *y = malloc(N * sizeof(*y));
	uint32_t seed = 42;
	struct biquad_coefs c;
	struct biquad bq;

	assert_non_null(x);
	assert_non_null(y);
	for (size_t i = 0; i < N; i++)
		x[i] = (float)(rng_next(&seed) >> 8) / 8388608.0f - 1.0f;
	/* A = 1: numerator and denominator are the same polynomial */
	design(&c, BIQUAD_PEAKING, 48000.0, 60.0, 4.0, 0.0);
	assert_true(c.b1 == c.a1 && c.b2 == c.a2 && c.b0 == 1.0);
	biquad_init(&bq, &c);
	biquad_process(&bq, x, y, N);
	assert_memory_equal(x, y, N * sizeof(*x));
	free(x);
	free(y);
}

static void test_nan_input_resets_state_after_the_block(void **state)
{
	(void)state;
	enum { B = 256 };
	float bad[B], x[B], y[B], want[B];
	struct biquad_coefs c;
	struct biquad bq, fresh;

	design(&c, BIQUAD_LOWSHELF, 48000.0, 200.0, 0.7, 9.0);
	biquad_init(&bq, &c);
	biquad_init(&fresh, &c);
	for (int i = 0; i < B; i++) {
		bad[i] = (float)sin(0.01 * i);
		x[i] = (float)sin(0.02 * i);
	}
	bad[50] = NAN;
	biquad_process(&bq, bad, bad, B);
	assert_true(bq.s1 == 0.0 && bq.s2 == 0.0);

	/* restarts exactly like a filter that never saw the bad block */
	biquad_process(&bq, x, y, B);
	biquad_process(&fresh, x, want, B);
	for (int i = 0; i < B; i++)
		assert_true(isfinite(y[i]));
	assert_memory_equal(y, want, sizeof(y));

	bad[7] = INFINITY;
	biquad_process(&bq, bad, bad, B);
	assert_true(bq.s1 == 0.0 && bq.s2 == 0.0);
}

static void test_decaying_state_is_flushed_before_denormals(void **state)
{
	(void)state;
	enum { B = 512 };
	float x[B];
	struct biquad_coefs c;
	struct biquad bq;
	int blocks = 0;

	design(&c, BIQUAD_PEAKING, 48000.0, 100.0, 2.0, 6.0);
	biquad_init(&bq, &c);
	memset(x, 0, sizeof(x));
	x[0] = 1.0f;
	biquad_process(&bq, x, x, B);
	while (bq.s1 != 0.0 || bq.s2 != 0.0) {
		memset(x, 0, sizeof(x));
		biquad_process(&bq, x, x, B);
		assert_int_not_equal(fpclassify(bq.s1), FP_SUBNORMAL);
		assert_int_not_equal(fpclassify(bq.s2), FP_SUBNORMAL);
		assert_true(++blocks < 100000);
	}
	print_message("100 Hz Q2 +6 dB at 48 kHz: state exactly 0 after %d silent blocks of %d "
		      "(%.2f s), never subnormal\n", blocks, B, blocks * (double)B / 48000.0);
}

static void test_designs_are_stable_over_the_legal_range(void **state)
{
	(void)state;
	static const double q_all[] = { 0.001, 0.1, 0.5, 1.0, 20.0, 1000.0 };
	static const double g_all[] = { -120.0, -24.0, 0.0, 24.0, 120.0 };
	static const double f_all[] = { 1e-6, 0.001, 0.01, 0.1, 0.3, 0.49, 0.499999 };

	for (size_t fi = 0; fi < sizeof(f_all) / sizeof(f_all[0]); fi++)
	for (size_t qi = 0; qi < sizeof(q_all) / sizeof(q_all[0]); qi++)
	for (size_t gi = 0; gi < sizeof(g_all) / sizeof(g_all[0]); gi++)
	for (int t = 0; t < BIQUAD_N_TYPES; t++) {
		struct biquad_coefs c;

		design(&c, (enum biquad_type)t, 48000.0, f_all[fi] * 48000.0, q_all[qi], g_all[gi]);
		if (!biquad_is_stable(&c))
			fail_msg("%s f %.6f rate, Q %g, %g dB: a1 %.17g a2 %.17g",
				 biquad_type_name((enum biquad_type)t), f_all[fi], q_all[qi],
				 g_all[gi], c.a1, c.a2);
	}
}

static void test_stability_and_identity_predicates(void **state)
{
	(void)state;
	struct biquad_coefs c;

	biquad_identity(&c);
	assert_true(biquad_is_identity(&c));
	assert_true(biquad_is_stable(&c));
	c.b1 = 1e-300;
	assert_false(biquad_is_identity(&c));

	/* poles at 0.5 +- 0.5j: |a2| = 0.5 < 1, |a1| = 1 < 1.5 */
	c = (struct biquad_coefs){ 1.0, 0.0, 0.0, -1.0, 0.5 };
	assert_true(biquad_is_stable(&c));
	c.a2 = 1.0;			/* on the unit circle */
	assert_false(biquad_is_stable(&c));
	c = (struct biquad_coefs){ 1.0, 0.0, 0.0, -1.5, 0.5 };	/* a real pole at 1 */
	assert_false(biquad_is_stable(&c));
	c = (struct biquad_coefs){ 1.0, 0.0, 0.0, 1.5, 0.5 };	/* a real pole at -1 */
	assert_false(biquad_is_stable(&c));
	c = (struct biquad_coefs){ 1.0, NAN, 0.0, 0.0, 0.0 };
	assert_false(biquad_is_stable(&c));
	c = (struct biquad_coefs){ 1.0, 0.0, 0.0, NAN, 0.0 };
	assert_false(biquad_is_stable(&c));
}

static void test_design_rejects_bad_arguments(void **state)
{
	(void)state;
	struct biquad_coefs c = { 9.0, 9.0, 9.0, 9.0, 9.0 };
	const enum biquad_type pk = BIQUAD_PEAKING;

	assert_int_equal(biquad_design(NULL, pk, 48000.0, 1000.0, 1.0, 0.0), -EINVAL);
	assert_int_equal(biquad_design(&c, (enum biquad_type)BIQUAD_N_TYPES, 48000.0, 1000.0, 1.0, 0.0),
			 -EINVAL);
	assert_int_equal(biquad_design(&c, (enum biquad_type)-1, 48000.0, 1000.0, 1.0, 0.0), -EINVAL);
	assert_int_equal(biquad_design(&c, pk, 0.0, 1000.0, 1.0, 0.0), -EINVAL);
	assert_int_equal(biquad_design(&c, pk, -48000.0, 1000.0, 1.0, 0.0), -EINVAL);
	assert_int_equal(biquad_design(&c, pk, NAN, 1000.0, 1.0, 0.0), -EINVAL);
	assert_int_equal(biquad_design(&c, pk, INFINITY, 1000.0, 1.0, 0.0), -EINVAL);
	assert_int_equal(biquad_design(&c, pk, 48000.0, 0.0, 1.0, 0.0), -ERANGE);
	assert_int_equal(biquad_design(&c, pk, 48000.0, -5.0, 1.0, 0.0), -ERANGE);
	assert_int_equal(biquad_design(&c, pk, 48000.0, 24000.0, 1.0, 0.0), -ERANGE);
	assert_int_equal(biquad_design(&c, pk, 48000.0, NAN, 1.0, 0.0), -ERANGE);
	assert_int_equal(biquad_design(&c, pk, 48000.0, 1000.0, 0.0, 0.0), -ERANGE);
	assert_int_equal(biquad_design(&c, pk, 48000.0, 1000.0, -1.0, 0.0), -ERANGE);
	assert_int_equal(biquad_design(&c, pk, 48000.0, 1000.0, 1000.1, 0.0), -ERANGE);
	assert_int_equal(biquad_design(&c, pk, 48000.0, 1000.0, NAN, 0.0), -ERANGE);
	assert_int_equal(biquad_design(&c, pk, 48000.0, 1000.0, 1.0, 120.1), -ERANGE);
	assert_int_equal(biquad_design(&c, pk, 48000.0, 1000.0, 1.0, -120.1), -ERANGE);
	assert_int_equal(biquad_design(&c, pk, 48000.0, 1000.0, 1.0, NAN), -ERANGE);
	assert_int_equal(biquad_design(&c, BIQUAD_LOWPASS, 48000.0, 1000.0, 1.0, NAN), -ERANGE);
	assert_true(c.b0 == 9.0 && c.b1 == 9.0 && c.b2 == 9.0 && c.a1 == 9.0 && c.a2 == 9.0);

	assert_int_equal(biquad_design(&c, pk, 48000.0, 23999.0, 1000.0, 120.0), 0);
}

static void test_type_names_round_trip(void **state)
{
	(void)state;
	static const char *const names[BIQUAD_N_TYPES] = {
		"peaking", "lowshelf", "highshelf", "lowpass",
		"highpass", "bandpass", "notch", "allpass",
	};
	enum biquad_type t;

	for (int i = 0; i < BIQUAD_N_TYPES; i++) {
		assert_string_equal(biquad_type_name((enum biquad_type)i), names[i]);
		t = (enum biquad_type)-1;
		assert_int_equal(biquad_type_parse(names[i], &t), 0);
		assert_int_equal(t, i);
	}
	assert_int_equal(biquad_type_parse("LowShelf", &t), 0);
	assert_int_equal(t, BIQUAD_LOWSHELF);
	assert_int_equal(biquad_type_parse("shelf", &t), -EINVAL);
	assert_int_equal(biquad_type_parse("", &t), -EINVAL);
	assert_int_equal(biquad_type_parse(NULL, &t), -EINVAL);
	assert_int_equal(biquad_type_parse("notch", NULL), -EINVAL);
	assert_null(biquad_type_name((enum biquad_type)BIQUAD_N_TYPES));

	assert_true(biquad_type_has_gain(BIQUAD_PEAKING));
	assert_true(biquad_type_has_gain(BIQUAD_LOWSHELF));
	assert_true(biquad_type_has_gain(BIQUAD_HIGHSHELF));
	assert_false(biquad_type_has_gain(BIQUAD_NOTCH));
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_centre_response_matches_closed_form),
		cmocka_unit_test(test_butterworth_lowpass_and_highpass_are_3db_down_at_f0),
		cmocka_unit_test(test_response_is_the_prewarped_analog_prototype),
		cmocka_unit_test(test_allpass_is_flat_everywhere),
		cmocka_unit_test(test_impulse_response_spectrum_matches_design),
		cmocka_unit_test(test_zero_db_peaking_section_is_bit_transparent),
		cmocka_unit_test(test_nan_input_resets_state_after_the_block),
		cmocka_unit_test(test_decaying_state_is_flushed_before_denormals),
		cmocka_unit_test(test_designs_are_stable_over_the_legal_range),
		cmocka_unit_test(test_stability_and_identity_predicates),
		cmocka_unit_test(test_design_rejects_bad_arguments),
		cmocka_unit_test(test_type_names_round_trip),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
