/**
 * The part of pngjs (installed with qrcode, which draws invite codes) that the screenshot
 * comparison uses: decoding a PNG to RGBA pixels and encoding one back.
 */
declare module "pngjs" {
  export class PNG {
    constructor(options: { width: number; height: number });
    width: number;
    height: number;
    data: Buffer;
    static sync: { read(buffer: Buffer): PNG; write(png: PNG): Buffer };
  }
}
