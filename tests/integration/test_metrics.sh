#!/usr/bin/env bash
# radiod's Prometheus endpoint and `radioctl stats --prometheus`: both pass
# `promtool check metrics` and show the same series; counters do not go
# back at `radioctl reset`; only GET /metrics is served; a taken port costs
# the endpoint, never the audio; and a real Prometheus server scraping
# radiod on loopback every second can query radiod_callbacks_total > 0 and
# a percentile of a timing histogram.
. "$(dirname "$0")/lib.sh"

for tool in promtool prometheus curl jq; do
	command -v "$tool" >/dev/null ||
		bail "$tool not found: install the Debian packages 'prometheus', 'curl' and 'jq' (tools/deps --install)"
done

cat >"$T_DIR/radiod.conf" <<EOF
[metrics]
enabled = yes
# Port 0: the system picks a free one and radiod logs it.
listen = 127.0.0.1:0
EOF

start_jackd 48000 256
start_radiod -c "$T_DIR/radiod.conf"

metrics_port() { sed -n 's|.*metrics: serving http://127\.0\.0\.1:\([0-9]*\)/metrics$|\1|p' "$T_DIR/radiod.log"; }
wait_until 10 test -n "$(metrics_port)" || bail "radiod did not log its metrics address"
port=$(metrics_port)
url=http://127.0.0.1:$port/metrics
diag "radiod serves $url"

# ---------------------------------------------------------------- the text

callbacks() { # FILE: the value of radiod_callbacks_total in an exposition
	sed -n 's/^radiod_callbacks_total \([0-9]*\)$/\1/p' "$1"
}
wait_until 10 "$RADIOCTL" stats --json >/dev/null
curl -sS -D "$T_DIR/headers" -o "$T_DIR/scrape.prom" "$url"
check "GET /metrics answers 200" grep -q '^HTTP/1.1 200' "$T_DIR/headers"
check "the Content-Type is the text exposition format 0.0.4" \
	grep -qi '^Content-Type: text/plain; version=0.0.4' "$T_DIR/headers"
out=$(promtool check metrics <"$T_DIR/scrape.prom" 2>&1)
rc=$?
if [ "$rc" -eq 0 ] && [ -z "$out" ]; then ok "promtool check metrics passes radiod's /metrics"
else not_ok "promtool check metrics passes radiod's /metrics" "exit $rc" "$out"; fi

"$RADIOCTL" stats --prometheus >"$T_DIR/radioctl.prom"
check "radioctl stats --prometheus exits 0" test $? -eq 0
out=$(promtool check metrics <"$T_DIR/radioctl.prom" 2>&1)
rc=$?
if [ "$rc" -eq 0 ] && [ -z "$out" ]; then ok "promtool check metrics passes radioctl stats --prometheus"
else not_ok "promtool check metrics passes radioctl stats --prometheus" "exit $rc" "$out"; fi

series() { grep -v '^#' "$1" | sed 's/ [^ ]*$//'; }
if diff <(series "$T_DIR/scrape.prom") <(series "$T_DIR/radioctl.prom") >"$T_DIR/series.diff"; then
	ok "radiod and radioctl expose the same series"
else
	not_ok "radiod and radioctl expose the same series" "$(head -20 "$T_DIR/series.diff")"
fi
n_series=$(series "$T_DIR/scrape.prom" | wc -l)
diag "$n_series series, $(grep -c '^# TYPE' "$T_DIR/scrape.prom") metrics"
check "every timing histogram is there" \
	sh -c "for h in jitter processing wakeup; do grep -q \"^radiod_\${h}_seconds_bucket{le=\\\"+Inf\\\"}\" '$T_DIR/scrape.prom' || exit 1; done"
check "the jitter histogram has negative bounds" grep -q '^radiod_jitter_seconds_bucket{le="-1e-06"}' "$T_DIR/scrape.prom"
inf=$(sed -n 's/^radiod_processing_seconds_bucket{le="+Inf"} //p' "$T_DIR/scrape.prom")
count=$(sed -n 's/^radiod_processing_seconds_count //p' "$T_DIR/scrape.prom")
check "a histogram's +Inf bucket equals its count ($count)" test "$inf" = "$count"
check "radiod_engine_state says running" grep -qx 'radiod_engine_state{state="running"} 1' "$T_DIR/scrape.prom"

# Counted from the start: after a reset the exposition still holds the
# callbacks before it, on top of those `radioctl stats` counts since.
scraped_at_least() { curl -sS -o "$T_DIR/before-reset.prom" "$url" && at_least "$(callbacks "$T_DIR/before-reset.prom")" "$1"; }
wait_until 20 scraped_at_least 200 || bail "radiod ran fewer than 200 callbacks in 20 s"
before=$(callbacks "$T_DIR/before-reset.prom")
"$RADIOCTL" reset
since_reset=$("$RADIOCTL" --json stats | jq -r '.callbacks // 0')
curl -sS -o "$T_DIR/after-reset.prom" "$url"
after=$(callbacks "$T_DIR/after-reset.prom")
check "radiod_callbacks_total counts from the start, not from radioctl reset ($after >= $before + $since_reset)" \
	test "$after" -ge "$((before + since_reset))"
"$RADIOCTL" stats --prometheus >"$T_DIR/radioctl-after-reset.prom"
check "so does radioctl stats --prometheus" \
	test "$(callbacks "$T_DIR/radioctl-after-reset.prom")" -ge "$((before + since_reset))"

"$RADIOCTL" stats --prometheus --json >/dev/null 2>"$T_DIR/both.err"
check "--prometheus with --json is a usage error (exit 2)" test $? -eq 2
check "which says to choose one" grep -q 'choose one' "$T_DIR/both.err"

code() { curl -s -o /dev/null -w '%{http_code}' "$@"; }
check "another path is 404" test "$(code "http://127.0.0.1:$port/")" = 404
check "POST /metrics is 405" test "$(code -X POST "$url")" = 405
check "HEAD /metrics is 200" test "$(code -I "$url")" = 200

# --------------------------------------------- a port taken costs no audio

cat >"$T_DIR/taken.conf" <<EOF
[jack]
client_name = radiod_taken
[metrics]
enabled = yes
listen = 127.0.0.1:$port
EOF
mkdir -p "$T_DIR/state2"
"$RADIOD" -f -n "$JACK_SERVER" -s "$T_DIR/taken.sock" -S "$T_DIR/state2" -c "$T_DIR/taken.conf" \
	>"$T_DIR/taken.log" 2>&1 &
taken_pid=$!
T_PIDS+=("$taken_pid")
check "a radiod whose metrics port is taken still serves its socket" \
	wait_until 15 "$RADIOCTL" --socket "$T_DIR/taken.sock" --timeout 1000 info
check "and logs why it runs without the endpoint" \
	grep -q "metrics: cannot listen on 127.0.0.1:$port: bind: Address already in use" "$T_DIR/taken.log"
stop_pid "$taken_pid"

# ------------------------------------------------------ a real Prometheus

mkdir -p "$T_DIR/tsdb"
cat >"$T_DIR/prometheus.yml" <<EOF
global:
  scrape_interval: 1s
  scrape_timeout: 1s
scrape_configs:
  - job_name: radiod
    static_configs:
      - targets: ['127.0.0.1:$port']
EOF
check "promtool accepts the scrape configuration" promtool check config "$T_DIR/prometheus.yml"

# A free port for Prometheus itself: try a few, since another program may
# take one between the choice and the bind.
prom=
for attempt in 1 2 3 4 5; do
	p=$((20000 + (RANDOM * 32768 + RANDOM) % 40000))
	prometheus --config.file="$T_DIR/prometheus.yml" --storage.tsdb.path="$T_DIR/tsdb" \
		--web.listen-address="127.0.0.1:$p" >"$T_DIR/prometheus.log" 2>&1 &
	prom_pid=$!
	T_PIDS+=("$prom_pid")
	if wait_until 60 sh -c "curl -sf http://127.0.0.1:$p/-/ready || ! kill -0 $prom_pid"; then
		if kill -0 "$prom_pid" 2>/dev/null; then
			prom=http://127.0.0.1:$p
			break
		fi
	fi
	stop_pid "$prom_pid"
	grep -q 'address already in use' "$T_DIR/prometheus.log" || break
done
[ -n "$prom" ] || bail "Prometheus did not become ready: $(tail -3 "$T_DIR/prometheus.log")"
diag "Prometheus at $prom scrapes $url every second"

# query EXPR: the first result's value, or nothing.
query() {
	curl -sf --get "$prom/api/v1/query" --data-urlencode "query=$1" |
		jq -r '.data.result[0].value[1] // empty'
}
positive() { v=$(query "$1") && [ -n "$v" ] && at_least "$v" 1e-12; }
up() { [ "$(query 'up{job="radiod"}')" = 1 ]; }
check "Prometheus scrapes radiod successfully (up == 1)" wait_until 60 up
if wait_until 60 positive radiod_callbacks_total; then
	ok "Prometheus' query API returns radiod_callbacks_total > 0 ($(query radiod_callbacks_total))"
else
	not_ok "Prometheus' query API returns radiod_callbacks_total > 0" \
		"last answer: $(curl -s --get "$prom/api/v1/query" --data-urlencode query=radiod_callbacks_total)" \
		"$(tail -5 "$T_DIR/prometheus.log")"
fi
p99='histogram_quantile(0.99, radiod_processing_seconds_bucket)'
if wait_until 30 positive "$p99"; then
	ok "PromQL computes the processing time's 99th percentile from the buckets ($(query "$p99") s)"
else
	not_ok "PromQL computes the processing time's 99th percentile from the buckets" \
		"last answer: $(curl -s --get "$prom/api/v1/query" --data-urlencode "query=$p99")"
fi
stop_pid "$prom_pid"

finish
