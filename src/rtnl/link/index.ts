/**
 * Links (rtnetlink RTM_*LINK): the IFLA_* attribute set, the link kinds, and the Links API.
 */
export * from './af-bridge.js';
export * from './af-spec.js';
export * from './api.js';
export * from './attrs.js';
export * from './brport.js';
export * from './change.js';
export * from './create.js';
export * from './ifinfomsg.js';
export * from './kinds/bridge.js';
export * from './kinds/ifb.js';
export * from './kinds/ipvlan.js';
export * from './kinds/macvlan.js';
export * from './kinds/tun.js';
export * from './kinds/veth.js';
export * from './kinds/vxlan.js';
export * from './link.js';
export * from './linkinfo.js';
export * from './messages.js';
export * from './plan.js';
export * from './registry.js';
export * from './structs.js';
export * from './vf.js';
