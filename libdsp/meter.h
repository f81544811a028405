/*
 * meter.h - per-channel level meters: peak, sliding-window RMS and a count
 * of clipped samples, published as "maximum since the last read".
 *
 * Units: linear full scale 1.0 and dBFS (20 log10 of the linear value, so a
 * full-scale sine reads peak 0 dBFS, RMS -3.01 dBFS), floored at
 * METER_FLOOR_DB.  Times in milliseconds.
 *
 * Peak: the largest |x| since the last read.
 * RMS: sqrt(mean x^2) over a true sliding window of window_ms, quantised to
 *   METER_CHUNK frames: the mean square of the last round(window / chunk)
 *   whole chunks, evaluated every time a chunk completes; the reading is the
 *   largest such value since the last read.  A rectangular window rather
 *   than an exponential average: it reads the true RMS of a steady signal
 *   (ripple comes only from a fraction of a period in the window: +0.0014 dB
 *   for 997 Hz in 300 ms, none for whole periods, where an exponential
 *   average ripples at every frequency), it has a definite attack and
 *   release, and window_ms after the signal stops it reads exactly 0.
 *   Chunk energies are stored, not samples, so the ring is small and the
 *   per-frame work is a few vectorisable operations; the running sum is
 *   re-derived every window length from additions alone, so cancellation
 *   error cannot accumulate.  The window starts full of silence.
 * Clipped: samples with |x| >= METER_CLIP_LEVEL (1.0, full scale), plus
 *   NaN and infinite samples; a monotonic count since create.
 * Samples that are NaN or infinite, or whose square overflows float
 * (|x| > 1.8e19), are counted as clipped and otherwise ignored.
 *
 * Threads: meter_create() and meter_destroy() on a control thread.
 * meter_process() on the audio thread: RT-safe, lock-free (per channel and
 * block, one CAS loop each to raise the published peak and RMS maxima).
 * meter_read() from ONE reader thread at a time, concurrently with
 * meter_process(): lock-free too, and it never makes the writer wait.
 */
#ifndef RADIOD_LIBDSP_METER_H
#define RADIOD_LIBDSP_METER_H

#include <stdint.h>

#include "libdsp/rt.h"

#define METER_MAX_CHANNELS 8
#define METER_DEFAULT_WINDOW_MS 300.0
#define METER_MIN_WINDOW_MS 10.0	/* window range, see meter_create */
#define METER_MAX_WINDOW_MS 3000.0
#define METER_CHUNK 64			/* RMS time resolution, frames */
#define METER_CLIP_LEVEL 1.0f
#define METER_FLOOR_DB (-150.0)

struct meter;

struct meter_reading {
	float peak, rms;		/* linear, maxima since the previous read */
	float peak_dbfs, rms_dbfs;	/* the same in dBFS, >= METER_FLOOR_DB */
	uint64_t clipped;		/* total since create */
};

/*
 * n_channels: 1..METER_MAX_CHANNELS; rate: 8000..384000 Hz; window_ms:
 * METER_MIN_WINDOW_MS..METER_MAX_WINDOW_MS, or 0 for METER_DEFAULT_WINDOW_MS.
 * Returns NULL and sets *err (err may be NULL) to a static message on a bad
 * argument or when out of memory.
 */
struct meter *meter_create(uint32_t n_channels, double rate, double window_ms,
			   const char **err);
void meter_destroy(struct meter *m);

uint32_t meter_channels(const struct meter *m);

/* Measures in[0 .. n_channels - 1], n_frames each. */
void meter_process(struct meter *m, const float *const *in, uint32_t n_frames) DSP_RT;

/*
 * Fills out[0 .. min(n_out, n_channels) - 1] and returns how many it
 * filled.  Peak and RMS are the maxima since the previous meter_read(),
 * and reading resets them: 0 (METER_FLOOR_DB) when nothing was measured in
 * between (no frame for the peak, no completed chunk for the RMS).
 */
uint32_t meter_read(struct meter *m, struct meter_reading *out, uint32_t n_out);

#endif
