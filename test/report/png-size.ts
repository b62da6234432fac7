/** Reads a PNG's signature and its IHDR width and height (PNG spec §11.2.2: bytes 16–23, big-endian). */
export const PNG_SIGNATURE = Buffer.from([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a]);

export function pngSize(png: Buffer): { signature: boolean; width: number; height: number } {
  return {
    signature:
      png.subarray(0, 8).equals(PNG_SIGNATURE) && png.subarray(12, 16).toString('ascii') === 'IHDR',
    width: png.readUInt32BE(16),
    height: png.readUInt32BE(20),
  };
}

/** The text content of every <text> element of an SVG, in document order. */
export function svgTexts(svg: string): string[] {
  return [...svg.matchAll(/<text[^>]*>([^<]*)<\/text>/g)].map((m) =>
    m[1]!.replaceAll('&amp;', '&'),
  );
}
