// What a native binary was built for, read from its header (ELF, PE, Mach-O), and which Node/Electron
// module version an addon registers itself with. Used by the packaging check and `npm run package`.
import { closeSync, openSync, readFileSync, readSync } from 'node:fs';

const ELF_MACHINE = { 0x3e: 'x64', 0xb7: 'arm64', 0x28: 'arm', 0x03: 'ia32' };
const PE_MACHINE = { 0x8664: 'x64', 0xaa64: 'arm64', 0x14c: 'ia32', 0x1c4: 'arm' };
const MACHO_CPU = { 0x01000007: 'x64', 0x0100000c: 'arm64', 0x7: 'ia32', 0xc: 'arm' };

function head(file, n) {
  const fd = openSync(file, 'r');
  try {
    const buf = Buffer.alloc(n);
    const got = readSync(fd, buf, 0, n, 0);
    return buf.subarray(0, got);
  } finally {
    closeSync(fd);
  }
}

/**
 * { format, platform, archs } for an executable or shared library, or null for any other file.
 * Fat (universal) Mach-O files list every architecture they hold.
 */
export function binaryTarget(file) {
  const b = head(file, 4096);
  if (b.length < 64) return null;
  if (b.readUInt32BE(0) === 0x7f454c46) {
    const le = b[5] === 1;
    const machine = le ? b.readUInt16LE(18) : b.readUInt16BE(18);
    return { format: 'elf', platform: 'linux', archs: [ELF_MACHINE[machine] ?? `elf-${machine}`] };
  }
  if (b[0] === 0x4d && b[1] === 0x5a) {
    const pe = b.readUInt32LE(0x3c);
    if (pe + 6 > b.length || b.readUInt32BE(pe) !== 0x50450000) return null;
    const machine = b.readUInt16LE(pe + 4);
    return { format: 'pe', platform: 'win32', archs: [PE_MACHINE[machine] ?? `pe-${machine}`] };
  }
  const magicLE = b.readUInt32LE(0);
  if (magicLE === 0xfeedfacf || magicLE === 0xfeedface) {
    const cpu = b.readUInt32LE(4);
    return { format: 'macho', platform: 'darwin', archs: [MACHO_CPU[cpu] ?? `macho-${cpu}`] };
  }
  // Fat Mach-O (big-endian header). Java class files share the magic but have a version >= 45 where the
  // architecture count would be.
  if (b.readUInt32BE(0) === 0xcafebabe) {
    const n = b.readUInt32BE(4);
    if (n === 0 || n > 16) return null;
    const archs = [];
    for (let i = 0; i < n; i++) {
      const cpu = b.readUInt32BE(8 + i * 20);
      archs.push(MACHO_CPU[cpu] ?? `macho-${cpu}`);
    }
    return { format: 'macho-fat', platform: 'darwin', archs };
  }
  return null;
}

/**
 * The module version (NODE_MODULE_VERSION) an addon was compiled for, from the `node_register_module_vN`
 * symbol every non-N-API addon carries; null for N-API addons and other files.
 */
export function addonModuleVersion(file) {
  const m = /node_register_module_v(\d+)/.exec(readFileSync(file).toString('latin1'));
  return m ? Number(m[1]) : null;
}
