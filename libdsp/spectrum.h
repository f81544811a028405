/*
 * spectrum.h - 31-band third-octave spectrum from a 2048-point FFT, with
 * attack/release smoothing and peak hold, published lock-free.
 *
 * Input: n_channels float buffers (full scale 1.0), averaged to mono (so a
 * sine in one channel of two reads 6.02 dB lower than in both).  The audio
 * thread pushes frames into a SPECTRUM_SIZE-frame history; whenever
 * SPECTRUM_HOP frames have arrived since the previous transform, the end of
 * that block runs one transform of the latest SPECTRUM_SIZE frames (75 %
 * overlap).  At most one transform runs per block: blocks of 64..512 frames
 * transform once every 512 frames, larger blocks once per block; the count
 * of frames not yet transformed is kept modulo SPECTRUM_HOP.  The history
 * starts as silence.
 *
 * Levels are in dBFS, within SPECTRUM_FLOOR_DB .. SPECTRUM_CEIL_DB (NaN input
 * reads the floor), calibrated so a full-scale sine reads 0 dBFS in its
 * band.  Each band's level is the power sum of its bins divided by the
 * window's energy, so a sine's power lands in its band whatever its position
 * between bins (no scalloping loss).  Bins on a band edge count with the
 * fraction of their width inside the band.  Per transform: window, FFT,
 * |X|^2, band sums over bin ranges made at create, one log10 per band.
 * Bands are ISO 266 third octaves: exact centres 10^(n/10) Hz, n = 13..43
 * (19.95 Hz .. 19.95 kHz), edges at centre * 10^(+-1/20); nominal centres in
 * spectrum_band_centre_hz[] are for labels only.
 *
 * Low bands: at 2048 points a bin is rate / 2048 wide (23.4 Hz at 48 kHz),
 * wider than every band up to 100 Hz, and a windowed sine spreads over the
 * window's main lobe (+-2 bins Hann, +-4 Blackman-Harris).  A band that
 * does not reach (lobe + 0.5) bins either side of its centre is widened to
 * that, symmetrically about the centre, so a sine at its centre still puts
 * its whole main lobe in the band and reads its true level (at 48 kHz this
 * widens the bands up to 500 Hz with Hann, up to 800 Hz with
 * Blackman-Harris).  The price: widened neighbours share bins - heavily below
 * about 200 Hz, where the display shows the FFT's resolution rather than a
 * third octave's - and broadband noise reads high in a widened band by the
 * widening ratio.  Measured, Hann at 48 kHz, a full-scale sine at a band
 * centre reads 0 +- 0.02 dB from 40 Hz up; below about 1.7 bins its lobe
 * overlaps its own mirror image at negative frequency and the reading
 * depends on its phase: -0.08 .. +0.44 dB at 31.5 Hz, -1.4 .. +2.5 dB at
 * 20 Hz (at 96 kHz the same happens an octave higher; Blackman-Harris, with
 * its wider lobe, is within 0.1 dB from 63 Hz up at 48 kHz).  That is the
 * resolution of 2048 points, not a defect to calibrate away.  A DC offset
 * shows in the lowest bands.  Bands above rate / 2 read the floor.
 *
 * Smoothing, per band, once per transform, over the stream time elapsed since
 * the previous transform (dt): the displayed level follows the raw level
 * exponentially in dB, band += (raw - band) * (1 - exp(-dt / tau)), with tau
 * = attack_ms while rising and release_ms while falling (it lands on the raw
 * level once within 0.0001 dB).  Peak hold: the highest raw level, held for
 * hold_ms after it was last reached, then falling at decay_db_per_s, and
 * lifted back whenever the raw level reaches it (which restarts the hold).
 *
 * Threads: spectrum_create() and spectrum_destroy() on a control thread;
 * they call FFTW's planner, which is not thread-safe, so they must not run
 * concurrently with any other FFTW planner call in the process (plan
 * creation or destruction).  spectrum_process() and spectrum_reset() on the
 * audio thread: RT-safe (only fftwf_execute() of the plan made in create).
 * spectrum_read() on ONE reader thread, wait-free, never delaying the audio
 * thread (a triple buffer: the reader gets the latest complete frame).
 */
#ifndef RADIOD_LIBDSP_SPECTRUM_H
#define RADIOD_LIBDSP_SPECTRUM_H

#include <stdbool.h>
#include <stdint.h>

#include "libdsp/rt.h"

#define SPECTRUM_SIZE 2048
#define SPECTRUM_HOP 512
#define SPECTRUM_BANDS 31
#define SPECTRUM_MAX_CHANNELS 8
#define SPECTRUM_FLOOR_DB (-150.0)
#define SPECTRUM_CEIL_DB 150.0		/* infinite input reads this */
#define SPECTRUM_MAX_TIME_MS 10000.0	/* attack, release and hold: 0 .. this */

enum spectrum_window {
	SPECTRUM_HANN,			/* default; main lobe +-2 bins */
	SPECTRUM_BLACKMAN_HARRIS,	/* 4-term, -92 dB sidelobes; lobe +-4 bins */
};

struct spectrum_config {
	enum spectrum_window window;	/* SPECTRUM_HANN */
	double attack_ms;		/* 0 .. SPECTRUM_MAX_TIME_MS; 10 */
	double release_ms;		/* 0 .. SPECTRUM_MAX_TIME_MS; 300 */
	double hold_ms;			/* 0 .. SPECTRUM_MAX_TIME_MS; 1000 */
	double decay_db_per_s;		/* peak fall after the hold, 1 .. 1000; 20 */
	/* false: plan with FFTW_ESTIMATE (about 2 ms).  true: FFTW_MEASURE,
	 * about 150 ms for the first spectrum in a process (FFTW keeps the
	 * result as in-memory wisdom, so later ones plan fast), for a faster
	 * transform: measured 2.2 us -> 1.7 us per 2048-point r2c.  An
	 * ESTIMATE plan also gets the faster one when the process already
	 * holds such wisdom (e.g. fftwf_import_wisdom_from_filename() before
	 * create). */
	bool measure_fft;
};

/* What the reader gets, once per transform. */
struct spectrum_frame {
	float band_db[SPECTRUM_BANDS];	/* smoothed level, dBFS */
	float peak_db[SPECTRUM_BANDS];	/* peak hold, dBFS */
	float raw_db[SPECTRUM_BANDS];	/* this transform alone, unsmoothed */
	uint64_t frames;		/* stream position after the last frame analysed */
	uint64_t seq;			/* transforms since create: 1, 2, ...; 0 = none yet */
};

/* Nominal ISO 266 centres, 20 Hz .. 20 kHz, for labels. */
extern const double spectrum_band_centre_hz[SPECTRUM_BANDS];

/* Fills cfg with the defaults above. */
void spectrum_config_default(struct spectrum_config *cfg);

/*
 * n_channels: 1..SPECTRUM_MAX_CHANNELS; rate: 8000..384000 Hz; cfg NULL for
 * the defaults, else every field within its range.  Returns NULL and sets
 * *err (err may be NULL) to a static message on a bad argument or when out
 * of memory.  Control thread; see the note on FFTW's planner above.
 */
struct spectrum *spectrum_create(uint32_t n_channels, double rate,
				 const struct spectrum_config *cfg, const char **err);
void spectrum_destroy(struct spectrum *s);

/*
 * Plans the transform spectrum_create() plans with measure_fft, and keeps
 * only what FFTW learnt doing it (its wisdom, in this process): a later
 * create then plans in microseconds.  For a thread that may take the time
 * (about 200 ms the first time; nothing once the wisdom is there), ahead
 * of a create on one that may not.  0, or -ENOMEM.  A planner call, like
 * create and destroy (see the note above).
 */
int spectrum_plan_ahead(void);

/* Whether FFTW's wisdom in this process already holds that transform, so
 * that a create with measure_fft plans it without measuring.  A planner
 * call. */
bool spectrum_plan_known(void);

/* Pushes in[0 .. n_channels - 1], n_frames each (any n_frames, 0 included),
 * and transforms and publishes when due. */
void spectrum_process(struct spectrum *s, const float *const *in, uint32_t n_frames) DSP_RT;

/*
 * Forgets the history, the smoothing and the peaks (all back to silence);
 * frame and transform counts go on.  The next transform publishes.
 */
void spectrum_reset(struct spectrum *s) DSP_RT;

/*
 * Copies the latest published frame into *out; returns true when a
 * transform was published since the previous call.  Before the first
 * transform *out is a floor frame with seq 0.
 */
bool spectrum_read(struct spectrum *s, struct spectrum_frame *out);

#endif
