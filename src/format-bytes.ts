const KIB = 1024;
const MIB = 1024 * KIB;

/** Sizes for messages and listings: `812 B`, `75 KiB`, `142 MiB`, `1.5 GiB`. */
export function formatBytes(bytes: number): string {
  if (bytes >= 1024 * MIB) return `${(bytes / (1024 * MIB)).toFixed(1)} GiB`;
  if (bytes >= MIB) return `${Math.round(bytes / MIB)} MiB`;
  if (bytes >= KIB) return `${Math.round(bytes / KIB)} KiB`;
  return `${bytes} B`;
}
