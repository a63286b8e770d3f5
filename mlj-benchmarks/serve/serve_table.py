"""Turns the results of ./mlj bench serve into a Markdown table and the issue's target lines.

    python serve_table.py RESULTS_DIR [--markdown BENCHMARKS.md] [--settings TEXT]

RESULTS_DIR holds wrk-<model>-<server>-<conns>.json (one JSON line from post.lua), inprocess-<model>-
<backend>.json (InProcessRate) and machine.txt. Servers: tensorflow-off, tensorflow-on, dl4j-off,
dl4j-on (mlj serve, batching off/on) and peer (FastAPI + uvicorn on TensorFlow). Prints the table and
one "met"/"MISSED" line per target; with --markdown, writes them as the "Serving" section of that file.
"""
import argparse
import json
import re
from pathlib import Path

MODELS = ["ffnn", "cnn", "lstm"]
SERVERS = ["tensorflow-off", "tensorflow-on", "dl4j-off", "dl4j-on", "peer"]
CONNS = [1, 4, 16, 64]
LABEL = {"tensorflow-off": "mlj tensorflow", "tensorflow-on": "mlj tensorflow, batching", "dl4j-off": "mlj dl4j",
         "dl4j-on": "mlj dl4j, batching", "peer": "Python peer (FastAPI)"}


def load(results: Path):
    wrk, inproc = {}, {}
    for f in results.glob("wrk-*.json"):
        m = re.fullmatch(r"wrk-(\w+)-([\w-]+)-(\d+)\.json", f.name)
        lines = [line for line in f.read_text().splitlines() if line.strip()]
        if m and lines:
            wrk[(m[1], m[2], int(m[3]))] = json.loads(lines[-1])
    for f in results.glob("inprocess-*.json"):
        m = re.fullmatch(r"inprocess-(\w+)-(\w+)\.json", f.name)
        if m:
            inproc[(m[1], m[2])] = json.loads(f.read_text())
    return wrk, inproc


def table(wrk, inproc):
    lines = ["| model | server | conns | req/s | p50 ms | p99 ms | p99.9 ms | errors |", "|---|---|---:|---:|---:|---:|---:|---:|"]
    for model in MODELS:
        for server in SERVERS:
            for c in CONNS:
                r = wrk.get((model, server, c))
                if r is None:
                    lines.append(f"| {model.upper()} | {LABEL[server]} | {c} | - | - | - | - | - |")
                    continue
                errors = sum(r["errors"].values())
                lines.append(f"| {model.upper()} | {LABEL[server]} | {c} | {r['per_second']:.0f} | {r['p50_ms']:.2f} | "
                             f"{r['p99_ms']:.2f} | {r['p999_ms']:.2f} | {errors} |")
    lines += ["", "In-process yardstick (one thread, batch 1, `Model.predict`):", "",
              "| model | backend | predictions/s |", "|---|---|---:|"]
    for model in MODELS:
        for backend in ["tensorflow", "dl4j"]:
            r = inproc.get((model, backend))
            lines.append(f"| {model.upper()} | {backend} | {r['per_second']:.0f} |" if r else f"| {model.upper()} | {backend} | - |")
    return lines


def targets(wrk, inproc, timeout_ms):
    out = []

    def line(ok, text, miss):
        out.append(("met     " if ok else "MISSED  ") + text + ("" if ok else f" — {miss}"))

    def get(model, server, c):
        return wrk.get((model, server, c))

    def best(model, server):
        cells = [wrk[(model, server, c)]["per_second"] for c in CONNS if (model, server, c) in wrk]
        return max(cells) if cells else None

    for model in MODELS:
        peer = get(model, "peer", 16)
        for server in ["tensorflow-off", "tensorflow-on", "dl4j-off", "dl4j-on"]:
            mine = get(model, server, 16)
            if not (peer and mine):
                out.append(f"skipped {model.upper()} {LABEL[server]} vs peer at 16 conns: no result")
                continue
            ratio = mine["per_second"] / peer["per_second"]
            p99 = mine["p99_ms"] / peer["p99_ms"]
            line(ratio >= 3 and p99 <= 0.5, f"{model.upper()} {LABEL[server]}: {ratio:.2f}x peer throughput at 16 conns "
                 f"(target >= 3x), p99 {p99:.2f} of peer's (target <= 0.5)",
                 f"throughput short by {max(0, 3 - ratio):.2f}x, p99 over by {max(0, p99 - 0.5):.2f} of peer's")
    for model in ["ffnn", "cnn"]:
        for backend in ["tensorflow", "dl4j"]:
            on, off = get(model, f"{backend}-on", 16), get(model, f"{backend}-off", 16)
            if on and off:
                ratio = on["per_second"] / off["per_second"]
                line(ratio >= 1.5, f"{model.upper()} {backend}: batching {ratio:.2f}x no-batching at 16 conns (target >= 1.5x)",
                     f"short by {1.5 - ratio:.2f}x")
    for model in MODELS:
        for backend in ["tensorflow", "dl4j"]:
            on, off = get(model, f"{backend}-on", 1), get(model, f"{backend}-off", 1)
            if on and off:
                added = on["p50_ms"] - off["p50_ms"]
                limit = timeout_ms * 1.1
                line(added <= limit, f"{model.upper()} {backend}: batching adds {added:.2f} ms to p50 at 1 conn "
                     f"(target <= timeout {timeout_ms:.1f} ms + 10 %)", f"over by {added - limit:.2f} ms")
    for model in ["cnn", "lstm"]:
        for backend in ["tensorflow", "dl4j"]:
            served, yard = best(model, f"{backend}-off"), inproc.get((model, backend))
            if served and yard:
                ratio = served / yard["per_second"]
                line(ratio >= 0.7, f"{model.upper()} {backend}: served batch-1 (no batching, best of 1-64 conns) is "
                     f"{ratio:.2f} of in-process single-thread (target >= 0.70)", f"short by {0.7 - ratio:.2f}")
    for model in MODELS:
        for backend in ["tensorflow", "dl4j"]:
            served, yard = best(model, f"{backend}-on"), inproc.get((model, backend))
            if served and yard:
                ratio = served / yard["per_second"]
                line(ratio >= 1.0, f"{model.upper()} {backend}: served with batching (best of 1-64 conns) is {ratio:.2f}x "
                     f"in-process single-thread batch 1 (target >= 1x)", f"short by {1 - ratio:.2f}x")
    return out


def main():
    parser = argparse.ArgumentParser()
    parser.add_argument("results")
    parser.add_argument("--markdown")
    parser.add_argument("--settings", default="")
    parser.add_argument("--timeout-ms", type=float, required=True)
    args = parser.parse_args()
    results = Path(args.results)
    wrk, inproc = load(results)
    rows = table(wrk, inproc)
    goals = targets(wrk, inproc, args.timeout_ms)
    print("\n".join(rows))
    print()
    print("\n".join(goals))
    if args.markdown:
        machine = (results / "machine.txt").read_text().strip() if (results / "machine.txt").exists() else ""
        section = ["## Serving", "", "`./mlj bench serve` (mlj-benchmarks/serve/bench-serve.sh): `wrk` with real MNIST/IMDB "
                   "row-format bodies (post.lua) against `mlj serve` and the Python peer (python/peer_server), server and "
                   "load generator pinned to different cores with `taskset`, warm-up before measuring.", "",
                   f"Machine: {machine}", "", f"Settings: {args.settings}", ""] + rows + ["", "Targets:", "", "```"] + goals + ["```", ""]
        path = Path(args.markdown)
        text = path.read_text() if path.exists() else ""
        start = text.find("\n## Serving")
        if start >= 0:
            end = text.find("\n## ", start + 1)
            text = text[:start + 1] + "\n".join(section) + (text[end:] if end >= 0 else "")
        else:
            text = text.rstrip("\n") + "\n\n" + "\n".join(section)
        path.write_text(text)


if __name__ == "__main__":
    main()
