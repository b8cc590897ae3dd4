/**
 * Registers the link kinds declared in this directory (importing a kind's module registers it).
 */
import './bridge.js';
import './ifb.js';
import './ipvlan.js';
import './macvlan.js';
import './tun.js';
import './veth.js';
import './vxlan.js';
