/**
 * Network namespaces, compatible with iproute2's `ip netns`: naming and opening namespaces, running code
 * and programs inside them, creating, attaching, listing and deleting named ones, per-namespace sysctls.
 */
export { currentNetnsInode, runInNetns } from './enter.js';
export { NetnsError, type NetnsErrorCode, type NetnsErrorInit } from './errors.js';
export { type ExecInNetnsOptions, type ExecResult, execInNetns } from './exec.js';
export { identifyNetns, listNetNamespaces, type NsEntry, netnsPids } from './identify.js';
export { addNetns, attachNetns, deleteNetns, listNetns, type NetnsInfo, netnsExists } from './manage.js';
export {
  describeNetnsRef,
  type NetnsHandle,
  type NetnsId,
  type NetnsRef,
  netnsId,
  netnsPath,
  openNetns,
  validateNetnsName,
} from './ref.js';
export { readSysctl, type SysctlKey, sysctlPath, writeSysctl } from './sysctl.js';
