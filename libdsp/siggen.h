/*
 * siggen.h - test-signal generator: sine, logarithmic sweep, white and pink
 * noise, impulse, multitone.
 *
 * Units: frequencies and the sample rate in Hz, levels in dBFS (a full-scale
 * sine, amplitude 1.0, is 0 dBFS), durations in seconds.  The output is one
 * channel of float samples; the caller copies it to as many channels as it
 * needs.
 *
 * Levels: sine, sweep and impulse use the peak level.  A multitone gives each
 * tone level/n_tones of amplitude, so the sum can never exceed the level.
 * Noise uses the RMS level: white noise is uniform (its peak is the RMS
 * + 4.77 dB), pink noise is close to Gaussian; both are clipped to +-1, so
 * near 0 dBFS the RMS falls short of the request.
 *
 * Threads: struct siggen is plain data of fixed size (2848 bytes on x86-64)
 * with no pointers.  The control thread fills it with siggen_init(); it may
 * then be copied by value (through a ring buffer, say) to the RT thread,
 * which calls siggen_process() and siggen_done().  Both are RT-safe.  The
 * other functions are for any thread.  siggen_process costs, per 512
 * frames at -O2 on an AMD EPYC: sine 0.4-0.7 us, sweep 1.3-2.2 us, white
 * 0.6 us, pink 2.0-2.3 us, 16-tone multitone 6 us.
 *
 * Every sample depends only on its absolute frame index, so the split into
 * blocks never changes the output: one block of 4800 frames and 100 blocks of
 * 48 give the same samples bit for bit.
 */
#ifndef RADIOD_LIBDSP_SIGGEN_H
#define RADIOD_LIBDSP_SIGGEN_H

#include <stdbool.h>
#include <stdint.h>

#include "libdsp/rt.h"

enum siggen_kind {
	SIGGEN_SINE,
	SIGGEN_SWEEP,
	SIGGEN_WHITE,
	SIGGEN_PINK,
	SIGGEN_IMPULSE,
	SIGGEN_MULTITONE,
};

#define SIGGEN_MAX_TONES 16

/*
 * What to generate.  Fields a kind does not use are ignored.  Legal ranges
 * (nyq = rate / 2):
 *   freq_hz      sine: 0 < f < nyq.  Sweep start: 0 < f <= nyq.
 *                Impulse repetition rate: 0 (a single impulse) or
 *                0 < f <= nyq; the period is rounded to whole frames.
 *   freq_end_hz  sweep end: 0 < f <= nyq, != freq_hz (down sweeps work).
 *   level_dbfs   -120 .. 0.
 *   duration_s   0 = endless, else 1 frame .. 1e6 s; after it the output is
 *                silence and siggen_done() is true.  A sweep needs one
 *                (it is the sweep's length).  A single impulse with no
 *                duration lasts one frame.
 *   n_tones      multitone: 1 .. SIGGEN_MAX_TONES, with tone_hz[i] each
 *                0 < f < nyq.
 *   seed         noise: any value; the same seed gives the same noise.
 * Every sine component starts at phase 0 (sin, not cos); impulses fall on
 * frame 0 and every period after it.
 */
struct siggen_params {
	enum siggen_kind kind;
	double freq_hz;
	double freq_end_hz;
	double level_dbfs;
	double duration_s;
	uint32_t n_tones;
	double tone_hz[SIGGEN_MAX_TONES];
	uint32_t seed;
};

/* Private state, shown only so the struct can be embedded and copied. */
struct siggen_tone {
	double z_re, z_im;      /* phasor at the start of the current 8-frame group */
	double w8_re, w8_im;    /* rotation over 8 frames */
	double w_re[8], w_im[8]; /* rotation over 0..7 frames */
	double phase, step;     /* cycles at the last resync; cycles per frame */
};

struct siggen {
	enum siggen_kind kind;
	uint32_t n_tones;
	double amp;             /* linear: peak, per-tone peak or noise scale */
	uint64_t pos;           /* frames generated so far */
	uint64_t length;        /* frames of signal; 0 = endless */
	union {
		struct siggen_tone tone[SIGGEN_MAX_TONES];
		struct {
			double a, b, r1;    /* phase = a (exp(b k) - 1) cycles; r1 = expm1(b) */
			double p0, g0, d;   /* phase at the last resync, its slope, expm1(b j) */
		} sweep;
		struct {
			uint64_t rng;
			double pink[7];
		} noise;
		struct {
			uint64_t period;    /* frames; 0 = once */
		} impulse;
	} u;
};

/* Validates p and fills *g.  Returns 0, or -EINVAL with *err (if err is not
 * NULL) naming the parameter at fault; *g is then left untouched.  rate must
 * be 1000 .. 768000 Hz.  Control thread. */
int siggen_init(struct siggen *g, const struct siggen_params *p, double rate,
		const char **err);

/* Writes n_frames samples to out, silence after the end of the signal.
 * Returns the number of frames of signal produced: n_frames for an endless
 * signal, fewer (down to 0) once the duration runs out. */
uint32_t siggen_process(struct siggen *g, float *restrict out, uint32_t n_frames) DSP_RT;

/* True once a signal with a duration has produced all of it. */
bool siggen_done(const struct siggen *g) DSP_RT;

/* "sine", "sweep", "white", "pink", "impulse", "multitone"; "unknown" for a
 * value outside the enum, never NULL. */
const char *siggen_kind_name(enum siggen_kind k);

/* Parses one of the names above (case-insensitive) into *k.  Returns 0 or
 * -EINVAL, leaving *k untouched. */
int siggen_kind_parse(const char *s, enum siggen_kind *k);

#endif
