#!/usr/bin/env python3
"""bench/soak-summary.py - turns the files bench/soak wrote into
session.json and summary.txt (also printed).  Standard library only."""

import argparse
import json
import os
import sys


def load(path, default=None):
    try:
        with open(path) as f:
            return json.load(f)
    except (OSError, ValueError):
        return default


def timing(stats, name):
    for t in stats.get("timing", []):
        if t.get("name") == name:
            return t
    return {}


def cyclictest_hist(path):
    """Percentiles (us) from cyclictest's --histfile: lines 'bucket count'."""
    counts = []
    overflow = 0
    try:
        with open(path) as f:
            for line in f:
                if line.startswith("#"):
                    if "Histogram Overflows" in line:
                        overflow = sum(int(x) for x in line.split(":")[1].split())
                    continue
                parts = line.split()
                if len(parts) >= 2:
                    counts.append((int(parts[0]), int(parts[1])))
    except OSError:
        return None
    total = sum(c for _, c in counts) + overflow
    if total == 0:
        return None

    def pct(p):
        need = p / 100.0 * total
        run = 0
        for us, c in counts:
            run += c
            if run >= need:
                return us
        return None  # in the overflow

    return {"samples": total, "p50_us": pct(50), "p99_us": pct(99),
            "p999_us": pct(99.9), "overflows": overflow}


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--dir", required=True)
    ap.add_argument("--duration", type=int, required=True)
    ap.add_argument("--rate", type=int, required=True)
    ap.add_argument("--period", type=int, required=True)
    ap.add_argument("--stress", default="")
    ap.add_argument("--rt", default="unknown")
    ap.add_argument("--jackd", default="unknown")
    a = ap.parse_args()
    d = a.dir

    start = load(os.path.join(d, "stats-start.json"), {})
    end = load(os.path.join(d, "stats-end.json"), {})
    ct = load(os.path.join(d, "cyclictest.json"))
    cth = cyclictest_hist(os.path.join(d, "cyclictest.hist"))
    mem = {"start": load(os.path.join(d, "memory-start.json")),
           "end": load(os.path.join(d, "memory-end.json"))}
    period_ns = a.period * 1e9 / a.rate
    proc, jit, wake = timing(end, "processing"), timing(end, "jitter"), timing(end, "wakeup")

    def us(v):
        return None if v is None else round(v / 1000.0, 2)

    def pct_of_period(v):
        return None if v is None else round(100.0 * v / period_ns, 4)

    ct_max = None
    if ct:
        for t in (ct.get("thread") or {}).values():
            ct_max = max(ct_max or 0, t.get("max", 0))
    summary = {
        "duration_s": a.duration,
        "rate": a.rate, "period_frames": a.period,
        "period_us": round(period_ns / 1000.0, 2),
        "load": a.stress or "none",
        "jackd": a.jackd, "radiod_rt_thread": a.rt,
        "callbacks": end.get("callbacks"),
        "xruns": end.get("xruns"),
        "dsp_load_percent": end.get("dspLoadPercent", end.get("dsp_load_percent")),
        "processing_us": {k: us(proc.get(k + "_ns")) for k in ("p50", "p99", "p999", "max")},
        "processing_p999_pct_of_period": pct_of_period(proc.get("p999_ns")),
        "processing_max_pct_of_period": pct_of_period(proc.get("max_ns")),
        "jitter_us": {"p99": us(jit.get("p99_ns")), "max": us(jit.get("max_ns")),
                      "min": us(jit.get("min_ns"))},
        "wakeup_us": {k: us(wake.get(k + "_ns")) for k in ("p50", "p99", "max")},
        "cyclictest_us": dict(cth or {}, max_us=ct_max) if (cth or ct) else None,
        "memory_end_kb": mem["end"],
    }
    session = {"summary": summary, "stats_start": start, "stats_end": end,
               "memory": mem, "cyclictest": ct,
               "info": load(os.path.join(d, "info.json"))}
    with open(os.path.join(d, "session.json"), "w") as f:
        json.dump(session, f, indent=1)

    p = summary["processing_us"]
    lines = [
        f"soak: {a.duration} s, {a.rate} Hz / {a.period} frames "
        f"(period {summary['period_us']} us), load: {summary['load']}",
        f"  jackd: {a.jackd}; radiod {a.rt}",
        f"  callbacks {summary['callbacks']}, xruns {summary['xruns']}, "
        f"DSP load {summary['dsp_load_percent']} %",
        f"  processing us: p50 {p['p50']}  p99 {p['p99']}  p99.9 {p['p999']}  max {p['max']}"
        f"  (p99.9 = {summary['processing_p999_pct_of_period']} % of the period,"
        f" max = {summary['processing_max_pct_of_period']} %)",
        f"  jitter us: p99 {summary['jitter_us']['p99']}  max {summary['jitter_us']['max']}"
        f"  min {summary['jitter_us']['min']}",
        f"  wake-up us: p50 {summary['wakeup_us']['p50']}  p99 {summary['wakeup_us']['p99']}"
        f"  max {summary['wakeup_us']['max']}",
    ]
    if summary["cyclictest_us"]:
        c = summary["cyclictest_us"]
        lines.append(f"  cyclictest (same time, 1 ms timer) us: p50 {c.get('p50_us')}"
                     f"  p99 {c.get('p99_us')}  p99.9 {c.get('p999_us')}  max {c.get('max_us')}")
    m = mem["end"]
    if m:
        lines.append(f"  memory kB: RSS {m['rss_kb']}, JACK shm {m['jack_shm_rss_kb']}, "
                     f"RSS - JACK shm {m['rss_minus_jack_shm_kb']}, "
                     f"Private_Clean + Private_Dirty {m['private_clean_kb'] + m['private_dirty_kb']}")
    text = "\n".join(lines) + "\n"
    with open(os.path.join(d, "summary.txt"), "w") as f:
        f.write(text)
    sys.stdout.write(text)


if __name__ == "__main__":
    main()
