#include "tests/ctl_run.h"

#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <setjmp.h>
#include <cmocka.h>

#include <stdio.h>
#include <stdlib.h>

#include "clients/ctl.h"

void run_argv(struct run *r, const char *const *args)
{
	char *argv[64];
	int argc = 0;
	size_t len = 0;
	struct ctl ctl;
	FILE *out;

	argv[argc++] = (char *)"radioctl";
	for (; *args && argc < 63; args++)
		argv[argc++] = (char *)*args;
	assert_null(*args);
	argv[argc] = NULL;
	out = open_memstream(&r->out, &len);
	assert_non_null(out);
	ctl_init(&ctl, out);
	r->code = ctl_main(&ctl, argc, argv);
	ctl_fini(&ctl);
	fclose(out);
	snprintf(r->err, sizeof r->err, "%s", ctl.err);
}

void run_done(struct run *r)
{
	free(r->out);
	r->out = NULL;
}
