/*
 * capture.h - the measurement tap: records what the RT chain does, at up to
 * CAPTURE_MAX_SIGNALS points and channels at once, for a fixed number of
 * frames, into memory the control thread reads when the recording is done.
 *
 * Points of the chain (numbered as radio.proto's CapturePoint):
 *   INPUT   the JACK input port as it arrived, before anything is added
 *   CHAIN   after the test signal or injected stream, before the EQ
 *   OUTPUT  the output port: after the EQ and the volume
 * The RT thread calls capture_rt_tap() at each point of every block, in
 * that order (INPUT first: a recording starts there; OUTPUT last: a block is
 * counted there), so all signals of a recording start in the same block and
 * are sample-aligned with each other.  Frames: per channel; samples: float,
 * full scale 1.0.
 *
 * A recording: capture_start() allocates its memory and hands it over
 * (ARMED); the RT thread takes it at the next INPUT tap (RUNNING), lets
 * skip_frames pass, records frames frames of each signal and hands it back
 * (DONE).  capture_cancel() asks the RT thread to let go (CANCELLING, then
 * IDLE at its next block); the memory is freed only once the RT thread has
 * let go, so a recording that runs while JACK goes away is freed by
 * capture_reset() when radiod joins JACK again.  Each recording has a number
 * (job) so a reader can tell it from a later one.
 *
 * Threads:
 *   control thread  every function but capture_rt_tap().
 *   RT thread       capture_rt_tap(): RT-safe (DSP_RT); it only copies
 *                   samples into memory allocated and touched beforehand.
 * Memory ordering: the control thread writes the recording's description
 * and memory, then stores ARMED with release; the RT thread reads the state
 * with acquire before it uses them.  The RT thread stores DONE (or IDLE, its
 * acknowledgement of a cancel) with release after its last sample; the
 * control thread reads the state with acquire before it reads the samples or
 * frees them.  Transitions that both sides make are compare-and-swap.
 *
 * Errors: negative errno with a static message in *err.
 */
#ifndef RADIOD_DAEMON_CAPTURE_H
#define RADIOD_DAEMON_CAPTURE_H

#include <stdbool.h>
#include <stdint.h>

#include "libdsp/rt.h"

#define CAPTURE_MAX_SIGNALS 4
#define CAPTURE_MIN_FRAMES 64u
#define CAPTURE_MAX_FRAMES (1u << 20)

enum capture_point {
	CAPTURE_AT_INPUT = 0,
	CAPTURE_AT_CHAIN = 1,
	CAPTURE_AT_OUTPUT = 2,
};

enum capture_phase {
	CAPTURE_IDLE,		/* nothing recorded, or the memory was let go */
	CAPTURE_ARMED,		/* waiting for the RT thread */
	CAPTURE_RUNNING,
	CAPTURE_DONE,		/* the samples are ready */
	CAPTURE_CANCELLING,	/* waiting for the RT thread to let go */
};

struct capture_signal {
	enum capture_point point;
	uint32_t channel;	/* 0-based */
};

struct capture;

/* A tap for channels channels (1 .. 32).  NULL with *err when out of memory. */
struct capture *capture_create(uint32_t channels, const char **err);

/* Frees everything; NULL is a no-op.  The RT thread must not be running. */
void capture_destroy(struct capture *c);

/* Drops any recording and its memory.  Only while no RT thread runs:
 * radiod calls it when it joins JACK, before activation. */
void capture_reset(struct capture *c);

/*
 * Starts recording the n signals of sig (1 .. CAPTURE_MAX_SIGNALS, each a
 * valid point and a channel below the tap's) for frames frames
 * (CAPTURE_MIN_FRAMES .. CAPTURE_MAX_FRAMES) after skip_frames frames.  A
 * finished or idle earlier recording is freed first.  Returns 0 with its
 * number in *job, or -EINVAL (a bad argument), -EBUSY (a recording is armed,
 * running or being cancelled: cancel it, or wait), -ENOMEM; *err says which.
 */
int capture_start(struct capture *c, const struct capture_signal *sig, uint32_t n,
		  uint32_t frames, uint32_t skip_frames, uint32_t *job, const char **err);

/* Lets go of recording job (whatever its phase); other jobs are left
 * alone.  Its memory is freed now or, once the RT thread lets go, at the
 * next call into the tap. */
void capture_cancel(struct capture *c, uint32_t job);

/*
 * The phase of recording job and the frames recorded so far (may be NULL);
 * -ENOENT when job is not the tap's current recording (a later one
 * replaced it, or capture_reset() dropped it).
 */
int capture_progress(struct capture *c, uint32_t job, uint32_t *recorded);

/* Signal i (in the order given to capture_start) of recording job once it
 * is DONE: frames samples.  NULL otherwise. */
const float *capture_samples(const struct capture *c, uint32_t job, uint32_t i);

/*
 * RT thread, at point at of each block: buf[0 .. channels-1] hold the n
 * frames of that point.  INPUT takes an armed recording and decides which
 * frames of the block are recorded; OUTPUT counts them and finishes the
 * recording.
 */
void capture_rt_tap(struct capture *c, enum capture_point at, const float *const *buf,
		    uint32_t n) DSP_RT;

#endif
