/**
 * Reads an OVMF variable store file (the pflash VARS image a guest ran with): every variable
 * record with its state, so a test can see what the firmware keeps, deleted records included.
 * Authenticated variable headers (OVMF_VARS_4M.fd): StartId 0x55AA, State, Reserved,
 * Attributes u32, MonotonicCount u64, TimeStamp 16 bytes, PubKeyIndex u32, NameSize u32,
 * DataSize u32, VendorGuid 16 bytes, then the UTF-16 name and the data.
 */
import { readFileSync } from 'node:fs';

export interface VarRecord {
  name: string;
  data: Buffer;
  /** VAR_ADDED (0x3f), or in transition to deleted (0x3e): the value the firmware reads. */
  live: boolean;
}

const HEADER = 60;

export function readVarStore(path: string): VarRecord[] {
  const b = readFileSync(path);
  const out: VarRecord[] = [];
  for (let i = 0; i + HEADER < b.length; i++) {
    if (b[i] !== 0xaa || b[i + 1] !== 0x55) continue;
    const state = b[i + 2]!;
    const nameSize = b.readUInt32LE(i + 36);
    const dataSize = b.readUInt32LE(i + 40);
    if (nameSize < 2 || nameSize > 512 || nameSize % 2 || dataSize > 65536 || i + HEADER + nameSize + dataSize > b.length) continue;
    const name = b.subarray(i + HEADER, i + HEADER + nameSize - 2).toString('utf16le');
    if (!/^[\x20-\x7e]+$/.test(name)) continue;
    out.push({ name, data: b.subarray(i + HEADER + nameSize, i + HEADER + nameSize + dataSize), live: state === 0x3f || state === 0x3e });
    i += HEADER + nameSize + dataSize - 1;
  }
  return out;
}

/** A Boot#### record's description (EFI_LOAD_OPTION: attributes u32, path length u16, UTF-16 text). */
export function bootLabel(r: VarRecord): string {
  return r.data.subarray(6).toString('utf16le').split('\0')[0]!;
}

/** The live BootOrder, as entry numbers ("0004"). */
export function bootOrder(vars: VarRecord[]): string[] {
  const r = vars.filter((v) => v.name === 'BootOrder' && v.live).pop();
  if (!r) return [];
  const nums: string[] = [];
  for (let i = 0; i + 1 < r.data.length; i += 2) nums.push(r.data.readUInt16LE(i).toString(16).toUpperCase().padStart(4, '0'));
  return nums;
}
