#include "config.h"

#include "libdsp/meter.h"

#include <math.h>
#include <stdbool.h>
#include <stdatomic.h>
#include <stdlib.h>
#include <string.h>

#include "libdsp/dsp-kernels.h"

#define METER_MIN_RATE 8000.0
#define METER_MAX_RATE 384000.0

/*
 * Publishing "maximum since last read".  The writer raises peak/rms with a
 * CAS loop; the reader takes them with an atomic exchange to 0.  Both are
 * read-modify-writes of the same object, so they fall in one total
 * modification order and each reads the value immediately before it: a
 * raise ordered before an exchange is returned by that read, one ordered
 * after lands in the next read, and a CAS that loaded the value before a
 * reset fails and retries against the 0 - so neither a maximum nor a reset
 * is ever lost.  The writer retries only when the reader exchanged in
 * between, so it is delayed at most once per read.  Each word is a
 * self-contained value (non-negative float bits, which order like the
 * floats) and publishes no other memory, so relaxed ordering is enough.
 */
struct meter_channel {
	_Atomic uint32_t peak;		/* float bits */
	_Atomic uint32_t rms;		/* float bits */
	_Atomic uint64_t clipped;	/* single writer; relaxed */
	double open;			/* energy of the chunk being filled */
	double sum;			/* running energy of the last n_chunks chunks */
	double fresh;			/* energy of the chunks stored since the ring wrapped */
};

struct meter {
	uint32_t n_channels;
	uint32_t n_chunks;
	uint32_t pos;	/* ring slot the open chunk will go to */
	uint32_t fill;	/* frames in the open chunk */
	double inv_window_frames;
	double *ring;	/* [n_channels][n_chunks] chunk energies */
	const struct dsp_kernels *k;	/* chosen at create */
	struct meter_channel ch[METER_MAX_CHANNELS];
};

struct meter *meter_create(uint32_t n_channels, double rate, double window_ms,
			   const char **err)
{
	const char *msg = NULL;
	if (window_ms == 0.0)
		window_ms = METER_DEFAULT_WINDOW_MS;
	if (n_channels < 1 || n_channels > METER_MAX_CHANNELS)
		msg = "meter: channels must be 1..8";
	else if (!(rate >= METER_MIN_RATE && rate <= METER_MAX_RATE))
		msg = "meter: rate must be 8000..384000 Hz";
	else if (!(window_ms >= METER_MIN_WINDOW_MS && window_ms <= METER_MAX_WINDOW_MS))
		msg = "meter: window_ms must be 10..3000 (or 0 for 300)";
	if (msg) {
		if (err)
			*err = msg;
		return NULL;
	}
	long chunks = lround(window_ms * rate / 1000.0 / METER_CHUNK);
	if (chunks < 1)
		chunks = 1;
	struct meter *m = calloc(1, sizeof(*m));
	double *ring = calloc((size_t)chunks * n_channels, sizeof(*ring));
	if (!m || !ring) {
		free(m);
		free(ring);
		if (err)
			*err = "meter: out of memory";
		return NULL;
	}
	m->n_channels = n_channels;
	m->n_chunks = (uint32_t)chunks;
	m->inv_window_frames = 1.0 / ((double)chunks * METER_CHUNK);
	m->ring = ring;
	m->k = dsp_kernels_select();
	for (uint32_t c = 0; c < METER_MAX_CHANNELS; c++) {
		atomic_init(&m->ch[c].peak, 0);
		atomic_init(&m->ch[c].rms, 0);
		atomic_init(&m->ch[c].clipped, 0);
	}
	return m;
}

void meter_destroy(struct meter *m)
{
	if (!m)
		return;
	free(m->ring);
	free(m);
}

uint32_t meter_channels(const struct meter *m)
{
	return m->n_channels;
}

/* The rare chunk holding a NaN, an infinity or an overflowing square. */
static DSP_RT struct dsp_scan scan_careful(const float *restrict x, uint32_t n)
{
	struct dsp_scan s = { 0.0f, 0, 0.0 };
	for (uint32_t i = 0; i < n; i++) {
		float v = x[i], a = fabsf(v), sq = v * v;
		if (!isfinite(sq)) {
			s.clipped++;
			continue;
		}
		s.peak = a > s.peak ? a : s.peak;
		s.clipped += !(a < METER_CLIP_LEVEL);
		s.energy += (double)sq;
	}
	return s;
}

static inline DSP_RT void raise_max(_Atomic uint32_t *word, float v)
{
	uint32_t bits;
	memcpy(&bits, &v, sizeof(bits));
	uint32_t cur = atomic_load_explicit(word, memory_order_relaxed);
	while (bits > cur && !atomic_compare_exchange_weak_explicit(word, &cur, bits,
			memory_order_relaxed, memory_order_relaxed))
		;
}

static DSP_RT void measure(const struct meter *m, struct meter_channel *mc, double *ring,
			   const float *x, uint32_t n_frames)
{
	uint32_t pos = m->pos, fill = m->fill, clipped = 0;
	double open = mc->open, sum = mc->sum, fresh = mc->fresh, best = 0.0;
	bool evaluated = false;
	float peak = 0.0f;
	for (uint32_t i = 0; i < n_frames;) {
		uint32_t len = n_frames - i;
		if (len > METER_CHUNK - fill)
			len = METER_CHUNK - fill;
		struct dsp_scan s = m->k->scan(x + i, len);
		if (!isfinite(s.energy))
			s = scan_careful(x + i, len);
		peak = s.peak > peak ? s.peak : peak;
		clipped += s.clipped;
		open += s.energy;
		i += len;
		fill += len;
		if (fill < METER_CHUNK)
			continue;
		sum += open - ring[pos];
		ring[pos] = open;
		fresh += open;
		open = 0.0;
		fill = 0;
		if (++pos == m->n_chunks) {
			/* Every slot was written since the last wrap, and fresh
			 * summed them by additions alone: the running sum
			 * restarts from it, dropping any cancellation error. */
			pos = 0;
			sum = fresh;
			fresh = 0.0;
		}
		best = sum > best ? sum : best;
		evaluated = true;
	}
	mc->open = open;
	mc->sum = sum;
	mc->fresh = fresh;
	raise_max(&mc->peak, peak);
	if (evaluated)
		raise_max(&mc->rms, (float)sqrt(best * m->inv_window_frames));
	if (clipped)
		atomic_fetch_add_explicit(&mc->clipped, clipped, memory_order_relaxed);
}

void meter_process(struct meter *m, const float *const *in, uint32_t n_frames)
{
	for (uint32_t c = 0; c < m->n_channels; c++)
		measure(m, &m->ch[c], m->ring + (size_t)c * m->n_chunks, in[c], n_frames);
	uint64_t filled = (uint64_t)m->fill + n_frames;
	m->fill = (uint32_t)(filled % METER_CHUNK);
	m->pos = (uint32_t)((m->pos + filled / METER_CHUNK) % m->n_chunks);
}

static float to_dbfs(float v)
{
	double db = v > 0.0f ? 20.0 * log10(v) : METER_FLOOR_DB;
	return (float)(db > METER_FLOOR_DB ? db : METER_FLOOR_DB);
}

uint32_t meter_read(struct meter *m, struct meter_reading *out, uint32_t n_out)
{
	uint32_t n = n_out < m->n_channels ? n_out : m->n_channels;
	for (uint32_t c = 0; c < n; c++) {
		struct meter_channel *mc = &m->ch[c];
		uint32_t pb = atomic_exchange_explicit(&mc->peak, 0, memory_order_relaxed);
		uint32_t rb = atomic_exchange_explicit(&mc->rms, 0, memory_order_relaxed);
		memcpy(&out[c].peak, &pb, sizeof(pb));
		memcpy(&out[c].rms, &rb, sizeof(rb));
		out[c].peak_dbfs = to_dbfs(out[c].peak);
		out[c].rms_dbfs = to_dbfs(out[c].rms);
		out[c].clipped = atomic_load_explicit(&mc->clipped, memory_order_relaxed);
	}
	return n;
}
