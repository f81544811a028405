/*
 * biquad.h - second-order IIR sections designed from the RBJ Audio EQ
 * Cookbook, and a single-section filter.
 *
 * Units: rate and freq in Hz, gain in dB, Q dimensionless (the cookbook's Q
 * for every type, shelves included), phase in radians.  Coefficients are
 * designed in double with a0 normalised to 1:
 *     H(z) = (b0 + b1 z^-1 + b2 z^-2) / (1 + a1 z^-1 + a2 z^-2)
 *
 * Threads: every function is reentrant and allocates nothing.  Those marked
 * DSP_RT are real-time safe; biquad_design and biquad_response call libm's
 * transcendental functions, so they belong on a control thread.  One struct
 * biquad belongs to one thread.
 *
 * Structure and precision, chosen by measurement: a 20 Hz, Q 0.7, +12 dB
 * peaking section at 96 kHz fed a -20 dBFS 20 Hz sine, fitted over 1.5 s
 * after settling.  Float coefficients and float state move the pole (phase
 * error 8.6e-3 rad in transposed direct form II, 1.0e-2 rad in direct form
 * I) and leave noise plus distortion at -70 dBFS, only 62 dB under the
 * signal; against an exact reference the output is wrong by -52 dBFS.
 * Double coefficients and double state match the design to 1e-13 in gain and
 * phase with a residual of -165 dBFS, the rounding of the float output
 * itself, in either form.  Scalar double costs what scalar float does (four
 * sections over 512 frames: 3.31 us float, 3.32 us double), so sections run
 * in double, transposed direct form II: two state words instead of four, and
 * a section whose numerator equals its denominator passes its input through
 * bit-exact.
 */
#ifndef RADIOD_LIBDSP_BIQUAD_H
#define RADIOD_LIBDSP_BIQUAD_H

#include <math.h>
#include <stdbool.h>
#include <stdint.h>

#include "libdsp/rt.h"

enum biquad_type {
	BIQUAD_PEAKING,		/* gain_db at freq, Q sets the bandwidth */
	BIQUAD_LOWSHELF,	/* gain_db below freq; gain_db / 2 at freq */
	BIQUAD_HIGHSHELF,	/* gain_db above freq; gain_db / 2 at freq */
	BIQUAD_LOWPASS,		/* 20 log10(Q) dB at freq */
	BIQUAD_HIGHPASS,	/* 20 log10(Q) dB at freq */
	BIQUAD_BANDPASS,	/* constant 0 dB peak gain at freq */
	BIQUAD_NOTCH,		/* zero at freq */
	BIQUAD_ALLPASS,		/* 0 dB everywhere, phase -pi at freq */
};
#define BIQUAD_N_TYPES 8

struct biquad_coefs {
	double b0, b1, b2, a1, a2;	/* a0 normalised to 1 */
};

/* One section with its state (transposed direct form II, double). */
struct biquad {
	struct biquad_coefs c;
	double s1, s2;
};

/*
 * Designs c for type t.  Legal ranges: rate finite and > 0;
 * 0 < freq < rate / 2; 0 < q <= 1000; |gain_db| <= 120 (ignored, but still
 * checked, by the types without a gain).  Returns 0, -EINVAL for a NULL c,
 * an unknown type or a bad rate, or -ERANGE for freq, q or gain_db outside
 * its range (NaN included); c is left untouched on error.
 */
int biquad_design(struct biquad_coefs *c, enum biquad_type t, double rate,
		  double freq, double q, double gain_db);

/* c = 1 (b0 = 1, the rest 0). */
void biquad_identity(struct biquad_coefs *c) DSP_RT;

/* True when c is exactly the identity of biquad_identity(). */
bool biquad_is_identity(const struct biquad_coefs *c) DSP_RT;

/*
 * True when c is finite and its poles lie strictly inside the unit circle
 * (|a2| < 1 and |a1| < 1 + a2).
 */
bool biquad_is_stable(const struct biquad_coefs *c) DSP_RT;

/*
 * Response of c at freq: magnitude in dB (-inf at an exact zero) and phase in
 * radians within [-pi, pi].  Either output may be NULL.
 */
void biquad_response(const struct biquad_coefs *c, double rate, double freq,
		     double *mag_db, double *phase_rad);

/* Does type t have a gain parameter (peaking and both shelves)? */
bool biquad_type_has_gain(enum biquad_type t);

/*
 * "peaking", "lowshelf", "highshelf", "lowpass", "highpass", "bandpass",
 * "notch", "allpass"; NULL for a value outside the enum.
 */
const char *biquad_type_name(enum biquad_type t);

/* Parses a name of biquad_type_name() (case-insensitive): 0 or -EINVAL. */
int biquad_type_parse(const char *name, enum biquad_type *t);

/* Sets the coefficients and clears the state.  Any thread before use. */
void biquad_init(struct biquad *bq, const struct biquad_coefs *c);

/* Clears the state. */
void biquad_reset(struct biquad *bq) DSP_RT;

/*
 * Filters n_frames samples; in may equal out (so the buffers are not
 * restrict: the recursion is serial and gains nothing from it).  The state
 * is scrubbed once per call, see biquad_scrub().
 */
void biquad_process(struct biquad *bq, const float *in, float *out,
		    uint32_t n_frames) DSP_RT;

/*
 * Once per block: state that is NaN or infinite restarts from zero, so a bad
 * input sample cannot poison later blocks; state below 1e-30 (-600 dBFS)
 * becomes zero before it decays into denormals, which are slow on x86.
 */
static inline DSP_RT void biquad_scrub(double *s1, double *s2)
{
	if (!(isfinite(*s1) && isfinite(*s2))) {
		*s1 = 0.0;
		*s2 = 0.0;
		return;
	}
	if (fabs(*s1) < 1e-30)
		*s1 = 0.0;
	if (fabs(*s2) < 1e-30)
		*s2 = 0.0;
}

#endif
