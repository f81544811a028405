/*
 * dsp-kernels.h - the hot loops of libdsp in several instruction sets, chosen
 * once from the CPU's flags.
 *
 * One file per instruction set: dsp-c.c is the scalar reference, dsp-sse2.c
 * the x86-64 baseline, dsp-avx2.c AVX2 with FMA (the only file built with
 * -mavx2 -mfma).  A variant fills a struct dsp_kernels; every
 * prototype comes from DSP_KERNEL_PROTOS, so the variants cannot drift apart.
 * eq_create, meter_create and spectrum_create call dsp_kernels_select() once
 * and keep the table: the audio thread only calls through it.
 *
 * Choice: the best variant the CPU supports (avx2, then sse2, then c), or
 * the one named by the environment variable RADIOD_DSP_ISA (c, sse2 or avx2)
 * for tests and benchmarks; a name the CPU cannot run, or an unknown one,
 * falls back to the best variant.
 *
 * Each variant matches the reference within a stated tolerance, checked by
 * tests/test_simd_kernels.c at sizes 0, 1, odd and large:
 *   meter_scan, window, power, band_sum, mix: bit-exact (the same lane layout
 *     and order of additions as the reference, no FMA);
 *   db: a polynomial logarithm instead of libm's, within DSP_DB_TOLERANCE dB
 *     (it rounds to the same float but for the odd last bit);
 *   cascade: SSE2 is bit-exact; AVX2's FMA, its steady-state form
 *     normalised to b0 = 1 and its ramps accumulated over whole blocks change
 *     the rounding of double arithmetic, and the float outputs agree within
 *     DSP_CASCADE_TOLERANCE of full scale (measured: under 1.2e-7).
 *
 * Threads: dsp_kernels_select / dsp_kernels_find / dsp_kernels_name are
 * control-thread calls (getenv, CPUID).  Every kernel is DSP_RT: no
 * allocation, lock or system call; pointers into a table are DSP_RT types,
 * so RealtimeSanitizer's effect analysis sees through the dispatch.
 */
#ifndef RADIOD_LIBDSP_DSP_KERNELS_H
#define RADIOD_LIBDSP_DSP_KERNELS_H

#include <math.h>
#include <stdint.h>

#include "libdsp/biquad.h"
#include "libdsp/rt.h"

#define DSP_MAX_CHANNELS 8
#define DSP_MAX_SECTIONS 16
#define DSP_RAMP_STEP 4		/* a ramp moves coefficients every this many frames */

/* Largest difference from the reference cascade, relative to full scale. */
#define DSP_CASCADE_TOLERANCE 1e-6

/* The dB conversion: range, and the largest difference from the reference
 * (libm's log10) allowed to a faster one. */
#define DSP_DB_FLOOR (-150.0)
#define DSP_DB_CEIL 150.0
#define DSP_DB_TOLERANCE 1e-4

/*
 * One call of a biquad cascade over n_frames frames of n_channels channels:
 *   x = in[c][i] * g_i,  g_i = g (dg == 0) or g + dg + ... + dg, i + 1 terms
 *   then sections 0 .. n_sections-1 in order, transposed direct form II in
 *   double, state[c * n_sections + j] = { s1, s2 } of section j, channel c;
 *   out[c][i] = (float)y.
 * With step != NULL (a ramp) section j's coefficients start at coef[j] and
 * move by step[j] before frame `next` (0 .. DSP_RAMP_STEP-1) and every
 * DSP_RAMP_STEP frames after.  out[c] may equal in[c]; channels must not
 * overlap.  The state is read and written back; it is not scrubbed here.
 */
struct dsp_cascade {
	uint32_t n_channels;		/* 1 .. DSP_MAX_CHANNELS */
	uint32_t n_sections;		/* 1 .. DSP_MAX_SECTIONS */
	uint32_t n_frames;		/* 0 .. any */
	uint32_t next;
	double g, dg;
	const float *in[DSP_MAX_CHANNELS];
	float *out[DSP_MAX_CHANNELS];
	const struct biquad_coefs *coef;
	const struct biquad_coefs *step;
	double (*state)[2];
};

/* What a meter learns from a run of samples (all finite, see meter.c). */
struct dsp_scan {
	float peak;		/* largest |x| */
	uint32_t clipped;	/* samples with |x| >= 1.0 (METER_CLIP_LEVEL) */
	double energy;		/* sum of x^2: float squares, 8 float lanes, summed in double */
};

/*
 * The end of every variant's scan: the frames after the last whole block of
 * 8, then the 8 lane accumulators, folded in this one order so that every
 * variant gives the reference's result to the bit.
 */
static inline DSP_RT struct dsp_scan dsp_scan_finish(const float *restrict x, uint32_t i,
						     uint32_t n, const float pk[8],
						     const uint32_t cl[8], const float e[8])
{
	struct dsp_scan s = { 0.0f, 0, 0.0 };

	for (; i < n; i++) {
		float v = x[i], a = fabsf(v);
		s.peak = a > s.peak ? a : s.peak;
		s.clipped += !(a < 1.0f);
		s.energy += (double)(v * v);
	}
	for (uint32_t j = 0; j < 8; j++) {
		s.peak = pk[j] > s.peak ? pk[j] : s.peak;
		s.clipped += cl[j];
		s.energy += (double)e[j];
	}
	return s;
}

typedef void (*dsp_cascade_fn)(const struct dsp_cascade *c) DSP_RT;
typedef struct dsp_scan (*dsp_scan_fn)(const float *restrict x, uint32_t n) DSP_RT;
/* out[i] = x[i] * w[i] */
typedef void (*dsp_mul_fn)(float *restrict out, const float *restrict x,
			   const float *restrict w, uint32_t n) DSP_RT;
/* p[k] = re^2 + im^2 of the interleaved complex X[2k], X[2k+1] */
typedef void (*dsp_power_fn)(float *restrict p, const float *restrict X, uint32_t n) DSP_RT;
/* sum of p[0 .. n-1]: 8 float lanes, then the tail, then the lanes in order */
typedef float (*dsp_sum_fn)(const float *restrict p, uint32_t n) DSP_RT;
/* out[i] = 10 log10 p[i] as float, clamped to DSP_DB_FLOOR .. DSP_DB_CEIL:
 * p <= 1e-15 or NaN reads the floor, p >= 1e15 the ceiling. */
typedef void (*dsp_db_fn)(float *restrict out, const double *restrict p, uint32_t n) DSP_RT;
/* h[i] = (in[0][off + i] + ... + in[n_channels-1][off + i]) * scale, n_channels >= 2 */
typedef void (*dsp_mix_fn)(float *restrict h, const float *const *in, uint32_t off,
			   uint32_t n_channels, uint32_t n, float scale) DSP_RT;

struct dsp_kernels {
	const char *name;		/* "c", "sse2", "avx2" */
	dsp_cascade_fn cascade;
	/* The cascade works in pieces of at most this many frames per call
	 * when ramping (the reference keeps a double buffer on its stack). */
	uint32_t cascade_max_frames;
	dsp_scan_fn scan;
	dsp_mul_fn mul;
	dsp_power_fn power;
	dsp_sum_fn sum;
	dsp_db_fn db;
	dsp_mix_fn mix;
};

#define DSP_KERNEL_PROTOS(isa)								\
	void dsp_cascade_##isa(const struct dsp_cascade *c) DSP_RT;			\
	struct dsp_scan dsp_scan_##isa(const float *restrict x, uint32_t n) DSP_RT;	\
	void dsp_mul_##isa(float *restrict out, const float *restrict x,		\
			   const float *restrict w, uint32_t n) DSP_RT;			\
	void dsp_power_##isa(float *restrict p, const float *restrict X, uint32_t n) DSP_RT; \
	float dsp_sum_##isa(const float *restrict p, uint32_t n) DSP_RT;		\
	void dsp_db_##isa(float *restrict out, const double *restrict p, uint32_t n) DSP_RT; \
	void dsp_mix_##isa(float *restrict h, const float *const *in, uint32_t off,	\
			   uint32_t n_channels, uint32_t n, float scale) DSP_RT;

DSP_KERNEL_PROTOS(c)
#if defined(__x86_64__) || defined(__i386__)
DSP_KERNEL_PROTOS(sse2)
#endif
#ifdef HAVE_DSP_AVX2
DSP_KERNEL_PROTOS(avx2)
#endif

#define DSP_KERNEL_TABLE(isa, max_frames) {						\
	.name = #isa, .cascade = dsp_cascade_##isa, .cascade_max_frames = (max_frames),	\
	.scan = dsp_scan_##isa, .mul = dsp_mul_##isa, .power = dsp_power_##isa,	\
	.sum = dsp_sum_##isa, .db = dsp_db_##isa, .mix = dsp_mix_##isa,			\
}

/* The table to use: RADIOD_DSP_ISA if set and supported, else the best. */
const struct dsp_kernels *dsp_kernels_select(void);

/* The named variant if this CPU runs it and it was built, else NULL. */
const struct dsp_kernels *dsp_kernels_find(const char *name);

/* Every variant built into this library, best first, NULL-terminated; some
 * may not run on this CPU (dsp_kernels_find says). */
const char *const *dsp_kernels_names(void);

#endif
