/**
 * Just enough MPEG audio parsing to check a podcast file: skip the ID3v2 tag, walk the Layer III
 * frames and add up their samples. Good to a frame (26 ms at 22.05 kHz): the encoder's padding is
 * counted, which is far below the one-second precision of an episode's `duration`.
 */

export interface Mp3Info {
  hasId3v2: boolean;
  /** Every sample rate seen (a valid file has one). */
  sampleRates: number[];
  /** Every bitrate seen, in kbit/s (one for constant bitrate). */
  bitrates: number[];
  mono: boolean;
  frames: number;
  seconds: number;
}

// Layer III bitrates (kbit/s) by version: MPEG-1, then MPEG-2 and 2.5.
const BITRATES_V1 = [0, 32, 40, 48, 56, 64, 80, 96, 112, 128, 160, 192, 224, 256, 320];
const BITRATES_V2 = [0, 8, 16, 24, 32, 40, 48, 56, 64, 80, 96, 112, 128, 144, 160];
const SAMPLE_RATES: Record<number, number[]> = {
  3: [44100, 48000, 32000], // MPEG-1
  2: [22050, 24000, 16000], // MPEG-2
  0: [11025, 12000, 8000], // MPEG-2.5
};

export function mp3Info(bytes: Uint8Array): Mp3Info {
  let offset = 0;
  const hasId3v2 = bytes[0] === 0x49 && bytes[1] === 0x44 && bytes[2] === 0x33; // "ID3"
  if (hasId3v2) {
    // The tag size is "syncsafe": 4 bytes of 7 bits each, after a 10-byte header.
    const size =
      ((bytes[6]! & 0x7f) << 21) |
      ((bytes[7]! & 0x7f) << 14) |
      ((bytes[8]! & 0x7f) << 7) |
      (bytes[9]! & 0x7f);
    offset = 10 + size;
  }
  const sampleRates = new Set<number>();
  const bitrates = new Set<number>();
  let mono = true;
  let frames = 0;
  let seconds = 0;
  while (offset + 4 <= bytes.length) {
    const b1 = bytes[offset + 1]!;
    const b2 = bytes[offset + 2]!;
    const b3 = bytes[offset + 3]!;
    const sync = bytes[offset] === 0xff && (b1 & 0xe0) === 0xe0;
    const version = (b1 >> 3) & 0x03;
    const layer = (b1 >> 1) & 0x03;
    const bitrateIndex = b2 >> 4;
    const rateIndex = (b2 >> 2) & 0x03;
    const rates = SAMPLE_RATES[version];
    if (!sync || layer !== 1 || !rates || bitrateIndex === 0 || bitrateIndex === 15 || rateIndex === 3) break;
    const mpeg1 = version === 3;
    const kbps = (mpeg1 ? BITRATES_V1 : BITRATES_V2)[bitrateIndex]!;
    const rate = rates[rateIndex]!;
    const padding = (b2 >> 1) & 0x01;
    const samples = mpeg1 ? 1152 : 576;
    const length = Math.floor(((samples / 8) * kbps * 1000) / rate) + padding;
    sampleRates.add(rate);
    bitrates.add(kbps);
    if (b3 >> 6 !== 3) mono = false;
    frames++;
    seconds += samples / rate;
    offset += length;
  }
  return { hasId3v2, sampleRates: [...sampleRates], bitrates: [...bitrates], mono, frames, seconds };
}
