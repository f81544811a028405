/*
 * histogram.h - lock-free log-linear latency histogram (HdrHistogram's bucket
 * scheme), one writer, any number of readers.
 *
 * Values are int64 nanoseconds.  The RT thread records with
 * histogram_record(); readers copy the whole histogram into a snapshot and
 * do all the maths on the copy: percentiles, min/max/mean, the difference of
 * two snapshots (that is how "reset" works: a reader keeps a baseline, the
 * writer is never asked to stop) and the sum of two.  A snapshot converts to
 * and from a sparse list of (index, count) pairs, the form the wire protocol
 * carries, so a client holding only the pairs can do the same maths.
 *
 * Bucket scheme (fixed: it is part of the wire protocol).  For v >= 0:
 *   v < 128:  index(v) = v                       (exact, width 1)
 *   v >= 128: e = floor(log2 v)  (7..35),  s = e - 6,
 *             index(v) = 64 * s + (v >> s)       (64 linear buckets per
 *                                                 octave, width 2^s)
 * and index(v) = -index(-v) for v < 0 (mirrored: bucket 0 holds only 0).
 * Bucket i >= 128 spans [(64 + i % 64) << (i / 64 - 1), that + 2^(i/64 - 1) - 1].
 * Its representative value is its lowest value plus half its width (the value
 * itself for buckets of width 1), so every value v in a bucket is within
 * |v| / 128 (HISTOGRAM_MAX_RELATIVE_ERROR, 0.78 %) of the representative,
 * from 1 ns to 60 s.  Indices run from 0 (or -HISTOGRAM_MAX_INDEX for a
 * signed histogram) to HISTOGRAM_MAX_INDEX.
 *
 * Range: a value beyond +-60 s (HISTOGRAM_MAX_VALUE), or a negative value
 * given to an unsigned histogram, is recorded as the nearest legal value
 * (+-HISTOGRAM_MAX_VALUE or 0) everywhere - bucket, sum, min, max - and also
 * counted in `clamped`.
 *
 * Threads:
 *   histogram_create/destroy      any non-RT thread; destroy only once no
 *                                 other thread uses the histogram.
 *   histogram_record              the ONE writer thread only (never two
 *                                 threads on the same histogram); RT-safe,
 *                                 wait-free, no loop, no division.
 *   histogram_snapshot_take       any number of reader threads, concurrently
 *                                 with the writer; never delays the writer.
 *   other histogram_snapshot_*    reader side, on snapshots the caller owns
 *                                 (a snapshot is plain memory, not shared).
 *   histogram_index_*             pure functions, any thread.
 * Only histogram_record and histogram_index_of are marked RT-safe.
 */
#ifndef RADIOD_LIBDSP_HISTOGRAM_H
#define RADIOD_LIBDSP_HISTOGRAM_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "libdsp/rt.h"

#define HISTOGRAM_SUB_BUCKET_BITS 6
#define HISTOGRAM_SUB_BUCKETS 64 /* linear buckets per octave above 128 ns */
#define HISTOGRAM_MAX_VALUE INT64_C(60000000000) /* 60 s in ns */
#define HISTOGRAM_MAX_INDEX 1967 /* index(HISTOGRAM_MAX_VALUE) */
/* Largest number of non-empty buckets (a signed histogram). */
#define HISTOGRAM_MAX_PAIRS (2 * HISTOGRAM_MAX_INDEX + 1)
/* |representative - v| <= |v| * HISTOGRAM_MAX_RELATIVE_ERROR for every v. */
#define HISTOGRAM_MAX_RELATIVE_ERROR (1.0 / (2 * HISTOGRAM_SUB_BUCKETS))

struct histogram;
struct histogram_snapshot;

/* What a snapshot holds besides its buckets (the count is the sum of the
 * bucket counts).  An empty snapshot has all of these 0. */
struct histogram_totals {
	int64_t sum;      /* ns, wraps modulo 2^64 (differences stay exact) */
	int64_t min;      /* exact smallest value recorded */
	int64_t max;      /* exact largest value recorded */
	uint64_t clamped; /* how many values were out of range */
};

/* ---- writer side ---- */

/* is_signed: false for durations (>= 0), true for signed quantities such as
 * interval jitter.  Returns NULL and sets *err (err may be NULL) only when
 * out of memory.  About 16 KiB unsigned, 32 KiB signed. */
struct histogram *histogram_create(bool is_signed, const char **err);
void histogram_destroy(struct histogram *h);
bool histogram_is_signed(const struct histogram *h);

/* Records one value (ns).  Only one thread may ever record into a given
 * histogram: the counters are updated by plain atomic load + store, not by
 * read-modify-write. */
void histogram_record(struct histogram *h, int64_t value) DSP_RT;

/* ---- snapshots (reader side) ---- */

/* An empty snapshot able to hold a histogram of that signedness.  Returns
 * NULL and sets *err (err may be NULL) when out of memory. */
struct histogram_snapshot *histogram_snapshot_create(bool is_signed, const char **err);
void histogram_snapshot_destroy(struct histogram_snapshot *snap);
bool histogram_snapshot_is_signed(const struct histogram_snapshot *snap);
void histogram_snapshot_clear(struct histogram_snapshot *snap);

/* Copies h into snap (no allocation).  Counts never go backwards from one
 * take to the next.  Returns 0 when the copy is consistent (buckets, count,
 * sum, min and max all describe the same set of records); -EAGAIN when the
 * writer kept recording during every attempt: the copy is then still
 * monotonic, its count is the sum of its buckets and min/max lie in the
 * lowest/highest non-empty bucket, but sum may be off by the records in
 * flight.  -EINVAL when snap and h differ in signedness (snap untouched). */
int histogram_snapshot_take(const struct histogram *h, struct histogram_snapshot *snap);

/* out = newer - older: exactly what was recorded between the two takes of
 * the same histogram (buckets, count, sum, clamped).  min/max of the
 * interval are exact when the interval set a new overall min/max, otherwise
 * the closest bound the data allows, inside the right bucket.  out may be
 * newer or older.  Returns 0; -EINVAL when the signedness differs; -ERANGE
 * when older has a count newer lacks (not the same histogram, or swapped).
 * On error out is unchanged. */
int histogram_snapshot_delta(struct histogram_snapshot *out,
			     const struct histogram_snapshot *newer,
			     const struct histogram_snapshot *older);

/* out += a, as if one histogram had recorded both streams (out may be a).
 * Returns 0; -EINVAL when the signedness differs; -ERANGE when the total
 * count would overflow.  On error out is unchanged. */
int histogram_snapshot_merge(struct histogram_snapshot *out, const struct histogram_snapshot *a);

/* Nearest-rank percentile, percent in [0, 100] (clamped; NaN counts as 0):
 * the representative value of the bucket holding the value of rank
 * max(1, ceil(percent * count / 100)), clamped to [min, max], hence within
 * HISTOGRAM_MAX_RELATIVE_ERROR of the exact percentile; percent 0 gives min
 * and 100 gives max exactly.  0 for an empty snapshot. */
int64_t histogram_snapshot_percentile(const struct histogram_snapshot *snap, double percent);
uint64_t histogram_snapshot_count(const struct histogram_snapshot *snap);
int64_t histogram_snapshot_min(const struct histogram_snapshot *snap);  /* 0 if empty */
int64_t histogram_snapshot_max(const struct histogram_snapshot *snap);  /* 0 if empty */
double histogram_snapshot_mean(const struct histogram_snapshot *snap);  /* 0 if empty */
int64_t histogram_snapshot_sum(const struct histogram_snapshot *snap);
uint64_t histogram_snapshot_clamped(const struct histogram_snapshot *snap);
/* Count of bucket idx; 0 for an index outside the snapshot's range. */
uint64_t histogram_snapshot_bucket(const struct histogram_snapshot *snap, int32_t idx);
void histogram_snapshot_totals(const struct histogram_snapshot *snap, struct histogram_totals *t);

/* ---- sparse (wire) form ---- */

/* Writes the non-empty buckets as (idx[k], cnt[k]) pairs in ascending index
 * order (hence ascending value).  Returns the number of pairs written, or
 * -ENOSPC when there are more than max_pairs (HISTOGRAM_MAX_PAIRS always
 * suffices). */
int histogram_snapshot_to_sparse(const struct histogram_snapshot *snap, int32_t *idx,
				 uint64_t *cnt, size_t max_pairs);

/* Rebuilds snap from pairs as written by histogram_snapshot_to_sparse() and
 * the totals (histogram_snapshot_totals()).  Input from the wire is checked:
 * returns -EINVAL, leaving snap unchanged, unless indices are strictly
 * ascending and within snap's range, counts are non-zero and sum without
 * overflow, min/max lie in the lowest/highest bucket (all totals 0 when
 * n_pairs is 0) and clamped <= count. */
int histogram_snapshot_from_sparse(struct histogram_snapshot *snap, const int32_t *idx,
				   const uint64_t *cnt, size_t n_pairs,
				   const struct histogram_totals *t);

/* ---- the bucket scheme, for clients working on sparse pairs ---- */

/* Index of the bucket holding value (value clamped to +-HISTOGRAM_MAX_VALUE). */
int32_t histogram_index_of(int64_t value) DSP_RT;
/* Numerically lowest / highest value, and representative value, of bucket
 * idx; idx is clamped to +-HISTOGRAM_MAX_INDEX. */
int64_t histogram_index_lowest(int32_t idx);
int64_t histogram_index_highest(int32_t idx);
int64_t histogram_index_value(int32_t idx);

#endif
