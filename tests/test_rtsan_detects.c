/*
 * The RealtimeSanitizer build (configure --enable-rtsan) is what proves the
 * DSP_RT functions never allocate, lock or block.  This test shows the proof
 * can fail: a DSP_RT function that allocates must be caught, and one that
 * does not must pass.  In other builds there is nothing to show: skipped.
 */
#include "config.h"

#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <setjmp.h>
#include <cmocka.h>

#include <stdlib.h>
#include <string.h>
#include <sys/wait.h>
#include <unistd.h>

#include "libdsp/rt.h"

#ifdef RADIOD_RTSAN
#define RTSAN_BUILD 1
#else
#define RTSAN_BUILD 0
#endif

static void *volatile sink;

static void allocates(void) DSP_RT;
static void allocates(void)
{
	sink = malloc(64);
}

static double accumulates(const float *x, int n) DSP_RT;
static double accumulates(const float *x, int n)
{
	double acc = 0;
	for (int i = 0; i < n; i++)
		acc += x[i];
	return acc;
}

/* Runs fn in a child with stderr captured; returns the wait status. */
static int run_child(void (*fn)(void), char *err, size_t len)
{
	int fds[2];
	assert_int_equal(pipe(fds), 0);
	pid_t pid = fork();
	assert_true(pid >= 0);
	if (pid == 0) {
		dup2(fds[1], STDERR_FILENO);
		close(fds[0]);
		fn();
		_exit(0);
	}
	close(fds[1]);
	size_t got = 0;
	ssize_t r;
	while (got + 1 < len && (r = read(fds[0], err + got, len - 1 - got)) > 0)
		got += (size_t)r;
	err[got] = '\0';
	close(fds[0]);
	int status;
	assert_int_equal(waitpid(pid, &status, 0), pid);
	return status;
}

static void call_allocates(void)
{
	allocates();
}

static void call_accumulates(void)
{
	float x[16] = { 1.0f };
	sink = (void *)(uintptr_t)(accumulates(x, 16) > 0);
}

static void test_allocation_in_rt_function_is_reported(void **state)
{
	if (!RTSAN_BUILD)
		skip();
	char err[4096];
	int status = run_child(call_allocates, err, sizeof err);
	assert_false(WIFEXITED(status) && WEXITSTATUS(status) == 0);
	assert_non_null(strstr(err, "RealtimeSanitizer"));
	assert_non_null(strstr(err, "malloc"));
}

static void test_clean_rt_function_passes(void **state)
{
	if (!RTSAN_BUILD)
		skip();
	char err[4096];
	int status = run_child(call_accumulates, err, sizeof err);
	assert_true(WIFEXITED(status) && WEXITSTATUS(status) == 0);
	assert_null(strstr(err, "RealtimeSanitizer"));
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_allocation_in_rt_function_is_reported),
		cmocka_unit_test(test_clean_rt_function_passes),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
