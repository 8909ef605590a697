import iconv from 'iconv-lite';
import { describe, expect, it } from 'vitest';
import { decodeText } from '../src/index.js';

describe('decodeText: how a data unit text file is read', () => {
  it('a byte-order mark decides and is removed (UTF-8, UTF-16 LE, UTF-16 BE)', () => {
    const text = 'Zoë 🎉\r\nline';
    expect(decodeText(Buffer.concat([Buffer.from([0xef, 0xbb, 0xbf]), Buffer.from(text)]))).toEqual(
      {
        text,
        encoding: 'utf-8',
        by: 'bom',
      },
    );
    expect(
      decodeText(Buffer.concat([Buffer.from([0xff, 0xfe]), Buffer.from(text, 'utf16le')])),
    ).toEqual({
      text,
      encoding: 'utf-16le',
      by: 'bom',
    });
    const be = Buffer.from(text, 'utf16le').swap16();
    expect(decodeText(Buffer.concat([Buffer.from([0xfe, 0xff]), be]))).toEqual({
      text,
      encoding: 'utf-16be',
      by: 'bom',
    });
  });

  it('strict UTF-8 without a mark; line ends and a BOM-like U+FEFF inside are kept', () => {
    const text = 'a\rb\nc\r\n\uFEFFd 東京';
    expect(decodeText(Buffer.from(text))).toEqual({ text, encoding: 'utf-8', by: 'utf-8' });
    expect(decodeText(new Uint8Array())).toEqual({ text: '', encoding: 'utf-8', by: 'utf-8' });
  });

  it.each([
    ['windows-1252', 'Café « Zoë » à Paris, l’été, déjà très célèbre, évidemment, naïve façade.'],
    ['shift_jis', '東京都の会社が新しい研究所を開設しました。技術者を四十人採用します。'],
    ['euc-kr', '서울에 있는 회사가 새로운 연구소를 열었습니다. 엔지니어 사십 명을 채용합니다.'],
    ['windows-1251', 'Компания открыла новую лабораторию в Москве и наняла сорок инженеров.'],
  ])('a legacy encoding is detected: %s', (encoding, text) => {
    const got = decodeText(iconv.encode(text, encoding));
    expect(got.text).toBe(text);
    expect(got.by).toBe('detected');
  });

  it('UTF-8 with one corrupt byte stays UTF-8 (one U+FFFD), so later offsets do not shift', () => {
    const good = Buffer.from('Zoë Okafor met Søren in München and 東京 on Tuesday, ');
    const bytes = Buffer.concat([good, Buffer.from([0xff]), Buffer.from(' Ana Lima.')]);
    expect(decodeText(bytes)).toEqual({
      text: `${good.toString('utf8')}\uFFFD Ana Lima.`,
      encoding: 'utf-8',
      by: 'utf-8-repaired',
      replaced: 1,
    });
  });

  it('never throws: bytes no encoding explains decode as windows-1252', () => {
    const got = decodeText(Buffer.from([0xff, 0x00, 0x81, 0xc3]));
    expect(typeof got.text).toBe('string');
    expect(got.by).toBe('detected');
  });
});
