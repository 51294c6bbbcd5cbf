/**
 * `.npz` files (`numpy.savez` stores its members, `numpy.savez_compressed` deflates them): a zip archive of .npy
 * files, one per array, each read by the .npy reader. A deflated member is inflated with a hard bound (./zip.ts).
 */
import { readNpy, readNpyHeader } from '../npy';
import type { Tensor } from '../tensor';
import type { TensorArchive, TensorEntry } from './archive';
import { binaryError, DEFAULT_LIMITS, type ReadLimits } from './errors';
import { looksLikeZip, memberBytes, readZip } from './zip';

/** Reads an .npz file's bytes. Arrays are keyed by member name without `.npy` (`np.savez(f, x=…)` → `x`). */
export function readNpz(bytes: Uint8Array, file = 'arrays.npz', limits: ReadLimits = DEFAULT_LIMITS): TensorArchive {
  if (!looksLikeZip(bytes)) {
    throw binaryError(
      file,
      0,
      'npz/magic',
      'not an .npz file (it is not a zip archive)',
      'An .npz file (numpy.savez) is a zip archive of .npy files, starting with the bytes PK.',
      'Save the arrays with numpy.savez(path, x=x, y=y).',
    );
  }
  const zip = readZip(bytes, file, '.npz');
  const entries: TensorEntry[] = [];
  for (const member of zip.members.values()) {
    if (!member.name.endsWith('.npy')) continue;
    const key = member.name.slice(0, -4);
    const label = `${file}/${member.name}`;
    let cached: Uint8Array | undefined;
    const raw = (): Uint8Array => (cached ??= memberBytes(zip, member, limits));
    // The header is read now (shape and dtype for the listing); a deflated member is inflated once for both.
    const header = readNpyHeader(raw(), label);
    entries.push({
      key,
      shape: header.shape,
      dtypeName: header.dtype,
      dtype: header.dtype,
      load: (): Tensor => readNpy(raw(), label),
    });
  }
  return { format: 'npz', file, entries };
}
