/*
 * dsp-avx2.c - AVX2 + FMA kernels.  This file alone is built with
 * -mavx2 -mfma (and -ffp-contract=off, so that only the FMAs written here
 * are fused and the reductions stay bit-exact with dsp-c.c); nothing here
 * runs unless dsp_kernels_select() saw both flags.
 *
 * The biquad cascade.  A section's recursion is serial in time (7 to 8
 * cycles of add and FMA latency per sample), so four lanes of one section
 * cannot help, and sections in series depend on each other within a sample.
 * The lanes therefore hold different sections at different times: a
 * pipeline.  Section p works on the frame that section p - 1 finished in the
 * previous step, so it lags p frames.  With two channels, R registers of
 * 256 bits hold 2R sections: register j has sections j and j + R of both
 * channels, so register j > 0 takes its input from register j - 1 as it is,
 * and register 0 takes the new frame and the last register's low half (one
 * vperm2f128 per step).  One channel puts sections j, j + R, j + 2R, j + 3R
 * in register j (register 0 shifts by a lane: vperm2f128 plus vshufpd).  A
 * call fills the pipeline for its first steps and drains it for its last,
 * with lanes outside their frame range masked so their state does not move;
 * missing sections are padded with the identity, which passes its input
 * bit-exact.  Frames go in and out four at a time in the steady part.
 *
 * Measured on the 2-core Zen 4 this was written on (stereo, 8 sections, 512
 * frames): about 12 cycles per step against a floor of 8 (16 multiplies on
 * two FMA units, normalised form) - the step is bound by the recursions and
 * the coefficient loads together, since 4 registers of state, their inputs
 * and 16 coefficient vectors do not fit in 16 ymm registers.
 */
#include "config.h"

#include <immintrin.h>
#include <math.h>
#include <stdbool.h>
#include <string.h>

#include "libdsp/dsp-kernels.h"

#define ALWAYS_INLINE inline __attribute__((always_inline))
#define MAX_REGS 8		/* 16 sections, two per register per channel pair */

struct lane_coefs {
	__m256d b0, b1, b2, a1, a2;
};

/* Lane l of register j holds pipeline position (section) pos(j, l) of
 * channel ch0 + chan(l): pairs = 2 channels, sections j and j + R; else one
 * channel, sections j, j + R, j + 2R, j + 3R.  Register j > 0 then takes
 * its input lane for lane from register j - 1, and only register 0 moves
 * data across lanes (from the last register): no register depends on its
 * own previous output through a shuffle. */
static ALWAYS_INLINE uint32_t lane_pos(uint32_t j, uint32_t l, uint32_t R, bool pair)
{
	return pair ? j + R * (l >> 1) : j + R * l;
}

static ALWAYS_INLINE uint32_t lane_chan(uint32_t l, bool pair)
{
	return pair ? (l & 1) : 0;
}

/* Input of every register for the next step, from the outputs y of this
 * one and the new sample x (pair: x in the low half, or the high half with
 * xhi; single: in lane 3). */
static ALWAYS_INLINE DSP_RT void shift_in(__m256d *restrict in, const __m256d *restrict y,
					  __m256d x, const uint32_t R, bool pair, bool xhi)
{
	__m256d last = y[R - 1];

	if (pair && xhi) {
		in[0] = _mm256_permute2f128_pd(x, last, 0x21);	/* x.hi, last.lo */
	} else if (pair) {
		in[0] = _mm256_permute2f128_pd(x, last, 0x20);	/* x.lo, last.lo */
	} else {
		/* x[3], last[0], last[1], last[2] */
		__m256d t = _mm256_permute2f128_pd(x, last, 0x21);

		in[0] = _mm256_shuffle_pd(t, last, 0x5);
	}
#pragma GCC unroll 8
	for (uint32_t j = 1; j < R; j++)
		in[j] = y[j - 1];
}

static ALWAYS_INLINE DSP_RT __m256d mask_and(__m256d a, __m256d m)
{
	return _mm256_and_pd(a, m);
}

/*
 * One step of every register.  masked: only lanes whose frame s - pos lies
 * in [0, n) move their state.  ramp: lanes whose frame is a ramp frame
 * (frame - next a multiple of DSP_RAMP_STEP) move their coefficients first.
 */
static ALWAYS_INLINE DSP_RT void step(struct lane_coefs *restrict k,
				      const struct lane_coefs *restrict dk,
				      __m256d *restrict s1, __m256d *restrict s2,
				      __m256d *restrict y, const __m256d *restrict in,
				      const __m256d *restrict pos, const __m256d *restrict phase,
				      double s, double n, const uint32_t R, bool masked,
				      bool ramp, bool norm)
{
	__m256d sv = _mm256_set1_pd(s), nv = _mm256_set1_pd(n);

#pragma GCC unroll 8
	for (uint32_t j = 0; j < R; j++) {
		__m256d m = _mm256_setzero_pd();

		if (masked) {
			__m256d f = _mm256_sub_pd(sv, pos[j]);

			m = _mm256_and_pd(_mm256_cmp_pd(f, _mm256_setzero_pd(), _CMP_GE_OQ),
					  _mm256_cmp_pd(f, nv, _CMP_LT_OQ));
		}
		if (ramp) {
			__m256d r = masked ? _mm256_and_pd(m, phase[j]) : phase[j];

			k[j].b0 = _mm256_add_pd(k[j].b0, mask_and(dk[j].b0, r));
			k[j].b1 = _mm256_add_pd(k[j].b1, mask_and(dk[j].b1, r));
			k[j].b2 = _mm256_add_pd(k[j].b2, mask_and(dk[j].b2, r));
			k[j].a1 = _mm256_add_pd(k[j].a1, mask_and(dk[j].a1, r));
			k[j].a2 = _mm256_add_pd(k[j].a2, mask_and(dk[j].a2, r));
		}
		__m256d x = in[j];
		/* Normalised (b0 = 1, see cascade_regs): y = x + s1 is an add. */
		__m256d yn = norm ? _mm256_add_pd(x, s1[j]) : _mm256_fmadd_pd(k[j].b0, x, s1[j]);
		__m256d n1 = _mm256_fnmadd_pd(k[j].a1, yn, _mm256_fmadd_pd(k[j].b1, x, s2[j]));
		__m256d n2 = _mm256_fnmadd_pd(k[j].a2, yn, _mm256_mul_pd(k[j].b2, x));

		if (masked) {
			s1[j] = _mm256_blendv_pd(s1[j], n1, m);
			s2[j] = _mm256_blendv_pd(s2[j], n2, m);
		} else {
			s1[j] = n1;
			s2[j] = n2;
		}
		y[j] = yn;
	}
}

static ALWAYS_INLINE DSP_RT __m256d load_x(const float *const *in, uint32_t s, __m256d g,
					   bool pair)
{
	if (pair) {
		__m128 xf = _mm_unpacklo_ps(_mm_load_ss(in[0] + s), _mm_load_ss(in[1] + s));

		return _mm256_mul_pd(_mm256_castpd128_pd256(_mm_cvtps_pd(xf)), g);
	}
	return _mm256_mul_pd(_mm256_set1_pd((double)in[0][s]), g);
}

static ALWAYS_INLINE DSP_RT void store_y(float *const *out, uint32_t f, __m256d y, bool pair)
{
	__m128d hi = _mm256_extractf128_pd(y, 1);

	if (pair) {
		__m128 o = _mm_cvtpd_ps(hi);

		_mm_store_ss(out[0] + f, o);
		_mm_store_ss(out[1] + f, _mm_movehdup_ps(o));
	} else {
		_mm_store_ss(out[0] + f, _mm_cvtsd_ss(_mm_setzero_ps(), _mm_unpackhi_pd(hi, hi)));
	}
}

/*
 * Four steps s .. s + 3, every lane busy, no ramp, a steady preamp g: the
 * hot loop.  Frames s .. s + 3 come in with two loads per channel and frames
 * s - depth + 1 .. s - depth + 4 go out with one store per channel, which
 * halves the instructions per step that are not arithmetic.
 */
static ALWAYS_INLINE DSP_RT void quad(const float *const *in, float *const *out, uint32_t s,
				      uint32_t depth, __m256d g, struct lane_coefs *restrict k,
				      __m256d *restrict s1, __m256d *restrict s2,
				      __m256d *restrict y, const uint32_t R, bool pair, bool norm)
{
	__m256d x_in[MAX_REGS], o[4], xa, xb = _mm256_setzero_pd();

	if (pair) {
		__m128 a = _mm_loadu_ps(in[0] + s), b = _mm_loadu_ps(in[1] + s);

		xa = _mm256_mul_pd(_mm256_cvtps_pd(_mm_unpacklo_ps(a, b)), g); /* s, s + 1 */
		xb = _mm256_mul_pd(_mm256_cvtps_pd(_mm_unpackhi_ps(a, b)), g); /* s + 2, s + 3 */
	} else {
		xa = _mm256_mul_pd(_mm256_cvtps_pd(_mm_loadu_ps(in[0] + s)), g);
	}
#pragma GCC unroll 4
	for (uint32_t q = 0; q < 4; q++) {
		__m256d x;

		if (pair)
			x = q < 2 ? xa : xb;
		else if (q == 0)
			x = _mm256_permute4x64_pd(xa, 0x00);
		else if (q == 1)
			x = _mm256_permute4x64_pd(xa, 0x40);
		else if (q == 2)
			x = _mm256_permute4x64_pd(xa, 0x80);
		else
			x = xa;
		shift_in(x_in, y, x, R, pair, pair && (q & 1));
		step(k, NULL, s1, s2, y, x_in, NULL, NULL, 0, 0, R, false, false, norm);
		o[q] = y[R - 1];
	}
	uint32_t f = s + 1 - depth;
	if (pair) {
		__m128 c0 = _mm256_cvtpd_ps(_mm256_permute2f128_pd(o[0], o[1], 0x31));
		__m128 c1 = _mm256_cvtpd_ps(_mm256_permute2f128_pd(o[2], o[3], 0x31));

		_mm_storeu_ps(out[0] + f, _mm_shuffle_ps(c0, c1, _MM_SHUFFLE(2, 0, 2, 0)));
		_mm_storeu_ps(out[1] + f, _mm_shuffle_ps(c0, c1, _MM_SHUFFLE(3, 1, 3, 1)));
	} else {
		__m256d u01 = _mm256_unpackhi_pd(o[0], o[1]), u23 = _mm256_unpackhi_pd(o[2], o[3]);

		_mm_storeu_ps(out[0] + f, _mm256_cvtpd_ps(_mm256_permute2f128_pd(u01, u23, 0x31)));
	}
}

/* Runs the cascade for channels ch0 (and ch0 + 1 when pair) with R registers. */
/*
 * Normalised form (norm, steady state only): section p runs with b0 = 1,
 * numerator b1/b0, b2/b0, its input and state scaled by K_p (input) and
 * K_p+1 (state), K_p = b0_p ... b0_last; the first input is scaled by K_0
 * along with the preamp and the last section's output needs no scaling.
 * y = x + s1 is then an add, which leaves 4 multiplies per section on the
 * two FMA units instead of 5, and the recursion one add shorter.  The state
 * is converted on the way in and out, so the caller sees the reference's.
 */
static ALWAYS_INLINE DSP_RT void cascade_regs(const struct dsp_cascade *c, uint32_t ch0,
					      const uint32_t R, bool pair, bool norm)
{
	const uint32_t ns = c->n_sections, n = c->n_frames;
	const uint32_t depth = R * (pair ? 2 : 4);
	const float *in[2] = { c->in[ch0], c->in[ch0 + pair] };
	float *out[2] = { c->out[ch0], c->out[ch0 + pair] };
	struct lane_coefs k[MAX_REGS], dk[MAX_REGS];
	__m256d s1[MAX_REGS], s2[MAX_REGS], y[MAX_REGS], x_in[MAX_REGS];
	__m256d pos[MAX_REGS], phase[4][MAX_REGS];
	bool ramp = !norm && c->step != NULL;
	/* kin[p] = b0_p ... b0_{ns-1}: the input scale of position p; the
	 * state scale of p is kin[p + 1]. */
	double kin[4 * MAX_REGS + 1], ikin[4 * MAX_REGS + 1];
	/* Section p's coefficients as the lanes use them (normalised with norm;
	 * the identity past the last section), once per section. */
	struct biquad_coefs qs[4 * MAX_REGS];

	if (n == 0)
		return;
	kin[depth] = 1.0;
	ikin[depth] = 1.0;
	for (uint32_t p = depth; p-- > 0;) {
		qs[p] = (struct biquad_coefs){ 1.0, 0.0, 0.0, 0.0, 0.0 };
		kin[p] = kin[p + 1];
		ikin[p] = ikin[p + 1];
		if (p >= ns)
			continue;
		qs[p] = c->coef[p];
		if (norm) {
			double r = 1.0 / qs[p].b0;

			kin[p] *= qs[p].b0;
			ikin[p] *= r;
			qs[p].b1 *= r;
			qs[p].b2 *= r;
			qs[p].b0 = 1.0;
		}
	}
	for (uint32_t j = 0; j < R; j++) {
		double v[7][4] __attribute__((aligned(32)));
		double d[5][4] __attribute__((aligned(32)));
		double p[4] __attribute__((aligned(32)));

		for (uint32_t l = 0; l < 4; l++) {
			uint32_t ps = lane_pos(j, l, R, pair), ch = ch0 + lane_chan(l, pair);
			struct biquad_coefs q = qs[ps], dq = { 0 };
			double st[2] = { 0.0, 0.0 };

			if (ps < ns) {
				if (ramp)
					dq = c->step[ps];
				st[0] = c->state[(size_t)ch * ns + ps][0] * kin[ps + 1];
				st[1] = c->state[(size_t)ch * ns + ps][1] * kin[ps + 1];
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
		k[j] = (struct lane_coefs){ _mm256_load_pd(v[0]), _mm256_load_pd(v[1]),
					    _mm256_load_pd(v[2]), _mm256_load_pd(v[3]),
					    _mm256_load_pd(v[4]) };
		dk[j] = (struct lane_coefs){ _mm256_load_pd(d[0]), _mm256_load_pd(d[1]),
					     _mm256_load_pd(d[2]), _mm256_load_pd(d[3]),
					     _mm256_load_pd(d[4]) };
		s1[j] = _mm256_load_pd(v[5]);
		s2[j] = _mm256_load_pd(v[6]);
		y[j] = _mm256_setzero_pd();
		pos[j] = _mm256_load_pd(p);
		/* phase[r]: lanes whose frame s - pos has (frame - next) % 4 == 0
		 * when (s - next) % 4 == r. */
		for (uint32_t r = 0; ramp && r < 4; r++) {
			double m[4] __attribute__((aligned(32)));

			for (uint32_t l = 0; l < 4; l++) {
				uint32_t ps = lane_pos(j, l, R, pair);
				uint64_t bits = ((r - ps) & 3) == 0 ? ~(uint64_t)0 : 0;

				memcpy(&m[l], &bits, sizeof(bits));
			}
			phase[r][j] = _mm256_load_pd(m);
		}
	}

	__m256d g = _mm256_set1_pd(c->g * kin[0]), dg = _mm256_set1_pd(c->dg * kin[0]);
	bool glide = c->dg != 0.0;
	uint32_t next = c->next, last = n + depth - 1;
	__m256d x = _mm256_setzero_pd();

	/* Steps s = 0 .. n + depth - 2: frame s enters, frame s - depth + 1 leaves. */
	for (uint32_t s = 0; s < last; s++) {
		bool full = s + 1 >= depth && s < n;
		const __m256d *ph = phase[(s - next) & 3];

		if (s < n) {
			if (glide)
				g = _mm256_add_pd(g, dg);
			x = load_x(in, s, g, pair);
		}
		if (full && !ramp) {
			/* The hot loop: every lane busy, no ramp. */
			if (!glide) {
				for (; s + 4 <= n; s += 4)
					quad(in, out, s, depth, g, k, s1, s2, y, R, pair, norm);
				if (s >= n) {
					s--;
					continue;
				}
				x = load_x(in, s, g, pair);
			}
			for (;;) {
				shift_in(x_in, y, x, R, pair, false);
				step(k, dk, s1, s2, y, x_in, pos, ph, 0, 0, R, false, false, norm);
				store_y(out, s + 1 - depth, y[R - 1], pair);
				if (++s >= n)
					break;
				if (glide)
					g = _mm256_add_pd(g, dg);
				x = load_x(in, s, g, pair);
			}
			s--;
			continue;
		}
		shift_in(x_in, y, x, R, pair, false);
		if (full)
			step(k, dk, s1, s2, y, x_in, pos, ph, s, n, R, false, true, false);
		else if (ramp)
			step(k, dk, s1, s2, y, x_in, pos, ph, s, n, R, true, true, false);
		else
			step(k, dk, s1, s2, y, x_in, pos, ph, s, n, R, true, false, norm);
		if (s + 1 >= depth)
			store_y(out, s + 1 - depth, y[R - 1], pair);
	}

	for (uint32_t j = 0; j < R; j++) {
		double v[2][4] __attribute__((aligned(32)));

		_mm256_store_pd(v[0], s1[j]);
		_mm256_store_pd(v[1], s2[j]);
		for (uint32_t l = 0; l < 4; l++) {
			uint32_t ps = lane_pos(j, l, R, pair), ch = ch0 + lane_chan(l, pair);

			if (ps < ns) {
				c->state[(size_t)ch * ns + ps][0] = v[0][l] * ikin[ps + 1];
				c->state[(size_t)ch * ns + ps][1] = v[1][l] * ikin[ps + 1];
			}
		}
	}
}

#define GROUP_FNS(R)									\
	static DSP_RT void cascade_pair_##R(const struct dsp_cascade *c, uint32_t ch0)	\
	{										\
		cascade_regs(c, ch0, R, true, false);					\
	}										\
	static DSP_RT void cascade_pair_norm_##R(const struct dsp_cascade *c, uint32_t ch0) \
	{										\
		cascade_regs(c, ch0, R, true, true);					\
	}
#define SINGLE_FNS(R)									\
	static DSP_RT void cascade_single_##R(const struct dsp_cascade *c, uint32_t ch0) \
	{										\
		cascade_regs(c, ch0, R, false, false);					\
	}										\
	static DSP_RT void cascade_single_norm_##R(const struct dsp_cascade *c, uint32_t ch0) \
	{										\
		cascade_regs(c, ch0, R, false, true);					\
	}
GROUP_FNS(1) GROUP_FNS(2) GROUP_FNS(3) GROUP_FNS(4) GROUP_FNS(5) GROUP_FNS(6) GROUP_FNS(7)
GROUP_FNS(8)
SINGLE_FNS(1) SINGLE_FNS(2) SINGLE_FNS(3) SINGLE_FNS(4)

typedef void (*group_fn)(const struct dsp_cascade *c, uint32_t ch0) DSP_RT;

/* [normalised][registers - 1] */
static const group_fn pair_fns[2][MAX_REGS] = {
	{ cascade_pair_1, cascade_pair_2, cascade_pair_3, cascade_pair_4,
	  cascade_pair_5, cascade_pair_6, cascade_pair_7, cascade_pair_8 },
	{ cascade_pair_norm_1, cascade_pair_norm_2, cascade_pair_norm_3, cascade_pair_norm_4,
	  cascade_pair_norm_5, cascade_pair_norm_6, cascade_pair_norm_7, cascade_pair_norm_8 },
};
static const group_fn single_fns[2][4] = {
	{ cascade_single_1, cascade_single_2, cascade_single_3, cascade_single_4 },
	{ cascade_single_norm_1, cascade_single_norm_2, cascade_single_norm_3,
	  cascade_single_norm_4 },
};

/*
 * The normalised form divides by b0 and scales by products of b0: used
 * when no ramp is running and every b0 and their product stay far from
 * zero and overflow (peaking sections and shelves within +-24 dB have b0
 * within 1/252 .. 252; a low-pass far below the rate has b0 near 0).
 */
static DSP_RT bool normalisable(const struct dsp_cascade *c)
{
	double k = 1.0;

	if (c->step != NULL)
		return false;
	for (uint32_t j = 0; j < c->n_sections; j++) {
		double b0 = fabs(c->coef[j].b0);

		if (!(b0 >= 1e-4 && b0 <= 1e4))
			return false;
		k *= b0;
	}
	return k >= 1e-30 && k <= 1e30;
}

void dsp_cascade_avx2(const struct dsp_cascade *c)
{
	uint32_t ns = c->n_sections, ch = 0;
	bool norm;

	if (ns == 0 || ns > DSP_MAX_SECTIONS)
		return;
	norm = normalisable(c);
	for (; ch + 2 <= c->n_channels; ch += 2)
		pair_fns[norm][(ns + 1) / 2 - 1](c, ch);
	if (ch < c->n_channels)
		single_fns[norm][(ns + 3) / 4 - 1](c, ch);
}

/* ---------------------------------------------------------------- meters */

struct dsp_scan dsp_scan_avx2(const float *restrict x, uint32_t n)
{
	const __m256 sign = _mm256_set1_ps(-0.0f), one = _mm256_set1_ps(1.0f);
	__m256 pk = _mm256_setzero_ps(), e = _mm256_setzero_ps();
	__m256i cl = _mm256_setzero_si256();
	uint32_t i = 0;

	for (; i + 8 <= n; i += 8) {
		__m256 v = _mm256_loadu_ps(x + i), a = _mm256_andnot_ps(sign, v);

		pk = _mm256_max_ps(a, pk);	/* a > pk ? a : pk, as the reference */
		cl = _mm256_sub_epi32(cl, _mm256_castps_si256(_mm256_cmp_ps(a, one, _CMP_NLT_UQ)));
		e = _mm256_add_ps(e, _mm256_mul_ps(v, v));
	}
	float pks[8] __attribute__((aligned(32))), es[8] __attribute__((aligned(32)));
	uint32_t cls[8] __attribute__((aligned(32)));
	_mm256_store_ps(pks, pk);
	_mm256_store_ps(es, e);
	_mm256_store_si256((__m256i *)cls, cl);

	return dsp_scan_finish(x, i, n, pks, cls, es);
}

/* -------------------------------------------------------------- spectrum */

void dsp_mul_avx2(float *restrict out, const float *restrict x, const float *restrict w,
		  uint32_t n)
{
	uint32_t i = 0;

	for (; i + 8 <= n; i += 8)
		_mm256_storeu_ps(out + i, _mm256_mul_ps(_mm256_loadu_ps(x + i),
							_mm256_loadu_ps(w + i)));
	for (; i < n; i++)
		out[i] = x[i] * w[i];
}

void dsp_power_avx2(float *restrict p, const float *restrict X, uint32_t n)
{
	uint32_t k = 0;

	for (; k + 8 <= n; k += 8) {
		__m256 a = _mm256_loadu_ps(X + 2 * k), b = _mm256_loadu_ps(X + 2 * k + 8);
		/* re^2 + im^2 in the order p0 p1 p4 p5 | p2 p3 p6 p7 */
		__m256 h = _mm256_hadd_ps(_mm256_mul_ps(a, a), _mm256_mul_ps(b, b));

		_mm256_storeu_ps(p + k, _mm256_castpd_ps(_mm256_permute4x64_pd(
			_mm256_castps_pd(h), _MM_SHUFFLE(3, 1, 2, 0))));
	}
	for (; k < n; k++)
		p[k] = X[2 * k] * X[2 * k] + X[2 * k + 1] * X[2 * k + 1];
}

float dsp_sum_avx2(const float *restrict p, uint32_t n)
{
	__m256 acc = _mm256_setzero_ps();
	uint32_t i = 0;

	for (; i + 8 <= n; i += 8)
		acc = _mm256_add_ps(acc, _mm256_loadu_ps(p + i));
	float sum = 0.0f;
	for (; i < n; i++)
		sum += p[i];
	if (n < 8)
		return sum;	/* the lanes hold +0, and sum + 0 == sum: sum is never -0 */
	float a[8] __attribute__((aligned(32)));
	_mm256_store_ps(a, acc);
	for (uint32_t j = 0; j < 8; j++)
		sum += a[j];
	return sum;
}

/*
 * 10 log10 p: p = 2^e m with m in [sqrt 1/2, sqrt 2), ln m = 2 atanh t,
 * t = (m - 1) / (m + 1), |t| <= 0.172, as its series to t^11 (the first
 * term left out is below 2e-11).  Differs from libm by well under the
 * float rounding of the result.
 */
static inline DSP_RT __m256d ten_log10(__m256d p)
{
	const __m256i mant = _mm256_set1_epi64x(0x000fffffffffffffLL);
	const __m256i one_bits = _mm256_set1_epi64x(0x3ff0000000000000LL);
	const __m256i magic = _mm256_set1_epi64x(0x4330000000000000LL);
	__m256i bits = _mm256_castpd_si256(p);
	__m256d m = _mm256_castsi256_pd(_mm256_or_si256(_mm256_and_si256(bits, mant), one_bits));
	__m256d e = _mm256_sub_pd(_mm256_castsi256_pd(_mm256_or_si256(_mm256_srli_epi64(bits, 52),
									  magic)),
				  _mm256_set1_pd(4503599627370496.0 + 1023.0));
	__m256d big = _mm256_cmp_pd(m, _mm256_set1_pd(1.4142135623730951), _CMP_GT_OQ);
	m = _mm256_blendv_pd(m, _mm256_mul_pd(m, _mm256_set1_pd(0.5)), big);
	e = _mm256_add_pd(e, _mm256_and_pd(big, _mm256_set1_pd(1.0)));
	__m256d t = _mm256_div_pd(_mm256_sub_pd(m, _mm256_set1_pd(1.0)),
				  _mm256_add_pd(m, _mm256_set1_pd(1.0)));
	__m256d t2 = _mm256_mul_pd(t, t);
	__m256d r = _mm256_set1_pd(1.0 / 11.0);
	r = _mm256_add_pd(_mm256_mul_pd(r, t2), _mm256_set1_pd(1.0 / 9.0));
	r = _mm256_add_pd(_mm256_mul_pd(r, t2), _mm256_set1_pd(1.0 / 7.0));
	r = _mm256_add_pd(_mm256_mul_pd(r, t2), _mm256_set1_pd(1.0 / 5.0));
	r = _mm256_add_pd(_mm256_mul_pd(r, t2), _mm256_set1_pd(1.0 / 3.0));
	r = _mm256_add_pd(_mm256_mul_pd(r, t2), _mm256_set1_pd(1.0));
	__m256d ln = _mm256_add_pd(_mm256_mul_pd(e, _mm256_set1_pd(0.69314718055994531)),
				   _mm256_mul_pd(_mm256_add_pd(t, t), r));
	return _mm256_mul_pd(ln, _mm256_set1_pd(4.3429448190325182)); /* 10 / ln 10 */
}

void dsp_db_avx2(float *restrict out, const double *restrict p, uint32_t n)
{
	const __m256d lo = _mm256_set1_pd(1e-15), hi = _mm256_set1_pd(1e15);
	uint32_t i = 0;

	for (; i + 4 <= n; i += 4) {
		__m256d x = _mm256_loadu_pd(p + i);
		__m256d floor = _mm256_cmp_pd(x, lo, _CMP_NGT_UQ);	/* NaN too */
		__m256d ceil = _mm256_cmp_pd(x, hi, _CMP_NLT_UQ);
		__m256d db = ten_log10(_mm256_blendv_pd(x, _mm256_set1_pd(1.0),
							_mm256_or_pd(floor, ceil)));

		db = _mm256_blendv_pd(db, _mm256_set1_pd(DSP_DB_CEIL), ceil);
		db = _mm256_blendv_pd(db, _mm256_set1_pd(DSP_DB_FLOOR), floor);
		_mm_storeu_ps(out + i, _mm256_cvtpd_ps(db));
	}
	if (i < n)
		dsp_db_c(out + i, p + i, n - i);
}

void dsp_mix_avx2(float *restrict h, const float *const *in, uint32_t off, uint32_t n_channels,
		  uint32_t n, float scale)
{
	const __m256 sc = _mm256_set1_ps(scale);
	uint32_t i = 0;

	for (; i + 8 <= n; i += 8) {
		__m256 acc = _mm256_loadu_ps(in[0] + off + i);

		for (uint32_t c = 1; c < n_channels; c++)
			acc = _mm256_add_ps(acc, _mm256_loadu_ps(in[c] + off + i));
		_mm256_storeu_ps(h + i, _mm256_mul_ps(acc, sc));
	}
	if (i < n)
		dsp_mix_c(h + i, in, off + i, n_channels, n - i, scale);
}
