#include "libdsp/biquad.h"

#include <errno.h>
#include <math.h>
#include <stddef.h>
#include <strings.h>

static const char *const type_names[BIQUAD_N_TYPES] = {
	[BIQUAD_PEAKING] = "peaking",
	[BIQUAD_LOWSHELF] = "lowshelf",
	[BIQUAD_HIGHSHELF] = "highshelf",
	[BIQUAD_LOWPASS] = "lowpass",
	[BIQUAD_HIGHPASS] = "highpass",
	[BIQUAD_BANDPASS] = "bandpass",
	[BIQUAD_NOTCH] = "notch",
	[BIQUAD_ALLPASS] = "allpass",
};

int biquad_design(struct biquad_coefs *c, enum biquad_type t, double rate,
		  double freq, double q, double gain_db)
{
	if (c == NULL || (unsigned)t >= BIQUAD_N_TYPES || !(rate > 0.0) || !isfinite(rate))
		return -EINVAL;
	if (!(freq > 0.0 && freq < 0.5 * rate) || !(q > 0.0 && q <= 1000.0) ||
	    !(fabs(gain_db) <= 120.0))
		return -ERANGE;

	double w0 = 2.0 * M_PI * freq / rate;
	double cw = cos(w0), alpha = sin(w0) / (2.0 * q);
	double A = pow(10.0, gain_db / 40.0), sa = 2.0 * sqrt(A) * alpha;
	double b0, b1, b2, a0, a1, a2;

	switch (t) {
	case BIQUAD_PEAKING:
		b0 = 1.0 + alpha * A;
		b1 = -2.0 * cw;
		b2 = 1.0 - alpha * A;
		a0 = 1.0 + alpha / A;
		a1 = -2.0 * cw;
		a2 = 1.0 - alpha / A;
		break;
	case BIQUAD_LOWSHELF:
		b0 = A * ((A + 1.0) - (A - 1.0) * cw + sa);
		b1 = 2.0 * A * ((A - 1.0) - (A + 1.0) * cw);
		b2 = A * ((A + 1.0) - (A - 1.0) * cw - sa);
		a0 = (A + 1.0) + (A - 1.0) * cw + sa;
		a1 = -2.0 * ((A - 1.0) + (A + 1.0) * cw);
		a2 = (A + 1.0) + (A - 1.0) * cw - sa;
		break;
	case BIQUAD_HIGHSHELF:
		b0 = A * ((A + 1.0) + (A - 1.0) * cw + sa);
		b1 = -2.0 * A * ((A - 1.0) + (A + 1.0) * cw);
		b2 = A * ((A + 1.0) + (A - 1.0) * cw - sa);
		a0 = (A + 1.0) - (A - 1.0) * cw + sa;
		a1 = 2.0 * ((A - 1.0) - (A + 1.0) * cw);
		a2 = (A + 1.0) - (A - 1.0) * cw - sa;
		break;
	case BIQUAD_LOWPASS:
		b0 = 0.5 * (1.0 - cw);
		b1 = 1.0 - cw;
		b2 = b0;
		a0 = 1.0 + alpha;
		a1 = -2.0 * cw;
		a2 = 1.0 - alpha;
		break;
	case BIQUAD_HIGHPASS:
		b0 = 0.5 * (1.0 + cw);
		b1 = -(1.0 + cw);
		b2 = b0;
		a0 = 1.0 + alpha;
		a1 = -2.0 * cw;
		a2 = 1.0 - alpha;
		break;
	case BIQUAD_BANDPASS:
		b0 = alpha;
		b1 = 0.0;
		b2 = -alpha;
		a0 = 1.0 + alpha;
		a1 = -2.0 * cw;
		a2 = 1.0 - alpha;
		break;
	case BIQUAD_NOTCH:
		b0 = 1.0;
		b1 = -2.0 * cw;
		b2 = 1.0;
		a0 = 1.0 + alpha;
		a1 = -2.0 * cw;
		a2 = 1.0 - alpha;
		break;
	case BIQUAD_ALLPASS:
	default:
		b0 = 1.0 - alpha;
		b1 = -2.0 * cw;
		b2 = 1.0 + alpha;
		a0 = 1.0 + alpha;
		a1 = -2.0 * cw;
		a2 = 1.0 - alpha;
		break;
	}
	c->b0 = b0 / a0;
	c->b1 = b1 / a0;
	c->b2 = b2 / a0;
	c->a1 = a1 / a0;
	c->a2 = a2 / a0;
	return 0;
}

void biquad_identity(struct biquad_coefs *c)
{
	*c = (struct biquad_coefs){ .b0 = 1.0 };
}

bool biquad_is_identity(const struct biquad_coefs *c)
{
	return c->b0 == 1.0 && c->b1 == 0.0 && c->b2 == 0.0 && c->a1 == 0.0 && c->a2 == 0.0;
}

bool biquad_is_stable(const struct biquad_coefs *c)
{
	return isfinite(c->b0) && isfinite(c->b1) && isfinite(c->b2) &&
	       fabs(c->a2) < 1.0 && fabs(c->a1) < 1.0 + c->a2;
}

void biquad_response(const struct biquad_coefs *c, double rate, double freq,
		     double *mag_db, double *phase_rad)
{
	double w = 2.0 * M_PI * freq / rate;
	double c1 = cos(w), s1 = sin(w), c2 = cos(2.0 * w), s2 = sin(2.0 * w);
	double nr = c->b0 + c->b1 * c1 + c->b2 * c2, ni = -(c->b1 * s1 + c->b2 * s2);
	double dr = 1.0 + c->a1 * c1 + c->a2 * c2, di = -(c->a1 * s1 + c->a2 * s2);
	double num = nr * nr + ni * ni, den = dr * dr + di * di;

	if (mag_db)
		*mag_db = num > 0.0 ? 10.0 * log10(num / den) : -INFINITY;
	if (phase_rad) {
		/* arg(N / D) = arg(N conj(D)) */
		*phase_rad = atan2(ni * dr - nr * di, nr * dr + ni * di);
	}
}

bool biquad_type_has_gain(enum biquad_type t)
{
	return t == BIQUAD_PEAKING || t == BIQUAD_LOWSHELF || t == BIQUAD_HIGHSHELF;
}

const char *biquad_type_name(enum biquad_type t)
{
	return (unsigned)t < BIQUAD_N_TYPES ? type_names[t] : NULL;
}

int biquad_type_parse(const char *name, enum biquad_type *t)
{
	if (name == NULL || t == NULL)
		return -EINVAL;
	for (unsigned i = 0; i < BIQUAD_N_TYPES; i++) {
		if (strcasecmp(name, type_names[i]) == 0) {
			*t = (enum biquad_type)i;
			return 0;
		}
	}
	return -EINVAL;
}

void biquad_init(struct biquad *bq, const struct biquad_coefs *c)
{
	bq->c = *c;
	bq->s1 = 0.0;
	bq->s2 = 0.0;
}

void biquad_reset(struct biquad *bq)
{
	bq->s1 = 0.0;
	bq->s2 = 0.0;
}

void biquad_process(struct biquad *bq, const float *in, float *out, uint32_t n_frames)
{
	const double b0 = bq->c.b0, b1 = bq->c.b1, b2 = bq->c.b2;
	const double a1 = bq->c.a1, a2 = bq->c.a2;
	double s1 = bq->s1, s2 = bq->s2;

	for (uint32_t i = 0; i < n_frames; i++) {
		double x = in[i];
		double y = b0 * x + s1;
		s1 = b1 * x - a1 * y + s2;
		s2 = b2 * x - a2 * y;
		out[i] = (float)y;
	}
	biquad_scrub(&s1, &s2);
	bq->s1 = s1;
	bq->s2 = s2;
}
