import { IFLA_INFO } from '../../constants/if_link.js';
import { binary, string } from '../../netlink/codec.js';
import { attrSet, selector } from '../../netlink/schema.js';
import { linkKind } from './registry.js';

/** IFLA_LINKINFO's nested set (IFLA_INFO_*): kind, kind data, slave kind and slave data. */
export const linkinfoAttrs = attrSet('IFLA_INFO', IFLA_INFO, {
  kind: ['IFLA_INFO_KIND', string],
  data: [
    'IFLA_INFO_DATA',
    selector<Record<string, unknown> | Uint8Array>(
      'IFLA_INFO_DATA',
      (s) => (typeof s.kind === 'string' ? linkKind(s.kind)?.data : undefined),
      binary,
    ),
  ],
  xstats: ['IFLA_INFO_XSTATS', binary],
  slaveKind: ['IFLA_INFO_SLAVE_KIND', string],
  slaveData: [
    'IFLA_INFO_SLAVE_DATA',
    selector<Record<string, unknown> | Uint8Array>(
      'IFLA_INFO_SLAVE_DATA',
      (s) => (typeof s.slaveKind === 'string' ? linkKind(s.slaveKind)?.slaveData : undefined),
      binary,
    ),
  ],
});
