/**
 * The pool file (`--peers FILE`): `{"peers": [...]}` with CedarBackup's field names, plus
 * `defaults` for every peer, and the owner, mode and indicator names of staged files. Pure:
 * JSON text in, a checked pool or a PoolError naming the field out.
 */
import { isAbsolute } from 'node:path';
import { FirstaidError } from '../../core/errors.js';
import { DEFAULT_COLLECT_INDICATOR, DEFAULT_STAGE_INDICATOR, type Ownership } from './types.js';
import { DEFAULT_RCP_COMMAND, DEFAULT_RSH_COMMAND } from './commands.js';

interface Common {
  name: string;
  collectDir: string;
  collectIndicator: string;
  stageIndicator: string;
  ownership?: Ownership;
  permissions?: number;
}
export interface LocalPeerSpec extends Common {
  type: 'local';
}
export interface RemotePeerSpec extends Common {
  type: 'remote';
  workingDir: string;
  remoteUser?: string;
  localUser?: string;
  rcpCommand: string[];
  rshCommand: string[];
}
export type PeerSpec = LocalPeerSpec | RemotePeerSpec;
export interface Pool {
  peers: PeerSpec[];
}

export class PoolError extends FirstaidError {
  constructor(message: string) {
    super('bad-pool', `The pool file is not right: ${message}`, 'Fix the pool file: {"peers": [{"name", "type": "local"|"remote", "collectDir", ...}], see README (peers).', 2);
    this.name = 'PoolError';
  }
}

const PEER_FIELDS = ['name', 'type', 'collectDir', 'workingDir', 'remoteUser', 'localUser', 'rcpCommand', 'rshCommand', 'ownership', 'permissions', 'collectIndicator', 'stageIndicator'];
const DEFAULT_FIELDS = PEER_FIELDS.filter((f) => f !== 'name' && f !== 'collectDir');
const TOP_FIELDS = ['peers', 'defaults', 'ownership', 'permissions', 'collectIndicator', 'stageIndicator'];

type Obj = Record<string, unknown>;
const isObj = (v: unknown): v is Obj => typeof v === 'object' && v !== null && !Array.isArray(v);

function onlyKnown(o: Obj, known: string[], where: string): void {
  for (const k of Object.keys(o)) if (!known.includes(k)) throw new PoolError(`${where}: unknown field "${k}" (known: ${known.join(', ')}).`);
}

/** RFC 1123 host name: labels of letters, digits and inner hyphens, at most 253 characters. */
export function isHostname(s: string): boolean {
  return s.length > 0 && s.length <= 253 && s.split('.').every((l) => /^[A-Za-z0-9]([A-Za-z0-9-]{0,61}[A-Za-z0-9])?$/.test(l));
}

const USER_RE = /^[A-Za-z0-9_][A-Za-z0-9_.-]*\$?$/;

function str(v: unknown, where: string): string {
  if (typeof v !== 'string' || v === '') throw new PoolError(`${where} must be a non-empty string.`);
  return v;
}
function absPath(v: unknown, where: string): string {
  const s = str(v, where);
  if (!isAbsolute(s)) throw new PoolError(`${where} must be an absolute path, got "${s}".`);
  if (s.includes('\0') || s.includes('\n')) throw new PoolError(`${where} holds a NUL or newline.`);
  return s;
}
function userName(v: unknown, where: string): string {
  const s = str(v, where);
  if (!USER_RE.test(s) || s.length > 32) throw new PoolError(`${where}: "${s}" is not a user name.`);
  return s;
}
function fileName(v: unknown, where: string): string {
  const s = str(v, where);
  if (s.includes('/') || s === '.' || s === '..' || s.includes('\0')) throw new PoolError(`${where}: "${s}" must be a plain file name.`);
  return s;
}
function argvList(v: unknown, where: string): string[] {
  if (!Array.isArray(v) || v.length === 0 || !v.every((a) => typeof a === 'string')) {
    throw new PoolError(`${where} must be a non-empty list of strings (argv), like ["scp", "-q"]; a shell string is not accepted.`);
  }
  if (v[0] === '') throw new PoolError(`${where}: the program name is empty.`);
  return v as string[];
}
function copyCommand(v: unknown, where: string): string[] {
  const a = argvList(v, where);
  if (a.includes('-O')) {
    throw new PoolError(`${where} uses "-O" (legacy scp): it hands remote paths to the remote shell, so a file name can run commands there. Remove "-O"; firstaid uses scp's SFTP mode.`);
  }
  return a;
}
function ownershipOf(v: unknown, where: string): Ownership {
  if (typeof v === 'string') {
    const [user, group, ...rest] = v.split(':');
    if (rest.length || (!user && !group)) throw new PoolError(`${where} must be "user", "user:group", ":group" or {"user", "group"}.`);
    return { ...(user ? { user: userName(user, `${where} user`) } : {}), ...(group ? { group: userName(group, `${where} group`) } : {}) };
  }
  if (!isObj(v)) throw new PoolError(`${where} must be "user:group" or {"user": ..., "group": ...}.`);
  onlyKnown(v, ['user', 'group'], where);
  const o: Ownership = {};
  if (v.user !== undefined) o.user = userName(String(v.user), `${where}.user`);
  if (v.group !== undefined) o.group = userName(String(v.group), `${where}.group`);
  return o;
}
function permissionsOf(v: unknown, where: string): number {
  if (typeof v !== 'string' || !/^0?[0-7]{3,4}$/.test(v)) {
    throw new PoolError(`${where} must be an octal string such as "0640" (JSON has no octal numbers).`);
  }
  return parseInt(v, 8);
}

function peerOf(raw: unknown, i: number, top: Obj, defaults: Obj): PeerSpec {
  const where = `peers[${i}]`;
  if (!isObj(raw)) throw new PoolError(`${where} must be an object.`);
  onlyKnown(raw, PEER_FIELDS, where);
  const get = (k: string): unknown => (raw[k] !== undefined ? raw[k] : defaults[k] !== undefined ? defaults[k] : top[k]);
  const name = str(raw.name, `${where}.name`);
  if (!isHostname(name)) throw new PoolError(`${where}.name: "${name}" is not a valid host name (letters, digits, hyphens, dots).`);
  const w = `peer ${name}`;
  const type = get('type');
  if (type !== 'local' && type !== 'remote') throw new PoolError(`${w}: type must be "local" or "remote".`);
  const common: Common = {
    name,
    collectDir: absPath(raw.collectDir, `${w}: collectDir`),
    collectIndicator: fileName(get('collectIndicator') ?? DEFAULT_COLLECT_INDICATOR, `${w}: collectIndicator`),
    stageIndicator: fileName(get('stageIndicator') ?? DEFAULT_STAGE_INDICATOR, `${w}: stageIndicator`),
  };
  if (get('ownership') !== undefined) common.ownership = ownershipOf(get('ownership'), `${w}: ownership`);
  if (get('permissions') !== undefined) common.permissions = permissionsOf(get('permissions'), `${w}: permissions`);
  if (type === 'local') {
    for (const k of ['remoteUser', 'localUser', 'rcpCommand', 'rshCommand']) {
      if (raw[k] !== undefined) throw new PoolError(`${w}: ${k} is for remote peers; this one is local.`);
    }
    return { ...common, type };
  }
  const spec: RemotePeerSpec = {
    ...common,
    type,
    workingDir: absPath(get('workingDir') ?? '/tmp', `${w}: workingDir`),
    rcpCommand: get('rcpCommand') !== undefined ? copyCommand(get('rcpCommand'), `${w}: rcpCommand`) : [...DEFAULT_RCP_COMMAND],
    rshCommand: get('rshCommand') !== undefined ? argvList(get('rshCommand'), `${w}: rshCommand`) : [...DEFAULT_RSH_COMMAND],
  };
  if (get('remoteUser') !== undefined) spec.remoteUser = userName(get('remoteUser'), `${w}: remoteUser`);
  if (get('localUser') !== undefined) spec.localUser = userName(get('localUser'), `${w}: localUser`);
  return spec;
}

export function parsePool(text: string): Pool {
  let doc: unknown;
  try {
    doc = JSON.parse(text);
  } catch (err) {
    throw new PoolError(`it is not JSON (${(err as Error).message}).`);
  }
  if (!isObj(doc)) throw new PoolError('it must be a JSON object like {"peers": [...]}.');
  onlyKnown(doc, TOP_FIELDS, 'top level');
  if (!Array.isArray(doc.peers)) throw new PoolError('"peers" must be a list of peers.');
  const defaults = doc.defaults === undefined ? {} : doc.defaults;
  if (!isObj(defaults)) throw new PoolError('"defaults" must be an object.');
  onlyKnown(defaults, DEFAULT_FIELDS, 'defaults');
  const peers = doc.peers.map((p, i) => peerOf(p, i, doc as Obj, defaults));
  const seen = new Set<string>();
  for (const p of peers) {
    const key = p.name.toLowerCase();
    if (seen.has(key)) throw new PoolError(`two peers are named "${p.name}": each peer stages into its own directory named after it.`);
    seen.add(key);
  }
  return { peers };
}
