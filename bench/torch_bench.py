"""PyTorch's side of recur's side-by-side benchmark (see bench/README.md).

Run by bench/run.ts as ``python3 bench/torch_bench.py '<job JSON>'``; prints one JSON line (the
ChildResult of bench/spec.ts) on stdout and progress on stderr. ``--probe`` prints the versions.
The sizes come in the job; the seeded weights and inputs are rebuilt here with the same integer
hash as ``seeded`` in bench/spec.ts, so W1's losses can be compared with recur's.
"""

import json
import math
import os
import resource
import sys
import time

M32 = 0xFFFFFFFF
STREAMS = {"weight_ih": 1, "weight_hh": 2, "bias_ih": 3, "bias_hh": 4, "head_w": 5, "head_b": 6, "x": 7, "y": 8}


def progress(message):
    sys.stderr.write(f"  [torch] {message}\n")
    sys.stderr.flush()


def finish(result):
    sys.stdout.write(json.dumps(result) + "\n")
    sys.stdout.flush()


def seeded_array(np, stream, n, scale):
    """bench/spec.ts ``seededArray``: the same 32-bit hash, float64, then float32."""
    i = np.arange(n, dtype=np.uint64)
    h = ((i + np.uint64(1)) * np.uint64(0x9E3779B1) + np.uint64(((stream + 1) * 0x7FEB352D) & M32)) & np.uint64(M32)
    h ^= h >> np.uint64(15)
    h = (h * np.uint64(0x85EBCA77)) & np.uint64(M32)
    h ^= h >> np.uint64(13)
    return ((h.astype(np.float64) / 2.0**32) * 2 * scale - scale).astype(np.float32)


def shape_of(s, name):
    g = (4 if s["mode"] == "LSTM" else 3) * s["H"]
    return {
        "weight_ih": [g, s["I"]],
        "weight_hh": [g, s["H"]],
        "bias_ih": [g],
        "bias_hh": [g],
        "head_w": [s["O"], s["H"]],
        "head_b": [s["O"]],
        "x": [s["L"], s["N"], s["I"]],
        "y": [s["L"], s["N"], s["O"]],
    }[name]


def values_of(torch, np, s, name):
    shape = shape_of(s, name)
    scale = 1.0 if name in ("x", "y") else 1 / math.sqrt(s["H"])
    return torch.from_numpy(seeded_array(np, STREAMS[name], math.prod(shape), scale).reshape(shape))


def rss_now():
    with open("/proc/self/statm") as f:
        return int(f.read().split()[1]) * os.sysconf("SC_PAGE_SIZE")


def rss_peak():
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss * 1024


def time_steps(job, step):
    """bench/child.ts ``timeSteps``: warm-up, then up to ``runs`` timed calls within the budget."""
    for i in range(job["warmup"]):
        t0 = time.perf_counter()
        step()
        progress(f"{job['workload']} warm-up {i + 1}/{job['warmup']}: {(time.perf_counter() - t0) * 1e3:.1f} ms")
    samples = []
    start = time.perf_counter()
    for i in range(job["runs"]):
        t0 = time.perf_counter()
        step()
        samples.append((time.perf_counter() - t0) * 1e3)
        progress(f"{job['workload']} run {i + 1}/{job['runs']}: {samples[-1]:.1f} ms")
        if len(samples) >= 3 and time.perf_counter() - start > job["budgetSeconds"] and i < job["runs"] - 1:
            break
    return samples


def build(torch, np, s):
    """The recurrent layer (time-major) and the head, with the seeded weights."""
    kind = torch.nn.LSTM if s["mode"] == "LSTM" else torch.nn.GRU
    rnn = kind(s["I"], s["H"])
    head = torch.nn.Linear(s["H"], max(s["O"], 1))
    with torch.no_grad():
        for name in ("weight_ih", "weight_hh", "bias_ih", "bias_hh"):
            getattr(rnn, f"{name}_l0").copy_(values_of(torch, np, s, name))
        if s["O"] > 0:
            head.weight.copy_(values_of(torch, np, s, "head_w"))
            head.bias.copy_(values_of(torch, np, s, "head_b"))
    return rnn, head


def forward_checkpointed(torch, rnn, x, segment):
    """nn.LSTM over segments of ``segment`` steps, each recomputed in the backward pass."""
    from torch.utils.checkpoint import checkpoint

    state = None
    outs = []
    for start in range(0, x.shape[0], segment):
        xs = x[start : start + segment]
        if state is None:
            out, (h, c) = checkpoint(lambda a: rnn(a), xs, use_reentrant=False)
        else:
            out, (h, c) = checkpoint(lambda a, h0, c0: rnn(a, (h0, c0)), xs, state[0], state[1], use_reentrant=False)
        state = (h, c)
        outs.append(out)
    return torch.cat(outs)


def loss_checkpointed_all(torch, rnn, head, x, y, segment):
    """The MSE as a sum over segments, each segment's nn.LSTM, head and summed loss one checkpoint."""
    from torch.utils.checkpoint import checkpoint

    def part(a, t, h0, c0):
        out, (h, c) = rnn(a, (h0, c0))
        return torch.nn.functional.mse_loss(head(out), t, reduction="sum"), h, c

    n, hidden = x.shape[1], rnn.hidden_size
    h = torch.zeros(1, n, hidden)
    c = torch.zeros(1, n, hidden)
    total = 0.0
    for start in range(0, x.shape[0], segment):
        loss, h, c = checkpoint(part, x[start : start + segment], y[start : start + segment], h, c, use_reentrant=False)
        total = total + loss
    return total / y.numel()


def main(job):
    import numpy as np
    import torch

    torch.set_num_threads(job["threads"])
    torch.set_num_interop_threads(1)
    s = job["sizes"]
    w = job["workload"]
    notes = []
    rnn, head = build(torch, np, s)
    x = values_of(torch, np, s, "x")
    losses = []
    before = rss_now()
    if w in ("W1", "W2", "W5"):
        y = values_of(torch, np, s, "y")
        opt = torch.optim.SGD(list(rnn.parameters()) + list(head.parameters()), lr=job["learningRate"])
        segment = math.ceil(math.sqrt(s["L"])) if job["variant"] != "plain" else None
        whole = job["variant"] == "checkpoint-all"
        if segment is not None:
            notes.append(f"torch.utils.checkpoint segments of {segment} steps" + (" (layer, head and loss)" if whole else ""))

        def step():
            opt.zero_grad()
            if whole:
                loss = loss_checkpointed_all(torch, rnn, head, x, y, segment)
            else:
                out = rnn(x)[0] if segment is None else forward_checkpointed(torch, rnn, x, segment)
                loss = torch.nn.functional.mse_loss(head(out), y)
            loss.backward()
            opt.step()
            losses.append(loss.item())

    elif w == "W3":
        cell = torch.nn.LSTMCell(s["I"], s["H"])
        with torch.no_grad():
            for name in ("weight_ih", "weight_hh", "bias_ih", "bias_hh"):
                getattr(cell, name).copy_(values_of(torch, np, s, name))
        xs = [x[t] for t in range(s["L"])]  # each (1, I)
        notes.append("nn.LSTMCell under no_grad")

        def step():
            with torch.no_grad():
                h = torch.zeros(1, s["H"])
                c = torch.zeros(1, s["H"])
                for xt in xs:
                    h, c = cell(xt, (h, c))

    elif w == "M1":
        x2 = x.reshape(s["L"] * s["N"], s["I"])
        weight = values_of(torch, np, s, "weight_ih").t().contiguous()

        def step():
            with torch.no_grad():
                torch.mm(x2, weight)

        notes.append("torch.mm")
    else:  # W4

        def step():
            with torch.no_grad():
                rnn(x)

        notes.append("nn.LSTM under no_grad")
    samples = time_steps(job, step)
    peak = rss_peak()
    return {
        "ok": True,
        "samplesMs": samples,
        "losses": losses,
        "peakRssMiB": peak / 2**20,
        "rssGrowthMiB": (peak - before) / 2**20,
        "threads": torch.get_num_threads(),
        "version": torch.__version__,
        "notes": notes,
    }


def probe():
    import torch

    finish({"torch": torch.__version__, "openblasCoretype": os.environ.get("OPENBLAS_CORETYPE"), "config": torch.__config__.show()})


if __name__ == "__main__":
    if len(sys.argv) > 1 and sys.argv[1] == "--probe":
        probe()
        sys.exit(0)
    try:
        finish(main(json.loads(sys.argv[1])))
    except ModuleNotFoundError as e:
        finish({"ok": False, "skipped": True, "error": f"{e} (apt-get install -y python3-torch libopenblas0-pthread)"})
    except Exception as e:  # noqa: BLE001 - the harness reports any failure as a row
        import traceback

        finish({"ok": False, "error": f"{e}\n{traceback.format_exc()}"})
