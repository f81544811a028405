/*
 * dsp-c.c - the scalar reference of every kernel in dsp-kernels.h.  The
 * faster variants are tested against these, so these stay plain.
 */
#include "config.h"

#include <math.h>
#include <stdbool.h>
#include <string.h>

#include "libdsp/dsp-kernels.h"

/* Frames per pass of the section kernels (a double buffer on the stack). */
#define CHUNK 128

/*
 * GCC's -O2 vectoriser takes loops of a fixed trip count but leaves loops of
 * unknown length scalar, so the reductions run in blocks of LANES with a
 * fixed inner loop and a scalar tail.  The SIMD variants keep this lane
 * layout, which is what makes them bit-exact.
 */
#define LANES 8
_Static_assert(LANES == 8, "dsp_scan_finish folds 8 lanes");

/* One section with its state, held in locals by the kernels. */
struct sec {
	double b0, b1, b2, a1, a2, s1, s2;
};

static inline DSP_RT void sec_run(struct sec *q, double *x)
{
	double y = q->b0 * *x + q->s1;

	q->s1 = q->b1 * *x - q->a1 * y + q->s2;
	q->s2 = q->b2 * *x - q->a2 * y;
	*x = y;
}

static inline DSP_RT void sec_ramp(struct sec *q, const struct biquad_coefs *d)
{
	q->b0 += d->b0;
	q->b1 += d->b1;
	q->b2 += d->b2;
	q->a1 += d->a1;
	q->a2 += d->a2;
}

/*
 * Passes of up to four sections over a buffer.  A pass is bound by the
 * latency of one section's recursion (about 9 cycles a sample) until four
 * sections fill the FPU, so n sections take ceil(n / 4) passes.  The
 * sections live in locals, so the compiler keeps their coefficients and
 * state in registers for the whole pass.  Of the layouts measured (stereo,
 * 8 bands, 512 frames, gcc 12 -O2) this took 8.3 us, one sample loop over
 * all sections 11.5 us, one section at a time over the block 13.5 us.
 */
static inline DSP_RT void pass4(double *restrict buf, uint32_t n, struct sec *a,
				struct sec *b, struct sec *c, struct sec *d)
{
	for (uint32_t i = 0; i < n; i++) {
		double x = buf[i];

		sec_run(a, &x);
		sec_run(b, &x);
		sec_run(c, &x);
		sec_run(d, &x);
		buf[i] = x;
	}
}

static inline DSP_RT void pass3(double *restrict buf, uint32_t n, struct sec *a,
				struct sec *b, struct sec *c)
{
	for (uint32_t i = 0; i < n; i++) {
		double x = buf[i];

		sec_run(a, &x);
		sec_run(b, &x);
		sec_run(c, &x);
		buf[i] = x;
	}
}

static inline DSP_RT void pass2(double *restrict buf, uint32_t n, struct sec *a, struct sec *b)
{
	for (uint32_t i = 0; i < n; i++) {
		double x = buf[i];

		sec_run(a, &x);
		sec_run(b, &x);
		buf[i] = x;
	}
}

static inline DSP_RT void pass1(double *restrict buf, uint32_t n, struct sec *a)
{
	for (uint32_t i = 0; i < n; i++) {
		double x = buf[i];

		sec_run(a, &x);
		buf[i] = x;
	}
}

/*
 * Runs ns (1 .. 4) sections q over buf.  With dq (a ramp), the coefficients
 * move by dq at frame `next` and every DSP_RAMP_STEP frames after.
 */
static DSP_RT void run(double *restrict buf, uint32_t n, struct sec *restrict q, uint32_t ns,
		       const struct biquad_coefs *restrict dq, uint32_t next)
{
	struct sec a = q[0], b = q[ns > 1], c = q[ns > 2 ? 2 : 0], d = q[ns > 3 ? 3 : 0];

	for (uint32_t i = 0; i < n;) {
		uint32_t m = n - i;

		if (dq) {
			if (i == next) {
				sec_ramp(&a, &dq[0]);
				sec_ramp(&b, &dq[ns > 1]);
				sec_ramp(&c, &dq[ns > 2 ? 2 : 0]);
				sec_ramp(&d, &dq[ns > 3 ? 3 : 0]);
				next += DSP_RAMP_STEP;
			}
			if (next - i < m)
				m = next - i;
		}
		switch (ns) {
		case 4:
			pass4(buf + i, m, &a, &b, &c, &d);
			break;
		case 3:
			pass3(buf + i, m, &a, &b, &c);
			break;
		case 2:
			pass2(buf + i, m, &a, &b);
			break;
		default:
			pass1(buf + i, m, &a);
			break;
		}
		i += m;
	}
	q[0] = a;
	if (ns > 1)
		q[1] = b;
	if (ns > 2)
		q[2] = c;
	if (ns > 3)
		q[3] = d;
}

/* One channel, n <= CHUNK frames; *g is the preamp before frame off. */
static DSP_RT void run_chunk(const struct dsp_cascade *c, uint32_t ch, uint32_t off,
			     uint32_t n, double *gp, struct sec *restrict q)
{
	double g = *gp;
	const float *in = c->in[ch] + off;
	float *out = c->out[ch] + off;
	double buf[CHUNK];
	uint32_t ns = c->n_sections;

	if (c->dg == 0.0) {
		for (uint32_t i = 0; i < n; i++)
			buf[i] = in[i] * g;
	} else {
		for (uint32_t i = 0; i < n; i++) {
			g += c->dg;
			buf[i] = in[i] * g;
		}
	}
	*gp = g;
	for (uint32_t k = 0; k < ns; k += 4)
		run(buf, n, q + k, ns - k < 4 ? ns - k : 4, c->step ? c->step + k : NULL,
		    c->next);
	for (uint32_t i = 0; i < n; i++)
		out[i] = (float)buf[i];
}

void dsp_cascade_c(const struct dsp_cascade *c)
{
	uint32_t ns = c->n_sections;

	for (uint32_t ch = 0; ch < c->n_channels; ch++) {
		double (*st)[2] = c->state + (size_t)ch * ns;
		struct sec q[DSP_MAX_SECTIONS];
		double g = c->g;

		for (uint32_t j = 0; j < ns; j++) {
			const struct biquad_coefs *k = &c->coef[j];

			q[j] = (struct sec){ k->b0, k->b1, k->b2, k->a1, k->a2, st[j][0], st[j][1] };
		}
		/* A ramp is cut into pieces of cascade_max_frames by the caller. */
		for (uint32_t off = 0; off < c->n_frames; off += CHUNK) {
			uint32_t n = c->n_frames - off < CHUNK ? c->n_frames - off : CHUNK;

			run_chunk(c, ch, off, n, &g, q);
		}
		for (uint32_t j = 0; j < ns; j++) {
			st[j][0] = q[j].s1;
			st[j][1] = q[j].s2;
		}
	}
}

/*
 * LANES independent accumulators: no loop-carried latency per frame.  The
 * fixed-length loop in its own function with restrict parameters is the
 * shape GCC's -O2 vectoriser accepts.
 */
static inline DSP_RT void scan_lanes(const float *restrict x, float *restrict pk,
				     float *restrict e, uint32_t *restrict cl)
{
	for (uint32_t j = 0; j < LANES; j++) {
		float v = x[j], a = fabsf(v);
		pk[j] = a > pk[j] ? a : pk[j];
		cl[j] += !(a < 1.0f);
		e[j] += v * v;
	}
}

struct dsp_scan dsp_scan_c(const float *restrict x, uint32_t n)
{
	float pk[LANES] = { 0 }, e[LANES] = { 0 };
	uint32_t cl[LANES] = { 0 };
	uint32_t i = 0;
	for (; i + LANES <= n; i += LANES)
		scan_lanes(x + i, pk, e, cl);
	return dsp_scan_finish(x, i, n, pk, cl, e);
}

void dsp_mul_c(float *restrict out, const float *restrict x, const float *restrict w, uint32_t n)
{
	for (uint32_t i = 0; i < n; i++)
		out[i] = x[i] * w[i];
}

void dsp_power_c(float *restrict p, const float *restrict X, uint32_t n)
{
	for (uint32_t k = 0; k < n; k++)
		p[k] = X[2 * k] * X[2 * k] + X[2 * k + 1] * X[2 * k + 1];
}

static inline DSP_RT void add_lanes(float *restrict acc, const float *restrict p)
{
	for (uint32_t j = 0; j < LANES; j++)
		acc[j] += p[j];
}

float dsp_sum_c(const float *restrict p, uint32_t n)
{
	float acc[LANES] = { 0 };
	uint32_t i = 0;
	for (; i + LANES <= n; i += LANES)
		add_lanes(acc, p + i);
	float sum = 0.0f;
	for (; i < n; i++)
		sum += p[i];
	for (uint32_t j = 0; j < LANES; j++)
		sum += acc[j];
	return sum;
}

void dsp_db_c(float *restrict out, const double *restrict p, uint32_t n)
{
	for (uint32_t i = 0; i < n; i++) {
		if (!(p[i] > 1e-15))
			out[i] = (float)DSP_DB_FLOOR;
		else if (!(p[i] < 1e15))
			out[i] = (float)DSP_DB_CEIL;
		else
			out[i] = (float)(10.0 * log10(p[i]));
	}
}

static inline DSP_RT void mix_lanes(float *restrict h, const float *const *in, uint32_t off,
				    uint32_t n_channels, float scale)
{
	float acc[LANES];
	for (uint32_t j = 0; j < LANES; j++)
		acc[j] = in[0][off + j];
	for (uint32_t c = 1; c < n_channels; c++) {
		const float *restrict y = in[c] + off;
		for (uint32_t j = 0; j < LANES; j++)
			acc[j] += y[j];
	}
	for (uint32_t j = 0; j < LANES; j++)
		h[j] = acc[j] * scale;
}

void dsp_mix_c(float *restrict h, const float *const *in, uint32_t off, uint32_t n_channels,
	       uint32_t n, float scale)
{
	uint32_t i = 0;
	for (; i + LANES <= n; i += LANES)
		mix_lanes(h + i, in, off + i, n_channels, scale);
	for (; i < n; i++) {
		float acc = in[0][off + i];
		for (uint32_t c = 1; c < n_channels; c++)
			acc += in[c][off + i];
		h[i] = acc * scale;
	}
}
