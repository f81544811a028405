#include "config.h"

#include <stdbool.h>
#include <stddef.h>
#include <stdlib.h>
#include <string.h>

#include "libdsp/dsp-kernels.h"

/* Best first.  The reference and SSE2 work a ramp in pieces of 128 frames
 * (SSE2 then matches the reference bit for bit); AVX2 takes a block whole. */
static const struct dsp_kernels variants[] = {
#ifdef HAVE_DSP_AVX2
	DSP_KERNEL_TABLE(avx2, UINT32_MAX),
#endif
#if defined(__x86_64__) || defined(__i386__)
	DSP_KERNEL_TABLE(sse2, 128),
#endif
	DSP_KERNEL_TABLE(c, 128),
};
#define N_VARIANTS (sizeof(variants) / sizeof(variants[0]))

static const char *const names[] = {
#ifdef HAVE_DSP_AVX2
	"avx2",
#endif
#if defined(__x86_64__) || defined(__i386__)
	"sse2",
#endif
	"c",
	NULL,
};

static bool cpu_runs(const struct dsp_kernels *k)
{
#if defined(__x86_64__) || defined(__i386__)
	__builtin_cpu_init();
	if (strcmp(k->name, "avx2") == 0)
		return __builtin_cpu_supports("avx2") && __builtin_cpu_supports("fma");
	if (strcmp(k->name, "sse2") == 0)
		return __builtin_cpu_supports("sse2");
#endif
	return strcmp(k->name, "c") == 0;
}

const struct dsp_kernels *dsp_kernels_find(const char *name)
{
	if (name == NULL)
		return NULL;
	for (size_t i = 0; i < N_VARIANTS; i++)
		if (strcmp(variants[i].name, name) == 0)
			return cpu_runs(&variants[i]) ? &variants[i] : NULL;
	return NULL;
}

const struct dsp_kernels *dsp_kernels_select(void)
{
	const struct dsp_kernels *k = dsp_kernels_find(getenv("RADIOD_DSP_ISA"));

	if (k)
		return k;
	for (size_t i = 0; i < N_VARIANTS; i++)
		if (cpu_runs(&variants[i]))
			return &variants[i];
	return &variants[N_VARIANTS - 1];
}

const char *const *dsp_kernels_names(void)
{
	return names;
}
