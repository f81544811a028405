/*
 * test_siggen - the test-signal generator against the closed forms it
 * promises: sine and Farina sweep sample by sample, levels, noise spectra
 * over the ISO third-octave bands, impulses, multitones, parameter checks.
 */
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <setjmp.h>
#include <cmocka.h>

#include <errno.h>
#include <fftw3.h>
#include <math.h>
#include <stdlib.h>
#include <string.h>

#include "libdsp/analysis.h"
#include "libdsp/siggen.h"
#include "tests/dsp_testutil.h"

#define RATE 48000.0

static struct siggen_params sine_params(double freq, double level)
{
	return (struct siggen_params){ .kind = SIGGEN_SINE, .freq_hz = freq, .level_dbfs = level };
}

static struct siggen_params sweep_params(double f1, double f2, double level, double seconds)
{
	return (struct siggen_params){ .kind = SIGGEN_SWEEP, .freq_hz = f1, .freq_end_hz = f2,
				       .level_dbfs = level, .duration_s = seconds };
}

static struct siggen_params noise_params(enum siggen_kind kind, double level, uint32_t seed)
{
	return (struct siggen_params){ .kind = kind, .level_dbfs = level, .seed = seed };
}

/* n frames of p, generated in blocks of block frames. */
static float *generate(const struct siggen_params *p, double rate, size_t n, uint32_t block)
{
	struct siggen g;
	const char *err = NULL;
	int ret = siggen_init(&g, p, rate, &err);
	if (ret != 0)
		print_message("siggen_init: %s\n", err);
	assert_int_equal(ret, 0);
	float *x = malloc(n * sizeof *x);
	assert_non_null(x);
	for (size_t i = 0; i < n; i += block) {
		uint32_t len = n - i < block ? (uint32_t)(n - i) : block;
		siggen_process(&g, x + i, len);
	}
	return x;
}

static void test_sine_thd_is_below_minus_120db(void **state)
{
	(void)state;
	const double freqs[] = { 1000.0, 997.0 };
	for (size_t i = 0; i < 2; i++) {
		struct siggen_params p = sine_params(freqs[i], -3.0);
		size_t n = 48000;
		float *x = generate(&p, RATE, n, 512);
		struct thd_result r;
		const char *err = NULL;
		assert_int_equal(analysis_thd(x, n, RATE, 0.0, &r, &err), 0);
		print_message("sine %.0f Hz @ 48 kHz, -3 dBFS: THD %.1f dB, THD+N %.1f dB, SNR %.1f dB, "
			      "f %.9f Hz, level %.6f dBFS\n",
			      freqs[i], r.thd_db, r.thdn_db, r.snr_db, r.fundamental_hz, r.fundamental_dbfs);
		assert_true(r.thd_db < -120.0);
		assert_true(r.thdn_db < -120.0);
		assert_true(fabs(r.fundamental_hz - freqs[i]) < 1e-6);
		free(x);
	}
}

static void test_sine_level_is_exact(void **state)
{
	(void)state;
	struct siggen_params p = sine_params(1000.0, -20.0);
	size_t n = 4800;
	float *x = generate(&p, RATE, n, 256);
	double level = tu_db(tu_amplitude_at(x, n, RATE, 1000.0));
	double phase = tu_phase_at(x, n, RATE, 1000.0);
	print_message("-20 dBFS sine measures %.6f dBFS, phase %.2g rad\n", level, phase);
	assert_true(fabs(level + 20.0) <= 0.01);
	assert_true(fabs(phase) < 1e-6);
	free(x);
}

static void test_sine_matches_closed_form_for_ten_seconds(void **state)
{
	(void)state;
	const double rate = 44100.0, f = 12345.678, amp = pow(10.0, -6.0 / 20.0);
	struct siggen_params p = sine_params(f, -6.0);
	size_t n = 441000;
	float *x = generate(&p, rate, n, 333);
	double worst = 0.0;
	for (size_t k = 0; k < n; k++) {
		double cycles = f * (double)k / rate;
		double want = amp * sin(2.0 * M_PI * (cycles - floor(cycles)));
		worst = fmax(worst, fabs(x[k] - want));
	}
	print_message("sine vs closed form over 10 s: worst error %.3g\n", worst);
	assert_true(worst < 1e-7);
	free(x);
}

static void test_block_size_does_not_change_samples(void **state)
{
	(void)state;
	struct siggen_params kinds[] = {
		sine_params(997.0, -1.0),
		sweep_params(20.0, 20000.0, -1.0, 0.05),
		noise_params(SIGGEN_WHITE, -10.0, 7),
		noise_params(SIGGEN_PINK, -10.0, 7),
		{ .kind = SIGGEN_IMPULSE, .freq_hz = 1000.0, .level_dbfs = -1.0 },
		{ .kind = SIGGEN_MULTITONE, .level_dbfs = -1.0, .n_tones = 3,
		  .tone_hz = { 100.0, 1234.5, 15000.0 } },
	};
	const uint32_t odd_blocks[] = { 1, 7, 13, 255, 256, 257, 1000 };
	size_t n = 4800;
	for (size_t k = 0; k < sizeof kinds / sizeof kinds[0]; k++) {
		float *one = generate(&kinds[k], RATE, n, 4800);
		float *many = generate(&kinds[k], RATE, n, 48);
		assert_memory_equal(one, many, n * sizeof *one);

		struct siggen g;
		assert_int_equal(siggen_init(&g, &kinds[k], RATE, NULL), 0);
		float odd[4800];
		size_t done = 0;
		for (size_t b = 0; done < n; b++) {
			uint32_t len = odd_blocks[b % 7];
			if (len > n - done)
				len = (uint32_t)(n - done);
			siggen_process(&g, odd + done, len);
			done += len;
		}
		assert_memory_equal(one, odd, n * sizeof *one);
		free(one);
		free(many);
	}
}

/* Fits 10 log10(power density) = a + slope log2(f) over the ISO third-octave
 * bands 50 Hz .. 16 kHz of a Welch (Hann, 16384, half overlap) spectrum. */
static void band_slope(const float *x, size_t n, double rate, double *slope, double *worst_dev)
{
	const size_t m = 16384;
	float *in = fftwf_malloc(m * sizeof *in);
	fftwf_complex *spec = fftwf_malloc((m / 2 + 1) * sizeof *spec);
	double *psd = calloc(m / 2 + 1, sizeof *psd);
	assert_true(in && spec && psd);
	fftwf_plan plan = fftwf_plan_dft_r2c_1d((int)m, in, spec, FFTW_ESTIMATE);
	for (size_t start = 0; start + m <= n; start += m / 2) {
		for (size_t i = 0; i < m; i++)
			in[i] = (float)(x[start + i] * (0.5 - 0.5 * cos(2.0 * M_PI * (double)i / (double)m)));
		fftwf_execute(plan);
		for (size_t k = 0; k <= m / 2; k++)
			psd[k] += (double)spec[k][0] * spec[k][0] + (double)spec[k][1] * spec[k][1];
	}
	fftwf_destroy_plan(plan);

	double lx[26], ly[26];
	int nb = 0;
	for (int band = -13; band <= 12; band++, nb++) {
		double fc = 1000.0 * pow(10.0, band / 10.0);
		double lo = fc * pow(10.0, -0.05), hi = fc * pow(10.0, 0.05), sum = 0.0;
		int bins = 0;
		for (size_t k = 1; k < m / 2; k++) {
			double f = (double)k * rate / (double)m;
			if (f >= lo && f < hi) {
				sum += psd[k];
				bins++;
			}
		}
		assert_true(bins > 0);
		lx[nb] = log2(fc);
		ly[nb] = 10.0 * log10(sum / bins);
	}
	double mx = 0, my = 0, sxx = 0, sxy = 0;
	for (int i = 0; i < nb; i++) {
		mx += lx[i] / nb;
		my += ly[i] / nb;
	}
	for (int i = 0; i < nb; i++) {
		sxx += (lx[i] - mx) * (lx[i] - mx);
		sxy += (lx[i] - mx) * (ly[i] - my);
	}
	*slope = sxy / sxx;
	*worst_dev = 0.0;
	for (int i = 0; i < nb; i++)
		*worst_dev = fmax(*worst_dev, fabs(ly[i] - (my + *slope * (lx[i] - mx))));
	fftwf_free(in);
	fftwf_free(spec);
	free(psd);
	fftwf_cleanup();
}

static void test_pink_noise_falls_3db_per_octave(void **state)
{
	(void)state;
	struct siggen_params p = noise_params(SIGGEN_PINK, -20.0, 12345);
	size_t n = 1 << 20;
	float *x = generate(&p, RATE, n, 512);
	double slope, dev;
	band_slope(x, n, RATE, &slope, &dev);
	print_message("pink noise: %.3f dB/octave over 50 Hz..16 kHz, worst band off the line %.2f dB\n",
		      slope, dev);
	assert_true(fabs(slope + 3.0103) <= 0.5);
	free(x);
}

static void test_white_noise_is_flat(void **state)
{
	(void)state;
	struct siggen_params p = noise_params(SIGGEN_WHITE, -20.0, 12345);
	size_t n = 1 << 20;
	float *x = generate(&p, RATE, n, 512);
	double slope, dev;
	band_slope(x, n, RATE, &slope, &dev);
	print_message("white noise: %.3f dB/octave over 50 Hz..16 kHz, worst band off the line %.2f dB\n",
		      slope, dev);
	assert_true(fabs(slope) <= 0.5);
	free(x);
}

static void test_noise_rms_matches_level(void **state)
{
	(void)state;
	const enum siggen_kind kinds[] = { SIGGEN_WHITE, SIGGEN_PINK };
	const double levels[] = { -20.0, -60.0 };
	/* Pink noise keeps much of its power below 50 Hz, so its RMS settles
	 * slowly: over 87 s it still scatters by up to 0.05 dB between seeds. */
	size_t n = 1 << 22;
	for (size_t k = 0; k < 2; k++) {
		for (size_t l = 0; l < 2; l++) {
			struct siggen_params p = noise_params(kinds[k], levels[l], 99);
			float *x = generate(&p, RATE, n, 512);
			double rms = tu_db(tu_rms(x, n));
			print_message("%s noise at %.0f dBFS RMS measures %.3f dBFS\n",
				      siggen_kind_name(kinds[k]), levels[l], rms);
			assert_true(fabs(rms - levels[l]) <= 0.1);
			free(x);
		}
	}
}

static void test_noise_is_clipped_to_full_scale(void **state)
{
	(void)state;
	const enum siggen_kind kinds[] = { SIGGEN_WHITE, SIGGEN_PINK };
	size_t n = 48000;
	for (size_t k = 0; k < 2; k++) {
		struct siggen_params p = noise_params(kinds[k], 0.0, 3);
		float *x = generate(&p, RATE, n, 512);
		assert_true(tu_peak(x, n) <= 1.0);
		free(x);
	}
}

static void test_noise_seed_selects_the_sequence(void **state)
{
	(void)state;
	size_t n = 1024;
	struct siggen_params a = noise_params(SIGGEN_WHITE, -10.0, 1);
	struct siggen_params b = noise_params(SIGGEN_WHITE, -10.0, 2);
	float *xa = generate(&a, RATE, n, 64), *xa2 = generate(&a, RATE, n, 100);
	float *xb = generate(&b, RATE, n, 64);
	assert_memory_equal(xa, xa2, n * sizeof *xa);
	assert_memory_not_equal(xa, xb, n * sizeof *xa);
	free(xa);
	free(xa2);
	free(xb);
}

/* Farina: f(t) = f1 exp(t / L), phase f1 L (exp(t / L) - 1) cycles,
 * L = T / ln(f2 / f1). */
static double farina_phase(double f1, double f2, double seconds, double t)
{
	double l = seconds / log(f2 / f1);
	return f1 * l * expm1(t / l);
}

static void test_sweep_matches_farina_closed_form(void **state)
{
	(void)state;
	const double f1 = 20.0, f2 = 20000.0, seconds = 10.0, amp = pow(10.0, -6.0 / 20.0);
	const double down[2][2] = { { f1, f2 }, { f2, f1 } };
	size_t n = (size_t)(seconds * RATE);
	for (int dir = 0; dir < 2; dir++) {
		struct siggen_params p = sweep_params(down[dir][0], down[dir][1], -6.0, seconds);
		float *x = generate(&p, RATE, n, 512);
		double worst = 0.0;
		for (size_t k = 0; k < n; k++) {
			double ph = farina_phase(down[dir][0], down[dir][1], seconds, (double)k / RATE);
			double want = amp * sin(2.0 * M_PI * (ph - floor(ph)));
			worst = fmax(worst, fabs(x[k] - want));
		}
		print_message("%s sweep vs Farina closed form over 10 s: worst error %.3g\n",
			      dir ? "down" : "up", worst);
		assert_true(worst < 1e-7);
		free(x);
	}
}

/* Frequency of the strongest sine in x[0..w-1] within +-5 % of guess. */
static double local_frequency(const float *x, size_t w, double guess)
{
	double best = guess, best_amp = -1.0;
	for (int i = -500; i <= 500; i++) {
		double f = guess * (1.0 + i * 1e-4);
		double a = tu_amplitude_at(x, w, RATE, f);
		if (a > best_amp) {
			best_amp = a;
			best = f;
		}
	}
	return best;
}

static void test_sweep_frequency_runs_from_start_to_end(void **state)
{
	(void)state;
	const double f1 = 20.0, f2 = 20000.0, seconds = 10.0;
	struct siggen_params p = sweep_params(f1, f2, -6.0, seconds);
	size_t n = (size_t)(seconds * RATE);
	float *x = generate(&p, RATE, n, 512);
	const double at[] = { 100.0, 300.0, 1000.0, 3000.0, 10000.0, 19500.0 };
	double l = seconds / log(f2 / f1);
	for (size_t i = 0; i < sizeof at / sizeof at[0]; i++) {
		double t = l * log(at[i] / f1);
		size_t w = (size_t)fmax(256.0, 8.0 * RATE / at[i]);
		size_t centre = (size_t)(t * RATE);
		double f = local_frequency(x + centre - w / 2, w, at[i] * 1.02);
		double level = tu_db(tu_amplitude_at(x + centre - w / 2, w, RATE, f));
		print_message("sweep at %.3f s: %.1f Hz (law says %.1f), %.3f dBFS\n", t, f, at[i], level);
		assert_true(fabs(f / at[i] - 1.0) < 0.01);
		assert_true(fabs(level + 6.0) < 0.1);
	}
	double peak = tu_db(tu_peak(x, n));
	print_message("sweep peak %.4f dBFS (level -6)\n", peak);
	assert_true(peak <= -6.0 + 1e-6 && peak > -6.01);
	free(x);
}

static void test_sweep_is_done_after_its_duration(void **state)
{
	(void)state;
	struct siggen_params p = sweep_params(100.0, 10000.0, -6.0, 0.1);
	struct siggen g;
	assert_int_equal(siggen_init(&g, &p, RATE, NULL), 0);
	float buf[512];
	uint32_t total = 0, got;
	while (!siggen_done(&g)) {
		got = siggen_process(&g, buf, 512);
		total += got;
		if (got < 512)
			for (uint32_t i = got; i < 512; i++)
				assert_true(buf[i] == 0.0f);
	}
	assert_int_equal(total, 4800);
	assert_int_equal(siggen_process(&g, buf, 512), 0);
	assert_true(tu_peak(buf, 512) == 0.0);
	assert_true(siggen_done(&g));
}

static void test_duration_ends_a_sine(void **state)
{
	(void)state;
	struct siggen_params p = sine_params(1000.0, -6.0);
	p.duration_s = 0.01;
	struct siggen g;
	assert_int_equal(siggen_init(&g, &p, RATE, NULL), 0);
	float buf[512];
	assert_false(siggen_done(&g));
	assert_int_equal(siggen_process(&g, buf, 512), 480);
	assert_true(tu_peak(buf, 480) > 0.49);
	assert_true(tu_peak(buf + 480, 32) == 0.0);
	assert_true(siggen_done(&g));
}

static void test_endless_signal_is_never_done(void **state)
{
	(void)state;
	struct siggen_params p = sine_params(1000.0, -6.0);
	struct siggen g;
	assert_int_equal(siggen_init(&g, &p, RATE, NULL), 0);
	float buf[512];
	for (int i = 0; i < 100; i++)
		assert_int_equal(siggen_process(&g, buf, 512), 512);
	assert_false(siggen_done(&g));
}

static void test_single_impulse_is_one_sample_at_level(void **state)
{
	(void)state;
	struct siggen_params p = { .kind = SIGGEN_IMPULSE, .freq_hz = 0.0, .level_dbfs = -6.0 };
	struct siggen g;
	assert_int_equal(siggen_init(&g, &p, RATE, NULL), 0);
	float buf[1000];
	assert_int_equal(siggen_process(&g, buf, 1000), 1);
	assert_true(buf[0] == (float)pow(10.0, -6.0 / 20.0));
	assert_true(tu_peak(buf + 1, 999) == 0.0);
	assert_true(siggen_done(&g));
}

static void test_impulses_repeat_at_the_rate(void **state)
{
	(void)state;
	struct siggen_params p = { .kind = SIGGEN_IMPULSE, .freq_hz = 100.0, .level_dbfs = 0.0 };
	size_t n = 4800;
	float *x = generate(&p, RATE, n, 100);
	int count = 0;
	for (size_t k = 0; k < n; k++) {
		if (k % 480 == 0) {
			assert_true(x[k] == 1.0f);
			count++;
		} else {
			assert_true(x[k] == 0.0f);
		}
	}
	assert_int_equal(count, 10);
	free(x);
}

static void test_multitone_splits_the_level_between_tones(void **state)
{
	(void)state;
	struct siggen_params p = { .kind = SIGGEN_MULTITONE, .level_dbfs = -3.0, .n_tones = 4,
				   .tone_hz = { 1000.0, 2000.0, 3100.0, 5000.0 } };
	size_t n = 48000;
	float *x = generate(&p, RATE, n, 512);
	double level = pow(10.0, -3.0 / 20.0);
	for (uint32_t i = 0; i < p.n_tones; i++) {
		double a = tu_amplitude_at(x, n, RATE, p.tone_hz[i]);
		print_message("multitone: %.0f Hz at %.6f of the level (want 0.25)\n", p.tone_hz[i], a / level);
		assert_true(fabs(a / level - 0.25) < 1e-6);
	}
	assert_true(tu_peak(x, n) <= level);
	free(x);
}

/* The worst case: 16 tones on one frequency add up to exactly the level. */
static void test_multitone_peak_never_exceeds_level(void **state)
{
	(void)state;
	struct siggen_params p = { .kind = SIGGEN_MULTITONE, .level_dbfs = 0.0, .n_tones = SIGGEN_MAX_TONES };
	for (uint32_t i = 0; i < SIGGEN_MAX_TONES; i++)
		p.tone_hz[i] = 750.0;
	size_t n = 48000;
	float *x = generate(&p, RATE, n, 512);
	double peak = tu_peak(x, n);
	print_message("16 tones at 750 Hz in phase at 0 dBFS: peak %.9f\n", peak);
	assert_true(peak <= 1.0);
	assert_true(peak > 1.0 - 1e-6);
	for (uint32_t i = 0; i < SIGGEN_MAX_TONES; i++)
		p.tone_hz[i] = 100.0 * (i + 1);
	free(x);
	x = generate(&p, RATE, n, 512);
	peak = tu_peak(x, n);
	print_message("16 harmonic tones at 0 dBFS: peak %.6f\n", peak);
	assert_true(peak <= 1.0);
	free(x);
}

static void expect_rejected(const struct siggen_params *p, double rate, const char *name)
{
	struct siggen g, before;
	memset(&g, 0x5a, sizeof g);
	before = g;
	const char *err = NULL;
	assert_int_equal(siggen_init(&g, p, rate, &err), -EINVAL);
	assert_non_null(err);
	if (!strstr(err, name))
		print_message("message \"%s\" does not name %s\n", err, name);
	assert_non_null(strstr(err, name));
	assert_memory_equal(&g, &before, sizeof g);
	assert_int_equal(siggen_init(&g, p, rate, NULL), -EINVAL);
}

static void test_init_rejects_bad_rate(void **state)
{
	(void)state;
	struct siggen_params p = sine_params(1000.0, -6.0);
	expect_rejected(&p, 0.0, "rate");
	expect_rejected(&p, NAN, "rate");
	expect_rejected(&p, 1e7, "rate");
}

static void test_init_rejects_bad_kind(void **state)
{
	(void)state;
	struct siggen_params p = sine_params(1000.0, -6.0);
	p.kind = (enum siggen_kind)42;
	expect_rejected(&p, RATE, "kind");
}

static void test_init_rejects_bad_level(void **state)
{
	(void)state;
	const double bad[] = { 0.5, -121.0, NAN, INFINITY };
	for (size_t i = 0; i < 4; i++) {
		struct siggen_params p = sine_params(1000.0, bad[i]);
		expect_rejected(&p, RATE, "level_dbfs");
	}
}

static void test_init_rejects_bad_duration(void **state)
{
	(void)state;
	const double bad[] = { -1.0, 2e6, NAN, 1e-6 };
	for (size_t i = 0; i < 4; i++) {
		struct siggen_params p = sine_params(1000.0, -6.0);
		p.duration_s = bad[i];
		expect_rejected(&p, RATE, "duration_s");
	}
}

static void test_init_rejects_bad_sine_frequency(void **state)
{
	(void)state;
	const double bad[] = { 0.0, -5.0, 24000.0, NAN };
	for (size_t i = 0; i < 4; i++) {
		struct siggen_params p = sine_params(bad[i], -6.0);
		expect_rejected(&p, RATE, "freq_hz");
	}
}

static void test_init_rejects_bad_sweep(void **state)
{
	(void)state;
	struct siggen_params p = sweep_params(0.0, 1000.0, -6.0, 1.0);
	expect_rejected(&p, RATE, "freq_hz");
	p = sweep_params(20.0, 30000.0, -6.0, 1.0);
	expect_rejected(&p, RATE, "freq_end_hz");
	p = sweep_params(1000.0, 1000.0, -6.0, 1.0);
	expect_rejected(&p, RATE, "freq_end_hz");
	p = sweep_params(20.0, 20000.0, -6.0, 0.0);
	expect_rejected(&p, RATE, "duration_s");
}

static void test_init_rejects_bad_impulse_rate(void **state)
{
	(void)state;
	struct siggen_params p = { .kind = SIGGEN_IMPULSE, .freq_hz = -1.0, .level_dbfs = -6.0 };
	expect_rejected(&p, RATE, "freq_hz");
	p.freq_hz = 30000.0;
	expect_rejected(&p, RATE, "freq_hz");
}

static void test_init_rejects_bad_tones(void **state)
{
	(void)state;
	struct siggen_params p = { .kind = SIGGEN_MULTITONE, .level_dbfs = -6.0, .n_tones = 0 };
	expect_rejected(&p, RATE, "n_tones");
	p.n_tones = SIGGEN_MAX_TONES + 1;
	expect_rejected(&p, RATE, "n_tones");
	p.n_tones = 2;
	p.tone_hz[0] = 1000.0;
	p.tone_hz[1] = 24000.0;
	expect_rejected(&p, RATE, "tone_hz");
}

static void test_init_rejects_null(void **state)
{
	(void)state;
	struct siggen g;
	struct siggen_params p = sine_params(1000.0, -6.0);
	const char *err = NULL;
	assert_int_equal(siggen_init(NULL, &p, RATE, &err), -EINVAL);
	assert_non_null(err);
	assert_int_equal(siggen_init(&g, NULL, RATE, &err), -EINVAL);
}

static void test_kind_names_round_trip(void **state)
{
	(void)state;
	const enum siggen_kind kinds[] = { SIGGEN_SINE, SIGGEN_SWEEP, SIGGEN_WHITE,
					   SIGGEN_PINK, SIGGEN_IMPULSE, SIGGEN_MULTITONE };
	for (size_t i = 0; i < sizeof kinds / sizeof kinds[0]; i++) {
		enum siggen_kind k = (enum siggen_kind)99;
		assert_int_equal(siggen_kind_parse(siggen_kind_name(kinds[i]), &k), 0);
		assert_int_equal(k, kinds[i]);
	}
	enum siggen_kind k = SIGGEN_SINE;
	assert_int_equal(siggen_kind_parse("PINK", &k), 0);
	assert_int_equal(k, SIGGEN_PINK);
	assert_int_equal(siggen_kind_parse("square", &k), -EINVAL);
	assert_int_equal(k, SIGGEN_PINK);
	assert_int_equal(siggen_kind_parse(NULL, &k), -EINVAL);
	assert_string_equal(siggen_kind_name((enum siggen_kind)42), "unknown");
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_sine_thd_is_below_minus_120db),
		cmocka_unit_test(test_sine_level_is_exact),
		cmocka_unit_test(test_sine_matches_closed_form_for_ten_seconds),
		cmocka_unit_test(test_block_size_does_not_change_samples),
		cmocka_unit_test(test_pink_noise_falls_3db_per_octave),
		cmocka_unit_test(test_white_noise_is_flat),
		cmocka_unit_test(test_noise_rms_matches_level),
		cmocka_unit_test(test_noise_is_clipped_to_full_scale),
		cmocka_unit_test(test_noise_seed_selects_the_sequence),
		cmocka_unit_test(test_sweep_matches_farina_closed_form),
		cmocka_unit_test(test_sweep_frequency_runs_from_start_to_end),
		cmocka_unit_test(test_sweep_is_done_after_its_duration),
		cmocka_unit_test(test_duration_ends_a_sine),
		cmocka_unit_test(test_endless_signal_is_never_done),
		cmocka_unit_test(test_single_impulse_is_one_sample_at_level),
		cmocka_unit_test(test_impulses_repeat_at_the_rate),
		cmocka_unit_test(test_multitone_splits_the_level_between_tones),
		cmocka_unit_test(test_multitone_peak_never_exceeds_level),
		cmocka_unit_test(test_init_rejects_bad_rate),
		cmocka_unit_test(test_init_rejects_bad_kind),
		cmocka_unit_test(test_init_rejects_bad_level),
		cmocka_unit_test(test_init_rejects_bad_duration),
		cmocka_unit_test(test_init_rejects_bad_sine_frequency),
		cmocka_unit_test(test_init_rejects_bad_sweep),
		cmocka_unit_test(test_init_rejects_bad_impulse_rate),
		cmocka_unit_test(test_init_rejects_bad_tones),
		cmocka_unit_test(test_init_rejects_null),
		cmocka_unit_test(test_kind_names_round_trip),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
