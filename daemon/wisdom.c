/*
 * wisdom.c - FFTW's wisdom kept in the state directory (see wisdom.h).
 */
#include "daemon/wisdom.h"

#include <errno.h>
#include <stdlib.h>
#include <string.h>

#include <fftw3.h>

#include "libdsp/spectrum.h"

struct wisdom {
	struct state_dir *dir;
	const struct log *log;
	char *known;	/* what FFTW exported when last loaded or saved; NULL = nothing */
};

struct wisdom *wisdom_load(struct state_dir *d, const struct log *lg)
{
	struct wisdom *w = calloc(1, sizeof *w);
	char *text;
	size_t len;
	int r;

	if (!w) {
		log_warning(lg, "fftw wisdom: out of memory: the spectrum's plan is measured anew");
		return NULL;
	}
	w->dir = d;
	w->log = lg;
	r = state_read_file(d, WISDOM_FILE, WISDOM_KIND, &text, &len);
	if (r == -ENOENT) {
		log_info(lg, "fftw wisdom: none in %s yet: the spectrum's plan is measured at the "
			 "first join and kept there", state_dir_path(d));
		return w;
	}
	if (r < 0)
		return w;	/* set aside and logged; measured anew */
	if (strlen(text) != len || !fftwf_import_wisdom_from_string(text)) {
		state_set_aside(d, WISDOM_FILE, strlen(text) != len ?
				"a NUL byte in FFTW wisdom" : "FFTW does not accept it as wisdom");
		free(text);
		return w;
	}
	free(text);
	w->known = fftwf_export_wisdom_to_string();
	log_info(lg, "fftw wisdom: loaded %s/%s: %s", state_dir_path(d), WISDOM_FILE,
		 spectrum_plan_known() ? "the spectrum's transform is planned from it" :
		 "it lacks the spectrum's transform, which is measured at the first join");
	return w;
}

void wisdom_save(struct wisdom *w)
{
	char err[256], *now;

	if (!w)
		return;
	now = fftwf_export_wisdom_to_string();
	if (!now) {
		log_warning(w->log, "fftw wisdom: cannot export it (out of memory); not saved");
		return;
	}
	if (w->known && strcmp(now, w->known) == 0) {
		free(now);
		return;
	}
	if (state_write_file(w->dir, WISDOM_FILE, WISDOM_KIND, now, strlen(now), err,
			     sizeof err) < 0) {
		log_warning(w->log, "fftw wisdom: %s; trying again after the next join", err);
		free(now);
		return;
	}
	log_info(w->log, "fftw wisdom: saved %s/%s", state_dir_path(w->dir), WISDOM_FILE);
	free(w->known);
	w->known = now;
}

void wisdom_destroy(struct wisdom *w)
{
	if (!w)
		return;
	free(w->known);
	free(w);
}
