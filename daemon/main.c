/*
 * main.c - radiod: options, setup, the event loop, and the only
 * process-wide state (the log, which libjack's message hooks need).
 *
 * Exit status: 0 after a clean stop (SIGTERM, SIGINT); 1 when setup fails;
 * 2 for a usage error.  Without -f, the parent process waits until the
 * daemon is ready (or has failed) and exits with that outcome.
 */
/* The build's config.h (PACKAGE_VERSION), not daemon/config.h. */
#include <config.h>

#include <errno.h>
#include <fcntl.h>
#include <getopt.h>
#include <limits.h>
#include <pthread.h>
#include <pwd.h>
#include <signal.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <sys/resource.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#include <event2/event.h>
#include <jack/jack.h>

#include "daemon/access.h"
#include "daemon/config.h"
#include "daemon/config_hash.h"
#include "daemon/connector.h"
#include "daemon/control.h"
#include "daemon/engine.h"
#include "daemon/log.h"
#include "daemon/metrics.h"
#include "daemon/persist.h"
#include "daemon/reload.h"
#include "daemon/requests.h"
#include "daemon/service.h"
#include "daemon/wisdom.h"
#include "proto/paths.h"

#if defined(__has_feature)
#if __has_feature(address_sanitizer) || __has_feature(thread_sanitizer)
#define RADIOD_HAS_SANITIZER 1
#endif
#endif
#ifndef RADIOD_HAS_SANITIZER
#define RADIOD_HAS_SANITIZER 0
#endif

#define RECONNECT_MIN_MS 250
#define RECONNECT_MAX_MS 2000
#define STATE_DIR_MODE 0755
#define STOP_JACK_TIMEOUT_MS 500
#define FIRST_JOIN_WAIT_MS 2000
/* Descriptors radiod holds besides its control clients: the JACK client's
 * sockets, semaphores and shared memory, the listeners, the metrics
 * endpoint's connections, a state file being written, the log. */
#define FD_RESERVE 64

/* libjack's message hooks take no context pointer, hence a global. */
static struct log g_log;

struct options {
	const char *config_path;
	const char *socket_path;
	const char *server;
	const char *state_dir;
	long save_delay_ms;	/* --save-delay */
	bool foreground;
	bool verbose;
};

struct daemon {
	struct config cfg;		/* what runs: restart-only keys as at start */
	char config_path[PATH_MAX];	/* absolute; "" = none */
	char config_sha256[CONFIG_HASH_HEX_SIZE];	/* of the file last read; "" = none */
	struct config_override ov[2];	/* -n, -s: they win at every reload too */
	size_t n_ov;
	struct access_policy access;
	char socket_path[RADIO_SOCKET_PATH_MAX + 1];
	char state_dir[PATH_MAX];
	struct event_base *base;
	struct engine *engine;
	struct requests *requests;
	struct control *control;
	struct event *sig_term, *sig_int, *sig_hup;
	struct event *engine_ev;
	struct event *reconnect;
	struct connector *connector;	/* joins JACK off the loop */
	struct service *service;	/* sd_notify, watchdog */
	struct persist *persist;	/* saved settings and presets */
	struct wisdom *wisdom;		/* FFTW's, kept next to them */
	struct metrics *metrics;	/* the Prometheus endpoint; NULL when off */
	uint32_t save_delay_ms;
	int listen_fd;		/* the socket systemd passed, until setup takes it */
	bool activated;		/* the control socket came from systemd */
	unsigned backoff_ms;
	unsigned failures;	/* connection attempts failed in a row */
	int ready_fd;		/* the waiting parent, or -1 */
};

static void usage(FILE *f)
{
	fprintf(f,
		"usage: radiod [-fv] [-c FILE] [-s PATH] [-n NAME] [-S DIR]\n"
		"\n"
		"Real-time audio daemon: a JACK client running EQ, volume, meters and a\n"
		"spectrum, controlled over a Unix socket (radioctl).\n"
		"\n"
		"  -c, --config FILE    configuration file (INI; see radiod.conf(5))\n"
		"  -s, --socket PATH    control socket (default: %s for root,\n"
		"                       else $XDG_RUNTIME_DIR/radiod/control.sock, or\n"
		"                       /tmp/radiod-UID/control.sock without XDG_RUNTIME_DIR)\n"
		"  -n, --server NAME    JACK server to join (never started by radiod)\n"
		"  -S, --state-dir DIR  state directory (default: /var/lib/radiod for root,\n"
		"                       $XDG_STATE_HOME/radiod or ~/.local/state/radiod)\n"
		"      --save-delay MS  save the settings MS ms after a change, and at least\n"
		"                       every 4 x MS while changes go on: 0..60000, 500\n"
		"  -f, --foreground     stay in the foreground\n"
		"  -v, --verbose        debug messages\n"
		"      --version        print the version and exit\n"
		"  -h, --help           print this help and exit\n"
		"\n"
		"Exit status: 0 clean stop, 1 setup failed, 2 usage error.\n",
		RADIO_SYSTEM_SOCKET);
}

static int parse_options(int argc, char **argv, struct options *o)
{
	static const struct option longopts[] = {
		{"config", required_argument, NULL, 'c'},
		{"socket", required_argument, NULL, 's'},
		{"server", required_argument, NULL, 'n'},
		{"state-dir", required_argument, NULL, 'S'},
		{"save-delay", required_argument, NULL, 'D'},
		{"foreground", no_argument, NULL, 'f'},
		{"verbose", no_argument, NULL, 'v'},
		{"version", no_argument, NULL, 'V'},
		{"help", no_argument, NULL, 'h'},
		{NULL, 0, NULL, 0},
	};
	int ch;

	memset(o, 0, sizeof *o);
	o->save_delay_ms = PERSIST_DEFAULT_SAVE_DELAY_MS;
	while ((ch = getopt_long(argc, argv, "c:s:n:S:fvh", longopts, NULL)) != -1) {
		switch (ch) {
		case 'c':
			o->config_path = optarg;
			break;
		case 's':
			o->socket_path = optarg;
			break;
		case 'n':
			o->server = optarg;
			break;
		case 'S':
			o->state_dir = optarg;
			break;
		case 'D': {
			char *end;

			errno = 0;
			o->save_delay_ms = strtol(optarg, &end, 10);
			if (end == optarg || *end || errno || o->save_delay_ms < 0 ||
			    o->save_delay_ms > PERSIST_MAX_SAVE_DELAY_MS) {
				fprintf(stderr, "radiod: --save-delay: '%s' is not a number of ms "
					"in 0..%d\n", optarg, PERSIST_MAX_SAVE_DELAY_MS);
				return -1;
			}
			break;
		}
		case 'f':
			o->foreground = true;
			break;
		case 'v':
			o->verbose = true;
			break;
		case 'V':
			printf("radiod %s (protocol %d)\n", PACKAGE_VERSION,
			       RADIO__VERSION__PROTOCOL_VERSION);
			exit(0);
		case 'h':
			usage(stdout);
			exit(0);
		default:
			usage(stderr);
			return -1;
		}
	}
	if (optind < argc) {
		fprintf(stderr, "radiod: unexpected argument '%s'\n", argv[optind]);
		usage(stderr);
		return -1;
	}
	return 0;
}

/* ------------------------------------------------------------ libjack */

static void jack_error_hook(const char *msg)
{
	/* libjack reports a missing server loudly on every attempt; our own
	 * line says what it means. */
	log_debug(&g_log, "jack: %s", msg);
}

static void jack_info_hook(const char *msg)
{
	log_debug(&g_log, "jack: %s", msg);
}

/* ------------------------------------------------------------- setup */

/* path made absolute against the working directory, not resolved. */
static int absolute_path(const char *path, char *out, size_t len)
{
	char cwd[PATH_MAX];
	int n;

	if (path[0] == '/')
		n = snprintf(out, len, "%s", path);
	else if (!getcwd(cwd, sizeof cwd))
		return -errno;
	else
		n = snprintf(out, len, "%s/%s", cwd, path);
	return n < 0 || (size_t)n >= len ? -ENAMETOOLONG : 0;
}

static int mkdir_p(const char *path, mode_t mode)
{
	char buf[PATH_MAX];
	size_t len = strlen(path);

	if (len == 0 || len >= sizeof buf)
		return -ENAMETOOLONG;
	memcpy(buf, path, len + 1);
	for (char *p = buf + 1; *p; p++) {
		if (*p != '/')
			continue;
		*p = '\0';
		if (mkdir(buf, mode) < 0 && errno != EEXIST)
			return -errno;
		*p = '/';
	}
	if (mkdir(buf, mode) < 0 && errno != EEXIST)
		return -errno;
	return 0;
}

static int default_state_dir(char *buf, size_t len)
{
	const char *xdg = getenv("XDG_STATE_HOME");
	const char *home = getenv("HOME");
	int n;

	if (geteuid() == 0)
		n = snprintf(buf, len, "/var/lib/radiod");
	else if (xdg && xdg[0] == '/')
		n = snprintf(buf, len, "%s/radiod", xdg);
	else {
		if (!home || home[0] != '/') {
			struct passwd *pw = getpwuid(geteuid());

			home = pw ? pw->pw_dir : NULL;
		}
		if (!home)
			return -ENOENT;
		n = snprintf(buf, len, "%s/.local/state/radiod", home);
	}
	return n < 0 || (size_t)n >= len ? -ENAMETOOLONG : 0;
}

/*
 * Locks memory so the RT thread never takes a page fault.  With a finite
 * RLIMIT_MEMLOCK and no privilege, MCL_FUTURE would make later allocations
 * (thread stacks, buffers) fail once the limit is reached, so then only
 * what is mapped now gets locked.  Sanitizer builds map terabytes of shadow
 * memory: no locking there.
 */
static void lock_memory(void)
{
#if defined(__SANITIZE_ADDRESS__) || defined(__SANITIZE_THREAD__) || RADIOD_HAS_SANITIZER
	log_debug(&g_log, "mlockall skipped: sanitizer build");
#else
	struct rlimit rl;
	int flags = MCL_CURRENT | MCL_FUTURE;

	if (geteuid() != 0 && getrlimit(RLIMIT_MEMLOCK, &rl) == 0 &&
	    rl.rlim_cur != RLIM_INFINITY) {
		flags = MCL_CURRENT;
		log_warning(&g_log, "RLIMIT_MEMLOCK is %llu KiB: locking current memory only "
			    "(raise it with LimitMEMLOCK= or limits.conf)",
			    (unsigned long long)rl.rlim_cur / 1024);
	}
	if (mlockall(flags) < 0)
		log_warning(&g_log, "mlockall: %s: audio may stall on page faults",
			    strerror(errno));
	else
		log_debug(&g_log, "memory locked (%s)",
			  flags & MCL_FUTURE ? "current and future" : "current");
#endif
}

/*
 * Each control client holds a descriptor.  When max_clients plus
 * FD_RESERVE is over the soft RLIMIT_NOFILE (often 1024), the soft limit is
 * raised as far as that, within the hard limit; otherwise accept() would
 * fail with EMFILE before max_clients is reached, and JACK or the state
 * file could find no descriptor left.  Not beyond: a descriptor over 1023
 * breaks any select() left in a library.
 */
static void raise_fd_limit(uint32_t max_clients)
{
	rlim_t need = (rlim_t)max_clients + FD_RESERVE;
	struct rlimit rl;
	rlim_t was;

	if (getrlimit(RLIMIT_NOFILE, &rl) < 0) {
		log_warning(&g_log, "cannot read RLIMIT_NOFILE: %s", strerror(errno));
		return;
	}
	if (rl.rlim_cur == RLIM_INFINITY || rl.rlim_cur >= need)
		return;
	was = rl.rlim_cur;
	if (rl.rlim_max == RLIM_INFINITY || rl.rlim_max >= need)
		rl.rlim_cur = need;
	else
		rl.rlim_cur = rl.rlim_max;
	if (rl.rlim_cur > was) {
		if (setrlimit(RLIMIT_NOFILE, &rl) == 0) {
			log_info(&g_log, "RLIMIT_NOFILE raised from %llu to %llu: "
				 "max_clients = %u, %d for the rest", (unsigned long long)was,
				 (unsigned long long)rl.rlim_cur, max_clients, FD_RESERVE);
		} else {
			log_warning(&g_log, "cannot raise RLIMIT_NOFILE from %llu to %llu: %s",
				    (unsigned long long)was, (unsigned long long)rl.rlim_cur,
				    strerror(errno));
			rl.rlim_cur = was;
		}
	}
	if (rl.rlim_cur < need)
		log_warning(&g_log, "RLIMIT_NOFILE stays at %llu (hard limit %llu), short of the "
			    "%llu descriptors max_clients = %u and radiod's own %d need: once "
			    "they run out, new clients wait unaccepted (raise LimitNOFILE= or "
			    "nofile in limits.conf)", (unsigned long long)rl.rlim_cur,
			    (unsigned long long)rl.rlim_max, (unsigned long long)need, max_clients,
			    FD_RESERVE);
}

/*
 * Forks; the parent waits on a pipe until the child says it is ready (one
 * zero byte) and exits 0, or sees it fail and exits with its status.
 */
static int daemonize(int *ready_fd)
{
	int p[2];
	pid_t pid;

	if (pipe2(p, O_CLOEXEC) < 0)
		return -errno;
	pid = fork();
	if (pid < 0)
		return -errno;
	if (pid > 0) {
		char c;
		ssize_t n;
		int st;

		close(p[1]);
		do
			n = read(p[0], &c, 1);
		while (n < 0 && errno == EINTR);
		if (n == 1 && c == 0)
			_exit(0);
		while (waitpid(pid, &st, 0) < 0 && errno == EINTR)
			;
		_exit(WIFEXITED(st) && WEXITSTATUS(st) ? WEXITSTATUS(st) : 1);
	}
	close(p[0]);
	if (setsid() < 0)
		return -errno;
	*ready_fd = p[1];
	return 0;
}

/* The daemon is up: tell the parent, and let go of the terminal. */
static void announce_ready(struct daemon *d)
{
	log_info(&g_log, "ready: listening on %s (pid %d, JACK %s)", d->socket_path, (int)getpid(),
		 engine_state_name(engine_state(d->engine)));
	if (d->ready_fd >= 0) {
		int null = open("/dev/null", O_RDWR | O_CLOEXEC);
		ssize_t w = write(d->ready_fd, "", 1);

		(void)w;
		close(d->ready_fd);
		d->ready_fd = -1;
		/* stderr stays: it carries the log. */
		if (null >= 0) {
			dup2(null, STDIN_FILENO);
			dup2(null, STDOUT_FILENO);
			close(null);
		}
	}
}

/* ------------------------------------------------------------ JACK */

static void schedule_reconnect(struct daemon *d)
{
	struct timeval tv = {d->backoff_ms / 1000, (d->backoff_ms % 1000) * 1000};

	evtimer_add(d->reconnect, &tv);
	d->backoff_ms = d->backoff_ms * 2 > RECONNECT_MAX_MS ? RECONNECT_MAX_MS : d->backoff_ms * 2;
}

/* Starts an attempt to join JACK; on_joined gets the outcome. */
static void connect_engine(struct daemon *d)
{
	int r = connector_start(d->connector, d->cfg.server, d->cfg.client_name);

	if (r < 0 && r != -EBUSY) {
		log_warning(&g_log, "cannot start joining JACK: %s; retrying", strerror(-r));
		schedule_reconnect(d);
	}
}

static void on_joined(void *arg, jack_client_t *client, int r, const char *why)
{
	struct daemon *d = arg;
	struct engine_info info;
	char err[256];

	if (client)
		r = engine_attach(d->engine, client, err, sizeof err);
	else
		snprintf(err, sizeof err, "%s", why);
	if (r < 0) {
		if (d->failures++ == 0)
			log_warning(&g_log, "%s; retrying (every %.1f s at most)", err,
				    RECONNECT_MAX_MS / 1000.0);
		else
			log_debug(&g_log, "%s", err);
		/* A first attempt that failed leaves "starting" for
		 * "disconnected", as a lost server does. */
		engine_disconnect(d->engine);
		service_engine_changed(d->service);
		schedule_reconnect(d);
		return;
	}
	service_engine_changed(d->service);
	engine_get_info(d->engine, &info);
	log_info(&g_log, "JACK: joined server '%s' as '%s': %u Hz, %u frames, %u channels, "
		 "RT thread %s priority %d",
		 info.server, info.client_name, info.sample_rate, info.period_frames,
		 info.channels, info.rt.policy[0] ? info.rt.policy : "unknown", info.rt.priority);
	if (!info.rt.realtime)
		log_warning(&g_log, "JACK is not running real-time (%s): the timing figures are "
			    "not real-time ones; run jackd with -R and rtprio permission",
			    info.rt.policy[0] ? info.rt.policy : "policy unknown");
	d->failures = 0;
	d->backoff_ms = RECONNECT_MIN_MS;
	/* The join planned the spectrum's transform, measuring it the first time. */
	wisdom_save(d->wisdom);
}

static void on_reconnect(evutil_socket_t fd, short what, void *arg)
{
	(void)fd;
	(void)what;
	connect_engine(arg);
}

static void on_engine(evutil_socket_t fd, short what, void *arg)
{
	struct daemon *d = arg;
	char reason[256];
	unsigned ev = engine_take_events(d->engine, reason, sizeof reason);

	(void)fd;
	(void)what;
	if (ev & ENGINE_EV_SHUTDOWN) {
		log_warning(&g_log, "JACK server went away (%s): reconnecting", reason);
		/* Closed by the next attempt, off this thread (engine.h). */
		connector_retire(d->connector, engine_detach(d->engine));
		service_engine_changed(d->service);
		d->backoff_ms = RECONNECT_MIN_MS;
		schedule_reconnect(d);
		return;
	}
	if (ev & ENGINE_EV_RATE) {
		/* Joining again builds the DSP and designs the EQ for the new
		 * rate before the first block: no stale coefficients. */
		log_info(&g_log, "JACK sample rate changed: rebuilding the DSP");
		connector_retire(d->connector, engine_detach(d->engine));
		service_engine_changed(d->service);
		connect_engine(d);
	}
	if (ev & ENGINE_EV_BUFSIZE) {
		struct engine_info info;

		engine_get_info(d->engine, &info);
		log_info(&g_log, "JACK period is now %u frames", info.period_frames);
	}
}

static void on_stop_signal(evutil_socket_t sig, short what, void *arg)
{
	struct daemon *d = arg;

	(void)what;
	log_info(&g_log, "%s: stopping", strsignal((int)sig));
	service_stopping(d->service);
	event_base_loopexit(d->base, NULL);
}

/* GetInfo's hash of the file just read; one that cannot be hashed (gone
 * since) costs only the hash. */
static void hash_config(struct daemon *d)
{
	char err[512];

	if (d->config_path[0] &&
	    config_hash_file(d->config_path, d->config_sha256, err, sizeof err) < 0)
		log_warning(&g_log, "configuration file not hashed: %s", err);
}

/*
 * Reloads the configuration file (daemon/reload.h); who names the cause in
 * the log.  Returns 0 with a note in msg (the keys that wait for a restart,
 * or ""), or a negative errno with the reason in msg.
 */
static int reload(struct daemon *d, const char *who, char *msg, size_t msg_len)
{
	struct reload_target t = {d->control, d->engine, &d->access};
	struct reload_result res;
	int r;

	if (!d->config_path[0]) {
		snprintf(msg, msg_len, "radiod runs without a configuration file (-c)");
		log_warning(&g_log, "%s: nothing to reload: %s", who, msg);
		return -ENOENT;
	}
	r = reload_config(&d->cfg, d->config_path, d->ov, d->n_ov, &t, &res, msg, msg_len);
	if (r < 0) {
		log_error(&g_log, "%s: configuration refused, the running one stays: %s", who, msg);
		return r;
	}
	hash_config(d);
	log_info(&g_log, "%s: configuration reloaded from %s: %s", who, d->config_path,
		 res.n_changed ? res.changed : "nothing changed");
	raise_fd_limit(d->cfg.max_clients);
	msg[0] = '\0';
	if (res.n_restart) {
		snprintf(msg, msg_len, "%s change%s at the next restart", res.restart,
			 res.n_restart == 1 ? "s" : "");
		log_warning(&g_log, "%s: %s", who, msg);
	}
	return 0;
}

static int on_reload_request(void *arg, struct control_peer *peer, char *msg, size_t msg_len)
{
	char who[96];

	snprintf(who, sizeof who, "reload_config from client %llu (uid %u)",
		 (unsigned long long)control_peer_id(peer), (unsigned)control_peer_cred(peer)->uid);
	return reload(arg, who, msg, msg_len);
}

static void on_hup(evutil_socket_t sig, short what, void *arg)
{
	char msg[1024];

	(void)sig;
	(void)what;
	reload(arg, "SIGHUP", msg, sizeof msg);
}

/* Monitoring counts from the start: a `radioctl reset` must not look like
 * a restart to Prometheus. */
static const Radio__Stats *metrics_stats(void *arg)
{
	return requests_stats(arg, true);
}

/* The endpoint is an extra: when it cannot listen, radiod still plays. */
static void start_metrics(struct daemon *d)
{
	const struct config_listen *l = &d->cfg.metrics_listen;
	bool v6 = strchr(l->host, ':') != NULL;
	char msg[512];

	if (!d->cfg.metrics_enabled)
		return;
	d->metrics = metrics_create(d->base, l->host, l->port, metrics_stats, d->requests, &g_log,
				    msg, sizeof msg);
	if (!d->metrics) {
		log_error(&g_log, "%s; running without the metrics endpoint", msg);
		return;
	}
	log_info(&g_log, "metrics: serving http://%s%s%s:%u/metrics", v6 ? "[" : "", l->host,
		 v6 ? "]" : "", (unsigned)metrics_port(d->metrics));
}

/* ------------------------------------------------------------ main */

static int setup(struct daemon *d)
{
	struct control_handler handler = {requests_handle, requests_event, NULL,
					  requests_peer_closed};
	struct control_limits limits;
	const char *err = NULL;
	char msg[512];
	int fd, r;

	lock_memory();
	raise_fd_limit(d->cfg.max_clients);
	r = mkdir_p(d->state_dir, STATE_DIR_MODE);
	if (r < 0) {
		log_error(&g_log, "cannot create state directory %s: %s", d->state_dir,
			  strerror(-r));
		return -1;
	}
	d->base = event_base_new();
	if (!d->base) {
		log_error(&g_log, "cannot create the event loop");
		return -1;
	}
	d->engine = engine_create(&d->cfg, &g_log, &err);
	if (!d->engine) {
		log_error(&g_log, "%s", err);
		return -1;
	}
	d->requests = requests_create(d->engine, &err);
	if (!d->requests) {
		log_error(&g_log, "%s", err);
		return -1;
	}
	/* Before JACK is joined, so the first block runs with the saved EQ
	 * and volume. */
	d->persist = persist_create(d->base, d->engine, d->state_dir, d->save_delay_ms, &g_log,
				    msg, sizeof msg);
	if (!d->persist) {
		log_error(&g_log, "%s", msg);
		return -1;
	}
	requests_set_persist(d->requests, d->persist);
	d->wisdom = wisdom_load(persist_state_dir(d->persist), &g_log);
	access_policy_init(&d->access, geteuid(), &d->cfg);
	requests_set_access(d->requests, &d->access, &g_log);
	requests_set_reload(d->requests, d->config_path, on_reload_request, d);
	requests_set_config_hash(d->requests, d->config_sha256);
	d->connector = connector_create(d->base, &g_log, on_joined, d, &err);
	if (!d->connector) {
		log_error(&g_log, "%s", err);
		return -1;
	}
	d->service = service_create(d->base, d->engine, d->connector, &g_log, msg, sizeof msg);
	if (!d->service) {
		log_error(&g_log, "%s", msg);
		return -1;
	}
	if (d->listen_fd >= 0) {
		/* Socket activation: systemd owns the file and its mode. */
		fd = d->listen_fd;
		d->listen_fd = -1;
	} else {
		fd = control_socket_open(d->socket_path, d->cfg.socket_mode,
					 d->cfg.socket_group.gid, msg, sizeof msg);
	}
	if (fd < 0) {
		log_error(&g_log, "%s", msg);
		return -1;
	}
	limits.max_clients = d->cfg.max_clients;
	limits.idle_timeout_s = d->cfg.idle_timeout_s;
	limits.out_limit = (size_t)d->cfg.client_buffer_kib * 1024;
	handler.arg = d->requests;
	d->control = control_create(d->base, fd, d->activated ? NULL : d->socket_path, &limits,
				    &handler, &g_log, &err);
	if (!d->control) {
		log_error(&g_log, "%s", err);
		return -1;
	}
	requests_set_control(d->requests, d->control);
	start_metrics(d);

	d->sig_term = evsignal_new(d->base, SIGTERM, on_stop_signal, d);
	d->sig_int = evsignal_new(d->base, SIGINT, on_stop_signal, d);
	d->sig_hup = evsignal_new(d->base, SIGHUP, on_hup, d);
	d->engine_ev = event_new(d->base, engine_notify_fd(d->engine), EV_READ | EV_PERSIST,
				 on_engine, d);
	d->reconnect = evtimer_new(d->base, on_reconnect, d);
	if (!d->sig_term || !d->sig_int || !d->sig_hup || !d->engine_ev || !d->reconnect ||
	    evsignal_add(d->sig_term, NULL) || evsignal_add(d->sig_int, NULL) ||
	    evsignal_add(d->sig_hup, NULL) || event_add(d->engine_ev, NULL)) {
		log_error(&g_log, "cannot set up the event loop");
		return -1;
	}
	d->backoff_ms = RECONNECT_MIN_MS;
	connect_engine(d);
	/* A server that is up answers within milliseconds: waiting for it
	 * (bounded, and cut short by a signal) before the loop serves anyone
	 * means the first reply already shows the engine running. */
	connector_wait(d->connector, FIRST_JOIN_WAIT_MS);
	service_listening(d->service);
	return 0;
}

static void *stop_engine_thread(void *arg)
{
	engine_stop(arg);
	return NULL;
}

/*
 * Leaves the JACK graph, giving the server STOP_JACK_TIMEOUT_MS to answer: a
 * server that is itself going down (a whole session stopping at once) lets
 * libjack wait 5 s for each request.  Returns false when it did not answer;
 * the engine must then not be freed (a thread is still inside libjack).
 */
static bool stop_engine(struct engine *e)
{
	struct timespec deadline;
	pthread_t t;

	if (pthread_create(&t, NULL, stop_engine_thread, e) != 0) {
		engine_stop(e);
		return true;
	}
	clock_gettime(CLOCK_REALTIME, &deadline);
	deadline.tv_nsec += STOP_JACK_TIMEOUT_MS * 1000000L;
	deadline.tv_sec += deadline.tv_nsec / 1000000000L;
	deadline.tv_nsec %= 1000000000L;
	if (pthread_timedjoin_np(t, NULL, &deadline) == 0)
		return true;
	pthread_detach(t);
	log_warning(&g_log, "the JACK server did not answer within %d ms: leaving without "
		    "closing the JACK client", STOP_JACK_TIMEOUT_MS);
	return false;
}

/* Returns false when the process must exit at once (see stop_engine). */
static bool teardown(struct daemon *d)
{
	char msg[512];

	/* The settings before anything else: they are what must survive, and
	 * a JACK server that does not answer cuts the rest short. */
	if (d->persist && persist_flush(d->persist, msg, sizeof msg) < 0)
		log_error(&g_log, "settings not saved at stop: %s", msg);

	/* A join still in flight means no client is attached yet, so this
	 * wait and stop_engine's never add up. */
	bool helper_gone = connector_destroy(d->connector, STOP_JACK_TIMEOUT_MS);
	/* JACK first: the RT thread stops before anything it reads goes. */
	bool engine_stopped = !d->engine || stop_engine(d->engine);

	metrics_destroy(d->metrics);
	control_destroy(d->control);
	requests_destroy(d->requests);
	wisdom_destroy(d->wisdom);	/* before the state directory it writes to */
	persist_destroy(d->persist);	/* its timer goes before the event base */
	if (!engine_stopped || !helper_gone)
		return false;
	service_destroy(d->service);
	engine_destroy(d->engine);
	if (d->sig_term)
		event_free(d->sig_term);
	if (d->sig_int)
		event_free(d->sig_int);
	if (d->sig_hup)
		event_free(d->sig_hup);
	if (d->engine_ev)
		event_free(d->engine_ev);
	if (d->reconnect)
		event_free(d->reconnect);
	if (d->base)
		event_base_free(d->base);
	return true;
}

int main(int argc, char **argv)
{
	static struct daemon d;
	struct options o;
	char err[512];
	int r, status = 1;

	if (parse_options(argc, argv, &o) < 0)
		return 2;
	log_init(&g_log, "radiod", STDERR_FILENO, o.verbose);
	d.ready_fd = -1;

	/* The daemon runs in / and rereads the file at each reload. */
	if (o.config_path &&
	    (r = absolute_path(o.config_path, d.config_path, sizeof d.config_path)) < 0) {
		log_error(&g_log, "configuration file %s: %s", o.config_path, strerror(-r));
		return 1;
	}
	if (o.server)
		d.ov[d.n_ov++] = (struct config_override){"jack.server", o.server, "-n"};
	if (o.socket_path)
		d.ov[d.n_ov++] = (struct config_override){"control.socket", o.socket_path, "-s"};
	if (config_read(&d.cfg, d.config_path[0] ? d.config_path : NULL, d.ov, d.n_ov, err,
			sizeof err) < 0) {
		log_error(&g_log, "%s", err);
		return 1;
	}
	hash_config(&d);
	if (o.socket_path)
		r = snprintf(d.socket_path, sizeof d.socket_path, "%s", o.socket_path) >=
				    (int)sizeof d.socket_path ? -ENAMETOOLONG : 0;
	else if (d.cfg.socket[0])
		r = snprintf(d.socket_path, sizeof d.socket_path, "%s", d.cfg.socket) >=
				    (int)sizeof d.socket_path ? -ENAMETOOLONG : 0;
	else
		r = radio_default_socket_path(d.socket_path, sizeof d.socket_path);
	if (r < 0) {
		log_error(&g_log, "control socket path %s is too long: a Unix socket path holds %d "
			  "bytes", o.socket_path ? o.socket_path : d.cfg.socket[0] ? d.cfg.socket
				 : "(default)", RADIO_SOCKET_PATH_MAX);
		return 1;
	}
	if (d.socket_path[0] != '/') {
		log_error(&g_log, "control socket path '%s' is not absolute", d.socket_path);
		return 1;
	}
	if (o.state_dir)
		r = snprintf(d.state_dir, sizeof d.state_dir, "%s", o.state_dir) >=
				    (int)sizeof d.state_dir ? -ENAMETOOLONG : 0;
	else
		r = default_state_dir(d.state_dir, sizeof d.state_dir);
	if (r < 0) {
		log_error(&g_log, "no state directory: %s (use -S)", strerror(-r));
		return 1;
	}

	signal(SIGPIPE, SIG_IGN);
	jack_set_error_function(jack_error_hook);
	jack_set_info_function(jack_info_hook);

	/* The daemon runs in /, so a relative state directory is made
	 * absolute now. */
	if (d.state_dir[0] != '/') {
		char cwd[PATH_MAX], abs[PATH_MAX];

		if (!getcwd(cwd, sizeof cwd) ||
		    snprintf(abs, sizeof abs, "%s/%s", cwd, d.state_dir) >= (int)sizeof abs) {
			log_error(&g_log, "state directory %s: path too long", d.state_dir);
			return 1;
		}
		memcpy(d.state_dir, abs, sizeof abs);
	}
	d.save_delay_ms = (uint32_t)o.save_delay_ms;
	/* Before forking: LISTEN_PID names the process systemd started. */
	{
		char path[sizeof d.socket_path];

		d.listen_fd = -1;
		r = service_listen_fd(&d.listen_fd, path, sizeof path, err, sizeof err);
		if (r < 0) {
			log_error(&g_log, "%s", err);
			return 1;
		}
		if (r > 0) {
			d.activated = true;
			if (strcmp(path, d.socket_path) != 0)
				log_info(&g_log, "socket activation: serving %s, not %s", path,
					 d.socket_path);
			memcpy(d.socket_path, path, sizeof path);
		}
	}
	if (!o.foreground) {
		r = daemonize(&d.ready_fd);
		if (r < 0) {
			log_error(&g_log, "cannot fork: %s", strerror(-r));
			return 1;
		}
		if (chdir("/") < 0)
			log_warning(&g_log, "chdir /: %s", strerror(errno));
	}

	if (setup(&d) == 0) {
		announce_ready(&d);
		event_base_dispatch(d.base);
		status = 0;
	}
	if (!teardown(&d)) {
		log_info(&g_log, "stopped");
		/* A thread is still blocked in libjack: no exit handlers. */
		_exit(status);
	}
	if (status == 0)
		log_info(&g_log, "stopped");
	return status;
}
