#include "libdsp/analysis.h"

#include <errno.h>
#include <math.h>
#include <stdbool.h>
#include <stdlib.h>

#define MAX_HARMONIC 10
#define MAX_COLS (2 * MAX_HARMONIC + 2)
#define FLOOR_RATIO 1e-30

/* The coarse search and the first refinement see at most this many samples;
 * a longer capture is refined again as a whole, starting from there. */
#define PREFIX_MAX ((size_t)1 << 17)
#define GN_MAX_ITER 30

#define SEG_MIN 64
#define SEG_MAX 32768

static int fail(const char **err, const char *msg, int code)
{
	if (err)
		*err = msg;
	return code;
}

static bool all_finite(const float *x, size_t n)
{
	for (size_t i = 0; i < n; i++)
		if (!isfinite(x[i]))
			return false;
	return true;
}

static bool rate_ok(double rate)
{
	return rate >= 1000.0 && rate <= 768000.0;
}

struct cpx {
	double re, im;
};

/* tw[k] = exp(-2 pi i k / m) for k < m / 2. */
static struct cpx *twiddles(size_t m)
{
	struct cpx *tw = malloc(m / 2 * sizeof *tw);
	if (!tw)
		return NULL;
	for (size_t k = 0; k < m / 2; k++) {
		double a = -2.0 * M_PI * (double)k / (double)m;
		tw[k] = (struct cpx){ cos(a), sin(a) };
	}
	return tw;
}

/* In-place radix-2 forward DFT of m (a power of two) points. */
static void fft(struct cpx *x, size_t m, const struct cpx *tw)
{
	for (size_t i = 1, j = 0; i < m; i++) {
		size_t bit = m >> 1;
		for (; j & bit; bit >>= 1)
			j ^= bit;
		j ^= bit;
		if (i < j) {
			struct cpx t = x[i];
			x[i] = x[j];
			x[j] = t;
		}
	}
	for (size_t len = 2; len <= m; len <<= 1) {
		size_t half = len / 2, stride = m / len;
		for (size_t i = 0; i < m; i += len) {
			for (size_t k = 0; k < half; k++) {
				struct cpx w = tw[k * stride], v = x[i + k + half], u = x[i + k];
				double tr = w.re * v.re - w.im * v.im, ti = w.re * v.im + w.im * v.re;
				x[i + k + half] = (struct cpx){ u.re - tr, u.im - ti };
				x[i + k] = (struct cpx){ u.re + tr, u.im + ti };
			}
		}
	}
}

/*
 * Solves the p x p symmetric system a s = y (a full, row-major; destroyed) by
 * Cholesky.  A column whose pivot falls below 1e-12 of its diagonal depends
 * on the others (a harmonic at rate/2, say): its unknown is set to 0 and the
 * rest is solved without it.
 */
static void solve_sym(double *a, const double *y, double *s, int p)
{
	double z[MAX_COLS];
	bool dropped[MAX_COLS];

	for (int j = 0; j < p; j++) {
		double diag = a[j * p + j], d = diag;
		for (int k = 0; k < j; k++)
			d -= a[j * p + k] * a[j * p + k];
		dropped[j] = !(diag > 0.0) || d <= 1e-12 * diag;
		a[j * p + j] = dropped[j] ? 0.0 : sqrt(d);
		for (int i = j + 1; i < p; i++) {
			double v = a[i * p + j];
			for (int k = 0; k < j; k++)
				v -= a[i * p + k] * a[j * p + k];
			a[i * p + j] = dropped[j] ? 0.0 : v / a[j * p + j];
		}
	}
	for (int j = 0; j < p; j++) {
		double v = y[j];
		for (int k = 0; k < j; k++)
			v -= a[j * p + k] * z[k];
		z[j] = dropped[j] ? 0.0 : v / a[j * p + j];
	}
	for (int j = p - 1; j >= 0; j--) {
		double v = z[j];
		for (int k = j + 1; k < p; k++)
			v -= a[k * p + j] * s[k];
		s[j] = dropped[j] ? 0.0 : v / a[j * p + j];
	}
}

/* Adds the outer product of col (and col * v) to the normal equations. */
static void accumulate(double *a, double *y, const double *col, double v, int p)
{
	for (int i = 0; i < p; i++) {
		y[i] += col[i] * v;
		for (int j = i; j < p; j++)
			a[i * p + j] += col[i] * col[j];
	}
}

static void mirror(double *a, int p)
{
	for (int i = 0; i < p; i++)
		for (int j = 0; j < i; j++)
			a[i * p + j] = a[j * p + i];
}

/* Time is centred on the capture, which keeps the frequency column of the
 * 4-parameter fit uncorrelated with the phase columns. */
static double centred(size_t i, size_t n)
{
	return (double)i - 0.5 * (double)(n - 1);
}

/* Columns of the sine model at sample i: 1, then cos k th and sin k th for
 * k = 1..k_max, th = w t.  The harmonics come from the fundamental by complex
 * multiplication, which costs k eps of accuracy instead of 2 k libm calls. */
static void model_columns(double th, int k_max, double *col)
{
	double c1 = cos(th), s1 = sin(th), ck = c1, sk = s1;
	col[0] = 1.0;
	for (int k = 1; k <= k_max; k++) {
		col[2 * k - 1] = ck;
		col[2 * k] = sk;
		double t = ck * c1 - sk * s1;
		sk = sk * c1 + ck * s1;
		ck = t;
	}
}

/*
 * One least-squares pass over x: s[0] = DC, s[2k-1], s[2k] = cos and sin
 * amplitudes of harmonic k.  With prev (a previous s) it is a Gauss-Newton
 * step instead: one more column, the derivative of prev's model with respect
 * to w, whose coefficient s[2 k_max + 1] is the step in w.
 */
static void fit_pass(const float *x, size_t n, double w, int k_max, const double *prev, double *s)
{
	int p = 2 * k_max + 1 + (prev != NULL);
	double a[MAX_COLS * MAX_COLS] = { 0 }, y[MAX_COLS] = { 0 }, col[MAX_COLS];

	for (size_t i = 0; i < n; i++) {
		double t = centred(i, n);
		model_columns(w * t, k_max, col);
		if (prev) {
			double d = 0.0;
			for (int k = 1; k <= k_max; k++)
				d += k * (prev[2 * k] * col[2 * k - 1] - prev[2 * k - 1] * col[2 * k]);
			col[p - 1] = t * d;
		}
		accumulate(a, y, col, x[i], p);
	}
	mirror(a, p);
	solve_sym(a, y, s, p);
}

/*
 * IEEE 1057 fit with the frequency as a parameter: Gauss-Newton on w and the
 * linear coefficients of DC plus k_max harmonics, from w0.  k_max = 1 is the
 * classic 4-parameter fit; fitting the harmonics too removes the pull they
 * exert on w when the record holds only a few cycles.  Returns the refined
 * w, or w0 when the iteration wanders more than two bins of this record away
 * (too little signal to refine); s gets the coefficients at the returned w.
 */
static double refine(const float *x, size_t n, double w0, int k_max, double *s)
{
	int p = 2 * k_max + 1;
	double prev[MAX_COLS], w = w0, bin = 2.0 * M_PI / (double)n;

	fit_pass(x, n, w, k_max, NULL, prev);
	for (int it = 0; it < GN_MAX_ITER; it++) {
		fit_pass(x, n, w, k_max, prev, s);
		double dw = s[p];
		if (fabs(dw) > 0.25 * bin)
			dw = copysign(0.25 * bin, dw);
		w += dw;
		if (!isfinite(dw) || fabs(w - w0) > 2.0 * bin || !(w > 0.0 && w < M_PI)) {
			w = w0;
			break;
		}
		if (fabs(dw) * (double)n < 1e-10)
			break;
		for (int j = 0; j < p; j++)
			prev[j] = s[j];
	}
	fit_pass(x, n, w, k_max, NULL, s);
	return w;
}

/* Strongest component of a Hann-windowed, zero-padded FFT of x (mean
 * removed), interpolated on the log-power parabola; rad/sample, 0 if x is
 * silent, -1 without memory. */
static double coarse_peak(const float *x, size_t n)
{
	size_t m = 1;
	while (m < n)
		m <<= 1;
	struct cpx *buf = calloc(m, sizeof *buf);
	struct cpx *tw = twiddles(m);
	if (!buf || !tw) {
		free(buf);
		free(tw);
		return -1.0;
	}
	double mean = 0.0;
	for (size_t i = 0; i < n; i++)
		mean += x[i];
	mean /= (double)n;
	for (size_t i = 0; i < n; i++)
		buf[i].re = (x[i] - mean) * (0.5 - 0.5 * cos(2.0 * M_PI * (double)i / (double)n));
	fft(buf, m, tw);

	size_t best = 0;
	double best_p = 0.0;
	for (size_t k = 1; k < m / 2; k++) {
		double p = buf[k].re * buf[k].re + buf[k].im * buf[k].im;
		if (p > best_p) {
			best_p = p;
			best = k;
		}
	}
	double w = 0.0;
	if (best > 0) {
		double lo = hypot(buf[best - 1].re, buf[best - 1].im);
		double hi = hypot(buf[best + 1].re, buf[best + 1].im);
		double frac = 0.0;
		if (lo > 0.0 && hi > 0.0) {
			double l = 2.0 * log(lo), c = log(best_p), h = 2.0 * log(hi);
			double den = l - 2.0 * c + h;
			if (den < 0.0)
				frac = 0.5 * (l - h) / den;
		}
		w = 2.0 * M_PI * ((double)best + frac) / (double)m;
	}
	free(buf);
	free(tw);
	return w;
}

static double ratio_db(double num, double den)
{
	double r = den > 0.0 ? num / den : 1.0 / FLOOR_RATIO;
	if (r < FLOOR_RATIO)
		r = FLOOR_RATIO;
	if (r > 1.0 / FLOOR_RATIO)
		r = 1.0 / FLOOR_RATIO;
	return 10.0 * log10(r);
}

int analysis_thd(const float *x, size_t n, double rate, double fundamental_hz,
		 struct thd_result *r, const char **err)
{
	if (!x || !r)
		return fail(err, "analysis: x and r must not be NULL", -EINVAL);
	if (!rate_ok(rate))
		return fail(err, "analysis: rate must be 1000..768000 Hz", -EINVAL);
	if (n < 64)
		return fail(err, "analysis: n must be at least 64 samples", -EINVAL);
	if (!(fundamental_hz == 0.0 || (fundamental_hz > 0.0 && fundamental_hz < rate / 2.0)))
		return fail(err, "analysis: fundamental_hz must be 0 (find it) or above 0 and below rate/2",
			    -EINVAL);
	if (!all_finite(x, n))
		return fail(err, "analysis: x contains a NaN or infinite sample", -EINVAL);

	size_t prefix = n < PREFIX_MAX ? n : PREFIX_MAX;
	double w0 = 2.0 * M_PI * fundamental_hz / rate;
	if (w0 == 0.0) {
		w0 = coarse_peak(x, prefix);
		if (w0 < 0.0)
			return fail(err, "analysis: out of memory", -ENOMEM);
		if (w0 == 0.0)
			return fail(err, "analysis: x holds no sine (silence)", -ERANGE);
	}
	if (w0 * (double)n < 2.0 * 2.0 * M_PI)
		return fail(err, "analysis: fewer than two cycles of the fundamental in x", -EINVAL);

	double s[MAX_COLS];
	double w = refine(x, prefix, w0, 1, s);
	if (prefix < n)
		w = refine(x, n, w, 1, s);
	int k_max = 0;
	while (k_max < MAX_HARMONIC && (k_max + 1) * w < M_PI)
		k_max++;
	if (k_max > 1)
		w = refine(x, n, w, k_max, s);

	double sum_noise = 0.0, sum_thdn = 0.0, sum_x = 0.0, col[MAX_COLS];
	for (size_t i = 0; i < n; i++) {
		model_columns(w * centred(i, n), k_max, col);
		double rest = x[i] - s[0] - s[1] * col[1] - s[2] * col[2], harm = 0.0;
		for (int j = 3; j <= 2 * k_max; j++)
			harm += s[j] * col[j];
		sum_thdn += rest * rest;
		sum_noise += (rest - harm) * (rest - harm);
		sum_x += (double)x[i] * x[i];
	}
	double p_fund = 0.5 * (s[1] * s[1] + s[2] * s[2]);
	double p_harm = 0.0;
	for (int k = 2; k <= k_max; k++)
		p_harm += 0.5 * (s[2 * k - 1] * s[2 * k - 1] + s[2 * k] * s[2 * k]);
	/* 200 dB under the capture's power is rounding: DC alone, say. */
	if (!(p_fund > 1e-20 * sum_x / (double)n))
		return fail(err, "analysis: x holds no sine (silence)", -ERANGE);
	double p_noise = sum_noise / (double)n, p_thdn = sum_thdn / (double)n;

	r->fundamental_hz = w * rate / (2.0 * M_PI);
	r->fundamental_dbfs = 10.0 * log10(2.0 * p_fund);
	r->thd_db = ratio_db(p_harm, p_fund);
	r->thd_percent = 100.0 * sqrt(pow(10.0, r->thd_db / 10.0));
	r->thdn_db = ratio_db(p_thdn, p_fund);
	r->snr_db = ratio_db(p_fund, p_noise);
	return 0;
}

static size_t segment_length(size_t n)
{
	size_t m = SEG_MIN;
	while (m * 2 <= n / 4 && m * 2 <= SEG_MAX)
		m *= 2;
	return m;
}

int analysis_response(const float *in, const float *out, size_t n, double rate,
		      const double *freqs, size_t n_freqs, double *mag_db, double *phase_rad,
		      const char **err)
{
	if (!in || !out || (n_freqs > 0 && !freqs))
		return fail(err, "analysis: in, out and freqs must not be NULL", -EINVAL);
	if (!rate_ok(rate))
		return fail(err, "analysis: rate must be 1000..768000 Hz", -EINVAL);
	if (n < SEG_MIN)
		return fail(err, "analysis: n must be at least 64 samples", -EINVAL);
	for (size_t i = 0; i < n_freqs; i++)
		if (!(freqs[i] >= 0.0 && freqs[i] <= rate / 2.0))
			return fail(err, "analysis: every freqs[i] must be 0..rate/2", -EINVAL);
	if (!all_finite(in, n) || !all_finite(out, n))
		return fail(err, "analysis: in or out contains a NaN or infinite sample", -EINVAL);

	size_t m = segment_length(n), half = m / 2;
	size_t n_seg = (n - m + half - 1) / half + 1;
	struct cpx *buf = malloc(m * sizeof *buf);
	struct cpx *sxy = calloc(half + 1, sizeof *sxy);
	double *sxx = calloc(half + 1, sizeof *sxx);
	double *win = malloc(m * sizeof *win);
	struct cpx *tw = twiddles(m);
	int ret = 0;
	if (!buf || !sxy || !sxx || !win || !tw) {
		ret = fail(err, "analysis: out of memory", -ENOMEM);
		goto out;
	}
	for (size_t i = 0; i < m; i++)
		win[i] = 0.5 - 0.5 * cos(2.0 * M_PI * (double)i / (double)m);

	/* One complex FFT carries both real signals: in as the real part,
	 * out as the imaginary part, separated by conjugate symmetry. */
	for (size_t sg = 0; sg < n_seg; sg++) {
		size_t start = n_seg > 1 ? sg * (n - m) / (n_seg - 1) : 0;
		for (size_t i = 0; i < m; i++)
			buf[i] = (struct cpx){ win[i] * in[start + i], win[i] * out[start + i] };
		fft(buf, m, tw);
		for (size_t k = 0; k <= half; k++) {
			struct cpx zk = buf[k], zm = buf[(m - k) & (m - 1)];
			/* X = (Z[k] + conj Z[m-k]) / 2, Y = (Z[k] - conj Z[m-k]) / 2i */
			double xr = 0.5 * (zk.re + zm.re), xi = 0.5 * (zk.im - zm.im);
			double yr = 0.5 * (zk.im + zm.im), yi = -0.5 * (zk.re - zm.re);
			sxx[k] += xr * xr + xi * xi;
			sxy[k].re += xr * yr + xi * yi;
			sxy[k].im += xr * yi - xi * yr;
		}
	}

	double top = 0.0;
	for (size_t k = 0; k <= half; k++)
		if (sxx[k] > top)
			top = sxx[k];
	if (!(top > 0.0)) {
		ret = fail(err, "analysis: in is silent", -ERANGE);
		goto out;
	}

	for (size_t i = 0; i < n_freqs; i++) {
		double pos = freqs[i] * (double)m / rate;
		size_t k = (size_t)pos;
		if (k >= half)
			k = half - 1;
		double fr = pos - (double)k;
		double mag = NAN, ph = NAN;
		if (sxx[k] > 1e-20 * top && sxx[k + 1] > 1e-20 * top) {
			struct cpx h0 = { sxy[k].re / sxx[k], sxy[k].im / sxx[k] };
			struct cpx h1 = { sxy[k + 1].re / sxx[k + 1], sxy[k + 1].im / sxx[k + 1] };
			mag = (1.0 - fr) * hypot(h0.re, h0.im) + fr * hypot(h1.re, h1.im);
			/* arg(h1 conj h0): the step from bin k to k+1 along the shorter arc */
			ph = atan2(h0.im, h0.re) + fr * atan2(h1.im * h0.re - h1.re * h0.im,
							       h1.re * h0.re + h1.im * h0.im);
			if (ph > M_PI)
				ph -= 2.0 * M_PI;
			else if (ph <= -M_PI)
				ph += 2.0 * M_PI;
			mag = 20.0 * log10(mag > 1e-15 ? mag : 1e-15);
		}
		if (mag_db)
			mag_db[i] = mag;
		if (phase_rad)
			phase_rad[i] = ph;
	}
out:
	free(buf);
	free(sxy);
	free(sxx);
	free(win);
	free(tw);
	return ret;
}
