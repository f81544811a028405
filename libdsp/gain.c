#include "libdsp/gain.h"

#include <errno.h>
#include <math.h>
#include <stdatomic.h>
#include <stdlib.h>
#include <string.h>

#define GAIN_MIN_RATE 8000.0
#define GAIN_MAX_RATE 384000.0
#define LANES 8
#define DB_TO_NEPER (2.302585092994045684 / 20.0) /* ln(10) / 20 */

/* A value in dB gliding linearly toward target, one step per frame. */
struct ramp {
	double cur;	/* dB reached at the last frame processed */
	double target;
	double step;	/* dB per frame while left > 0, else 0 */
	uint32_t left;	/* frames until cur == target */
};

struct gain {
	uint32_t n_channels;
	double rate;
	uint32_t trim_frames;
	struct ramp vol, mute, trim[GAIN_MAX_CHANNELS];
	/* Per-channel linear gain while no ramp runs; recomputed only when
	 * stale, so a steady block costs one multiply per frame and no exp. */
	float steady[GAIN_MAX_CHANNELS];
	bool steady_stale;
	_Atomic uint64_t current_db; /* bits of a double, see gain_current_db */
};

static inline double db_to_gain(double db)
{
	return exp(db * DB_TO_NEPER);
}

static inline uint32_t ms_to_frames(double ms, double rate)
{
	return (uint32_t)lround(ms * rate / 1000.0);
}

static inline void ramp_start(struct ramp *r, double target, uint32_t frames)
{
	r->target = target;
	if (frames == 0 || target == r->cur) {
		r->cur = target;
		r->step = 0.0;
		r->left = 0;
		return;
	}
	r->step = (target - r->cur) / (double)frames;
	r->left = frames;
}

/* Position after n more frames (n <= left), taken from the target so that
 * no error accumulates and the last frame is the target itself. */
static inline double ramp_peek(const struct ramp *r, uint32_t n)
{
	return n >= r->left ? r->target : r->target - r->step * (double)(r->left - n);
}

static inline void ramp_advance(struct ramp *r, uint32_t n)
{
	if (r->left == 0)
		return;
	r->cur = ramp_peek(r, n);
	if (n >= r->left) {
		r->left = 0;
		r->step = 0.0;
	} else {
		r->left -= n;
	}
}

static inline bool rests_silent(const struct ramp *r)
{
	return r->left == 0 && r->cur <= GAIN_MIN_DB;
}

static inline bool ends_silent(const struct ramp *r, uint32_t n)
{
	return n >= r->left && r->target <= GAIN_MIN_DB;
}

static inline uint32_t ramp_limit(const struct ramp *r, uint32_t len)
{
	return r->left != 0 && r->left < len ? r->left : len;
}

static void publish_current(struct gain *g)
{
	double db = rests_silent(&g->vol) || rests_silent(&g->mute)
		? -INFINITY : g->vol.cur + g->mute.cur;
	uint64_t bits;
	memcpy(&bits, &db, sizeof(bits));
	atomic_store_explicit(&g->current_db, bits, memory_order_relaxed);
}

struct gain *gain_create(uint32_t n_channels, double rate, const char **err)
{
	const char *msg = NULL;
	if (n_channels < 1 || n_channels > GAIN_MAX_CHANNELS)
		msg = "gain: channels must be 1..8";
	else if (!(rate >= GAIN_MIN_RATE && rate <= GAIN_MAX_RATE))
		msg = "gain: rate must be 8000..384000 Hz";
	if (msg) {
		if (err)
			*err = msg;
		return NULL;
	}
	struct gain *g = calloc(1, sizeof(*g));
	if (!g) {
		if (err)
			*err = "gain: out of memory";
		return NULL;
	}
	g->n_channels = n_channels;
	g->rate = rate;
	g->trim_frames = ms_to_frames(GAIN_TRIM_RAMP_MS, rate);
	g->vol.cur = g->vol.target = GAIN_MIN_DB;
	g->steady_stale = true;
	atomic_init(&g->current_db, 0);
	publish_current(g);
	return g;
}

void gain_destroy(struct gain *g)
{
	free(g);
}

/* Clamps *v into [lo, hi]; -ERANGE if it had to. */
static inline int clamp_into(double *v, double lo, double hi)
{
	if (*v < lo) {
		*v = lo;
		return -ERANGE;
	}
	if (*v > hi) {
		*v = hi;
		return -ERANGE;
	}
	return 0;
}

static int set_ramped(struct gain *g, struct ramp *r, double target, double ramp_ms)
{
	if (isnan(ramp_ms))
		return -EINVAL;
	int rc = clamp_into(&ramp_ms, 0.0, GAIN_MAX_RAMP_MS);
	ramp_start(r, target, ms_to_frames(ramp_ms, g->rate));
	g->steady_stale = true;
	publish_current(g);
	return rc;
}

int gain_set_volume(struct gain *g, double db, double ramp_ms)
{
	if (isnan(db))
		return -EINVAL;
	int rc = clamp_into(&db, GAIN_MIN_DB, GAIN_MAX_DB);
	int rc2 = set_ramped(g, &g->vol, db, ramp_ms);
	return rc2 ? rc2 : rc;
}

int gain_set_mute(struct gain *g, bool mute, double ramp_ms)
{
	return set_ramped(g, &g->mute, mute ? GAIN_MIN_DB : 0.0, ramp_ms);
}

int gain_set_trim(struct gain *g, uint32_t ch, double db)
{
	if (ch >= g->n_channels || isnan(db))
		return -EINVAL;
	int rc = clamp_into(&db, GAIN_TRIM_MIN_DB, GAIN_TRIM_MAX_DB);
	ramp_start(&g->trim[ch], db, g->trim_frames);
	g->steady_stale = true;
	return rc;
}

double gain_current_db(const struct gain *g)
{
	uint64_t bits = atomic_load_explicit(&g->current_db, memory_order_relaxed);
	double db;
	memcpy(&db, &bits, sizeof(db));
	return db;
}

static void update_steady(struct gain *g)
{
	bool silent = rests_silent(&g->vol) || rests_silent(&g->mute);
	for (uint32_t c = 0; c < g->n_channels; c++)
		g->steady[c] = silent ? 0.0f
			: (float)db_to_gain(g->vol.cur + g->mute.cur + g->trim[c].cur);
	g->steady_stale = false;
}

/* A fixed-length inner loop: GCC's -O2 vectoriser takes that shape and
 * leaves a loop of unknown length scalar. */
static inline void scale_lanes(float *restrict x, float k)
{
	for (uint32_t j = 0; j < LANES; j++)
		x[j] *= k;
}

static void apply_steady(float *restrict x, uint32_t n, float k)
{
	if (k == 1.0f)
		return;
	if (k == 0.0f) {
		memset(x, 0, n * sizeof(*x));
		return;
	}
	uint32_t i = 0;
	for (; i + LANES <= n; i += LANES)
		scale_lanes(x + i, k);
	for (; i < n; i++)
		x[i] *= k;
}

/*
 * Frames 0 .. n-2 get g0 k^(i+1), by recurrence; four interleaved chains
 * (stepping by k^4) keep the multiply latency off the critical path.  The
 * last frame gets g_end, computed from the ramps' exact end position, so no
 * error carries into the next segment; when the gain settles there it is
 * applied in float exactly as the steady state will apply it, so a ramp
 * ends on its target with no seam.
 */
static void apply_ramp(float *restrict x, uint32_t n, double g0, double k, double g_end,
		       bool settles)
{
	uint32_t last = n - 1, i = 0;
	double k4 = (k * k) * (k * k);
	double a0 = g0 * k, a1 = a0 * k, a2 = a1 * k, a3 = a2 * k;
	for (; i + 4 <= last; i += 4) {
		x[i] = (float)(x[i] * a0);
		x[i + 1] = (float)(x[i + 1] * a1);
		x[i + 2] = (float)(x[i + 2] * a2);
		x[i + 3] = (float)(x[i + 3] * a3);
		a0 *= k4;
		a1 *= k4;
		a2 *= k4;
		a3 *= k4;
	}
	for (double a = a0; i < last; i++, a *= k)
		x[i] = (float)(x[i] * a);
	if (settles)
		x[last] *= (float)g_end;
	else
		x[last] = (float)(x[last] * g_end);
}

/* The longest time any ramp still has to run, in frames. */
static uint32_t ramp_left(const struct gain *g)
{
	uint32_t left = g->vol.left > g->mute.left ? g->vol.left : g->mute.left;
	for (uint32_t c = 0; c < g->n_channels; c++)
		left = g->trim[c].left > left ? g->trim[c].left : left;
	return left;
}

void gain_process(struct gain *g, float *const *buf, uint32_t n_frames)
{
	uint32_t off = 0;
	for (uint32_t left; off < n_frames && (left = ramp_left(g)) != 0;) {
		/* A segment ends where the next ramp ends, so the slope in dB is
		 * constant inside it. */
		uint32_t len = n_frames - off;
		len = ramp_limit(&g->vol, len);
		len = ramp_limit(&g->mute, len);
		for (uint32_t c = 0; c < g->n_channels; c++)
			len = ramp_limit(&g->trim[c], len);

		bool silent = rests_silent(&g->vol) || rests_silent(&g->mute);
		bool end_silent = ends_silent(&g->vol, len) || ends_silent(&g->mute, len);
		double common0 = g->vol.cur + g->mute.cur;
		double common1 = ramp_peek(&g->vol, len) + ramp_peek(&g->mute, len);
		double slope = g->vol.step + g->mute.step;
		bool settles = len == left;
		for (uint32_t c = 0; c < g->n_channels; c++) {
			float *x = buf[c] + off;
			const struct ramp *t = &g->trim[c];
			if (silent) {
				memset(x, 0, len * sizeof(*x));
				continue;
			}
			double d0 = common0 + t->cur;
			double d1 = common1 + ramp_peek(t, len);
			apply_ramp(x, len, db_to_gain(d0), db_to_gain(slope + t->step),
				   end_silent ? 0.0 : db_to_gain(d1), settles);
		}
		ramp_advance(&g->vol, len);
		ramp_advance(&g->mute, len);
		for (uint32_t c = 0; c < g->n_channels; c++)
			ramp_advance(&g->trim[c], len);
		g->steady_stale = true;
		off += len;
	}
	if (off < n_frames) {
		if (g->steady_stale)
			update_steady(g);
		for (uint32_t c = 0; c < g->n_channels; c++)
			apply_steady(buf[c] + off, n_frames - off, g->steady[c]);
	}
	publish_current(g);
}
