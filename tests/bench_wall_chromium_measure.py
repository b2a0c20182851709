#!/usr/bin/env python3
"""bench_wall_chromium_measure.py: time a command and sample its memory, for bench_wall_chromium.sh.

usage: bench_wall_chromium_measure.py [--runs N] [--interval MS] [--settle MS]
                                      [--expect FILE] [--clean PATH]... [--log FILE]
                                      -- CMD [ARG...]

Runs CMD 2N times (N default 5), one after the other, alternating a timed
run and a sampled run. Timed run: the wall-clock time from launch to exit
(time.monotonic_ns around Popen and wait), nothing else running. Sampled
run: the peak PSS of the whole process tree: every INTERVAL ms (default 20)
a sampler thread walks /proc/*/stat for the processes whose ppid chain leads
to the launched pid, sums Pss from each one's /proc/PID/smaps_rollup, and
keeps the largest sum seen during the run. The two are apart because reading
smaps_rollup is not free: over Chromium's dozen processes with their huge
address spaces one sample costs ~100 ms of CPU, which on a small machine
would slow the very run being timed. Before each timed run the machine is
given SETTLE ms (default 500) with nothing started: what the run before left
behind (Chromium's helpers outlive its browser process by a moment, the
sampler's last walk) would otherwise be timed as part of the next run; the
first kiosk runs after Chromium's took half as long again.

--expect FILE (a glob pattern): the files matching it are removed before each
run and one must exist after it (the screenshot). --clean PATH (a glob
pattern, may be repeated): removed (files or whole directories) before each
run, so each run starts from nothing (e.g. a database the command makes).
Output of CMD goes to --log (default /dev/null).

Prints one line per run to stderr and, on stdout, one JSON object:
{"runs_ms": [...], "median_ms": M, "sampled_ms": [...], "pss_kb": [...],
 "peak_pss_kb": P, "max_procs": K, "samples": [...]} (median_ms: the median
of the timed runs; peak_pss_kb: the largest peak of the sampled runs;
sampled_ms: how long the sampled runs took, for information). Exit status 1
(with the reason on stderr) if a run fails or does not write the expected
file.
"""
import argparse
import glob
import json
import os
import shutil
import statistics
import subprocess
import sys
import threading
import time


def children_map():
    """ppid -> [pid] for every process now in /proc."""
    kids = {}
    for name in os.listdir("/proc"):
        if not name.isdigit():
            continue
        try:
            with open("/proc/%s/stat" % name, "rb") as f:
                stat = f.read()
        except OSError:
            continue
        # pid (comm) state ppid ...; comm may hold spaces and parentheses
        fields = stat[stat.rfind(b")") + 2:].split()
        kids.setdefault(int(fields[1]), []).append(int(name))
    return kids


def tree(root):
    kids = children_map()
    out, todo = [], [root]
    while todo:
        pid = todo.pop()
        out.append(pid)
        todo.extend(kids.get(pid, ()))
    return out


def pss_kb(pid):
    try:
        with open("/proc/%d/smaps_rollup" % pid, "rb") as f:
            for line in f:
                if line.startswith(b"Pss:"):
                    return int(line.split()[1])
    except OSError:  # gone, or a zombie (no mappings left)
        pass
    return 0


class Sampler(threading.Thread):
    def __init__(self, root, interval):
        super().__init__(daemon=True)
        self.root, self.interval = root, interval
        self.stop = threading.Event()
        self.peak = self.procs = self.samples = 0

    def sample(self):
        pids = tree(self.root)
        total = sum(pss_kb(p) for p in pids)
        self.samples += 1
        self.peak = max(self.peak, total)
        self.procs = max(self.procs, len(pids))

    def run(self):
        while True:
            self.sample()
            if self.stop.wait(self.interval):
                return


def clean(patterns):
    for pattern in patterns:
        for old in glob.glob(pattern):
            if os.path.isdir(old) and not os.path.islink(old):
                shutil.rmtree(old)
            else:
                os.remove(old)


def run_once(cmd, a, sample):
    """One run: (ms, sampler or None), or exit with the reason."""
    clean(a.clean + ([a.expect] if a.expect else []))
    s = None
    with open(a.log, "ab") as log:
        t0 = time.monotonic_ns()
        p = subprocess.Popen(cmd, stdin=subprocess.DEVNULL, stdout=log, stderr=log)
        if sample:
            s = Sampler(p.pid, a.interval / 1000.0)
            s.start()
        rc = p.wait()
        t1 = time.monotonic_ns()
        if s:
            s.stop.set()
            s.join()
    name = os.path.basename(cmd[0])
    if rc != 0:
        sys.exit("%s failed: exit status %d (output in %s)" % (name, rc, a.log))
    if a.expect and not glob.glob(a.expect):
        sys.exit("%s did not write %s (output in %s)" % (name, a.expect, a.log))
    return (t1 - t0) / 1e6, s


def main():
    ap = argparse.ArgumentParser(usage=__doc__.split("\n\n")[1])
    ap.add_argument("--runs", type=int, default=5)
    ap.add_argument("--interval", type=float, default=20.0)
    ap.add_argument("--settle", type=float, default=500.0)
    ap.add_argument("--expect")
    ap.add_argument("--log", default=os.devnull)
    ap.add_argument("--clean", action="append", default=[])
    ap.add_argument("cmd", nargs=argparse.REMAINDER)
    a = ap.parse_args()
    cmd = a.cmd[1:] if a.cmd[:1] == ["--"] else a.cmd
    if not cmd or a.runs < 1:
        ap.error("no command")
    name = os.path.basename(cmd[0])
    runs, sampled, peaks, procs, samples = [], [], [], [], []
    for i in range(a.runs):
        time.sleep(a.settle / 1000.0)
        ms, _ = run_once(cmd, a, sample=False)
        runs.append(ms)
        sms, s = run_once(cmd, a, sample=True)
        sampled.append(sms)
        peaks.append(s.peak)
        procs.append(s.procs)
        samples.append(s.samples)
        print("  %s run %d: %.0f ms; sampled run: %.0f ms, peak PSS %.1f MB over %d processes"
              " (%d samples)" % (name, i + 1, ms, sms, s.peak / 1024, s.procs, s.samples),
              file=sys.stderr)
    json.dump({"runs_ms": [round(x, 1) for x in runs], "median_ms": round(statistics.median(runs), 1),
               "sampled_ms": [round(x, 1) for x in sampled], "pss_kb": peaks,
               "peak_pss_kb": max(peaks), "max_procs": max(procs), "samples": samples}, sys.stdout)
    print()
    return 0


if __name__ == "__main__":
    sys.exit(main())
