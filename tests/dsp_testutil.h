/*
 * dsp_testutil.h - reference signal helpers for the libdsp tests.
 *
 * Independent of the code under test: signals are made with libm in double,
 * levels are measured by a least-squares sine fit, so a test compares libdsp
 * against theory rather than against itself.
 */
#ifndef RADIOD_TESTS_DSP_TESTUTIL_H
#define RADIOD_TESTS_DSP_TESTUTIL_H

#include <stddef.h>

/* x[i] = amp * sin(2 pi freq i / rate + phase) */
void tu_sine(float *x, size_t n, double rate, double freq, double amp, double phase);

/* Amplitude of the component at freq, by a least-squares fit of
 * a sin + b cos + c over the n samples (exact for any number of cycles). */
double tu_amplitude_at(const float *x, size_t n, double rate, double freq);

/* Same fit, returning the phase (radians) of a sin-referenced component. */
double tu_phase_at(const float *x, size_t n, double rate, double freq);

double tu_rms(const float *x, size_t n);
double tu_peak(const float *x, size_t n);
double tu_db(double lin); /* 20 log10, -inf safe */

#endif
