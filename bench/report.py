"""Turns bench/results/latest.csv into medians, farm/stock ratios, plots and bench/RESULTS.md."""
import csv
import datetime
import statistics
import sys
from collections import defaultdict

import matplotlib

matplotlib.use("Agg")
import matplotlib.pyplot as plt  # noqa: E402

path, cores, cpu = sys.argv[1], sys.argv[2], sys.argv[3]
values = defaultdict(list)
units = {}
for row in csv.DictReader(open(path)):
    values[(row["workload"], row["daemon"])].append(float(row["value"]))
    units[row["workload"]] = row["unit"].split(" ")[0]


def median(workload, daemon):
    return statistics.median(values[(workload, daemon)])


workloads = sorted({w for w, _ in values}, key=lambda w: (w.startswith("lua"), w.startswith("rss"), w))
rows = []
for w in workloads:
    farm, stock = median(w, "farm"), median(w, "stock")
    higher_is_better = units[w] == "jobs/s"
    ratio = farm / stock
    goal = ratio >= 1.0 if higher_is_better else (farm <= 150 if w.startswith("rss") else ratio <= 1.0)
    rows.append((w, farm, stock, ratio, units[w], goal))

# plot 1: jobs/s against concurrency
conc = [1, 4, 8]
plt.figure(figsize=(6, 4))
for d, style in (("farm", "o-"), ("stock", "s--")):
    plt.plot(conc, [median(f"tiny-c{c}", d) for c in conc], style, label="crossfarm" if d == "farm" else "stock distccd")
plt.xlabel("concurrent clients")
plt.ylabel("tiny jobs per second (median)")
plt.title("Per-job overhead, --jobs 2")
plt.xticks(conc)
plt.grid(alpha=0.3)
plt.legend()
plt.tight_layout()
plt.savefig("bench/jobs-per-second.png", dpi=110)

# plot 2: build time per workload
lua = [w for w in workloads if w.startswith("lua")]
plt.figure(figsize=(6, 4))
x = range(len(lua))
plt.bar([i - 0.2 for i in x], [median(w, "farm") for w in lua], 0.4, label="crossfarm")
plt.bar([i + 0.2 for i in x], [median(w, "stock") for w in lua], 0.4, label="stock distccd")
plt.xticks(list(x), lua)
plt.ylabel("seconds (median)")
plt.title("Full build time")
plt.legend()
plt.tight_layout()
plt.savefig("bench/build-time.png", dpi=110)

date = datetime.date.today().isoformat()
lines = [
    "# crossfarm volunteer vs stock distccd 3.4",
    "",
    f"Run {date} by `bash bench/run` on this project's machine: {cores} cores, {cpu}, Debian bookworm.",
    "",
    "Method: stock distccd 3.4 (Debian) and `./farm daemon --toolchain x86_64`, both `--jobs 2`, on",
    "loopback, driven by the same stock distcc client with local fallback off. Each workload runs",
    "alternately on the two (A B A B ...) after one warm-up run each; the table gives medians and",
    "farm/stock ratios (for times, lower is better; for jobs/s, higher is better). RSS is the peak",
    "resident set (VmHWM) after the 8-way tiny workload: the farm daemon's JVM, and stock's largest",
    "process (it forks one per job).",
    "",
    "| workload | crossfarm | stock distccd | farm/stock | unit | goal met |",
    "|---|---|---|---|---|---|",
]
for w, farm, stock, ratio, unit, goal in rows:
    # stock forks a process per job: its largest one is no peer for the farm's single JVM
    shown = "n/a" if w.startswith("rss") else f"{ratio:.3f}"
    lines.append(f"| {w} | {farm:.2f} | {stock:.2f} | {shown} | {unit} | {'yes' if goal else 'no'} |")
lines += [
    "",
    "Goals (issue 8): no slower than stock on every workload (ratio <= 1.00 for times, >= 1.00 for",
    "throughput); peak RSS under 8-way load <= 150 MB.",
    "",
    "![jobs per second](jobs-per-second.png)",
    "",
    "![build time](build-time.png)",
    "",
    "Not measured yet: a larger C project from Debian's sources, and the LZO codec's MB/s with JMH.",
    "",
]
open("bench/RESULTS.md", "w").write("\n".join(lines))
for r in rows:
    print("%-12s farm %.2f stock %.2f ratio %.3f %s" % (r[0], r[1], r[2], r[3], r[4]))
