/*
 * Every SIMD variant of libdsp's kernels (dsp-kernels.h) that this CPU runs
 * gives the scalar reference's answer on the same data, at sizes 0, 1, odd
 * and large:
 *   - meter scan, window multiply, |X|^2, band sums and the mono mix are
 *     bit-exact (same lanes, same order of additions, no FMA);
 *   - the dB conversion agrees within DSP_DB_TOLERANCE, and exactly at the
 *     floor, the ceiling and for NaN;
 *   - the biquad cascade agrees within DSP_CASCADE_TOLERANCE of full scale
 *     (FMA rounds once where the reference rounds twice; a ramp's
 *     coefficients are accumulated over longer pieces), for 1..8 channels,
 *     1..16 sections, steady and ramping, with a preamp glide, peaking-only
 *     cascades included (AVX2 runs those normalised to b0 = 1);
 *   - eq_process, meter_process and spectrum_process through the public API
 *     with RADIOD_DSP_ISA forcing each variant, the EQ across design changes
 *     (ramps) and bypass; meters bit-exact, spectrum within DSP_DB_TOLERANCE.
 * The largest differences measured are printed as TAP comments.
 */
#include "config.h"

#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <setjmp.h>
#include <cmocka.h>

#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "libdsp/biquad.h"
#include "libdsp/dsp-kernels.h"
#include "libdsp/eq.h"
#include "libdsp/meter.h"
#include "libdsp/spectrum.h"

#define RATE 48000.0
#define LARGE 4101		/* odd, and more than a block of 4096 */

static const uint32_t sizes[] = { 0, 1, 7, 31, 64, 513, LARGE };
#define N_SIZES (sizeof(sizes) / sizeof(sizes[0]))

static uint64_t rng = 0x9e3779b97f4a7c15ULL;

static double uniform(void)
{
	rng = rng * 6364136223846793005ULL + 1442695040888963407ULL;
	return (double)(rng >> 11) / 9007199254740992.0;
}

static void noise(float *x, size_t n, double amp)
{
	for (size_t i = 0; i < n; i++)
		x[i] = (float)(amp * (2.0 * uniform() - 1.0));
}

static float *frames(size_t n)
{
	float *x = calloc(n ? n : 1, sizeof(*x));
	assert_non_null(x);
	return x;
}

/* The variants other than the reference that this CPU runs. */
static const struct dsp_kernels *others[4];
static size_t n_others;

static int find_variants(void **state)
{
	(void)state;
	n_others = 0;
	for (const char *const *n = dsp_kernels_names(); *n; n++) {
		const struct dsp_kernels *k = dsp_kernels_find(*n);
		if (k && strcmp(k->name, "c") != 0)
			others[n_others++] = k;
	}
	return 0;
}

static const struct dsp_kernels *ref(void)
{
	const struct dsp_kernels *k = dsp_kernels_find("c");
	assert_non_null(k);
	return k;
}

static void test_reference_is_always_there_and_names_are_listed(void **state)
{
	assert_non_null(dsp_kernels_find("c"));
	assert_null(dsp_kernels_find("mmx"));
	assert_null(dsp_kernels_find(NULL));
	size_t n = 0;
	for (const char *const *p = dsp_kernels_names(); *p; p++)
		n++;
	assert_true(n >= 1);
	print_message("# variants this CPU runs besides c: %zu (selected: %s)\n", n_others,
		      dsp_kernels_select()->name);
}

static void test_forced_variant_is_selected(void **state)
{
	for (size_t v = 0; v < n_others; v++) {
		setenv("RADIOD_DSP_ISA", others[v]->name, 1);
		assert_ptr_equal(dsp_kernels_select(), others[v]);
	}
	setenv("RADIOD_DSP_ISA", "c", 1);
	assert_string_equal(dsp_kernels_select()->name, "c");
	setenv("RADIOD_DSP_ISA", "no-such-isa", 1);
	assert_non_null(dsp_kernels_select());	/* falls back to the best */
	unsetenv("RADIOD_DSP_ISA");
}

/* ---------------------------------------------------------------- cascade */

static void random_sections(struct biquad_coefs *c, uint32_t n, bool peq_only)
{
	static const enum biquad_type types[] = { BIQUAD_PEAKING, BIQUAD_PEAKING,
		BIQUAD_LOWSHELF, BIQUAD_HIGHSHELF, BIQUAD_LOWPASS, BIQUAD_HIGHPASS,
		BIQUAD_NOTCH, BIQUAD_ALLPASS };
	for (uint32_t j = 0; j < n; j++) {
		enum biquad_type t = types[(size_t)(uniform() * (peq_only ? 4 : 8)) % 8];
		double f = 20.0 * pow(1000.0, uniform());	/* 20 Hz .. 20 kHz */
		double q = 0.3 + 4.0 * uniform(), g = -12.0 + 24.0 * uniform();
		assert_int_equal(biquad_design(&c[j], t, RATE, f, q, g), 0);
	}
}

struct cascade_case {
	uint32_t n_channels, n_sections, n_frames;
	bool ramp, glide;
};

/* Largest |a - b| / max(1, |a|) over n samples. */
static double worst(const float *a, const float *b, size_t n)
{
	double w = 0.0;
	for (size_t i = 0; i < n; i++) {
		double d = fabs((double)a[i] - (double)b[i]) / fmax(1.0, fabs((double)a[i]));
		if (!(d <= w))
			w = d;	/* NaN sticks */
	}
	return w;
}

static double run_cascade_case(const struct dsp_kernels *k, const struct cascade_case *cc)
{
	uint32_t nch = cc->n_channels, ns = cc->n_sections, n = cc->n_frames;
	struct biquad_coefs coef[DSP_MAX_SECTIONS], to[DSP_MAX_SECTIONS], step[DSP_MAX_SECTIONS];
	double st_ref[DSP_MAX_CHANNELS * DSP_MAX_SECTIONS][2];
	double st_k[DSP_MAX_CHANNELS * DSP_MAX_SECTIONS][2];
	float *in[DSP_MAX_CHANNELS], *out_ref[DSP_MAX_CHANNELS], *out_k[DSP_MAX_CHANNELS];

	/* peaking and shelves only for even counts: every b0 is moderate */
	random_sections(coef, ns, ns % 2 == 0);
	random_sections(to, ns, ns % 2 == 0);
	/* A ramp over 2048 frames from coef to `to`, entered at frame 0 of it. */
	for (uint32_t j = 0; j < ns; j++) {
		double r = (double)DSP_RAMP_STEP / 2048.0;
		step[j] = (struct biquad_coefs){ (to[j].b0 - coef[j].b0) * r,
			(to[j].b1 - coef[j].b1) * r, (to[j].b2 - coef[j].b2) * r,
			(to[j].a1 - coef[j].a1) * r, (to[j].a2 - coef[j].a2) * r };
	}
	for (uint32_t i = 0; i < nch * ns; i++) {
		st_ref[i][0] = st_k[i][0] = 0.01 * (uniform() - 0.5);
		st_ref[i][1] = st_k[i][1] = 0.01 * (uniform() - 0.5);
	}
	for (uint32_t c = 0; c < nch; c++) {
		in[c] = frames(n);
		out_ref[c] = frames(n);
		out_k[c] = frames(n);
		noise(in[c], n, 0.5);
	}
	struct dsp_cascade a = {
		.n_channels = nch, .n_sections = ns, .n_frames = n,
		.next = cc->ramp ? (uint32_t)(uniform() * DSP_RAMP_STEP) % DSP_RAMP_STEP : 0,
		.g = 0.9, .dg = cc->glide ? 0.2 / 2048.0 : 0.0,
		.coef = coef, .step = cc->ramp ? step : NULL,
	};
	struct dsp_cascade b = a;
	for (uint32_t c = 0; c < nch; c++) {
		a.in[c] = in[c];
		a.out[c] = out_ref[c];
		b.in[c] = in[c];
		b.out[c] = out_k[c];
	}
	a.state = st_ref;
	b.state = st_k;
	ref()->cascade(&a);
	k->cascade(&b);

	double w = 0.0;
	for (uint32_t c = 0; c < nch; c++) {
		w = fmax(w, worst(out_ref[c], out_k[c], n));
		free(in[c]);
		free(out_ref[c]);
		free(out_k[c]);
	}
	for (uint32_t i = 0; i < nch * ns; i++)
		for (int s = 0; s < 2; s++)
			w = fmax(w, fabs(st_ref[i][s] - st_k[i][s]) / fmax(1.0, fabs(st_ref[i][s])));
	return w;
}

static void check_cascade(bool ramp, bool glide)
{
	static const uint32_t chans[] = { 1, 2, 3, 8 };
	static const uint32_t secs[] = { 1, 2, 3, 5, 8, 16 };
	for (size_t v = 0; v < n_others; v++) {
		double w = 0.0;
		for (size_t c = 0; c < 4; c++)
			for (size_t s = 0; s < 6; s++)
				for (size_t z = 0; z < N_SIZES; z++) {
					struct cascade_case cc = { chans[c], secs[s], sizes[z],
								   ramp, glide };
					double d = run_cascade_case(others[v], &cc);
					if (!(d <= DSP_CASCADE_TOLERANCE))
						fail_msg("%s: %u ch, %u sections, %u frames: %g",
							 others[v]->name, cc.n_channels,
							 cc.n_sections, cc.n_frames, d);
					w = fmax(w, d);
				}
		print_message("# cascade %s%s%s: largest difference %.3g (tolerance %g)\n",
			      others[v]->name, ramp ? ", ramping" : "", glide ? ", preamp glide" : "",
			      w, DSP_CASCADE_TOLERANCE);
	}
}

static void test_cascade_matches_reference_steady(void **state)
{
	check_cascade(false, false);
}

static void test_cascade_matches_reference_ramping_with_preamp_glide(void **state)
{
	check_cascade(true, true);
}

static void test_cascade_in_place_equals_separate_buffers(void **state)
{
	struct biquad_coefs coef[8];
	random_sections(coef, 8, true);
	for (size_t v = 0; v < n_others; v++) {
		float *x[2] = { frames(LARGE), frames(LARGE) }, *y[2] = { frames(LARGE), frames(LARGE) };
		double st1[16][2] = { { 0 } }, st2[16][2] = { { 0 } };
		noise(x[0], LARGE, 0.5);
		noise(x[1], LARGE, 0.5);
		struct dsp_cascade a = { .n_channels = 2, .n_sections = 8, .n_frames = LARGE,
					 .g = 1.0, .coef = coef, .state = st1 };
		struct dsp_cascade b = a;
		b.state = st2;
		for (int c = 0; c < 2; c++) {
			a.in[c] = x[c];
			a.out[c] = y[c];
			b.in[c] = x[c];
			b.out[c] = x[c];
		}
		others[v]->cascade(&a);
		others[v]->cascade(&b);
		for (int c = 0; c < 2; c++) {
			assert_memory_equal(x[c], y[c], LARGE * sizeof(float));
			free(x[c]);
			free(y[c]);
		}
	}
}

/* ----------------------------------------------------------------- meters */

static void test_meter_scan_is_bit_exact(void **state)
{
	float *x = frames(LARGE);
	noise(x, LARGE, 1.3);	/* some samples clip */
	for (size_t v = 0; v < n_others; v++)
		for (size_t z = 0; z < N_SIZES; z++)
			for (uint32_t off = 0; off < 3; off++) {
				uint32_t n = sizes[z] > off ? sizes[z] - off : 0;
				struct dsp_scan a = ref()->scan(x + off, n);
				struct dsp_scan b = others[v]->scan(x + off, n);
				assert_memory_equal(&a.peak, &b.peak, sizeof(a.peak));
				assert_int_equal(a.clipped, b.clipped);
				assert_memory_equal(&a.energy, &b.energy, sizeof(a.energy));
			}
	free(x);
}

/* --------------------------------------------------------------- spectrum */

static void test_window_power_sum_and_mix_are_bit_exact(void **state)
{
	/* x holds LARGE complex values from any of the offsets used below */
	float *x = frames(2 * LARGE + 8), *w = frames(2 * LARGE);
	float *a = frames(2 * LARGE), *b = frames(2 * LARGE);
	float *ch[8];
	noise(x, 2 * LARGE + 8, 100.0);
	noise(w, 2 * LARGE, 1.0);
	for (int c = 0; c < 8; c++) {
		ch[c] = frames(LARGE + 3);
		noise(ch[c], LARGE + 3, 1.0);
	}
	for (size_t v = 0; v < n_others; v++) {
		const struct dsp_kernels *k = others[v];
		for (size_t z = 0; z < N_SIZES; z++) {
			uint32_t n = sizes[z];

			memset(a, 0, 2 * LARGE * sizeof(float));
			memset(b, 0, 2 * LARGE * sizeof(float));
			ref()->mul(a, x + 1, w, n);
			k->mul(b, x + 1, w, n);
			assert_memory_equal(a, b, 2 * LARGE * sizeof(float));

			ref()->power(a, x + 2, n);
			k->power(b, x + 2, n);
			assert_memory_equal(a, b, 2 * LARGE * sizeof(float));

			float sa = ref()->sum(x + 3, n), sb = k->sum(x + 3, n);
			assert_memory_equal(&sa, &sb, sizeof(sa));

			for (uint32_t nch = 2; nch <= 8; nch += 3) {
				ref()->mix(a, (const float *const *)ch, 3, nch, n, 1.0f / nch);
				k->mix(b, (const float *const *)ch, 3, nch, n, 1.0f / nch);
				assert_memory_equal(a, b, 2 * LARGE * sizeof(float));
			}
		}
	}
	for (int c = 0; c < 8; c++)
		free(ch[c]);
	free(x);
	free(w);
	free(a);
	free(b);
}

static void test_db_within_tolerance_with_floor_ceiling_and_nan(void **state)
{
	enum { N = 20011 };	/* odd */
	double *p = calloc(N, sizeof(*p));
	float *a = frames(N), *b = frames(N);
	assert_non_null(p);
	for (uint32_t i = 0; i < N; i++)	/* 1e-18 .. 1e18, every exponent */
		p[i] = pow(10.0, -18.0 + 36.0 * uniform());
	p[0] = 0.0;
	p[1] = NAN;
	p[2] = INFINITY;
	p[3] = 1e-15;
	p[4] = 1e15;
	p[5] = -1.0;
	p[6] = 1.0;
	for (size_t v = 0; v < n_others; v++) {
		double w = 0.0;
		for (size_t z = 0; z < N_SIZES; z++) {
			uint32_t n = sizes[z] < N ? sizes[z] : N;
			ref()->db(a, p, n);
			others[v]->db(b, p, n);
			for (uint32_t i = 0; i < n; i++)
				w = fmax(w, fabs((double)a[i] - (double)b[i]));
		}
		ref()->db(a, p, N);
		others[v]->db(b, p, N);
		for (uint32_t i = 0; i < N; i++)
			w = fmax(w, fabs((double)a[i] - (double)b[i]));
		for (int i = 0; i < 7; i++)	/* the edges exactly */
			assert_memory_equal(&a[i], &b[i], sizeof(float));
		assert_true(w <= DSP_DB_TOLERANCE);
		print_message("# db %s: largest difference %.3g dB (tolerance %g)\n",
			      others[v]->name, w, DSP_DB_TOLERANCE);
	}
	free(p);
	free(a);
	free(b);
}

/* ------------------------------------------------------ through the API */

static struct eq *eq_with(const char *isa, uint32_t nch)
{
	setenv("RADIOD_DSP_ISA", isa, 1);
	struct eq *eq = eq_create(nch, RATE, 20.0, NULL);
	unsetenv("RADIOD_DSP_ISA");
	assert_non_null(eq);
	return eq;
}

static void design(struct eq_design *d, uint32_t n_bands, double gain, bool bypass)
{
	struct eq_params p;
	eq_params_default(&p, n_bands);
	for (uint32_t b = 0; b < n_bands; b++)
		p.band[b].gain_db = (b & 1) ? -gain : gain;
	p.preamp_db = -gain / 4;
	p.bypass = bypass;
	assert_int_equal(eq_design(d, &p, RATE, NULL), 0);
}

/* Blocks of every size in turn, a new design (a 20 ms ramp) every few
 * blocks, bypass in between: the whole output against the reference. */
static void test_eq_through_ramps_and_bypass_matches_reference(void **state)
{
	static const uint32_t blocks[] = { 1, 17, 64, 512, 4096, 333, 128, 7 };
	for (size_t v = 0; v < n_others; v++) {
		for (uint32_t nch = 1; nch <= 3; nch++) {
			struct eq *a = eq_with("c", nch), *b = eq_with(others[v]->name, nch);
			float *in[3], *oa[3], *ob[3];
			double w = 0.0;
			for (uint32_t c = 0; c < nch; c++) {
				in[c] = frames(4096);
				oa[c] = frames(4096);
				ob[c] = frames(4096);
			}
			for (int round = 0; round < 48; round++) {
				uint32_t n = blocks[round % 8];
				if (round % 5 == 0) {
					struct eq_design d;
					design(&d, 8 + (round % 3) * 4, 3.0 * (round % 7) - 9.0,
					       round % 15 == 10);
					assert_int_equal(eq_set_design(a, &d), 0);
					assert_int_equal(eq_set_design(b, &d), 0);
				}
				for (uint32_t c = 0; c < nch; c++)
					noise(in[c], n, 0.5);
				eq_process(a, (const float *const *)in, oa, n);
				eq_process(b, (const float *const *)in, ob, n);
				for (uint32_t c = 0; c < nch; c++)
					w = fmax(w, worst(oa[c], ob[c], n));
			}
			assert_true(w <= DSP_CASCADE_TOLERANCE);
			print_message("# eq_process %s, %u ch, ramps and bypass: largest difference %.3g\n",
				      others[v]->name, nch, w);
			for (uint32_t c = 0; c < nch; c++) {
				free(in[c]);
				free(oa[c]);
				free(ob[c]);
			}
			eq_destroy(a);
			eq_destroy(b);
		}
	}
}

static void test_meter_and_spectrum_read_the_same_with_every_variant(void **state)
{
	float *l = frames(4096), *r = frames(4096);
	const float *in[2] = { l, r };
	for (size_t v = 0; v < n_others; v++) {
		setenv("RADIOD_DSP_ISA", "c", 1);
		struct meter *ma = meter_create(2, RATE, 0, NULL);
		struct spectrum *sa = spectrum_create(2, RATE, NULL, NULL);
		setenv("RADIOD_DSP_ISA", others[v]->name, 1);
		struct meter *mb = meter_create(2, RATE, 0, NULL);
		struct spectrum *sb = spectrum_create(2, RATE, NULL, NULL);
		unsetenv("RADIOD_DSP_ISA");
		assert_true(ma && sa && mb && sb);
		for (int round = 0; round < 20; round++) {
			uint32_t n = round % 2 ? 4096 : 37 + 100 * round;
			noise(l, n, 0.3 + 0.1 * round);
			noise(r, n, 0.2);
			meter_process(ma, in, n);
			meter_process(mb, in, n);
			spectrum_process(sa, in, n);
			spectrum_process(sb, in, n);
			struct meter_reading ra[2], rb[2];
			meter_read(ma, ra, 2);
			meter_read(mb, rb, 2);
			assert_memory_equal(ra, rb, sizeof(ra));
			struct spectrum_frame fa, fb;
			spectrum_read(sa, &fa);
			spectrum_read(sb, &fb);
			/* the dB conversion is the one kernel that is not bit-exact */
			for (int k = 0; k < SPECTRUM_BANDS; k++) {
				assert_true(fabs(fa.band_db[k] - fb.band_db[k]) <= DSP_DB_TOLERANCE);
				assert_true(fabs(fa.peak_db[k] - fb.peak_db[k]) <= DSP_DB_TOLERANCE);
				assert_true(fabs(fa.raw_db[k] - fb.raw_db[k]) <= DSP_DB_TOLERANCE);
			}
			assert_int_equal(fa.seq, fb.seq);
		}
		meter_destroy(ma);
		meter_destroy(mb);
		spectrum_destroy(sa);
		spectrum_destroy(sb);
	}
	free(l);
	free(r);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_reference_is_always_there_and_names_are_listed),
		cmocka_unit_test(test_forced_variant_is_selected),
		cmocka_unit_test(test_cascade_matches_reference_steady),
		cmocka_unit_test(test_cascade_matches_reference_ramping_with_preamp_glide),
		cmocka_unit_test(test_cascade_in_place_equals_separate_buffers),
		cmocka_unit_test(test_meter_scan_is_bit_exact),
		cmocka_unit_test(test_window_power_sum_and_mix_are_bit_exact),
		cmocka_unit_test(test_db_within_tolerance_with_floor_ceiling_and_nan),
		cmocka_unit_test(test_eq_through_ramps_and_bypass_matches_reference),
		cmocka_unit_test(test_meter_and_spectrum_read_the_same_with_every_variant),
	};
	return cmocka_run_group_tests(tests, find_variants, NULL);
}
