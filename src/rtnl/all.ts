/**
 * Registers every rtnetlink message type and every link kind on the `rtnetlink` protocol catalog
 * (import for the side effect). The debugger, the fuzzer and the client import this so every family
 * and kind is named.
 */
import './link/messages.js';
import './link/kinds/index.js';
import './link/kinds/dummy.js';
import './link/kinds/vlan.js';
import './link/kinds/vrf.js';
import './link/kinds/iptun.js';
import './link/kinds/gre.js';
import './link/kinds/ip6tnl.js';
import './link/kinds/vti.js';
import './link/kinds/geneve.js';
import './link/kinds/bond.js';
import './link/kinds/team.js';
import './link/kinds/wireguard.js';
import './link/kinds/nlmon.js';
import './addr/messages.js';
import './route/messages.js';
import './neigh/messages.js';
import './rule/messages.js';
import './nsid/messages.js';

export { rtnetlink } from './protocol.js';
