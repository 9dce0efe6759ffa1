#!/usr/bin/python3
"""Makes the report's embedded fonts: Noto Sans CJK SC (SIL OFL 1.1) Regular and Bold, cut down to the
characters a report needs, so the package stays small and every PDF embeds a font that has each glyph.

Kept: ASCII, Latin-1 and Latin Extended-A, general punctuation, arrows, a few math signs and shapes, CJK
punctuation, full-width forms, every character of GB 2312 (6,763 hanzi plus its symbols: modern Simplified
Chinese), and every character of the message catalogues (so a catalogue string never falls outside the font).

Needs Debian's fonts-noto-cjk and fonttools (`apt-get install fonts-noto-cjk fonttools`). Run from the repository
root after changing a catalogue when the font test says a character is missing:
    /usr/bin/python3 scripts/fonts/subset-report-font.py
"""
import json
import pathlib
import subprocess

ROOT = pathlib.Path(__file__).resolve().parents[2]
SRC = pathlib.Path('/usr/share/fonts/opentype/noto')
OUT = ROOT / 'assets' / 'fonts'
SC_INDEX = 2  # face 2 of the collection is Noto Sans CJK SC


def gb2312() -> set[str]:
    chars = set()
    for hi in range(0xA1, 0xF8):
        for lo in range(0xA1, 0xFF):
            try:
                chars.add(bytes([hi, lo]).decode('gb2312'))
            except UnicodeDecodeError:
                pass
    return chars


def catalogue_chars() -> set[str]:
    chars = set()

    def walk(v):
        if isinstance(v, dict):
            for x in v.values():
                walk(x)
        elif isinstance(v, str):
            chars.update(v)

    for f in (ROOT / 'src-shared' / 'i18n' / 'locales').glob('*.json'):
        walk(json.loads(f.read_text('utf-8')))
    return chars


RANGES = [(0x20, 0x7E), (0xA0, 0x17F), (0x2000, 0x206F), (0x2190, 0x21FF), (0x2212, 0x2212), (0x2264, 0x2265),
          (0x25A0, 0x25FF), (0x3000, 0x303F), (0xFF00, 0xFFEF)]


def main() -> None:
    chars = gb2312() | catalogue_chars()
    for a, b in RANGES:
        chars.update(chr(c) for c in range(a, b + 1))
    codepoints = sorted(ord(c) for c in chars if ord(c) >= 0x20)
    OUT.mkdir(parents=True, exist_ok=True)
    unicodes = ','.join(f'U+{c:04X}' for c in codepoints)
    for weight in ('Regular', 'Bold'):
        out = OUT / f'NotoSansSC-{weight}-subset.otf'
        subprocess.run(['pyftsubset', str(SRC / f'NotoSansCJK-{weight}.ttc'), f'--font-number={SC_INDEX}', f'--unicodes={unicodes}',
                        f'--output-file={out}', '--layout-features=kern,liga,palt,locl', '--no-hinting', '--name-IDs=*',
                        '--name-languages=*', '--drop-tables+=DSIG'], check=True)
        print(f'{out.relative_to(ROOT)}: {out.stat().st_size} bytes, {len(codepoints)} characters')


if __name__ == '__main__':
    main()
