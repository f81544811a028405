/*
 * analysis.h - measurements on captured signals: THD, THD+N and SNR of a
 * sine, and the frequency response of a system from its input and output.
 *
 * Units: frequencies and the sample rate in Hz, levels in dBFS (a full-scale
 * sine, amplitude 1.0, is 0 dBFS), ratios in dB (power ratios, 10 log10),
 * phase in radians.  Lengths count samples of one channel.
 *
 * Threads: not RT-safe (they allocate, and take about 30 ms per second of
 * 48 kHz signal); call them from any other thread.  They keep no state and
 * do not use FFTW, whose planner is not thread-safe, so several threads may
 * measure at once without a lock.
 *
 * Errors: functions return 0 or a negative errno (-EINVAL bad arguments,
 * -ERANGE nothing to measure, -ENOMEM) and set *err (if err is not NULL) to
 * a static message naming what was wrong.
 */
#ifndef RADIOD_LIBDSP_ANALYSIS_H
#define RADIOD_LIBDSP_ANALYSIS_H

#include <stddef.h>

/*
 * Harmonic distortion by least-squares sine fitting (IEEE 1057), not by
 * windowed FFT: DC, the fundamental and harmonics 2..10 (those below rate/2)
 * are fitted jointly, the fundamental's frequency being one of the
 * parameters (Gauss-Newton from an FFT peak or the nominal frequency), and
 * subtracted in the time domain; the residual is the noise.  Nothing leaks,
 * for any frequency and any number of cycles, so the floor is set by double
 * arithmetic, far below the rounding noise of float samples (about -150 dB),
 * not by a window's sidelobes (-130..-180 dB) or a single-precision FFT
 * (about -140 dB): a harmonic at -130 dB reads -130.00 dB.  Because the
 * harmonics take part in the frequency fit, 5 cycles measure as well as
 * thousands.
 *
 *   fundamental_hz    refined frequency of the fundamental
 *   fundamental_dbfs  its peak level
 *   thd_db            harmonics 2..10 relative to the fundamental
 *   thd_percent       the same as an amplitude ratio, in percent
 *   thdn_db           everything but DC and the fundamental, relative to it
 *   snr_db            the fundamental relative to everything but DC, it and
 *                     its harmonics
 * Ratios are floored at -300 dB (and SNR capped at +300 dB), so the results
 * are always finite.
 */
struct thd_result {
	double fundamental_hz, fundamental_dbfs, thd_db, thd_percent, thdn_db, snr_db;
};

/*
 * Measures the sine in x[0..n-1].  rate: 1000..768000 Hz.  n: at least 64
 * samples and two cycles of the fundamental.  fundamental_hz: 0 to find the
 * strongest component (a windowed FFT, then the fit), or its nominal
 * frequency, 0 < f < rate/2, which the fit refines when it can (a clock that
 * differs from the nominal one).  Returns 0, or -EINVAL for bad arguments or
 * samples that are not finite, -ERANGE when there is no sine to measure
 * (silence or DC alone).
 */
int analysis_thd(const float *x, size_t n, double rate, double fundamental_hz,
		 struct thd_result *r, const char **err);

/*
 * Transfer function out/in of a system, from its input and output captured
 * side by side (n samples each), excited by noise, a sweep or any signal with
 * energy at the frequencies asked for.  Welch's H1 estimate: Hann windows of
 * M samples (the largest power of two <= n/4 within 64..32768, so n must be
 * at least 64), half overlapping, H = sum conj(X) Y / sum |X|^2.  Noise in
 * the output that is not correlated with the input averages out.  Each of
 * freqs[0..n_freqs-1] (0..rate/2) is read between the two nearest bins
 * (magnitude linearly, phase along the shorter arc).  The resolution is
 * rate/M.  A latency between in and out shows as a phase slope; it and the
 * system's impulse response must stay well below M, or the magnitude reads
 * low.
 *
 * mag_db[i] gets 20 log10 |H| (floored at -300 dB), phase_rad[i] arg H in
 * (-pi, pi]; either array may be NULL when not wanted.  Where the input has
 * no energy (below 1e-20 of its strongest bin) both get NaN.  Returns 0,
 * -EINVAL for bad arguments or non-finite samples, -ERANGE when the input is
 * silent.
 */
int analysis_response(const float *in, const float *out, size_t n, double rate,
		      const double *freqs, size_t n_freqs, double *mag_db, double *phase_rad,
		      const char **err);

#endif
