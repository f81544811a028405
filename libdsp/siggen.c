#include "libdsp/siggen.h"

#include <errno.h>
#include <math.h>
#include <string.h>
#include <strings.h>

/*
 * Tones: a per-sample sin() in double costs 9-13 ns, 5-7 us for a 512-frame
 * block, more than the whole chain's budget.  A phasor rotated one sample at
 * a time costs 1 us (each step waits for the last); advanced 8 frames at a
 * time, with the frames in between read off a table of rotations, the steps
 * are independent and a 512-frame sine costs 0.4-0.6 us.  The phasor is
 * recomputed from a phase accumulator (cycles, double) every RESYNC frames,
 * so rounding never builds up: the error stays near 1e-14, far below float
 * resolution.
 */
#define GROUP 8
#define RESYNC 256
#define CHUNK 128

/* Sweeps recompute their phase exactly every SWEEP_RESYNC frames too. */
#define SWEEP_RESYNC 256

#define PCG_MULT 6364136223846793005ULL
#define PCG_INC 1442695040888963407ULL

static const char *const kind_names[] = {
	[SIGGEN_SINE] = "sine",
	[SIGGEN_SWEEP] = "sweep",
	[SIGGEN_WHITE] = "white",
	[SIGGEN_PINK] = "pink",
	[SIGGEN_IMPULSE] = "impulse",
	[SIGGEN_MULTITONE] = "multitone",
};

#define N_KINDS (sizeof kind_names / sizeof kind_names[0])

/* Paul Kellet's refined pinking filter: six leaky integrators, a direct path
 * and a one-frame delay; -3 dB/octave within +-0.05 dB from 0.0002 fs up. */
static const double pink_pole[6] = { 0.99886, 0.99332, 0.96900, 0.86650, 0.55000, -0.7616 };
static const double pink_gain[6] = { 0.0555179, 0.0750759, 0.1538520, 0.3104856, 0.5329522, -0.0168980 };
#define PINK_DIRECT 0.5362
#define PINK_DELAYED 0.115926
#define PINK_WARMUP 16384

const char *siggen_kind_name(enum siggen_kind k)
{
	if ((unsigned)k >= N_KINDS)
		return "unknown";
	return kind_names[k];
}

int siggen_kind_parse(const char *s, enum siggen_kind *k)
{
	if (!s || !k)
		return -EINVAL;
	for (unsigned i = 0; i < N_KINDS; i++) {
		if (strcasecmp(s, kind_names[i]) == 0) {
			*k = (enum siggen_kind)i;
			return 0;
		}
	}
	return -EINVAL;
}

static inline uint32_t pcg32(uint64_t *state)
{
	uint64_t old = *state;
	*state = old * PCG_MULT + PCG_INC;
	uint32_t xorshifted = (uint32_t)(((old >> 18u) ^ old) >> 27u);
	uint32_t rot = (uint32_t)(old >> 59u);
	return (xorshifted >> rot) | (xorshifted << ((-rot) & 31u));
}

/* Uniform in [-1, 1), variance 1/3. */
static inline double uniform(uint64_t *state)
{
	return (double)(int32_t)pcg32(state) * (1.0 / 2147483648.0);
}

static inline double pink_step(double *s, double w)
{
	double y = s[6] + PINK_DIRECT * w;
	for (int i = 0; i < 6; i++) {
		s[i] = pink_pole[i] * s[i] + pink_gain[i] * w;
		y += s[i];
	}
	s[6] = PINK_DELAYED * w;
	return y;
}

/* Energy of the pinking filter's impulse response, in closed form: the sum
 * over n of (sum_i g_i p_i^n)^2 is sum_ij g_i g_j / (1 - p_i p_j). */
static double pink_energy(void)
{
	double e = PINK_DIRECT * PINK_DIRECT + PINK_DELAYED * PINK_DELAYED;
	for (int i = 0; i < 6; i++) {
		e += 2.0 * PINK_DIRECT * pink_gain[i] + 2.0 * PINK_DELAYED * pink_gain[i] * pink_pole[i];
		for (int j = 0; j < 6; j++)
			e += pink_gain[i] * pink_gain[j] / (1.0 - pink_pole[i] * pink_pole[j]);
	}
	return e;
}

static void tone_init(struct siggen_tone *t, double freq, double rate)
{
	t->step = freq / rate;
	t->phase = 0.0;
	t->z_re = 1.0;
	t->z_im = 0.0;
	for (int j = 0; j < GROUP; j++) {
		t->w_re[j] = cos(2.0 * M_PI * t->step * j);
		t->w_im[j] = sin(2.0 * M_PI * t->step * j);
	}
	t->w8_re = cos(2.0 * M_PI * t->step * GROUP);
	t->w8_im = sin(2.0 * M_PI * t->step * GROUP);
}

static const char *check_params(const struct siggen_params *p, double rate, uint64_t *length)
{
	if (!(rate >= 1000.0 && rate <= 768000.0))
		return "siggen: rate must be 1000..768000 Hz";
	if ((unsigned)p->kind >= N_KINDS)
		return "siggen: kind is not a known signal kind";
	if (!(p->level_dbfs >= -120.0 && p->level_dbfs <= 0.0))
		return "siggen: level_dbfs must be -120..0";
	if (!(p->duration_s >= 0.0 && p->duration_s <= 1e6))
		return "siggen: duration_s must be 0 (endless) or up to 1e6 s";
	*length = (uint64_t)llround(p->duration_s * rate);
	if (p->duration_s > 0.0 && *length == 0)
		return "siggen: duration_s is shorter than one frame";

	double nyq = rate / 2.0;
	switch (p->kind) {
	case SIGGEN_SINE:
		if (!(p->freq_hz > 0.0 && p->freq_hz < nyq))
			return "siggen: freq_hz must be above 0 and below rate/2";
		break;
	case SIGGEN_SWEEP:
		if (!(p->freq_hz > 0.0 && p->freq_hz <= nyq))
			return "siggen: sweep freq_hz must be above 0 and at most rate/2";
		if (!(p->freq_end_hz > 0.0 && p->freq_end_hz <= nyq))
			return "siggen: sweep freq_end_hz must be above 0 and at most rate/2";
		if (p->freq_end_hz == p->freq_hz)
			return "siggen: sweep freq_end_hz must differ from freq_hz";
		if (*length == 0)
			return "siggen: sweep duration_s must be above 0";
		break;
	case SIGGEN_IMPULSE:
		if (!(p->freq_hz >= 0.0 && p->freq_hz <= nyq))
			return "siggen: impulse freq_hz (repetition rate) must be 0..rate/2";
		break;
	case SIGGEN_MULTITONE:
		if (p->n_tones < 1 || p->n_tones > SIGGEN_MAX_TONES)
			return "siggen: n_tones must be 1..16";
		for (uint32_t i = 0; i < p->n_tones; i++)
			if (!(p->tone_hz[i] > 0.0 && p->tone_hz[i] < nyq))
				return "siggen: every tone_hz must be above 0 and below rate/2";
		break;
	case SIGGEN_WHITE:
	case SIGGEN_PINK:
		break;
	}
	return NULL;
}

int siggen_init(struct siggen *g, const struct siggen_params *p, double rate, const char **err)
{
	const char *msg;
	uint64_t length = 0;

	if (!g || !p)
		msg = "siggen: generator and params must not be NULL";
	else
		msg = check_params(p, rate, &length);
	if (msg) {
		if (err)
			*err = msg;
		return -EINVAL;
	}

	memset(g, 0, sizeof *g);
	g->kind = p->kind;
	g->length = length;
	double level = pow(10.0, p->level_dbfs / 20.0);
	g->amp = level;

	switch (p->kind) {
	case SIGGEN_SINE:
		g->n_tones = 1;
		tone_init(&g->u.tone[0], p->freq_hz, rate);
		break;
	case SIGGEN_MULTITONE:
		g->n_tones = p->n_tones;
		g->amp = level / p->n_tones;
		for (uint32_t i = 0; i < p->n_tones; i++)
			tone_init(&g->u.tone[i], p->tone_hz[i], rate);
		break;
	case SIGGEN_SWEEP: {
		/* Farina: f(t) = f1 exp(t / L), L = T / ln(f2 / f1), phase
		 * f1 L (exp(t / L) - 1) cycles; here in frames, b = 1 / (L rate). */
		double ln_ratio = log(p->freq_end_hz / p->freq_hz);
		double b = ln_ratio / (p->duration_s * rate);
		g->u.sweep.a = p->freq_hz / (b * rate);
		g->u.sweep.b = b;
		g->u.sweep.r1 = expm1(b);
		g->u.sweep.p0 = 0.0;
		g->u.sweep.g0 = g->u.sweep.a;
		g->u.sweep.d = 0.0;
		break;
	}
	case SIGGEN_WHITE:
	case SIGGEN_PINK:
		g->u.noise.rng = 0;
		pcg32(&g->u.noise.rng);
		g->u.noise.rng += p->seed;
		pcg32(&g->u.noise.rng);
		if (p->kind == SIGGEN_WHITE) {
			g->amp = level * sqrt(3.0);
		} else {
			g->amp = level / sqrt(pink_energy() / 3.0);
			/* Start from the filter's steady state rather than from
			 * silence: its slowest pole takes ~900 frames to settle. */
			for (int i = 0; i < PINK_WARMUP; i++)
				pink_step(g->u.noise.pink, uniform(&g->u.noise.rng));
		}
		break;
	case SIGGEN_IMPULSE:
		g->u.impulse.period = p->freq_hz > 0.0 ? (uint64_t)llround(rate / p->freq_hz) : 0;
		if (g->u.impulse.period == 0 && g->length == 0)
			g->length = 1;
		break;
	}
	return 0;
}

static void tone_resync(struct siggen_tone *t)
{
	t->phase += t->step * RESYNC;
	t->phase -= floor(t->phase);
	t->z_re = cos(2.0 * M_PI * t->phase);
	t->z_im = sin(2.0 * M_PI * t->phase);
}

/* acc[i] (+)= sin of frame pos + i, for i < n; the first tone stores, the
 * others add.  Frame k reads Im(z w^j), z the phasor of its group,
 * j = k % GROUP, whatever the block boundaries. */
static void tone_run(struct siggen_tone *t, uint64_t pos, double *restrict acc, uint32_t n,
		     bool first)
{
	double zr = t->z_re, zi = t->z_im, wr[GROUP], wi[GROUP];
	const double w8r = t->w8_re, w8i = t->w8_im;
	memcpy(wr, t->w_re, sizeof wr);
	memcpy(wi, t->w_im, sizeof wi);

	for (uint32_t i = 0; i < n;) {
		uint32_t j = (uint32_t)(pos % GROUP), groups = 1;
		if (j == 0 && n - i >= GROUP) {
			groups = (uint32_t)((RESYNC - pos % RESYNC) / GROUP);
			if (groups > (n - i) / GROUP)
				groups = (n - i) / GROUP;
			for (uint32_t gi = 0; gi < groups; gi++, i += GROUP) {
				if (first) {
					for (uint32_t k = 0; k < GROUP; k++)
						acc[i + k] = zi * wr[k] + zr * wi[k];
				} else {
					for (uint32_t k = 0; k < GROUP; k++)
						acc[i + k] += zi * wr[k] + zr * wi[k];
				}
				double re = zr * w8r - zi * w8i;
				zi = zr * w8i + zi * w8r;
				zr = re;
			}
			pos += (uint64_t)groups * GROUP;
		} else {
			uint32_t len = GROUP - j < n - i ? GROUP - j : n - i;
			for (uint32_t k = 0; k < len; k++)
				acc[i + k] = (first ? 0.0 : acc[i + k]) + zi * wr[j + k] + zr * wi[j + k];
			i += len;
			pos += len;
			if (pos % GROUP != 0)
				break;
			double re = zr * w8r - zi * w8i;
			zi = zr * w8i + zi * w8r;
			zr = re;
		}
		if (pos % RESYNC == 0) {
			tone_resync(t);
			zr = t->z_re;
			zi = t->z_im;
		}
	}
	t->z_re = zr;
	t->z_im = zi;
}

static void gen_tones(struct siggen *g, float *restrict out, uint32_t n)
{
	double acc[CHUNK];
	uint64_t pos = g->pos;

	for (uint32_t done = 0; done < n;) {
		uint32_t len = n - done < CHUNK ? n - done : CHUNK;
		for (uint32_t t = 0; t < g->n_tones; t++)
			tone_run(&g->u.tone[t], pos, acc, len, t == 0);
		for (uint32_t i = 0; i < len; i++)
			out[done + i] = (float)(g->amp * acc[i]);
		done += len;
		pos += len;
	}
}

/*
 * sin(2 pi p) for p in cycles, to 6e-12: reduce to [-1/4, 1/4] cycle and
 * evaluate the Taylor series to the 15th power.  libm's sin() costs 13 ns a
 * frame; this loop vectorises and costs 2-4 ns.
 */
static inline double sin_cycles(double p)
{
	const double round_magic = 0x1.8p52;
	double y = p - ((p + round_magic) - round_magic);
	double a = fabs(y), b = 0.5 - a;
	a = b < a ? b : a;
	double x = 2.0 * M_PI * copysign(a, y), x2 = x * x;
	return x * (1.0 + x2 * (-1.0 / 6 + x2 * (1.0 / 120 + x2 * (-1.0 / 5040
		+ x2 * (1.0 / 362880 + x2 * (-1.0 / 39916800 + x2 * (1.0 / 6227020800.0
		+ x2 * (-1.0 / 1307674368000.0))))))));
}

/*
 * The phase a (exp(b k) - 1) grows to ~1e5 cycles, so it is split into the
 * phase p0 at the last resync frame k0 plus g0 (exp(b j) - 1), g0 =
 * a exp(b k0), j = k - k0.  d = exp(b j) - 1 follows d' = d (1 + r1) + r1,
 * whose rounding error stays near b j^2 eps, below 1e-12 cycles.
 */
static void gen_sweep(struct siggen *g, float *restrict out, uint32_t n)
{
	double ph[CHUNK];
	uint64_t pos = g->pos;
	double p0 = g->u.sweep.p0, g0 = g->u.sweep.g0, d = g->u.sweep.d;
	const double r1 = g->u.sweep.r1, r = 1.0 + r1;

	for (uint32_t done = 0; done < n;) {
		uint32_t len = n - done < CHUNK ? n - done : CHUNK;
		for (uint32_t i = 0; i < len; i++) {
			ph[i] = p0 + g0 * d;
			d = d * r + r1;
			if (++pos % SWEEP_RESYNC == 0) {
				double bk = g->u.sweep.b * (double)pos;
				p0 = g->u.sweep.a * expm1(bk);
				p0 -= floor(p0);
				g0 = g->u.sweep.a * exp(bk);
				d = 0.0;
			}
		}
		for (uint32_t i = 0; i < len; i++)
			out[done + i] = (float)(g->amp * sin_cycles(ph[i]));
		done += len;
	}
	g->u.sweep.p0 = p0;
	g->u.sweep.g0 = g0;
	g->u.sweep.d = d;
}

/* Clamps to +-1 without branches: loud noise clips on every few samples, and
 * gcc compiles the plain comparisons into branches that then mispredict
 * (1.5 us more per 512 frames).  Inside +-1 the result is x to 2e-16. */
static inline float clip(double x)
{
	return (float)(0.5 * (fabs(x + 1.0) - fabs(x - 1.0)));
}

static void gen_white(struct siggen *g, float *restrict out, uint32_t n)
{
	uint64_t rng = g->u.noise.rng;
	for (uint32_t i = 0; i < n; i++)
		out[i] = clip(g->amp * uniform(&rng));
	g->u.noise.rng = rng;
}

/* The filter runs on unit-level noise and is scaled after, so its state is
 * never near the denormal range and needs no scrubbing. */
static void gen_pink(struct siggen *g, float *restrict out, uint32_t n)
{
	uint64_t rng = g->u.noise.rng;
	double s[7];
	memcpy(s, g->u.noise.pink, sizeof s);
	for (uint32_t i = 0; i < n; i++)
		out[i] = clip(g->amp * pink_step(s, uniform(&rng)));
	memcpy(g->u.noise.pink, s, sizeof s);
	g->u.noise.rng = rng;
}

static void gen_impulse(struct siggen *g, float *restrict out, uint32_t n)
{
	uint64_t period = g->u.impulse.period;
	memset(out, 0, n * sizeof out[0]);
	if (period == 0) {
		if (g->pos == 0 && n > 0)
			out[0] = (float)g->amp;
		return;
	}
	uint64_t first = (g->pos + period - 1) / period * period;
	for (uint64_t k = first - g->pos; k < n; k += period)
		out[k] = (float)g->amp;
}

uint32_t siggen_process(struct siggen *g, float *restrict out, uint32_t n_frames)
{
	uint32_t n = n_frames;
	if (g->length) {
		uint64_t left = g->length > g->pos ? g->length - g->pos : 0;
		if (n > left)
			n = (uint32_t)left;
	}

	switch (g->kind) {
	case SIGGEN_SINE:
	case SIGGEN_MULTITONE:
		gen_tones(g, out, n);
		break;
	case SIGGEN_SWEEP:
		gen_sweep(g, out, n);
		break;
	case SIGGEN_WHITE:
		gen_white(g, out, n);
		break;
	case SIGGEN_PINK:
		gen_pink(g, out, n);
		break;
	case SIGGEN_IMPULSE:
		gen_impulse(g, out, n);
		break;
	}
	g->pos += n;
	if (n < n_frames)
		memset(out + n, 0, (n_frames - n) * sizeof out[0]);
	return n;
}

bool siggen_done(const struct siggen *g)
{
	return g->length != 0 && g->pos >= g->length;
}
