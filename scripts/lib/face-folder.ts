/** Lists a labelled face-image folder (DIR/<label>/*.jpg|png, the FER2013 layout), labels in a fixed order. */
import { existsSync, readdirSync, statSync } from 'node:fs';
import path from 'node:path';

export const FACE_FOLDER_LABELS = ['angry', 'disgust', 'fear', 'happy', 'neutral', 'sad', 'surprise', 'contempt'];

export function listFaceFolder(dir: string, limitPerLabel = Infinity): Array<{ file: string; label: string }> {
  if (!existsSync(dir) || !statSync(dir).isDirectory()) throw new Error(`${dir} is not a folder`);
  const labelDirs = readdirSync(dir).filter((d) => statSync(path.join(dir, d)).isDirectory());
  const unknown = labelDirs.filter((d) => !FACE_FOLDER_LABELS.includes(d));
  if (unknown.length) console.error(`ignoring folders that are not labels: ${unknown.join(', ')}`);
  const items: Array<{ file: string; label: string }> = [];
  for (const label of FACE_FOLDER_LABELS) {
    if (!labelDirs.includes(label)) continue;
    const files = readdirSync(path.join(dir, label))
      .filter((f) => /\.(jpe?g|png)$/i.test(f))
      .sort()
      .slice(0, limitPerLabel);
    for (const f of files) items.push({ file: path.join(dir, label, f), label });
  }
  if (!items.length) throw new Error(`No jpg/png images under ${dir}/<label>/ (labels: ${FACE_FOLDER_LABELS.join(', ')})`);
  return items;
}
