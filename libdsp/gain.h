/*
 * gain.h - master volume with click-free ramps, mute, and a trim per channel.
 *
 * Units: levels in dB (gain 10^(dB/20)), ramp times in milliseconds, rounded
 * to whole frames at the stream rate.  Audio is float, full scale 1.0,
 * processed in place, one buffer per channel.
 *
 * The gain applied to channel c is  volume + mute + trim[c]  (in dB), where
 * each term ramps on its own:
 *   - volume ramps linearly in dB over the ramp time given with it: even in
 *     loudness, exponential in linear gain.  Its bottom, GAIN_MIN_DB, means
 *     silence: a volume resting there gives exact zeros.  A ramp up from
 *     silence starts at GAIN_MIN_DB (-120 dB, inaudible), so it has no step.
 *   - mute ramps a second dB term between 0 and GAIN_MIN_DB the same way;
 *     once a mute ramp ends the output is exact zeros until unmuted.
 *   - trim ramps linearly in dB over GAIN_TRIM_RAMP_MS.
 * Every ramp lands exactly on its target on its last frame (the value is
 * recomputed there, not accumulated), and each ramp is monotonic.  A new
 * setting during a ramp starts a new ramp from wherever the old one had got
 * to.  Nothing steps unless a setter is given a ramp of 0 ms, so a ramped
 * change cannot click.
 *
 * Start state: the volume rests at GAIN_MIN_DB (silence), unmuted, trims
 * 0 dB.  The daemon's first gain_set_volume(restored_db, ramp_ms) therefore
 * fades in from silence: no pop at ignition.
 *
 * Threads: gain_create() and gain_destroy() on a control thread (they
 * allocate).  The setters and gain_process() run on the audio thread, one
 * thread for all of them; they are RT-safe: the setters only store targets
 * and gain_process() does the ramping with a per-frame multiplier
 * recurrence (three exp per channel per ramp segment - a segment ends at a
 * block or ramp end - none per frame).  gain_current_db() may be called
 * from any thread.
 */
#ifndef RADIOD_LIBDSP_GAIN_H
#define RADIOD_LIBDSP_GAIN_H

#include <stdbool.h>
#include <stdint.h>

#include "libdsp/rt.h"

#define GAIN_MAX_CHANNELS 8
#define GAIN_MIN_DB (-120.0)		/* volume range: GAIN_MIN_DB (silence) .. */
#define GAIN_MAX_DB 12.0		/* .. GAIN_MAX_DB */
#define GAIN_TRIM_MIN_DB (-24.0)	/* trim range */
#define GAIN_TRIM_MAX_DB 12.0
#define GAIN_MAX_RAMP_MS 10000.0	/* ramp range: 0 (a step: use with care) .. 10 s */
#define GAIN_TRIM_RAMP_MS 20.0		/* every trim change glides over this */

struct gain;

/*
 * n_channels: 1..GAIN_MAX_CHANNELS; rate: 8000..384000 Hz.  Returns NULL and
 * sets *err (err may be NULL) to a static message on a bad argument or when
 * out of memory.
 */
struct gain *gain_create(uint32_t n_channels, double rate, const char **err);
void gain_destroy(struct gain *g);

/*
 * Setters.  Out-of-range values are clamped into the range stated above and
 * the clamped value is applied; the return value says what happened:
 *   0        applied as given;
 *   -ERANGE  db or ramp_ms was clamped (-inf dB is a legal way to ask for
 *            silence: it becomes GAIN_MIN_DB, and still returns -ERANGE);
 *   -EINVAL  NaN, or a channel >= n_channels: nothing changes.
 */
int gain_set_volume(struct gain *g, double db, double ramp_ms) DSP_RT;
int gain_set_mute(struct gain *g, bool mute, double ramp_ms) DSP_RT;
int gain_set_trim(struct gain *g, uint32_t ch, double db) DSP_RT;

/* Applies the gain to buf[0 .. n_channels - 1], n_frames each, in place. */
void gain_process(struct gain *g, float *const *buf, uint32_t n_frames) DSP_RT;

/*
 * Volume plus mute, in dB, where the ramps stood after the last setter or
 * gain_process() call (trims excluded); -INFINITY while the output is exact
 * silence.  Any thread: the audio thread publishes it with a relaxed atomic
 * store (a statistic: nothing else is ordered by it).
 */
double gain_current_db(const struct gain *g);

#endif
