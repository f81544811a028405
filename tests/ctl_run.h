/*
 * ctl_run.h - runs radioctl's commands in-process for the client tests:
 * RUN(&r, "eq", "show") is `radioctl eq show`, with its exit status, its
 * standard output (r.out, free with run_done) and its error message (r.err).
 */
#ifndef RADIOD_TESTS_CTL_RUN_H
#define RADIOD_TESTS_CTL_RUN_H

struct run {
	int code;
	char *out;
	char err[1024];
};

/* Runs `radioctl ARGS...` (a NULL-terminated list of at most 62). */
void run_argv(struct run *r, const char *const *args);
void run_done(struct run *r);

#define RUN(r, ...) run_argv((r), (const char *[]){ __VA_ARGS__, NULL })

#endif
