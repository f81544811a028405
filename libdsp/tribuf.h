/*
 * tribuf.h - lock-free triple buffer: one writer publishes fixed-size frames,
 * one reader always gets the latest complete one.
 *
 * Three slots of slot_size bytes.  The writer fills its private slot and
 * publishes it; the reader takes whichever slot was published last.  Neither
 * side ever waits for the other: a frame the reader did not pick up in time
 * is simply replaced by a newer one (latest wins, nothing queues).
 *
 * Threads: exactly one writer thread calls tribuf_write_slot() and
 * tribuf_publish() (both RT-safe and wait-free: one atomic exchange); exactly
 * one reader thread calls tribuf_read() (wait-free as well, so an RT thread
 * could read too).  tribuf_create() and tribuf_destroy() allocate and free:
 * call them from a non-RT thread, destroy only once neither side uses it.
 *
 * Slots are aligned for any type (64 bytes) and never share a cache line.
 */
#ifndef RADIOD_LIBDSP_TRIBUF_H
#define RADIOD_LIBDSP_TRIBUF_H

#include <stdbool.h>
#include <stddef.h>

#include "libdsp/rt.h"

/* Largest slot_size tribuf_create() accepts. */
#define TRIBUF_MAX_SLOT_SIZE ((size_t)1 << 24)

struct tribuf;

/* slot_size: 1..TRIBUF_MAX_SLOT_SIZE bytes.  All three slots start
 * zero-filled.  Returns NULL and sets *err (if err is not NULL) on a bad size
 * or when out of memory. */
struct tribuf *tribuf_create(size_t slot_size, const char **err);
void tribuf_destroy(struct tribuf *tb);

/* Writer: the slot to fill next.  It is private to the writer until
 * tribuf_publish(); its contents are stale (whatever was in that slot
 * before), so write the whole frame. */
void *tribuf_write_slot(struct tribuf *tb) DSP_RT;

/* Writer: make the slot just filled the latest frame; the writer gets a
 * different slot for its next frame. */
void tribuf_publish(struct tribuf *tb) DSP_RT;

/* Reader: the latest published frame (all zeros before the first publish).
 * The pointer stays valid and the frame unchanged until the next
 * tribuf_read().  *fresh (fresh may be NULL) is true when something was
 * published since the previous tribuf_read(), false when the same frame is
 * returned again. */
const void *tribuf_read(struct tribuf *tb, bool *fresh);

#endif
