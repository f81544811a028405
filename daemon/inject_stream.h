/*
 * inject_stream.h - audio streamed in by a client (radioctl inject file),
 * played by the RT thread in place of a generated test signal.
 *
 * The audio travels through one jack_ringbuffer_t: the control thread
 * writes interleaved float frames as they arrive over the socket, the RT
 * thread reads them and writes them into the output buffers of the
 * selected channels (added to the input, or replacing it).  Channel
 * mapping: a one-channel stream feeds every selected channel; an N-channel
 * stream feeds the first N selected channels, in order of their index.
 *
 * A stream's life: inject_stream_open() -> the RT thread waits, playing
 * nothing and counting nothing, until prefill_frames are queued (or the
 * stream is ended) -> playing: each block that finds fewer frames than it
 * needs plays the gap as silence and counts one underrun -> after
 * inject_stream_end() it plays what is left and then ends by itself
 * (DRAINED); inject_stream_stop() ends it at once.  The ring is never reset
 * while the RT thread may read it: a new stream starts at the byte offset
 * where its own audio begins, and the RT thread skips whatever an earlier
 * stream left unplayed.
 *
 * Units: frames per channel, samples are float with full scale 1.0.  The
 * ring holds INJECT_STREAM_RING_FRAMES frames of radiod's channel count,
 * bytes that a stream with fewer channels fills with more frames.
 *
 * Threads:
 *   control thread  create, destroy, reset, open, write, end, stop, status.
 *   RT thread       inject_stream_process() only; RT-safe (DSP_RT).
 * One writer and one reader of the audio ring and of the command ring (both
 * JACK's SPSC ring buffers).  The RT thread publishes a stream's counters
 * with relaxed stores after it stores (release) the stream's number in
 * rt_gen, and its end with a release store of ended_gen; the control thread
 * reads both with acquire, then the counters.
 *
 * Errors: negative errno.
 */
#ifndef RADIOD_DAEMON_INJECT_STREAM_H
#define RADIOD_DAEMON_INJECT_STREAM_H

#include <stdbool.h>
#include <stdint.h>

#include "libdsp/rt.h"

/* Frames of radiod's full channel count the ring holds: 1.37 s at 48 kHz. */
#define INJECT_STREAM_RING_FRAMES 65536u
#define INJECT_STREAM_MAX_CHANNELS 8

/* Numbered as radio.proto's StreamEnd. */
enum inject_stream_end {
	INJECT_STREAM_NOT_ENDED = 0,
	INJECT_STREAM_DRAINED = 1,
	INJECT_STREAM_STOPPED = 2,
	INJECT_STREAM_LOST = 3,
};

struct inject_stream_status {
	bool active;			/* opened and not ended */
	enum inject_stream_end ended;
	uint32_t channels;		/* of the audio; 0 before the first open */
	uint32_t capacity_frames;	/* of the ring, in frames of this stream */
	uint32_t queued_frames;		/* written, not yet played */
	uint32_t free_frames;		/* room left */
	uint64_t played_frames;		/* since the stream opened */
	uint64_t underruns;		/* blocks of this stream that found the ring short */
};

struct inject_stream;

/*
 * A ring for channels (1 .. INJECT_STREAM_MAX_CHANNELS) channels of radiod.
 * Returns NULL with *err set when out of memory or channels is out of range.
 */
struct inject_stream *inject_stream_create(uint32_t channels, const char **err);

/* Frees everything; NULL is a no-op.  The RT thread must not be running. */
void inject_stream_destroy(struct inject_stream *s);

/*
 * Forgets any stream (it ends as LOST) and empties both rings.  Only while
 * no RT thread runs: radiod calls it when it joins JACK, before activation.
 */
void inject_stream_reset(struct inject_stream *s);

/*
 * Opens a stream of channels interleaved channels (1 .. the ring's, and at
 * most the number of channels in mask when more than one) into the
 * channels of mask (bit n = channel n, 0 = all), mixed with the input or
 * replacing it.  Playing starts once prefill_frames are queued (at most
 * half the ring: capped).  An earlier stream ends (STOPPED) if it is still
 * active.  Returns 0, -EINVAL for a bad channel count or mask, or -EAGAIN
 * when the command ring is full (nothing changed; retry).
 */
int inject_stream_open(struct inject_stream *s, uint32_t channels, uint32_t mask, bool replace,
		       uint32_t prefill_frames);

/*
 * Appends up to n_frames interleaved frames of the open stream's channel
 * count from x.  Returns how many frames were taken (0 when the ring is
 * full or the stream has ended).
 */
uint32_t inject_stream_write(struct inject_stream *s, const float *x, uint32_t n_frames);

/* No more audio: the stream plays what it holds, then ends as DRAINED.
 * 0, or -EAGAIN (command ring full; retry).  No-op when not active. */
int inject_stream_end(struct inject_stream *s);

/* Ends the stream at once with reason why (STOPPED or LOST).  0, or -EAGAIN
 * (command ring full: the stream goes on).  No-op when not active. */
int inject_stream_stop(struct inject_stream *s, enum inject_stream_end why);

/* The open (or last) stream's state. */
void inject_stream_status(const struct inject_stream *s, struct inject_stream_status *st);

/*
 * RT thread: applies pending commands, then plays n_frames of the stream
 * into out[], the block's buffers of every channel the ring was made for.
 * Returns the underruns of this block: 1 when the stream was playing and
 * the ring ran short, else 0.
 */
uint32_t inject_stream_process(struct inject_stream *s, float *const *out,
			       uint32_t n_frames) DSP_RT;

#endif
