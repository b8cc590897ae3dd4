#!/usr/bin/env python3
"""The pyroute2 side of the benchmark: one workload run, in the namespace it is started in (the runner
starts it with `ip netns exec NS`), through pyroute2's IPRoute, one request at a time as pyroute2 does.
Reads the workload's parameters (bench/lib/params.ts) as JSON on stdin and prints one JSON line:
{"metrics": {...}, "peakRssKiB": N, "info": {...}}. Times are in milliseconds.
"""
import json
import socket
import sys
import time

from pyroute2 import IPRoute


def peak_rss_kib():
    # VmHWM, not ru_maxrss: ru_maxrss keeps the peak of the memory replaced by exec(2).
    with open("/proc/self/status") as f:
        for line in f:
            if line.startswith("VmHWM:"):
                return int(line.split()[1])
    return 0


def timed(fn):
    t = time.perf_counter()
    fn()
    return (time.perf_counter() - t) * 1000.0


def mean_dump(fn, count, expect, what):
    times = []
    for _ in range(count):
        t = time.perf_counter()
        got = fn()
        times.append((time.perf_counter() - t) * 1000.0)
        if len(got) != expect:
            raise RuntimeError(f"{what}: dump returned {len(got)}, expected {expect}")
    return sum(times) / len(times)


def split(prefix):
    addr, plen = prefix.split("/")
    return addr, int(plen)


def w1(ipr, p):
    def create():
        for name, peer in zip(p["names"], p["peers"]):
            ipr.link("add", ifname=name, kind="veth", peer=peer, group=p["group"])

    def delete_each():
        for name in p["names"]:
            ipr.link("del", ifname=name)

    m = {"create": timed(create), "deleteEach": timed(delete_each)}
    create()
    m["deleteGroup"] = timed(lambda: ipr.link("del", group=p["group"]))
    left = len(ipr.get_links())
    if left != 1:
        raise RuntimeError(f"W1: {left} links left, expected lo alone")
    return m


def w2(ipr, p):
    return {"dump": mean_dump(ipr.get_links, p["dumps"], p["expect"], "W2")}


def w3(ipr, p):
    def add():
        for dst in p["prefixes"]:
            ipr.route("add", dst=dst, gateway=p["gateway"])

    m = {"add": timed(add)}
    m["dump"] = mean_dump(
        lambda: ipr.get_routes(family=socket.AF_INET, table=254), p["dumps"], p["expect"], "W3"
    )
    return m


def w4(ipr, p):
    index = 0

    def add():
        nonlocal index
        index = ipr.link_lookup(ifname=p["dev"])[0]
        for prefix in p["prefixes"]:
            addr, plen = split(prefix)
            ipr.addr("add", index=index, address=addr, prefixlen=plen)

    m = {"add": timed(add)}
    m["dump"] = mean_dump(lambda: ipr.get_addr(family=socket.AF_INET), p["dumps"], p["expect"], "W4")
    return m


def w5(ipr, p):
    def create():
        ipr.link("add", ifname=p["bridge"], kind="bridge", state="up")
        br = ipr.link_lookup(ifname=p["bridge"])[0]
        ipr.link(
            "add",
            ifname=p["vxlan"],
            kind="vxlan",
            vxlan_id=p["vni"],
            vxlan_port=p["dstport"],
            vxlan_local=p["local"],
            state="up",
        )
        for name, peer in zip(p["ports"], p["peers"]):
            ipr.link("add", ifname=name, kind="veth", peer=peer, master=br, state="up")

    return {"create": timed(create)}


def main():
    p = json.load(sys.stdin)
    fn = {"W1": w1, "W2": w2, "W3": w3, "W4": w4, "W5": w5}[p["workload"]]
    with IPRoute() as ipr:
        metrics = fn(ipr, p)
    print(json.dumps({"metrics": metrics, "peakRssKiB": peak_rss_kib()}))


if __name__ == "__main__":
    main()
