"""Benchmark: critical path schedule of a large random network, against networkx.

A random layered network of N activities and 3N links (FS/SS/FF/SF; zero, working,
negative, percent and elapsed lags), activity positions shuffled so the engine must
order them itself, on a Mon-Fri 08:00-12:00 / 13:00-17:00 calendar with the UK's
public holidays. The timed run is everything after generation: validation, CSR layout
and topological order (``compile_network``), forward and backward passes, total and
free float, critical flags, and the early/late start/finish of every activity as
``datetime64`` dates. JIT compilation is loaded from numba's on-disk cache during a
warm-up run that is not timed.

Memory is the increase of peak resident set size (VmHWM, reset through
/proc/self/clear_refs) over the resident size before one run, in a fresh process that
holds the network, divided by n + links.

The peer is ``networkx.dag_longest_path_length`` on the same network (edge weight:
predecessor duration) at ``peer_n`` activities, graph construction not timed; ours is
the full timed run on that network. Times are the best of several runs, as timeit
does: on a shared machine, noise only ever adds time. At the peer size the runs of
ours and of the peer alternate, so that both are sampled over the same seconds. From
50,000 activities the engine lays out links and gathers results on two threads
(``NUMBA_NUM_THREADS=1`` measures one core).

Usage: ``python benchmarks/cpm.py [--quick] [--n N] [--peer-n N] [--repeat R]``.
The last line printed is one JSON object.
"""

import argparse
import gc
import json
import os
import statistics
import subprocess
import sys
import tempfile
import time
from datetime import datetime
from zoneinfo import ZoneInfo

import numba
import numpy as np

from pmo.engine.calendars import Calendar
from pmo.engine.cpm import Activities, kernels, schedule
from pmo.engine.network import compile_network

LINKS_PER_ACTIVITY = 3


def generate(n: int, seed: int = 7) -> dict[str, np.ndarray]:
    """A random layered network: links go from a layer to one of the next three."""
    rng = np.random.default_rng(seed)
    layers = max(2, round(n**0.5 / 5))
    layer = np.sort(rng.integers(0, layers, n))
    starts = np.searchsorted(layer, np.arange(layers + 1))
    m = LINKS_PER_ACTIVITY * n
    src = rng.integers(0, n, m)
    src_layer = layer[src]
    dst_layer = np.minimum(src_layer + rng.integers(1, 4, m), layers - 1)
    ok = dst_layer > src_layer
    src, dst_layer = src[ok], dst_layer[ok]
    lo, hi = starts[dst_layer], starts[dst_layer + 1]
    keep = hi > lo
    src, lo, hi = src[keep], lo[keep], hi[keep]
    dst = lo + (rng.random(src.shape[0]) * (hi - lo)).astype(np.int64)
    # Top up to exactly 3n links with links inside the first layer pair (always valid).
    missing = m - src.shape[0]
    if missing > 0:
        a = rng.integers(starts[0], starts[1], missing)
        b = rng.integers(starts[1], starts[2], missing)
        src, dst = np.concatenate((src, a)), np.concatenate((dst, b))
    # Shuffle positions: activity i of the layered order is stored at position perm[i].
    perm = rng.permutation(n)
    pred, succ = perm[src], perm[dst]
    kind_draw = rng.random(m)
    link_type = np.select(
        [kind_draw < 0.7, kind_draw < 0.8, kind_draw < 0.9], [0, 1, 2], default=3
    ).astype(np.int8)
    lag_draw = rng.random(m)
    lag = np.zeros(m, dtype=np.int64)
    lag_kind = np.zeros(m, dtype=np.int8)
    working = (lag_draw >= 0.6) & (lag_draw < 0.8)
    lag[working] = rng.integers(1, 2400, working.sum())
    negative = (lag_draw >= 0.8) & (lag_draw < 0.9)
    lag[negative] = -rng.integers(1, 480, negative.sum())
    percent = (lag_draw >= 0.9) & (lag_draw < 0.95)
    lag[percent] = rng.integers(-5000, 10000, percent.sum())
    lag_kind[percent] = 2
    elapsed = lag_draw >= 0.95
    lag[elapsed] = rng.integers(-1440, 4320, elapsed.sum())
    lag_kind[elapsed] = 1
    duration = rng.integers(60, 2400, n)
    duration[rng.random(n) < 0.05] = 0
    ids = rng.permutation(n).astype(np.int64) * 7 + 1000
    return {
        "ids": ids,
        "pred": pred,
        "succ": succ,
        "link_type": link_type,
        "lag": lag,
        "lag_kind": lag_kind,
        "duration": duration[np.argsort(perm)],
    }


CALENDAR = Calendar.standard(timezone="Europe/London").with_country_holidays(
    "GB", range(2026, 2070)
)
START = datetime(2026, 1, 5, 8, 0, tzinfo=ZoneInfo("Europe/London"))


def run(data: dict[str, np.ndarray]) -> tuple[float, object]:
    """The timed work: compile, schedule, floats, critical flags, dates."""
    t0 = time.perf_counter()
    net = compile_network(
        data["pred"],
        data["succ"],
        ids=data["ids"],
        link_type=data["link_type"],
        lag=data["lag"],
        lag_kind=data["lag_kind"],
    )
    res = schedule(net, Activities(duration=data["duration"]), calendars=[CALENDAR], start=START)
    dates = res.all_dates()
    elapsed = time.perf_counter() - t0
    return elapsed, (res, dates)


def _rss_kib(field: str) -> int:
    with open("/proc/self/status") as fh:
        for line in fh:
            if line.startswith(field + ":"):
                return int(line.split()[1])
    return 0


def peak_rss_increase(data: dict[str, np.ndarray]) -> int:
    """Bytes of peak RSS above the RSS before one run, measured in a fresh process.

    A fresh process, because freed memory stays in this one's heap and later runs
    reuse it without raising the resident size.
    """
    with tempfile.TemporaryDirectory() as tmp:
        path = os.path.join(tmp, "network.npz")
        np.savez(path, **data)
        out = subprocess.run(
            [sys.executable, __file__, "--memory-child", path],
            check=True,
            capture_output=True,
            text=True,
        )
    return int(out.stdout.strip().splitlines()[-1])


def memory_child(path: str) -> None:
    """Print the peak RSS increase of one run on the network stored at ``path``."""
    with np.load(path) as stored:
        data = {key: stored[key] for key in stored.files}
    run(generate(1000, seed=1))  # load the kernels first
    gc.collect()
    with open("/proc/self/clear_refs", "w") as fh:
        fh.write("5")  # resets VmHWM to the current resident size
    before = _rss_kib("VmRSS")
    run(data)
    print((_rss_kib("VmHWM") - before) * 1024)


def peer_comparison(
    data: dict[str, np.ndarray], repeat: int, peer_repeat: int
) -> tuple[float, float]:
    """Best times of ours and of ``dag_longest_path_length`` (graph built once) on ``data``.

    The runs are interleaved, ``repeat`` of ours before each of the ``peer_repeat`` runs of
    the peer, so that both sample the same seconds of a shared machine: a best-of-five of
    ours taken within 60 ms against a best-of-three of the peer spread over three seconds
    would compare a moment with a span.
    """
    import networkx as nx

    graph = nx.DiGraph()
    graph.add_nodes_from(range(data["duration"].shape[0]))
    weights = data["duration"][data["pred"]]
    graph.add_weighted_edges_from(
        zip(data["pred"].tolist(), data["succ"].tolist(), weights.tolist(), strict=True)
    )
    ours = peer = float("inf")
    for _ in range(peer_repeat):
        ours = min([ours] + [run(data)[0] for _ in range(repeat)])
        t0 = time.perf_counter()
        nx.dag_longest_path_length(graph)
        peer = min(peer, time.perf_counter() - t0)
    return ours, peer


def jit_was_cached() -> bool:
    """Whether every kernel of the run was loaded from numba's disk cache."""
    from pmo.engine import calendars, network

    dispatchers = [
        network._compile,
        kernels.forward,
        kernels.backward,
        kernels.gather,
        kernels.unpack,
        kernels.span,
        kernels.minute_table,
        kernels.instants_all,
        calendars._map,
    ]
    return all(d.stats.cache_hits and not d.stats.cache_misses for d in dispatchers)


def main(argv: list[str]) -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--quick", action="store_true", help="n=100,000, peer_n=20,000")
    parser.add_argument("--n", type=int, default=None)
    parser.add_argument("--peer-n", type=int, default=None)
    parser.add_argument(
        "--repeat",
        type=int,
        default=5,
        help="timed runs of ours (best); at the peer size, before each peer run",
    )
    parser.add_argument("--peer-repeat", type=int, default=3, help="timed runs of the peer")
    parser.add_argument("--memory-child", help=argparse.SUPPRESS)
    args = parser.parse_args(argv)
    if args.memory_child:
        memory_child(args.memory_child)
        return
    n = args.n or (100_000 if args.quick else 1_000_000)
    peer_n = args.peer_n or (20_000 if args.quick else 100_000)

    # Warm-up: load (or, on a first run, compile) every kernel; not timed.
    run(generate(1000, seed=1))
    jit_cached = jit_was_cached()

    data = generate(n)
    links = int(data["pred"].shape[0])
    times = []
    for _ in range(args.repeat):
        gc.collect()
        seconds, out = run(data)
        times.append(seconds)
        del out
    seconds = min(times)
    mem = peak_rss_increase(data)
    res, _dates = run(data)[1]  # type: ignore[misc]

    peer_data = generate(peer_n, seed=11)
    ours_peer, peer_seconds = peer_comparison(peer_data, args.repeat, args.peer_repeat)

    bpe = mem / (n + links) if mem >= 0 else -1.0
    load = ", ".join(f"{x:.1f}" for x in os.getloadavg())
    threads = numba.get_num_threads()
    print(
        f"cpm benchmark ({os.cpu_count()} cpus, {threads} numba threads, load average {load}, "
        f"numba cache: {jit_cached})"
    )
    print("JIT compilation loaded during an untimed warm-up; network generation not timed;")
    print("times are the best of several runs (on a shared machine noise only adds time)")
    print(f"{'what':<44}{'n':>10}{'links':>10}{'seconds':>10}")
    print(f"{'pmo: compile+CPM+floats+critical+dates':<44}{n:>10}{links:>10}{seconds:>10.3f}")
    runs = ", ".join(f"{t:.3f}" for t in times)
    print(f"{'  (each run; median ' + f'{statistics.median(times):.3f})':<44}{'':>20}  {runs}")
    print(f"{'pmo, same work at the peer size':<44}{peer_n:>10}{3 * peer_n:>10}{ours_peer:>10.4f}")
    print(
        f"{'networkx dag_longest_path_length':<44}{peer_n:>10}{3 * peer_n:>10}{peer_seconds:>10.3f}"
    )
    print(f"ratio networkx / pmo at n={peer_n}: {peer_seconds / ours_peer:.0f}x")
    print(
        f"peak RSS increase during one run: {mem / 2**20:.0f} MiB = {bpe:.0f} bytes per "
        "activity+link (fresh process: VmHWM after the run minus VmRSS before it)"
    )
    print(
        f"project: {res.project_finish} working minutes, "
        f"{int(res.critical.sum())} critical, {int((res.total_float < 0).sum())} negative float"
    )
    print(
        json.dumps(
            {
                "n": n,
                "links": links,
                "seconds": round(seconds, 4),
                "bytes_per_element": round(bpe, 1),
                "peer": "networkx",
                "peer_n": peer_n,
                "peer_seconds": round(peer_seconds, 4),
                "ours_at_peer_n_seconds": round(ours_peer, 5),
                "ratio": round(peer_seconds / ours_peer, 1),
                "jit_cached": jit_cached,
            }
        )
    )


if __name__ == "__main__":
    main(sys.argv[1:])
