#include "config.h"

#include "libdsp/spectrum.h"

#include <errno.h>
#include <fftw3.h>
#include <math.h>
#include <stdlib.h>
#include <string.h>

#include "libdsp/dsp-kernels.h"
#include "libdsp/tribuf.h"

#define SPECTRUM_MIN_RATE 8000.0
#define SPECTRUM_MAX_RATE 384000.0
#define N_BINS (SPECTRUM_SIZE / 2 + 1)
#define HIST_MASK (SPECTRUM_SIZE - 1)
#define BAND_N0 13		/* band b has exact centre 10^((BAND_N0 + b) / 10) Hz */
/* The kernels' dB conversion (DSP_DB_FLOOR .. DSP_DB_CEIL, from 1e-15 ..
 * 1e15) is the spectrum's range, SPECTRUM_FLOOR_DB .. SPECTRUM_CEIL_DB. */
#define PI 3.14159265358979323846

const double spectrum_band_centre_hz[SPECTRUM_BANDS] = {
	20, 25, 31.5, 40, 50, 63, 80, 100, 125, 160, 200, 250, 315, 400, 500, 630,
	800, 1000, 1250, 1600, 2000, 2500, 3150, 4000, 5000, 6300, 8000, 10000,
	12500, 16000, 20000,
};

/* A band is the run of bins k0 .. k0 + n - 1: the first and last count with
 * the fraction of their width inside the band, the ones between in full. */
struct band_bins {
	uint32_t k0, n;
	float w_first, w_last;
};

struct spectrum {
	uint32_t n_channels;
	double rate;
	float mono_scale;		/* 1 / n_channels */
	double power_scale;		/* 4 / (N sum w^2): a full-scale sine sums to 1 */
	double attack_s, release_s, hold_s, decay_db_per_s;

	float *window;			/* [SPECTRUM_SIZE] */
	/* Ring of mono frames, written twice (at pos and pos + SIZE) so the
	 * latest SPECTRUM_SIZE frames are always contiguous from hist_pos. */
	float *hist;			/* [2 * SPECTRUM_SIZE] */
	uint32_t hist_pos;		/* where the next frame goes; the oldest frame */
	uint32_t pending;		/* frames since the last transform, mod HOP */
	uint64_t frames, last_frames, seq;

	float *fft_in;			/* fftwf_alloc_real(SPECTRUM_SIZE) */
	fftwf_complex *fft_out;		/* fftwf_alloc_complex(N_BINS) */
	fftwf_plan plan;
	float *power;			/* [N_BINS] */
	struct band_bins band[SPECTRUM_BANDS];
	float up, down;			/* smoothing factors for ... */
	double coef_dt;			/* ... this dt */

	float level[SPECTRUM_BANDS];	/* smoothed */
	float peak[SPECTRUM_BANDS];
	float raw[SPECTRUM_BANDS];
	double hold_left[SPECTRUM_BANDS]; /* seconds */

	struct tribuf *out;
	const struct dsp_kernels *k;	/* chosen at create */
};

void spectrum_config_default(struct spectrum_config *cfg)
{
	cfg->window = SPECTRUM_HANN;
	cfg->attack_ms = 10.0;
	cfg->release_ms = 300.0;
	cfg->hold_ms = 1000.0;
	cfg->decay_db_per_s = 20.0;
	cfg->measure_fft = false;
}

static const char *check_args(uint32_t n_channels, double rate,
			      const struct spectrum_config *c)
{
	if (n_channels < 1 || n_channels > SPECTRUM_MAX_CHANNELS)
		return "spectrum: channels must be 1..8";
	if (!(rate >= SPECTRUM_MIN_RATE && rate <= SPECTRUM_MAX_RATE))
		return "spectrum: rate must be 8000..384000 Hz";
	if (c->window != SPECTRUM_HANN && c->window != SPECTRUM_BLACKMAN_HARRIS)
		return "spectrum: window must be SPECTRUM_HANN or SPECTRUM_BLACKMAN_HARRIS";
	if (!(c->attack_ms >= 0.0 && c->attack_ms <= SPECTRUM_MAX_TIME_MS))
		return "spectrum: attack_ms must be 0..10000";
	if (!(c->release_ms >= 0.0 && c->release_ms <= SPECTRUM_MAX_TIME_MS))
		return "spectrum: release_ms must be 0..10000";
	if (!(c->hold_ms >= 0.0 && c->hold_ms <= SPECTRUM_MAX_TIME_MS))
		return "spectrum: hold_ms must be 0..10000";
	if (!(c->decay_db_per_s >= 1.0 && c->decay_db_per_s <= 1000.0))
		return "spectrum: decay_db_per_s must be 1..1000";
	return NULL;
}

/* Periodic (DFT-even) windows; returns the half width of the main lobe in
 * bins. */
static uint32_t make_window(float *w, enum spectrum_window kind, double *energy)
{
	static const double hann[4] = { 0.5, 0.5, 0.0, 0.0 };
	static const double bh4[4] = { 0.35875, 0.48829, 0.14128, 0.01168 };
	const double *a = kind == SPECTRUM_HANN ? hann : bh4;
	double e = 0.0;
	for (uint32_t i = 0; i < SPECTRUM_SIZE; i++) {
		double x = 2.0 * PI * i / SPECTRUM_SIZE;
		double v = a[0] - a[1] * cos(x) + a[2] * cos(2 * x) - a[3] * cos(3 * x);
		w[i] = (float)v;
		e += (double)w[i] * w[i];
	}
	*energy = e;
	return kind == SPECTRUM_HANN ? 2 : 4;
}

/* Fraction of bin k (centred on k * df, df wide) inside [lo, hi]. */
static double bin_overlap(uint32_t k, double df, double lo, double hi)
{
	double a = fmax(lo, (k - 0.5) * df), b = fmin(hi, (k + 0.5) * df);
	return b > a ? (b - a) / df : 0.0;
}

static void map_bands(struct spectrum *s, uint32_t lobe)
{
	double df = s->rate / SPECTRUM_SIZE;
	double half_min = (lobe + 0.5) * df;
	for (uint32_t b = 0; b < SPECTRUM_BANDS; b++) {
		double fc = pow(10.0, (BAND_N0 + b) / 10.0);
		double lo = fmin(fc * pow(10.0, -0.05), fc - half_min);
		double hi = fmax(fc * pow(10.0, 0.05), fc + half_min);
		struct band_bins bb = { 0, 0, 0.0f, 0.0f };
		for (uint32_t k = 0; k < N_BINS; k++) {
			double w = bin_overlap(k, df, lo, hi);
			if (w <= 0.0)
				continue;
			if (bb.n == 0) {
				bb.k0 = k;
				bb.w_first = (float)w;
			}
			bb.w_last = (float)w;
			bb.n = k - bb.k0 + 1;
		}
		s->band[b] = bb;
	}
}

static void clear_state(struct spectrum *s)
{
	memset(s->hist, 0, 2 * SPECTRUM_SIZE * sizeof(*s->hist));
	s->hist_pos = 0;
	s->pending = 0;
	for (uint32_t b = 0; b < SPECTRUM_BANDS; b++) {
		s->level[b] = (float)SPECTRUM_FLOOR_DB;
		s->peak[b] = (float)SPECTRUM_FLOOR_DB;
		s->raw[b] = (float)SPECTRUM_FLOOR_DB;
		s->hold_left[b] = 0.0;
	}
}

static void publish(struct spectrum *s)
{
	struct spectrum_frame *f = tribuf_write_slot(s->out);
	memcpy(f->band_db, s->level, sizeof(f->band_db));
	memcpy(f->peak_db, s->peak, sizeof(f->peak_db));
	memcpy(f->raw_db, s->raw, sizeof(f->raw_db));
	f->frames = s->frames;
	f->seq = s->seq;
	tribuf_publish(s->out);
}

/* Plans the r2c transform with flags on scratch arrays and drops the plan:
 * what stays is FFTW's wisdom.  Whether a plan could be made. */
static bool probe_plan(unsigned flags)
{
	float *in = fftwf_alloc_real(SPECTRUM_SIZE);
	fftwf_complex *out = fftwf_alloc_complex(N_BINS);
	fftwf_plan plan = NULL;

	if (in && out)
		plan = fftwf_plan_dft_r2c_1d(SPECTRUM_SIZE, in, out, flags);
	if (plan)
		fftwf_destroy_plan(plan);
	fftwf_free(in);
	fftwf_free(out);
	return plan != NULL;
}

int spectrum_plan_ahead(void)
{
	return probe_plan(FFTW_MEASURE) ? 0 : -ENOMEM;
}

bool spectrum_plan_known(void)
{
	return probe_plan(FFTW_MEASURE | FFTW_WISDOM_ONLY);
}

struct spectrum *spectrum_create(uint32_t n_channels, double rate,
				 const struct spectrum_config *cfg, const char **err)
{
	struct spectrum_config def;
	if (!cfg) {
		spectrum_config_default(&def);
		cfg = &def;
	}
	const char *msg = check_args(n_channels, rate, cfg);
	if (msg) {
		if (err)
			*err = msg;
		return NULL;
	}
	struct spectrum *s = calloc(1, sizeof(*s));
	if (!s)
		goto oom;
	s->n_channels = n_channels;
	s->rate = rate;
	s->k = dsp_kernels_select();
	s->mono_scale = 1.0f / (float)n_channels;
	s->attack_s = cfg->attack_ms / 1000.0;
	s->release_s = cfg->release_ms / 1000.0;
	s->hold_s = cfg->hold_ms / 1000.0;
	s->decay_db_per_s = cfg->decay_db_per_s;
	s->window = calloc(SPECTRUM_SIZE, sizeof(*s->window));
	s->hist = calloc(2 * SPECTRUM_SIZE, sizeof(*s->hist));
	s->power = calloc(N_BINS, sizeof(*s->power));
	s->fft_in = fftwf_alloc_real(SPECTRUM_SIZE);
	s->fft_out = fftwf_alloc_complex(N_BINS);
	s->out = tribuf_create(sizeof(struct spectrum_frame), err);
	if (!s->out) {
		spectrum_destroy(s);
		return NULL;
	}
	if (!s->window || !s->hist || !s->power || !s->fft_in || !s->fft_out)
		goto oom;
	double energy;
	uint32_t lobe = make_window(s->window, cfg->window, &energy);
	s->power_scale = 4.0 / (SPECTRUM_SIZE * energy);
	map_bands(s, lobe);
	s->coef_dt = -1.0;
	s->plan = fftwf_plan_dft_r2c_1d(SPECTRUM_SIZE, s->fft_in, s->fft_out,
					cfg->measure_fft ? FFTW_MEASURE : FFTW_ESTIMATE);
	if (!s->plan)
		goto oom;
	clear_state(s);
	publish(s); /* the reader's floor frame, seq 0 */
	return s;
oom:
	spectrum_destroy(s);
	if (err)
		*err = "spectrum: out of memory";
	return NULL;
}

void spectrum_destroy(struct spectrum *s)
{
	if (!s)
		return;
	if (s->plan)
		fftwf_destroy_plan(s->plan);
	fftwf_free(s->fft_in);
	fftwf_free(s->fft_out);
	tribuf_destroy(s->out);
	free(s->window);
	free(s->hist);
	free(s->power);
	free(s);
}

static void push(struct spectrum *s, const float *const *in, uint32_t off, uint32_t n)
{
	while (n) {
		uint32_t pos = s->hist_pos, len = SPECTRUM_SIZE - pos;
		if (len > n)
			len = n;
		float *restrict h = s->hist + pos;
		const float *restrict x = in[0] + off;
		if (s->n_channels == 1)
			memcpy(h, x, len * sizeof(*h));
		else
			s->k->mix(h, in, off, s->n_channels, len, s->mono_scale);
		memcpy(h + SPECTRUM_SIZE, h, len * sizeof(*h));
		s->hist_pos = (pos + len) & HIST_MASK;
		off += len;
		n -= len;
	}
}

static void smooth_and_hold(struct spectrum *s, double dt)
{
	if (dt != s->coef_dt) { /* the hop is nearly always the same */
		s->up = (float)(s->attack_s > 0.0 ? 1.0 - exp(-dt / s->attack_s) : 1.0);
		s->down = (float)(s->release_s > 0.0 ? 1.0 - exp(-dt / s->release_s) : 1.0);
		s->coef_dt = dt;
	}
	for (uint32_t b = 0; b < SPECTRUM_BANDS; b++) {
		float raw = s->raw[b], lv = s->level[b];
		lv += (raw - lv) * (raw > lv ? s->up : s->down);
		/* Land once the gap is invisible: approaching 0 dB it would
		 * otherwise shrink into denormals. */
		s->level[b] = fabsf(raw - lv) < 1e-4f ? raw : lv;

		double left = s->hold_left[b];
		float pk = s->peak[b];
		if (left >= dt) {
			left -= dt;
		} else {
			pk -= (float)(s->decay_db_per_s * (dt - left));
			left = 0.0;
		}
		if (raw >= pk) {
			pk = raw;
			left = s->hold_s;
		}
		s->peak[b] = pk;
		s->hold_left[b] = left;
	}
}

static void transform(struct spectrum *s)
{
	s->k->mul(s->fft_in, s->hist + s->hist_pos, s->window, SPECTRUM_SIZE);
	fftwf_execute(s->plan);

	/* |X_k|^2 of every bin: at 48 kHz the bands use nearly all of them
	 * anyway.  The last (Nyquist) bin is real. */
	float *p = s->power;
	const float *X = (const float *)s->fft_out;
	s->k->power(p, X, N_BINS - 1);
	p[N_BINS - 1] = X[2 * (N_BINS - 1)] * X[2 * (N_BINS - 1)];

	double pw[SPECTRUM_BANDS];
	for (uint32_t b = 0; b < SPECTRUM_BANDS; b++) {
		const struct band_bins *bb = &s->band[b];
		double acc = 0.0;
		if (bb->n == 1) {
			acc = bb->w_first * p[bb->k0];
		} else if (bb->n > 1) {
			const float *pb = p + bb->k0;
			acc = (double)bb->w_first * pb[0] + (double)bb->w_last * pb[bb->n - 1]
				+ s->k->sum(pb + 1, bb->n - 2);
		}
		pw[b] = acc * s->power_scale;
	}
	/* NaN reads the floor and infinity the ceiling, so bad input cannot
	 * poison the smoothing; it leaves the history within SPECTRUM_SIZE frames. */
	s->k->db(s->raw, pw, SPECTRUM_BANDS);

	double dt = (double)(s->frames - s->last_frames) / s->rate;
	s->last_frames = s->frames;
	s->seq++;
	smooth_and_hold(s, dt);
	publish(s);
}

void spectrum_process(struct spectrum *s, const float *const *in, uint32_t n_frames)
{
	/* Only the latest SPECTRUM_SIZE frames can reach a transform. */
	uint32_t skip = n_frames > SPECTRUM_SIZE ? n_frames - SPECTRUM_SIZE : 0;
	push(s, in, skip, n_frames - skip);
	s->frames += n_frames;
	uint64_t pending = (uint64_t)s->pending + n_frames;
	s->pending = (uint32_t)(pending % SPECTRUM_HOP);
	if (pending >= SPECTRUM_HOP)
		transform(s);
}

void spectrum_reset(struct spectrum *s)
{
	clear_state(s);
}

bool spectrum_read(struct spectrum *s, struct spectrum_frame *out)
{
	bool fresh = false;
	const struct spectrum_frame *f = tribuf_read(s->out, &fresh);
	memcpy(out, f, sizeof(*out));
	return fresh && out->seq != 0;
}
