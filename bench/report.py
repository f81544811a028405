#!/usr/bin/env python3
"""bench/report.py OUT - the tables of bench/README.md from a bench/run
folder: medians of the repetitions (CPU time of the benchmark thread), % of
the period, ratios to the peers, scaling, callgrind counts, the targets.
Standard library only."""

import json
import os
import sys

PERIOD_NS = 512 / 48000 * 1e9


def main():
    out = sys.argv[1]
    with open(os.path.join(out, "bench.json")) as f:
        data = json.load(f)
    med, cv = {}, {}
    for b in data["benchmarks"]:
        if b.get("run_type") != "aggregate":
            continue
        scale = {"ns": 1.0, "us": 1e3, "ms": 1e6, "s": 1e9}[b.get("time_unit", "ns")]
        if b["aggregate_name"] == "median":
            med[b["run_name"]] = b["cpu_time"] * scale
        elif b["aggregate_name"] == "cv":
            cv[b["run_name"]] = b["cpu_time"]
    cg = {}
    try:
        with open(os.path.join(out, "callgrind.json")) as f:
            cg = json.load(f)
    except (OSError, ValueError):
        pass
    machine = ""
    try:
        with open(os.path.join(out, "machine.txt")) as f:
            machine = f.read()
    except OSError:
        pass
    reps = data["benchmarks"][0].get("repetitions", "?") if data["benchmarks"] else "?"

    def us(name):
        v = med.get(name)
        return "—" if v is None else f"{v / 1000:.2f}"

    def pct(name):
        v = med.get(name)
        return "—" if v is None else f"{100 * v / PERIOD_NS:.3f}"

    def cvs(name):
        v = cv.get(name)
        return "—" if v is None else f"{100 * v:.1f}"

    def ratio(a, b):
        if a not in med or b not in med:
            return None
        return med[a] / med[b]

    def fmt(r, digits=2):
        return "—" if r is None else f"{r:.{digits}f}"

    L = []
    L.append("## Results\n")
    L.append("```")
    L.append(machine.strip())
    L.append("```\n")
    L.append(f"Medians of {reps} repetitions, CPU time of the benchmark thread per block; "
             "48 kHz, 512 frames (period 10.67 ms), 2 channels, 8 peaking bands, "
             "pink noise -20 dBFS; cv = coefficient of variation of the repetitions.\n")
    L.append("| stage | µs per block | % of period | cv % | instructions per block |")
    L.append("|---|---:|---:|---:|---:|")
    rows = [("whole chain (copy, EQ, gain, meters, spectrum, 3 records)", "chain", "chain"),
            ("EQ, 8 bands, stereo", "stage/eq", "eq"),
            ("EQ while ramping (a new design every block)", "stage/eq_ramping", None),
            ("copy in → out (the daemon's)", "stage/copy", None),
            ("gain -6 dB (including that copy)", "stage/gain", None),
            ("meters", "stage/meter", None),
            ("spectrum: window + FFT + |X|² + bands + smoothing, measured plan (radiod's)",
             "stage/spectrum_measure_fft", None),
            ("spectrum with an FFTW_ESTIMATE plan", "stage/spectrum", None),
            ("signal generator, sine", "stage/siggen_sine", None),
            ("signal generator, pink noise", "stage/siggen_pink", None),
            ("histogram_record × 3", "stage/histogram_record_x3", None)]
    for label, name, c in rows:
        L.append(f"| {label} | {us(name)} | {pct(name)} | {cvs(name)} | "
                 f"{cg.get(c, '—') if c else '—'} |")
    L.append("")
    L.append("### Peers, same run, same input and settings\n")
    L.append("| peer | µs per block | instructions per block | peer / radiod |")
    L.append("|---|---:|---:|---:|")
    peers = [("x42 fil4 × 2 (8 bells, radiod's response within 0.02 dB)", "peer/fil4x2_8bells", "fil4x2", "stage/eq"),
             ("x42 fil4 × 1 (all its 8 filters: 4 bells, 2 shelves, HP, LP)", "peer/fil4_all8filters", None, "stage/eq"),
             ("LSP Parametric EQ x16 stereo, 8 bells, APO (DR)", "peer/lsp_para_x16_8bells_apo", "lsp", "stage/eq"),
             ("LSP Parametric EQ x16 stereo, 8 bells, RLC (BT)", "peer/lsp_para_x16_8bells_rlc", None, "stage/eq"),
             ("FFTW r2c 2048, FFTW_MEASURE (radiod's plan)", "peer/fftw_r2c_2048_measure", None,
              "stage/spectrum_measure_fft"),
             ("FFTW r2c 2048, FFTW_ESTIMATE", "peer/fftw_r2c_2048_estimate", "fftw", "stage/spectrum")]
    for label, name, c, ours in peers:
        r = ratio(name, ours)
        L.append(f"| {label} | {us(name)} | {cg.get(c, '—') if c else '—'} | "
                 f"{fmt(r)} (vs {ours.split('/')[-1]}) |")
    L.append("")
    L.append("### Kernel variants (RADIOD_DSP_ISA)\n")
    isas = [i for i in ("c", "sse2", "avx2") if f"stage/eq/isa:{i}" in med]
    L.append("| stage | " + " | ".join(f"{i} µs" for i in isas) + " | " +
             " | ".join(f"{i} speed-up" for i in isas if i != "c") + " |")
    L.append("|---|" + "---:|" * (2 * len(isas) - 1))
    for st in ("chain", "stage/eq", "stage/eq_ramping", "stage/meter", "stage/spectrum"):
        cells = [us(f"{st}/isa:{i}") for i in isas]
        sp = [fmt(ratio(f"{st}/isa:c", f"{st}/isa:{i}")) for i in isas if i != "c"]
        L.append(f"| {st} | " + " | ".join(cells) + " | " + " | ".join(sp) + " |")
    L.append("")
    L.append("### Scaling (default kernels)\n")

    def series(prefix, key, values, per):
        pts = []
        for v in values:
            n = f"{prefix}/{key}:{v}"
            if n in med:
                pts.append((v, med[n] / per(v)))
        return pts

    frames = [32, 64, 128, 256, 512, 1024, 2048, 4096]
    L.append("| frames per block | " + " | ".join(str(f) for f in frames) + " |")
    L.append("|---|" + "---:|" * len(frames))
    flat, flat256 = {}, {}
    for st in ("eq", "meter", "spectrum", "chain"):
        pts = dict(series(f"scale/{st}", "frames", frames, lambda f: f))
        L.append(f"| {st}, ns per frame | " + " | ".join(
            f"{pts[f]:.2f}" if f in pts else "—" for f in frames) + " |")
        sel = [pts[f] for f in frames if f >= 64 and f in pts]
        if sel:
            flat[st] = max(sel) / min(sel)
        sel = [pts[f] for f in frames if f >= 256 and f in pts]
        if sel:
            flat256[st] = max(sel) / min(sel)
    L.append("")
    bands = list(range(1, 17))
    pb = series("scale/eq", "bands", bands, lambda b: 512 * 2 * b)
    L.append("| EQ bands (stereo, 512) | " + " | ".join(str(b) for b, _ in pb) + " |")
    L.append("|---|" + "---:|" * len(pb))
    L.append("| ns per section × frame | " + " | ".join(f"{v:.3f}" for _, v in pb) + " |")
    L.append("| µs per block | " + " | ".join(us(f"scale/eq/bands:{b}") for b, _ in pb) + " |")
    L.append("")
    chans = list(range(1, 9))
    pc = series("scale/eq", "channels", chans, lambda c: 512 * 8 * c)
    pm = series("scale/meter", "channels", chans, lambda c: 512 * c)
    L.append("| channels (8 bands, 512) | " + " | ".join(str(c) for c, _ in pc) + " |")
    L.append("|---|" + "---:|" * len(pc))
    L.append("| EQ ns per section × frame | " + " | ".join(f"{v:.3f}" for _, v in pc) + " |")
    L.append("| meters ns per channel × frame | " + " | ".join(f"{v:.3f}" for _, v in pm) + " |")
    L.append("")

    L.append("### Targets\n")
    chain = med.get("chain")
    eq = med.get("stage/eq")
    lsp = med.get("peer/lsp_para_x16_8bells_apo")
    lsp_rlc = med.get("peer/lsp_para_x16_8bells_rlc")
    fil = med.get("peer/fil4x2_8bells")
    fil1 = med.get("peer/fil4_all8filters")
    sp, fftw = med.get("stage/spectrum_measure_fft"), med.get("peer/fftw_r2c_2048_measure")
    sp_e, fftw_e = med.get("stage/spectrum"), med.get("peer/fftw_r2c_2048_estimate")

    def verdict(ok):
        return "met" if ok else "MISSED"

    if chain:
        L.append(f"- whole chain median ≤ 5 µs per block: {chain / 1000:.2f} µs "
                 f"({100 * chain / PERIOD_NS:.3f} % of the period) — {verdict(chain <= 5000)}")
    if eq and lsp:
        worst = min(x for x in (lsp, lsp_rlc) if x)
        L.append(f"- EQ ≥ 4× faster than LSP: {lsp / eq:.2f}× (APO), "
                 f"{(lsp_rlc or 0) / eq:.2f}× (RLC) — {verdict(worst / eq >= 4)}")
    if eq and fil:
        L.append(f"- EQ ≥ 20× faster than x42 fil4, two instances carrying radiod's 8 bells: "
                 f"{fil / eq:.1f}× — {verdict(fil / eq >= 20)}")
    if eq and fil1:
        L.append(f"- EQ ≥ 20× faster than x42 fil4, one instance with its 8 filters on "
                 f"(the issue's orientation setup): {fil1 / eq:.1f}× — {verdict(fil1 / eq >= 20)}")
    if sp and fftw:
        L.append(f"- spectrum ≤ 1.6× raw FFTW: {sp / fftw:.2f}× (measured plans, as radiod "
                 f"plans){f', {sp_e / fftw_e:.2f}× (ESTIMATE plans)' if sp_e and fftw_e else ''}"
                 f" — {verdict(sp / fftw <= 1.6)}")
    for st in ("eq", "meter"):
        if st in flat:
            L.append(f"- {st} ns per frame flat from 64 to 4096 frames: largest / smallest "
                     f"{flat[st]:.2f} — {verdict(flat[st] <= 1.25)} (bound used: 1.25); "
                     f"from 256: {flat256.get(st, 0):.2f}")
    if pb:
        v = [x for b, x in pb if b >= 2]
        if v:
            L.append(f"- EQ linear in bands (2..16): ns per section × frame spans "
                     f"{min(v):.3f} .. {max(v):.3f} ({max(v) / min(v):.2f}×)")
    if pc:
        v = [x for _, x in pc]
        L.append(f"- EQ linear in channels (1..8): ns per section × frame spans "
                 f"{min(v):.3f} .. {max(v):.3f} ({max(v) / min(v):.2f}×)")
    print("\n".join(L))


if __name__ == "__main__":
    main()
