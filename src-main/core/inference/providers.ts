/** Execution providers in the names onnxruntime-node uses. */
export type ProviderName = 'cuda' | 'dml' | 'coreml' | 'webgpu' | 'cpu';
export type ProviderPreference = 'auto' | ProviderName;

export interface BackendInfo {
  name: string;
  bundled: boolean;
}

/**
 * The order to try providers on this platform. CUDA first wherever its provider libraries may be installed
 * (README: ONNXRUNTIME_NODE_INSTALL=cuda12), then the platform's own accelerator, then CPU. WebGPU is bundled
 * on Linux/Windows but is only tried when asked for: it has not measured faster than CPU for our small models.
 */
export function providerOrder(platform: NodeJS.Platform, preference: ProviderPreference): ProviderName[] {
  if (preference !== 'auto') return preference === 'cpu' ? ['cpu'] : [preference, 'cpu'];
  switch (platform) {
    case 'win32':
      return ['cuda', 'dml', 'cpu'];
    case 'darwin':
      return ['coreml', 'cpu'];
    default:
      return ['cuda', 'cpu'];
  }
}

/** Why a provider cannot even be tried, or null when it can. */
export function unavailableReason(name: ProviderName, backends: BackendInfo[], cudaLibsPresent: boolean): string | null {
  if (name === 'cpu') return null;
  if (name === 'cuda') return cudaLibsPresent ? null : 'CUDA provider libraries are not installed (see README: ONNXRUNTIME_NODE_INSTALL=cuda12)';
  const b = backends.find((x) => x.name === name);
  if (!b) return `${name} is not built into this onnxruntime-node`;
  return null;
}
