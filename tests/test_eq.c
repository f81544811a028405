/*
 * test_eq - the equaliser measured against its own designed response and
 * against first principles: a sine through the filters must come out with
 * the gain and phase the design promises, a flat EQ must not touch the
 * signal, and a change must glide.
 */
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <setjmp.h>
#include <cmocka.h>

#include <errno.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "libdsp/eq.h"
#include "tests/dsp_testutil.h"

#define BLOCK 512

static uint32_t rng_next(uint32_t *s)
{
	*s ^= *s << 13;
	*s ^= *s >> 17;
	*s ^= *s << 5;
	return *s;
}

/* Uniform noise in [-amp, amp), fixed seed. */
static void noise(float *x, size_t n, float amp, uint32_t seed)
{
	for (size_t i = 0; i < n; i++)
		x[i] = amp * ((float)(rng_next(&seed) >> 8) * (2.0f / 16777216.0f) - 1.0f);
}

static struct eq *make_eq(uint32_t channels, double rate, double ramp_ms)
{
	const char *err = NULL;
	struct eq *eq = eq_create(channels, rate, ramp_ms, &err);

	if (eq == NULL)
		fail_msg("eq_create: %s", err);
	return eq;
}

static void make_design(struct eq_design *d, const struct eq_params *p, double rate)
{
	const char *err = NULL;

	if (eq_design(d, p, rate, &err) != 0)
		fail_msg("eq_design: %s", err);
}

/* In place on n_ch channels, in blocks of `block` frames. */
static void run_multi(struct eq *eq, float *const *x, uint32_t n_ch, size_t n, uint32_t block)
{
	for (size_t i = 0; i < n; i += block) {
		uint32_t m = (uint32_t)(n - i < block ? n - i : block);
		const float *in[EQ_MAX_CHANNELS];
		float *out[EQ_MAX_CHANNELS];

		for (uint32_t c = 0; c < n_ch; c++) {
			in[c] = x[c] + i;
			out[c] = x[c] + i;
		}
		eq_process(eq, in, out, m);
	}
}

static void run(struct eq *eq, float *x, size_t n, uint32_t block)
{
	run_multi(eq, &x, 1, n, block);
}

static void set_band(struct eq_params *p, uint32_t i, enum biquad_type t, double freq,
		     double q, double gain_db)
{
	p->band[i] = (struct eq_band){ .type = t, .freq = freq, .q = q,
				       .gain_db = gain_db, .enabled = true };
}

/* An EQ that touches every part of the audio band, all filter families. */
static void busy_params(struct eq_params *p)
{
	eq_params_default(p, 8);
	set_band(p, 0, BIQUAD_HIGHPASS, 25.0, 0.707, 0.0);
	set_band(p, 1, BIQUAD_LOWSHELF, 100.0, 0.7, 6.0);
	set_band(p, 2, BIQUAD_PEAKING, 250.0, 1.4, -4.5);
	set_band(p, 3, BIQUAD_PEAKING, 1000.0, 0.7, 3.0);
	set_band(p, 4, BIQUAD_ALLPASS, 2000.0, 0.7, 0.0);
	set_band(p, 5, BIQUAD_PEAKING, 3150.0, 4.0, -9.0);
	set_band(p, 6, BIQUAD_HIGHSHELF, 8000.0, 0.7, 5.0);
	set_band(p, 7, BIQUAD_LOWPASS, 18000.0, 0.707, 0.0);
	p->preamp_db = -6.0;
}

static double wrap_pi(double x)
{
	return remainder(x, 2.0 * M_PI);
}

struct fit {
	double gain_err_db, phase_err_rad, residual_dbfs;
};

/*
 * Plays a sine of amplitude amp at freq through eq (mono, reset first),
 * lets it settle for settle_s, then fits the next fit_s seconds and compares
 * with the design.
 */
static struct fit measure(struct eq *eq, const struct eq_design *d, double rate, double freq,
			  double amp, double settle_s, double fit_s)
{
	size_t ns = (size_t)(settle_s * rate), nf = (size_t)(fit_s * rate);
	float *x = malloc((ns + nf) * sizeof(*x)), *y = malloc((ns + nf) * sizeof(*y));
	double want_phase, want_db = eq_response(d, rate, freq, &want_phase);
	struct fit r;

	assert_non_null(x);
	assert_non_null(y);
	tu_sine(x, ns + nf, rate, freq, amp, 0.0);
	memcpy(y, x, (ns + nf) * sizeof(*y));
	eq_reset(eq);
	run(eq, y, ns + nf, BLOCK);

	double a = tu_amplitude_at(y + ns, nf, rate, freq);
	double ph_out = tu_phase_at(y + ns, nf, rate, freq);
	double ph_in = tu_phase_at(x + ns, nf, rate, freq);

	r.gain_err_db = tu_db(a / amp) - want_db;
	r.phase_err_rad = wrap_pi(ph_out - ph_in - want_phase);
	for (size_t i = 0; i < nf; i++)
		x[i] = y[ns + i] - (float)(a * sin(2.0 * M_PI * freq * (double)(ns + i) / rate + ph_out));
	r.residual_dbfs = tu_db(tu_rms(x, nf));
	free(x);
	free(y);
	return r;
}

static void test_sine_through_eq_matches_designed_response(void **state)
{
	(void)state;
	const double rate = 48000.0;
	struct eq_params p;
	struct eq_design d;
	struct eq *eq = make_eq(1, rate, 0.0);
	double worst_db = 0.0, worst_ph = 0.0, worst_f = 0.0;

	busy_params(&p);
	make_design(&d, &p, rate);
	assert_int_equal(eq_set_design(eq, &d), 0);
	/* 1/3-octave centres (base 10) from 20 Hz to 20 kHz */
	for (int k = -17; k <= 13; k++) {
		double f = 1000.0 * pow(10.0, k / 10.0);
		struct fit r = measure(eq, &d, rate, f, 0.25, 0.25, 0.25);

		if (fabs(r.gain_err_db) > fabs(worst_db)) {
			worst_db = r.gain_err_db;
			worst_f = f;
		}
		if (fabs(r.phase_err_rad) > fabs(worst_ph))
			worst_ph = r.phase_err_rad;
		if (fabs(r.gain_err_db) > 0.05)
			fail_msg("%.1f Hz: measured %+.4f dB from the design", f, r.gain_err_db);
		if (fabs(r.phase_err_rad) > 1e-3)
			fail_msg("%.1f Hz: phase %+.2e rad from the design", f, r.phase_err_rad);
	}
	print_message("8-band EQ, 31 frequencies 20 Hz..20 kHz: worst measured-vs-designed "
		      "%+.2e dB (at %.1f Hz), worst phase %+.2e rad\n", worst_db, worst_f, worst_ph);
	eq_destroy(eq);
}

static void test_20hz_band_at_96k_matches_design(void **state)
{
	(void)state;
	const double rate = 96000.0;
	struct eq_params p;
	struct eq_design d;
	struct eq *eq = make_eq(1, rate, 0.0);
	static const double freqs[] = { 10.0, 20.0, 40.0 };

	eq_params_default(&p, 1);
	set_band(&p, 0, BIQUAD_PEAKING, 20.0, 0.7, 12.0);
	make_design(&d, &p, rate);
	assert_int_equal(eq_set_design(eq, &d), 0);
	for (size_t i = 0; i < sizeof(freqs) / sizeof(freqs[0]); i++) {
		/* -20 dBFS in, 0.5 s to settle (the poles' time constant is 22 ms) */
		struct fit r = measure(eq, &d, rate, freqs[i], 0.1, 0.5, 1.0);

		print_message("20 Hz Q0.7 +12 dB at 96 kHz, %.0f Hz sine: %+.2e dB, phase %+.1e rad "
			      "from design, residual %.1f dBFS\n",
			      freqs[i], r.gain_err_db, r.phase_err_rad, r.residual_dbfs);
		assert_true(fabs(r.gain_err_db) <= 0.05);
		assert_true(fabs(r.phase_err_rad) <= 1e-3);
		/* float output rounding alone is about -165 dBFS here */
		assert_true(r.residual_dbfs <= -140.0);
	}
	eq_destroy(eq);
}

/* Largest |out - in| of a flat eq over a stereo noise signal, in dB of full scale. */
static double flat_residual_db(const struct eq_params *p, double rate, size_t settle)
{
	enum { N = 48000 };
	struct eq_design d;
	struct eq *eq = make_eq(2, rate, 20.0);
	float *x[2], *y[2];
	double worst = 0.0;

	assert_true(settle <= N);
	for (int c = 0; c < 2; c++) {
		x[c] = malloc(N * sizeof(float));
		y[c] = malloc(N * sizeof(float));
		assert_non_null(x[c]);
		assert_non_null(y[c]);
	}
	if (settle) {
		/* start from a busy EQ so the flat one is reached by a ramp */
		struct eq_params busy;

		busy_params(&busy);
		make_design(&d, &busy, rate);
		assert_int_equal(eq_set_design(eq, &d), 0);
		for (int c = 0; c < 2; c++)
			noise(x[c], settle, 0.5f, 7u + (uint32_t)c);
		run_multi(eq, x, 2, settle, BLOCK);
	}
	make_design(&d, p, rate);
	assert_int_equal(eq_set_design(eq, &d), 0);
	if (settle) {
		/* let the ramp (20 ms) finish on a separate signal first */
		for (int c = 0; c < 2; c++)
			noise(x[c], settle, 0.5f, 9u + (uint32_t)c);
		run_multi(eq, x, 2, settle, BLOCK);
	}
	for (int c = 0; c < 2; c++)
		noise(x[c], N, 1.0f, 11u + (uint32_t)c);
	for (size_t i = 0; i < N; i += BLOCK) {
		uint32_t m = (uint32_t)(N - i < BLOCK ? N - i : BLOCK);
		const float *in[2] = { x[0] + i, x[1] + i };
		float *out[2] = { y[0] + i, y[1] + i };

		eq_process(eq, in, out, m);
	}
	for (int c = 0; c < 2; c++) {
		for (size_t i = 0; i < N; i++)
			worst = fmax(worst, fabs((double)y[c][i] - (double)x[c][i]));
		free(x[c]);
		free(y[c]);
	}
	eq_destroy(eq);
	return tu_db(worst);
}

static void test_flat_eq_is_transparent(void **state)
{
	(void)state;
	struct eq_params p;
	double r;

	eq_params_default(&p, 8);
	r = flat_residual_db(&p, 48000.0, 0);
	print_message("default (all 0 dB) EQ: max |out - in| = %.1f dBFS\n", r);
	assert_true(r <= -140.0);

	/* disabled bands keep their settings but do nothing */
	busy_params(&p);
	for (uint32_t i = 0; i < p.n_bands; i++)
		p.band[i].enabled = false;
	p.preamp_db = 0.0;
	r = flat_residual_db(&p, 48000.0, 0);
	print_message("all bands disabled: max |out - in| = %.1f dBFS\n", r);
	assert_true(r <= -140.0);

	/* reached by a ramp from a busy EQ */
	eq_params_default(&p, 16);
	r = flat_residual_db(&p, 48000.0, 48000);
	print_message("flat after a ramp from a busy EQ: max |out - in| = %.1f dBFS\n", r);
	assert_true(r <= -140.0);
}

static void test_bypass_is_transparent_after_ramp(void **state)
{
	(void)state;
	struct eq_params p;
	double r;

	busy_params(&p);
	p.bypass = true;
	r = flat_residual_db(&p, 48000.0, 48000);
	print_message("bypass after a ramp from a busy EQ: max |out - in| = %.1f dBFS\n", r);
	assert_true(r <= -140.0);
}

/* Largest |x[i+1] - x[i]| over [a, b). */
static double max_step(const float *x, size_t a, size_t b)
{
	double m = 0.0;

	for (size_t i = a + 1; i < b; i++)
		m = fmax(m, fabs((double)x[i] - (double)x[i - 1]));
	return m;
}

/*
 * A sine plays through design `before`, then `after` is installed, and if
 * `then` is not NULL, `then` half-way through that ramp.  Returns the
 * largest sample-to-sample step from the first change on (the ramps and the
 * settling after them) over the larger of the two steady-state steps.
 */
static double ramp_step_ratio3(const struct eq_params *before, const struct eq_params *after,
			       const struct eq_params *then, double freq)
{
	const double rate = 48000.0, ramp_ms = 20.0;
	const size_t n_before = 24000, n_ramp = (size_t)(ramp_ms * rate / 1000.0), n_after = 24000;
	const size_t n = n_before + n_ramp + n_after, tail = 4800;
	struct eq_design d;
	struct eq *eq = make_eq(1, rate, ramp_ms);
	float *x = malloc(n * sizeof(*x));
	size_t at = n_before;

	assert_non_null(x);
	tu_sine(x, n, rate, freq, 0.25, 0.3);
	make_design(&d, before, rate);
	assert_int_equal(eq_set_design(eq, &d), 0);
	/* odd block sizes so the change lands mid-block relative to the sine */
	run(eq, x, n_before, 333);
	make_design(&d, after, rate);
	assert_int_equal(eq_set_design(eq, &d), 0);
	if (then) {
		run(eq, x + at, n_ramp / 2, 333);
		at += n_ramp / 2;
		make_design(&d, then, rate);
		assert_int_equal(eq_set_design(eq, &d), 0);
	}
	run(eq, x + at, n - at, 333);

	double s_before = max_step(x, n_before - tail, n_before);
	double s_ramp = max_step(x, n_before - 1, n - tail);
	double s_after = max_step(x, n - tail, n);

	free(x);
	eq_destroy(eq);
	return s_ramp / fmax(s_before, s_after);
}

static double ramp_step_ratio(const struct eq_params *before, const struct eq_params *after,
			      double freq)
{
	return ramp_step_ratio3(before, after, NULL, freq);
}

static void test_gain_change_glides_without_a_step(void **state)
{
	(void)state;
	struct eq_params a, b;
	double worst = 0.0, r;

	eq_params_default(&a, 8);
	b = a;
	b.band[5].gain_db = 12.0;	/* 1 kHz band, sine on its centre */
	r = ramp_step_ratio(&a, &b, 1000.0);
	print_message("1 kHz band 0 -> +12 dB: ramp step / steady step = %.4f\n", r);
	worst = fmax(worst, r);
	r = ramp_step_ratio(&b, &a, 1000.0);
	print_message("1 kHz band +12 -> 0 dB: ramp step / steady step = %.4f\n", r);
	worst = fmax(worst, r);

	b = a;
	b.band[1].gain_db = -18.0;	/* 63 Hz band, slow poles */
	b.band[1].q = 4.0;
	r = ramp_step_ratio(&b, &a, 63.0);
	print_message("63 Hz Q4 band -18 -> 0 dB: ramp step / steady step = %.4f\n", r);
	worst = fmax(worst, r);

	b = a;
	b.band[1].gain_db = -12.0;
	b.band[1].q = 4.0;
	a.band[1] = b.band[1];
	a.band[1].gain_db = 12.0;
	r = ramp_step_ratio(&b, &a, 63.0);
	print_message("63 Hz Q4 band -12 -> +12 dB: ramp step / steady step = %.4f\n", r);
	worst = fmax(worst, r);

	eq_params_default(&a, 8);
	set_band(&a, 7, BIQUAD_PEAKING, 10000.0, 2.0, 12.0);
	b = a;
	b.band[7].gain_db = -12.0;
	r = ramp_step_ratio(&a, &b, 10000.0);
	print_message("10 kHz Q2 band +12 -> -12 dB: ramp step / steady step = %.4f\n", r);
	worst = fmax(worst, r);

	eq_params_default(&a, 8);
	b = a;
	b.preamp_db = 12.0;
	a.preamp_db = -12.0;
	r = ramp_step_ratio(&a, &b, 3000.0);
	print_message("preamp -12 -> +12 dB: ramp step / steady step = %.4f\n", r);
	worst = fmax(worst, r);

	eq_params_default(&a, 8);
	b = a;
	b.band[5].gain_db = 12.0;
	r = ramp_step_ratio3(&b, &a, &b, 1000.0);
	print_message("1 kHz band +12 -> 0 dB, back to +12 dB mid-ramp: ramp step / steady step "
		      "= %.4f\n", r);
	worst = fmax(worst, r);

	busy_params(&a);
	b = a;
	b.bypass = true;
	r = ramp_step_ratio(&a, &b, 440.0);
	print_message("busy EQ -> bypass: ramp step / steady step = %.4f\n", r);
	worst = fmax(worst, r);
	r = ramp_step_ratio(&b, &a, 440.0);
	print_message("bypass -> busy EQ: ramp step / steady step = %.4f\n", r);
	worst = fmax(worst, r);

	print_message("worst ramp step ratio %.4f (limit 1.01)\n", worst);
	assert_true(worst <= 1.01);
}

static void test_extreme_parameters_stay_finite(void **state)
{
	(void)state;
	static const double rates[] = { 44100.0, 96000.0 };
	enum { N = 96000 * 4 };
	float *x = malloc(N * sizeof(*x));

	assert_non_null(x);
	for (size_t r = 0; r < sizeof(rates) / sizeof(rates[0]); r++) {
		const double rate = rates[r];
		struct eq *eq = make_eq(1, rate, 5.0);
		struct eq_design d;
		struct eq_params p;
		double peak = 0.0;

		noise(x, N, 1.0f, 1234u + (uint32_t)r);
		/* every 0.1 s a new design from the corners of the legal ranges */
		for (size_t off = 0, round = 0; off < N; off += (size_t)(rate / 10.0), round++) {
			size_t m = N - off < (size_t)(rate / 10.0) ? N - off : (size_t)(rate / 10.0);

			eq_params_default(&p, EQ_MAX_BANDS);
			for (uint32_t i = 0; i < EQ_MAX_BANDS; i++) {
				uint32_t k = (uint32_t)(i + round * 7);

				set_band(&p, i, (enum biquad_type)(k % BIQUAD_N_TYPES),
					 (k / 8) % 2 ? EQ_FREQ_MIN_HZ : EQ_FREQ_MAX_OF_RATE * rate,
					 (k / 3) % 2 ? EQ_Q_MIN : EQ_Q_MAX,
					 (k / 5) % 2 ? EQ_GAIN_MIN_DB : EQ_GAIN_MAX_DB);
			}
			p.preamp_db = round % 2 ? EQ_GAIN_MIN_DB : EQ_GAIN_MAX_DB;
			make_design(&d, &p, rate);
			assert_int_equal(eq_set_design(eq, &d), 0);
			run(eq, x + off, m, BLOCK);
		}
		for (size_t i = 0; i < N; i++) {
			if (!isfinite(x[i]))
				fail_msg("%.0f Hz: sample %zu is not finite", rate, i);
			peak = fmax(peak, fabs(x[i]));
		}
		print_message("extreme designs at %.0f Hz, 4 s of full-scale noise: peak %.1f dBFS\n",
			      rate, tu_db(peak));
		eq_destroy(eq);
	}
	free(x);
}

static void test_nan_input_does_not_poison_later_blocks(void **state)
{
	(void)state;
	const double rate = 48000.0, f = 997.0;
	enum { N = 48000 };
	struct eq_params p;
	struct eq_design d;
	struct eq *eq = make_eq(1, rate, 0.0);
	float *x = malloc(N * sizeof(*x));
	float bad[BLOCK];

	assert_non_null(x);
	busy_params(&p);
	make_design(&d, &p, rate);
	assert_int_equal(eq_set_design(eq, &d), 0);
	tu_sine(bad, BLOCK, rate, f, 0.25, 0.0);
	bad[100] = NAN;
	bad[200] = INFINITY;
	run(eq, bad, BLOCK, BLOCK);

	tu_sine(x, N, rate, f, 0.25, 0.0);
	run(eq, x, N, BLOCK);
	for (size_t i = 0; i < N; i++)
		if (!isfinite(x[i]))
			fail_msg("sample %zu after the NaN block is not finite", i);

	/* after the restart transient the gain is the designed one */
	double got = tu_db(tu_amplitude_at(x + N / 2, N / 2, rate, f) / 0.25);
	double want = eq_response(&d, rate, f, NULL);

	print_message("after a NaN block: all later samples finite, gain at %.0f Hz %+.2e dB "
		      "from the design\n", f, got - want);
	assert_true(fabs(got - want) <= 0.05);
	free(x);
	eq_destroy(eq);
}

static void test_in_place_equals_separate_buffers(void **state)
{
	(void)state;
	enum { N = 4000, CH = 3 };
	struct eq_params p;
	struct eq_design d;
	struct eq *a = make_eq(CH, 48000.0, 20.0), *b = make_eq(CH, 48000.0, 20.0);
	float x[CH][N], y[CH][N];

	busy_params(&p);
	make_design(&d, &p, 48000.0);
	assert_int_equal(eq_set_design(a, &d), 0);
	assert_int_equal(eq_set_design(b, &d), 0);
	for (int c = 0; c < CH; c++) {
		noise(x[c], N, 0.5f, 100u + (uint32_t)c);
		memcpy(y[c], x[c], sizeof(y[c]));
	}
	for (uint32_t i = 0; i < N; i += 250) {
		const float *in[CH] = { x[0] + i, x[1] + i, x[2] + i };
		float tmp[CH][250];
		float *out[CH] = { tmp[0], tmp[1], tmp[2] };
		float *both[CH] = { y[0] + i, y[1] + i, y[2] + i };

		eq_process(a, in, out, 250);
		for (int c = 0; c < CH; c++)
			memcpy(x[c] + i, tmp[c], sizeof(tmp[c]));
		eq_process(b, (const float *const *)both, both, 250);
	}
	assert_memory_equal(x, y, sizeof(x));
	eq_destroy(a);
	eq_destroy(b);
}

static void test_channels_are_independent(void **state)
{
	(void)state;
	enum { N = 6000 };
	struct eq_params p;
	struct eq_design d;
	struct eq *multi = make_eq(EQ_MAX_CHANNELS, 48000.0, 20.0);
	static float x[EQ_MAX_CHANNELS][N], mono[N];

	busy_params(&p);
	make_design(&d, &p, 48000.0);
	assert_int_equal(eq_set_design(multi, &d), 0);
	for (int c = 0; c < EQ_MAX_CHANNELS; c++)
		noise(x[c], N, 0.5f, 300u + (uint32_t)c);
	for (uint32_t i = 0; i < N; i += BLOCK) {
		uint32_t m = N - i < BLOCK ? N - i : BLOCK;
		const float *in[EQ_MAX_CHANNELS];
		float *out[EQ_MAX_CHANNELS];

		for (int c = 0; c < EQ_MAX_CHANNELS; c++) {
			in[c] = x[c] + i;
			out[c] = x[c] + i;
		}
		eq_process(multi, in, out, m);
	}
	for (int c = 0; c < EQ_MAX_CHANNELS; c++) {
		struct eq *one = make_eq(1, 48000.0, 20.0);

		assert_int_equal(eq_set_design(one, &d), 0);
		noise(mono, N, 0.5f, 300u + (uint32_t)c);
		run(one, mono, N, BLOCK);
		assert_memory_equal(mono, x[c], sizeof(mono));
		eq_destroy(one);
	}
	eq_destroy(multi);
}

static void test_default_params_sit_on_iso_octaves(void **state)
{
	(void)state;
	static const double iso[] = { 31.5, 63, 125, 250, 500, 1000, 2000, 4000 };
	struct eq_params p;
	const char *err = NULL;

	eq_params_default(&p, 8);
	assert_int_equal(p.n_bands, 8);
	for (uint32_t i = 0; i < 8; i++) {
		assert_int_equal(p.band[i].type, BIQUAD_PEAKING);
		assert_true(p.band[i].freq == iso[i]);
		assert_true(p.band[i].q == 1.0);
		assert_true(p.band[i].gain_db == 0.0);
		assert_true(p.band[i].enabled);
	}
	assert_true(p.preamp_db == 0.0);
	assert_false(p.bypass);
	assert_int_equal(eq_params_validate(&p, 44100.0, &err), 0);

	eq_params_default(&p, EQ_MAX_BANDS);
	assert_int_equal(p.n_bands, EQ_MAX_BANDS);
	assert_true(fabs(p.band[0].freq - 31.5) < 1e-9);
	assert_true(fabs(p.band[EQ_MAX_BANDS - 1].freq - 16000.0) < 1e-9);
	assert_int_equal(eq_params_validate(&p, 48000.0, &err), 0);

	eq_params_default(&p, 0);
	assert_int_equal(p.n_bands, 1);
	eq_params_default(&p, 99);
	assert_int_equal(p.n_bands, EQ_MAX_BANDS);
}

static void test_create_rejects_bad_arguments(void **state)
{
	(void)state;
	const char *err;

	err = NULL;
	assert_null(eq_create(0, 48000.0, 20.0, &err));
	assert_non_null(err);
	assert_non_null(strstr(err, "channels"));
	err = NULL;
	assert_null(eq_create(EQ_MAX_CHANNELS + 1, 48000.0, 20.0, &err));
	assert_non_null(strstr(err, "channels"));
	err = NULL;
	assert_null(eq_create(2, 0.0, 20.0, &err));
	assert_non_null(strstr(err, "rate"));
	err = NULL;
	assert_null(eq_create(2, -48000.0, 20.0, &err));
	assert_non_null(strstr(err, "rate"));
	err = NULL;
	assert_null(eq_create(2, NAN, 20.0, &err));
	assert_non_null(strstr(err, "rate"));
	err = NULL;
	assert_null(eq_create(2, 48000.0, -1.0, &err));
	assert_non_null(strstr(err, "ramp"));
	err = NULL;
	assert_null(eq_create(2, 48000.0, EQ_RAMP_MAX_MS + 1.0, &err));
	assert_non_null(strstr(err, "ramp"));
	assert_null(eq_create(2, 48000.0, -1.0, NULL));

	struct eq *eq = eq_create(EQ_MAX_CHANNELS, 48000.0, 0.0, &err);

	assert_non_null(eq);
	eq_destroy(eq);
	eq_destroy(NULL);
}

struct bad_field {
	const char *what;
	void (*spoil)(struct eq_band *b, double rate);
	const char *field;
	int ret;
};

static void freq_low(struct eq_band *b, double rate) { (void)rate; b->freq = 9.99; }
static void freq_high(struct eq_band *b, double rate) { b->freq = 0.4901 * rate; }
static void freq_nan(struct eq_band *b, double rate) { (void)rate; b->freq = NAN; }
static void q_low(struct eq_band *b, double rate) { (void)rate; b->q = 0.099; }
static void q_high(struct eq_band *b, double rate) { (void)rate; b->q = 20.01; }
static void gain_low(struct eq_band *b, double rate) { (void)rate; b->gain_db = -24.01; }
static void gain_high(struct eq_band *b, double rate) { (void)rate; b->gain_db = 24.01; }
static void gain_inf(struct eq_band *b, double rate) { (void)rate; b->gain_db = INFINITY; }
static void type_bad(struct eq_band *b, double rate) { (void)rate; b->type = (enum biquad_type)BIQUAD_N_TYPES; }

static void test_validate_rejects_each_field_naming_band_and_field(void **state)
{
	(void)state;
	static const struct bad_field bad[] = {
		{ "freq below 10 Hz", freq_low, "freq", -ERANGE },
		{ "freq above 0.49 rate", freq_high, "freq", -ERANGE },
		{ "freq NaN", freq_nan, "freq", -ERANGE },
		{ "q below 0.1", q_low, " q ", -ERANGE },
		{ "q above 20", q_high, " q ", -ERANGE },
		{ "gain below -24", gain_low, "gain_db", -ERANGE },
		{ "gain above +24", gain_high, "gain_db", -ERANGE },
		{ "gain infinite", gain_inf, "gain_db", -ERANGE },
		{ "unknown type", type_bad, "type", -EINVAL },
	};
	const double rate = 48000.0;
	struct eq_params p;
	struct eq_design d;
	const char *err;

	for (size_t i = 0; i < sizeof(bad) / sizeof(bad[0]); i++) {
		for (uint32_t band = 0; band < EQ_MAX_BANDS; band += 5) {
			char name[16];

			eq_params_default(&p, EQ_MAX_BANDS);
			bad[i].spoil(&p.band[band], rate);
			p.band[band].enabled = band % 2 == 0;	/* disabled bands are checked too */
			err = NULL;
			assert_int_equal(eq_params_validate(&p, rate, &err), bad[i].ret);
			assert_non_null(err);
			snprintf(name, sizeof(name), "band %u ", band);
			if (strstr(err, name) == NULL || strstr(err, bad[i].field) == NULL)
				fail_msg("%s in band %u: message \"%s\"", bad[i].what, band, err);
			d.preamp = 123.0;
			assert_int_equal(eq_design(&d, &p, rate, NULL), bad[i].ret);
			assert_true(d.preamp == 123.0);
		}
	}

	eq_params_default(&p, 8);
	p.preamp_db = 24.5;
	assert_int_equal(eq_params_validate(&p, rate, &err), -ERANGE);
	assert_non_null(strstr(err, "preamp"));
	p.preamp_db = -24.5;
	assert_int_equal(eq_params_validate(&p, rate, &err), -ERANGE);
	assert_non_null(strstr(err, "preamp"));
	eq_params_default(&p, 8);
	p.n_bands = 0;
	assert_int_equal(eq_params_validate(&p, rate, &err), -ERANGE);
	assert_non_null(strstr(err, "n_bands"));
	p.n_bands = EQ_MAX_BANDS + 1;
	assert_int_equal(eq_params_validate(&p, rate, &err), -ERANGE);
	assert_non_null(strstr(err, "n_bands"));
	eq_params_default(&p, 8);
	assert_int_equal(eq_params_validate(&p, 0.0, &err), -EINVAL);
	assert_non_null(strstr(err, "rate"));
	assert_int_equal(eq_params_validate(NULL, rate, &err), -EINVAL);

	/* only band[0 .. n_bands-1] count */
	eq_params_default(&p, 4);
	p.band[4].freq = -1.0;
	assert_int_equal(eq_params_validate(&p, rate, NULL), 0);
}

static void test_validate_accepts_range_limits(void **state)
{
	(void)state;
	const double rate = 44100.0;
	struct eq_params p;
	struct eq_design d;
	const char *err = NULL;

	eq_params_default(&p, 4);
	set_band(&p, 0, BIQUAD_PEAKING, EQ_FREQ_MIN_HZ, EQ_Q_MIN, EQ_GAIN_MIN_DB);
	set_band(&p, 1, BIQUAD_LOWSHELF, EQ_FREQ_MAX_OF_RATE * rate, EQ_Q_MAX, EQ_GAIN_MAX_DB);
	set_band(&p, 2, BIQUAD_NOTCH, EQ_FREQ_MAX_OF_RATE * rate, EQ_Q_MIN, 0.0);
	set_band(&p, 3, BIQUAD_HIGHSHELF, EQ_FREQ_MIN_HZ, EQ_Q_MAX, EQ_GAIN_MIN_DB);
	p.preamp_db = EQ_GAIN_MAX_DB;
	if (eq_design(&d, &p, rate, &err) != 0)
		fail_msg("limits rejected: %s", err);
	for (int i = 0; i < 4; i++)
		assert_true(biquad_is_stable(&d.band[i]));
	assert_true(fabs(20.0 * log10(d.preamp) - EQ_GAIN_MAX_DB) < 1e-12);
}

static void test_set_design_rejects_unstable_design(void **state)
{
	(void)state;
	struct eq_design d, good;
	struct eq_params p;
	struct eq *eq = make_eq(1, 48000.0, 0.0);

	busy_params(&p);
	make_design(&good, &p, 48000.0);
	assert_int_equal(eq_set_design(eq, &good), 0);

	d = good;
	d.band[3].a2 = 1.0;		/* pole on the unit circle */
	assert_int_equal(eq_set_design(eq, &d), -EINVAL);
	d = good;
	d.band[0].b1 = NAN;
	assert_int_equal(eq_set_design(eq, &d), -EINVAL);
	d = good;
	d.preamp = INFINITY;
	assert_int_equal(eq_set_design(eq, &d), -EINVAL);
	d = good;
	d.preamp = 0.0;
	assert_int_equal(eq_set_design(eq, &d), -EINVAL);

	/* the good design is still the one in use */
	enum { N = 24000 };
	float *x = malloc(N * sizeof(*x));

	assert_non_null(x);
	tu_sine(x, N, 48000.0, 1000.0, 0.25, 0.0);
	run(eq, x, N, BLOCK);
	double got = tu_db(tu_amplitude_at(x + N / 2, N / 2, 48000.0, 1000.0) / 0.25);

	assert_true(fabs(got - eq_response(&good, 48000.0, 1000.0, NULL)) <= 0.05);
	free(x);
	eq_destroy(eq);
}

static void test_response_includes_preamp_and_every_band(void **state)
{
	(void)state;
	const double rate = 48000.0;
	struct eq_params p;
	struct eq_design d;
	double ph;

	/* two peaking bands at the same centre add in dB, the preamp adds on top */
	eq_params_default(&p, 2);
	set_band(&p, 0, BIQUAD_PEAKING, 1000.0, 1.0, 5.0);
	set_band(&p, 1, BIQUAD_PEAKING, 1000.0, 3.0, -2.0);
	p.preamp_db = -4.0;
	make_design(&d, &p, rate);
	assert_true(fabs(eq_response(&d, rate, 1000.0, &ph) - (-1.0)) < 1e-9);
	assert_true(fabs(ph) < 1e-9);	/* peaking sections are zero-phase at the centre */

	/* bypass: 0 dB everywhere */
	p.bypass = true;
	make_design(&d, &p, rate);
	for (double f = 20.0; f < 20000.0; f *= 1.5) {
		assert_true(eq_response(&d, rate, f, &ph) == 0.0);
		assert_true(ph == 0.0);
	}
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_sine_through_eq_matches_designed_response),
		cmocka_unit_test(test_20hz_band_at_96k_matches_design),
		cmocka_unit_test(test_flat_eq_is_transparent),
		cmocka_unit_test(test_bypass_is_transparent_after_ramp),
		cmocka_unit_test(test_gain_change_glides_without_a_step),
		cmocka_unit_test(test_extreme_parameters_stay_finite),
		cmocka_unit_test(test_nan_input_does_not_poison_later_blocks),
		cmocka_unit_test(test_in_place_equals_separate_buffers),
		cmocka_unit_test(test_channels_are_independent),
		cmocka_unit_test(test_default_params_sit_on_iso_octaves),
		cmocka_unit_test(test_create_rejects_bad_arguments),
		cmocka_unit_test(test_validate_rejects_each_field_naming_band_and_field),
		cmocka_unit_test(test_validate_accepts_range_limits),
		cmocka_unit_test(test_set_design_rejects_unstable_design),
		cmocka_unit_test(test_response_includes_preamp_and_every_band),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
