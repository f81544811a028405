// bench/bench_dsp.cc - Google Benchmark of libdsp's C API, stage by stage and
// as the daemon's whole chain, with the peers in the same process: x42 fil4
// and LSP Parametric EQ hosted through lilv, and FFTW's raw r2c.
//
// Settings of the headline figures: 48 kHz, 512 frames, 2 channels, 8 peaking
// bands at the ISO octaves 31.5 Hz .. 4 kHz, Q 1, gains kGainDb, spectrum
// every block (its hop is 512 frames).  Input: pink noise at -20 dBFS, the
// same buffers for radiod and every peer.  Every benchmark reports, besides
// Google Benchmark's time per iteration (one block), "period_pct" (% of the
// period budget) and "ns_per_frame"; the EQ also "ns_per_section_frame".
//
//   bench_dsp [Google Benchmark options]      run (bench/run adds repetitions
//                                             and JSON output)
//   bench_dsp --peers                         print the peers' settings and
//                                             each one's measured response
//                                             against radiod's design
//   bench_dsp --kernels                       print the kernels libdsp selects
//   bench_dsp --count WHAT BLOCKS [FRAMES]    run WHAT (chain, eq, fil4x2,
//                                             lsp, fftw) for callgrind
//
// RADIOD_DSP_ISA=c|sse2|avx2 selects libdsp's kernels; the benchmarks named
// .../isa:NAME set it themselves.
#include "config.h"

#include <benchmark/benchmark.h>
#include <fftw3.h>

#include <cmath>
#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <functional>
#include <string>
#include <vector>

extern "C" {
#define restrict __restrict
#include "libdsp/dsp-kernels.h"
#include "libdsp/eq.h"
#include "libdsp/gain.h"
#include "libdsp/histogram.h"
#include "libdsp/meter.h"
#include "libdsp/siggen.h"
#include "libdsp/spectrum.h"
#undef restrict
}

#ifdef HAVE_LILV
#include <lilv/lilv.h>
#include <lv2/atom/atom.h>
#include <lv2/urid/urid.h>
#endif

namespace {

constexpr double kRate = 48000.0;
constexpr uint32_t kFrames = 512, kChannels = 2, kBands = 8;
constexpr uint32_t kMaxFrames = 4096, kMaxChannels = 8;
constexpr double kQ = 1.0;
// Alternating boosts and cuts: every band does work, none is the identity.
constexpr double kGainDb[8] = { 6.0, -4.0, 3.0, -6.0, 4.0, -3.0, 5.0, -2.0 };

struct Input {
	std::vector<float> ch[kMaxChannels];
	Input()
	{
		for (uint32_t c = 0; c < kMaxChannels; c++) {
			siggen_params p{};
			p.kind = SIGGEN_PINK;
			p.level_dbfs = -20.0;
			p.seed = 1 + c;
			siggen g;
			if (siggen_init(&g, &p, kRate, nullptr) != 0)
				abort();
			ch[c].resize(kMaxFrames);
			siggen_process(&g, ch[c].data(), kMaxFrames);
		}
	}
};

const Input &input()
{
	static Input in;
	return in;
}

// Buffers of one block: in (a copy of the input) and out.
struct Buffers {
	std::vector<float> in[kMaxChannels], out[kMaxChannels];
	const float *inp[kMaxChannels];
	float *outp[kMaxChannels];
	explicit Buffers(uint32_t nch)
	{
		for (uint32_t c = 0; c < kMaxChannels; c++) {
			in[c] = input().ch[c % kMaxChannels];
			out[c].assign(kMaxFrames, 0.0f);
			inp[c] = in[c].data();
			outp[c] = out[c].data();
		}
		(void)nch;
	}
};

struct IsaScope {
	explicit IsaScope(const char *isa)
	{
		if (isa)
			setenv("RADIOD_DSP_ISA", isa, 1);
	}
	~IsaScope() { unsetenv("RADIOD_DSP_ISA"); }
};

eq_params bench_params(uint32_t bands)
{
	eq_params p;
	eq_params_default(&p, bands);
	for (uint32_t b = 0; b < bands; b++) {
		p.band[b].gain_db = kGainDb[b % 8];
		p.band[b].q = kQ;
	}
	return p;
}

// An eq at its design, the ramp finished.
eq *make_eq(uint32_t nch, uint32_t bands, const char *isa)
{
	IsaScope scope(isa);
	const char *err = nullptr;
	eq *e = eq_create(nch, kRate, EQ_DEFAULT_RAMP_MS, &err);
	struct eq_design d;
	eq_params p = bench_params(bands);
	if (!e || eq_design(&d, &p, kRate, &err) != 0 || eq_set_design(e, &d) != 0) {
		fprintf(stderr, "bench: eq: %s\n", err ? err : "?");
		abort();
	}
	Buffers b(nch);
	for (int i = 0; i < 100; i++)
		eq_process(e, b.inp, b.outp, 512);
	return e;
}

void counters(benchmark::State &st, uint32_t frames, double work = 0.0)
{
	double period = frames / kRate;
	using C = benchmark::Counter;
	st.counters["period_pct"] = C(period / 100.0, C::kIsIterationInvariantRate | C::kInvert);
	st.counters["ns_per_frame"] = C(frames * 1e-9, C::kIsIterationInvariantRate | C::kInvert);
	if (work > 0.0)
		st.counters["ns_per_section_frame"] =
			C(work * 1e-9, C::kIsIterationInvariantRate | C::kInvert);
	st.counters["frames"] = frames;
}

// ------------------------------------------------------------ radiod stages

void bm_eq(benchmark::State &st, const char *isa, uint32_t frames, uint32_t nch, uint32_t bands)
{
	eq *e = make_eq(nch, bands, isa);
	Buffers b(nch);
	for (auto _ : st) {
		eq_process(e, b.inp, b.outp, frames);
		benchmark::ClobberMemory();
	}
	counters(st, frames, (double)frames * nch * bands);
	eq_destroy(e);
}

void bm_eq_ramp(benchmark::State &st, const char *isa)
{
	eq *e = make_eq(kChannels, kBands, isa);
	eq_params p = bench_params(kBands);
	for (uint32_t b = 0; b < kBands; b++)
		p.band[b].gain_db = -p.band[b].gain_db;
	struct eq_design d[2];
	eq_design(&d[0], &p, kRate, nullptr);
	p = bench_params(kBands);
	eq_design(&d[1], &p, kRate, nullptr);
	Buffers b(kChannels);
	unsigned k = 0;
	for (auto _ : st) {
		// A new 20 ms ramp every block: always ramping.
		eq_set_design(e, &d[k++ & 1]);
		eq_process(e, b.inp, b.outp, kFrames);
		benchmark::ClobberMemory();
	}
	counters(st, kFrames, (double)kFrames * kChannels * kBands);
	eq_destroy(e);
}

void bm_copy(benchmark::State &st)
{
	Buffers b(kChannels);
	for (auto _ : st) {
		for (uint32_t c = 0; c < kChannels; c++)
			memcpy(b.outp[c], b.inp[c], kFrames * sizeof(float));
		benchmark::ClobberMemory();
	}
	counters(st, kFrames);
}

// Volume -6 dB, steady.  The block is copied in first (as the daemon copies
// JACK's input to its output), so the gain does not decay into denormals;
// stage/copy is that copy alone.
void bm_gain(benchmark::State &st)
{
	gain *g = gain_create(kChannels, kRate, nullptr);
	gain_set_volume(g, -6.0, 0.0);
	Buffers b(kChannels);
	for (auto _ : st) {
		for (uint32_t c = 0; c < kChannels; c++)
			memcpy(b.outp[c], b.inp[c], kFrames * sizeof(float));
		gain_process(g, b.outp, kFrames);
		benchmark::ClobberMemory();
	}
	counters(st, kFrames);
	gain_destroy(g);
}

void bm_meter(benchmark::State &st, const char *isa, uint32_t frames, uint32_t nch)
{
	IsaScope scope(isa);
	meter *m = meter_create(nch, kRate, 0, nullptr);
	Buffers b(nch);
	for (auto _ : st) {
		meter_process(m, b.inp, frames);
		benchmark::ClobberMemory();
	}
	counters(st, frames, (double)frames * nch);
	meter_destroy(m);
}

// Window + FFT + |X|^2 + band sums + smoothing + publish; at 512 frames a
// transform every block, at fewer frames one every 512 frames.
void bm_spectrum(benchmark::State &st, const char *isa, uint32_t frames, bool measure)
{
	IsaScope scope(isa);
	spectrum_config cfg;
	spectrum_config_default(&cfg);
	cfg.measure_fft = measure;
	spectrum *s = spectrum_create(kChannels, kRate, &cfg, nullptr);
	if (measure)
		fftwf_forget_wisdom(); // later ESTIMATE plans stay ESTIMATE plans
	Buffers b(kChannels);
	for (auto _ : st) {
		spectrum_process(s, b.inp, frames);
		benchmark::ClobberMemory();
	}
	counters(st, frames);
	spectrum_destroy(s);
}

void bm_siggen(benchmark::State &st, siggen_kind kind)
{
	siggen_params p{};
	p.kind = kind;
	p.freq_hz = 1000.0;
	p.level_dbfs = -20.0;
	p.seed = 3;
	siggen g;
	siggen_init(&g, &p, kRate, nullptr);
	std::vector<float> out(kFrames);
	for (auto _ : st) {
		siggen_process(&g, out.data(), kFrames);
		benchmark::ClobberMemory();
	}
	counters(st, kFrames);
}

// The three records of a callback: jitter, processing, wake-up.
void bm_histogram(benchmark::State &st)
{
	histogram *h[3] = { histogram_create(true, nullptr), histogram_create(false, nullptr),
			    histogram_create(false, nullptr) };
	int64_t v = 0;
	for (auto _ : st) {
		v = (v * 1103515245 + 12345) & 0xffff;
		histogram_record(h[0], v - 32768);
		histogram_record(h[1], 3000 + v);
		histogram_record(h[2], 20000 + 3 * v);
	}
	counters(st, kFrames);
	for (auto *x : h)
		histogram_destroy(x);
}

// The daemon's chain (daemon/engine.c rt_process), without JACK: copy the
// input to the output buffers, EQ, volume, meters, spectrum, three records.
// The spectrum's transform is planned as radiod plans it: by measurement
// (FFTW_MEASURE; radiod keeps the wisdom, daemon/wisdom.h).
struct Chain {
	eq *e;
	gain *g;
	meter *m;
	spectrum *s;
	histogram *h[3];
	Buffers b;
	int64_t v = 0;
	Chain(const char *isa, uint32_t nch) : b(nch)
	{
		e = make_eq(nch, kBands, isa);
		IsaScope scope(isa);
		g = gain_create(nch, kRate, nullptr);
		gain_set_volume(g, -6.0, 0.0);
		m = meter_create(nch, kRate, 0, nullptr);
		spectrum_config sc;
		spectrum_config_default(&sc);
		sc.measure_fft = true;
		s = spectrum_create(nch, kRate, &sc, nullptr);
		fftwf_forget_wisdom(); // later ESTIMATE plans stay ESTIMATE plans
		h[0] = histogram_create(true, nullptr);
		h[1] = histogram_create(false, nullptr);
		h[2] = histogram_create(false, nullptr);
		nch_ = nch;
	}
	~Chain()
	{
		for (auto *x : h)
			histogram_destroy(x);
		spectrum_destroy(s);
		meter_destroy(m);
		gain_destroy(g);
		eq_destroy(e);
	}
	void block(uint32_t n)
	{
		for (uint32_t c = 0; c < nch_; c++)
			memcpy(b.outp[c], b.inp[c], n * sizeof(float));
		eq_process(e, (const float *const *)b.outp, b.outp, n);
		gain_process(g, b.outp, n);
		meter_process(m, (const float *const *)b.outp, n);
		spectrum_process(s, (const float *const *)b.outp, n);
		v = (v * 1103515245 + 12345) & 0xffff;
		histogram_record(h[0], v - 32768);
		histogram_record(h[1], 3000 + v);
		histogram_record(h[2], 20000 + 3 * v);
	}
	uint32_t nch_;
};

void bm_chain(benchmark::State &st, const char *isa, uint32_t frames)
{
	Chain ch(isa, kChannels);
	for (auto _ : st) {
		ch.block(frames);
		benchmark::ClobberMemory();
	}
	counters(st, frames);
}

// ------------------------------------------------------------------- peers

// FFTW's r2c of 2048 points alone: the floor of the spectrum stage.
void bm_fftw(benchmark::State &st, bool measure)
{
	float *in = fftwf_alloc_real(SPECTRUM_SIZE);
	fftwf_complex *out = fftwf_alloc_complex(SPECTRUM_SIZE / 2 + 1);
	fftwf_plan plan = fftwf_plan_dft_r2c_1d(SPECTRUM_SIZE, in, out,
						measure ? FFTW_MEASURE : FFTW_ESTIMATE);
	if (measure)
		fftwf_forget_wisdom();
	for (uint32_t i = 0; i < SPECTRUM_SIZE; i++)
		in[i] = input().ch[0][i];
	for (auto _ : st) {
		fftwf_execute(plan);
		benchmark::ClobberMemory();
	}
	counters(st, kFrames);
	fftwf_destroy_plan(plan);
	fftwf_free(in);
	fftwf_free(out);
}

#ifdef HAVE_LILV
struct UridMap {
	std::vector<std::string> uris;
	LV2_URID_Map map;
	LV2_Feature feature;
	UridMap()
	{
		map.handle = this;
		map.map = [](LV2_URID_Map_Handle h, const char *uri) -> LV2_URID {
			auto *self = static_cast<UridMap *>(h);
			for (size_t i = 0; i < self->uris.size(); i++)
				if (self->uris[i] == uri)
					return (LV2_URID)(i + 1);
			self->uris.emplace_back(uri);
			return (LV2_URID)self->uris.size();
		};
		feature.URI = LV2_URID__map;
		feature.data = &map;
	}
};

struct Lv2World {
	LilvWorld *world;
	UridMap urid;
	Lv2World()
	{
		world = lilv_world_new();
		lilv_world_load_all(world);
	}
	~Lv2World() { lilv_world_free(world); }
};

Lv2World &lv2()
{
	static Lv2World w;
	return w;
}

// One instance of a stereo LV2 plugin with every port connected: controls to
// their defaults unless set, atom ports to empty sequences.
struct Lv2Plugin {
	const LilvPlugin *plugin = nullptr;
	LilvInstance *inst = nullptr;
	std::vector<float> control;
	std::vector<std::vector<uint8_t>> atoms;
	std::vector<uint32_t> atom_in, atom_out;
	uint32_t audio_in[2] = { 0, 0 }, audio_out[2] = { 0, 0 };
	std::string uri;

	bool open(const std::string &u, const std::vector<std::pair<std::string, float>> &set)
	{
		uri = u;
		Lv2World &w = lv2();
		LilvNode *n = lilv_new_uri(w.world, u.c_str());
		plugin = lilv_plugins_get_by_uri(lilv_world_get_all_plugins(w.world), n);
		lilv_node_free(n);
		if (!plugin)
			return false;
		const LV2_Feature *features[] = { &w.urid.feature, nullptr };
		inst = lilv_plugin_instantiate(plugin, kRate, features);
		if (!inst)
			return false;
		uint32_t np = lilv_plugin_get_num_ports(plugin);
		std::vector<float> mins(np), maxs(np), defs(np);
		lilv_plugin_get_port_ranges_float(plugin, mins.data(), maxs.data(), defs.data());
		control.assign(np, 0.0f);
		atoms.resize(np);
		LilvNode *audio = lilv_new_uri(w.world, LV2_CORE__AudioPort);
		LilvNode *ctl = lilv_new_uri(w.world, LV2_CORE__ControlPort);
		LilvNode *atom = lilv_new_uri(w.world, LV2_ATOM__AtomPort);
		LilvNode *input = lilv_new_uri(w.world, LV2_CORE__InputPort);
		uint32_t ai = 0, ao = 0;
		for (uint32_t i = 0; i < np; i++) {
			const LilvPort *p = lilv_plugin_get_port_by_index(plugin, i);
			bool in = lilv_port_is_a(plugin, p, input);
			if (lilv_port_is_a(plugin, p, ctl)) {
				control[i] = std::isnan(defs[i]) ? 0.0f : defs[i];
				lilv_instance_connect_port(inst, i, &control[i]);
			} else if (lilv_port_is_a(plugin, p, atom)) {
				atoms[i].assign(65536, 0);
				(in ? atom_in : atom_out).push_back(i);
				lilv_instance_connect_port(inst, i, atoms[i].data());
			} else if (lilv_port_is_a(plugin, p, audio)) {
				if (in && ai < 2)
					audio_in[ai++] = i;
				else if (!in && ao < 2)
					audio_out[ao++] = i;
			}
		}
		lilv_node_free(audio);
		lilv_node_free(ctl);
		lilv_node_free(atom);
		lilv_node_free(input);
		if (ai != 2 || ao != 2)
			return false;
		for (auto &kv : set) {
			LilvNode *sym = lilv_new_string(w.world, kv.first.c_str());
			const LilvPort *p = lilv_plugin_get_port_by_symbol(plugin, sym);
			lilv_node_free(sym);
			if (!p) {
				fprintf(stderr, "bench: %s has no port '%s'\n", u.c_str(), kv.first.c_str());
				return false;
			}
			control[lilv_port_get_index(plugin, p)] = kv.second;
		}
		lilv_instance_activate(inst);
		return true;
	}
	void connect(const float *const *in, float *const *out)
	{
		for (int c = 0; c < 2; c++) {
			lilv_instance_connect_port(inst, audio_in[c], const_cast<float *>(in[c]));
			lilv_instance_connect_port(inst, audio_out[c], out[c]);
		}
	}
	// What a host does before every run: empty input sequences, output
	// sequences sized to their capacity.
	void run(uint32_t n)
	{
		LV2_URID seq = lv2().urid.map.map(&lv2().urid, LV2_ATOM__Sequence);
		LV2_URID chunk = lv2().urid.map.map(&lv2().urid, LV2_ATOM__Chunk);
		for (uint32_t i : atom_in) {
			auto *s = reinterpret_cast<LV2_Atom_Sequence *>(atoms[i].data());
			s->atom.type = seq;
			s->atom.size = sizeof(LV2_Atom_Sequence_Body);
		}
		for (uint32_t i : atom_out) {
			auto *s = reinterpret_cast<LV2_Atom_Sequence *>(atoms[i].data());
			s->atom.type = chunk;
			s->atom.size = (uint32_t)atoms[i].size() - sizeof(LV2_Atom);
		}
		lilv_instance_run(inst, n);
	}
	~Lv2Plugin()
	{
		if (inst) {
			lilv_instance_deactivate(inst);
			lilv_instance_free(inst);
		}
	}
};

const char *const kFil4 = "http://gareus.org/oss/lv2/fil4#stereo";
// Debian 12's LSP (1.2.5) has no x8 build of the Parametric EQ: the x16
// stereo one with bands 8..15 off is the nearest.
const char *const kLsp = "http://lsp-plug.in/plugins/lv2/para_equalizer_x16_stereo";

// fil4's bell (Fons Adriaensen's Regalia-Mitra section): H = (1 + g)/2 +
// (1 - g)/2 A(z), A a lattice allpass with k1 = -cos w0 and k2 = (1 - b)/(1 + b),
// b = bw * 7 f / sqrt(g), f = freq / rate.  Its bandwidth port bw has no
// closed-form link to the cookbook's Q, so it is fitted: the bw whose
// response is closest (largest dB difference, 10 Hz .. 20 kHz) to radiod's
// section.
double fil4_bell_db(double freq, double bw, double gain_db, double f_hz)
{
	double g = pow(10.0, gain_db / 20.0), f = freq / kRate;
	double b = bw * 7.0 * f / sqrt(g), k2 = (1.0 - b) / (1.0 + b), k1 = -cos(2 * M_PI * f);
	double w = 2 * M_PI * f_hz / kRate;
	// A(e^jw) = (k2 + k1 (1 + k2) e^-jw + e^-2jw) / (1 + k1 (1 + k2) e^-jw + k2 e^-2jw)
	double c1 = cos(w), s1 = -sin(w), c2 = cos(2 * w), s2 = -sin(2 * w);
	double nr = k2 + k1 * (1 + k2) * c1 + c2, ni = k1 * (1 + k2) * s1 + s2;
	double dr = 1 + k1 * (1 + k2) * c1 + k2 * c2, di = k1 * (1 + k2) * s1 + k2 * s2;
	double den = dr * dr + di * di;
	double ar = (nr * dr + ni * di) / den, ai = (ni * dr - nr * di) / den;
	double hr = (1 + g) / 2 + (1 - g) / 2 * ar, hi = (1 - g) / 2 * ai;
	return 10 * log10(hr * hr + hi * hi);
}

double fil4_fit_bw(double freq, double gain_db)
{
	biquad_coefs c;
	biquad_design(&c, BIQUAD_PEAKING, kRate, freq, kQ, gain_db);
	auto err = [&](double bw) {
		double e = 0;
		for (double f = 10; f < 20000; f *= 1.03) {
			double want;
			biquad_response(&c, kRate, f, &want, nullptr);
			e = fmax(e, fabs(fil4_bell_db(freq, bw, gain_db, f) - want));
		}
		return e;
	};
	double lo = 0.0625, hi = 4.0;
	for (int i = 0; i < 80; i++) { // golden section
		double a = hi - (hi - lo) * 0.618, b = lo + (hi - lo) * 0.618;
		if (err(a) < err(b))
			hi = b;
		else
			lo = a;
	}
	return 0.5 * (lo + hi);
}

// fil4 has four bells (plus shelves, high- and low-pass): two instances in
// series carry radiod's eight bells, instance 0 bands 0..3, instance 1 4..7.
std::vector<std::pair<std::string, float>> fil4_bells(int half)
{
	eq_params p = bench_params(kBands);
	std::vector<std::pair<std::string, float>> s = {
		{ "enable", 1 }, { "gain", 0 }, { "HighPass", 0 }, { "LowPass", 0 },
		{ "LSsec", 0 }, { "HSsec", 0 },
	};
	for (int j = 0; j < 4; j++) {
		const eq_band &b = p.band[4 * half + j];
		std::string n = std::to_string(j + 1);
		s.push_back({ "sec" + n, 1 });
		s.push_back({ "freq" + n, (float)b.freq });
		s.push_back({ "q" + n, (float)fil4_fit_bw(b.freq, b.gain_db) });
		s.push_back({ "gain" + n, (float)b.gain_db });
	}
	return s;
}

// One fil4 with all eight of its filters on, as a user would fill it: four
// bells at radiod's bands 2..5, low shelf at band 0, high shelf at band 7,
// high-pass 20 Hz, low-pass 20 kHz.  Not radiod's response: the cost of a
// full fil4, for reference.
std::vector<std::pair<std::string, float>> fil4_full()
{
	eq_params p = bench_params(kBands);
	std::vector<std::pair<std::string, float>> s = {
		{ "enable", 1 }, { "gain", 0 }, { "HighPass", 1 }, { "HPfreq", 20 },
		{ "HPQ", 0.7f }, { "LowPass", 1 }, { "LPfreq", 20000 }, { "LPQ", 0.7f },
		{ "LSsec", 1 }, { "LSfreq", 40 }, { "LSq", 1 }, { "LSgain", (float)p.band[0].gain_db },
		{ "HSsec", 1 }, { "HSfreq", 4000 }, { "HSq", 1 }, { "HSgain", (float)p.band[7].gain_db },
	};
	for (int j = 0; j < 4; j++) {
		const eq_band &b = p.band[2 + j];
		std::string n = std::to_string(j + 1);
		s.push_back({ "sec" + n, 1 });
		s.push_back({ "freq" + n, (float)b.freq });
		s.push_back({ "q" + n, (float)fil4_fit_bw(b.freq, b.gain_db) });
		s.push_back({ "gain" + n, (float)b.gain_db });
	}
	return s;
}

// LSP: bands 0..7 bells at radiod's frequencies, linear gains, Q; mode 6 is
// "APO (DR)", the cookbook's peaking filter (the response radiod has); mode 0
// "RLC (BT)" is LSP's default.  IIR mode, analyser off, bands 8..15 off.
std::vector<std::pair<std::string, float>> lsp_bells(int mode)
{
	eq_params p = bench_params(kBands);
	std::vector<std::pair<std::string, float>> s = {
		{ "enabled", 1 }, { "mode", 0 }, { "fft", 0 }, { "g_in", 1 }, { "g_out", 1 },
	};
	for (int j = 0; j < 16; j++) {
		std::string n = std::to_string(j);
		if (j >= (int)kBands) {
			s.push_back({ "ft_" + n, 0 });
			continue;
		}
		const eq_band &b = p.band[j];
		s.push_back({ "ft_" + n, 1 });
		s.push_back({ "fm_" + n, (float)mode });
		s.push_back({ "s_" + n, 0 });
		s.push_back({ "f_" + n, (float)b.freq });
		s.push_back({ "g_" + n, (float)pow(10.0, b.gain_db / 20.0) });
		s.push_back({ "q_" + n, (float)b.q });
	}
	return s;
}

struct PeerChain {
	std::vector<Lv2Plugin *> plugins;
	Buffers b{ kChannels };
	std::vector<float> mid[2];
	bool ok = true;
	PeerChain(const char *uri, const std::vector<std::vector<std::pair<std::string, float>>> &cfgs)
	{
		mid[0].assign(kMaxFrames, 0.0f);
		mid[1].assign(kMaxFrames, 0.0f);
		for (auto &cfg : cfgs) {
			auto *p = new Lv2Plugin;
			ok = ok && p->open(uri, cfg);
			plugins.push_back(p);
		}
		if (!ok)
			return;
		// Instance 0 reads the input; the others work in place on out.
		for (size_t i = 0; i < plugins.size(); i++) {
			if (i == 0)
				plugins[i]->connect(b.inp, b.outp);
			else
				plugins[i]->connect((const float *const *)b.outp, b.outp);
		}
		for (int i = 0; i < 200; i++) // let the parameter smoothing settle
			block(512);
	}
	~PeerChain()
	{
		for (auto *p : plugins)
			delete p;
	}
	void block(uint32_t n)
	{
		for (auto *p : plugins)
			p->run(n);
	}
};

void bm_peer(benchmark::State &st, const char *uri,
	     std::vector<std::vector<std::pair<std::string, float>>> cfgs, uint32_t frames)
{
	PeerChain pc(uri, cfgs);
	if (!pc.ok) {
		st.SkipWithError("plugin not available (Debian x42-plugins / lsp-plugins-lv2)");
		for (auto _ : st) {
		}
		return;
	}
	for (auto _ : st) {
		pc.block(frames);
		benchmark::ClobberMemory();
	}
	counters(st, frames, (double)frames * kChannels * kBands);
}
#endif

// Magnitude (dB) of an impulse response at f, by a direct DFT.
double response_db(const std::vector<float> &h, double f)
{
	double re = 0, im = 0, w = 2 * M_PI * f / kRate;
	for (size_t i = 0; i < h.size(); i++) {
		re += h[i] * cos(w * i);
		im -= h[i] * sin(w * i);
	}
	return 10 * log10(re * re + im * im);
}

// Each peer's measured response (an impulse after the parameters settled)
// against radiod's designed response, and radiod's own for comparison.
int print_peers()
{
	eq_params p = bench_params(kBands);
	struct eq_design d;
	eq_design(&d, &p, kRate, nullptr);
	printf("radiod: %u peaking bands, Q %.2f, at %.0f Hz:\n", kBands, kQ, kRate);
	for (uint32_t b = 0; b < kBands; b++)
		printf("  band %u: %7.1f Hz  %+5.1f dB  Q %.2f\n", b, p.band[b].freq,
		       p.band[b].gain_db, p.band[b].q);
	const size_t len = 1 << 15;
	auto measure = [&](std::function<void(const float *const *, float *const *, uint32_t)> run) {
		std::vector<float> imp[2], out[2], h;
		for (int c = 0; c < 2; c++) {
			imp[c].assign(len, 0.0f);
			out[c].assign(len, 0.0f);
		}
		imp[0][0] = imp[1][0] = 1.0f;
		for (size_t off = 0; off < len; off += 512) {
			const float *in[2] = { imp[0].data() + off, imp[1].data() + off };
			float *o[2] = { out[0].data() + off, out[1].data() + off };
			run(in, o, 512);
		}
		double worst = 0;
		for (double f = 20; f <= 20000; f *= 1.01)
			worst = fmax(worst, fabs(response_db(out[0], f) - eq_response(&d, kRate, f, nullptr)));
		return worst;
	};
	{
		eq *e = make_eq(2, kBands, nullptr);
		eq_reset(e);
		printf("\nradiod eq (%s kernels): largest difference from its design, 20 Hz .. 20 kHz: %.4f dB\n",
		       dsp_kernels_select()->name,
		       measure([&](const float *const *in, float *const *out, uint32_t n) {
			       eq_process(e, in, out, n);
		       }));
		eq_destroy(e);
	}
#ifdef HAVE_LILV
	struct Peer {
		const char *name, *uri;
		std::vector<std::vector<std::pair<std::string, float>>> cfgs;
	};
	std::vector<Peer> peers = {
		{ "fil4 x2 (8 bells)", kFil4, { fil4_bells(0), fil4_bells(1) } },
		{ "fil4 (all 8 filters)", kFil4, { fil4_full() } },
		{ "LSP para x16 stereo, 8 bells, APO (DR)", kLsp, { lsp_bells(6) } },
		{ "LSP para x16 stereo, 8 bells, RLC (BT)", kLsp, { lsp_bells(0) } },
	};
	for (auto &peer : peers) {
		printf("\n%s: %s\n", peer.name, peer.uri);
		for (size_t i = 0; i < peer.cfgs.size(); i++) {
			printf("  instance %zu:", i);
			int k = 0;
			for (auto &kv : peer.cfgs[i])
				printf("%s %s=%g", k++ % 6 ? "" : "\n   ", kv.first.c_str(), kv.second);
			printf("\n");
		}
		// The measurement needs its own instances: silence first, then the impulse.
		std::vector<Lv2Plugin *> pl;
		bool ok = true;
		for (auto &cfg : peer.cfgs) {
			pl.push_back(new Lv2Plugin);
			ok = ok && pl.back()->open(peer.uri, cfg);
		}
		if (ok) {
			std::vector<float> z[2], o[2];
			for (int c = 0; c < 2; c++) {
				z[c].assign(512, 0.0f);
				o[c].assign(512, 0.0f);
			}
			const float *zi[2] = { z[0].data(), z[1].data() };
			float *zo[2] = { o[0].data(), o[1].data() };
			for (auto *x : pl)
				x->connect(zi, zo);
			for (int i = 0; i < 200; i++)
				for (auto *x : pl)
					x->run(512);
			double w = measure([&](const float *const *in, float *const *out, uint32_t n) {
				for (size_t i = 0; i < pl.size(); i++) {
					if (i == 0)
						pl[i]->connect(in, out);
					else
						pl[i]->connect((const float *const *)out, out);
					pl[i]->run(n);
				}
			});
			printf("  largest difference from radiod's design, 20 Hz .. 20 kHz: %.3f dB\n", w);
		} else {
			printf("  not available\n");
		}
		for (auto *x : pl)
			delete x;
	}
#else
	printf("\n(built without lilv: no LV2 peers)\n");
#endif
	return 0;
}

// A loop that callgrind counts alone (--toggle-collect=bench_count_loop).
extern "C" __attribute__((noinline)) void bench_count_loop(const std::function<void()> &f,
							  long n)
{
	for (long i = 0; i < n; i++)
		f();
}

int count(const std::string &what, long n, uint32_t frames)
{
	std::function<void()> f;
	Chain *chain = nullptr;
	eq *e = nullptr;
	Buffers b(kChannels);
	if (what == "chain") {
		chain = new Chain(nullptr, kChannels);
		f = [&] { chain->block(frames); };
	} else if (what == "eq") {
		e = make_eq(kChannels, kBands, nullptr);
		f = [&] { eq_process(e, b.inp, b.outp, frames); };
	}
#ifdef HAVE_LILV
	PeerChain *pc = nullptr;
	if (what == "fil4x2")
		pc = new PeerChain(kFil4, { fil4_bells(0), fil4_bells(1) });
	else if (what == "lsp")
		pc = new PeerChain(kLsp, { lsp_bells(6) });
	if (pc)
		f = [&] { pc->block(frames); };
#endif
	float *in = nullptr;
	fftwf_complex *out = nullptr;
	fftwf_plan plan = nullptr;
	if (what == "fftw") {
		in = fftwf_alloc_real(SPECTRUM_SIZE);
		out = fftwf_alloc_complex(SPECTRUM_SIZE / 2 + 1);
		plan = fftwf_plan_dft_r2c_1d(SPECTRUM_SIZE, in, out, FFTW_ESTIMATE);
		for (uint32_t i = 0; i < SPECTRUM_SIZE; i++)
			in[i] = input().ch[0][i];
		f = [&] { fftwf_execute(plan); };
	}
	if (!f) {
		fprintf(stderr, "bench: --count: chain, eq, fil4x2, lsp or fftw\n");
		return 2;
	}
	for (int i = 0; i < 10; i++)
		f();
	bench_count_loop(f, n);
	printf("%s: %ld blocks (kernels: %s)\n", what.c_str(), n, dsp_kernels_select()->name);
	delete chain;
	if (e)
		eq_destroy(e);
	return 0;
}

void register_all()
{
	using benchmark::RegisterBenchmark;
	std::vector<const char *> isas;
	for (const char *const *n = dsp_kernels_names(); *n; n++)
		if (dsp_kernels_find(*n))
			isas.push_back(*n);
	auto name = [](const std::string &s) { return s; };

	// Headline: 48 kHz / 512 / stereo / 8 bands; default kernels first.
	RegisterBenchmark(name("chain").c_str(), bm_chain, nullptr, kFrames);
	RegisterBenchmark("stage/eq", bm_eq, nullptr, kFrames, kChannels, kBands);
	RegisterBenchmark("stage/eq_ramping", bm_eq_ramp, nullptr);
	RegisterBenchmark("stage/copy", bm_copy);
	RegisterBenchmark("stage/gain", bm_gain);
	RegisterBenchmark("stage/meter", bm_meter, nullptr, kFrames, kChannels);
	RegisterBenchmark("stage/spectrum", bm_spectrum, nullptr, kFrames, false);
	RegisterBenchmark("stage/spectrum_measure_fft", bm_spectrum, nullptr, kFrames, true);
	RegisterBenchmark("stage/siggen_sine", bm_siggen, SIGGEN_SINE);
	RegisterBenchmark("stage/siggen_pink", bm_siggen, SIGGEN_PINK);
	RegisterBenchmark("stage/histogram_record_x3", bm_histogram);
	RegisterBenchmark("peer/fftw_r2c_2048_estimate", bm_fftw, false);
	RegisterBenchmark("peer/fftw_r2c_2048_measure", bm_fftw, true);
#ifdef HAVE_LILV
	RegisterBenchmark("peer/fil4x2_8bells", bm_peer, kFil4,
			  std::vector<std::vector<std::pair<std::string, float>>>{ fil4_bells(0), fil4_bells(1) },
			  kFrames);
	RegisterBenchmark("peer/fil4_all8filters", bm_peer, kFil4,
			  std::vector<std::vector<std::pair<std::string, float>>>{ fil4_full() }, kFrames);
	RegisterBenchmark("peer/lsp_para_x16_8bells_apo", bm_peer, kLsp,
			  std::vector<std::vector<std::pair<std::string, float>>>{ lsp_bells(6) }, kFrames);
	RegisterBenchmark("peer/lsp_para_x16_8bells_rlc", bm_peer, kLsp,
			  std::vector<std::vector<std::pair<std::string, float>>>{ lsp_bells(0) }, kFrames);
#endif
	// Every kernel variant this CPU runs.
	for (const char *isa : isas) {
		std::string s = std::string("/isa:") + isa;
		RegisterBenchmark(("chain" + s).c_str(), bm_chain, isa, kFrames);
		RegisterBenchmark(("stage/eq" + s).c_str(), bm_eq, isa, kFrames, kChannels, kBands);
		RegisterBenchmark(("stage/eq_ramping" + s).c_str(), bm_eq_ramp, isa);
		RegisterBenchmark(("stage/meter" + s).c_str(), bm_meter, isa, kFrames, kChannels);
		RegisterBenchmark(("stage/spectrum" + s).c_str(), bm_spectrum, isa, kFrames, false);
	}
	// Scaling, default kernels.
	for (uint32_t n = 32; n <= kMaxFrames; n *= 2) {
		std::string s = "/frames:" + std::to_string(n);
		RegisterBenchmark(("scale/eq" + s).c_str(), bm_eq, nullptr, n, kChannels, kBands);
		RegisterBenchmark(("scale/meter" + s).c_str(), bm_meter, nullptr, n, kChannels);
		RegisterBenchmark(("scale/spectrum" + s).c_str(), bm_spectrum, nullptr, n, false);
		RegisterBenchmark(("scale/chain" + s).c_str(), bm_chain, nullptr, n);
	}
	for (uint32_t bands = 1; bands <= EQ_MAX_BANDS; bands++)
		RegisterBenchmark(("scale/eq/bands:" + std::to_string(bands)).c_str(), bm_eq, nullptr,
				  kFrames, kChannels, bands);
	for (uint32_t nch = 1; nch <= kMaxChannels; nch++) {
		RegisterBenchmark(("scale/eq/channels:" + std::to_string(nch)).c_str(), bm_eq, nullptr,
				  kFrames, nch, kBands);
		RegisterBenchmark(("scale/meter/channels:" + std::to_string(nch)).c_str(), bm_meter,
				  nullptr, kFrames, nch);
	}
}

} // namespace

int main(int argc, char **argv)
{
	if (argc >= 2 && strcmp(argv[1], "--kernels") == 0) {
		printf("%s\n", dsp_kernels_select()->name);
		return 0;
	}
	if (argc >= 2 && strcmp(argv[1], "--peers") == 0)
		return print_peers();
	if (argc >= 4 && strcmp(argv[1], "--count") == 0)
		return count(argv[2], atol(argv[3]),
			     argc >= 5 ? (uint32_t)atol(argv[4]) : kFrames);
	benchmark::AddCustomContext("radiod_kernels_default", dsp_kernels_select()->name);
	benchmark::AddCustomContext("settings", "48 kHz, 512 frames, 2 channels, 8 peaking bands "
						"(31.5 Hz .. 4 kHz, Q 1), pink noise -20 dBFS");
	register_all();
	benchmark::Initialize(&argc, argv);
	if (benchmark::ReportUnrecognizedArguments(argc, argv))
		return 1;
	benchmark::RunSpecifiedBenchmarks();
	benchmark::Shutdown();
	return 0;
}
