/*
 * eq.h - N-band parametric equaliser with a preamp, for M channels.
 *
 * Units: frequencies and rates in Hz, gains in dB, ramp times in ms; sample
 * buffers are float, non-interleaved, one per channel, n_frames per channel.
 *
 * Threads.  The control thread owns struct eq_params: it validates them and
 * designs them into a struct eq_design (eq_params_validate, eq_design), which
 * is plain fixed-size data without pointers, so it can be copied whole through
 * a lock-free ring buffer to the audio thread.  The audio thread owns struct
 * eq: it installs a ready design with eq_set_design() and the coefficients
 * glide to it over the ramp time (linear interpolation of the coefficients,
 * which keeps every intermediate section stable because the stability
 * triangle of (a1, a2) is convex), so a change never steps.  eq_create and
 * eq_destroy are control-thread calls made while the audio thread does not use
 * the eq.  Functions marked DSP_RT are real-time safe; the others may
 * allocate or call libm's transcendental functions.
 *
 * A band ramping to or from the identity (disabled, 0 dB peaking or shelf,
 * bypass) moves only its numerator and keeps the other end's poles, so it
 * blends dry and filtered signal instead of replaying stale state through
 * moving poles; after the ramp it runs on until its decaying memory is below
 * -200 dBFS.  Identity bands that are not ramping are skipped and cost
 * nothing.
 */
#ifndef RADIOD_LIBDSP_EQ_H
#define RADIOD_LIBDSP_EQ_H

#include <stdbool.h>
#include <stdint.h>

#include "libdsp/biquad.h"
#include "libdsp/rt.h"

#define EQ_MAX_BANDS 16
#define EQ_DEFAULT_BANDS 8
#define EQ_MAX_CHANNELS 8
#define EQ_DEFAULT_RAMP_MS 20.0

/* Legal ranges, enforced by eq_params_validate() (rejected, never clamped). */
#define EQ_FREQ_MIN_HZ 10.0		/* band freq: 10 Hz .. 0.49 x rate */
#define EQ_FREQ_MAX_OF_RATE 0.49
#define EQ_Q_MIN 0.1			/* band q: 0.1 .. 20 */
#define EQ_Q_MAX 20.0
#define EQ_GAIN_MIN_DB (-24.0)		/* band gain and preamp: -24 .. +24 dB */
#define EQ_GAIN_MAX_DB 24.0
#define EQ_RATE_MIN_HZ 8000.0		/* sample rate: 8 kHz .. 768 kHz */
#define EQ_RATE_MAX_HZ 768000.0
#define EQ_RAMP_MAX_MS 1000.0		/* ramp: 0 (switch at once) .. 1000 ms */

struct eq_band {
	enum biquad_type type;
	double freq;		/* Hz, 10 .. 0.49 x rate */
	double q;		/* 0.1 .. 20 (the cookbook's Q, shelves too) */
	double gain_db;		/* -24 .. +24; used by peaking and shelves, checked for all */
	bool enabled;		/* a disabled band is the identity */
};

struct eq_params {
	uint32_t n_bands;	/* 1 .. EQ_MAX_BANDS; band[n_bands..] are ignored */
	struct eq_band band[EQ_MAX_BANDS];
	double preamp_db;	/* -24 .. +24, applied before the bands */
	bool bypass;		/* every band ramps to the identity, preamp to 0 dB */
};

/*
 * Designed coefficients of every band slot (identity where unused) and the
 * preamp as a linear gain.  Plain data, fixed size, safe to copy by value.
 */
struct eq_design {
	struct biquad_coefs band[EQ_MAX_BANDS];
	double preamp;
};

struct eq;

/*
 * Defaults: n_bands peaking bands at 0 dB, Q 1.0, enabled, preamp 0 dB, no
 * bypass.  Up to 10 bands sit on the ISO octave centres from 31.5 Hz
 * (31.5, 63, 125, 250, 500, 1k, 2k, 4k, 8k, 16k: 8 bands end at 4 kHz);
 * more bands divide 31.5 Hz .. 16 kHz evenly in log frequency.  n_bands is
 * clamped to 1 .. EQ_MAX_BANDS; unused slots are zeroed.  Any thread.
 */
void eq_params_default(struct eq_params *p, uint32_t n_bands);

/*
 * Checks p for sample rate rate (8 kHz .. 768 kHz) against the ranges
 * above; every field of band[0 .. n_bands-1] is checked, enabled or not.
 * Returns 0, or -EINVAL (NULL p, bad rate, unknown type) or -ERANGE (a field
 * out of range, NaN included) and sets *err (if err is not NULL) to a static
 * message naming the band (its index in band[]) and the field, e.g.
 * "eq: band 3 q must be 0.1 .. 20".  Any thread.
 */
int eq_params_validate(const struct eq_params *p, double rate, const char **err);

/*
 * Validates p as eq_params_validate() does, then designs it into d.  On error
 * d is left untouched.  Control thread (libm transcendentals).
 */
int eq_design(struct eq_design *d, const struct eq_params *p, double rate,
	      const char **err);

/*
 * The response of the whole design at freq, preamp included: returns the
 * magnitude in dB and, if phase_rad is not NULL, the phase in radians
 * wrapped to [-pi, pi].  Any thread.
 */
double eq_response(const struct eq_design *d, double rate, double freq,
		   double *phase_rad);

/*
 * An eq for n_channels channels (1 .. EQ_MAX_CHANNELS) at rate Hz
 * (8 kHz .. 768 kHz) whose changes ramp over ramp_ms (0 .. 1000 ms, rounded
 * up to a multiple of 4 frames; 0 switches at once).  It starts flat: every
 * band the identity, preamp 1.
 * Returns NULL on bad arguments or no memory, setting *err (if not NULL).
 * Control thread.
 */
struct eq *eq_create(uint32_t n_channels, double rate, double ramp_ms,
		     const char **err);

/* Frees eq; NULL is a no-op.  Control thread. */
void eq_destroy(struct eq *eq);

/*
 * Starts a ramp from the coefficients in use now (mid-ramp included) to d,
 * so there is no step.  Returns 0, or -EINVAL and keeps the current ramp if
 * d holds a non-finite or unstable section or a preamp that is not finite
 * and > 0 (a damaged design never reaches the filters).  Audio thread.
 */
int eq_set_design(struct eq *eq, const struct eq_design *d) DSP_RT;

/*
 * Filters n_frames frames of in[0 .. n_channels-1] into out[...].  out[c]
 * may equal in[c]; buffers of different channels must not overlap.  Filter
 * state is scrubbed once per call: NaN or infinite state restarts from zero,
 * so a bad input block does not poison the following ones.  Audio thread.
 */
void eq_process(struct eq *eq, const float *const *in, float *const *out,
		uint32_t n_frames) DSP_RT;

/* Clears the filter state of every channel; a ramp in progress goes on. */
void eq_reset(struct eq *eq) DSP_RT;

#endif
