/**
 * @module test/pages/y4m
 * A video file for Chromium's fake camera (`--use-file-for-fake-video-capture`): a PNG (a ticket's
 * QR code) centred on a white frame, as YUV4MPEG2: a text header, then `FRAME\n` and the raw
 * 4:2:0 planes (Y full size, U and V a quarter each) per frame. Grey only: U = V = 128.
 */
import { writeFileSync } from 'node:fs';
import { PNG } from 'pngjs';

/** Write `frames` identical frames of `png` centred on a `width`×`height` white picture (integer upscale to fill about 80%). */
export function pngToY4m(png: Buffer, path: string, opts: { width?: number; height?: number; frames?: number } = {}): void {
  const W = opts.width ?? 640,
    H = opts.height ?? 480,
    frames = opts.frames ?? 5;
  const img = PNG.sync.read(png);
  const scale = Math.max(1, Math.floor((Math.min(W, H) * 0.8) / Math.max(img.width, img.height)));
  const w = img.width * scale,
    h = img.height * scale;
  const x0 = Math.floor((W - w) / 2),
    y0 = Math.floor((H - h) / 2);
  const y = Buffer.alloc(W * H, 255);
  for (let py = 0; py < h; py++) {
    for (let px = 0; px < w; px++) {
      const i = (Math.floor(py / scale) * img.width + Math.floor(px / scale)) * 4;
      const a = img.data[i + 3]! / 255;
      const lum = 0.299 * img.data[i]! + 0.587 * img.data[i + 1]! + 0.114 * img.data[i + 2]!;
      y[(y0 + py) * W + x0 + px] = Math.round(lum * a + 255 * (1 - a));
    }
  }
  const chroma = Buffer.alloc((W / 2) * (H / 2) * 2, 128);
  const frame = Buffer.concat([Buffer.from('FRAME\n'), y, chroma]);
  writeFileSync(
    path,
    Buffer.concat([Buffer.from(`YUV4MPEG2 W${W} H${H} F10:1 Ip A1:1 C420jpeg\n`), ...Array.from({ length: frames }, () => frame)]),
  );
}
