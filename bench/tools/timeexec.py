#!/usr/bin/env python3
"""Runs a command REPEAT times (fork, exec, wait4) and prints one JSON line: the wall time of each run
in milliseconds, and the command's peak RSS in KiB.

The timing covers the child only, from fork to reaped, so this helper's own start-up is not counted.
The RSS comes from one more run under GNU time (/usr/bin/time -f %M): a child forked from this
Python process would report Python's own peak, since Linux carries the peak RSS of the replaced
memory over exec(2) into ru_maxrss. Without /usr/bin/time, or with NLW_BENCH_NO_RSS set (for
commands that change state and so cannot run once more), maxRssKiB is null.

Usage: timeexec.py REPEAT CMD [ARG...]   (the command's stdout goes to /dev/null; stderr is kept)
"""
import json
import os
import sys
import tempfile
import time

GNU_TIME = "/usr/bin/time"


def run(argv, devnull):
    t0 = time.perf_counter()
    pid = os.fork()
    if pid == 0:
        try:
            os.dup2(devnull, 1)
            os.execvp(argv[0], argv)
        finally:
            os._exit(127)
    _, status, _ = os.wait4(pid, 0)
    ms = (time.perf_counter() - t0) * 1000.0
    return ms, os.waitstatus_to_exitcode(status)


def main() -> int:
    repeat = int(sys.argv[1])
    argv = sys.argv[2:]
    devnull = os.open(os.devnull, os.O_WRONLY)
    times = []
    for _ in range(repeat):
        ms, code = run(argv, devnull)
        if code != 0:
            print(json.dumps({"error": f"{' '.join(argv)} exited with {code}"}))
            return 1
        times.append(ms)
    rss = None
    if os.access(GNU_TIME, os.X_OK) and not os.environ.get("NLW_BENCH_NO_RSS"):
        with tempfile.NamedTemporaryFile("r") as out:
            _, code = run([GNU_TIME, "-f", "%M", "-o", out.name, *argv], devnull)
            if code == 0:
                rss = int(out.read().strip().splitlines()[-1])
    print(json.dumps({"ms": times, "maxRssKiB": rss}))
    return 0


if __name__ == "__main__":
    sys.exit(main())
