/*
 * cmd_plot.c - radioctl plot: a session's latency histograms (log count
 * axis) and the time series of each interval's p99 and maximum, drawn by
 * gnuplot.
 *
 * gnuplot runs as a child process (posix_spawnp, no shell) in a private
 * temporary directory holding the generated script and data files; it only
 * ever sees file names of its own there, so no user path is quoted into its
 * language. The image is then copied next to the destination and renamed
 * over it. The label and host, the only user text in the script, go into
 * double-quoted strings with quotes and backslashes escaped, and enhanced
 * text (^, _, @, {}) is off.
 */
#include "clients/ctl.h"
#include "clients/session.h"

#include <errno.h>
#include <fcntl.h>
#include <math.h>
#include <spawn.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#define PLOT_WIDTH 1600
#define PLOT_HEIGHT 900

enum { OPT_OUTPUT = 1 };

struct plot {
	struct ctl *ctl;
	char dir[4096];		/* the temporary directory */
	bool svg;
};

/* dir/name into buf. */
static const char *in_dir(char *buf, size_t len, const struct plot *p, const char *name)
{
	snprintf(buf, len, "%s/%s", p->dir, name);
	return buf;
}

static FILE *create(const struct plot *p, const char *name)
{
	char path[4200];

	return fopen(in_dir(path, sizeof path, p, name), "we");
}

/* s as a gnuplot double-quoted string: \\ and \" escaped, a newline as
 * gnuplot's \n (a line break in a title), other control characters as
 * spaces. (A single-quoted string would need '' for a quote, which gnuplot
 * 5.4 misreads at the start of a string.) */
static void quoted(FILE *f, const char *s)
{
	fputc('"', f);
	for (; *s; s++) {
		if (*s == '\n') {
			fputs("\\n", f);
			continue;
		}
		if (*s == '"' || *s == '\\')
			fputc('\\', f);
		fputc((unsigned char)*s < 0x20 ? ' ' : *s, f);
	}
	fputc('"', f);
}

/* What each of radiod's histograms measures, for the x axis. */
static const char *axis_label(const char *name)
{
	if (strcmp(name, "jitter") == 0)
		return "start-to-start interval minus the period";
	if (strcmp(name, "processing") == 0)
		return "callback entry to exit";
	if (strcmp(name, "wakeup") == 0)
		return "cycle start to callback entry";
	return "value";
}

/* hist-I.dat: one line per non-empty bucket: lowest and highest value (us),
 * count. A duration's 0 has no place on its log axis: the title counts it. */
static int write_histogram(const struct plot *p, const struct session *s, size_t i)
{
	int32_t *idx = malloc(HISTOGRAM_MAX_PAIRS * sizeof *idx);
	uint64_t *cnt = malloc(HISTOGRAM_MAX_PAIRS * sizeof *cnt);
	char name[32];
	FILE *f;
	int n, r = 0;

	snprintf(name, sizeof name, "hist-%zu.dat", i);
	f = idx && cnt ? create(p, name) : NULL;
	if (!f) {
		free(idx);
		free(cnt);
		return -errno;
	}
	n = histogram_snapshot_to_sparse(s->hist[i].snap, idx, cnt, HISTOGRAM_MAX_PAIRS);
	for (int k = 0; k < n; k++)
		if (idx[k] != 0 || histogram_snapshot_is_signed(s->hist[i].snap))
			fprintf(f, "%.4f %.4f %llu\n", histogram_index_lowest(idx[k]) / 1e3,
				(histogram_index_highest(idx[k]) + 1) / 1e3,
				(unsigned long long)cnt[k]);
	if (fclose(f) != 0)
		r = -errno;
	free(idx);
	free(cnt);
	return r;
}

/* series.dat: t_s, then p99 and max (us) of each histogram, then xruns. */
static int write_series(const struct plot *p, const struct session *s)
{
	FILE *f = create(p, "series.dat");

	if (!f)
		return -errno;
	for (size_t k = 0; k < s->n_intervals; k++) {
		const struct session_interval *iv = &s->intervals[k];

		fprintf(f, "%.3f", iv->t_s);
		for (size_t i = 0; i < s->n_hist; i++)
			fprintf(f, " %.4f %.4f", iv->timing[i].p99_ns / 1e3,
				iv->timing[i].max_ns / 1e3);
		fprintf(f, " %llu\n", (unsigned long long)iv->xruns);
	}
	return fclose(f) != 0 ? -errno : 0;
}

static int write_script(const struct plot *p, const struct session *s)
{
	const struct session_meta *m = &s->meta;
	size_t cols = s->n_hist, xcol = 2 + 2 * s->n_hist;
	char title[1024];
	FILE *f = create(p, "plot.gp");

	if (!f)
		return -errno;
	if (p->svg)
		fprintf(f, "set terminal svg size %d,%d dynamic font 'sans,11' "
			"background '#ffffff'\nset output 'plot.svg'\n", PLOT_WIDTH, PLOT_HEIGHT);
	else
		fprintf(f, "set terminal pngcairo size %d,%d font 'sans,10'\n"
			"set output 'plot.png'\n", PLOT_WIDTH, PLOT_HEIGHT);
	snprintf(title, sizeof title, "%s%s%son %s, %s, %u Hz / %u frames, %.1f s%s",
		 m->label[0] ? "\"" : "", m->label, m->label[0] ? "\" " : "", m->host, m->started,
		 m->sample_rate_hz, m->period_frames, s->duration_s,
		 m->realtime ? "" : " (audio thread NOT real-time)");
	fputs("set termoption noenhanced\nset multiplot layout 2,", f);
	fprintf(f, "%zu title ", cols);
	quoted(f, title);
	fputs("\nset grid\nset key top right opaque\nset style fill solid 1.0 noborder\n", f);

	/* Top row: how often each value occurred; the log count axis shows
	 * the rare late callbacks that matter next to the thousands of usual
	 * ones. A duration's axis is logarithmic too: the buckets then have
	 * one width, and the usual values are not squeezed into a corner by
	 * one late callback. A signed jitter cannot be. */
	fputs("set logscale y\nset yrange [0.8:*]\nset ylabel 'callbacks (log)'\n", f);
	for (size_t i = 0; i < s->n_hist; i++) {
		bool log_x = !histogram_snapshot_is_signed(s->hist[i].snap);
		struct session_figures fg;
		uint64_t zeros;
		int n;

		session_figures(s, i, &fg);
		fprintf(f, "%s\nset xlabel '%s (us%s)'\n", log_x ? "set logscale x" : "unset logscale x",
			axis_label(s->hist[i].name), log_x ? ", log" : "");
		zeros = log_x ? histogram_snapshot_bucket(s->hist[i].snap, 0) : 0;
		n = snprintf(title, sizeof title, "%s: %llu values", s->hist[i].name,
			     (unsigned long long)fg.count);
		if (zeros && n > 0 && (size_t)n < sizeof title)
			n += snprintf(title + n, sizeof title - (size_t)n,
				      ", %llu of them 0 (not on the log axis)",
				      (unsigned long long)zeros);
		if (n > 0 && (size_t)n < sizeof title)
			snprintf(title + n, sizeof title - (size_t)n,
				 "\np50 %.1f us, p99 %.1f us, max %.1f us", fg.p50_ns / 1e3,
				 fg.p99_ns / 1e3, fg.max_ns / 1e3);
		fputs("set title ", f);
		quoted(f, title);
		fputc('\n', f);
		if (fg.count == zeros)
			fputs("set multiplot next\n", f);
		else if (log_x)
			fprintf(f, "plot 'hist-%zu.dat' using (($1+$2)/2):3:($2-$1) with boxes "
				"lc rgb '#2f5f9f' notitle\n", i);
		else	/* 1 ns wide boxes near 0 would not show on a linear axis */
			fprintf(f, "plot 'hist-%zu.dat' using (($1+$2)/2):3 with impulses lw 2 "
				"lc rgb '#2f5f9f' notitle\n", i);
	}

	/* Bottom row: each interval's p99 and maximum over the session, on a
	 * log axis when they are durations (a late maximum would flatten the
	 * p99 line otherwise) and all above 0 (log has no 0). */
	fputs("unset logscale xy\nset yrange [*:*]\nset xlabel 'time (s)'\n", f);
	for (size_t i = 0; i < s->n_hist; i++) {
		bool log_y = !histogram_snapshot_is_signed(s->hist[i].snap);

		for (size_t k = 0; k < s->n_intervals; k++)
			log_y = log_y && s->intervals[k].timing[i].p99_ns > 0;
		fprintf(f, "%s\nset ylabel 'us%s'\n", log_y ? "set logscale y" : "unset logscale y",
			log_y ? " (log)" : "");
		snprintf(title, sizeof title, "%s per interval (%.3g s)", s->hist[i].name,
			 m->interval_s);
		fputs("set title ", f);
		quoted(f, title);
		fputc('\n', f);
		if (s->n_intervals == 0) {
			fputs("set multiplot next\n", f);
			continue;
		}
		fprintf(f, "plot 'series.dat' using 1:%zu with linespoints pt 7 ps 0.4 "
			"lc rgb '#d07020' title 'max', '' using 1:%zu with linespoints pt 7 "
			"ps 0.4 lc rgb '#2f5f9f' title 'p99'", 3 + 2 * i, 2 + 2 * i);
		if (s->xruns)
			fprintf(f, ", '' using 1:($%zu > 0 ? $%zu : 1/0) with points pt 6 ps 1.5 "
				"lc rgb '#c00000' title 'xruns'", xcol, 3 + 2 * i);
		fputc('\n', f);
	}
	fputs("unset multiplot\n", f);
	return fclose(f) != 0 ? -errno : 0;
}

/* Runs gnuplot plot.gp in the directory, its output in gnuplot.log, for at
 * most timeout_ms. Returns CTL_OK or an exit code with ctl->err set. */
static int run_gnuplot(struct plot *p, int timeout_ms)
{
	static char *const argv[] = { (char *)"gnuplot", (char *)"--default-settings",
				      (char *)"plot.gp", NULL };
	struct ctl *ctl = p->ctl;
	posix_spawn_file_actions_t fa;
	struct timespec start, now, nap = { 0, 10 * 1000 * 1000 };
	char log[4200], line[512] = "", last[512] = "";
	int status, r;
	pid_t pid;
	FILE *f;

	in_dir(log, sizeof log, p, "gnuplot.log");
	if (posix_spawn_file_actions_init(&fa) != 0)
		return ctl_fail(ctl, CTL_FAILURE, "plot: out of memory");
	r = posix_spawn_file_actions_addopen(&fa, 0, "/dev/null", O_RDONLY, 0);
	if (!r)
		r = posix_spawn_file_actions_addopen(&fa, 1, log, O_WRONLY | O_CREAT | O_TRUNC,
						     0600);
	if (!r)
		r = posix_spawn_file_actions_adddup2(&fa, 1, 2);
	if (!r)
		r = posix_spawn_file_actions_addchdir_np(&fa, p->dir);
	if (!r)
		r = posix_spawnp(&pid, argv[0], &fa, NULL, argv, environ);
	posix_spawn_file_actions_destroy(&fa);
	if (r == ENOENT)
		return ctl_fail(ctl, CTL_FAILURE, "plot: gnuplot is not installed (on Debian: "
				"apt-get install gnuplot-nox)");
	if (r)
		return ctl_fail(ctl, CTL_FAILURE, "plot: cannot run gnuplot: %s", strerror(r));

	clock_gettime(CLOCK_MONOTONIC, &start);
	for (;;) {
		pid_t w = waitpid(pid, &status, WNOHANG);

		if (w == pid)
			break;
		if (w < 0 && errno != EINTR)
			return ctl_fail(ctl, CTL_FAILURE, "plot: waiting for gnuplot: %s",
					strerror(errno));
		clock_gettime(CLOCK_MONOTONIC, &now);
		if ((now.tv_sec - start.tv_sec) * 1000 + (now.tv_nsec - start.tv_nsec) / 1000000 >
		    timeout_ms) {
			kill(pid, SIGKILL);
			waitpid(pid, &status, 0);
			return ctl_fail(ctl, CTL_TIMEOUT, "plot: gnuplot took longer than %d ms "
					"(a longer --timeout gives it more)", timeout_ms);
		}
		nanosleep(&nap, NULL);
	}
	if (WIFEXITED(status) && WEXITSTATUS(status) == 0)
		return CTL_OK;
	/* gnuplot's own last words say what it did not like. */
	f = fopen(log, "re");
	while (f && fgets(line, sizeof line, f))
		if (line[strspn(line, " \t\n^")])
			snprintf(last, sizeof last, "%.*s", (int)strcspn(line, "\n"), line);
	if (f)
		fclose(f);
	return ctl_fail(ctl, CTL_FAILURE, "plot: gnuplot failed (%s %d)%s%s",
			WIFEXITED(status) ? "exit status" : "signal",
			WIFEXITED(status) ? WEXITSTATUS(status) : WTERMSIG(status),
			last[0] ? ": " : "", last);
}

/* Copies the image to a file beside path, then renames it over path. */
static int install(struct plot *p, const char *path)
{
	char from[4200], tmp[4200], buf[65536];
	int in, out = -1, r = 0;
	ssize_t n;

	in = open(in_dir(from, sizeof from, p, p->svg ? "plot.svg" : "plot.png"),
		  O_RDONLY | O_CLOEXEC);
	if (in < 0)
		return ctl_fail(p->ctl, CTL_FAILURE, "plot: gnuplot wrote no image");
	if ((size_t)snprintf(tmp, sizeof tmp, "%s.tmp-%ld", path, (long)getpid()) >= sizeof tmp)
		r = ENAMETOOLONG;
	if (!r) {
		unlink(tmp);
		out = open(tmp, O_WRONLY | O_CREAT | O_EXCL | O_CLOEXEC, 0666);
		if (out < 0)
			r = errno;
	}
	while (!r && (n = read(in, buf, sizeof buf)) != 0) {
		ssize_t w = n < 0 ? -1 : write(out, buf, (size_t)n);

		if (n < 0 || w < 0)
			r = errno;
		else if (w != n)
			r = EIO;
	}
	close(in);
	if (out >= 0 && close(out) != 0 && !r)
		r = errno;
	if (!r && rename(tmp, path) != 0)
		r = errno;
	if (r) {
		if (out >= 0)
			unlink(tmp);
		return ctl_fail(p->ctl, CTL_FAILURE, "plot: cannot write %s: %s", path,
				strerror(r));
	}
	return CTL_OK;
}

static void remove_dir(const struct plot *p, const struct session *s)
{
	static const char *const names[] = { "plot.gp", "series.dat", "gnuplot.log", "plot.png",
					     "plot.svg" };
	char path[4200], name[32];

	for (size_t i = 0; i < sizeof names / sizeof names[0]; i++)
		unlink(in_dir(path, sizeof path, p, names[i]));
	for (size_t i = 0; s && i < s->n_hist; i++) {
		snprintf(name, sizeof name, "hist-%zu.dat", i);
		unlink(in_dir(path, sizeof path, p, name));
	}
	rmdir(p->dir);
}

static bool ends_with(const char *s, const char *suffix)
{
	size_t n = strlen(s), k = strlen(suffix);

	return n > k && strcasecmp(s + n - k, suffix) == 0;
}

static int plot(struct plot *p, const struct session *s, const char *output)
{
	int r = 0;

	for (size_t i = 0; r == 0 && i < s->n_hist; i++)
		r = write_histogram(p, s, i);
	if (r == 0)
		r = write_series(p, s);
	if (r == 0)
		r = write_script(p, s);
	if (r < 0)
		return ctl_fail(p->ctl, CTL_FAILURE, "plot: cannot write in %s: %s", p->dir,
				strerror(-r));
	if ((r = run_gnuplot(p, p->ctl->timeout_ms)) != CTL_OK)
		return r;
	return install(p, output);
}

int cmd_plot(struct ctl *ctl, int argc, char **argv)
{
	static const char synopsis[] = "plot SESSION.json -o OUT.png|OUT.svg";
	static const char help[] =
		"Draws a session written by 'radioctl record' with gnuplot: on top, each\n"
		"timing histogram of the whole session (how many callbacks took how long,\n"
		"on a logarithmic count axis, so that the rare late ones show); below, each\n"
		"interval's p99 and maximum over time, with the intervals that had xruns\n"
		"marked. The title names the label, host, start, JACK setup and duration.\n"
		"\n"
		"  -o, --output FILE  the image: .png (1600x900) or .svg, by its extension\n"
		"\n"
		"Needs gnuplot (Debian: gnuplot-nox). --timeout bounds how long gnuplot may\n"
		"take. With --json, prints {\"output\": FILE}.\n"
		"\n"
		"exit status: 0 written, 2 bad command line, 4 gnuplot took longer than\n"
		"--timeout, 6 gnuplot missing or failing, or the image cannot be written,\n"
		"7 the session file cannot be read or is not a valid session.\n"
		"\n"
		"Example: radioctl plot idle.json -o idle.png\n";
	static const struct ctl_option opts[] = {
		{ "output", OPT_OUTPUT, true },
		{ "o", OPT_OUTPUT, true },
		{ NULL, 0, false },
	};
	struct ctl_args a = { argc, argv, 1, false };
	struct plot p = { ctl, "", false };
	const char *input = NULL, *output = NULL, *val, *tmp = getenv("TMPDIR");
	struct session *s = NULL;
	char err[512];
	int r;

	while ((r = ctl_next_arg(ctl, &a, opts, &val)) != CTL_ARG_END) {
		switch (r) {
		case CTL_ARG_HELP:
			return ctl_help(ctl, synopsis, help);
		case CTL_ARG_ERROR:
			return CTL_USAGE;
		case CTL_ARG_POSITIONAL:
			if (input)
				return ctl_unexpected(ctl, val);
			input = val;
			break;
		case OPT_OUTPUT:
			output = val;
			break;
		}
	}
	if (!input || !output)
		return ctl_fail(ctl, CTL_USAGE, "plot: a session file and -o are needed (usage: "
				"radioctl %s)", synopsis);
	if (!ends_with(output, ".png") && !ends_with(output, ".svg"))
		return ctl_fail(ctl, CTL_USAGE, "plot: -o %s: the name must end in .png or .svg "
				"(it chooses the format)", output);
	p.svg = ends_with(output, ".svg");

	r = session_load(input, &s, err, sizeof err);
	if (r == -ENOMEM)
		return ctl_fail(ctl, CTL_FAILURE, "plot: %s", err);
	if (r < 0)
		return ctl_fail(ctl, CTL_BAD_INPUT, "plot: %s (a session file is written by "
				"'radioctl record')", err);
	snprintf(p.dir, sizeof p.dir, "%s/radioctl-plot.XXXXXX", tmp && tmp[0] ? tmp : "/tmp");
	if (!mkdtemp(p.dir)) {
		r = ctl_fail(ctl, CTL_FAILURE, "plot: cannot create a temporary directory in %s: "
			     "%s (set TMPDIR)", tmp && tmp[0] ? tmp : "/tmp", strerror(errno));
	} else {
		r = plot(&p, s, output);
		remove_dir(&p, s);
	}
	if (r == CTL_OK && ctl->json) {
		json_t *v = json_pack("{s:s}", "output", output);

		if (ctl_json_print(ctl->out, v) < 0)
			r = ctl_fail(ctl, CTL_FAILURE, "plot: cannot write the output");
		json_decref(v);
	}
	session_free(s);
	return r;
}
