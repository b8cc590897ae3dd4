/**
 * Text output close to `ip`'s, rendered from the iproute2-shaped objects of json.ts: the same
 * fields, in ip's words (`link/ether ... brd ...`, `inet 10.0.0.1/24 scope global v0`, `default via
 * 10.0.0.1 dev v0`).
 */
import type { Obj } from './json.js';
import { Raw } from './jsonw.js';

type Val = Obj[string];

const str = (v: Val): string =>
  v === undefined || v === null
    ? ''
    : v instanceof Raw
      ? v.text
      : typeof v === 'object'
        ? JSON.stringify(v)
        : String(v);

/** Options of the text renderers. */
export interface TextOptions {
  /** `-o`: one line per record (`\` where ip breaks lines). */
  oneline?: boolean;
  /** `-d`. */
  details?: boolean;
  /** The name of a namespace by its nsid (`link-netns NAME` instead of `link-netnsid N`). */
  netnsName?: (nsid: number) => string | undefined;
}

function lines(parts: string[], o: TextOptions): string {
  const text = parts.join('\n');
  return o.oneline ? `${text.replace(/\n/g, ' \\')}\n` : `${text}\n`;
}

// Words ip prints instead of the JSON key, per kind (info_data) or for every kind.
const TEXT_KEYS: Readonly<Record<string, string>> = {
  port: 'dstport',
  link: 'dev',
  limit: 'maxaddr',
  label: 'flowlabel',
  group6: 'group',
  remote6: 'remote',
  local6: 'local',
  group_addr: 'group_address',
  root_id: 'designated_root',
  mcast_last_member_cnt: 'mcast_last_member_count',
  mcast_startup_query_cnt: 'mcast_startup_query_count',
  mcast_last_member_intvl: 'mcast_last_member_interval',
  mcast_membership_intvl: 'mcast_membership_interval',
  mcast_querier_intvl: 'mcast_querier_interval',
  mcast_query_intvl: 'mcast_query_interval',
  mcast_query_response_intvl: 'mcast_query_response_interval',
  mcast_startup_query_intvl: 'mcast_startup_query_interval',
  id: 'id',
  no: 'port_no',
  udp_csum: 'udpcsum',
  udp_zero_csum6_tx: 'udp6zerocsumtx',
  udp_zero_csum6_rx: 'udp6zerocsumrx',
  remcsum_tx: 'remcsumtx',
  remcsum_rx: 'remcsumrx',
};

/** `key value` pairs of a kind's data, in ip's words. */
function kindText(kind: string, d: Obj | undefined): string {
  if (!d) return '';
  const out: string[] = [];
  for (const [k, v] of Object.entries(d)) {
    if (v === undefined || k === 'group_fwd_mask_str') continue;
    const word = TEXT_KEYS[k] ?? k;
    if (k === 'learning' && kind === 'vxlan') {
      if (v === false) out.push('nolearning');
    } else if (k === 'port_range' && v && typeof v === 'object') {
      const r = v as Record<string, number>;
      out.push(`srcport ${r.low} ${r.high}`);
    } else if (typeof v === 'boolean') {
      if (k.startsWith('udp')) out.push(v ? word : `no${word}`);
      else if (
        [
          'hairpin',
          'guard',
          'root_block',
          'fastleave',
          'learning',
          'flood',
          'proxy_arp',
          'proxy_arp_wifi',
          'mcast_flood',
          'bcast_flood',
          'mcast_to_unicast',
          'neigh_suppress',
          'vlan_tunnel',
          'isolated',
          'locked',
          'pi',
          'vnet_hdr',
          'multi_queue',
          'persist',
        ].includes(k)
      )
        out.push(`${word} ${v ? 'on' : 'off'}`);
      else if (v) out.push(word);
    } else if (Array.isArray(v)) out.push(`${word} ${v.map(str).join(' ')}`);
    else if (k === 'ttl' && v === 0) out.push('ttl auto');
    else if (k === 'ageing' && v === 0) out.push('ageing none');
    else out.push(`${word} ${str(v)}`);
  }
  return out.join(' ');
}

/** A link as `ip link show` prints it. */
export function linkText(l: Obj, o: TextOptions = {}): string {
  const name = str(l.ifname);
  let head = `${str(l.ifindex)}: `;
  if (l.deleted) head = `Deleted ${head}`;
  if (l.link_index !== undefined) head += `${name}@if${str(l.link_index)}`;
  else if ('link' in l && l.link !== undefined) head += `${name}@${l.link === null ? 'NONE' : str(l.link)}`;
  else head += name;
  const first = [`${head}: <${((l.flags as string[]) ?? []).join(',')}>`];
  if (l.mtu !== undefined) first.push(`mtu ${str(l.mtu)}`);
  if (l.qdisc !== undefined) first.push(`qdisc ${str(l.qdisc)}`);
  if (l.master !== undefined) first.push(`master ${str(l.master)}`);
  if (l.operstate !== undefined) first.push(`state ${str(l.operstate)}`);
  if (l.linkmode !== undefined) first.push(`mode ${str(l.linkmode)}`);
  if (l.group !== undefined) first.push(`group ${str(l.group)}`);
  if (l.txqlen !== undefined) first.push(`qlen ${str(l.txqlen)}`);
  if (l.event !== undefined) first.push(`event ${str(l.event)}`);
  const out = [first.join(' ')];
  if (l.link_type !== undefined) {
    let second = `    link/${str(l.link_type)}`;
    if (l.address !== undefined) second += ` ${str(l.address)}`;
    if (l.broadcast !== undefined) second += ` ${l.link_pointtopoint ? 'peer' : 'brd'} ${str(l.broadcast)}`;
    if (l.permaddr !== undefined) second += ` permaddr ${str(l.permaddr)}`;
    if (l.link_netnsid !== undefined)
      second +=
        o.netnsName?.(Number(l.link_netnsid)) !== undefined
          ? ` link-netns ${o.netnsName(Number(l.link_netnsid))}`
          : ` link-netnsid ${str(l.link_netnsid)}`;
    if (l.new_netnsid !== undefined) second += ` new-netnsid ${str(l.new_netnsid)}`;
    if (l.new_ifindex !== undefined) second += ` new-ifindex ${str(l.new_ifindex)}`;
    if (l.proto_down) second += ' protodown on';
    if (o.details) {
      const d: string[] = [];
      for (const [k, word] of [
        ['promiscuity', 'promiscuity'],
        ['allmulti', 'allmulti'],
        ['min_mtu', 'minmtu'],
        ['max_mtu', 'maxmtu'],
      ] as const)
        if (l[k] !== undefined) d.push(`${word} ${str(l[k])}`);
      if (d.length) second += ` ${d.join(' ')}`;
    }
    out.push(second);
  }
  if (o.details) {
    const info = l.linkinfo as Obj | undefined;
    if (info?.info_kind !== undefined)
      out.push(
        `    ${str(info.info_kind)} ${kindText(str(info.info_kind), info.info_data as Obj | undefined)}`.trimEnd(),
      );
    if (info?.info_slave_kind !== undefined)
      out.push(
        `    ${str(info.info_slave_kind)}_slave ${kindText(`${str(info.info_slave_kind)}_slave`, info.info_slave_data as Obj | undefined)}`.trimEnd(),
      );
    const tail: string[] = [];
    for (const [k, word] of [
      ['inet6_addr_gen_mode', 'addrgenmode'],
      ['num_tx_queues', 'numtxqueues'],
      ['num_rx_queues', 'numrxqueues'],
      ['gso_max_size', 'gso_max_size'],
      ['gso_max_segs', 'gso_max_segs'],
      ['tso_max_size', 'tso_max_size'],
      ['tso_max_segs', 'tso_max_segs'],
      ['gro_max_size', 'gro_max_size'],
      ['phys_port_name', 'portname'],
      ['phys_port_id', 'portid'],
      ['phys_switch_id', 'switchid'],
      ['parentbus', 'parentbus'],
      ['parentdev', 'parentdev'],
    ] as const)
      if (l[k] !== undefined) tail.push(`${word} ${str(l[k])}`);
    if (tail.length) out.push(`    ${tail.join(' ')}`);
  }
  if (l.ifalias !== undefined) out.push(`    alias ${str(l.ifalias)}`);
  const s = l.stats64 as Record<string, Record<string, Val>> | undefined;
  if (s) {
    // ip's columns: each value right-aligned under its heading.
    const widths = [14, 8, 7, 8, 8, 8];
    const row = (x: Record<string, Val>, keys: string[]) =>
      keys.map((k, i) => str(x[k] ?? 0).padStart(widths[i])).join('');
    out.push('    RX:  bytes packets errors dropped  missed   mcast');
    out.push(row(s.rx, ['bytes', 'packets', 'errors', 'dropped', 'missed_errors', 'multicast']));
    out.push('    TX:  bytes packets errors dropped carrier collsns');
    out.push(row(s.tx, ['bytes', 'packets', 'errors', 'dropped', 'carrier_errors', 'collisions']));
  }
  for (const n of (l.altnames as string[] | undefined) ?? []) out.push(`    altname ${n}`);
  const addrs = l.addr_info as Obj[] | undefined;
  if (addrs) for (const a of addrs) out.push(...addrLines(a));
  return lines(out, o);
}

/** The lines of one address under its link (`    inet ...`, `       valid_lft ...`). */
export function addrLines(a: Obj): string[] {
  let s = `    ${str(a.family ?? `family ${str(a.family_index)}`)} `;
  if (a.local !== undefined) {
    s += str(a.local);
    if (a.address !== undefined) s += ` peer ${str(a.address)}`;
    s += `/${str(a.prefixlen)} `;
  }
  if (a.broadcast !== undefined) s += `brd ${str(a.broadcast)} `;
  if (a.anycast !== undefined) s += `any ${str(a.anycast)} `;
  if (a.metric !== undefined) s += `metric ${str(a.metric)} `;
  s += `scope ${str(a.scope)} `;
  for (const f of [
    'dynamic',
    'secondary',
    'temporary',
    'nodad',
    'optimistic',
    'dadfailed',
    'home',
    'deprecated',
    'tentative',
    'mngtmpaddr',
    'noprefixroute',
    'autojoin',
    'stable-privacy',
  ])
    if (a[f]) s += `${f} `;
  if (a.ifa_flags !== undefined) s += `flags ${str(a.ifa_flags)} `;
  if (a.label !== undefined) s += str(a.label);
  const out = [s.trimEnd()];
  if (a.valid_life_time !== undefined) {
    const life = (v: Val) => (v === 0xffffffff ? 'forever' : `${str(v)}sec`);
    out.push(`       valid_lft ${life(a.valid_life_time)} preferred_lft ${life(a.preferred_life_time)}`);
  }
  return out;
}

/** An address event or `address show` with -o: `N: dev    inet ...`. */
export function addrText(a: Obj, o: TextOptions = {}): string {
  const head = `${a.deleted ? 'Deleted ' : ''}${str(a.index)}: ${str(a.dev)}`;
  const [first, ...rest] = addrLines(a);
  return lines([`${head}${first}`, ...rest], o);
}

/** A route as `ip route show` prints it. */
export function routeText(r: Obj, o: TextOptions = {}): string {
  const p: string[] = [];
  if (r.deleted) p.push('Deleted');
  if (r.type !== undefined) p.push(str(r.type));
  p.push(str(r.dst));
  if (r.from !== undefined) p.push(`from ${str(r.from)}`);
  if (r.nhid !== undefined) p.push(`nhid ${str(r.nhid)}`);
  if (r.tos !== undefined) p.push(`tos ${str(r.tos)}`);
  if (r.gateway !== undefined) p.push(`via ${str(r.gateway)}`);
  if (r.via !== undefined) {
    const v = r.via as Obj;
    p.push(`via ${str(v.family)} ${str(v.host)}`);
  }
  if (r.dev !== undefined) p.push(`dev ${str(r.dev)}`);
  if (r.table !== undefined) p.push(`table ${str(r.table)}`);
  if (r.protocol !== undefined) p.push(`proto ${str(r.protocol)}`);
  if (r.scope !== undefined) p.push(`scope ${str(r.scope)}`);
  if (r.prefsrc !== undefined) p.push(`src ${str(r.prefsrc)}`);
  if (r.metric !== undefined) p.push(`metric ${str(r.metric)}`);
  for (const f of (r.flags as string[]) ?? []) p.push(f);
  if (r.mark !== undefined) p.push(`mark ${str(r.mark)}`);
  if (r.flow_to !== undefined)
    p.push(`realm${r.flow_from ? 's' : ''} ${r.flow_from ? `${str(r.flow_from)}/` : ''}${str(r.flow_to)}`);
  if (r.uid !== undefined) p.push(`uid ${str(r.uid)}`);
  let text = p.join(' ');
  if (r.cache !== undefined) {
    const c = r.cache as string[];
    text += `\n    cache ${c.length ? `<${c.join(',')}> ` : ''}`;
    if (r.expires !== undefined) text += `expires ${str(r.expires)}sec `;
    text = text.trimEnd();
  } else if (r.expires !== undefined) text += ` expires ${str(r.expires)}sec`;
  const m = (r.metrics as Obj[] | undefined)?.[0];
  if (m)
    for (const [k, v] of Object.entries(m)) {
      if (k === 'ecn') text += ' features ecn';
      else text += ` ${k === 'congestion' ? 'congctl' : k} ${str(v)}`;
    }
  if (r.iif !== undefined) text += ` iif ${str(r.iif)}`;
  for (const n of (r.nexthops as Obj[] | undefined) ?? []) {
    let nh = '\n\tnexthop';
    if (n.gateway !== undefined) nh += ` via ${str(n.gateway)}`;
    if (n.via !== undefined) nh += ` via ${str((n.via as Obj).family)} ${str((n.via as Obj).host)}`;
    nh += ` dev ${str(n.dev)} weight ${str(n.weight)}`;
    for (const f of (n.flags as string[]) ?? []) nh += ` ${f}`;
    text += nh;
  }
  if (r.pref !== undefined) text += ` pref ${str(r.pref)}`;
  return lines([text], o);
}

/** A neighbour as `ip neigh show` prints it. */
export function neighText(n: Obj, o: TextOptions = {}): string {
  const p: string[] = [];
  if (n.deleted) p.push('Deleted');
  if (n.miss !== undefined) p.push('miss');
  if (n.dst !== undefined) p.push(str(n.dst));
  if (n.dev !== undefined) p.push(`dev ${str(n.dev)}`);
  if (n.lladdr !== undefined) p.push(`lladdr ${str(n.lladdr)}`);
  for (const f of ['router', 'proxy', 'extern_learn', 'offload', 'managed']) if (f in n) p.push(f);
  if (n.used !== undefined) p.push(`used ${str(n.used)}/${str(n.confirmed)}/${str(n.updated)}`);
  if (n.probes !== undefined) p.push(`probes ${str(n.probes)}`);
  for (const s of (n.state as string[] | undefined) ?? []) p.push(s);
  if (n.protocol !== undefined) p.push(`proto ${str(n.protocol)}`);
  return lines([p.join(' ')], o);
}

/** An FDB entry as `bridge fdb show` prints it. */
export function fdbText(e: Obj, o: TextOptions = {}): string {
  const p: string[] = [];
  if (e.deleted) p.push('Deleted');
  p.push(str(e.mac));
  if (e.ifname !== undefined) p.push(`dev ${str(e.ifname)}`);
  if (e.dst !== undefined) p.push(`dst ${str(e.dst)}`);
  if (e.vlan !== undefined) p.push(`vlan ${str(e.vlan)}`);
  if (e.port !== undefined) p.push(`port ${str(e.port)}`);
  if (e.vni !== undefined) p.push(`vni ${str(e.vni)}`);
  if (e.src_vni !== undefined) p.push(`src_vni ${str(e.src_vni)}`);
  if (e.viaIf !== undefined) p.push(`via ${str(e.viaIf)}`);
  if (e.nhid !== undefined) p.push(`nhid ${str(e.nhid)}`);
  for (const f of (e.flags as string[]) ?? []) p.push(f);
  if (e.master !== undefined) p.push(`master ${str(e.master)}`);
  if (e.state) p.push(str(e.state));
  return lines([p.join(' ')], o);
}

/** A rule as `ip rule show` prints it. */
export function ruleText(r: Obj): string {
  let s = `${r.deleted ? 'Deleted ' : ''}${str(r.priority)}:\t`;
  if ('not' in r) s += 'not ';
  s += `from ${str(r.src)}${r.srclen !== undefined ? `/${str(r.srclen)}` : ''}`;
  if (r.dst !== undefined) s += ` to ${str(r.dst)}${r.dstlen !== undefined ? `/${str(r.dstlen)}` : ''}`;
  if (r.tos !== undefined) s += ` tos ${str(r.tos)}`;
  if (r.fwmark !== undefined)
    s += ` fwmark ${str(r.fwmark)}${r.fwmask !== undefined ? `/${str(r.fwmask)}` : ''}`;
  if (r.iif !== undefined) s += ` iif ${str(r.iif)}${r.iif_detached ? ' [detached]' : ''}`;
  if (r.oif !== undefined) s += ` oif ${str(r.oif)}${r.oif_detached ? ' [detached]' : ''}`;
  if ('l3mdev' in r) s += ' lookup [l3mdev-table]';
  if (r.uid_start !== undefined) s += ` uidrange ${str(r.uid_start)}-${str(r.uid_end)}`;
  if (r.ipproto !== undefined) s += ` ipproto ${str(r.ipproto)}`;
  for (const k of ['sport', 'dport'])
    if (r[k] !== undefined) s += ` ${k} ${str(r[k])}`;
    else if (r[`${k}_start`] !== undefined) s += ` ${k} ${str(r[`${k}_start`])}-${str(r[`${k}_end`])}`;
  if (r.tun_id !== undefined) s += ` tun_id ${str(r.tun_id)}`;
  if (r.table !== undefined) s += ` lookup ${str(r.table)}`;
  if (r.suppress_prefixlen !== undefined) s += ` suppress_prefixlength ${str(r.suppress_prefixlen)}`;
  if (r.suppress_ifgroup !== undefined) s += ` suppress_ifgroup ${str(r.suppress_ifgroup)}`;
  if (r.flow_to !== undefined) s += ` realms ${r.flow_from ? `${str(r.flow_from)}/` : ''}${str(r.flow_to)}`;
  if (r.goto !== undefined) s += ` goto ${str(r.goto)}${r.unresolved ? ' [unresolved]' : ''}`;
  if ('nop' in r) s += ' nop';
  if (r.action !== undefined) s += ` ${str(r.action)}`;
  if (r.protocol !== undefined) s += ` proto ${str(r.protocol)}`;
  return `${s}\n`;
}
