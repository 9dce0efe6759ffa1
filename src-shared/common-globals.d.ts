/**
 * The few globals that exist alike in Node and in browsers and that src-shared uses. tsconfig.shared.json
 * gives src-shared neither Node's types nor the DOM; anything else platform-specific fails to compile there.
 */
declare class TextEncoder {
  encode(input?: string): Uint8Array<ArrayBuffer>;
}

declare class TextDecoder {
  decode(input?: Uint8Array): string;
}

interface AbortSignal {
  readonly aborted: boolean;
  readonly reason: unknown;
}
