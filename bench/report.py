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


ORDER = ["tiny", "rss", "lua", "zstd", "hit", "lzo", "ssh"]
workloads = sorted({w for w, _ in values}, key=lambda w: (ORDER.index(w.split("-")[0]), w))
rows = []
for w in workloads:
    farm = median(w, "farm")
    stock = median(w, "stock") if values[(w, "stock")] else None
    higher_is_better = units[w] in ("jobs/s", "MB/s")
    ratio = farm / stock if stock else None
    if w.startswith("rss"):
        goal = farm <= 150
    elif w == "ssh-tiny-tcp":
        goal = True  # plain TCP, for scale: the SSH paths are compared with it in RESULTS.md
    elif w.startswith("ssh"):
        goal = ratio <= 0.20  # the client issue: at most 0.20 of stock distccd --inetd's time
    elif w.endswith("-warm"):
        goal = ratio <= 0.40  # the cache issue: a warm rebuild at most 0.40 of stock's time
    elif w.endswith("-cold"):
        goal = ratio <= 1.02  # hashing and storing cost at most 2%
    elif w == "hit-1mb":
        goal = farm < 5  # a hit for a 1 MB preprocessed source in under 5 ms
    else:
        goal = ratio >= 1.0 if higher_is_better else ratio <= 1.0
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


def bars(names, farm_label, title, path):
    """Median build times, crossfarm beside stock distccd, one pair of bars per workload."""
    plt.figure(figsize=(6, 4))
    x = range(len(names))
    plt.bar([i - 0.2 for i in x], [median(w, "farm") for w in names], 0.4, label=farm_label)
    plt.bar([i + 0.2 for i in x], [median(w, "stock") for w in names], 0.4, label="stock distccd")
    plt.xticks(list(x), names)
    plt.ylabel("seconds (median)")
    plt.title(title)
    plt.legend()
    plt.tight_layout()
    plt.savefig(path, dpi=110)


# plot 2: build time per workload
builds = [
    w
    for w in workloads
    if (w.startswith("lua") or w.startswith("zstd")) and not w.endswith(("-cold", "-warm"))
]
bars(builds, "crossfarm", "Full build time", "bench/build-time.png")

# plot 3: the result cache, cold and warm, against stock compiling every time
cache = [w for w in workloads if w.endswith(("-cold", "-warm"))]
if cache:
    bars(
        cache,
        "crossfarm, --cache-dir",
        "Builds with the result cache: cold (emptied) and warm (again)",
        "bench/cache.png",
    )

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
    "Workloads: 300 tiny translation units at 1, 4 and 8 concurrent clients; lua 5.4 (Debian's",
    "source, 34 units) plain and `,lzo`; zstd 1.5.4's library (Debian's source, 32 heavier units,",
    "`make -C lib libzstd.a`, `,lzo`); the LZO codec on 1.3 MB of preprocessed C, crossfarm's with",
    "JMH (bench/codec, with the daemon's JVM options) and liblzo2's (stock distcc's codec:",
    "lzo1x_1_compress, lzo1x_decompress_safe) from bench/lzo-stock.c; and a tiny job over SSH",
    "(`DISTCC_HOSTS=@127.0.0.1:COMMAND`, one reused connection), `farm daemon --inetd` against",
    "`distccd --inetd` through the same sshd (goal from issue 10: under half of stock's time).",
    "",
    "| workload | crossfarm | stock distccd | farm/stock | unit | goal met |",
    "|---|---|---|---|---|---|",
]
for w, farm, stock, ratio, unit, goal in rows:
    # stock forks a process per job: its largest one is no peer for the farm's single JVM
    shown = "n/a" if w.startswith("rss") or ratio is None else f"{ratio:.3f}"
    stock_shown = "-" if stock is None else f"{stock:.2f}"
    lines.append(f"| {w} | {farm:.2f} | {stock_shown} | {shown} | {unit} | {'yes' if goal else 'no'} |")
lines += [
    "",
    "Goals (issue 8): no slower than stock on every workload (ratio <= 1.00 for times, >= 1.00 for",
    "throughput); peak RSS under 8-way load <= 150 MB. The result cache (a second farm volunteer",
    "with `--cache-dir`; the others run `--no-cache`): `*-cold` builds right after `POST",
    "/cache/clear` <= 1.02 of stock's time, `*-warm` builds of the same tree again <= 0.40 (the",
    "client's own preprocessing is the floor), `hit-1mb` the volunteer's own time (its log) for a",
    "hit on a 1 MB preprocessed source (`distcc gcc -c big.i`, no client preprocessing) < 5 ms,",
    "`rss-8way-cache` its peak RSS after 8 clients of tiny jobs, all hits. Over SSH (one master",
    "connection; the options in `ssh -F FILE`): `ssh-tiny` is `farm ssh-commands`' relay to the",
    "running volunteer, `ssh-tiny-fast` the client-side `farm-ssh` (`ssh -W`), each against stock",
    "`distccd --inetd` through the same sshd (goal <= 0.20); `ssh-tiny-tcp` plain TCP to the same",
    "volunteer; `*-busy` the same while two lua builds keep the volunteer's slots full.",
    "",
    "![jobs per second](jobs-per-second.png)",
    "",
    "![build time](build-time.png)",
    "",
    "![result cache](cache.png)",
    "",
    "Where a goal is missed: see `bench/PROFILE.md` (what JFR shows, what was changed, before and",
    "after).",
    "",
]
# sections written by hand after a run (e.g. image sizes) stay
try:
    before = open("bench/RESULTS.md").read()
    kept = before[before.index("\n## ") + 1:] if "\n## " in before else ""
except FileNotFoundError:
    kept = ""
open("bench/RESULTS.md", "w").write("\n".join(lines) + ("\n" + kept if kept else ""))
for r in rows:
    print("%-14s farm %.2f stock %s ratio %s %s" % (r[0], r[1], r[2], r[3], r[4]))
