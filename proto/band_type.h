/*
 * band_type.h - the wire protocol's BandType and libdsp's biquad_type, one
 * mapping for radiod and its clients.  Pure functions, any thread.
 */
#ifndef RADIOD_PROTO_BAND_TYPE_H
#define RADIOD_PROTO_BAND_TYPE_H

#include <errno.h>

#include "libdsp/biquad.h"
#include "proto/radio.pb-c.h"

static const struct {
	enum biquad_type dsp;
	Radio__BandType wire;
} radio_band_types[] = {
	{ BIQUAD_PEAKING, RADIO__BAND_TYPE__PEAKING },
	{ BIQUAD_LOWSHELF, RADIO__BAND_TYPE__LOW_SHELF },
	{ BIQUAD_HIGHSHELF, RADIO__BAND_TYPE__HIGH_SHELF },
	{ BIQUAD_LOWPASS, RADIO__BAND_TYPE__LOW_PASS },
	{ BIQUAD_HIGHPASS, RADIO__BAND_TYPE__HIGH_PASS },
	{ BIQUAD_BANDPASS, RADIO__BAND_TYPE__BAND_PASS },
	{ BIQUAD_NOTCH, RADIO__BAND_TYPE__NOTCH },
	{ BIQUAD_ALLPASS, RADIO__BAND_TYPE__ALL_PASS },
};

/* The wire value of t (PEAKING for a value libdsp does not have). */
static inline Radio__BandType radio_band_type_to_wire(enum biquad_type t)
{
	for (unsigned i = 0; i < sizeof radio_band_types / sizeof radio_band_types[0]; i++)
		if (radio_band_types[i].dsp == t)
			return radio_band_types[i].wire;
	return RADIO__BAND_TYPE__PEAKING;
}

/* libdsp's type for the wire value w: 0, or -EINVAL for a value this
 * build does not know (a newer client). */
static inline int radio_band_type_from_wire(Radio__BandType w, enum biquad_type *t)
{
	for (unsigned i = 0; i < sizeof radio_band_types / sizeof radio_band_types[0]; i++) {
		if (radio_band_types[i].wire == w) {
			*t = radio_band_types[i].dsp;
			return 0;
		}
	}
	return -EINVAL;
}

#endif
