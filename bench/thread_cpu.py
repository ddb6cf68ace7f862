#!/usr/bin/env python3
"""CPU time per thread name in each phase of a ferry-bench run.

    bench/thread_cpu.py [FERRY_BENCH] [ferry-bench arguments...]

Runs ferry-bench (default build/bench/ferry-bench) and samples /proc/PID/task/*/stat
twenty times a second. ferryd's threads are named (common/thread_name.h: ferry-extract,
ferry-docwriter, ferry-migrate, ferry-checkpt, ...); a phase runs from one of the
bench's progress lines on stderr ("copy migration ...", "re_extract migration ...",
"baseline B ...") to the next. Prints ferry-bench's summary lines, then per phase the
core-seconds of each thread name, threads that ended during the phase included (their
last sample counts). A thread that lives less than a sample interval is missed. With
--storage (PostgreSQL), the server's processes are sampled too and counted together as
"postgres" (every process of that name on the machine: use a cluster of the bench's own).
"""
import collections
import os
import subprocess
import sys
import tempfile
import time

PHASES = ["setup", "copy migration", "baseline A", "baseline C", "re_extract migration",
          "baseline B", "baseline W"]


def read_stat(path):
    """(name, utime+stime in clock ticks) of a /proc stat file, None once it is gone."""
    try:
        with open(path) as f:
            stat = f.read()
    except OSError:
        return None  # the thread or process ended between listdir and open
    fields = stat[stat.rindex(")") + 2:].split()
    return stat[stat.index("(") + 1:stat.rindex(")")], int(fields[11]) + int(fields[12])


def sample(pid, acc):
    """Latest utime+stime (clock ticks) and name of every thread of pid, into acc."""
    try:
        tids = os.listdir(f"/proc/{pid}/task")
    except OSError:
        return
    for tid in tids:
        stat = read_stat(f"/proc/{pid}/task/{tid}/stat")
        if stat is not None:
            acc[tid] = stat


def sample_postgres(acc):
    """With --storage: latest utime+stime of every PostgreSQL server process (backends,
    parallel workers, checkpointer, WAL writer, ...), into acc as "postgres"."""
    for pid in os.listdir("/proc"):
        if pid.isdigit():
            stat = read_stat(f"/proc/{pid}/stat")
            if stat is not None and stat[0] == "postgres":
                acc["pg" + pid] = stat


def main():
    args = sys.argv[1:]
    binary = "build/bench/ferry-bench"
    if args and not args[0].startswith("-"):
        binary, args = args[0], args[1:]
    hz = os.sysconf("SC_CLK_TCK")
    with tempfile.TemporaryFile(mode="w+") as log:
        proc = subprocess.Popen([binary] + args, stdout=log, stderr=subprocess.STDOUT)
        phase, at_start, latest = None, {}, {}
        phases = []  # (name, ticks at its start, ticks at its end)
        seen = 0
        postgres = any(a == "--storage" or a.startswith("--storage=") for a in args)
        while proc.poll() is None:
            sample(proc.pid, latest)
            if postgres:
                sample_postgres(latest)
            log.seek(0)
            text = log.read()
            for name in PHASES[seen:]:
                if f"\n{name}" in "\n" + text:
                    if phase is not None:
                        phases.append((phase, at_start, dict(latest)))
                    phase, at_start = name, dict(latest)
                    seen = PHASES.index(name) + 1
            time.sleep(0.05)
        if phase is not None:
            phases.append((phase, at_start, dict(latest)))
        log.seek(0)
        text = log.read()
    for line in text.splitlines():
        if " / " in line or line.startswith(("copy migration (", "re_extract migration (",
                                             "A:", "B:", "C:", "W:", "0.8 x B")):
            print(line)
    for name, start, end in phases:
        cpu = collections.Counter()
        for tid, (thread, ticks) in end.items():
            cpu[thread] += ticks - start.get(tid, (thread, 0))[1]
        total = sum(cpu.values()) / hz
        parts = ", ".join(f"{t} {v / hz:.2f}" for t, v in cpu.most_common() if v > 0)
        print(f"[{name}] {total:.2f} core-s: {parts}")
    return proc.returncode


if __name__ == "__main__":
    sys.exit(main())
