#include "tests/dsp_testutil.h"

#include <math.h>

void tu_sine(float *x, size_t n, double rate, double freq, double amp, double phase)
{
	for (size_t i = 0; i < n; i++)
		x[i] = (float)(amp * sin(2.0 * M_PI * freq * (double)i / rate + phase));
}

/* Solves the 3x3 normal equations of x ~ a sin + b cos + c. */
static void fit(const float *x, size_t n, double rate, double freq, double *a, double *b)
{
	double ss = 0, sc = 0, s1 = 0, cc = 0, c1 = 0, n1 = (double)n;
	double xs = 0, xc = 0, x1 = 0;
	for (size_t i = 0; i < n; i++) {
		double w = 2.0 * M_PI * freq * (double)i / rate;
		double s = sin(w), c = cos(w), v = x[i];
		ss += s * s; sc += s * c; s1 += s; cc += c * c; c1 += c;
		xs += v * s; xc += v * c; x1 += v;
	}
	double m[3][4] = { { ss, sc, s1, xs }, { sc, cc, c1, xc }, { s1, c1, n1, x1 } };
	for (int col = 0; col < 3; col++) {
		int piv = col;
		for (int r = col + 1; r < 3; r++)
			if (fabs(m[r][col]) > fabs(m[piv][col]))
				piv = r;
		for (int k = 0; k < 4; k++) {
			double t = m[col][k];
			m[col][k] = m[piv][k];
			m[piv][k] = t;
		}
		for (int r = 0; r < 3; r++) {
			if (r == col || m[col][col] == 0)
				continue;
			double f = m[r][col] / m[col][col];
			for (int k = col; k < 4; k++)
				m[r][k] -= f * m[col][k];
		}
	}
	*a = m[0][3] / m[0][0];
	*b = m[1][3] / m[1][1];
}

double tu_amplitude_at(const float *x, size_t n, double rate, double freq)
{
	double a, b;
	fit(x, n, rate, freq, &a, &b);
	return hypot(a, b);
}

double tu_phase_at(const float *x, size_t n, double rate, double freq)
{
	double a, b;
	fit(x, n, rate, freq, &a, &b);
	return atan2(b, a);
}

double tu_rms(const float *x, size_t n)
{
	double acc = 0;
	for (size_t i = 0; i < n; i++)
		acc += (double)x[i] * x[i];
	return n ? sqrt(acc / (double)n) : 0;
}

double tu_peak(const float *x, size_t n)
{
	double p = 0;
	for (size_t i = 0; i < n; i++)
		if (fabs(x[i]) > p)
			p = fabs(x[i]);
	return p;
}

double tu_db(double lin)
{
	return lin > 0 ? 20.0 * log10(lin) : -INFINITY;
}
