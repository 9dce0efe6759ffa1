/**
 * Hands a file made by the core to the user as a download: in Electron the system's save dialog, in browser
 * mode the browser's downloads. The object URL is released once the download has started.
 */
export function saveFile(data: BlobPart, fileName: string, type: string): void {
  const url = URL.createObjectURL(new Blob([data], { type }));
  const a = document.createElement('a');
  a.href = url;
  a.download = fileName;
  document.body.append(a);
  a.click();
  a.remove();
  setTimeout(() => URL.revokeObjectURL(url), 10_000);
}
