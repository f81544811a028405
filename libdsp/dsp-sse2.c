/*
 * dsp-sse2.c - SSE2 kernels, the x86-64 baseline (no extra compiler flags).
 *
 * The biquad cascade is the pipeline of dsp-avx2.c with two double lanes and
 * no FMA: with two channels a register holds one section of both channels
 * and takes its input straight from the previous register's output of the
 * previous step (no shuffle at all); one channel puts two sections in a
 * register (one shufpd per register and step).  Section p lags p frames, so
 * a call fills and drains the pipeline with lanes outside their frame range
 * masked; missing sections are padded with the identity.  The reductions
 * keep the reference's eight float lanes (two registers) and its order of
 * additions, so they are bit-exact with dsp-c.c.
 */
#include "config.h"

#include <emmintrin.h>
#include <math.h>
#include <stdbool.h>
#include <string.h>

#include "libdsp/dsp-kernels.h"

#define ALWAYS_INLINE inline __attribute__((always_inline))
#define MAX_REGS 16		/* 16 sections: one per register for a channel pair */

struct lane_coefs {
	__m128d b0, b1, b2, a1, a2;
};

/* Lane l of register j holds pipeline position pos(j, l) of channel
 * ch0 + chan(l): pairs = 2 channels, 1 position per register; else one
 * channel, 2 positions. */
static ALWAYS_INLINE uint32_t lane_pos(uint32_t j, uint32_t l, bool pair)
{
	return pair ? j : 2 * j + l;
}

static ALWAYS_INLINE uint32_t lane_chan(uint32_t l, bool pair)
{
	return pair ? l : 0;
}

/* Input of every register for the next step, from the outputs y of this
 * one and the new sample x (pair: both lanes; single: in lane 1). */
static ALWAYS_INLINE DSP_RT void shift_in(__m128d *restrict in, const __m128d *restrict y,
					  __m128d x, const uint32_t R, bool pair)
{
#pragma GCC unroll 16
	for (uint32_t j = 0; j < R; j++) {
		__m128d prev = j ? y[j - 1] : x;

		in[j] = pair ? prev : _mm_shuffle_pd(prev, y[j], 1);
	}
}

static ALWAYS_INLINE __m128d blend(__m128d a, __m128d b, __m128d m)
{
	return _mm_or_pd(_mm_andnot_pd(m, a), _mm_and_pd(m, b));
}

/*
 * One step of every register.  masked: only lanes whose frame s - pos lies
 * in [0, n) move their state.  ramp: lanes whose frame is a ramp frame
 * (frame - next a multiple of DSP_RAMP_STEP) move their coefficients first.
 */
static ALWAYS_INLINE DSP_RT void step(struct lane_coefs *restrict k,
				      const struct lane_coefs *restrict dk,
				      __m128d *restrict s1, __m128d *restrict s2,
				      __m128d *restrict y, const __m128d *restrict in,
				      const __m128d *restrict pos, const __m128d *restrict phase,
				      double s, double n, const uint32_t R, bool masked,
				      bool ramp)
{
	__m128d sv = _mm_set1_pd(s), nv = _mm_set1_pd(n);

#pragma GCC unroll 16
	for (uint32_t j = 0; j < R; j++) {
		__m128d m = _mm_setzero_pd();

		if (masked) {
			__m128d f = _mm_sub_pd(sv, pos[j]);

			m = _mm_and_pd(_mm_cmpge_pd(f, _mm_setzero_pd()), _mm_cmplt_pd(f, nv));
		}
		if (ramp) {
			__m128d r = masked ? _mm_and_pd(m, phase[j]) : phase[j];

			k[j].b0 = _mm_add_pd(k[j].b0, _mm_and_pd(dk[j].b0, r));
			k[j].b1 = _mm_add_pd(k[j].b1, _mm_and_pd(dk[j].b1, r));
			k[j].b2 = _mm_add_pd(k[j].b2, _mm_and_pd(dk[j].b2, r));
			k[j].a1 = _mm_add_pd(k[j].a1, _mm_and_pd(dk[j].a1, r));
			k[j].a2 = _mm_add_pd(k[j].a2, _mm_and_pd(dk[j].a2, r));
		}
		/* The reference's expressions and order: y = b0 x + s1,
		 * s1 = b1 x - a1 y + s2, s2 = b2 x - a2 y. */
		__m128d x = in[j];
		__m128d yn = _mm_add_pd(_mm_mul_pd(k[j].b0, x), s1[j]);
		__m128d n1 = _mm_add_pd(_mm_sub_pd(_mm_mul_pd(k[j].b1, x), _mm_mul_pd(k[j].a1, yn)),
					s2[j]);
		__m128d n2 = _mm_sub_pd(_mm_mul_pd(k[j].b2, x), _mm_mul_pd(k[j].a2, yn));

		if (masked) {
			s1[j] = blend(s1[j], n1, m);
			s2[j] = blend(s2[j], n2, m);
		} else {
			s1[j] = n1;
			s2[j] = n2;
		}
		y[j] = yn;
	}
}

static ALWAYS_INLINE DSP_RT __m128d load_x(const float *const *in, uint32_t s, __m128d g,
					   bool pair)
{
	if (pair) {
		__m128 xf = _mm_unpacklo_ps(_mm_load_ss(in[0] + s), _mm_load_ss(in[1] + s));

		return _mm_mul_pd(_mm_cvtps_pd(xf), g);
	}
	return _mm_mul_pd(_mm_set1_pd((double)in[0][s]), g);
}

static ALWAYS_INLINE DSP_RT void store_y(float *const *out, uint32_t f, __m128d y, bool pair)
{
	if (pair) {
		__m128 o = _mm_cvtpd_ps(y);

		_mm_store_ss(out[0] + f, o);
		_mm_store_ss(out[1] + f, _mm_shuffle_ps(o, o, 1));
	} else {
		_mm_store_ss(out[0] + f, _mm_cvtsd_ss(_mm_setzero_ps(), _mm_unpackhi_pd(y, y)));
	}
}

/* Runs the cascade for channels ch0 (and ch0 + 1 when pair) with R registers. */
static ALWAYS_INLINE DSP_RT void cascade_regs(const struct dsp_cascade *c, uint32_t ch0,
					      const uint32_t R, bool pair)
{
	const uint32_t ns = c->n_sections, n = c->n_frames;
	const uint32_t depth = R * (pair ? 1 : 2);
	const float *in[2] = { c->in[ch0], c->in[ch0 + pair] };
	float *out[2] = { c->out[ch0], c->out[ch0 + pair] };
	struct lane_coefs k[MAX_REGS], dk[MAX_REGS];
	__m128d s1[MAX_REGS], s2[MAX_REGS], y[MAX_REGS], x_in[MAX_REGS];
	__m128d pos[MAX_REGS], phase[4][MAX_REGS];
	bool ramp = c->step != NULL;

	if (n == 0)
		return;
	for (uint32_t j = 0; j < R; j++) {
		double v[7][2] __attribute__((aligned(16)));
		double d[5][2] __attribute__((aligned(16)));
		double p[2] __attribute__((aligned(16)));

		for (uint32_t l = 0; l < 2; l++) {
			uint32_t ps = lane_pos(j, l, pair), ch = ch0 + lane_chan(l, pair);
			struct biquad_coefs q = { 1.0, 0.0, 0.0, 0.0, 0.0 }, dq = { 0 };
			double st[2] = { 0.0, 0.0 };

			if (ps < ns) {
				q = c->coef[ps];
				if (ramp)
					dq = c->step[ps];
				st[0] = c->state[(size_t)ch * ns + ps][0];
				st[1] = c->state[(size_t)ch * ns + ps][1];
			}
			v[0][l] = q.b0;
			v[1][l] = q.b1;
			v[2][l] = q.b2;
			v[3][l] = q.a1;
			v[4][l] = q.a2;
			v[5][l] = st[0];
			v[6][l] = st[1];
			d[0][l] = dq.b0;
			d[1][l] = dq.b1;
			d[2][l] = dq.b2;
			d[3][l] = dq.a1;
			d[4][l] = dq.a2;
			p[l] = ps;
		}
		k[j] = (struct lane_coefs){ _mm_load_pd(v[0]), _mm_load_pd(v[1]), _mm_load_pd(v[2]),
					    _mm_load_pd(v[3]), _mm_load_pd(v[4]) };
		dk[j] = (struct lane_coefs){ _mm_load_pd(d[0]), _mm_load_pd(d[1]), _mm_load_pd(d[2]),
					     _mm_load_pd(d[3]), _mm_load_pd(d[4]) };
		s1[j] = _mm_load_pd(v[5]);
		s2[j] = _mm_load_pd(v[6]);
		y[j] = _mm_setzero_pd();
		pos[j] = _mm_load_pd(p);
		/* phase[r]: lanes whose frame s - pos has (frame - next) % 4 == 0
		 * when (s - next) % 4 == r. */
		for (uint32_t r = 0; r < 4; r++) {
			double m[2] __attribute__((aligned(16)));

			for (uint32_t l = 0; l < 2; l++) {
				uint32_t ps = lane_pos(j, l, pair);
				uint64_t bits = ((r - ps) & 3) == 0 ? ~(uint64_t)0 : 0;

				memcpy(&m[l], &bits, sizeof(bits));
			}
			phase[r][j] = _mm_load_pd(m);
		}
	}

	__m128d g = _mm_set1_pd(c->g), dg = _mm_set1_pd(c->dg);
	bool glide = c->dg != 0.0;
	uint32_t next = c->next, last = n + depth - 1;
	__m128d x = _mm_setzero_pd();

	/* Steps s = 0 .. n + depth - 2: frame s enters, frame s - depth + 1 leaves. */
	for (uint32_t s = 0; s < last; s++) {
		bool full = s + 1 >= depth && s < n;
		const __m128d *ph = phase[(s - next) & 3];

		if (s < n) {
			if (glide)
				g = _mm_add_pd(g, dg);
			x = load_x(in, s, g, pair);
		}
		if (full && !ramp) {
			/* The hot loop: every lane busy, no ramp. */
			for (;;) {
				shift_in(x_in, y, x, R, pair);
				step(k, dk, s1, s2, y, x_in, pos, ph, 0, 0, R, false, false);
				store_y(out, s + 1 - depth, y[R - 1], pair);
				if (++s >= n)
					break;
				if (glide)
					g = _mm_add_pd(g, dg);
				x = load_x(in, s, g, pair);
			}
			s--;
			continue;
		}
		shift_in(x_in, y, x, R, pair);
		if (full)
			step(k, dk, s1, s2, y, x_in, pos, ph, s, n, R, false, true);
		else if (ramp)
			step(k, dk, s1, s2, y, x_in, pos, ph, s, n, R, true, true);
		else
			step(k, dk, s1, s2, y, x_in, pos, ph, s, n, R, true, false);
		if (s + 1 >= depth)
			store_y(out, s + 1 - depth, y[R - 1], pair);
	}

	for (uint32_t j = 0; j < R; j++) {
		double v[2][2] __attribute__((aligned(16)));

		_mm_store_pd(v[0], s1[j]);
		_mm_store_pd(v[1], s2[j]);
		for (uint32_t l = 0; l < 2; l++) {
			uint32_t ps = lane_pos(j, l, pair), ch = ch0 + lane_chan(l, pair);

			if (ps < ns) {
				c->state[(size_t)ch * ns + ps][0] = v[0][l];
				c->state[(size_t)ch * ns + ps][1] = v[1][l];
			}
		}
	}
}

#define PAIR_FN(R)									\
	static DSP_RT void cascade_pair_##R(const struct dsp_cascade *c, uint32_t ch0)	\
	{										\
		cascade_regs(c, ch0, R, true);						\
	}
#define SINGLE_FN(R)									\
	static DSP_RT void cascade_single_##R(const struct dsp_cascade *c, uint32_t ch0) \
	{										\
		cascade_regs(c, ch0, R, false);						\
	}
PAIR_FN(1) PAIR_FN(2) PAIR_FN(3) PAIR_FN(4) PAIR_FN(5) PAIR_FN(6) PAIR_FN(7) PAIR_FN(8)
PAIR_FN(9) PAIR_FN(10) PAIR_FN(11) PAIR_FN(12) PAIR_FN(13) PAIR_FN(14) PAIR_FN(15) PAIR_FN(16)
SINGLE_FN(1) SINGLE_FN(2) SINGLE_FN(3) SINGLE_FN(4) SINGLE_FN(5) SINGLE_FN(6) SINGLE_FN(7)
SINGLE_FN(8)

typedef void (*group_fn)(const struct dsp_cascade *c, uint32_t ch0) DSP_RT;

static const group_fn pair_fns[16] = {
	cascade_pair_1, cascade_pair_2, cascade_pair_3, cascade_pair_4,
	cascade_pair_5, cascade_pair_6, cascade_pair_7, cascade_pair_8,
	cascade_pair_9, cascade_pair_10, cascade_pair_11, cascade_pair_12,
	cascade_pair_13, cascade_pair_14, cascade_pair_15, cascade_pair_16,
};
static const group_fn single_fns[8] = {
	cascade_single_1, cascade_single_2, cascade_single_3, cascade_single_4,
	cascade_single_5, cascade_single_6, cascade_single_7, cascade_single_8,
};

void dsp_cascade_sse2(const struct dsp_cascade *c)
{
	uint32_t ns = c->n_sections, ch = 0;

	if (ns == 0 || ns > DSP_MAX_SECTIONS)
		return;
	for (; ch + 2 <= c->n_channels; ch += 2)
		pair_fns[ns - 1](c, ch);
	if (ch < c->n_channels)
		single_fns[(ns + 1) / 2 - 1](c, ch);
}

/* ---------------------------------------------------------------- meters */

struct dsp_scan dsp_scan_sse2(const float *restrict x, uint32_t n)
{
	const __m128 sign = _mm_set1_ps(-0.0f), one = _mm_set1_ps(1.0f);
	__m128 pk0 = _mm_setzero_ps(), pk1 = pk0, e0 = pk0, e1 = pk0;
	__m128i cl0 = _mm_setzero_si128(), cl1 = cl0;
	uint32_t i = 0;

	for (; i + 8 <= n; i += 8) {
		__m128 v0 = _mm_loadu_ps(x + i), v1 = _mm_loadu_ps(x + i + 4);
		__m128 a0 = _mm_andnot_ps(sign, v0), a1 = _mm_andnot_ps(sign, v1);

		pk0 = _mm_max_ps(a0, pk0);	/* a > pk ? a : pk, as the reference */
		pk1 = _mm_max_ps(a1, pk1);
		cl0 = _mm_sub_epi32(cl0, _mm_castps_si128(_mm_cmpnlt_ps(a0, one)));
		cl1 = _mm_sub_epi32(cl1, _mm_castps_si128(_mm_cmpnlt_ps(a1, one)));
		e0 = _mm_add_ps(e0, _mm_mul_ps(v0, v0));
		e1 = _mm_add_ps(e1, _mm_mul_ps(v1, v1));
	}
	float pks[8] __attribute__((aligned(16))), es[8] __attribute__((aligned(16)));
	uint32_t cls[8] __attribute__((aligned(16)));
	_mm_store_ps(pks, pk0);
	_mm_store_ps(pks + 4, pk1);
	_mm_store_ps(es, e0);
	_mm_store_ps(es + 4, e1);
	_mm_store_si128((__m128i *)cls, cl0);
	_mm_store_si128((__m128i *)(cls + 4), cl1);

	return dsp_scan_finish(x, i, n, pks, cls, es);
}

/* -------------------------------------------------------------- spectrum */

void dsp_mul_sse2(float *restrict out, const float *restrict x, const float *restrict w,
		  uint32_t n)
{
	uint32_t i = 0;

	for (; i + 4 <= n; i += 4)
		_mm_storeu_ps(out + i, _mm_mul_ps(_mm_loadu_ps(x + i), _mm_loadu_ps(w + i)));
	for (; i < n; i++)
		out[i] = x[i] * w[i];
}

void dsp_power_sse2(float *restrict p, const float *restrict X, uint32_t n)
{
	uint32_t k = 0;

	for (; k + 4 <= n; k += 4) {
		__m128 a = _mm_loadu_ps(X + 2 * k), b = _mm_loadu_ps(X + 2 * k + 4);
		__m128 re = _mm_shuffle_ps(a, b, _MM_SHUFFLE(2, 0, 2, 0));
		__m128 im = _mm_shuffle_ps(a, b, _MM_SHUFFLE(3, 1, 3, 1));

		_mm_storeu_ps(p + k, _mm_add_ps(_mm_mul_ps(re, re), _mm_mul_ps(im, im)));
	}
	for (; k < n; k++)
		p[k] = X[2 * k] * X[2 * k] + X[2 * k + 1] * X[2 * k + 1];
}

float dsp_sum_sse2(const float *restrict p, uint32_t n)
{
	__m128 acc0 = _mm_setzero_ps(), acc1 = acc0;
	uint32_t i = 0;

	for (; i + 8 <= n; i += 8) {
		acc0 = _mm_add_ps(acc0, _mm_loadu_ps(p + i));
		acc1 = _mm_add_ps(acc1, _mm_loadu_ps(p + i + 4));
	}
	float sum = 0.0f;
	for (; i < n; i++)
		sum += p[i];
	if (n < 8)
		return sum;	/* the lanes hold +0, and sum + 0 == sum: sum is never -0 */
	float a[8] __attribute__((aligned(16)));
	_mm_store_ps(a, acc0);
	_mm_store_ps(a + 4, acc1);
	for (uint32_t j = 0; j < 8; j++)
		sum += a[j];
	return sum;
}

static inline __m128d pick(__m128d m, __m128d a, __m128d b)	/* m ? a : b */
{
	return _mm_or_pd(_mm_and_pd(m, a), _mm_andnot_pd(m, b));
}

/* 10 log10 p as in dsp-avx2.c: p = 2^e m, m in [sqrt 1/2, sqrt 2), the
 * series of 2 atanh((m - 1) / (m + 1)) to t^11. */
static inline DSP_RT __m128d ten_log10(__m128d p)
{
	const __m128i mant = _mm_set1_epi64x(0x000fffffffffffffLL);
	const __m128i one_bits = _mm_set1_epi64x(0x3ff0000000000000LL);
	const __m128i magic = _mm_set1_epi64x(0x4330000000000000LL);
	__m128i bits = _mm_castpd_si128(p);
	__m128d m = _mm_castsi128_pd(_mm_or_si128(_mm_and_si128(bits, mant), one_bits));
	__m128d e = _mm_sub_pd(_mm_castsi128_pd(_mm_or_si128(_mm_srli_epi64(bits, 52), magic)),
			       _mm_set1_pd(4503599627370496.0 + 1023.0));
	__m128d big = _mm_cmpgt_pd(m, _mm_set1_pd(1.4142135623730951));
	m = pick(big, _mm_mul_pd(m, _mm_set1_pd(0.5)), m);
	e = _mm_add_pd(e, _mm_and_pd(big, _mm_set1_pd(1.0)));
	__m128d t = _mm_div_pd(_mm_sub_pd(m, _mm_set1_pd(1.0)), _mm_add_pd(m, _mm_set1_pd(1.0)));
	__m128d t2 = _mm_mul_pd(t, t);
	__m128d r = _mm_set1_pd(1.0 / 11.0);
	r = _mm_add_pd(_mm_mul_pd(r, t2), _mm_set1_pd(1.0 / 9.0));
	r = _mm_add_pd(_mm_mul_pd(r, t2), _mm_set1_pd(1.0 / 7.0));
	r = _mm_add_pd(_mm_mul_pd(r, t2), _mm_set1_pd(1.0 / 5.0));
	r = _mm_add_pd(_mm_mul_pd(r, t2), _mm_set1_pd(1.0 / 3.0));
	r = _mm_add_pd(_mm_mul_pd(r, t2), _mm_set1_pd(1.0));
	__m128d ln = _mm_add_pd(_mm_mul_pd(e, _mm_set1_pd(0.69314718055994531)),
				_mm_mul_pd(_mm_add_pd(t, t), r));
	return _mm_mul_pd(ln, _mm_set1_pd(4.3429448190325182)); /* 10 / ln 10 */
}

void dsp_db_sse2(float *restrict out, const double *restrict p, uint32_t n)
{
	const __m128d lo = _mm_set1_pd(1e-15), hi = _mm_set1_pd(1e15);
	uint32_t i = 0;

	for (; i + 2 <= n; i += 2) {
		__m128d x = _mm_loadu_pd(p + i);
		__m128d floor = _mm_cmpngt_pd(x, lo);	/* NaN too */
		__m128d ceil = _mm_cmpnlt_pd(x, hi);
		__m128d db = ten_log10(pick(_mm_or_pd(floor, ceil), _mm_set1_pd(1.0), x));

		db = pick(ceil, _mm_set1_pd(DSP_DB_CEIL), db);
		db = pick(floor, _mm_set1_pd(DSP_DB_FLOOR), db);
		__m128 f = _mm_cvtpd_ps(db);

		out[i] = _mm_cvtss_f32(f);
		out[i + 1] = _mm_cvtss_f32(_mm_shuffle_ps(f, f, 1));
	}
	if (i < n)
		dsp_db_c(out + i, p + i, n - i);
}

void dsp_mix_sse2(float *restrict h, const float *const *in, uint32_t off, uint32_t n_channels,
		  uint32_t n, float scale)
{
	const __m128 sc = _mm_set1_ps(scale);
	uint32_t i = 0;

	for (; i + 4 <= n; i += 4) {
		__m128 acc = _mm_loadu_ps(in[0] + off + i);

		for (uint32_t c = 1; c < n_channels; c++)
			acc = _mm_add_ps(acc, _mm_loadu_ps(in[c] + off + i));
		_mm_storeu_ps(h + i, _mm_mul_ps(acc, sc));
	}
	if (i < n)
		dsp_mix_c(h + i, in, off + i, n_channels, n - i, scale);
}
