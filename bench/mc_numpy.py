"""The Monte Carlo job in vectorised numpy: the same flat model, generator
(uint64 arithmetic over all draws at once), tabulated normals (tails clamped
to the table) and share arithmetic; percentiles with numpy.
Usage: python3 bench/mc_numpy.py MODEL.json"""
import json
import sys
import time

import numpy as np

m = json.load(open(sys.argv[1]))
t0 = time.perf_counter()
U = np.uint64
q = np.array(m["q"])
draws, M = m["draws"], m["nmembers"]


def mix(z):
    z = z + U(0x9E3779B97F4A7C15)
    z = (z ^ (z >> U(30))) * U(0xBF58476D1CE4E5B9)
    z = (z ^ (z >> U(27))) * U(0x94D049BB133111EB)
    return z ^ (z >> U(31))


with np.errstate(over="ignore"):
    d = np.arange(draws, dtype=U)
    key = mix(U(m["seed"]) ^ mix(d))

    def normal(stream):
        u = ((mix(key + U(stream)) >> U(11)).astype(np.float64) + 0.5) * (1.0 / 9007199254740992.0)
        x = u * 4096
        k = np.clip(np.floor(x).astype(np.int64), 1, 4094)
        return q[k] + (x - k) * (q[k + 1] - q[k])

    growth = np.ones((M, draws))
    wf = np.ones(draws)
    wage_at = 0
    stats = {}
    for yi, y in enumerate(m["years"]):
        f = np.ones(draws)
        if m["vary_wage"] and y["wage_steps"] > 0:
            while wage_at < y["wage_steps"]:
                wage_at += 1
                wf = wf * (1 + m["wage_mean"] + m["wage_sd"] * normal(wage_at))
            f = wf
        net = np.maximum(y["cost_other"] + y["cost_wage"] * f - y["grant"], 0)
        members = [mi - 1 for mi in y["members"]]
        base = (1 << 20) + yi * M
        pops = []
        for k, mi in enumerate(members):
            growth[mi] *= 1 + m["pop_mean"] + m["pop_sd"] * normal(base + mi)
            pops.append(y["population"][k] * growth[mi])
        pop = np.array(pops)
        ys = np.array(y["year_share"])[:, None]
        share = np.zeros_like(pop)
        direct = np.zeros(draws)
        for c in y["comps"]:
            if c["kind"] <= 2:
                if c["kind"] == 0:
                    v = np.full_like(pop, c["amount"])
                elif c["kind"] == 1:
                    v = c["amount"] * pop
                else:
                    v = np.array([c["by_member"][mi] for mi in members])[:, None] * np.ones(draws)
                v = v * ys
                share += v
                direct += v.sum(axis=0)
        rest = np.maximum(net - direct, 0)
        for c in y["comps"]:
            if c["kind"] > 2:
                if c["kind"] == 3:
                    w = np.ones_like(pop)
                elif c["kind"] == 4:
                    w = pop
                else:
                    w = np.array([c["by_member"][mi] for mi in members])[:, None] * np.ones(draws)
                w = w * ys
                share += c["amount"] * rest * w / w.sum(axis=0)
        pct = np.percentile(share, [5, 50, 95], axis=1, method="closest_observation")
        for k, mi in enumerate(members):
            stats[yi * M + mi] = (share[k].mean(), pct[0][k], pct[1][k], pct[2][k])
t = time.perf_counter() - t0
my = sum(len(y["members"]) for y in m["years"]) * draws
cell = m["check"]["cell"] - 1
print("numpy     %8.3f s  %7.1f M member-years/s  (Rana 2033 mean %.2f)" % (t, my / t / 1e6, stats[cell][0]))
