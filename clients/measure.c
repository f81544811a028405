/*
 * measure.c - delay, frequency grid and designed EQ curve for radioctl
 * measure (see measure.h).
 */
#include "clients/measure.h"
#include "proto/band_type.h"

#include <errno.h>
#include <math.h>
#include <stdlib.h>
#include <string.h>

/* Samples of out that take part in the correlation: within 40 dB of its
 * peak, at most this many (the largest ones). */
#define SUPPORT_DB -40.0
#define SUPPORT_MAX 4096u

int measure_delay(const float *out, const float *in, size_t n, size_t *lag,
		  double *clarity_db, const char **err)
{
	double peak_out = 0, peak_in = 0, best = 0, sum2 = 0, threshold;
	size_t *support, n_support = 0, best_lag = 0;

	if (n == 0) {
		*err = "no samples";
		return -EINVAL;
	}
	for (size_t i = 0; i < n; i++) {
		peak_out = fmax(peak_out, fabs(out[i]));
		peak_in = fmax(peak_in, fabs(in[i]));
	}
	if (peak_out == 0) {
		*err = "the output carried no signal";
		return -ERANGE;
	}
	if (peak_in == 0) {
		*err = "nothing came back on the input";
		return -ERANGE;
	}
	support = malloc(SUPPORT_MAX * sizeof *support);
	if (!support) {
		*err = "out of memory";
		return -ENOMEM;
	}
	/* Raise the threshold until the support fits: an impulse through any
	 * sane chain leaves few samples near its peak. */
	for (threshold = peak_out * pow(10.0, SUPPORT_DB / 20.0);; threshold *= 2) {
		n_support = 0;
		for (size_t i = 0; i < n && n_support < SUPPORT_MAX; i++)
			if (fabs(out[i]) >= threshold)
				support[n_support++] = i;
		if (n_support < SUPPORT_MAX || threshold >= peak_out)
			break;
	}
	for (size_t l = 0; l < n; l++) {
		double r = 0;

		for (size_t k = 0; k < n_support && support[k] + l < n; k++)
			r += (double)out[support[k]] * in[support[k] + l];
		sum2 += r * r;
		if (fabs(r) > best) {
			best = fabs(r);
			best_lag = l;
		}
	}
	free(support);
	*clarity_db = best > 0 ? 20 * log10(best / sqrt(sum2 / (double)n)) : 0;
	if (best == 0 || *clarity_db < MEASURE_MIN_CLARITY_DB) {
		*err = "no clear echo of the output on the input";
		return -ERANGE;
	}
	*lag = best_lag;
	return 0;
}

size_t measure_log_freqs(double from, double to, unsigned per_octave, double *freqs, size_t max)
{
	size_t n = 0;
	double k0, k1;

	if (!(from > 0 && to > from) || per_octave < 1 || per_octave > 48 || max == 0)
		return 0;
	k0 = ceil(per_octave * log2(from / 1000.0) - 1e-9);
	k1 = floor(per_octave * log2(to / 1000.0) + 1e-9);
	if (fabs(1000.0 * exp2(k0 / per_octave) - from) > 1e-9 * from)
		freqs[n++] = from;
	for (double k = k0; k <= k1 && n < max; k++)
		freqs[n++] = 1000.0 * exp2(k / per_octave);
	if (n < max && fabs(freqs[n - 1] - to) > 1e-9 * to)
		freqs[n++] = to;
	return n;
}

int measure_eq_design(const Radio__Eq *w, double rate, struct eq_design *d, const char **err)
{
	struct eq_params p;

	if (w->n_band < 1 || w->n_band > EQ_MAX_BANDS) {
		*err = "radiod reported an EQ without bands, or with too many";
		return -EINVAL;
	}
	eq_params_default(&p, (uint32_t)w->n_band);
	for (size_t i = 0; i < w->n_band; i++) {
		const Radio__EqBand *b = w->band[i];
		struct eq_band *band = &p.band[i];

		if (b->has_type && radio_band_type_from_wire(b->type, &band->type) < 0) {
			*err = "radiod reported a band type radioctl does not know";
			return -EINVAL;
		}
		if (b->has_freq_hz)
			band->freq = fmin(b->freq_hz, EQ_FREQ_MAX_OF_RATE * rate);
		if (b->has_q)
			band->q = b->q;
		if (b->has_gain_db)
			band->gain_db = b->gain_db;
		if (b->has_enabled)
			band->enabled = b->enabled;
	}
	if (w->has_preamp_db)
		p.preamp_db = w->preamp_db;
	if (w->has_bypass)
		p.bypass = w->bypass;
	return eq_design(d, &p, rate, err);
}
