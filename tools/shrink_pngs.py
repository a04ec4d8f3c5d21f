"""Re-encode the PNG outputs of notebooks smaller: a 256-colour palette, and pictures wider than `--max-width` pixels
scaled down to it. Only `image/png` outputs change; sources, cell ids and other outputs are left as they are.

    python tools/shrink_pngs.py nbs/02_flow.ipynb nbs/tutorials/*.ipynb     # rewrite these notebooks in place
    python tools/shrink_pngs.py --dry-run nbs/*.ipynb                     # print what it would save

Palette pictures (already re-encoded) are left alone, so running it twice changes nothing.
"""
import argparse, base64, io, json
from pathlib import Path
from PIL import Image


def shrink_png(data: bytes, max_width: int) -> bytes:
    "A PNG re-encoded with a 256-colour palette, scaled down to `max_width` if wider; the input if that is not smaller."
    im = Image.open(io.BytesIO(data))
    if im.mode == 'P': return data
    im = im.convert('RGBA' if 'A' in im.getbands() else 'RGB')
    if im.width > max_width: im = im.resize((max_width, round(im.height * max_width / im.width)), Image.LANCZOS)
    q = im.quantize(256, method=Image.Quantize.FASTOCTREE if im.mode == 'RGBA' else Image.Quantize.MEDIANCUT)
    buf = io.BytesIO(); q.save(buf, 'PNG', optimize=True)
    return buf.getvalue() if buf.tell() < len(data) else data


def shrink_notebook(path: Path, max_width: int, write: bool = True):
    "(bytes before, bytes after) of the notebook's file; rewritten in nbdev's JSON layout when `write`."
    text = path.read_text()
    nb = json.loads(text)
    for cell in nb['cells']:
        for out in cell.get('outputs', []):
            data = out.get('data', {})
            if 'image/png' not in data: continue
            b64 = data['image/png']
            b64 = ''.join(b64) if isinstance(b64, list) else b64
            small = shrink_png(base64.b64decode(b64), max_width)
            data['image/png'] = base64.b64encode(small).decode()
    new = json.dumps(nb, indent=1, ensure_ascii=False) + '\n'
    if write and new != text: path.write_text(new)
    return len(text.encode()), len(new.encode())


if __name__ == '__main__':
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument('notebooks', nargs='+', type=Path)
    ap.add_argument('--max-width', type=int, default=800, help='scale wider pictures down to this many pixels')
    ap.add_argument('--dry-run', action='store_true')
    a = ap.parse_args()
    before = after = 0
    for p in a.notebooks:
        b, n = shrink_notebook(p, a.max_width, write=not a.dry_run)
        before += b; after += n
        print(f"{p}: {b:,} -> {n:,} bytes")
    print(f"total: {before:,} -> {after:,} bytes")
