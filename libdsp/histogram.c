#include "libdsp/histogram.h"

#include <errno.h>
#include <math.h>
#include <stdatomic.h>
#include <stdlib.h>
#include <string.h>

_Static_assert(HISTOGRAM_SUB_BUCKETS == 1 << HISTOGRAM_SUB_BUCKET_BITS, "sub-bucket count");
/* The writer's plain loads and stores must not turn into library calls that
 * take a lock (as 64-bit atomics do on some 32-bit targets). */
_Static_assert(__atomic_always_lock_free(sizeof(uint64_t), 0), "64-bit atomics must be lock-free");

#define SUB_BITS HISTOGRAM_SUB_BUCKET_BITS
#define N_UNSIGNED (HISTOGRAM_MAX_INDEX + 1)
#define N_SIGNED (2 * HISTOGRAM_MAX_INDEX + 1)

/* Snapshot copies retried before settling for a merely monotonic one, and
 * polls of a record in progress per copy. */
#define TAKE_ATTEMPTS 8
#define TAKE_SPINS 4096

/*
 * Consistent snapshots use a sequence lock in which only the reader retries:
 * `seq` is twice the number of completed records, odd while one is being
 * recorded.  The writer stores seq odd, issues a release fence, updates the
 * data with relaxed stores, then stores seq even with release.  A reader
 * loads seq (acquire), copies the data with relaxed loads, issues an acquire
 * fence and reloads seq: if it saw any store of a record that began after
 * its first load, the fence pair makes that record's odd seq visible to the
 * reload, so equal even values mean the copy is of exactly seq / 2 records.
 * Every counter only grows and has one writer, so even an inconsistent copy
 * never shows a count smaller than an earlier copy did (read-read coherence).
 */
struct histogram {
	_Atomic uint64_t seq;
	_Atomic uint64_t sum; /* unsigned so that wrapping is defined */
	_Atomic int64_t min;
	_Atomic int64_t max;
	_Atomic uint64_t clamped;
	_Atomic uint64_t *zero; /* &counts[index 0]; set once at create */
	int64_t lowest;         /* smallest recordable value: -MAX or 0 */
	bool is_signed;
	uint32_t n;
	_Atomic uint64_t counts[];
};

struct histogram_snapshot {
	bool is_signed;
	uint32_t n;
	int32_t first; /* index of counts[0] */
	uint64_t count;
	uint64_t sum;
	int64_t min, max;
	uint64_t clamped;
	uint64_t counts[];
};

static inline int32_t index_of_magnitude(uint64_t a)
{
	/* a | 64 puts values below 128 in the width-1 region (s = 0). */
	unsigned s = (unsigned)(63 - __builtin_clzll(a | (1u << SUB_BITS))) - SUB_BITS;
	return (int32_t)((s << SUB_BITS) + (a >> s));
}

/* Branch-free mirror: jitter changes sign at random, which a branch would
 * mispredict.  v is within +-HISTOGRAM_MAX_VALUE, so nothing overflows. */
static inline int32_t index_of_clamped(int64_t v)
{
	int64_t neg = v >> 63; /* 0 or -1: arithmetic shift on gcc and clang */
	int64_t i = index_of_magnitude((uint64_t)((v ^ neg) - neg));
	return (int32_t)((i ^ neg) - neg);
}

int32_t histogram_index_of(int64_t value)
{
	if (value > HISTOGRAM_MAX_VALUE)
		value = HISTOGRAM_MAX_VALUE;
	else if (value < -HISTOGRAM_MAX_VALUE)
		value = -HISTOGRAM_MAX_VALUE;
	return index_of_clamped(value);
}

static int64_t low_of_magnitude(int32_t i)
{
	if (i < 2 * HISTOGRAM_SUB_BUCKETS)
		return i;
	unsigned s = ((unsigned)i >> SUB_BITS) - 1;
	return (int64_t)((uint64_t)(HISTOGRAM_SUB_BUCKETS + (i & (HISTOGRAM_SUB_BUCKETS - 1))) << s);
}

static int64_t width_of_magnitude(int32_t i)
{
	if (i < 2 * HISTOGRAM_SUB_BUCKETS)
		return 1;
	return INT64_C(1) << (((unsigned)i >> SUB_BITS) - 1);
}

static int32_t clamp_index(int32_t idx)
{
	if (idx > HISTOGRAM_MAX_INDEX)
		return HISTOGRAM_MAX_INDEX;
	if (idx < -HISTOGRAM_MAX_INDEX)
		return -HISTOGRAM_MAX_INDEX;
	return idx;
}

int64_t histogram_index_lowest(int32_t idx)
{
	idx = clamp_index(idx);
	if (idx >= 0)
		return low_of_magnitude(idx);
	return -(low_of_magnitude(-idx) + width_of_magnitude(-idx) - 1);
}

int64_t histogram_index_highest(int32_t idx)
{
	idx = clamp_index(idx);
	if (idx >= 0)
		return low_of_magnitude(idx) + width_of_magnitude(idx) - 1;
	return -low_of_magnitude(-idx);
}

int64_t histogram_index_value(int32_t idx)
{
	idx = clamp_index(idx);
	int32_t m = idx < 0 ? -idx : idx;
	int64_t v = low_of_magnitude(m) + width_of_magnitude(m) / 2;
	return idx < 0 ? -v : v;
}

static int64_t to_signed(uint64_t u)
{
	return u <= INT64_MAX ? (int64_t)u : -(int64_t)(~u) - 1;
}

/* ---- writer ---- */

struct histogram *histogram_create(bool is_signed, const char **err)
{
	uint32_t n = is_signed ? N_SIGNED : N_UNSIGNED;
	struct histogram *h = malloc(sizeof(*h) + n * sizeof(h->counts[0]));
	if (!h) {
		if (err)
			*err = "histogram: out of memory";
		return NULL;
	}
	for (uint32_t i = 0; i < n; i++)
		atomic_init(&h->counts[i], 0);
	atomic_init(&h->seq, 0);
	atomic_init(&h->sum, 0);
	atomic_init(&h->min, INT64_MAX);
	atomic_init(&h->max, INT64_MIN);
	atomic_init(&h->clamped, 0);
	h->is_signed = is_signed;
	h->n = n;
	h->lowest = is_signed ? -HISTOGRAM_MAX_VALUE : 0;
	h->zero = h->counts + (is_signed ? HISTOGRAM_MAX_INDEX : 0);
	return h;
}

void histogram_destroy(struct histogram *h)
{
	free(h);
}

bool histogram_is_signed(const struct histogram *h)
{
	return h->is_signed;
}

#define LOAD(p) atomic_load_explicit((p), memory_order_relaxed)
#define STORE(p, v) atomic_store_explicit((p), (v), memory_order_relaxed)

void histogram_record(struct histogram *h, int64_t value)
{
	bool clamp = false;
	if (value > HISTOGRAM_MAX_VALUE) {
		value = HISTOGRAM_MAX_VALUE;
		clamp = true;
	} else if (value < h->lowest) {
		value = h->lowest;
		clamp = true;
	}
	_Atomic uint64_t *bucket = h->zero + index_of_clamped(value);

	uint64_t seq = LOAD(&h->seq);
	STORE(&h->seq, seq + 1);
	atomic_thread_fence(memory_order_release);
	STORE(bucket, LOAD(bucket) + 1);
	STORE(&h->sum, LOAD(&h->sum) + (uint64_t)value);
	if (value < LOAD(&h->min))
		STORE(&h->min, value);
	if (value > LOAD(&h->max))
		STORE(&h->max, value);
	if (clamp)
		STORE(&h->clamped, LOAD(&h->clamped) + 1);
	atomic_store_explicit(&h->seq, seq + 2, memory_order_release);
}

/* ---- snapshots ---- */

struct histogram_snapshot *histogram_snapshot_create(bool is_signed, const char **err)
{
	uint32_t n = is_signed ? N_SIGNED : N_UNSIGNED;
	struct histogram_snapshot *s = calloc(1, sizeof(*s) + n * sizeof(s->counts[0]));
	if (!s) {
		if (err)
			*err = "histogram: out of memory";
		return NULL;
	}
	s->is_signed = is_signed;
	s->n = n;
	s->first = is_signed ? -HISTOGRAM_MAX_INDEX : 0;
	return s;
}

void histogram_snapshot_destroy(struct histogram_snapshot *snap)
{
	free(snap);
}

bool histogram_snapshot_is_signed(const struct histogram_snapshot *snap)
{
	return snap->is_signed;
}

void histogram_snapshot_clear(struct histogram_snapshot *snap)
{
	memset(snap->counts, 0, snap->n * sizeof(snap->counts[0]));
	snap->count = 0;
	snap->sum = 0;
	snap->min = 0;
	snap->max = 0;
	snap->clamped = 0;
}

static int64_t clamp64(int64_t v, int64_t lo, int64_t hi)
{
	return v < lo ? lo : v > hi ? hi : v;
}

/* Makes count, min and max agree with the buckets: count is their sum, and
 * min/max are moved into the lowest/highest non-empty bucket. */
static void settle(struct histogram_snapshot *s)
{
	uint64_t count = 0;
	uint32_t lo = UINT32_MAX, hi = 0;
	for (uint32_t i = 0; i < s->n; i++) {
		if (!s->counts[i])
			continue;
		count += s->counts[i];
		if (lo == UINT32_MAX)
			lo = i;
		hi = i;
	}
	s->count = count;
	if (!count) {
		s->sum = 0;
		s->min = 0;
		s->max = 0;
		s->clamped = 0;
		return;
	}
	int32_t ilo = (int32_t)lo + s->first, ihi = (int32_t)hi + s->first;
	s->min = clamp64(s->min, histogram_index_lowest(ilo), histogram_index_highest(ilo));
	s->max = clamp64(s->max, histogram_index_lowest(ihi), histogram_index_highest(ihi));
	if (s->max < s->min)
		s->max = s->min;
	if (s->clamped > count)
		s->clamped = count;
}

static void copy_once(const struct histogram *h, struct histogram_snapshot *s)
{
	for (uint32_t i = 0; i < h->n; i++)
		s->counts[i] = LOAD(&h->counts[i]);
	s->sum = LOAD(&h->sum);
	s->min = LOAD(&h->min);
	s->max = LOAD(&h->max);
	s->clamped = LOAD(&h->clamped);
}

int histogram_snapshot_take(const struct histogram *h, struct histogram_snapshot *snap)
{
	if (h->is_signed != snap->is_signed)
		return -EINVAL;
	for (int attempt = 0; attempt < TAKE_ATTEMPTS; attempt++) {
		uint64_t s1;
		int spins = 0;
		while (((s1 = atomic_load_explicit(&h->seq, memory_order_acquire)) & 1) &&
		       ++spins < TAKE_SPINS)
			;
		if (s1 & 1)
			break; /* the writer is stalled inside a record */
		copy_once(h, snap);
		atomic_thread_fence(memory_order_acquire);
		if (atomic_load_explicit(&h->seq, memory_order_relaxed) == s1) {
			settle(snap); /* only maps the empty state's sentinels to 0 */
			return 0;
		}
	}
	copy_once(h, snap);
	settle(snap);
	return -EAGAIN;
}

int histogram_snapshot_delta(struct histogram_snapshot *out,
			     const struct histogram_snapshot *newer,
			     const struct histogram_snapshot *older)
{
	if (out->is_signed != newer->is_signed || out->is_signed != older->is_signed)
		return -EINVAL;
	if (older->clamped > newer->clamped)
		return -ERANGE;
	for (uint32_t i = 0; i < out->n; i++)
		if (older->counts[i] > newer->counts[i])
			return -ERANGE;

	/* Read before writing: out may alias either input. */
	uint64_t count = newer->count - older->count;
	uint64_t sum = newer->sum - older->sum;
	uint64_t clamped = newer->clamped - older->clamped;
	int64_t nmin = newer->min, nmax = newer->max;
	uint32_t lo = UINT32_MAX, hi = 0;
	for (uint32_t i = 0; i < out->n; i++) {
		uint64_t c = newer->counts[i] - older->counts[i];
		out->counts[i] = c;
		if (c) {
			if (lo == UINT32_MAX)
				lo = i;
			hi = i;
		}
	}
	out->count = count;
	out->sum = sum;
	out->clamped = clamped;
	if (lo == UINT32_MAX) {
		out->min = out->max = 0;
		return 0;
	}
	/*
	 * The overall min can only have dropped into the interval's lowest
	 * bucket if the interval set it, and it is a lower bound of the
	 * interval's values in any case: clamping it to that bucket gives the
	 * exact min when it is new and a bound within the bucket otherwise.
	 */
	int32_t ilo = (int32_t)lo + out->first, ihi = (int32_t)hi + out->first;
	out->min = clamp64(nmin, histogram_index_lowest(ilo), histogram_index_highest(ilo));
	out->max = clamp64(nmax, histogram_index_lowest(ihi), histogram_index_highest(ihi));
	if (out->max < out->min)
		out->max = out->min;
	return 0;
}

int histogram_snapshot_merge(struct histogram_snapshot *out, const struct histogram_snapshot *a)
{
	if (out->is_signed != a->is_signed)
		return -EINVAL;
	if (out->count > UINT64_MAX - a->count)
		return -ERANGE;
	if (a->count) {
		if (!out->count || a->min < out->min)
			out->min = a->min;
		if (!out->count || a->max > out->max)
			out->max = a->max;
	}
	out->count += a->count;
	out->sum += a->sum;
	out->clamped += a->clamped;
	for (uint32_t i = 0; i < out->n; i++)
		out->counts[i] += a->counts[i];
	return 0;
}

int64_t histogram_snapshot_percentile(const struct histogram_snapshot *snap, double percent)
{
	if (!snap->count)
		return 0;
	if (!(percent > 0.0))
		return snap->min;
	if (percent >= 100.0)
		return snap->max;
	double r = ceil(percent * (double)snap->count / 100.0);
	uint64_t rank = r < 1.0 ? 1 : r >= (double)snap->count ? snap->count : (uint64_t)r;
	uint64_t seen = 0;
	uint32_t i = 0;
	for (; i < snap->n - 1; i++) {
		seen += snap->counts[i];
		if (seen >= rank)
			break;
	}
	int64_t v = histogram_index_value((int32_t)i + snap->first);
	return clamp64(v, snap->min, snap->max);
}

uint64_t histogram_snapshot_count(const struct histogram_snapshot *snap)
{
	return snap->count;
}

int64_t histogram_snapshot_min(const struct histogram_snapshot *snap)
{
	return snap->min;
}

int64_t histogram_snapshot_max(const struct histogram_snapshot *snap)
{
	return snap->max;
}

double histogram_snapshot_mean(const struct histogram_snapshot *snap)
{
	return snap->count ? (double)to_signed(snap->sum) / (double)snap->count : 0.0;
}

int64_t histogram_snapshot_sum(const struct histogram_snapshot *snap)
{
	return to_signed(snap->sum);
}

uint64_t histogram_snapshot_clamped(const struct histogram_snapshot *snap)
{
	return snap->clamped;
}

uint64_t histogram_snapshot_bucket(const struct histogram_snapshot *snap, int32_t idx)
{
	int64_t k = (int64_t)idx - snap->first;
	return k >= 0 && k < snap->n ? snap->counts[k] : 0;
}

void histogram_snapshot_totals(const struct histogram_snapshot *snap, struct histogram_totals *t)
{
	t->sum = to_signed(snap->sum);
	t->min = snap->min;
	t->max = snap->max;
	t->clamped = snap->clamped;
}

/* ---- sparse form ---- */

int histogram_snapshot_to_sparse(const struct histogram_snapshot *snap, int32_t *idx,
				 uint64_t *cnt, size_t max_pairs)
{
	size_t k = 0;
	for (uint32_t i = 0; i < snap->n; i++) {
		if (!snap->counts[i])
			continue;
		if (k == max_pairs)
			return -ENOSPC;
		idx[k] = (int32_t)i + snap->first;
		cnt[k] = snap->counts[i];
		k++;
	}
	return (int)k;
}

int histogram_snapshot_from_sparse(struct histogram_snapshot *snap, const int32_t *idx,
				   const uint64_t *cnt, size_t n_pairs,
				   const struct histogram_totals *t)
{
	if (n_pairs == 0) {
		if (t->sum || t->min || t->max || t->clamped)
			return -EINVAL;
		histogram_snapshot_clear(snap);
		return 0;
	}
	if (n_pairs > snap->n)
		return -EINVAL;
	uint64_t count = 0;
	for (size_t k = 0; k < n_pairs; k++) {
		if (idx[k] < snap->first || idx[k] > HISTOGRAM_MAX_INDEX)
			return -EINVAL;
		if (k > 0 && idx[k] <= idx[k - 1])
			return -EINVAL;
		if (cnt[k] == 0 || cnt[k] > UINT64_MAX - count)
			return -EINVAL;
		count += cnt[k];
	}
	int32_t ilo = idx[0], ihi = idx[n_pairs - 1];
	if (t->min < histogram_index_lowest(ilo) || t->min > histogram_index_highest(ilo) ||
	    t->max < histogram_index_lowest(ihi) || t->max > histogram_index_highest(ihi) ||
	    t->min > t->max || t->max > HISTOGRAM_MAX_VALUE || t->min < -HISTOGRAM_MAX_VALUE ||
	    t->clamped > count)
		return -EINVAL;

	memset(snap->counts, 0, snap->n * sizeof(snap->counts[0]));
	for (size_t k = 0; k < n_pairs; k++)
		snap->counts[idx[k] - snap->first] = cnt[k];
	snap->count = count;
	snap->sum = (uint64_t)t->sum;
	snap->min = t->min;
	snap->max = t->max;
	snap->clamped = t->clamped;
	return 0;
}
