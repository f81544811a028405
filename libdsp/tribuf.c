#include "libdsp/tribuf.h"

#include <stdalign.h>
#include <stdatomic.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#define TRIBUF_LINE 64
#define TRIBUF_DIRTY 4u /* set in `middle` by publish, cleared by read */

/*
 * `middle` holds the index of the slot owned by neither side, plus DIRTY when
 * it holds a frame the reader has not taken yet.  Each side swaps its own
 * slot with the middle one in a single atomic exchange, so at every instant
 * the three indices are a permutation of 0, 1, 2 and no slot is touched by
 * both sides.  Both exchanges are acq_rel: the writer's release publishes the
 * frame contents to the reader's acquire, and the reader's release (handing
 * back the slot it was reading) orders its last reads of that slot before the
 * writer's acquire and subsequent overwrite of it.
 */
struct tribuf {
	unsigned char *slots; /* read-only after create */
	size_t stride;
	alignas(TRIBUF_LINE) _Atomic unsigned middle;
	alignas(TRIBUF_LINE) unsigned write_idx; /* writer only */
	alignas(TRIBUF_LINE) unsigned read_idx;  /* reader only */
};

struct tribuf *tribuf_create(size_t slot_size, const char **err)
{
	if (slot_size == 0 || slot_size > TRIBUF_MAX_SLOT_SIZE) {
		if (err)
			*err = "tribuf: slot_size must be 1..16777216 bytes";
		return NULL;
	}
	size_t stride = (slot_size + TRIBUF_LINE - 1) & ~(size_t)(TRIBUF_LINE - 1);
	struct tribuf *tb = aligned_alloc(TRIBUF_LINE, sizeof(*tb));
	unsigned char *slots = aligned_alloc(TRIBUF_LINE, 3 * stride);
	if (!tb || !slots) {
		free(tb);
		free(slots);
		if (err)
			*err = "tribuf: out of memory";
		return NULL;
	}
	memset(tb, 0, sizeof(*tb));
	memset(slots, 0, 3 * stride);
	tb->slots = slots;
	tb->stride = stride;
	tb->write_idx = 0;
	atomic_init(&tb->middle, 1u);
	tb->read_idx = 2;
	return tb;
}

void tribuf_destroy(struct tribuf *tb)
{
	if (!tb)
		return;
	free(tb->slots);
	free(tb);
}

void *tribuf_write_slot(struct tribuf *tb)
{
	return tb->slots + (size_t)tb->write_idx * tb->stride;
}

void tribuf_publish(struct tribuf *tb)
{
	unsigned old = atomic_exchange_explicit(&tb->middle, tb->write_idx | TRIBUF_DIRTY,
						memory_order_acq_rel);
	tb->write_idx = old & 3u;
}

const void *tribuf_read(struct tribuf *tb, bool *fresh)
{
	/* Relaxed is enough for the peek: the frame itself is only used after
	 * the acq_rel exchange below. */
	bool dirty = atomic_load_explicit(&tb->middle, memory_order_relaxed) & TRIBUF_DIRTY;
	if (dirty) {
		unsigned old = atomic_exchange_explicit(&tb->middle, tb->read_idx,
							memory_order_acq_rel);
		tb->read_idx = old & 3u;
	}
	if (fresh)
		*fresh = dirty;
	return tb->slots + (size_t)tb->read_idx * tb->stride;
}
