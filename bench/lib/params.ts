/**
 * What each workload does, as plain data shared by the runner and the workers (nlwire's in
 * bench/nlwire-worker.ts, pyroute2's in bench/pyroute2_worker.py): the names, prefixes and counts,
 * so every tool does exactly the same thing. Workers read these as JSON on stdin.
 */

/** The workloads, in the order they run. */
export const WORKLOADS = ['W1', 'W2', 'W3', 'W4', 'W5', 'W6'] as const;
/** A workload id. */
export type WorkloadId = (typeof WORKLOADS)[number];

/** The device group W1 puts its veths in, for the group delete. */
export const W1_GROUP = 42;
/** W3's gateway, on the veth `r0` (192.168.0.1/24) whose peer `r1` is up too. */
export const W3_GATEWAY = '192.168.0.2';
/** W5's VXLAN: VNI, UDP destination port, local address. */
export const W5_VXLAN = { id: 100, dstport: 4789, local: '10.0.0.1' } as const;

/** W1: veth pairs `v<i>`/`p<i>`, the `v` ends in group {@link W1_GROUP}. */
export interface W1Params {
  workload: 'W1';
  ns: string;
  group: number;
  names: string[];
  peers: string[];
}

/** W2: dump the links of a namespace holding `pairs` veth pairs, `dumps` times in one process. */
export interface W2Params {
  workload: 'W2';
  ns: string;
  dumps: number;
  /** Links the dump must return (lo and both ends of every pair). */
  expect: number;
}

/** W3: routes `prefixes` via {@link W3_GATEWAY}; then dump the IPv4 main table `dumps` times. */
export interface W3Params {
  workload: 'W3';
  ns: string;
  gateway: string;
  prefixes: string[];
  dumps: number;
  /** Routes the dump must return (the added ones and r0's connected route). */
  expect: number;
  /** Also time adding them one request at a time (nlwire only: Routes.add awaited in turn). */
  sequential: boolean;
}

/** W4: IPv4 addresses `prefixes` on `dev`; then dump the IPv4 addresses `dumps` times. */
export interface W4Params {
  workload: 'W4';
  ns: string;
  dev: string;
  prefixes: string[];
  dumps: number;
  expect: number;
  /** Also time adding them one request at a time (nlwire only: Addresses.add awaited in turn). */
  sequential: boolean;
}

/** W5: bridge `bridge`, VXLAN `vxlan`, and veths `ports[i]`/`peers[i]` with the ports enslaved; all up. */
export interface W5Params {
  workload: 'W5';
  ns: string;
  bridge: string;
  vxlan: string;
  vni: number;
  dstport: number;
  local: string;
  ports: string[];
  peers: string[];
}

/** W6: decode the captured dumps in bench/data for at least `minMs` per object kind. */
export interface W6Params {
  workload: 'W6';
  dataDir: string;
  minMs: number;
}

/** Parameters of one workload run (with `profileDir`, nlwire's worker profiles each phase there). */
export type WorkerParams = (W1Params | W2Params | W3Params | W4Params | W5Params | W6Params) & {
  profileDir?: string;
};

/** Metrics a worker reports, by name (times in ms unless the name says otherwise). */
export interface WorkerResult {
  /** Measured values. */
  metrics: Record<string, number>;
  /** Peak resident set of the worker process (VmHWM), KiB. */
  peakRssKiB: number;
  /** Anything else worth keeping in the JSON output. */
  info?: Record<string, unknown>;
}

/** Sizes of the workloads at scale 1 (the task's sizes). */
export const SIZES = {
  W1: { pairs: 1000 },
  W2: { pairs: 1000, dumps: 20 },
  W3: { routes: 10000, dumps: 10 },
  W4: { addresses: 5000, dumps: 10 },
  W5: { ports: 100 },
  W6: { minMs: 1000 },
} as const;

/** `n` scaled, at least 1. */
export const scaled = (n: number, scale: number): number => Math.max(1, Math.round(n * scale));

/** W3's i-th prefix: 10.x.y.0/24 (10.0.0.0/24, 10.0.1.0/24, ...). */
export const routePrefix = (i: number): string => `10.${(i >> 8) & 255}.${i & 255}.0/24`;

/** W4's i-th address: 10.20.x.y/32 (y from 1, so no address ends in .0). */
export const addressPrefix = (i: number): string =>
  `10.${20 + Math.floor(i / 65024)}.${Math.floor((i % 65024) / 254)}.${(i % 254) + 1}/32`;

const range = (n: number): number[] => Array.from({ length: n }, (_, i) => i);

/** Builds a workload's parameters for namespace `ns` at `scale`. */
export function paramsFor(id: WorkloadId, ns: string, scale: number, dataDir: string): WorkerParams {
  switch (id) {
    case 'W1': {
      const n = scaled(SIZES.W1.pairs, scale);
      return {
        workload: 'W1',
        ns,
        group: W1_GROUP,
        names: range(n).map((i) => `v${i}`),
        peers: range(n).map((i) => `p${i}`),
      };
    }
    case 'W2': {
      const n = scaled(SIZES.W2.pairs, scale);
      return {
        workload: 'W2',
        ns,
        dumps: scaled(SIZES.W2.dumps, Math.min(1, scale * 10)),
        expect: 2 * n + 1,
      };
    }
    case 'W3': {
      const n = scaled(SIZES.W3.routes, scale);
      return {
        workload: 'W3',
        ns,
        gateway: W3_GATEWAY,
        prefixes: range(n).map(routePrefix),
        dumps: scaled(SIZES.W3.dumps, Math.min(1, scale * 10)),
        expect: n + 1,
        sequential: true,
      };
    }
    case 'W4': {
      const n = scaled(SIZES.W4.addresses, scale);
      return {
        workload: 'W4',
        ns,
        dev: 'a0',
        prefixes: range(n).map(addressPrefix),
        dumps: scaled(SIZES.W4.dumps, Math.min(1, scale * 10)),
        expect: n,
        sequential: true,
      };
    }
    case 'W5': {
      const n = scaled(SIZES.W5.ports, scale);
      return {
        workload: 'W5',
        ns,
        bridge: 'br0',
        vxlan: 'vx0',
        vni: W5_VXLAN.id,
        dstport: W5_VXLAN.dstport,
        local: W5_VXLAN.local,
        ports: range(n).map((i) => `b${i}`),
        peers: range(n).map((i) => `c${i}`),
      };
    }
    case 'W6':
      return { workload: 'W6', dataDir, minMs: Math.max(50, SIZES.W6.minMs * Math.min(1, scale)) };
  }
}
